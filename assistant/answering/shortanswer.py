"""The short answer of a number, date or name question: the exact span ("367人",
"10月14日", "陈明") that answers it, put before the quoted sentences with its own
citation.

The span is looked for in the passages the answer quotes only, so it is cited like any
passage (`passage == article.text[start:end]`, inside the quoted sentence). It is given
only when one span is clearly the one asked: the only one of the asked kind (and unit)
in the quoted passages, or the one the question's words stand next to (for dates, the
start or end of a range the question asks for); when two are equally near (a list of
counts), there is no short answer rather than a guess.
"""
from __future__ import annotations

import re
from dataclasses import replace

from assistant.answering.question import _ROLES, Question, person_names, role_words, unit_pattern
from assistant.records import Citation, Turn

_NUM = r"(?:近|约|逾|超过|超|将近|不到|不足)?(?:\d[\d,，.．]*|[一二三四五六七八九十两百千万]+)"
_MEASURES = "个名家次期人位项天年月岁届所条场对批种元件台份篇例张辆块座户套只本部株亩平方米公里吨斤倍"
_DATE = re.compile(
    r"(?:\d{4}\s*年\s*)?\d{1,2}\s*月\s*\d{1,2}\s*[日号]|\d{4}\s*年\s*\d{1,2}\s*月(?:初|中旬|下旬|底)?|"
    r"\d{4}\s*年(?:初|底)?|\d{4}-\d{1,2}-\d{1,2}|(?:今年|去年|明年)?\d{1,2}\s*月(?:初|中旬|下旬|底)|"
    r"(?:今年|去年|明年)(?:年初|年底|上半年|下半年|\d{1,2}\s*月)|年底|年初|月底|月初|"
    r"[一二三四五六七八九十]+月[一二三四五六七八九十]+日")


# Any written number: digits, or a run of two or more Chinese numerals.
_ANY_NUMBER = re.compile(r"\d+(?:[.,，]\d+)*|[零一二三四五六七八九十百千万亿两]{2,}")


def _number_spans(text: str, unit: str, rank: bool = False) -> list[tuple[int, int]]:
    """Counts (367人, 5名, 12元) in the asked unit, or ranks (第12例) for 第几."""
    measure = unit_pattern(unit) if unit else "[" + re.escape(_MEASURES) + "]"
    pattern = _NUM + r"\s*[余多]?\s*(?:万|亿)?\s*(?:" + measure + r"|%|％)"
    if not unit:
        pattern += r"|" + _NUM + r"\s*(?:万|亿)?\s*(?:元|美元|%|％)"
    if rank:
        return [m.span() for m in re.finditer("第" + _NUM + "[" + _MEASURES + "]?", text)]
    spans = []
    for m in re.finditer(pattern, text):
        # 第3名 is a rank, 10月 a date: neither counts something.
        if text[max(0, m.start() - 1):m.start()] == "第":
            continue
        if re.match(r"\d{1,2}\s*月|\d{4}\s*年", m.group()) and (not unit or unit not in "月年"):
            continue
        spans.append(m.span())
    return spans


def _date_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _DATE.finditer(text)]


def is_name(word: str) -> bool:
    """A person's name as jieba tags it (nr), unless its dictionary counts it as a
    common word (顾问, 荣获, 小镇 have frequencies there and are tagged nr)."""
    from assistant.retrieval.tokens import _get_jieba

    return 2 <= len(word) <= 4 and not _get_jieba().dt.FREQ.get(word, 0)


_SAID = r"(?=说|表示|介绍|告诉|指出|认为|，|,|、|。|；)"
_ANY_ROLE_NAME = re.compile(rf"(?:{_ROLES})([\u4e00-\u9fff]{{2,3}}){_SAID}")


