"""Is `assistant eval` byte-identical at two commits? (issue 22: no behaviour change)

    python -m benchmarks.eval_identical --base REV [--head REV] [--squad-limit N]
                                        [--realqa-index DIR] [--out FILE.md]

For each commit (a detached `git worktree` of it under --work, default /tmp/eval_identical;
the shared venv's python run from that checkout, so `import assistant` is that commit's code)
this runs, with `--llm none`:

- `assistant eval --qa tests/data/realqa/questions.jsonl --split fit|report --json --misses F`
  on ONE index (--realqa-index, built once by whichever commit; both commits read it);
- `assistant eval --squad ... --limit N --json --misses F` on CMRC 2018 dev, DRCD dev and
  XQuAD-half (Chinese paragraphs, English questions: `--questions-from`), each commit
  building its own index of the bounded subset in its own folder (so the indexing code is
  compared too).

It then compares the outputs byte for byte: the misses files as written, the JSON reports
after removing only what cannot repeat (the latency figures, the build seconds) and the
folder names that differ by construction (index_dir, misses_file). Each commit's outputs
are kept under --work/runs/SHA (a re-run reuses them: the base is run once).
Exit status 0 when every output is identical, 1 otherwise; --out writes the comparison
(Markdown) for the commit message / benchmarks.
"""
from __future__ import annotations

import argparse
import difflib
import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = os.environ.get("EVAL_PYTHON", "/work/main/.venv/bin/python")
BENCH = Path(os.environ.get("EVAL_BENCH", ROOT.parent / "shared" / "bench"))
if not BENCH.is_dir():
    BENCH = Path("/work/shared/bench")
QA = "tests/data/realqa/questions.jsonl"
UNSTABLE = ("latency_ms", "latency_last_turn_ms")   # wall-clock: never repeats


def runs_of(squad_limit: int) -> list[tuple[str, list[str]]]:
    """(name, eval arguments) of every run; {index} is replaced by the run's index folder."""
    lim = ["--limit", str(squad_limit)]
    return [
        ("realqa-fit", ["--qa", QA, "--split", "fit", "--index-dir", "{realqa}"]),
        ("realqa-report", ["--qa", QA, "--split", "report", "--index-dir", "{realqa}"]),
        ("cmrc-dev", ["--squad", str(BENCH / "cmrc2018_dev.json"), *lim,
                      "--index-dir", "{index}"]),
        ("drcd-dev", ["--squad", str(BENCH / "drcd_dev.json"), *lim, "--index-dir", "{index}"]),
        ("xquad-half-en", ["--squad", str(BENCH / "xquad_half.zh.json"),
                           "--questions-from", str(BENCH / "xquad_half.en.json"), *lim,
                           "--index-dir", "{index}"]),
    ]


def git(*args: str, cwd: Path = ROOT) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True,
                          check=True).stdout.strip()


def checkout(sha: str, work: Path) -> Path:
    """A detached worktree of `sha` (made once, reused)."""
    tree = work / "trees" / sha[:12]
    if not (tree / "assistant").is_dir():
        tree.parent.mkdir(parents=True, exist_ok=True)
        git("worktree", "add", "--detach", str(tree), sha)
    return tree


def normalize(report: dict) -> dict:
    out = {k: v for k, v in report.items() if k not in UNSTABLE}
    for k in ("index_dir", "misses_file"):
        if k in out:
            out[k] = f"<{k}>"
    if isinstance(out.get("index_build"), dict):
        out["index_build"] = {k: v for k, v in out["index_build"].items() if k != "seconds"}
    return out


