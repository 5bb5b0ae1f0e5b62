"""kill -9 trials (issue 11): nothing half-written, nothing recorded lost.

`python -m benchmarks.kill_runs [--cli N] [--server N] [--out benchmarks/KILL_RUNS.md]`

- CLI: `assistant index` of the seed page plus a few new articles into a copy of the
  seed index, killed with SIGKILL at a random moment of its run (0.5 s up to the time
  an undisturbed run takes). Survived = the index then loads, holds exactly the
  articles of the old or of the new version (never a mix), the writer lock is free
  (the next `assistant index --lock-timeout 5` succeeds) and it has every article.
- Server: `assistant serve`, a file uploaded through `/upload`; once the upload is
  recorded in the journal, the server's process group (server and indexing worker) is
  killed with SIGKILL after a random 0-6 s (during the worker's reading, embedding or
  writing, or after). Then restarted: survived = the upload's article is answered and
  in the index with every earlier one, and nothing stays pending.
"""
from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.upload_latency import ROOT, Server, seed_index

NEW = ["丁镇举办职工技能比武，共有{n}名职工参加，比武设焊工、电工两个项目。",
       "戊市工会为环卫工人建成爱心驿站{n}座，驿站提供饮水、休息和充电服务。",
       "己县工会开展送清凉活动，慰问一线职工{n}人，发放防暑物资价值12万元。"]


def articles_of(index_dir: Path) -> set[str]:
    from assistant.index.store import open_index

    index = open_index(index_dir)
    try:
        return {a.heading for a in index.articles.values()}
    finally:
        index.hold.release()


def write_new(folder: Path, k: int) -> set[str]:
    folder.mkdir(parents=True, exist_ok=True)
    heads = set()
    for i, body in enumerate(NEW):
        head = f"第{k}批新闻{i}号"
        (folder / f"n{i}.txt").write_text(f"{head}\n\n{body.format(n=100 + k * 7 + i)}\n",
                                          encoding="utf-8")
        heads.add(head)
    return heads


