"""How often the bold short answer of a number question is the gold figure, a wrong
one, or not given (qa/shortanswer.py).

The questions are those of a SQuAD-format set that `question.analyse` reads as number
questions and whose gold answer holds a written number (numbers.mentions). Each is
given the sentence holding its gold answer as the quoted passage (what the extractive
answerer quotes when it picks the right sentence; with --window 1 also the sentences
before and after it, as when adjacent clauses are quoted too), and `shortanswer.find`
picks a span or none:

- right: the span covers the gold answer's number and reads the same value;
- wrong: any other span (another figure, or the right one clipped inside a word);
- none: no short answer (the quoted sentence still answers).

Sets: CMRC 2018 dev, split by sorted question id into a first half (looked at while the
rules were written) and a second half (reported), and DRCD dev (Traditional Chinese,
held apart: not looked at). No setting is fitted on any of them.

    .venv/bin/python -m benchmarks.short_answer [--window 1] [--show wrong] [--limit N]
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from assistant.qa import shortanswer
from assistant.qa.question import analyse
from assistant.ingest.chunking import split_sentences
from assistant.records import Citation

BENCH = Path("/work/shared/bench")


def _gold_numbers(text: str):
    from assistant.text.numbers import mentions

    return [m for m in mentions(text) if not m.date]


def cases(path: Path, window: int = 0):
    data = json.loads(path.read_text(encoding="utf-8"))["data"]
    for art in data:
        for para in art["paragraphs"]:
            ctx = para["context"]
            spans = split_sentences(ctx)
            for qa in para["qas"]:
                gold = qa["answers"][0]
                g0, text = gold["answer_start"], gold["text"]
                if ctx[g0:g0 + len(text)] != text:
                    at = ctx.find(text)
                    if at < 0:
                        continue
                    g0 = at
                g1 = g0 + len(text)
                idx = next((i for i, (s, e) in enumerate(spans) if s <= g0 and g1 <= e), None)
                if idx is None:
                    continue
                s = spans[max(0, idx - window)][0]
                e = spans[min(len(spans) - 1, idx + window)][1]
                yield qa["id"], qa["question"], ctx, (s, e), (g0, g1), text


def judge(question: str, ctx: str, span, gold, gold_text: str):
    """(outcome, bold text) or None when the case is no number question."""
    from assistant.text.numbers import mentions

    gnums = _gold_numbers(gold_text)
    if not gnums:
        return None
    q = analyse(question)
    if q.kind != "number":
        return None
    s, e = span
    cit = Citation(n=1, article_id="p", heading="", source="", passage=ctx[s:e], start=s, end=e)
    hit = shortanswer.find(q, [cit], q.tokens)
    if hit is None:
        return "none", ""
    _, bs, be = hit
    bs, be = s + bs, s + be
    bold = ctx[bs:be]
    g0, g1 = gold
    num0 = g0 + gnums[0].start
    num1 = g0 + gnums[0].num_end
    bnums = mentions(bold)
    same = bool(bnums) and abs(bnums[0].value - gnums[0].value) < 1e-9
    covers = bs <= num0 and num1 <= be
    # clipped: the bold ends inside a jieba word of the passage that the gold holds whole
    from assistant.text.numbers import words

    bounds = {0}
    for ws, we, _, _ in words(ctx[s:e]):
        bounds.add(we)
    clipped = (be - s) not in bounds
    # the same figure written twice in the passage: either place answers
    if same and not clipped and (covers or bold == gold_text.strip("。．. ")):
        return "right", bold
    return "wrong", bold


def run(path: Path, window: int, limit: int | None, show: str | None, part: str):
    rows = sorted(cases(path, window), key=lambda r: r[0])
    half = len(rows) // 2
    if part == "first":
        rows = rows[:half]
    elif part == "second":
        rows = rows[half:]
    counts = {"right": 0, "wrong": 0, "none": 0}
    n = 0
    for qid, question, ctx, span, gold, gold_text in rows:
        got = judge(question, ctx, span, gold, gold_text)
        if got is None:
            continue
        n += 1
        counts[got[0]] += 1
        if show and got[0] == show:
            print(json.dumps({"id": qid, "q": question, "gold": gold_text, "bold": got[1],
                              "passage": ctx[span[0]:span[1]]}, ensure_ascii=False))
        if limit and n >= limit:
            break
    return n, counts


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.short_answer")
    p.add_argument("--window", type=int, default=0, help="sentences quoted either side")
    p.add_argument("--limit", type=int)
    p.add_argument("--show", choices=["right", "wrong", "none"])
    p.add_argument("--sets", default="cmrc:first,cmrc:second,drcd:all")
    args = p.parse_args(argv)
    files = {"cmrc": BENCH / "cmrc2018_dev.json", "drcd": BENCH / "drcd_dev.json",
             "xquad": BENCH / "xquad_half.zh.json"}
    for spec in args.sets.split(","):
        name, part = spec.split(":")
        n, c = run(files[name], args.window, args.limit, args.show, part)
        bold = c["right"] + c["wrong"]
        print(f"{name} {part} window {args.window}: {n} number questions; bold right "
              f"{c['right']} ({c['right'] / max(n, 1):.1%}), wrong {c['wrong']} "
              f"({c['wrong'] / max(n, 1):.1%} of questions, {c['wrong'] / max(bold, 1):.1%} "
              f"of bold answers), none {c['none']} ({c['none'] / max(n, 1):.1%})",
              file=sys.stderr if args.show else sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
