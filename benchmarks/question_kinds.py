"""The kind of answer a question asks (number, date, person, place, other), as
qa/question.py reads it, against the kind of its gold answer.

Sets: the development splits of CMRC 2018 (Simplified) and DRCD (Traditional) in
/work/shared/bench (../shared/bench from the repo) -- 6,743 questions. The training splits
the issue names are not on this machine; the dev splits are used instead, halved. Each
question's gold kind is read automatically from its first gold answer text, never by
hand (`gold_kind`):

- date:   the answer opens with a date, or is short and holds one (1998年, 965年, 5月4日,
          公元前221年, 民国27年, 洪武二十五年, 19世纪, 80年代, 三、四月份), or is a dynasty
          or period (唐朝, 明朝时期); a year of one or two digits without 公元/西元/民国
          (15年, 三年) is a length of time: a number;
- number: the answer is a number with at most a measure word or unit (3个, 1200万人,
          5000米, 30%, 第三) -- jieba tags all its words m/q, or one short noun follows;
- person: every word of the answer is a person's name to jieba.posseg (nr);
- place:  every word of the answer is a place name to jieba.posseg (ns);
- other:  everything else (organisations, things, phrases, reasons).

A question asking a reason or anything else counts as 'other' (no gold label says
"reason").

Halves: the paragraphs of each file in order, even positions the fitting half, odd
positions the report half (questions about one paragraph stay in one half). The word
classes of qa/question.py that decide a kind from the noun after 什么/哪 (time,
place and person nouns) were read off errors on the fitting half only; the report half is
measured, never looked into.

Before: the substring analyser the record replaced (kept below as `regex_kind`, as it was
at b4deb6c). After: `analyse(question).kind`.

    .venv/bin/python -m benchmarks.question_kinds [--write] [--errors N]

prints the tables (and with --write writes benchmarks/QUESTION_KINDS.md); --errors N
prints N misread questions of the fitting half (what a rule may be fitted on).
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCH = Path("/work/shared/bench")
SETS = {"CMRC 2018 dev": "cmrc2018_dev.json", "DRCD dev": "drcd_dev.json"}
LABELS = ("number", "date", "person", "place", "other")
NOTE = ("The gold kind is read automatically and is itself noisy: jieba tags many foreign and "
        "rare names wrongly, and a descriptive answer to a where/who question (\"广东省东部的…\") "
        "is 'other'; most remaining misreads are of that kind (other read as place or person). "
        "Besides the fitting half, the measure-word class (哪支球队, 几期工程) was corrected "
        "from a comparison of the old and new readings of XQuAD-half zh questions; the report "
        "half was only measured.")


# --- the substring analyser before issue 17 (qa/question.py at b4deb6c) ------------
_OLD_KINDS = [
    ("number", re.compile(r"多少|几[个名家次期人位项天年月岁届所条场对批种]|几|多大|多高|多长|多远|多重|多久|"
                          r"\bhow (many|much|large|big|long|old|often)\b|\bnumber of\b|"
                          r"\bwhat (percentage|share|proportion|amount)\b|"
                          r"\bwhat(?:'s| is| was| are| were) the (?:price|cost|budget|salary|wage|"
                          r"income|revenue|population|age|number|amount|total)\b", re.I)),
    ("date", re.compile(r"什么时候|何时|哪天|哪一天|哪年|哪一年|几月|几号|什么时间|日期|"
                        r"\bwhen\b|\bwhat (date|time|day|year|month)\b|\bwhich (date|day|year|month)\b",
                        re.I)),
    ("reason", re.compile(r"为什么|为何|原因|怎么会|\bwhy\b", re.I)),
    ("person", re.compile(r"谁|哪位|哪些人|什么人|\bwho\b|\bwhom\b|\bwhose\b", re.I)),
    ("place", re.compile(r"哪里|哪儿|在哪|何地|什么地方|\bwhere\b", re.I)),
]


def regex_kind(text: str) -> str:
    """The kind the substring analyser gave (a Chinese question: first pattern found)."""
    for name, pattern in _OLD_KINDS:
        if pattern.search(text):
            return name
    return "other"


# --- the gold kind, from the answer text ------------------------------------------------
_NUMERAL = r"[\d０-９.,，·．一二三四五六七八九十百千万亿两〇零几余多半]"
# A date in an answer: a year of 3-4 digits or after 公元/西元/民国, a month and day, a
# century or decade, a reign year (洪武二十五年, 建武九年), a month (三、四月份).
_DATE_CORE = re.compile(
    r"(?:公元前?|西元前?|民国)\s*[\d一二三四五六七八九十百千〇零]+\s*年|\d{3,4}\s*年|"
    r"\d{1,2}\s*月\s*\d{1,2}\s*[日号]|[一二三四五六七八九十]+月[一二三四五六七八九十]+日|"
    r"[\d一二三四五六七八九十]+\s*世纪|\d{2,4}\s*年代|[一二三四五六七八九十]+\s*月份?$|"
    r"^\d{1,2}\s*月份?$|^[\u4e00-\u9fff]{2}(?:元|[一二三四五六七八九十]+)年|[〇零一二三四五六七八九]{4}年")


_DYNASTY_ENDS = ("朝", "代", "时期", "年间", "时代")


def gold_kind(answer: str) -> str:
    """number / date / person / place / other, read from a gold answer's text."""
    from jieba import posseg

    from assistant.text.tokens import get_jieba, simplified

    get_jieba()
    a = simplified(answer).strip().strip("。，,. ")
    if not a:
        return "other"
    m = _DATE_CORE.search(a.replace(" ", ""))
    if m and (m.start() <= 3 or len(a) <= 14):
        return "date"
    words = [(w, f) for w, f in posseg.lcut(a) if w.strip()]
    if 2 <= len(a) <= 6 and a.endswith(_DYNASTY_ENDS) and words and \
            words[0][1] in ("ns", "nr", "t", "n", "nz") and not re.search(r"\d", a):
        # 唐朝, 清代, 明朝时期: a dynasty or period names a time
        if words[0][1] == "t" or a.endswith(("朝", "时期", "年间", "时代")):
            return "date"
    has_num = re.search(_NUMERAL, a) and re.search(r"[\d０-９一二三四五六七八九十百千万亿两]", a)
    if has_num:
        rest = [(w, f) for w, f in words if f not in ("m", "q", "x", "mq") and
                not re.fullmatch(_NUMERAL + "+", w) and w not in ("%", "％", "约", "近", "逾")]
        if not rest or (len(rest) == 1 and len(rest[0][0]) <= 2 and
                        words[-1] == rest[0] and len(words) >= 2):
            return "number"
    cjk = [(w, f) for w, f in words if re.search(r"[\u3400-\u9fff]", w)]
    others = [(w, f) for w, f in words if f != "x" and w not in ("·", "•", "-")]
    if cjk and others and all(f in ("nr", "nrfg", "nrt") for _, f in others):
        return "person"
    if cjk and others and all(f == "ns" for _, f in others):
        return "place"
    return "other"


