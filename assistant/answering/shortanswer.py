"""The short answer of a number, date or name question: the exact span ("367人",
"10月14日", "陈明") that answers it, put before the quoted sentences with its own
citation.

The span is looked for in the passages the answer quotes only, so it is cited like any
passage (`passage == article.text[start:end]`, inside the quoted sentence), and never in
a passage that reads like an instruction (`Citation.instruction`). It is given only when
one span is clearly the one asked; otherwise there is no short answer rather than a
guess (the quoted sentence still answers).

A figure (number questions) is read from clauses and jieba words
(`answering.numbers.quantities`: the number with its whole unit, "12.5公里", a range
"12至55公尺" as one): it must count in the asked unit and sit in a clause holding the
question's subject words as whole words (职工 is not held by 女职工), the counted noun
and the words after the asking word weighing most; a figure the question states itself
(110米栏) or a year is never it; when another figure's clause holds as much, there is
none. How the weights were checked: benchmarks/short_answer.py (CMRC 2018 dev first half
while writing; see the README). Dates: the only date, or the start or end of a range
the question asks for, or the one the question's words stand next to; names: the name
after the asked role (never one written after another role), or the nearest.
"""
from __future__ import annotations

import re
from dataclasses import replace

from assistant.answering.numbers import Quantity, mentions, quantities, words
from assistant.answering.question import (ROLES, Question, asked_terms, person_names,
                                          role_words, unit_pattern)
from assistant.records import Citation, Turn

_DATE = re.compile(
    r"(?:\d{4}\s*年\s*)?\d{1,2}\s*月\s*\d{1,2}\s*[日号]|\d{4}\s*年\s*\d{1,2}\s*月(?:初|中旬|下旬|底)?|"
    r"\d{4}\s*年(?:初|底)?|\d{4}-\d{1,2}-\d{1,2}|(?:今年|去年|明年)?\d{1,2}\s*月(?:初|中旬|下旬|底)|"
    r"(?:今年|去年|明年)(?:年初|年底|上半年|下半年|\d{1,2}\s*月)|年底|年初|月底|月初|"
    r"[一二三四五六七八九十]+月[一二三四五六七八九十]+日")


# Clauses: a figure belongs to the subject written in its own clause ("1670人被授予全国劳
# 动模范称号，756人被授予全国先进工作者称号": 756人 is the 先进工作者'). Marks that end a
# clause in Chinese news writing, and 、 between the items of a list.
_CLAUSE_END = re.compile(r"[，；;。！？!?：、\n]|(?<!\d)[,:]|[,:](?!\d)")   # not 41,210 or 10:30


def _clauses(text: str) -> list[tuple[int, int]]:
    out, start = [], 0
    for m in _CLAUSE_END.finditer(text):
        out.append((start, m.start()))
        start = m.end()
    out.append((start, len(text)))
    return out


def _words_of(text: str) -> tuple[tuple[int, int, str, str], ...]:
    """jieba's words of the text (Simplified when that keeps every offset)."""
    from assistant.retrieval.tokens import simplified

    simple = simplified(text)
    return words(simple if len(simple) == len(text) else text)


def _subject_terms(question: Question, terms: list[str]) -> list[str]:
    """The question's words the answering clause must hold: its terms without how it
    asks and without the measure word (多少人被授予全国劳动模范称号 -> 授予, 全国,
    劳动模范, 称号)."""
    units = set(re.findall(r"[^|()?:\\]+", unit_pattern(question.unit))) if question.unit \
        else set()
    asking = set(question.asking) | {"多少", "几", "多", "什么", "谁", "哪", "哪些"}
    keep = []
    for t in asked_terms(question.text, list(terms)):
        t = t.lower()
        if t in units or t in asking or not t.strip():
            continue
        if len(t) == 1 and not re.match(r"[a-z]", t):
            continue   # one character: a measure word or particle more often than a subject
        keep.append(t)
    return list(dict.fromkeys(keep))