def run_commit(sha: str, work: Path, realqa_index: Path, squad_limit: int,
               only: set[str] | None) -> Path:
    """Run every eval at `sha`; return its output folder (reused when complete)."""
    tree = checkout(sha, work)
    out = work / "runs" / f"{sha[:12]}-q{squad_limit}"
    out.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_LLM")}
    env["PYTHONPATH"] = str(tree)
    for name, args in runs_of(squad_limit):
        if only and name not in only:
            continue
        done = out / f"{name}.json"
        if done.exists():
            continue
        index = work / "index" / f"{sha[:12]}-q{squad_limit}" / name
        args = [a.replace("{realqa}", str(realqa_index)).replace("{index}", str(index))
                for a in args]
        misses = out / f"{name}.misses.jsonl"
        cmd = [PYTHON, "-m", "assistant", "eval", *args, "--llm", "none", "--json",
               "--misses", str(misses)]
        t0 = time.time()
        print(f"[{sha[:12]}] {name} ...", file=sys.stderr, flush=True)
        p = subprocess.run(cmd, cwd=tree, env=env, capture_output=True, text=True)
        (out / f"{name}.stderr").write_text(p.stderr, encoding="utf-8")
        if p.returncode != 0:
            raise SystemExit(f"[{sha[:12]}] {name} failed ({p.returncode}): "
                             f"{p.stderr.strip().splitlines()[-1:]}")
        report = normalize(json.loads(p.stdout))
        tmp = done.with_suffix(".tmp")
        tmp.write_text(json.dumps(report, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                       encoding="utf-8")
        tmp.rename(done)
        print(f"[{sha[:12]}] {name} {time.time() - t0:.0f}s", file=sys.stderr, flush=True)
    return out


def sha256(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()[:16] if p.exists() else "(missing)"


def compare(a: Path, b: Path, names: list[str]) -> tuple[bool, list[str], list[str]]:
    """(all identical, table rows, diff excerpts)."""
    ok, rows, diffs = True, [], []
    for name in names:
        for suffix in (".json", ".misses.jsonl"):
            fa, fb = a / f"{name}{suffix}", b / f"{name}{suffix}"
            same = fa.exists() and fb.exists() and fa.read_bytes() == fb.read_bytes()
            ok &= same
            lines = len(fb.read_text(encoding="utf-8").splitlines()) if fb.exists() else 0
            rows.append(f"| {name}{suffix} | {lines} | {sha256(fa)} | {sha256(fb)} | "
                        f"{'identical' if same else 'DIFFERENT'} |")
            if not same and fa.exists() and fb.exists():
                d = list(difflib.unified_diff(
                    fa.read_text(encoding="utf-8").splitlines(),
                    fb.read_text(encoding="utf-8").splitlines(), str(fa), str(fb), lineterm="",
                    n=0))
                diffs += d[:40]
    return ok, rows, diffs


def headline(out: Path, name: str) -> str:
    r = json.loads((out / f"{name}.json").read_text(encoding="utf-8"))
    a, ret = r["answers"], r["retrieval"]
    key = "passed" if r["kind"] == "qa" else "gold_in_answer"
    return (f"{r['questions']} {'cases' if r['kind'] == 'qa' else 'questions'}, "
            f"{r['articles']} articles / {r['chunks']} chunks: R@1 {ret['rank1']}, "
            f"first cited {ret['first_cited']}, {key} {a[key]}, answered {a['answered']}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--base", required=True, help="the commit before (e.g. main's)")
    ap.add_argument("--head", default="HEAD", help="the commit after (default HEAD)")
    ap.add_argument("--squad-limit", type=int, default=100,
                    help="questions asked of each SQuAD-format set (default 100)")
    ap.add_argument("--realqa-index", default="/tmp/realqa_main",
                    help="ONE index of tests/data/realqa/corpus both commits read")
    ap.add_argument("--work", default="/tmp/eval_identical")
    ap.add_argument("--only", nargs="*", default=None, help="run only these (names above)")
    ap.add_argument("--out", default=None, help="write the comparison (Markdown) here")
    args = ap.parse_args(argv)
    work = Path(args.work)
    base, head = git("rev-parse", args.base), git("rev-parse", args.head)
    if git("status", "--porcelain", "--untracked-files=no") and args.head == "HEAD":
        print("note: the worktree has uncommitted changes; HEAD is compared as committed",
              file=sys.stderr)
    only = set(args.only) if args.only else None
    names = [n for n, _ in runs_of(args.squad_limit) if not only or n in only]
    a = run_commit(base, work, Path(args.realqa_index), args.squad_limit, only)
    b = run_commit(head, work, Path(args.realqa_index), args.squad_limit, only)
    ok, rows, diffs = compare(a, b, names)
    text = "\n".join([
        f"# eval byte-identical: {base[:9]} -> {head[:9]}",
        "",
        f"`python -m benchmarks.eval_identical --base {base[:9]} --head {head[:9]} "
        f"--squad-limit {args.squad_limit}` (--llm none; realqa on one index, "
        f"{args.realqa_index}; each SQuAD-format subset indexed by each commit). "
        "Reports compared without their latency figures and build seconds; misses files "
        "as written.",
        "",
        "| output | lines (after) | sha256 before | sha256 after | |",
        "|---|---:|---|---|---|",
        *rows,
        "",
        "Figures (after): " + "; ".join(f"{n}: {headline(b, n)}" for n in names),
        "",
        "**All identical.**" if ok else "**DIFFERENT** (first lines of the diffs below)",
        *(["", "```", *diffs, "```"] if diffs else []),
        "",
    ])
    print(text)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
