"""Word alignment of an English question with a Chinese sentence, through the embedder.

The answerability model needs to know whether the best Chinese sentence says what an
English question asks. CC-CEDICT knows many words but not all of a question's (and not
always the word the article uses); the multilingual embedder places a single English
word near its Chinese translation (anthem / 国歌 0.80, satellite / 卫星 0.84), but every
pair of short words is similar (0.78-0.81), so a raw cosine says little. Each similarity
is therefore read against backgrounds: the English word's similarities to general
Chinese words, and the Chinese word's similarities to general English words, as z-scores
(a CSLS-like correction of hubs: single characters like 年 or 名 are near every word).

`coverage` is the idf-weighted share of the question's content words that the sentence
(or its heading) states: a word counts when one of its dictionary translations is there,
or when its best aligned Chinese word stands out from both backgrounds (mean z >= ALIGNED_Z).

Backgrounds are general, not drawn from any question set: the Chinese words are every
200th of the 20,000 most frequent words (two characters or more) of jieba's dictionary,
the English words the CC-CEDICT renderings of those words. Word vectors are kept in an
LRU cache; a cold English question embeds its content words and the sentence's distinct
words (about 20 short texts). Measured on the 307 fitting-part questions of XQuAD-half en
(2 cores shared with other work, load about 4): 0.11 s a question with an empty cache
(p90 0.17 s), 0.05 s on average as the cache fills over the set; the backgrounds once
per process, 1.1 s, at the first English question. The answerer computes it only when it
can change the decision (`answerability.with_alignment`): all 612 XQuAD-half English
questions, all paragraphs indexed, answer latency p50 32 -> 35 ms, mean 35 -> 54 ms, p95
56 -> 132 ms (computing it always: p50 104, mean 138, p95 331 ms).
"""
from __future__ import annotations

import re
import threading
import weakref
from collections import OrderedDict

import numpy as np

# Set on the fitting part (passage buckets 0+2) of the XQuAD-half English answerability
# set (../shared/bench/xquad_half.en.json over the zh paragraphs): standalone AUC of the
# coverage for "answer" 0.80 / 0.82 / 0.81 at 3.0 / 3.5 / 4.0; backgrounds of 67 to 200
# words gave the same within 0.01.
ALIGNED_Z = 3.5
BACKGROUND_STEP = 200          # every 200th of the top BACKGROUND_TOP jieba words
BACKGROUND_TOP = 20000
TRANSLATION_MIN_WEIGHT = 0.25  # a dictionary rendering at least a quarter of its sense
TRANSLATIONS_PER_WORD = 4
CACHE_SIZE = 20000             # word vectors kept (384 floats each: ~30 MB)

_CJK = re.compile(r"[\u3400-\u9fff]")


def _jieba_frequent() -> list[str]:
    import os.path

    import jieba

    path = os.path.join(os.path.dirname(jieba.__file__), "dict.txt")
    words = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 2 and len(parts[0]) >= 2 and parts[1].isdigit():
                words.append((int(parts[1]), parts[0]))
    words.sort(key=lambda fw: (-fw[0], fw[1]))
    return [w for _, w in words[:BACKGROUND_TOP:BACKGROUND_STEP]]


def _english_renderings(chinese: list[str]) -> list[str]:
    """One CC-CEDICT English word for each Chinese word that has a single-word rendering."""
    from assistant.qa.bilingual import dictionary

    wanted = set(chinese)
    found: dict[str, str] = {}
    for entries in dictionary().words.values():
        for zh, (weight, surface, _verb) in entries.items():
            if zh in wanted and weight >= 0.5 and surface.isalpha():
                found.setdefault(zh, surface)
    return sorted(set(found.values()))