def _held(term: str, ws, start: int, end: int) -> list[tuple[int, int]]:
    """Where the clause [start, end) holds the term as whole words (职工 is not held by
    女职工: the term must start where a word starts and end where one ends)."""
    starts = {a for a, _, _, _ in ws if start <= a < end}
    ends = {b for _, b, _, _ in ws if start < b <= end}
    text = "".join(w for _, _, w, _ in ws).lower()
    out, at = [], text.find(term, start)
    while 0 <= at and at + len(term) <= end:
        if at in starts and at + len(term) in ends:
            out.append((at, at + len(term)))
        at = text.find(term, at + 1)
    return out


# Nouns asking a share (多少的百分比, 什么比例): answered by a percentage or fraction
# (8.0%, 五分之一, 三成). A word class of how one asks, not fitted.
_SHARE_NOUNS = {"百分比", "比例", "比重", "占比", "比率", "份额", "percentage", "proportion", "share"}
_SHARE_UNITS = {"%", "％", "‰", "分之", "成", "百分点"}


def _unit_fits(m: Quantity, text: str, question: Question) -> bool:
    if question.rank:
        return m.rank
    if m.rank or m.date:   # 1185年 is a year, not how many years
        return False
    if _SHARE_NOUNS & {w.lower() for w in question.tokens}:
        return m.unit in _SHARE_UNITS
    if question.unit:
        said = text[m.parts[-1].num_end:m.end]
        pattern = unit_pattern(question.unit)
        return bool(re.fullmatch(pattern, m.unit) or re.fullmatch(pattern, said))
    return bool(m.unit)


def _plain(text: str) -> str:
    """The text in Simplified characters when that keeps every offset (it reads 點 as
    点 and cuts words as jieba's dictionary has them)."""
    from assistant.retrieval.tokens import simplified

    simple = simplified(text)
    return simple if len(simple) == len(text) else text


def _given(question: Question) -> set[float]:
    """The values the question itself states ("2007年", "110米栏", "世界500强"): given,
    not asked, so never its answer."""
    return {q.value for q in quantities(_plain(question.text)) if not q.date} | \
        {m.value for m in mentions(_plain(question.text)) if not m.date}


def _count_spans(text: str, question: Question) -> tuple[list[Quantity], list[Quantity]]:
    """(the figures of the text that count in the asked unit, with the whole unit:
    12.5公里, never 12.5公; ranks for 第几; others that could be the answer too: for a
    question that names no unit, every figure that is not a date or rank). A number
    jieba leaves without a unit takes the asked measure word written right after it
    (54,500人次; 6万人为…: jieba's 人为). Figures the question states itself are
    neither."""
    given = _given(question)
    fits, others = [], []
    for m in quantities(_plain(text)):
        if m.value in given:
            continue
        said = re.match(unit_pattern(question.unit), text[m.end:]) if question.unit else None
        if not m.unit and said:
            # jieba joined the measure word to the next word (6万人为: 人为)
            m = replace(m, unit=said.group(), end=m.end + len(said.group()))
        if m.rank and text[m.start - 1:m.start] == "第":
            m = replace(m, start=m.start - 1)   # the rank whole: 第3次
        if _unit_fits(m, text, question):
            fits.append(m)
        elif not question.unit and not question.rank and not m.date and not m.rank:
            others.append(m)
    return fits, others


def _narrowed(ws, start: int, subject: list[str]) -> bool:
    """The held word is the head of a longer noun whose modifier the question does not
    name ("预备役 军人" is not the 军人 of "多少军人属于现役军人"): a common noun (n)
    right before it, not one of the question's words."""
    k = next((k for k, (_, b, _, _) in enumerate(ws) if b == start), None)
    if k is None or ws[k][3] != "n" or ws[k][2].lower() in subject:
        return False
    # not a measure word jieba joined to the next (6万 人为 现役军人)
    return not (k and ws[k - 1][3] == "m")


