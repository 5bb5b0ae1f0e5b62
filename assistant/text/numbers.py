"""Numbers as Chinese news writes them, read once for every stage that compares them.

A number is written in Arabic digits ("367", "54,500", "12.5"), in Chinese numerals
("九百", "三百六十七", "两千", "二〇二四"), or mixed ("1.2万", "3千"), maybe with an
approximation ("两千余", "3000多", "近200", "约5万") and a measure word or unit after it
("人", "名", "公里", "万元", "%"). `mentions` finds each one with its span, value and
whole unit; `value_of` reads one numeral. The short answer (qa/shortanswer.py)
takes its figure and unit from here, the LLM answer verifier (qa/verify.py)
compares values read here, so "九百人" is not "367人" however either is written.

Chinese numerals are read by cn2an. Which runs of numeral characters are numbers, and
where a unit ends, is read from jieba's words and parts of speech: a run that starts
inside a word (统一, 十分满意, 万一) is no number; a unit is the rest of the word the
number ends in (两千余名 -> 名, 1.2万元 -> 元) or the next word when jieba tags it a
measure word (公里/q, 兆瓦/q), a numeral-measure (万元/m), or it is a one-character noun
or measure (人, 名, 家). Nothing here was fitted on data; these are rules of writing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_CN_CHARS = "零〇一二三四五六七八九十百千万亿两"
# Full-width digits, and the Traditional forms of 万/亿/两 and of 余 (萬, 億, 兩, 餘), are read
# as their Simplified/ASCII forms: one character each, so spans stay those of the text.
_DIGITS = str.maketrans("０１２３４５６７８９．，萬億兩餘", "0123456789.,万亿两余")
# A numeral: digits with thousands groups and decimals, then a multiplier; or Chinese
# numerals (with 点 decimals); or 百分之 + numeral (a percentage).
_CORE = re.compile(
    r"(?P<pct>百分之)?"
    r"(?:(?P<arabic>\d+(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?P<mult>万亿|亿|万|千|百)?"
    rf"|(?P<cn>[{_CN_CHARS}]+(?:点[零〇一二三四五六七八九]+)?))"
    r"(?P<approx>余|多|来|几)?")
_BEFORE_APPROX = ("近", "约", "逾", "超过", "超", "将近", "不到", "不足", "大约")
BEFORE_APPROX = _BEFORE_APPROX   # (the short answer reads 重近817吨 with them)
# What a multiplier after digits stands for (1.2万, 3千): the one table of these values
# (verify.py reads claims with it too).
MULTIPLIERS = {"万": 1e4, "亿": 1e8, "万亿": 1e12, "千": 1e3, "百": 1e2}
# Words ending a numeral's unit part: not part of what is counted.
_NOT_UNIT_TAGS = {"p", "c", "u", "uj", "ul", "r", "d", "v", "x", "f", "y", "e", "o", "zg"}


@dataclass(frozen=True)
class Mention:
    """One written number: `text[start:end]` is the whole mention (numeral and unit);
    the numeral itself ends at `num_end`."""

    start: int
    end: int
    num_end: int
    value: float
    unit: str = ""          # the measure word or unit, whole: 人, 公里, 元, %, 人次; '' none
    approx: bool = False    # 余/多/近/约…: the value is a round figure
    rank: bool = False      # 第3名: an ordinal, not a count
    date: bool = False      # 2024年, 10月, 14日: part of a date
    chinese: bool = False   # written in Chinese numerals

    def text_in(self, text: str) -> str:
        return text[self.start:self.end]


def _cn_value(s: str) -> float | None:
    import cn2an

    try:
        return float(cn2an.cn2an(s, "normal"))
    except Exception:  # cn2an raises ValueError and others for what it cannot read
        return None


def value_of(numeral: str) -> float | None:
    """The value of one numeral ("九百" 900, "1.2万" 12000, "两千余" 2000, "54,500"
    54500, "百分之三十" 30); None when it is not one."""
    s = numeral.strip().translate(_DIGITS)
    for p in _BEFORE_APPROX:
        if s.startswith(p) and len(s) > len(p):
            s = s[len(p):]
            break
    m = _CORE.fullmatch(s)
    if not m:
        return None
    return _core_value(m)


def _core_value(m: re.Match) -> float | None:
    if m.group("arabic"):
        v = float(m.group("arabic").replace(",", ""))
        return v * MULTIPLIERS.get(m.group("mult") or "", 1.0)
    return _cn_value(m.group("cn"))


@lru_cache(maxsize=4096)
def _words(text: str) -> tuple[tuple[int, int, str, str], ...]:
    """jieba's words of the text with their spans: (start, end, word, tag)."""
    from assistant.text.tokens import pos_words

    out, at = [], 0
    for w, tag in pos_words(text):
        out.append((at, at + len(w), w, tag))
        at += len(w)
    return tuple(out)


