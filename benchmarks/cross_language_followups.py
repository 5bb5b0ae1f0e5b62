"""Follow-ups that point back ("那里…", "…there?", "its…") asked in the other language than
the question before them, with and without the subject-keeping of qa/followups.py.

Set: tests/cross_language_followups.jsonl, 12 two-turn cases on the seed page written for
this measurement after the rule was made (nothing was fitted on them), both directions;
plus the multi-turn cases of tests/seed_dev.jsonl and tests/seed_heldout.jsonl (same
language) to check nothing got worse. A case passes when its last answer cites the
expected article first and holds the expected text (evaluation.evaluate.score_case).

    .venv/bin/python -m benchmarks.cross_language_followups [--index-dir DIR]

writes benchmarks/cross_language_followups.md.
"""
from __future__ import annotations

import argparse
import contextlib
import tempfile
from pathlib import Path

from assistant.qa import followups
from assistant.evaluation.evaluate import load_cases, run_qa_cases
from assistant.service.pipeline import Assistant, default_seeds, index_paths
from assistant.text.tokens import tokenize

HERE = Path(__file__).resolve().parent
TESTS = HERE.parent / "tests"


@contextlib.contextmanager
def without_subject_keeping():
    """The behaviour before: no article-first answer for a question pointing back, and
    the earlier question's own words as context terms (English words for English)."""
    saved = followups.refers_back, followups.subject_terms
    followups.refers_back = lambda question: False
    followups.subject_terms = lambda frame, answerer, question=None: tokenize(frame)
    try:
        yield
    finally:
        followups.refers_back, followups.subject_terms = saved


def run(assistant, cases):
    results = run_qa_cases(assistant, cases, progress_bar=False)
    return {r.id: r.passed for r in results}


def main(argv=None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--index-dir", default=None, help="an index of the seed page")
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        index_dir = args.index_dir
        if index_dir is None:
            index_dir = Path(tmp) / "index"
            index_paths([str(default_seeds())], index_dir, progress_bar=False)
        assistant = Assistant(index_dir)
        sets = {"cross-language (held apart)": load_cases(TESTS / "cross_language_followups.jsonl"),
                "same-language multi-turn (seed dev + held-out)": [
                    c for f in ("seed_dev.jsonl", "seed_heldout.jsonl")
                    for c in load_cases(TESTS / f) if len(c["turns"]) > 1]}
        lines = ["# Follow-ups that point back, across languages", "",
                 "Written by `benchmarks/cross_language_followups.py` (see its docstring).", "",
                 "| set | cases | before | after |", "|---|---|---|---|"]
        detail = []
        for name, cases in sets.items():
            with without_subject_keeping():
                before = run(assistant, cases)
            after = run(assistant, cases)
            lines.append(f"| {name} | {len(cases)} | {sum(before.values())} | "
                         f"{sum(after.values())} |")
            for c in cases:
                detail.append(f"| {c['id']} | {' → '.join(c['turns'])} | "
                              f"{'pass' if before[c['id']] else 'fail'} | "
                              f"{'pass' if after[c['id']] else 'fail'} |")
        lines += ["", "| case | turns | before | after |", "|---|---|---|---|", *detail, ""]
        (HERE / "cross_language_followups.md").write_text("\n".join(lines), encoding="utf-8")
        print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