def _attached(ws, m: Quantity, noun: str) -> bool:
    """The noun written right before the figure or right after it (的 between allowed)."""
    for a, b, w, _ in ws:
        if w.lower() == noun and (b == m.start or a == m.end or
                                  (a == m.end + 1 and any(x == m.end and y == a and z == "的"
                                                          for x, y, z, _ in ws))):
            return True
    return False


_SUBSET = {"其中", "当中", "内中"}   # "among them": a part of what the clause before counts


def _opens_subset(ws, start: int, end: int) -> bool:
    first = next((w for a, _, w, _ in ws if start <= a < end and w.strip()), "")
    return first in _SUBSET


def _other_owner(ws, m: Quantity, clause_start: int, subject: list[str]) -> bool:
    """A noun right before the figure in its clause that narrows or widens one the
    question names: the figure counts that ("女职工320人" counts 女职工, not the 职工 a
    question asks about)."""
    before = [w for a, b, w, tag in ws if clause_start <= a and b <= m.start]
    tags = {(a, b): tag for a, b, _, tag in ws}
    if not before:
        return False
    last = [(a, b, w) for a, b, w, _ in ws if clause_start <= a and b == m.start]
    if not last:
        return False
    a, b, w = last[0]
    w = w.lower()
    return tags[(a, b)].startswith("n") and len(w) >= 2 and w not in subject and \
        any(t in w or w in t for t in subject if len(t) >= 2)


def _owned_number(question: Question, citations: list[Citation],
                  terms: list[str]) -> tuple[int, int, int] | None:
    """The figure the question's subject owns: of the numbers in the asked unit, the one
    whose clause holds the most of the question's subject words (as whole words); none
    when no clause holds any, or when another figure's clause holds as many (a figure
    in the asked unit, or for a question naming no unit any other number)."""
    subject = _subject_terms(question, terms)
    asked = question.asked.lower() if len(question.asked) >= 2 else ""
    if asked and asked not in subject:
        subject.append(asked)
    # What the question states with a unit (2007年, 110米): a clause stating another
    # value in that unit (2006年有2192人) is about something else.
    given = {}
    for q in quantities(_plain(question.text)):
        if q.unit:
            given.setdefault(q.unit, set()).add(q.value)
    # Nouns after the asking word name what is counted ("委员中有多少人为学生": 学生);
    # those before it, the whole the passage is about anyway: they weigh double.
    weight = dict.fromkeys(subject, 1)
    after = False
    for w, tag in question.words:
        if w in question.asking:
            after = True
        elif after and tag.startswith("n") and w.lower() in weight:
            weight[w.lower()] = 2
    scored, rivals = [], []   # (score, i, quantity)
    for i, c in enumerate(citations):
        if c.field or c.instruction:
            continue   # metadata, or a sentence reading like an order: never the short answer
        text = c.passage
        ws = _words_of(text)
        clauses = _clauses(text)

        def score(m):
            k = next(k for k, (a, b) in enumerate(clauses) if a <= m.start <= b)
            a, b = clauses[k]
            held = {t for t in subject
                    if any(not _narrowed(ws, s, subject) for s, _ in _held(t, ws, a, b))}
            if k and (asked in held or any(weight[t] == 2 for t in held)) and \
                    _opens_subset(ws, a, b):
                # "…9万人组成，其中6万人为现役军人": a 其中 clause naming what is counted
                # is about the clause before too (not when it only names a part of a
                # total asked: "共计移民18次，其中洪武年间10次")
                held |= {t for t in subject if _held(t, ws, *clauses[k - 1])}
            own = sum(weight[t] for t in held)
            if given:
                said = {(q.unit, q.value) for q in quantities(_plain(text[a:b]))}
                for unit, values in given.items():
                    if any(u == unit and v not in values for u, v in said) and \
                            not any((unit, v) in said for v in values):
                        own -= 2
            if asked in held:
                own += 2   # what is counted (多少女职工: 女职工) weighs over the topic words
                if _attached(ws, m, asked):
                    own += 2   # written with the figure: 400余位学生, 女职工320人
            if _other_owner(ws, m, a, subject):
                own -= 0.5   # "其中女职工320人": the figure is the 女职工's, not the 职工's
            return own

        fits, others = _count_spans(text, question)
        scored += [(score(m), i, m) for m in fits]
        rivals += [(score(m), i, m) for m in others]
    if not scored:
        return None
    scored.sort(key=lambda x: x[0], reverse=True)
    best_score, i, best = scored[0]
    if best_score <= 0:
        return None   # no clause holds the subject: the figure may be anyone's
    best_text = best.text_in(citations[i].passage)
    for other_score, j, other in scored[1:] + rivals:
        if other_score >= best_score and other.text_in(citations[j].passage) != best_text:
            return None   # another figure as well owned: no guess
    return i, best.start, best.end


