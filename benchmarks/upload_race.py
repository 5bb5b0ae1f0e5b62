"""Three writers over one index folder (issue 19 item 2): no confirmed upload is lost.

`python -m benchmarks.upload_race [--runs N] [--seed S] [--code DIR] [--out FILE]`

Each run, on a fresh copy of a two-article index:

1. a *holder* process takes the folder's writer lock (what a long build does);
2. meanwhile `assistant index CORPUS` starts (a CLI rebuild of the folder's articles)
   and, once it says it waits for the lock, after a random 0-1 s,
3. an upload arrives as the UI makes one: the file is copied into `uploads/`, recorded
   in the journal, and the server's indexing worker is started for it (`run_worker`, from
   a process of its own); once it waits for the lock too, after a random 0-0.5 s,
4. the holder lets go. The CLI and the worker poll the lock (every 0.2 s), so either
   may get it first.

Whichever of the CLI and the worker gets the lock first builds first. Afterwards the
upload is *lost* when its article is not in the live index (the UI had confirmed it;
with the journal marked done a restart would not bring it back). The CLI's articles
must be there too, and no upload may stay pending.

`--code DIR` runs the three processes on the code in DIR (say an export of an older
commit) to measure before/after on the same trial. Runs are small: a handful of
sentences embedded by the bundled model per run.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CORPUS = {"a.txt": ("甲区工会举办职工技能比武", "甲区工会举办职工技能比武，共有{n}名职工参加。"),
          "b.txt": ("乙县工会开展送清凉活动", "乙县工会开展送清凉活动，慰问一线职工{n}人。")}
UPLOAD = ("丙镇工会建成职工书屋", "丙镇工会建成职工书屋，藏书{n}册，向全镇职工开放。")

HOLDER = """
import sys, time
from assistant.index.versions import writer_lock
with writer_lock(sys.argv[1], what="race holder"):
    print("held", flush=True)
    sys.stdin.readline()
"""

# The upload's worker as the server runs it (Assistant.add_uploads), its wait message on stdout.
WORKER = """
import json, sys
from assistant.service.worker import run_worker
run_worker(sys.argv[1], sys.argv[3:], upload_ids=[sys.argv[2]],
           wait_message=lambda m: print(json.dumps({"wait": m}, ensure_ascii=False), flush=True))
