"""How often the bold short answer (qa/shortanswer.py) is given and how often it
is wrong, per kind of question, on SQuAD-shaped sets (a gold span for every question).

Every question `question.analyse` reads as a number, date, person or place question is
given quoted passages as the extractive answerer gives them (one citation per sentence),
and `shortanswer.find` picks a span or none. Three ways of quoting:

- gold:  the sentence holding the gold span alone;
- near:  that sentence and the sentences before and after it, each its own citation
         (the answerer quotes up to three sentences scoring close to the best);
- miss:  only the sentences before and after it (the answerer quoted a neighbour, not
         the answering sentence): a bold here is wrong unless it reads as the gold too.

Judge (no hand labels): a bold is right when it reads as one of the gold answers --
the same text; for a number, a span covering the gold's first number with the same value
and not cut inside a jieba word (benchmarks/short_answer.py's judge); for a date, the
gold's text inside the bold (1990年5月 answers 1990年) or a bold with every number of the
gold; for a person, one inside the other (林肯 for 美国总统林肯). Anything else bolded is
wrong ("partial" counts a date or name the gold holds more of: wrong too).

Sets: give SQuAD v1 files with --set NAME=PATH. The training splits of CMRC 2018 and DRCD
are not stored in the mirrored repositories (their large files are absent), so the fitting
data here is CMRC 2018 dev + CMRC 2018 trial (ymcui/cmrc2018 squad-style-data/
cmrc2018_trial.json, 1,002 questions) + DRCD dev; DRCD test (held apart by issue 17 for
answered/refused) is measured only, never looked into.

    python -m benchmarks.bold_kinds --set cmrc_trial=/tmp/x/cmrc2018_trial.json \
        [--mode gold,near,miss] [--show wrong --kind person] [--limit N] [--json OUT]
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

from assistant.qa import shortanswer
from assistant.text.numbers import mentions, words
from assistant.qa.question import analyse
from assistant.ingest.chunking import split_sentences
from assistant.records import Citation

from benchmarks.paths import bench_data

KINDS = ("number", "date", "person", "place")
_PUNCT = re.compile(r"[\s，,。.．、；;：:“”\"'‘’《》()（）「」]")


def _compact(s: str) -> str:
    return _PUNCT.sub("", s)


def cases(path: Path):
    """(id, question, context, sentence spans, index of the gold sentence, gold texts)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))["data"]
    for art in data:
        for para in art["paragraphs"]:
            ctx = para["context"]
            spans = split_sentences(ctx)
            for qa in para["qas"]:
                golds = [a["text"] for a in qa["answers"] if a.get("text", "").strip()]
                if not golds:
                    continue
                g = qa["answers"][0]
                g0, text = g["answer_start"], g["text"]
                if ctx[g0:g0 + len(text)] != text:
                    g0 = ctx.find(text)
                    if g0 < 0:
                        continue
                g1 = g0 + len(text)
                idx = next((i for i, (s, e) in enumerate(spans) if s <= g0 and g1 <= e), None)
                if idx is None:
                    continue
                yield qa["id"], qa["question"], ctx, spans, idx, list(dict.fromkeys(golds))


def _number_right(bold: str, passage: str, bs: int, be: int, gold: str) -> bool:
    gnums = [m for m in mentions(gold) if not m.date]
    bnums = mentions(bold)
    if not gnums or not bnums or abs(bnums[0].value - gnums[0].value) > 1e-9:
        return False
    bounds = {0} | {we for _, we, _, _ in words(passage)}
    return be in bounds   # not clipped inside a word (12.5公 of 12.5公里)


def judge(kind: str, bold: str, passage: str, bs: int, be: int, golds: list[str]) -> str:
    """'right', 'partial' (a date or name the gold holds more of) or 'wrong'."""
    b = _compact(bold)
    partial = False
    for gold in golds:
        g = _compact(gold)
        if not g:
            continue
        if b == g:
            return "right"
        if kind == "number":
            if _number_right(bold, passage, bs, be, gold):
                return "right"
        elif kind == "date":
            if g in b:
                return "right"
            gv = [m.value for m in mentions(gold)]
            bv = [m.value for m in mentions(bold)]
            if gv and all(v in bv for v in gv):
                return "right"
            if b in g:
                # the same date in another calendar around it (永禄5年（1562年）) reads as
                # the gold; a bold the gold writes on with a month or day is clipped
                # (1990年 of 1990年5月)
                after = g[g.index(b) + len(b):]
                if re.match(r"[0-9一二三四五六七八九十]+[月日号]|[0-9]", after) or \
                        re.match(r"代|世纪", after):
                    partial = True
                else:
                    return "right"
        elif kind == "person":
            if len(b) >= 2 and (b in g or g in b):
                return "right"
    return "partial" if partial else "wrong"


