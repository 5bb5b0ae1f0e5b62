"""Bridge English questions to Chinese text through pinyin: "Jiaojiang" finds 椒江.

English questions name places, people and companies in pinyin. Dense retrieval across
languages is weak on such names, and BM25 cannot see them at all; matching the
pinyin of Chinese words recovers them.
"""
from __future__ import annotations

import re
import threading
from functools import lru_cache

_INITIALS = ["zh", "ch", "sh", "b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "h",
             "j", "q", "x", "r", "z", "c", "s", "y", "w", ""]
_FINALS = ["iang", "iong", "uang", "ang", "eng", "ing", "ong", "ian", "iao", "uai", "uan",
           "van", "ai", "ei", "ao", "ou", "an", "en", "in", "un", "ia", "ie", "iu", "ua", "uo",
           "ue", "ui", "ve", "er", "a", "o", "e", "i", "u", "v"]
# Over-generating the syllable set is harmless: only words made wholly of syllables count.
SYLLABLES = {i + f for i in _INITIALS for f in _FINALS if i + f}
_NOT_NAMES = {"a", "an", "ai", "he", "her", "me", "we", "you", "yo", "den", "die", "change",
              "long", "sun", "bang", "hang", "gang", "pan", "ban", "fan", "man", "can", "tan",
              "dean", "lie", "tie", "pie", "bus", "bin", "pin", "tin", "fang", "ding", "ring",
              "sing", "wing", "king", "ping", "zone", "shine", "china", "hen", "ten", "pen",
              "men", "then", "when", "den", "ben", "ken", "ran", "sang", "sue", "due", "hue",
              "gong", "song", "wan", "nan", "ran", "anna", "go", "we"}


def _segmentable(word: str) -> int:
    """Number of pinyin syllables `word` splits into, or 0 when it is not pinyin."""
    n = len(word)
    best = [0] + [-1] * n
    for i in range(n):
        if best[i] < 0:
            continue
        for j in range(i + 1, min(n, i + 6) + 1):
            if word[i:j] in SYLLABLES and (best[j] < 0 or best[j] > best[i] + 1):
                best[j] = best[i] + 1
    return max(best[n], 0)


def pinyin_names(question: str) -> list[str]:
    """Lower-case pinyin names in an English question: single words of two syllables or
    more, and runs of capitalised pinyin words joined ("Chen Zhong" -> "chenzhong")."""
    words = re.findall(r"[A-Za-z]+", question)
    names: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if len(run) >= 2:
            names.append("".join(run))
        run.clear()

    for k, w in enumerate(words):
        lw = w.lower()
        syl = _segmentable(lw)
        capital = w[0].isupper() and k > 0
        if capital and syl and lw not in _NOT_NAMES:
            run.append(lw)
            if syl >= 2:
                names.append(lw)
        else:
            flush()
    flush()
    return list(dict.fromkeys(names))


_LOCK = threading.Lock()


def _raw_pinyin(text: str) -> str:
    from pypinyin import lazy_pinyin

    with _LOCK:
        return "".join(p for p in lazy_pinyin(text) if p.isascii() and p.isalpha()).lower()


@lru_cache(maxsize=4096)
def to_pinyin(text: str) -> str:
    """Toneless pinyin of the Chinese characters of `text`, concatenated."""
    return _raw_pinyin(text)


class PinyinVocabulary:
    """Chinese index tokens by their pinyin, for turning English names into query terms."""

    def __init__(self, tokens):
        self.by_key: dict[str, list[str]] = {}
        cjk = re.compile(r"^[\u3400-\u9fff]{2,}$")
        for tok in tokens:
            if not cjk.match(tok):
                continue
            keys = {_raw_pinyin(tok)}
            if len(tok) >= 3 and tok[-1] in "市县区省镇":
                keys.add(_raw_pinyin(tok[:-1]))
            for key in keys:
                self.by_key.setdefault(key, []).append(tok)

    def tokens_for(self, names: list[str]) -> list[str]:
        out: list[str] = []
        for name in names:
            out.extend(self.by_key.get(name, []))
        return list(dict.fromkeys(out))