"""


def _env(code: Path) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(code)
    env["ASSISTANT_LOCK_TIMEOUT"] = "120"
    return env


def _write(path: Path, title: str, body: str, n: int) -> None:
    path.write_text(f"{title}\n\n{body.format(n=n)}\n", encoding="utf-8")


def headings(index_dir: Path, code: Path) -> set[str]:
    """The headings of the live version, read by a separate process on `code`."""
    script = ("import json, sys; from assistant.index.store import NewsIndex; "
              "i = NewsIndex.load(sys.argv[1]); "
              "print(json.dumps(sorted(a.heading for a in i.articles.values()), "
              "ensure_ascii=False))")
    r = subprocess.run([sys.executable, "-c", script, str(index_dir)], capture_output=True,
                       text=True, env=_env(code), cwd=code, timeout=300)
    if r.returncode != 0:
        raise RuntimeError(r.stderr[-2000:])
    return set(json.loads(r.stdout))


def pending(index_dir: Path, code: Path) -> int:
    script = ("import sys; from assistant.service import journal; "
              "print(len(journal.pending(sys.argv[1])))")
    r = subprocess.run([sys.executable, "-c", script, str(index_dir)], capture_output=True,
                       text=True, env=_env(code), cwd=code, timeout=120)
    return int(r.stdout.strip() or -1)


def base_index(work: Path, code: Path) -> tuple[Path, Path]:
    corpus = work / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    for name, (title, body) in CORPUS.items():
        _write(corpus / name, title, body, 100)
    index = work / "base-index"
    r = subprocess.run([sys.executable, "-m", "assistant", "index", "-q", "--index-dir",
                        str(index), str(corpus)], capture_output=True, text=True,
                       env=_env(code), cwd=code, timeout=600)
    if r.returncode != 0:
        raise RuntimeError(r.stderr[-2000:])
    return corpus, index


def one_run(k: int, work: Path, corpus: Path, base: Path, code: Path,
            rng: random.Random) -> dict:
    index_dir = work / f"run-{k}"
    shutil.copytree(base, index_dir)
    env = _env(code)
    upload_after = rng.uniform(0.0, 1.0)
    release_after = rng.uniform(0.0, 0.5)
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(index_dir)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                              env=env, cwd=code)
    assert holder.stdout.readline().strip() == "held"
    cli = subprocess.Popen([sys.executable, "-m", "assistant", "index", "-q", "--index-dir",
                            str(index_dir), str(corpus)], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, env=env, cwd=code)
    cli_err = [cli.stderr.readline()]   # "…being written by pid … (race holder…): waiting"
    assert "waiting" in cli_err[0], cli_err
    time.sleep(upload_after)
    # the upload, as ChatApp.upload + Assistant.add_uploads make it
    uploads = index_dir / "uploads"
    uploads.mkdir(exist_ok=True)
    title, body = UPLOAD
    title = f"{title}{k}"
    up = uploads / f"upload{k}.txt"
    _write(up, title, body, 200 + k)
    record = ("import sys; from assistant.service import journal; "
              "print(journal.record_upload(sys.argv[1], sys.argv[2:]))")
    upload_id = subprocess.run([sys.executable, "-c", record, str(index_dir), str(up)],
                               capture_output=True, text=True, env=env, cwd=code,
                               timeout=120).stdout.strip()
    worker = subprocess.Popen([sys.executable, "-c", WORKER, str(index_dir), upload_id, str(up)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env=env, cwd=code)
    first = worker.stdout.readline()    # the worker's {"wait": …} message
    assert '"wait"' in first, first
    time.sleep(release_after)
    holder.stdin.write("release\n")
    holder.stdin.flush()
    order: list[str] = []

    def wait(name: str, proc: subprocess.Popen) -> None:
        proc.communicate(timeout=600)
        order.append(name)

    threads = [threading.Thread(target=wait, args=(n, p))
               for n, p in (("cli", cli), ("upload", worker))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    holder.wait(timeout=60)
    have = headings(index_dir, code)
    row = {"run": k, "upload_after_s": round(upload_after, 2),
           "release_after_s": round(release_after, 2),
           "finished_first": order[0], "cli_exit": cli.returncode,
           "worker_exit": worker.returncode,
           "upload_indexed": title in have,
           "cli_articles": all(t in have for t, _ in CORPUS.values()),
           "pending_after": pending(index_dir, code)}
    row["lost"] = not row["upload_indexed"]
    shutil.rmtree(index_dir, ignore_errors=True)
    return row


def run(runs: int, seed: int = 19, code: Path = ROOT, work: Path | None = None) -> list[dict]:
    rng = random.Random(seed)
    own = work is None
    work = Path(tempfile.mkdtemp(prefix="upload-race-")) if own else work
    try:
        corpus, base = base_index(work, code)
        return [one_run(k, work, corpus, base, code, rng) for k in range(1, runs + 1)]
    finally:
        if own:
            shutil.rmtree(work, ignore_errors=True)


def report(rows: list[dict], args: argparse.Namespace, commit: str) -> str:
    lost = sum(r["lost"] for r in rows)
    cli_first = sum(r["finished_first"] == "cli" for r in rows)
    lines = ["# Three writers, one index folder: uploads lost", "",
             f"Run on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} with "
             f"`python -m benchmarks.upload_race --runs {args.runs} --seed {args.seed}` "
             f"(code: {commit}). See the script's docstring for a run.", "",
             f"**{lost} of {len(rows)} uploads lost**; the CLI finished first {cli_first} "
             f"times, the upload's worker {len(rows) - cli_first} times; CLI articles kept "
             f"in {sum(r['cli_articles'] for r in rows)} runs; uploads left pending: "
             f"{sum(max(0, r['pending_after']) for r in rows)}.", "",
             "| run | upload after s | released after s | finished first | cli exit | worker exit "
             "| upload indexed | cli articles | pending after | lost |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['run']} | {r['upload_after_s']} | {r['release_after_s']} | "
                     f"{r['finished_first']} | {r['cli_exit']} | {r['worker_exit']} | "
                     f"{r['upload_indexed']} | {r['cli_articles']} | {r['pending_after']} | "
                     f"{'LOST' if r['lost'] else 'no'} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.upload_race")
    p.add_argument("--runs", type=int, default=20)
    p.add_argument("--seed", type=int, default=19)
    p.add_argument("--code", type=Path, default=ROOT,
                   help="the checkout whose code the writers run (default: this one)")
    p.add_argument("--out", type=Path, default=None, help="write the Markdown report here")
    p.add_argument("--append", action="store_true", help="append to --out instead")
    args = p.parse_args(argv)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True, cwd=ROOT).stdout.strip()
    if args.code.resolve() != ROOT:
        commit = f"{args.code}"
    rows = run(args.runs, args.seed, args.code.resolve())
    text = report(rows, args, commit)
    print(text)
    if args.out:
        with open(args.out, "a" if args.append else "w", encoding="utf-8") as f:
            f.write(("\n" if args.append else "") + text)
    return 0 if not any(r["lost"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