def _name_spans(text: str, question: Question) -> list[tuple[int, int]]:
    """Names in the text: after the role the question asks (工会主席倪群英说), else every
    name after a role or tagged as a person's name (the nearest then decides)."""
    if re.search(r"哪些|哪几", question.text):   # people, plural: no one name answers
        return []
    spans = []
    for role in role_words(question.tokens):
        pattern = re.escape(role) + r"([\u4e00-\u9fff]{2,3})" + _SAID
        spans += [m.span(1) for m in re.finditer(pattern, text)]
    if spans:
        return spans
    # jieba misses some names (石莹莹: 石/n 莹莹/a) that a role before them gives away.
    spans = [m.span(1) for m in _ANY_ROLE_NAME.finditer(text)]
    for name in person_names(text):
        if name in question.text or not is_name(name):
            continue
        at = text.find(name)
        while at >= 0:
            spans.append((at, at + len(name)))
            at = text.find(name, at + 1)
    return sorted(set(spans))


def _nearest(spans: list[tuple[int, int]], text: str, terms: list[str]) -> tuple[int, int] | None:
    """The one span the question's words point at: the most distinct question terms
    just before it (or right after), then the nearest; None when two tie."""
    distinct = {text[s:e] for s, e in spans}
    if len(distinct) == 1:
        return spans[0]
    terms = [t for t in dict.fromkeys(terms) if len(t) >= 2]

    def key(span):
        before = text[max(0, span[0] - 10):span[0]]
        after = text[span[1]:span[1] + 4]
        near = sum(1 for t in terms if t in before or t in after)
        where = [m.span() for t in terms for m in re.finditer(re.escape(t), text)]
        dist = min((max(a - span[1], span[0] - b, 0) for a, b in where), default=99)
        return (near, -dist)

    ranked = sorted(spans, key=key, reverse=True)
    best, second = key(ranked[0]), key(ranked[1])
    if best > second and (best[0] >= 1 or -best[1] <= 6):
        return ranked[0]
    return None


_STARTS = re.compile(r"开始|开幕|启动|开赛|\b(start|starts|started|begin|begins|began|opens?|opened)\b",
                     re.I)
_ENDS = re.compile(r"结束|闭幕|落幕|截止|到期|\b(ends?|ended|closes?|closed|finish|finishes|finished)\b",
                   re.I)


def _range_end(spans: list[tuple[int, int]], question: Question):
    """Of a date range (自10月10日开始至10月15日结束), the end the question asks for:
    the first date for a start, the last for an end; None when it asks neither."""
    starts, ends = bool(_STARTS.search(question.text)), bool(_ENDS.search(question.text))
    if starts == ends:
        return None
    return spans[0] if starts else spans[-1]


def find(question: Question, citations: list[Citation],
         terms: list[str] = ()) -> tuple[int, int, int] | None:
    """(index of the citation, start, end in its passage) of the short answer, or None."""
    terms = [t for t in (list(terms) or question.tokens) if t not in ("多少", "几", "什么", "谁")]
    hits = []
    for i, c in enumerate(citations):
        if c.field:
            continue
        if question.kind == "number":
            spans = _number_spans(c.passage, question.unit, rank="第几" in question.text)
            if not question.unit and len(spans) < len(_ANY_NUMBER.findall(c.passage)):
                # Other numbers in units the pattern does not know (二百四十兆瓦): the
                # one it found is not clearly the answer; the quoted sentence is.
                return None
        elif question.kind == "date":
            spans = _date_spans(c.passage)
        elif question.kind == "person":
            spans = _name_spans(c.passage, question)
        else:
            return None
        hits += [(i, s, e) for s, e in spans]
    if not hits:
        return None
    if len({citations[i].passage[s:e] for i, s, e in hits}) == 1:
        return hits[0]
    # Several: the nearest to a question term, within one passage holding them all.
    if len({i for i, _, _ in hits}) > 1:
        return None
    i = hits[0][0]
    spans = [(s, e) for _, s, e in hits]
    if question.kind == "date":
        span = _range_end(spans, question)
    else:
        span = _nearest(spans, citations[i].passage, terms)
    return (i, *span) if span else None


LEAD_EN = "According to the articles: "


def _extractive_answer(citations: list[Citation], english: bool) -> str:
    """The answer `ExtractiveAnswerer.compose` writes for these citations."""
    parts = [f"{c.passage}[{c.n}]" for c in citations]
    return LEAD_EN + " ".join(parts) if english else "".join(parts)