def load(path: Path):
    """(set name, half, question id, question, gold kind) for every question."""
    data = json.loads(path.read_text(encoding="utf-8"))["data"]
    k = 0
    for art in data:
        for para in art["paragraphs"]:
            half = "fit" if k % 2 == 0 else "report"
            k += 1
            for qa in para["qas"]:
                answers = qa.get("answers") or []
                if not answers:
                    continue
                yield half, qa["id"], qa["question"], gold_kind(answers[0]["text"])


def as_label(kind: str) -> str:
    return kind if kind in LABELS else "other"


def table(rows: list[tuple[str, str]]) -> tuple[float, str]:
    """Accuracy and a Markdown confusion table (gold rows, read columns)."""
    counts = Counter(rows)
    acc = sum(n for (g, p), n in counts.items() if g == p) / max(1, len(rows))
    lines = ["| gold \\ read | " + " | ".join(LABELS) + " | total | right |",
             "|---|" + "---:|" * (len(LABELS) + 2)]
    for g in LABELS:
        total = sum(counts[(g, p)] for p in LABELS)
        right = counts[(g, g)] / total if total else 0.0
        lines.append(f"| {g} | " + " | ".join(str(counts[(g, p)]) for p in LABELS) +
                     f" | {total} | {right:.1%} |")
    return acc, "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--write", action="store_true", help="write benchmarks/QUESTION_KINDS.md")
    ap.add_argument("--errors", type=int, default=0,
                    help="print this many misread questions of the fitting half")
    ap.add_argument("--fit-only", action="store_true",
                    help="read the fitting half only (while fitting: the report half unread)")
    args = ap.parse_args(argv)

    from assistant.qa.question import analyse

    t0 = time.time()
    rows = []   # (set, half, id, question, gold, before, after)
    for name, file in SETS.items():
        for half, qid, question, gold in load(BENCH / file):
            if args.fit_only and half != "fit":
                continue
            rows.append((name, half, qid, question, gold, as_label(regex_kind(question)),
                         as_label(analyse(question).kind)))
    seconds = time.time() - t0

    out = ["# Question kinds: what the question asks against its gold answer", "",
           "Made by `benchmarks/question_kinds.py` (its docstring says how gold kinds are "
           "read from the answers and how the halves are split). Sets: CMRC 2018 dev and DRCD "
           "dev (the train splits are not on this machine). Fitting half: even paragraph "
           "positions; report half: odd positions, never looked into while fitting. "
           "Before: the substring analyser (b4deb6c); after: `analyse(question).kind`, "
           "read from jieba words (a reason question counts as 'other').", "",
           NOTE, ""]
    summary = ["| set | half | questions | before | after |", "|---|---|---:|---:|---:|"]
    for half in ("report", "fit"):
        for name in list(SETS) + ["both"]:
            sel = [r for r in rows if r[1] == half and (name == "both" or r[0] == name)]
            b, _ = table([(r[4], r[5]) for r in sel])
            a, _ = table([(r[4], r[6]) for r in sel])
            summary.append(f"| {name} | {half} | {len(sel)} | {b:.1%} | {a:.1%} |")
    out += ["## Accuracy", ""] + summary + [""]
    report = [r for r in rows if r[1] == "report"]
    for label, col in (("before (substring analyser)", 5), ("after (words)", 6)):
        for name in list(SETS):
            sel = [r for r in report if r[0] == name]
            acc, md = table([(r[4], r[col]) for r in sel])
            out += [f"## Report half, {name}, {label}: {acc:.1%} of {len(sel)}", "", md, ""]
    gold = Counter(r[4] for r in rows)
    out += ["Gold kinds over all questions: " +
            ", ".join(f"{k} {gold[k]}" for k in LABELS) + ".", "",
            f"{len(rows)} questions read in {seconds:.0f} s.", ""]
    text = "\n".join(out)
    print(text)
    if args.errors:
        fit = [r for r in rows if r[1] == "fit" and r[4] != r[6]]
        print(f"\n{len(fit)} misread on the fitting half; first {args.errors}:", file=sys.stderr)
        for r in fit[:args.errors]:
            print(f"{r[0][:4]} gold={r[4]:7s} read={r[6]:7s} {r[3]}", file=sys.stderr)
    if args.write and not args.fit_only:
        (HERE / "QUESTION_KINDS.md").write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