def _date_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _DATE.finditer(text)]


def is_name(word: str) -> bool:
    """A person's name as jieba tags it (nr), unless its dictionary counts it as a
    common word (顾问, 荣获, 小镇 have frequencies there and are tagged nr)."""
    from assistant.retrieval.tokens import get_jieba

    return 2 <= len(word) <= 4 and not get_jieba().dt.FREQ.get(word, 0)


_SAID = r"(?=说|表示|介绍|告诉|指出|认为|，|,|、|。|；)"
_ANY_ROLE_NAME = re.compile(rf"(?:{ROLES})([\u4e00-\u9fff]{{2,3}}){_SAID}")


def _name_spans(text: str, question: Question) -> list[tuple[int, int]]:
    """Names in the text: after the role the question asks (工会主席倪群英说), else every
    name after a role or tagged as a person's name (the nearest then decides)."""
    if re.search(r"哪些|哪几", question.text):   # people, plural: no one name answers
        return []
    spans = []
    roles = list(dict.fromkeys(list(question.roles) + role_words(question.tokens)))
    for role in roles:
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
    if roles:
        # "Who is the 工会主席?" is not answered by a name written after another role
        # (…指导员毛丰华说): that name holds the other role.
        spans = [(s, e) for s, e in spans if not _other_role_before(text, s, roles)]
    return sorted(set(spans))


_ROLE_END = re.compile(rf"(?:{ROLES})$")


def _other_role_before(text: str, start: int, roles: list[str]) -> bool:
    m = _ROLE_END.search(text[max(0, start - 6):start])
    return bool(m) and not any(r.endswith(m.group()) for r in roles)


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


# Distributive words: the question asks one figure per subject ("A和B各有多少家",
# "产量和销量分别增长多少"), so no single span is its answer.
_DISTRIBUTIVE = {"各", "各有", "分别", "各自", "各为", "各是", "respectively", "each"}


def find(question: Question, citations: list[Citation],
         terms: list[str] = ()) -> tuple[int, int, int] | None:
    """(index of the citation, start, end in its passage) of the short answer, or None."""
    if _DISTRIBUTIVE & {w.lower() for w, _ in question.words}:
        return None
    if question.kind == "number":
        return _owned_number(question, citations, list(terms) or question.tokens)
    terms = [t for t in (list(terms) or question.tokens) if t not in ("多少", "几", "什么", "谁")]
    hits = []
    for i, c in enumerate(citations):
        if c.field or c.instruction:
            continue
        if question.kind == "date":
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
    from assistant.answering.extractive import quoted_passage

    parts = [quoted_passage(c, "en" if english else "zh") for c in citations]
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
    quotes = _extractive_answer(moved, english=question.is_english)
    answer = (f"{LEAD_EN}{short.passage}[1]. {quotes[len(LEAD_EN):]}"
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
    if _DISTRIBUTIVE & {w.lower() for w, _ in question.words}:
        return turn
    said = _MARK.sub("", turn.answer)
    hits = []
    for c in turn.citations:
        if c.field or not c.supported or c.instruction:
            continue
        if question.kind == "number":
            spans = [(m.start, m.end) for m in _count_spans(c.passage, question)[0]]
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