def words(text: str) -> tuple[tuple[int, int, str, str], ...]:
    """jieba's words of a text with spans and parts of speech (cached)."""
    return _words(text)


def _measure_char(c: str) -> bool:
    """A character jieba's dictionary tags a measure word (名, 家, 次), or 人, which
    counts people as one."""
    from jieba import posseg

    return c == "人" or posseg.dt.word_tag_tab.get(c) == "q"


# Time words counted with 个 (6个月, 两个星期, 5个工作日): the unit is 个 with them.
# Words of Chinese grammar, not fitted.
_COUNTED_TIME = {"月", "星期", "礼拜", "工作日", "钟头", "季度", "年头", "晚上", "白天",
                 "周末", "学期", "疗程", "周期"}


def _is_unit_word(word: str, tag: str) -> bool:
    if word in ("%", "％", "‰"):
        return True
    if tag == "eng" and re.fullmatch(r"[A-Za-z]{1,3}", word):
        return True   # 300MB, 5km, 60kg: a Latin unit written against the number
    if not re.fullmatch(r"[\u4e00-\u9fff]+", word):
        return False
    if tag in ("q", "mq"):
        return True
    if tag == "m":   # 万元, 亿元, 多名: numeral-measure words
        return not re.search(r"\d", word)
    if len(word) == 1:
        return tag in ("n", "q", "ng", "m")
    # 人次, 户次: two measure characters as one word; not a verb jieba's HMM made of a
    # measure word and the next word's first character (78 位封/v 控孕妇: 封控 cut; realqa
    # fit half bolded "78位封")
    return len(word) == 2 and tag != "v" and all(_measure_char(c) for c in word)