def add(turn: Turn, question: Question, terms: list[str] = ()) -> Turn:
    """The turn with its short answer first, when the question asks a number, date or
    name and one span of the quoted passages is clearly it; else the turn unchanged.

    Only an answer made of the quoted passages alone (the extractive answer) is changed:
    the short answer becomes citation [1] and the others move up by one."""
    if not turn.found or not turn.citations or turn.short_answer is not None:
        return turn
    if question.kind not in ("number", "date", "person"):
        return turn
    if [c.n for c in turn.citations] != list(range(1, len(turn.citations) + 1)) or \
            turn.answer != _extractive_answer(turn.citations, question.is_english):
        return turn
    hit = find(question, turn.citations, terms)
    if hit is None:
        return turn
    i, s, e = hit
    src = turn.citations[i]
    short = Citation(n=1, article_id=src.article_id, heading=src.heading, source=src.source,
                     passage=src.passage[s:e], start=src.start + s, end=src.start + e,
                     date=src.date, supported=src.supported)
    moved = [replace(c, n=c.n + 1) for c in turn.citations]
    quotes = _extractive_answer(moved, english=False)
    answer = (f"{LEAD_EN}{short.passage}[1]. {' '.join(f'{c.passage}[{c.n}]' for c in moved)}"
              if question.is_english else f"{short.passage}[1]。{quotes}")
    turn.answer = answer
    turn.citations = [short] + moved
    turn.short_answer = {"text": short.passage, "n": 1}
    return turn


_MARK = re.compile(r"\[(\d+)\]")


def _stated(span: str, said: str, kind: str) -> bool:
    """The generated answer states the span: verbatim, or for a count or date every
    number of it by value (an English answer writes 367 people, 54,500)."""
    if span in said:
        return True
    if kind not in ("number", "date"):
        return False
    from assistant.answering.verify import number_values

    own, told = number_values(span), number_values(said, split_groups=True)
    return bool(own) and all(any(v & t for t in told) for v in own)


def add_generated(turn: Turn, question: Question, terms: list[str] = ()) -> Turn:
    """The short answer of an LLM turn: the span of a verified cited passage that is of
    the asked kind and that the answer itself states; the same one in every passage
    holding one, else none. It becomes citation [1] before the answer, the others move
    up by one (in the answer's markers and the verification record alike).

    The LLM's fallback (the extractive answer itself) gets `add`'s short answer."""
    if not turn.found or not turn.citations or turn.short_answer is not None:
        return turn
    if question.kind not in ("number", "date", "person"):
        return turn
    if turn.answer == _extractive_answer(turn.citations, question.is_english):
        return add(turn, question, terms)
    said = _MARK.sub("", turn.answer)
    hits = []
    for c in turn.citations:
        if c.field or not c.supported:
            continue
        if question.kind == "number":
            spans = _number_spans(c.passage, question.unit, rank="第几" in question.text)
        elif question.kind == "date":
            spans = _date_spans(c.passage)
        else:
            spans = _name_spans(c.passage, question)
        hits += [(c, s, e) for s, e in spans if _stated(c.passage[s:e], said, question.kind)]
    if len({c.passage[s:e] for c, s, e in hits}) != 1:
        return turn
    src, s, e = hits[0]
    short = Citation(n=1, article_id=src.article_id, heading=src.heading, source=src.source,
                     passage=src.passage[s:e], start=src.start + s, end=src.start + e,
                     date=src.date, supported=True)
    body = _MARK.sub(lambda m: f"[{int(m.group(1)) + 1}]", turn.answer)
    turn.answer = f"{short.passage}[1]{'. ' if question.is_english else '。'}{body}"
    turn.citations = [short] + [replace(c, n=c.n + 1) for c in turn.citations]
    if turn.verification and turn.verification.get("sentences"):
        for sent in turn.verification["sentences"]:
            sent["citations"] = [n + 1 for n in sent["citations"]]
    turn.short_answer = {"text": short.passage, "n": 1}
    return turn
