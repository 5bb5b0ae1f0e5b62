"""Tokens for lexical matching: jieba words, lower-cased, without punctuation or stopwords.

Used by the sparse index (BM25) and by the answerer and verifier to weigh question terms.
Traditional Chinese is matched as Simplified: text is converted with OpenCC (`t2s`)
before it is cut into words, so 工會 in a Taiwan article and 工会 in a question are one
term. Only matching sees the conversion; quoted text stays as written.

The BM25 index sees more than the words (`match_terms`): every Chinese character too, as
a term of its own (`CHAR_PREFIX`). jieba's dictionary is mainland Simplified: Taiwan usage
(and names, and words jieba cuts one way in a question and another in the article) often
splits differently, and the characters still match where the words do not.
"""
from __future__ import annotations

import logging
import re
import threading

_JIEBA_LOCK = threading.Lock()
_jieba = None

# Function words and question words: they match everywhere and say nothing about the topic.
STOPWORDS = set("""
的 了 是 在 和 与 及 或 也 都 就 而 又 对 为 以 于 把 被 让 给 向 从 到 由 其 之 这 那 这个 那个
这些 那些 有 有的 个 上 下 中 里 吗 呢 吧 啊 呀 么 什么 多少 几 哪 哪些 哪个 哪里 哪家 哪儿 谁
怎么 怎样 如何 为什么 何时 什么时候 多久 多大 是否 还 并 等 着 过 地 得 所 该 此 各 每 请问 请
一 一个 一些 我们 你们 他们 她们 它们 我 你 他 她 它 自己 吗 么 呢 ？ ?
a an the of to in on at for by with from and or is are was were be been being do does did
what which who whom whose when where why how many much that this these those it its as has have had
there their they them he she his her you your i we our us can could will would should about into
""".split())

_PUNCT = re.compile(r"^[\W_]+$", re.UNICODE)
_HANT_CONVERTER = None


def simplified(text: str) -> str:
    """`text` with Traditional characters written as Simplified (OpenCC t2s)."""
    global _HANT_CONVERTER
    if _HANT_CONVERTER is None:
        import opencc

        _HANT_CONVERTER = opencc.OpenCC("t2s")
    return _HANT_CONVERTER.convert(text)


def normalise(text: str) -> str:
    """What lexical matching compares: Simplified, lower-cased."""
    return simplified(text).lower()


def get_jieba():
    """The jieba module, started once (thread-safe): its cutter and its dictionary
    (`.dt.FREQ`); `jieba.posseg` may be used once this has run."""
    global _jieba
    if _jieba is None:
        with _JIEBA_LOCK:
            if _jieba is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
                _jieba = jieba
    return _jieba


def pos_words(text: str) -> list[tuple[str, str]]:
    """(word, part of speech) of `text` as written, by jieba.posseg: the one cutter the
    question reader, follow-ups, number reader, verifier and talking points share."""
    get_jieba()
    from jieba import posseg

    return [(w, f) for w, f in posseg.lcut(text)]


def tokenize(text: str) -> list[str]:
    """Lower-cased jieba tokens without punctuation, whitespace or stopwords."""
    jieba = get_jieba()
    out = []
    for tok in jieba.lcut(simplified(text)):
        tok = tok.strip().lower()
        if not tok or tok in STOPWORDS or _PUNCT.match(tok):
            continue
        out.append(tok)
    return out


# Marks a character term: jieba never puts "§" inside a word (it is a token by itself),
# so "§会" (the character) and "会" (jieba's word) stay two terms with their own idf.
CHAR_PREFIX = "§"
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def char_terms(text: str) -> list[str]:
    """Every Chinese character of `text` (as Simplified), marked by `CHAR_PREFIX`."""
    return [CHAR_PREFIX + c for run in _CJK_RUN.findall(simplified(text)) for c in run]


def match_terms(text: str) -> list[str]:
    """What the BM25 index holds and is asked for: jieba words, then every Chinese character.

    Chosen on CMRC 2018 dev and XQuAD-half's Chinese questions (BM25 alone, R@1: words
    97.6% / 90.8%, words + characters 98.1% / 93.1%, words + character bigrams 98.0% /
    91.7%, words + bigrams + characters 98.1% / 92.2%); DRCD (Traditional) was held apart.
    """
    return tokenize(text) + char_terms(text)


def is_word(term: str) -> bool:
    """A jieba word of `match_terms` (not a character term)."""
    return not term.startswith(CHAR_PREFIX)


def coverage(weighted: list[tuple[str | list[str], float]], text: str) -> float:
    """Weighted share of the terms found in `text` (weights are usually BM25 idf). A term
    may be a list of alternatives (an English word's Chinese translations): it counts
    when any of them is there."""
    total = sum(w for _, w in weighted)
    if not total:
        return 0.0
    text = normalise(text)
    return sum(w for t, w in weighted
               if (t in text if isinstance(t, str) else any(x in text for x in t))) / total


_NOT_WORD = re.compile(r"[\W_]+")


def char_bigrams(text: str) -> set[str]:
    """The character bigrams of `text` without punctuation or spaces, case-folded (a
    one-character text is its own gram): the overlap measure of near-duplicate sentences."""
    t = _NOT_WORD.sub("", text.casefold())
    return {t[i:i + 2] for i in range(len(t) - 1)} or ({t} if t else set())