def quoted(mode: str, ctx: str, spans, idx: int) -> list[tuple[int, int]]:
    near = [j for j in (idx - 1, idx + 1) if 0 <= j < len(spans)]
    if mode == "gold":
        return [spans[idx]]
    if mode == "near":
        return [spans[idx]] + [spans[j] for j in near]
    return [spans[j] for j in near]


def run(path: Path, modes, limit=None, show=None, show_kind=None, out=None):
    """{mode: {kind: Counter(questions, bold, right, wrong, partial)}}."""
    table = {m: defaultdict(Counter) for m in modes}
    n = 0
    for qid, question, ctx, spans, idx, golds in cases(path):
        q = analyse(question)
        if q.kind not in KINDS or show_kind and q.kind != show_kind:
            continue
        n += 1
        if limit and n > limit:
            break
        for mode in modes:
            sents = quoted(mode, ctx, spans, idx)
            if not sents:
                continue
            cits = [Citation(n=k + 1, article_id="p", heading="", source="", passage=ctx[s:e],
                             start=s, end=e) for k, (s, e) in enumerate(sents)]
            row = table[mode][q.kind]
            row["questions"] += 1
            hit = shortanswer.find(q, cits, q.tokens) if q.kind != "place" else None
            if hit is None:
                continue
            i, bs, be = hit
            passage = cits[i].passage
            bold = passage[bs:be]
            verdict = judge(q.kind, bold, passage, bs, be, golds)
            row["bold"] += 1
            row["right" if verdict == "right" else "wrong"] += 1
            if verdict == "partial":
                row["partial"] += 1
            if show and (verdict == show or show == "wrong" and verdict == "partial") and \
                    (not show_kind or q.kind == show_kind) and out is not None:
                out.write(json.dumps({"id": qid, "mode": mode, "kind": q.kind, "q": question,
                                      "gold": golds[0], "bold": bold, "verdict": verdict,
                                      "quoted": [c.passage for c in cits]},
                                     ensure_ascii=False) + "\n")
    return table


def _fmt(row: Counter) -> str:
    q, b, w = row["questions"], row["bold"], row["wrong"]
    return (f"{q} | {b} ({b / max(q, 1):.1%}) | {w} ({w / b:.1%})" if b else
            f"{q} | 0 | -")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.bold_kinds")
    p.add_argument("--set", action="append", default=[],
                   help="NAME=PATH of a SQuAD v1 file (default: CMRC 2018 dev, DRCD dev)")
    p.add_argument("--mode", default="gold,near,miss")
    p.add_argument("--limit", type=int)
    p.add_argument("--show", choices=["right", "wrong"])
    p.add_argument("--kind", choices=KINDS, help="only this kind of question")
    p.add_argument("--json", help="write the counts here")
    args = p.parse_args(argv)
    sets = [s.split("=", 1) for s in args.set] or \
        [("cmrc_dev", bench_data() / "cmrc2018_dev.json"),
         ("drcd_dev", bench_data() / "drcd_dev.json")]
    modes = args.mode.split(",")
    result = {}
    for name, path in sets:
        table = run(Path(path), modes, args.limit, args.show, args.kind,
                    sys.stdout if args.show else None)
        result[name] = {m: {k: dict(v) for k, v in t.items()} for m, t in table.items()}
        log = sys.stderr if args.show else sys.stdout
        print(f"\n{name}: | mode | kind | questions | bold (of questions) | wrong (of bold) |",
              file=log)
        for mode in modes:
            total = Counter()
            for kind in KINDS:
                row = table[mode].get(kind, Counter())
                total += row
                print(f"| {mode} | {kind} | {_fmt(row)} |", file=log)
            print(f"| {mode} | all | {_fmt(total)} |", file=log)
    if args.json:
        Path(args.json).write_text(json.dumps(result, ensure_ascii=False, indent=1),
                                   encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