@lru_cache(maxsize=4096)
def _mentions(text: str) -> tuple[Mention, ...]:
    norm = text.translate(_DIGITS)
    if len(norm) != len(text):
        norm = text
    ws = _words(norm)
    starts = {s: i for i, (s, _, _, _) in enumerate(ws)}
    word_at = [0] * len(norm)
    for i, (s, e, _, _) in enumerate(ws):
        for k in range(s, e):
            word_at[k] = i
    out: list[Mention] = []
    for m in _CORE.finditer(norm):
        s, e = m.span()
        if s == e:
            continue
        if s > 0 and re.match(r"[A-Za-z]", norm[s - 1]) and not m.group("cn"):
            continue   # part of a name: MP3, G20, A4
        chinese = bool(m.group("cn"))
        if chinese:
            # A run of numeral characters is a number only where a numeral word starts
            # (not 统一, 十分, 万一) and cn2an can read it (not 千万, 一些 -> 一).
            i = word_at[s]
            if s not in starts or ws[i][3] not in ("m", "mq"):
                continue
            if m.group("cn") in ("万", "亿", "千", "百", "十", "零", "〇", "一") or \
                    m.group("cn").endswith("点"):
                continue   # a multiplier alone; 一 is mostly "a" (一些, 一起, 一线)
        value = _core_value(m)
        if value is None:
            continue
        if m.group("pct"):
            out.append(Mention(s, e, e, value, "%", bool(m.group("approx")), chinese=chinese))
            continue
        approx = bool(m.group("approx"))
        before = norm[max(0, s - 2):s]
        if any(before.endswith(p) for p in _BEFORE_APPROX):
            approx = True
        num_end = e
        unit, end = "", e
        # The unit: the rest of the word the numeral ends in, or the next word.
        i = word_at[e - 1]
        ws_, we, w, tag = ws[i]
        if we > e:
            rest = norm[e:we]
            if re.fullmatch(r"[\u4e00-\u9fff]+", rest):
                unit, end = rest, we
        elif i + 1 < len(ws) and _is_unit_word(ws[i + 1][2], ws[i + 1][3]) and \
                not (ws[i + 1][3] == "eng" and ws[i + 1][0] != e):
            unit, end = ws[i + 1][2], ws[i + 1][1]
        elif i + 2 < len(ws) and not ws[i + 1][2].strip() and ws[i + 2][3] in ("q", "mq") \
                and re.fullmatch(r"[\u4e00-\u9fff]+", ws[i + 2][2]):
            unit, end = ws[i + 2][2], ws[i + 2][1]   # a space before the unit: 5,500,000 平方公里
        if unit == "个" and word_at[end - 1] + 1 < len(ws):
            # 4.3个百分点, 3个小时: 个 counts the unit word after it, which is the unit
            _, ne, nw, ntag = ws[word_at[end - 1] + 1]
            if ntag in ("m", "q", "mq") and len(nw) >= 2 and \
                    re.fullmatch(r"[\u4e00-\u9fff]+", nw):
                unit, end = unit + nw, ne
            elif nw in _COUNTED_TIME:
                unit, end = unit + nw, ne   # 11个月, 两个星期: never 11个 (realqa_fit2)
        if unit and unit != "次" and end in starts and ws[word_at[end]][2] == "次" and \
                ws[word_at[end]][3] in ("m", "q"):
            # 575 个/m 次/m: a measure and 次 written as two words are one compound
            # measure (个次, like 人次), never 575个 of it (realqa_fit2: 减淹城镇575个次)
            unit, end = unit + "次", end + 1
        if norm[e:e + 1] in ("%", "％"):
            unit, end = "%", e + 1
        elif not unit and e in starts and e < len(norm) and _measure_char(norm[e]) and \
                re.fullmatch(r"[\u4e00-\u9fff]", norm[e]):
            unit, end = norm[e], e + 1   # jieba joined the measure word to the next: 第3次获得
        if m.group("mult") and len(unit) == 1 and ws[word_at[end - 1]][3] == "n":
            # 2000亿金马克: a sum's currency cut after its first character by jieba
            k = word_at[end - 1] + 1
            if k < len(ws) and ws[k][0] == end and ws[k][3].startswith("n") and \
                    re.fullmatch(r"[\u4e00-\u9fff]+", ws[k][2]):
                unit, end = unit + ws[k][2], ws[k][1]
        for mult in ("万亿", "亿", "万"):   # 1.2万元: 万 multiplies, 元 is the unit
            if len(unit) > len(mult) and unit.startswith(mult):
                unit = unit[len(mult):]
                value *= MULTIPLIERS[mult]
                # 2000亿金马克: jieba's 亿金 leaves the rest of the unit in the next noun
                k = word_at[end - 1] + 1
                if len(unit) == 1 and k < len(ws) and ws[k][3].startswith("n") and \
                        re.fullmatch(r"[\u4e00-\u9fff]+", ws[k][2]):
                    unit, end = unit + ws[k][2], ws[k][1]
                break
        if unit and re.fullmatch(r"[\u4e00-\u9fff]+", unit) and norm[end:end + 1] == "半" and \
                end in starts and ws[word_at[end]][2] == "半":
            end, value = end + 1, value + 0.5   # 二斤半, 一个半: half a unit more, written after it
        rank = norm[max(0, s - 1):s] == "第"
        date = _is_date(norm, m, unit, end)
        out.append(Mention(s, end, num_end, value, unit, approx, rank, date, chinese))
    fractions = _fractions(norm)
    if fractions:
        inside = [(f.start, f.end) for f in fractions]
        out = [m for m in out if not any(a <= m.start < b for a, b in inside)] + fractions
        out.sort(key=lambda m: m.start)
    return tuple(out)


_FRACTION = re.compile(rf"([{_CN_CHARS}\d]+)分之([{_CN_CHARS}\d.]+)")


def _fractions(text: str) -> list[Mention]:
    """五分之一, 3分之2: a share, its value the fraction."""
    out = []
    for m in _FRACTION.finditer(text):
        if m.group(1) == "百":
            continue   # 百分之三十 is a percentage (see `_CORE`)
        den, num = value_of(m.group(1)), value_of(m.group(2))
        if den and num is not None:
            out.append(Mention(m.start(), m.end(), m.end(), num / den, "分之",
                               chinese=not m.group(1).isdigit()))
    return out