def cli_runs(work: Path, n: int, rng: random.Random) -> list[dict]:
    seed_dir = work / "seed-index"
    old = articles_of(seed_dir)
    # one undisturbed run to learn how long a run takes
    probe = work / "probe"
    shutil.copytree(seed_dir, probe)
    extra = work / "extra-probe"
    write_new(extra, 0)
    t0 = time.time()
    subprocess.run([sys.executable, "-m", "assistant", "index", "-q", "--index-dir", str(probe),
                    str(ROOT / "seeds"), str(extra)], cwd=ROOT, check=True, capture_output=True)
    full = time.time() - t0
    out = []
    for k in range(1, n + 1):
        idx = work / f"cli-{k}"
        shutil.copytree(seed_dir, idx)
        extra = work / f"extra-{k}"
        new = old | write_new(extra, k)
        delay = rng.uniform(0.5, full)
        p = subprocess.Popen([sys.executable, "-m", "assistant", "index", "-q", "--index-dir",
                              str(idx), str(ROOT / "seeds"), str(extra)], cwd=ROOT,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        finished = p.poll() is not None
        p.kill()
        p.wait()
        try:
            got = articles_of(idx)
            state = "old" if got == old else "new" if got == new else "mixed"
        except Exception as e:
            got, state = set(), f"unloadable: {type(e).__name__}: {e}"
        r = subprocess.run([sys.executable, "-m", "assistant", "index", "-q", "--lock-timeout",
                            "5", "--index-dir", str(idx), str(ROOT / "seeds"), str(extra)],
                           cwd=ROOT, capture_output=True, text=True)
        after = articles_of(idx) if r.returncode == 0 else set()
        ok = state in ("old", "new") and r.returncode == 0 and after == new
        out.append({"run": k, "kill_after_s": round(delay, 2), "finished_before_kill": finished,
                    "state_after_kill": state, "rerun_rc": r.returncode,
                    "rerun_err": r.stderr.strip()[-200:], "survived": ok})
        print(json.dumps(out[-1], ensure_ascii=False), flush=True)
        shutil.rmtree(idx, ignore_errors=True)
    return out + [{"undisturbed_run_s": round(full, 1)}]


def server_runs(work: Path, n: int, rng: random.Random) -> list[dict]:
    from gradio_client import handle_file

    from assistant.service.journal import pending

    out = []
    for k in range(1, n + 1):
        idx = work / f"srv-{k}"
        shutil.copytree(work / "seed-index", idx)
        old = articles_of(idx)
        head = f"庚区第{k}次职工运动会"
        up = work / f"up-{k}" / "games.txt"
        up.parent.mkdir(parents=True, exist_ok=True)
        up.write_text(f"{head}\n\n庚区第{k}次职工运动会有{300 + k}名运动员参加，设田径、游泳等"
                      f"9个大项。\n", encoding="utf-8")
        server = Server(idx, work / f"srv-{k}.log")
        delay = rng.uniform(0.0, 6.0)
        try:
            client = server.client()
            client.submit([handle_file(str(up))], "", api_name="/upload")
            t0 = time.time()
            while not pending(idx) and time.time() - t0 < 60:
                time.sleep(0.05)
            recorded = bool(pending(idx))
            time.sleep(delay)
            server.kill9()
        finally:
            server.stop()
        still_pending = len(pending(idx))
        server = Server(idx, work / f"srv-{k}-restart.log")
        try:
            client = server.client()
            t0 = time.time()
            answered = False
            while time.time() - t0 < 180:
                turn = client.predict(f"庚区第{k}次职工运动会有多少名运动员参加？", api_name="/ask")
                if str(300 + k) in turn.get("answer", ""):
                    answered = True
                    break
                time.sleep(1)
        finally:
            server.stop()
        got = articles_of(idx)
        ok = recorded and answered and (old | {head}) <= got and not pending(idx)
        out.append({"run": k, "kill_after_record_s": round(delay, 2), "recorded": recorded,
                    "pending_after_kill": still_pending, "answered_after_restart": answered,
                    "all_articles": (old | {head}) <= got, "survived": ok})
        print(json.dumps(out[-1], ensure_ascii=False), flush=True)
        shutil.rmtree(idx, ignore_errors=True)
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--cli", type=int, default=20)
    p.add_argument("--server", type=int, default=6)
    p.add_argument("--seed", type=int, default=11)
    p.add_argument("--out", default=str(ROOT / "benchmarks" / "KILL_RUNS.md"))
    args = p.parse_args(argv)
    rng = random.Random(args.seed)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                            capture_output=True, text=True).stdout.strip()
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    with tempfile.TemporaryDirectory(prefix="kill-runs-") as tmp:
        work = Path(tmp)
        seed_index(work / "seed-index")
        cli = cli_runs(work, args.cli, rng) if args.cli else []
        srv = server_runs(work, args.server, rng) if args.server else []
    cli_rows = [r for r in cli if "run" in r]
    lines = ["# kill -9 trials", "",
             f"Run on {started} with `python -m benchmarks.kill_runs --cli {args.cli} "
             f"--server {args.server} --seed {args.seed}` (commit {commit}). See the "
             "script's docstring for what each trial does and what counts as survived.", ""]
    if cli_rows:
        full = next((r["undisturbed_run_s"] for r in cli if "undisturbed_run_s" in r), None)
        lines += [f"**CLI** (`assistant index` killed mid-run; an undisturbed run took {full} s): "
                  f"{sum(r['survived'] for r in cli_rows)} of {len(cli_rows)} survived; "
                  f"after the kill the index held the old version {sum(r['state_after_kill'] == 'old' for r in cli_rows)} "
                  f"times, the new one {sum(r['state_after_kill'] == 'new' for r in cli_rows)} times, "
                  f"anything else {sum(r['state_after_kill'] not in ('old', 'new') for r in cli_rows)} times.", "",
                  "| run | killed after s | state after kill | rerun exit | survived |",
                  "|---|---|---|---|---|"]
        lines += [f"| {r['run']} | {r['kill_after_s']} | {r['state_after_kill']} | {r['rerun_rc']} "
                  f"| {'yes' if r['survived'] else 'NO'} |" for r in cli_rows]
        lines.append("")
    if srv:
        lines += [f"**Server** (killed with its worker after an upload was recorded, then "
                  f"restarted): {sum(r['survived'] for r in srv)} of {len(srv)} survived "
                  f"(the upload answered after the restart, every earlier article kept).", "",
                  "| run | killed s after the record | still pending after kill | answered after restart | every article | survived |",
                  "|---|---|---|---|---|---|"]
        lines += [f"| {r['run']} | {r['kill_after_record_s']} | {r['pending_after_kill']} | "
                  f"{r['answered_after_restart']} | {r['all_articles']} | "
                  f"{'yes' if r['survived'] else 'NO'} |" for r in srv]
        lines.append("")
    Path(args.out).write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
