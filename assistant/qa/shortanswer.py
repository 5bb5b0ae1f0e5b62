"""The short answer of a number, date or name question: the exact span ("367人",
"10月14日", "陈明") that answers it, put before the quoted sentences with its own
citation.

The span is looked for in the passages the answer quotes only, so it is cited like any
passage (`passage == article.text[start:end]`, inside the quoted sentence), and never in
a passage that reads like an instruction (`Citation.instruction`). It is given only when
one span is clearly the one asked; otherwise there is no short answer rather than a
guess (the quoted sentence still answers).

A figure (number questions) is read from clauses and jieba words
(`text.numbers.quantities`: the number with its whole unit, "12.5公里", a range
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

from assistant.text.numbers import Quantity, mentions, quantities, words
from assistant.qa.question import (ROLES, Question, asked_terms, person_names,
                                          role_words, unit_pattern)
from assistant.records import Citation, Turn

_DATE = re.compile(
    r"(?:\d{4}\s*年\s*|今年|去年|明年)?\d{1,2}\s*月\s*\d{1,2}\s*[日号]|\d{4}\s*年\s*\d{1,2}\s*月(?:初|中旬|下旬|底)?|"
    r"\d{4}\s*年(?:初|底)?|\d{4}-\d{1,2}-\d{1,2}|(?:今年|去年|明年)?\d{1,2}\s*月(?:初|中旬|下旬|底)|"
    r"(?:今年|去年|明年)(?:年初|年底|上半年|下半年|\d{1,2}\s*月(?!\s*\d{1,2}\s*[日号]))|年底|年初|月底|月初|"
    r"[一二三四五六七八九十]+月[一二三四五六七八九十]+日")
# The hour written after a day is part of the date asked (3月25日晚10时起): kept whole.
_HOUR = re.compile(r"\s*(?:凌晨|早上|早晨|上午|中午|下午|傍晚|晚上|晚|夜)?\s*\d{1,2}\s*[时点](?:\d{1,2}分|半)?")


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
    from assistant.text.tokens import simplified

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


# The verb of a share ("A占B的多少", "占了多少"): with no measure word after the asking
# word, what A is of B is asked, a percentage or fraction, not A's own count (realqa_fit2:
# "税务系统招录人数占国考总招录人数的多少" bolded 2.5万人 of "招录人数超2.5万人，占总
# 招录人数的65.59%"). A word of Chinese grammar, not fitted.
_SHARE_VERBS = {"占", "占到", "约占", "所占", "共占", "仅占"}


def _asks_share(question: Question) -> bool:
    """The question asks a share: a share noun (多少的百分比, 占比多少), or 占 before an
    asking word with no measure word of its own (jieba's HMM may glue 占 to the next
    characters as a name, 占国考/nr: the question is read again by the dictionary alone)."""
    if _SHARE_NOUNS & {w.lower() for w in question.tokens}:
        return True
    if question.unit or question.is_english or question.rank:
        return False
    from jieba import posseg

    from assistant.text.tokens import get_jieba

    get_jieba()
    ws = [w for w, _ in posseg.lcut(_plain(question.text), HMM=False)]
    k = next((k for k, w in enumerate(ws) if w in question.asking or w in ("多少", "几")), -1)
    return k > 0 and any(w in _SHARE_VERBS for w in ws[:k])


def _unit_fits(m: Quantity, text: str, question: Question) -> bool:
    if question.rank:
        return m.rank
    if m.rank or m.date:   # 1185年 is a year, not how many years
        return False
    if _asks_share(question):
        return m.unit in _SHARE_UNITS
    if question.unit:
        said = text[m.parts[-1].num_end:m.end]
        pattern = unit_pattern(question.unit)
        if m.unit.startswith("个") and len(m.unit) > 1 and m.unit in _plain(question.text):
            return True   # 多少个百分点: 0.3个百分点
        return bool(re.fullmatch(pattern, m.unit) or re.fullmatch(pattern, said))
    return bool(m.unit)


def _plain(text: str) -> str:
    """The text in Simplified characters when that keeps every offset (it reads 點 as
    点 and cuts words as jieba's dictionary has them)."""
    from assistant.text.tokens import simplified

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
    share = _asks_share(question)
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
        elif not question.unit and not question.rank and not m.date and not m.rank and \
                not share:   # (a count is no rival of the share asked)
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


# How a news sentence ties a figure to what it measures: "年产值超1.3万亿元", "比重达到了
# 57%", "经济总量再增长1万亿元": the noun written right before the figure (its head), the
# verb between them, adverbs and 了 skipped. A question is read the same way around its
# asking word ("经济总量达到多少", "报酬是多少"). Copulas say nothing about which figure is
# meant; the linking verbs of amounts (达到, 超过, 突破 …) say only that a total follows.
# Word classes of Chinese writing, not fitted on any data.
_COPULAS = {"是", "有", "为", "在", "共有", "拥有", "约有", "还有", "已有"}
_LINKS = {"达", "达到", "到", "至", "长达", "宽达", "深达", "重达", "高达", "多达", "超", "超过", "逾", "约", "近", "将近", "接近", "突破", "高达", "多达",
          "共", "共计", "合计", "总计", "累计", "计", "占", "仅", "只有", "不到", "不足"}
_HEAD_TAGS = ("n", "nz", "vn", "nt", "ng", "an", "j", "l")


def _frame(ws, end: int, start: int = 0) -> tuple[str, str]:
    """(verb, head noun) written right before `end` within [start, end), adverbs,
    particles and copulas skipped: a verb stops the reading ("安排450亿元": 安排, no head)
    unless it only links an amount ("年产值超1.3万亿元": 超, 年产值); a one-character verb
    ending a verb is read with it (组建起, 发展到); "A、B等18个地区" has no head (等 closes
    a list of examples of what is counted). '' for either when none."""
    verb = head = ""
    k = next((k for k, (a, b, _, _) in enumerate(ws) if b == end), None)
    steps = 0
    while k is not None and k >= 0 and ws[k][0] >= start and steps < 6:
        _, _, w, tag = ws[k]
        w = w.lower()
        steps += 1
        if w == "等":
            break
        if not w.strip() or tag == "d" or tag.startswith("u") or w in _COPULAS:
            k -= 1
            continue
        if not verb and (w in _LINKS or tag.startswith("v") and tag != "vn"):
            verb = w
            if len(w) == 1 and k and ws[k - 1][3].startswith("v") and ws[k - 1][0] >= start:
                k -= 1
                verb = ws[k][2].lower() + w   # 组建起, 发展到
            k -= 1
            if verb in _LINKS or w in _LINKS:
                continue
            break
        if len(w) >= 2 and (tag.startswith(_HEAD_TAGS) or verb and tag.startswith("v")):
            head = w   # 增速超过了7%: what a linking verb links is its subject, however tagged
        break
    return verb, head


def _question_frame(question: Question) -> tuple[str, str, int]:
    """(verb, head noun, index of the asking word) of a Chinese question, as `_frame`
    reads a sentence around a figure; index -1 when no asking word is found."""
    ws, at = [], 0
    for w, tag in question.words:
        ws.append((at, at + len(w), w, tag))
        at += len(w)
    asking = set(question.asking)
    for k, (a, b, w, tag) in enumerate(ws):
        nxt = ws[k + 1][2] if k + 1 < len(ws) else ""
        if w in asking or w in ("多少", "几") or (w == "多" and nxt == question.dimension):
            verb, head = _frame(ws, a)
            return verb, head, k
    return "", "", -1


def _head_words(question: Question, head: str, names: bool = False) -> list[str]:
    """The noun compound the question's head noun ends ("绿化工程人员" -> 绿化, 工程,
    人员): any of them may name it in the sentence."""
    words = [w.lower() for w, _ in question.words]
    tags = [t for _, t in question.words]
    if head not in words:
        return [head] if head else []
    k = words.index(head)
    out = [head]
    while k and tags[k - 1].startswith(("n", "vn")) and \
            (names or not tags[k - 1].startswith(("nr", "ns", "nt"))):
        k -= 1
        if len(words[k]) >= 2:
            out.append(words[k])
    return out


def _after_terms(question: Question, k: int) -> tuple[list[str], list[str]]:
    """(the nouns after the asking word: what is counted and what it did to what, "多少名
    民警感染新冠" -> 民警, 新冠; the counted nouns when a conjunction joins them, "多少
    火碱和食盐" -> 火碱, 食盐: a figure written with one of them answers only a part)."""
    if k < 0:
        return [], []
    out, nouns, joined, heads = [], 0, False, []
    units = set(re.findall(r"[^|()?:\\]+", unit_pattern(question.unit))) if question.unit \
        else set()
    for w, tag in question.words[k + 1:]:
        w = w.lower()
        if w == "的":
            break   # 水深多少的海域, 多少比例的人口: what the figure describes, not does
        if tag.startswith("v") and tag != "vn":
            nouns = -99   # a verb: coordination after it is not of the counted nouns
        if tag == "c" and nouns > 0:
            joined = True
        if tag.startswith("n") or tag == "vn":
            nouns += 1
            if nouns > 0:
                heads.append(w)
        if len(w) >= 2 and w not in units and (tag[:1] in ("n", "j") or tag == "vn") and \
                not tag.startswith(("nr", "ns", "nt")):
            out.append(w)   # (a place or organisation may be named in the heading only)
    return out, heads if joined and nouns > 1 else []


# Measure words counting actions (转运3次, 读两遍): the noun before such a figure is
# the object or place of the action, not what the figure counts.
_VERBAL = {"次", "遍", "回", "趟", "番", "下"}
_OFFSET = {"前", "后", "以来", "以后", "以前", "之前", "之后", "内", "以内", "来"}


# Currencies written after a sum ("约3亿元人民币"): the sum's unit, not what it counts.
_CURRENCIES = {"人民币", "美元", "欧元", "港元", "港币", "日元", "英镑", "卢布", "澳元"}


_RANGE = {"到", "至", "~", "～", "-", "—", "－"}


def _part_of_another(ws, m: Quantity, text: str) -> bool:
    """The figure is one end or piece of a longer quantity, or restates one: 13年零8个月
    (零 joins two), 9800日元到14800日元 (a range: neither end alone is the amount),
    340英里(550公里) (the same distance in another unit, in brackets after it)."""
    before = next((w for _, y, w, _ in ws if y == m.start), "")
    after = next((w for x, _, w, _ in ws if x == m.end), "")
    ends = {q.end for q in quantities(_plain(text))}
    starts = {q.start for q in quantities(_plain(text))}
    if before == "零" and (m.start - 1) in ends or after == "零" and (m.end + 1) in starts:
        return True
    # a range written with its unit on both ends: 9800日元到14800日元
    for x, y, w, _ in ws:
        if m.end <= x <= m.end + 3 and w.strip() in _RANGE and \
                any(y <= s0 <= y + 1 for s0 in starts):
            return True
    at = next((x for x, y, w, _ in ws if y == m.start and w.strip() in _RANGE), None)
    if at is not None and any(0 <= at - e <= 3 for e in ends):
        return True   # (到 as a word: not the 到 of 达到)
    lead = text[:m.start].rstrip()
    if lead[-1:] not in ("(", "（"):
        return False
    bracket = len(lead) - 1   # a bracket opened right after another figure (its unit may
    # be written on: 110英里 /小时(180公里/小时))
    return any(0 <= bracket - e <= 6 and not _CLAUSE_END.search(text[e:bracket]) for e in ends)


def _dimension_word(ws, m: Quantity, dimension: str) -> str:
    """The adjective a figure is measured in, written right before it ("长32.6米", "重近
    817吨": jieba joins 重 and the 近 of the approximation), or ''. The dimension asked
    is read whatever jieba tags it (箱梁 长/ns 40米)."""
    from assistant.text.numbers import BEFORE_APPROX

    w, tag = next(((w, tag) for _, y, w, tag in ws if y == m.start), ("", ""))
    if w and w == dimension:
        return w
    if tag != "a":
        return ""
    if len(w) == 1:
        return w
    if len(w) > 1 and w[1:] in BEFORE_APPROX:
        return w[0]
    return ""


def _stem(verb: str) -> str:
    """A verb without the result it ends in (提高至, 提升到 -> 提高, 提升)."""
    return verb[:-1] if len(verb) > 2 and verb[-1] in "到至起成为" else verb


def _describes(ws, m: Quantity) -> bool:
    """The figure is written before 的 (一道120米的护坡墙): it describes a noun."""
    return any(a == m.end and w == "的" for a, _, w, _ in ws)


_RESULTS = ("到", "至")   # the same result complement (提高到 = 提高至, 蓄到 = 蓄至)


def _verb_written(verb: str, text: str) -> bool:
    """The verb stands in the text: itself, without its result (提高到 -> 提高), or with
    the other way of writing its result (蓄到 as 蓄至)."""
    if _stem(verb) in text:
        return True
    if verb[-1:] in _RESULTS:
        return any(verb[:-1] + r in text for r in _RESULTS)
    return False


def _counted_run(ws, end: int) -> list[str]:
    """The nouns written right after a figure (5000余家影视企业 -> 影视, 企业): what it
    counts; the rest of a word the unit ends inside (42名选手 cut 名选手) counts too."""
    run, at = [], end
    for x, y, w, tag in ws:
        if x < at < y and tag.startswith("n"):
            run.append(w[at - x:].lower())
            at = y
        elif x == at and tag in ("n", "nz") and w not in _CURRENCIES:
            run.append(w.lower())
            at = y
        elif x >= at:
            break
    return run


def _time_offset(ws, m: Quantity) -> bool:
    """"牺牲的两天前", "3年来", "前7个月": a figure with a time word after it or 前 before
    it places a time or a period; it is no amount of anything asked without that unit."""
    nxt = next((w for a, _, w, tag in ws if a == m.end), "")
    before = next((w for _, b, w, tag in ws if b == m.start), "")
    return nxt in _OFFSET or before == "前"   # 前7个月: the first seven months


# Comparison: "增速达28.81%，高于同期各项贷款增速16.05个百分点": a figure written after
# 高于/低于 … and the noun compared with is the gap between two amounts, never the amount
# itself; a question asking a gap ("比去年同期多了多少", "领先第二名多少分") wants such a
# figure, or one written with a change (同比增长, 增加). Words of Chinese grammar (the
# comparative verbs, the comparing prepositions, the verbs of change), not fitted;
# realqa_fit2 showed the two wrong bolds they stop.
_COMPARATIVES = {"高于", "低于", "多于", "少于", "快于", "慢于", "优于", "大于", "小于",
                 "领先", "落后", "超出", "高出", "多出"}
_COMPARING = _COMPARATIVES | {"比", "较", "相比", "同比", "环比", "相差", "差距", "差"}
_CHANGES = {"增加", "减少", "增长", "下降", "上升", "提高", "降低", "增多", "减", "增",
            "下滑", "回落", "上涨", "下跌", "提升", "扩大", "缩小", "多", "少"}


def _asks_gap(question: Question) -> bool:
    """The question compares (比去年同期多了多少, 高出多少, 差距多大): a comparing word
    before its asking word."""
    ws = question.words
    for k, (w, tag) in enumerate(ws):
        if w in question.asking or w in ("多少", "几"):
            return False
        if w in _COMPARATIVES or w in ("相差", "差距"):
            return True
        nxt = ws[k + 1] if k + 1 < len(ws) else ("", "x")
        if w in ("比", "较") and tag == "p" and nxt[1].startswith(("n", "t", "r", "s")):
            return True   # 比去年同期 (not 占比多少: 占/v 比/p)
    return False


def _compared_in(ws, a: int, end: int) -> bool:
    """A comparative verb stands in the clause before the figure (高于同期…增速16.05个
    百分点): the figure is a gap."""
    return any(a <= x and y <= end and w in _COMPARATIVES for x, y, w, _ in ws)


# Aims and forecasts: "力争'十五五'末…产值突破2000亿元" states a target, not what was
# reached. Verbs of Chinese news that set out a plan, not fitted; realqa fit half showed
# the bold they stop (a question about 去年 answered with a target).
_AIMS = {"力争", "争取", "计划", "目标", "预计", "预期", "有望", "拟", "规划", "确保"}
_FUTURE = _AIMS | {"将", "要", "会", "能", "可", "到", "未来", "明年", "预测", "预估"}


def _other_side(text: str, m: Quantity, gap: bool) -> bool:
    """The figure is a gap (a comparative verb before it in its clause) and the question
    asks no gap, or the question asks a gap and the figure's clause neither compares nor
    states a change."""
    a, b = next((a, b) for a, b in _clauses(text) if a <= m.start <= b)
    ws = _words_of(text)
    if not gap:
        return _compared_in(ws, a, m.start)
    return not any(a <= x and y <= b and w in _COMPARING | _CHANGES for x, y, w, _ in ws)


def _aimed(ws, a: int, end: int) -> bool:
    return any(a <= x and y <= end and _plain(w) in _AIMS for x, y, w, _ in ws)


# The noun compound a figure belongs to: "人民币各项贷款余额270.39万亿元" (贷款 余额),
# "世界经济将增长3.2%" (世界 经济): the nouns written together before the figure, or
# before the verb that states it. Adverbs, particles, copulas and linking verbs between.
_RUN_TAGS = ("n", "vn", "j", "nz", "nt", "ns", "b", "l", "an")


_MODIFIER_TAGS = ("n", "ns", "nz", "nt")


def _noun_run(ws, k: int, start: int = 0) -> list[tuple[str, str]]:
    """The nouns written together right before word index k (exclusive), read back from
    it within [start, …): up to two verbs (增速/v 达/v), adverbs, particles and copulas
    skipped before the nouns."""
    run, verbs = [], 0
    while k > 0 and ws[k - 1][0] >= start:
        k -= 1
        _, _, w, tag = ws[k]
        w = _plain(w).lower()
        if not run and (tag == "d" or tag.startswith("u") or w in _COPULAS or
                        w in _LINKS or tag.startswith("v") and tag != "vn" and verbs < 2):
            verbs += tag.startswith("v") and tag != "vn"
            continue
        if tag.startswith(_RUN_TAGS) and w.strip():
            run.append((w, tag))
            continue
        break
    return run[::-1]


def _contrasted(ws, m: Quantity, a: int, question: Question, clause: str) -> bool:
    """The figure's noun compound and the question's end in the same head noun but each
    names a modifier the other does not (贷款余额 against the 存款余额 asked, 世界经济
    against 美国经济): it is another thing's amount."""
    k = next((k for k, (_, y, _, _) in enumerate(ws) if y == m.start), None)
    if k is None:
        return False
    said = _noun_run(ws, k + 1, a)
    qws = [(0, 0, w, tag) for w, tag in question.words]
    j = next((j for j, (w, _) in enumerate(question.words)
              if w in question.asking or w in ("多少", "几")), -1)
    asked = _noun_run(qws, j, 0) if j > 0 else []
    if len(said) < 2 or len(asked) < 2 or said[-1][0] != asked[-1][0]:
        return False   # no modifier on a side, or another head noun
    q_text = _plain(question.text).lower()
    own, theirs = said[-2], asked[-2]
    # the modifiers right before the shared head: nouns or places, each not written on
    # the other side (总/b, 一共/j, 建设/vn before 投资 modify nothing to set against)
    return own[1] in _MODIFIER_TAGS and theirs[1] in _MODIFIER_TAGS and \
        len(own[0]) >= 2 and len(theirs[0]) >= 2 and \
        own[0] not in q_text and theirs[0] not in clause


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
    english = question.is_english
    q_verb, q_head, k_ask = ("", "", -1) if english else _question_frame(question)
    after, joined = ([], []) if english else _after_terms(question, k_ask)
    q_text = _plain(question.text).lower()
    q_words = [w.lower() for w, _ in question.words]
    q_spans = {"".join(q_words[i:j]) for i in range(len(q_words))
               for j in range(i + 1, min(len(q_words), i + 6) + 1)}
    q_heads = _head_words(question, q_head)
    # A rate (每股多少, 每人每月多少): the figure's clause names the same 每-word.
    rate = [w.lower() for w, _ in question.words if len(w) >= 2 and w.startswith("每")]
    # The noun the figure must count, as the question writes it: without a measure word
    # jieba joined to it (多少条幼蛇 -> 幼蛇); none for a share (多少比例), a time asked
    # (多少时间), or a noun after 的 that the amount describes (水深多少的海域).
    counts = asked
    if counts and question.unit and counts.startswith(question.unit):
        counts = counts[len(question.unit):]
    after_de = "的" in [w for w, _ in question.words[k_ask + 1:]] if k_ask >= 0 else False
    if len(counts) < 2 or counts in _SHARE_NOUNS or counts in _WHEN or \
            (after_de and counts not in q_heads):
        counts = ""
    gap = _asks_gap(question)
    future = any(_plain(w) in _FUTURE for w, _ in question.words)
    scored, rivals = [], []   # (score, i, quantity, owned, strong)
    for i, c in enumerate(citations):
        if c.field or c.instruction:
            continue   # metadata, or a sentence reading like an order: never the short answer
        text = c.passage
        ws = _words_of(text)
        clauses = _clauses(text)
        plain = _plain(text).lower()

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
            if english:
                run = "".join(_counted_run(ws, m.end)) if m.unit else ""
                if len(run) >= 2 and not any(t in run or run in t for t in subject):
                    # "十六届大赛" counts 大赛, which no word of the question stands for
                    # (How many overall championships …: 7次总冠军 is asked; realqa_fit2)
                    return 0, False, False
                return own, own > 0, False
            return own, own > 0 and owns(m, a, held), strong(m, a)

        def owns(m, a, held) -> bool:
            """The figure's own sentence does not give it to something else."""
            k = next(k for k, (x, y) in enumerate(clauses) if x <= m.start <= y)

            def b_of(k):
                return clauses[k][1]
            if not question.unit and _time_offset(ws, m):
                return False   # 两天前 places a time
            verb, head = _frame(ws, m.start, a)
            adj = _dimension_word(ws, m, question.dimension)
            if question.dimension and adj and adj != question.dimension:
                return False   # 重817吨 is no 多长
            if rate and not any(r in plain[a:b_of(k)] for r in rate):
                return False   # 每股多少: 每股作价港币6元, not 91.6亿港元
            if q_verb and verb and q_verb not in _LINKS and verb not in _LINKS and \
                    _stem(verb) not in q_text and _stem(q_verb) not in verb:
                return False   # 增长1万亿元 does not answer 下降了多少
            if _part_of_another(ws, m, text):
                return False
            if _other_side(text, m, gap):
                # 高于…增速16.05个百分点: a gap, not the 增速 asked; 比去年同期多了多少:
                # not the total 查验…1.78亿人次
                return False
            if not future and _aimed(ws, a, m.start):
                return False   # 力争…突破2000亿元 is a target: not what 去年 reached
            if _contrasted(ws, m, a, question, plain[a:b_of(k)]):
                return False   # 各项贷款余额 is not the 存款余额 asked
            if q_verb and not verb and len(q_verb) >= 2 and q_verb not in _LINKS and \
                    q_verb not in _COPULAS and not _verb_written(q_verb, plain) and \
                    _describes(ws, m) and not (asked and _attached(ws, m, asked)):
                # "修复了多少米有裂缝的护坡墙" over "一道120米的护坡墙，…出现多处裂缝": the
                # figure describes a noun (X的N), the deed asked is nowhere in the
                # sentence and the figure states no deed of its own nor counts the noun
                # asked: it measures something else (realqa_fit2; "接待多少游客" over
                # "单日最多3000个游客的压力" keeps its figure, which counts the 游客 asked;
                # "只剩下多少头" over "只余下150头" keeps it: no 的 after it, CMRC dev)
                return False
            run = _counted_run(ws, m.end) if m.unit else []
            counted = "".join(run)
            if run and run[0] in joined:
                return False   # 二斤半火碱和二斤食盐: each a part
            # a change written 从/由 X …到/至 Y: X is where it started, Y where it got to;
            # only a question asking where it got to (提高到多少) has Y for its answer
            before = next((w for _, y, w, _ in ws if y == m.start and w.strip()), "") or \
                next((w for _, y, w, _ in ws if y == m.start - 1), "")
            if before in ("由", "从") and quantities(plain[m.end:b_of(k)]):
                return False   # 由21%提高至74%: 21% is where it started
            if (verb[-1:] in ("到", "至") or before in ("到", "至")) and \
                    re.search(r"[由从]", plain[a:m.start]) and \
                    any(a <= q.start < m.start for q in quantities(plain)) and \
                    q_verb[-1:] not in ("到", "至"):
                return False   # 从415,000平方公里上升到587,000平方公里: 到1991年 asks neither
            if len(counted) >= 2 and not any("".join(run[:j]) in q_spans or
                                             (question.unit + "".join(run[:j])) in q_text
                                             for j in range(1, len(run) + 1)) and \
                    not (run[-1] in q_words and run[-1] == (asked or run[-1]) and
                         len(run) > 1):
                return False   # 5000余家影视企业 counts 影视企业
            if head and head not in q_text and not counted and \
                    not any(h and h in head for h in q_heads[:1]) and \
                    not (question.dimension and question.dimension in head) and \
                    m.unit not in _VERBAL:
                # 林地超6亿亩 is the 林地's, whatever the clause holds (not when the figure
                # names what it counts after it, 共计1200余家单位, or counts actions:
                # 转运至污水处理厂3次)
                return False
            if q_heads and not (q_verb and q_verb not in _LINKS) and not after and \
                    not any(h in plain[a:b_of(k)] for h in q_heads) and \
                    not (not head and k and any(h in plain[clauses[k - 1][0]:a] for h in q_heads)):
                # "报酬是多少": the noun whose amount is asked is written in the figure's
                # clause, or in the clause before when the figure's has no noun of its
                # own ("经济总量再增长1万亿元、达到4.6万亿元")
                return False
            if counts and counts not in held and counts not in plain[a:b_of(k)] and \
                    not _attached(ws, m, counts) and not (counted and counts.endswith(counted)):
                # (促成43个跨国合作项目 counts the 人工智能跨国合作项目 asked)
                return False   # what the question counts is not in the figure's clause
            # what the counted did, to what (感染新冠, 被移送司法, 获全国工人先锋号): its
            # last noun is written in the figure's sentence
            return not after or after[-1] in plain

        def strong(m, a) -> bool:
            """The sentence writes the figure as the question asks it: the same verb
            (达到4.6万亿元 for 达到多少), the same noun right before it, the counted noun
            in its clause (其中6万人为现役军人), the dimension asked (长40米, 全长12.5公里),
            or every noun of what the counted did in its clause (1670人被授予全国劳动模范
            称号)."""
            verb, head = _frame(ws, m.start, a)
            adj = _dimension_word(ws, m, question.dimension)
            b = next(y for x, y in clauses if x <= m.start <= y)
            return bool((q_verb and verb and verb == q_verb) or (q_head and head == q_head)
                        or (asked and _attached(ws, m, asked))
                        or (counts and counts in plain[a:b])
                        or (after and all(t in plain[a:b] for t in after))
                        or (question.dimension and (adj == question.dimension or
                                                    question.dimension in head)))

        fits, others = _count_spans(text, question)
        scored += [(*score(m), i, m) for m in fits]
        rivals += [(*score(m), i, m) for m in others]
    if not scored:
        return None
    if english:
        scored.sort(key=lambda x: x[0], reverse=True)
        best_score, _, _, i, best = scored[0]
        if best_score <= 0:
            return None   # no clause holds the subject: the figure may be anyone's
        best_text = best.text_in(citations[i].passage)
        for other_score, _, _, j, other in scored[1:] + rivals:
            if other_score >= best_score and other.text_in(citations[j].passage) != best_text:
                return None   # another figure as well owned: no guess
        return i, best.start, best.end
    # Every figure its sentence gives to the question's subject is a candidate; one
    # candidate, or one of them written as the question asks it, is the answer; two or
    # more, or none, give no short answer (the quoted sentence still answers).
    owned = [(own, i, m, st) for own, ok, st, i, m in scored + rivals if ok]
    fit = {id(m) for _, _, _, _, m in scored}

    def one(group):
        texts = {m.text_in(citations[i].passage) for _, i, m, _ in group}
        return group[0] if len(texts) == 1 else None

    sure = [x for x in owned if x[3]]
    top = max((x[0] for x in owned), default=0)
    # one candidate; else one written as asked; else one whose clause holds more of the
    # question's words than every other's (质量为木星的8.65倍, 半径为木星的0.951倍)
    got = one(owned) if owned else None
    got = got or (one(sure) if sure else None)
    got = got or one([x for x in owned if x[0] == top])
    if got is None or id(got[2]) not in fit:
        return None   # (a number without the asked unit only stops a guess)
    if not got[3] and len({m.text_in(citations[i].passage) for _, _, _, i, m in scored
                           if not _other_side(citations[i].passage, m, gap)}) > 1:
        # other figures in the asked unit stand in the quoted sentences: only one written
        # as the question asks it is sure enough to be given first (DRCD dev, not fitted
        # on: wrong bold 4 -> 1 of 75 -> 59; CMRC first half 13 fewer right)
        return None
    if len({v for values in given.values() for v in values}) > 1:
        # The question states two values of one unit ("2026年预计2025年…增长多少"):
        # figures whose clauses state different ones of them may each be the one asked
        # (realqa_fit2: 3.2% of "预计2025年…将增长3.2%" bolded, "2026年将增长3.1%" asked)
        def stated(i, m):
            text = citations[i].passage
            a, b = next((a, b) for a, b in _clauses(text) if a <= m.start <= b)
            return frozenset((q.unit, q.value) for q in quantities(_plain(text[a:b]))
                             if q.value in given.get(q.unit, ()))
        mine = stated(got[1], got[2])
        if any(stated(i, m) and stated(i, m) != mine and
               m.text_in(citations[i].passage) != got[2].text_in(citations[got[1]].passage)
               for _, i, m, _ in owned):
            return None
    _, i, m, _ = got
    return i, m.start, m.end


# A span of days written after a date ("10月16日至18日", "3月5日到4月2日"): the date of
# an event that lasts, given whole unless the question asks its start or end (realqa_fit2:
# "峰会什么时候举行" bolded 10月16日 of 10月16日至18日).
_DAY_RANGE = re.compile(r"\s*(?:至|到|—|－|-|~|～)\s*(?:\d{1,2}\s*月\s*)?\d{1,2}\s*[日号]")


def _date_spans(text: str, ranges: bool = False) -> list[tuple[int, int]]:
    """The dates of the text; with `ranges`, a span of days as one (10月16日至18日)."""
    out = []
    for m in _DATE.finditer(text):
        s, e = m.span()
        if text[e - 1] in "日号":
            more = _DAY_RANGE.match(text, e) if ranges else None
            e = more.end() if more else e
            hour = _HOUR.match(text, e)
            e = hour.end() if hour else e
        out.append((s, e))
    return out


def _asks_whole(question: Question) -> bool:
    """The question asks when something happened, not when it started or ended."""
    return not (_STARTS.search(question.text) or _ENDS.search(question.text))


def is_name(word: str) -> bool:
    """A person's name as jieba tags it (nr), unless its dictionary counts it as a
    common word (顾问, 荣获, 小镇 have frequencies there and are tagged nr)."""
    from assistant.text.tokens import get_jieba

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


def _role_phrase(question: Question, head: str) -> str:
    """The noun phrase the head noun ends, as the question writes it ("市总工会主席是谁"
    -> 市总工会主席): its nouns and names written together before it."""
    words = [w.lower() for w, _ in question.words]
    tags = [t for _, t in question.words]
    if head not in words:
        return head
    k = j = words.index(head)
    while k and tags[k - 1].startswith(("n", "vn", "j")):
        k -= 1
    return _plain("".join(words[k:j + 1])).lower()


def _phrase_before(text: str, end: int) -> str:
    """The nouns written together right before `end` in the text ("省总工会主席王建国" ->
    省总工会主席), in Simplified characters."""
    ws = _words_of(text)
    k = next((k for k, (_, y, _, _) in enumerate(ws) if y == end), None)
    if k is None:
        return ""
    j = k
    while j >= 0 and ws[j][3].startswith(("n", "vn", "j", "b")) and ws[j][2].strip():
        j -= 1
    return _plain(text[ws[j + 1][0]:end]).lower() if j < k else ""


def _dateline(text: str, end: int) -> bool:
    """"光明日报重庆10月14日电": the date a report was filed (日电), not of what it tells."""
    return text[end:end + 1] == "电"


_WHEN = {"时候", "时间", "日期", "年份", "哪天", "哪年", "何时", "哪一天", "哪一年", "几时"}


def _said_with(question: Question, text: str, s: int, e: int) -> bool:
    """A date or name answers only where its clause says what the question asks of it:
    the noun asked right before the asking word ("冠军是谁": 冠军), and for a date the
    last word of what happened ("什么时候对游客开放": 开放, "什么时候二审": 二审), in
    the sentence."""
    q_verb, q_head, k = _question_frame(question)
    a, b = next((a, b) for a, b in _clauses(text) if a <= s <= b)
    plain = _plain(text).lower()
    if question.kind == "person" and q_head and not (q_verb and q_verb not in _LINKS):
        if q_head not in plain[a:b]:
            return False   # "冠军是谁": the name's clause names the role
        asked = _role_phrase(question, q_head)
        said = _phrase_before(text, s)
        if said.endswith(q_head) and not (asked.endswith(said) or said.endswith(asked)):
            # the role written right before the name says whose it is: 中国科协主席万钢
            # is not the 世界工程组织联合会主席, 省总工会主席 not the 市总工会主席
            # (自治区主席 may stand for the 广西壮族自治区主席 asked)
            return False
    if question.kind == "date" and k >= 0:
        after = [w.lower() for w, tag in question.words[k + 1:]
                 if len(w) >= 2 and w not in _WHEN and w not in question.asking and
                 tag.startswith(("n", "v", "j", "b", "l"))]
        if after and after[-1] not in plain:
            return False
    if question.kind == "date" and not question.is_english:
        return _date_fits(question, text, s, e)
    return True


# --- dates: the asked granularity, the whole date, the asked event in its clause -------------
# Fitted on CMRC 2018 dev + trial and DRCD dev (benchmarks/bold_kinds.py; the wrong bold
# dates there: a month and day for 哪一年, a year for 什么时期, 1930年 of 1930年代, another
# event's date in a neighbouring clause or sentence).
_ASKS_PERIOD = {"时代", "时期", "朝代", "世纪", "年代", "年间", "阶段"}
_ASKS_YEAR = {"哪年", "哪一年", "何年", "年份"}
# Verbs that only say that something happened or went on (是哪天发生的, 什么时候开始进行):
# the event is the deed they go with, written elsewhere in the question.
_LIGHT = {"发生", "进行", "开始", "出现", "举办", "有"}


def _asked_year(question: Question) -> bool:
    ws = [_plain(w) for w, _ in question.words]
    return bool(_ASKS_YEAR & set(ws)) or any(
        w in ("哪", "哪一", "几", "何") and k + 1 < len(ws) and ws[k + 1] == "年"
        for k, w in enumerate(ws))


def _event_deeds(question: Question) -> list[str]:
    """The verbs saying what happened (什么时候对游客开放: 开放; 孙中山是哪天在怀士堂发表
    演讲的: 发表, 演讲): after the asking word, light verbs aside; when none, the last
    verb before it (颜某拒绝核酸检测是哪天发生的: 拒绝)."""
    ws = [(_plain(w).lower(), tag) for w, tag in question.words]
    k = next((i for i, (w, _) in enumerate(ws) if w in question.asking), -1)
    if k < 0:
        return []

    def deed(w, tag):
        return tag.startswith("v") and tag != "vn" and len(w) >= 2 and w not in _LIGHT \
            and w not in _LINKS and w not in _COPULAS
    after = [w for w, tag in ws[k + 1:] if deed(w, tag)]
    if after:
        return after
    before = [w for w, tag in ws[:k] if deed(w, tag)]
    return before[-1:]


def _date_fits(question: Question, text: str, s: int, e: int) -> bool:
    """The date is whole (not 1930年 of 1930年代), of the asked granularity (a year for
    哪一年; none for a period, 什么时期), and its clause, or the clause after a date
    standing alone ("1956年2月9日，越南共和国…析置三芹省"), holds every deed the question
    asks the time of."""
    ws = _words_of(text)
    if e not in {b for _, b, _, _ in ws} or s not in {a for a, _, _, _ in ws}:
        return False
    if _ASKS_PERIOD & {_plain(w) for w, _ in question.words}:
        return False
    if _plain(text[s:e]) in _plain(question.text):
        return False   # a date the question states (依1893年建立的…) is not what it asks
    if _asked_year(question) and not re.search(r"\d\s*年|[〇零一二三四五六七八九十]年", text[s:e]):
        return False
    deeds = _event_deeds(question)
    if not deeds:
        return True
    clauses = _clauses(text)
    k = next(k for k, (a, b) in enumerate(clauses) if a <= s <= b)
    a, b = clauses[k]
    rest = [w for x, y, w, tag in ws if a <= x and y <= b and not (s <= x and y <= e)
            and w.strip() and not tag.startswith(("p", "t", "m", "f", "x", "u"))
            and not (tag.startswith("v") and len(w) == 1)]   # 3月5日晚8时起
    if not rest and k + 1 < len(clauses):
        b = clauses[k + 1][1]   # the date stands alone: what happened follows
    return all(_deed_at(ws, a, b, d) for d in deeds)


# --- people: the name that holds the asked role or does the asked deed ---------------------
# What a SQuAD-shaped set showed (CMRC 2018 dev + trial, DRCD dev; benchmarks/bold_kinds.py,
# the answering sentence quoted with its neighbours): a name anywhere in the quoted
# sentences, or any two or three characters after a role word, was the wrong person in
# 36-47% of the bold answers (one of several people named, a foreign place jieba tags as a
# name, 送信 after 队长). A name is given only when its own clause says the asked thing of
# it, and only when one name does.

# Words that only tie a name to what the question says of it (会长是谁, 冠军为谁, 叫什么).
_NAME_LINKS = {"是", "为", "叫", "叫做", "名叫", "系", "乃", "即"}
# Marks joining the parts of a transliterated name (保罗·塞里诺, 让-马利·居约).
_NAME_JOINS = {"·", "•", "‧", "・", "-", "－"}
# Word classes that never stand inside a name (a name read after a role word must not
# hold a verb, preposition, particle, pronoun, numeral, direction or time word: 送信,
# 由朗, 国之初).
_NOT_IN_NAME = ("v", "p", "c", "u", "d", "r", "m", "q", "f", "t", "x", "y", "e", "o")
_HAN = re.compile(r"[\u4e00-\u9fff]+")


def _person_words(ws) -> list[tuple[int, int]]:
    """People's names as jieba reads the passage: words tagged nr/nrfg/nrt of two to four
    characters, with the parts of a transliterated name joined (保罗·塞里诺 whole)."""
    out, k = [], 0
    while k < len(ws):
        a, b, w, tag = ws[k]
        name = tag.startswith("nr")
        j = k
        # a transliterated name: words joined by · (any part may be the one tagged nr)
        while j + 2 < len(ws) and ws[j + 1][2] in _NAME_JOINS and \
                _HAN.fullmatch(ws[j + 2][2] or "") and _HAN.fullmatch(ws[j][2] or ""):
            j += 2
            name = name or ws[j][3].startswith("nr")
        if j > k and name:
            out.append((a, ws[j][1]))
        elif name and 2 <= len(w) <= 4 and not re.search(rf"(?:{ROLES})$", w):
            out.append((a, b))
        k = j + 1
    return out


def _latin_names(ws) -> list[tuple[int, int]]:
    """Runs of capitalised Latin words (Terry Serepisos, Kampon Tansacha): people or
    bodies a Chinese sentence names in their own spelling. Never given as the short
    answer; they only stand against a Chinese name of the same clause."""
    out, k = [], 0
    while k < len(ws):
        a, _, w, tag = ws[k]
        if tag == "eng" and w[:1].isupper():
            j = k
            while j + 2 < len(ws) and not ws[j + 1][2].strip() and ws[j + 2][3] == "eng":
                j += 2
            out.append((a, ws[j][1]))
            k = j + 1
        else:
            k += 1
    return out


def _role_named(text: str, ws, role: str) -> list[tuple[int, int]]:
    """Names jieba misses written right after the asked role (主席石莹莹说: 石/n 莹莹/a):
    two or three characters, whole words, none of a class that never stands in a name
    and not one word the dictionary knows as a common word (主席制度), followed by a
    clause mark or a verb of saying."""
    from assistant.text.tokens import get_jieba

    starts = {a for a, _, _, _ in ws}
    ends = {b for _, b, _, _ in ws}
    out = []
    for m in re.finditer(re.escape(role) + r"([\u4e00-\u9fff]{2,3})" + _SAID, text):
        s, e = m.span(1)
        inside = [(w, tag) for a, b, w, tag in ws if s <= a and b <= e]
        if s not in starts or e not in ends or not inside or \
                any(t.startswith(_NOT_IN_NAME) for _, t in inside):
            continue
        if len(inside) == 1 and not inside[0][1].startswith("nr") and \
                get_jieba().dt.FREQ.get(_plain(inside[0][0]), 0):
            continue
        out.append((s, e))
    return out


# What may follow a name as a word of its own before a verb of saying: adverbs (也说, 还
# 表示), conjunctions, particles, prepositions, verbs, pronouns. Any other one-character
# word there (a localizer, a noun: 曹治/nr 中/f 说) may be the name's last character that
# jieba cut off; a Chinese name has two or three. realqa_fit2 showed one such clipped name.
_AFTER_NAME_TAGS = ("d", "c", "u", "p", "v", "r", "y", "x", "m", "q")
_SAYING = {"说", "表示", "介绍", "告诉", "指出", "认为", "称", "坦言", "透露", "强调", "谈到"}


def _name_may_go_on(ws, end: int) -> bool:
    """The two-character name ending at `end` is followed by a one-character word that may
    be its last character (before a verb of saying or a clause mark)."""
    k = next((k for k, (a, _, _, _) in enumerate(ws) if a == end), None)
    if k is None or k + 1 >= len(ws):
        return False
    a, b, w, tag = ws[k]
    start = next((x for x, y, _, _ in ws if y == end), end)
    if len(w) != 1 or end - start != 2 or tag.startswith(_AFTER_NAME_TAGS):
        return False
    nxt = ws[k + 1][2]
    return nxt in _SAYING or bool(_CLAUSE_END.fullmatch(nxt))


def _asked_of_person(question: Question) -> tuple[str, str, str]:
    """(the role the question asks the holder of, the deed it asks the doer or the
    object of, 'before' / 'after': where the name stands to the deed in a sentence).

    "宁夏现代物流协会会长是谁" -> (协会会长, '', ''); "哪位生物学家建立了…" -> (生物学家…);
    "谁讲了话" -> ('', 讲话, before); "农业法修订草案是谁作的说明" -> ('', 说明, before);
    "发明简便电焊机的是谁" (a deed closed by 的: its doer) -> ('', 发明, before); "梁诚协
    助了谁" (a deed before the asking word: its object) -> ('', 协助, after); "谁的…"
    (a possessor) -> nothing. The deed is the verb nearest the asking word, after it
    first; a one-character verb is read with the noun after it (讲了话 -> 讲话)."""
    ws = [(_plain(w).lower(), tag) for w, tag in question.words]
    k = next((i for i, (w, _) in enumerate(ws) if w in question.asking), -1)
    if k < 0 or k + 1 < len(ws) and ws[k + 1][0] == "的":
        return "", "", ""
    nxt = ws[k + 1] if k + 1 < len(ws) else ("", "")
    if ws[k][0] != "谁" and nxt[1].startswith(("n", "j")) and len(nxt[0]) >= 2:
        return nxt[0], "", ""   # 哪位生物学家
    j = k - 1
    while j >= 0 and ws[j][1] == "d":
        j -= 1
    linked = j >= 0 and ws[j][0] in _NAME_LINKS
    if linked:
        j -= 1
        while j >= 0 and ws[j][1] == "d":
            j -= 1
        if j >= 0 and ws[j][1].startswith(("n", "j")) and \
                not ws[j][1].startswith(("nr", "ns")) and len(ws[j][0]) >= 2:
            return ws[j][0], "", ""   # 会长是谁, 冠军为谁
    if nxt[0] in _NAME_LINKS:
        # 谁是中华全国总工会主席: the role is the noun that ends the question
        tail = [w for w, tag in ws[k + 1:] if tag.startswith(("n", "j")) and len(w) >= 2
                and not tag.startswith(("nr", "ns"))]
        return (tail[-1], "", "") if tail else ("", "", "")

    def deed(i):
        w, tag = ws[i]
        if not tag.startswith("v") or tag == "vn" or w in _NAME_LINKS:
            return ""
        if len(w) >= 2:
            return w
        after = next(((x, t) for x, t in ws[i + 1:] if not t.startswith("u")), ("", ""))
        return w + after[0] if after[1].startswith("n") or after[1] == "vn" else ""

    for i in range(k + 1, len(ws)):
        if deed(i):
            return "", deed(i), "before"   # 谁讲了话, 由谁主持, 被谁杀害
    for i in range(k - 1, -1, -1):
        if deed(i):
            closed = any(w == "的" for w, _ in ws[i + 1:k])
            return "", deed(i), "before" if closed else "after"
    return "", "", ""


def _holds_role(text: str, s: int, question: Question, role: str) -> bool:
    """The role is written right before the name (协会会长高西圆) as a whole word, and what
    the passage writes before it agrees with the question (省总工会主席 is not the 市总工会
    主席 asked; 副主席 is not 主席)."""
    said = _phrase_before(text, s)
    if not said.endswith(role):
        return False
    ws = _words_of(text)
    if s - len(role) not in {a for a, _, _, _ in ws}:
        return False   # 副主席 ends in 主席 but is another word
    asked = _role_phrase(question, role)
    return asked.endswith(said) or said.endswith(asked)


def _deed_at(ws, a: int, b: int, deed: str) -> tuple[int, int] | None:
    """Where the clause [a, b) writes the asked deed: the word itself, or a verb word it
    starts or that starts it (讲话; 提出 for 提出来)."""
    for x, y, w, tag in ws:
        if a <= x and y <= b:
            w = _plain(w).lower()
            if w == deed or (tag.startswith("v") and len(w) >= 2 and
                             (w.startswith(deed) or deed.startswith(w))):
                return x, y
    return None


def _wide_clauses(text: str) -> list[tuple[int, int]]:
    """Clauses with the items of a list kept together (唐继尧、蔡锷、李烈钧等人宣布)."""
    out, start = [], 0
    for m in re.finditer(r"[，；;。！？!?：\n]|(?<!\d),|,(?!\d)", text):
        out.append((start, m.start()))
        start = m.end()
    out.append((start, len(text)))
    return out


def _person(question: Question, citations: list[Citation]) -> tuple[int, int, int] | None:
    """The one name whose own clause says the asked thing of it: right after the role the
    question asks the holder of, or the doer (or object) of the deed it asks about, on the
    side of the deed the question puts it; none when the question asks neither, when
    another person stands in the same clause, or when two names qualify.

    Fitted on CMRC 2018 dev + trial and DRCD dev (benchmarks/bold_kinds.py, sentences
    quoted with their neighbours): person bold answers wrong 43.0% -> see
    benchmarks/short_answer_results.md."""
    role, deed, side = _asked_of_person(question)
    if not role and not deed:
        return None
    asked_text = _plain(question.text)
    hits, names = [], set()
    for i, c in enumerate(citations):
        if c.field or c.instruction:
            continue
        text = c.passage
        ws = _words_of(text)
        spans = _person_words(ws)
        if role:
            spans = sorted(set(spans) | set(_role_named(text, ws, role)))
            # (刘/zg 美玲/nr after the role: the whole 刘美玲, not its part)
            spans = [(s, e) for s, e in spans
                     if not any(x <= s and e <= y and (x, y) != (s, e) for x, y in spans)]
        others = spans + _latin_names(ws)
        clauses, wide = _clauses(text), _wide_clauses(text)
        for s, e in spans:
            name = text[s:e]
            if _plain(name) in asked_text or len(name) < 2:
                continue   # a person the question names is not whom it asks for
            if role:
                ok = _holds_role(text, s, question, role)
            else:
                a, b = next((a, b) for a, b in clauses if a <= s <= b)
                at = _deed_at(ws, a, b, deed)
                ok = bool(at) and (e <= at[0] if side == "before" else s >= at[1])
            if not ok:
                continue
            if _name_may_go_on(ws, e):
                names.add(None)   # 曹治/nr 中/f 说: 曹治 or 曹治中, not sure which
                continue
            # (a role written before each name of a list says whose it is: the list's
            # items are clauses of their own then)
            a, b = next((a, b) for a, b in (clauses if role else wide) if a <= s <= b)
            if any(a <= x < b and (x, y) != (s, e) and _plain(text[x:y]) not in asked_text
                   for x, y in others):
                # another person in the same clause (李政道和物理学家钱三强, 王连极力反对诸葛
                # 亮亲身领军, 唐继尧、蔡锷、李烈钧等人): the deed or role may be theirs too,
                # or both are asked
                names.add(None)
                continue
            hits.append((i, s, e))
            names.add(name)
    return hits[0] if len(names) == 1 and hits else None


def find(question: Question, citations: list[Citation],
         terms: list[str] = ()) -> tuple[int, int, int] | None:
    """(index of the citation, start, end in its passage) of the short answer, or None."""
    if _DISTRIBUTIVE & {w.lower() for w, _ in question.words} or question.plural:
        return None   # each subject, or several people or items asked: no one span
    if question.kind == "number":
        if len(question.asking) > 1:
            # two figures asked ("设置了几场集中对接、几场专场对接", "和几个省区共建了多少个
            # 基地"): one span answers one part only, and which is not sure (realqa_fit2)
            return None
        return _owned_number(question, citations, list(terms) or question.tokens)
    if question.kind == "person" and not question.is_english:
        return _person(question, citations)
    terms = [t for t in (list(terms) or question.tokens) if t not in ("多少", "几", "什么", "谁")]
    hits = []
    for i, c in enumerate(citations):
        if c.field or c.instruction:
            continue
        if question.kind == "date":
            spans = [(s, e) for s, e in _date_spans(c.passage, _asks_whole(question))
                     if not _dateline(c.passage, e)]
        elif question.kind == "person":
            spans = _name_spans(c.passage, question)
        else:
            return None
        if not question.is_english:
            spans = [(s, e) for s, e in spans if _said_with(question, c.passage, s, e)]
        hits += [(i, s, e) for s, e in spans]
    if not hits:
        return None
    if question.kind == "date" and not question.is_english and not _date_alone(
            question, citations, {citations[i].passage[s:e] for i, s, e in hits}):
        return None
    if question.kind == "person" and not question.is_english and \
            len({citations[i].passage[s:e] for i, s, e in hits}) > 1:
        # 中国科协主席万钢、世界工程组织联合会主席谢胡: the name whose clause holds
        # most of the question's words, when one does; else none
        def held(h):
            i, s, e = h
            a, b = next((a, b) for a, b in _clauses(citations[i].passage) if a <= s <= b)
            clause = _plain(citations[i].passage[a:b]).lower()
            return sum(1 for t in dict.fromkeys(terms) if len(t) >= 2 and t.lower() in clause)
        top = max(held(h) for h in hits)
        best = [h for h in hits if held(h) == top]
        if top and len({citations[i].passage[s:e] for i, s, e in best}) == 1:
            return best[0]
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


def _date_alone(question: Question, citations: list[Citation], chosen: set[str]) -> bool:
    """No other date of the quoted sentences has a clause holding as many of the
    question's words as the chosen one's (1825年获得…Lalande Medal，以及于1826年由英国
    皇家天文学会所颁的金奖章: the year asked may be either; DRCD dev)."""
    words = {_plain(w).lower() for w, tag in question.words
             if len(w) >= 2 and tag.startswith(("n", "v", "j", "b", "l")) and
             w not in question.asking and _plain(w) not in _WHEN}
    if not words:
        return True
    given = _plain(question.text)
    best, rival = -1, -1
    for c in citations:
        if c.field or c.instruction:
            continue
        clauses = _clauses(c.passage)
        for s, e in _date_spans(c.passage, _asks_whole(question)):
            if _dateline(c.passage, e) or _plain(c.passage[s:e]) in given:
                continue
            a, b = next((a, b) for a, b in clauses if a <= s <= b)
            clause = _plain(c.passage[a:b]).lower()
            held = sum(1 for w in words if w in clause)
            if c.passage[s:e] in chosen:
                best = max(best, held)
            else:
                rival = max(rival, held)
    return best > rival


LEAD_EN = "According to the articles: "


def _extractive_answer(citations: list[Citation], english: bool) -> str:
    """The answer `ExtractiveAnswerer.compose` writes for these citations."""
    from assistant.qa.passages import quoted_passage

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
    from assistant.qa.verify import number_values

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