class WordAligner:
    """Word vectors of one embedder, cached, and the backgrounds to read them against."""

    def __init__(self, embedder):
        self.embedder = embedder
        self._cache: OrderedDict[tuple[str, bool], np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self._zh_bg: np.ndarray | None = None
        self._en_bg: np.ndarray | None = None

    def vectors(self, words: list[str], is_query: bool) -> np.ndarray:
        with self._lock:
            need = [w for w in dict.fromkeys(words) if (w, is_query) not in self._cache]
        if need:
            vecs = self.embedder._encode(need, is_query=is_query)
            with self._lock:
                for w, v in zip(need, vecs):
                    self._cache[(w, is_query)] = v
                while len(self._cache) > CACHE_SIZE:
                    self._cache.popitem(last=False)
        with self._lock:
            out = []
            for w in words:
                v = self._cache.get((w, is_query))
                if v is None:  # evicted by another thread meanwhile
                    v = self.embedder._encode([w], is_query=is_query)[0]
                else:
                    self._cache.move_to_end((w, is_query))
                out.append(v)
        return np.asarray(out, dtype=np.float32).reshape(len(words), -1)

    def backgrounds(self) -> tuple[np.ndarray, np.ndarray | None]:
        """(general Chinese word vectors, general English word vectors or None when the
        dictionary is not installed)."""
        if self._zh_bg is None:
            zh = _jieba_frequent()
            try:
                en = _english_renderings(zh)
            except FileNotFoundError:
                en = []
            self._en_bg = self.vectors(en, True) if en else None
            self._zh_bg = self.vectors(zh, False)
        return self._zh_bg, self._en_bg

    def aligned(self, english: list[str], chinese: list[str]) -> np.ndarray:
        """For each English word, the z-score of its best aligned Chinese word (the mean
        of the pair's standing against both backgrounds)."""
        if not english or not chinese:
            return np.full(len(english), -np.inf)
        zh_bg, en_bg = self.backgrounds()
        e = self.vectors(english, True)
        c = self.vectors(chinese, False)
        sims = e @ c.T
        bg = e @ zh_bg.T
        z = (sims - bg.mean(1)[:, None]) / np.maximum(bg.std(1), 1e-6)[:, None]
        if en_bg is not None:
            hub = c @ en_bg.T
            z = (z + (sims - hub.mean(1)[None, :]) / np.maximum(hub.std(1), 1e-6)[None, :]) / 2
        return z.max(axis=1)


_ALIGNERS: dict[int, WordAligner] = {}
_ALIGNERS_LOCK = threading.Lock()


def aligner(embedder) -> WordAligner:
    """The process-wide aligner of an embedder."""
    with _ALIGNERS_LOCK:
        a = _ALIGNERS.get(id(embedder))
        if a is None or a.embedder is not embedder:
            a = _ALIGNERS[id(embedder)] = WordAligner(embedder)
        return a


def _translations(word: str, vocab) -> list[str]:
    from assistant.qa.bilingual import candidates

    try:
        cands = candidates(word)
    except FileNotFoundError:
        return []
    out = []
    for zh, weight in cands:
        if weight < TRANSLATION_MIN_WEIGHT:
            break
        if len(zh) >= 2 and zh in vocab:
            out.append(zh)
            if len(out) >= TRANSLATIONS_PER_WORD:
                break
    return out


class QuestionWords:
    """The content words of an English question, each with its dictionary translations
    that the index holds and its weight: the smallest idf of those translations (its
    commonest rendering: "trade" is rendered 工会 too, as in trade union, and weighs as
    little as 工会 in a union paper); a word with none weighs as the mean of those with
    some (3.0 when no word has any). The smallest idf was chosen over the largest, the
    first and the mean on the fitting part of XQuAD-half en (AUC alone 0.828 against
    0.825, 0.823, 0.828; five-fold cross-validated AUC of the model 0.856 against 0.852,
    0.853, 0.854)."""

    def __init__(self, index, question_text: str):
        from assistant.qa.bilingual import english_words

        self.index_ref = weakref.ref(index)
        self.embedder = index.embedder
        self.words = list(dict.fromkeys(w for _, w in english_words(question_text)))
        self.translations = [_translations(w, index.vocabulary) for w in self.words]
        idf = [min((index.idf(t) for t in tr), default=None) for tr in self.translations]
        known = [x for x in idf if x is not None]
        default = sum(known) / len(known) if known else 3.0
        self.weights = [default if x is None else x for x in idf]
        self.total = sum(self.weights)

    def _found(self, text: str) -> list[bool]:
        from assistant.text.tokens import normalise

        text = normalise(text)
        return [any(t in text for t in tr) for tr in self.translations]

    def dictionary_share(self, text: str) -> float:
        """The weighted share of the words whose translation `text` holds."""
        if not self.total:
            return 0.0
        return sum(w for w, f in zip(self.weights, self._found(text)) if f) / self.total

    def coverage(self, sentence: str, heading: str = "") -> float:
        """The weighted share of the words the sentence states: by a translation in the
        sentence or heading, or by an aligned word of the sentence (z >= ALIGNED_Z)."""
        from assistant.text.tokens import tokenize

        if not self.total:
            return 0.0
        found = self._found(heading + sentence)
        rest = [i for i, f in enumerate(found) if not f]
        if rest:
            chinese = list(dict.fromkeys(t for t in tokenize(sentence) if _CJK.search(t)))
            z = aligner(self.embedder).aligned([self.words[i] for i in rest], chinese)
            for i, zi in zip(rest, z.tolist()):
                found[i] = zi >= ALIGNED_Z
        return sum(w for w, f in zip(self.weights, found) if f) / self.total


_PREPARED: OrderedDict[tuple[int, str], QuestionWords] = OrderedDict()


def question_words(index, question_text: str) -> QuestionWords:
    """`QuestionWords` of a question, kept for the last few questions (the answerer's
    sentence scoring and the answerability signals ask for the same question)."""
    key = (id(index), question_text)
    with _ALIGNERS_LOCK:
        qw = _PREPARED.get(key)
        if qw is not None and qw.index_ref() is index:
            return qw
    qw = QuestionWords(index, question_text)
    with _ALIGNERS_LOCK:
        _PREPARED[key] = qw
        while len(_PREPARED) > 64:
            _PREPARED.popitem(last=False)
    return qw


def coverage(index, question_text: str, sentence: str, heading: str = "") -> float:
    """`QuestionWords.coverage` of an English question over one Chinese sentence."""
    return question_words(index, question_text).coverage(sentence, heading)
