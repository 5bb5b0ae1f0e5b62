"""What a question asks: its language, the kind of answer it wants, its key terms."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .bm25 import _get_jieba, tokenize

_CJK = re.compile(r"[\u3400-\u9fff]")

# Kinds of answer, tried in order; the first pattern that matches wins.
_KINDS = [
    ("number", re.compile(r"多少|几[个名家次期人位项天年月岁届所条场对批种]|几|多大|多高|多长|多远|多重|多久|"
                          r"\bhow (many|much|large|big|long|old|often)\b|\bnumber of\b|"
                          r"\bwhat (percentage|share|proportion|amount)\b", re.I)),
    ("date", re.compile(r"什么时候|何时|哪天|哪一天|哪年|哪一年|几月|几号|什么时间|日期|"
                        r"\bwhen\b|\bwhat (date|time|day|year|month)\b|\bwhich (date|day|year|month)\b",
                        re.I)),
    ("person", re.compile(r"谁|哪位|哪些人|什么人|\bwho\b|\bwhom\b|\bwhose\b", re.I)),
    ("place", re.compile(r"哪里|哪儿|在哪|何地|什么地方|\bwhere\b", re.I)),
]

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
                  r"[一二三四五六七八九十]+月|\b(19|20)\d{2}\b")


@dataclass
class Question:
    text: str
    lang: str
    kind: str
    tokens: list[str]
    entities: list[str] = field(default_factory=list)
    anaphoric: bool = False

    @property
    def is_english(self) -> bool:
        return self.lang == "en"


def language(text: str) -> str:
    """'zh' when the text has any Chinese character, else 'en'."""
    return "zh" if _CJK.search(text) else "en"


def entities(text: str) -> list[str]:
    """Names the question is about that an answering article must mention.

    Chinese place and person names (jieba's ns/nr tags, two characters or more), and
    in any language numbers of three digits or more and all-capital acronyms.
    """
    out: list[str] = []
    if _CJK.search(text):
        from jieba import posseg  # noqa: F401  (initialises with jieba)

        _get_jieba()
        for w, flag in posseg.lcut(text):
            if flag in ("ns", "nr") and len(w) >= 2 and _CJK.search(w):
                out.append(w)
    out += re.findall(r"\d{3,}", text)
    out += [m for m in re.findall(r"\b[A-Z]{2,}\b", text)]
    return list(dict.fromkeys(out))


def entity_variants(name: str) -> list[str]:
    """A place named with or without its administrative suffix (嘉兴市 / 嘉兴)."""
    variants = [name]
    if len(name) >= 3 and name[-1] in "市县区省镇乡村州":
        variants.append(name[:-1])
    return variants


def analyse(text: str) -> Question:
    lang = language(text)
    kind = "other"
    for name, pattern in _KINDS:
        if pattern.search(text):
            kind = name
            break
    return Question(text=text, lang=lang, kind=kind, tokens=tokenize(text),
                    entities=entities(text), anaphoric=bool(_ANAPHORA.search(text)))


def matches_kind(kind: str, sentence: str) -> bool:
    """Whether a sentence holds the kind of fact the question asks for."""
    if kind == "number":
        return bool(NUMBER.search(sentence))
    if kind == "date":
        return bool(DATE.search(sentence))
    if kind == "person":
        return bool(person_names(sentence))
    return True


def person_names(sentence: str) -> list[str]:
    from jieba import posseg

    _get_jieba()
    return [w for w, f in posseg.lcut(sentence) if f == "nr" and len(w) >= 2]