def _is_date(text: str, m: re.Match, unit: str, end: int) -> bool:
    """2024年, 10月(14日), 14日/号 after a month: a date, not a count."""
    digits = m.group("arabic") or ""
    if unit == "年" and (len(digits) == 4 or (m.group("cn") and len(m.group("cn")) == 4)):
        return True
    if unit == "月" and re.match(r"\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*[日号]", text[end:]):
        return True
    if unit == "月" and re.search(r"\d{4}\s*年\s*$|[今去明]年\s*$", text[:m.start()]):
        return True
    if unit in ("日", "号") and re.search(r"月\s*$", text[:m.start()]):
        return True
    return False


def mentions(text: str) -> list[Mention]:
    """Every number of the text, in order, with its unit (see `Mention`)."""
    return list(_mentions(text))


def canonical(value: float) -> str:
    """A value as a short string: 367, 12.5, 12000."""
    return str(int(round(value))) if abs(value - round(value)) < 1e-9 else f"{value:.6g}"


def chinese_values(text: str, min_chars: int = 1) -> list[tuple[int, int, float]]:
    """(start, end, value) of the numbers written in Chinese numerals, whose numeral
    has at least `min_chars` characters or a value of ten or more."""
    out = []
    for mt in _mentions(text):
        if not mt.chinese or mt.date:
            continue
        core = text[mt.start:mt.num_end]
        if len(core) < min_chars and mt.value < 10:
            continue
        out.append((mt.start, mt.num_end, mt.value))
    return out


_RANGE_BEFORE = {"近": (0.8, 1.0), "将近": (0.8, 1.0), "不到": (0.8, 1.0), "不足": (0.8, 1.0),
                 "约": (0.9, 1.1), "大约": (0.9, 1.1), "逾": (1.0, 1.5), "超过": (1.0, 1.5),
                 "超": (1.0, 1.5)}


def value_range(text: str, mention: Mention) -> tuple[float, float]:
    """The values a written number stands for: itself, or for a round figure the range
    Chinese means by it ("两千余" 2000-3000, "2500多" 2500-2600, "近200" 160-200, "约5万"
    45000-55000). Ranges read from the words' meaning, not fitted."""
    v = mention.value
    if not mention.approx:
        return v, v
    before = text[max(0, mention.start - 2):mention.start]
    for word, (lo, hi) in sorted(_RANGE_BEFORE.items(), key=lambda kv: -len(kv[0])):
        if before.endswith(word):
            return v * lo, v * hi
    # 余/多/来 after the numeral: up to the next step of its last significant digit.
    x, step = abs(v), 1.0
    if x >= 1:
        while x >= 10 and round(x) % 10 == 0:
            x /= 10
            step *= 10
    return v, v + step


_RANGE_JOIN = re.compile(r"\s*(?:至|到|~|～|-|－|—|–|——)\s*")


@dataclass(frozen=True)
class Quantity:
    """A figure as a reader takes it: one number with its unit, a range written as one
    ("12至55公尺", "两到三枚", "50～75公斤"), or a number written in parts ("4亿5000万
    加元"). `text[start:end]` is all of it."""

    start: int
    end: int
    value: float
    upper: float | None
    unit: str
    approx: bool
    rank: bool
    date: bool
    parts: tuple[Mention, ...]

    def text_in(self, text: str) -> str:
        return text[self.start:self.end]


def quantities(text: str) -> list[Quantity]:
    """The figures of the text: `mentions` with ranges and numbers written in parts
    joined (a range's first number is written without its unit: 12至55公尺)."""
    ms = list(_mentions(text))
    out: list[Quantity] = []
    i = 0
    while i < len(ms):
        a = ms[i]
        group = [a]
        value, upper = a.value, None
        j = i + 1
        if j < len(ms) and not a.date and not a.rank:
            b = ms[j]
            gap = text[a.end:b.start]
            if not a.unit and _RANGE_JOIN.fullmatch(gap) and not b.date:
                group, upper = [a, b], b.value      # 12至55公尺
            elif gap == "" and not a.unit and text[a.start:a.num_end].endswith("亿") and \
                    text[b.start:b.num_end].endswith("万"):
                group, value = [a, b], a.value + b.value   # 4亿5000万
            elif a.unit and b.unit == a.unit and _RANGE_JOIN.fullmatch(gap):
                group, upper = [a, b], b.value      # 3000人至5000人
        last = group[-1]
        out.append(Quantity(a.start, last.end, value, upper, last.unit,
                            any(m.approx for m in group), a.rank, a.date, tuple(group)))
        i += len(group)
    return out
