"""Checking a generated answer against the numbered sources it cites.

The answer is split into sentences. For every marker [n] of a sentence the claim (the
sentence without markers) is checked against source n in two steps:

1. Hard facts. Every number of the sentence (Arabic digits; 17万 also counts as 170000,
   "5 million" as 5000000; English month names count as their number) must occur in the
   source passage or its heading; dates are checked through their numbers. Every name
   must occur in the source's article (a passage often says "the company" where the
   article names it): Chinese person and place names (jieba `nr`/`ns`, two characters
   or more); capitalised Latin words when the article is not Chinese; and when it is,
   the pinyin names of an English sentence ("Shi Yingying" -> 石莹莹, via `pinyin`).
2. Topic. The claim must be about what the source says: the embedding similarity of the
   claim (`embedder.embed_query`) with the best sentence of the source (the index's stored
   `embed_passages` vectors) reaches `min_sim`, or the idf-weighted share of the claim's
   terms found in the source reaches `min_lex`. English claims about Chinese sources
   share no terms with them and are judged on similarity alone, with `min_sim_cross`.

A citation that fails is dropped; when none of a sentence's citations supports it, the
citation moves to the source that does (the best one passing both steps). A sentence no
source supports loses its markers and is marked unsupported. Sentences without any
marker are checked against every source and get one when a source supports them
("added"); sentences with no facts and fewer than three terms ("Here is what the sources
say") are not claims and need no citation. Markers are finally renumbered 1, 2, ... in
order of first appearance, and only sources still cited become citations.

The thresholds are calibrated on the seed corpus by `python -m assistant.evaluation.verify
--calibrate INDEX_DIR tests/verify_claims.jsonl` (hand-written true and false claims,
Chinese and English, each paired with every chunk of the seed index); see
`DEFAULT_THRESHOLDS`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

import numpy as np

from assistant.index.calibration import EmbedderCalibration
from assistant.text.tokens import coverage, pos_words, tokenize
from assistant.text.numbers import (MULTIPLIERS, canonical, chinese_values, mentions,
                                    value_range)
from assistant.qa.question import entity_variants, language
from assistant.ingest.chunking import split_sentences as sentence_spans
from assistant.records import Citation

_CJK = re.compile(r"[\u3400-\u9fff]")

# [1] [1][2] [1, 2] [1,2] 【1】 ［1］
MARKER = re.compile(r"\s?[\[【［]\s*(\d{1,2}(?:\s*[,，、]\s*\d{1,2})*)\s*[\]】］]")
_ENDERS = set("。！？!?；;")
_CLOSERS = "”’」』）)》\"'"
_LIST_ITEM = re.compile(r"^\s*(?:[-*•·]|\d{1,2}[.、)）]|[（(]\d{1,2}[)）])\s*")
_DIGITS = str.maketrans("０１２３４５６７８９．", "0123456789.")
# Digits in a claim or a source, read for every value they may stand for ("3万" is 3 and
# 30000; "10,300" also 10 and 300 in Chinese text) and with English multipliers (an LLM
# answers English questions in English: "1.2 million"). text/numbers.py reads each number
# of Chinese text once, with its unit from jieba's words (`mentions`); the verifier
# compares sets of possible values, so it keeps this reader (and reads Chinese numerals
# there, `chinese_values`). Merging the two would change what the verifier accepts. The
# values of the Chinese multipliers are one table (numbers.MULTIPLIERS; its 百 is never
# matched here: "3百" is not how figures are written, 百万 is).
_NUMBER = re.compile(r"(?<![\d.])(\d+(?:,\d{3})*(?:\.\d+)?)\s*(万亿|亿|万|千|百万|"
                     r"million|billion|thousand)?", re.I)
_MULT = {**MULTIPLIERS, "百万": 1e6, "million": 1e6, "billion": 1e9, "thousand": 1e3}
_MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august",
     "september", "october", "november", "december"], start=1)}
_MONTH_RE = re.compile(r"\b(" + "|".join(m.capitalize() for m in _MONTHS) + r")\b")
_LATIN_CAP = re.compile(r"\b[A-Z][A-Za-z\-]+\b")
_LATIN_STOP = {"The", "A", "An", "And", "Or", "But", "In", "On", "At", "Of", "For", "To",
               "By", "With", "From", "According", "It", "This", "That", "These", "Those",
               "They", "He", "She", "His", "Her", "Its", "Their", "There", "As", "Also",
               "Source", "Sources", "Article", "Articles", "I", "We", "NO_ANSWER"}


@dataclass
class Thresholds:
    """When a source supports a claim (after the hard facts): see `calibrate`
    (evaluation/verify.py)."""

    # Seed calibration (`python -m assistant.evaluation.verify --calibrate`): 45 hand-written claims
    # x 30 chunks = 46 true claim/passage pairs and 1304 false ones. The hard facts
    # alone reject 729 of the 867 false Chinese pairs and 368 of the 437 false English
    # ones. On the Chinese pairs left, true ones have lex >= 0.662 and sim >= 0.890,
    # false ones lex <= 0.613 and sim <= 0.937, so lex >= 0.64 separates them (sim
    # >= 0.95 admits close paraphrases that share few words).
    min_lex: float = 0.64        # idf-weighted share of the claim's terms in the source
    min_sim: float = 0.95        # or: similarity of claim and best source sentence
    # English claims about Chinese text share no words with it; the similarity is a
    # weak signal across languages: true pairs >= 0.791, false ones up to 0.798 (3 of
    # the 69 false pairs left reach 0.79). The facts carry most of the check there.
    min_sim_cross: float = 0.79
    min_terms: int = 3           # a sentence with fewer terms and no facts is no claim


DEFAULT_THRESHOLDS = Thresholds()


def thresholds_for(cal: EmbedderCalibration, base: Thresholds | None = None) -> Thresholds:
    """`Thresholds` with an embedder's similarity floors (its calibration,
    `index.calibration`)."""
    return replace(base or DEFAULT_THRESHOLDS, min_sim=cal.verify_min_sim,
                   min_sim_cross=cal.verify_min_sim_cross)


@dataclass
class Source(Citation):
    """A numbered source given to the LLM: a citation (exact text of an article,
    `passage == article.text[start:end]`) plus the keys of its sentences."""

    sentence_keys: list[tuple[str, int, int]] = field(default_factory=list)
    # Article spans of its sentences written to the assistant (text/guard.py): shown
    # to the LLM marked, never support for a claim.
    flagged: list[tuple[int, int]] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.passage

    @property
    def fact_text(self) -> str:
        """The passage with its flagged sentences blanked (same length)."""
        text = self.passage
        for s, e in self.flagged:
            a, b = max(s - self.start, 0), min(e - self.start, len(text))
            if a < b:
                text = text[:a] + " " * (b - a) + text[b:]
        return text

    def citation(self, n: int) -> Citation:
        return Citation(n=n, article_id=self.article_id, heading=self.heading,
                        source=self.source, passage=self.passage, start=self.start,
                        end=self.end, date=self.date, supported=True)


@dataclass
class Claim:
    raw: str                  # the sentence as written, markers included
    text: str                 # without markers
    cited: list[int]          # marker numbers, in order, without repeats
    numbers: list[set[str]] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    latin: list[str] = field(default_factory=list)
    pinyin: list[str] = field(default_factory=list)   # pinyin names of an English claim
    terms: list[str] = field(default_factory=list)
    # Round figures of the claim (两千余, 3000多, 近200): value -> the range it stands for;
    # a source stating any value in it supports the number.
    ranges: dict[str, tuple[float, float]] = field(default_factory=dict)
    # value -> the units the claim counts it in (3 -> {"名"}): a passage's one-character
    # numeral (三名) supports it only in the same unit.
    units: dict[str, set[str]] = field(default_factory=dict)

    @property
    def has_facts(self) -> bool:
        return bool(self.numbers or self.names or self.latin or self.pinyin)


@dataclass
class Support:
    ok: bool
    hard_ok: bool
    missing: list[str]
    sim: float
    lex: float

    @property
    def score(self) -> float:
        return self.sim + 0.1 * self.lex


@dataclass
class Verified:
    answer: str
    citations: list[Citation]
    sentences: list[dict]
    record: dict

    def to_dict(self) -> dict:
        return {**self.record, "sentences": self.sentences}


# splitting ---------------------------------------------------------------------------
def split_sentences(text: str) -> list[str]:
    """Sentences of an answer, each keeping its markers, closing quotes and trailing space.

    The sentences are those of the article splitter (`ingest.chunking.split_sentences`);
    markers written after a full stop stay with the sentence they close. The pieces
    joined give back the text exactly.
    """
    out: list[str] = []
    n, start = len(text), 0
    for _, end in sentence_spans(text):
        if end <= start:
            continue  # a run of markers already taken by the sentence before
        while True:
            m = MARKER.match(text, end)
            if not m:
                break
            end = m.end()
        while end < n and text[end] in " \t\u3000\n":
            end += 1
        out.append(text[start:end])
        start = end
    if start < n:
        out.append(text[start:])
    # a piece holding nothing but markers or space belongs to the sentence before it
    merged: list[str] = []
    for piece in out:
        if merged and not MARKER.sub("", piece).strip():
            merged[-1] += piece
        else:
            merged.append(piece)
    return merged


def markers(sentence: str) -> list[int]:
    nums: list[int] = []
    for m in MARKER.finditer(sentence):
        for x in re.split(r"\s*[,，、]\s*", m.group(1)):
            if x.strip() and int(x) not in nums:
                nums.append(int(x))
    return nums


def strip_markers(text: str) -> str:
    return MARKER.sub("", text)


# facts -------------------------------------------------------------------------------
def _canon(x: float) -> str:
    return str(int(round(x))) if abs(x - round(x)) < 1e-9 else f"{x:.6g}"


def number_values(text: str, split_groups: bool = False,
                  all_chinese: bool = False) -> list[set[str]]:
    """Each number of a text as the set of values it may stand for: Arabic digits
    (with 万/亿 and English multipliers, month names) and numbers in Chinese numerals
    (九百, 三百六十七, 两千余; `text.numbers`). One Chinese numeral character under
    ten (三名) counts only with `all_chinese` (a passage's numbers): in a claim it is as
    often a word (两岸, 三地) as a count."""
    text = text.translate(_DIGITS)
    out = []
    for _, _, value in chinese_values(text, min_chars=1 if all_chinese else 2):
        out.append({canonical(value)})
    for m in _NUMBER.finditer(text):
        raw, unit = m.group(1), (m.group(2) or "").lower()
        value = float(raw.replace(",", ""))
        vals = {_canon(value)}
        if unit in _MULT:
            vals.add(_canon(value * _MULT[unit]))
        if split_groups and "," in raw:  # "10,300" in Chinese text may be "10，300"
            vals.update(_canon(float(p)) for p in raw.split(",") if p)
        out.append(vals)
    for m in _MONTH_RE.finditer(text):
        out.append({str(_MONTHS[m.group(1).lower()])})
    return out


def chinese_names(text: str) -> list[str]:
    if not _CJK.search(text):
        return []
    return list(dict.fromkeys(w for w, f in pos_words(text)
                              if f in ("nr", "ns") and len(w) >= 2 and _CJK.search(w)))


def latin_names(text: str) -> list[str]:
    """Capitalised Latin words that are not the first word of the sentence."""
    words = []
    body = _LIST_ITEM.sub("", text).strip()
    for m in _LATIN_CAP.finditer(body):
        if m.start() == 0 or m.group() in _LATIN_STOP or m.group().lower() in _MONTHS:
            continue
        words.append(m.group())
    return list(dict.fromkeys(words))


def pinyin_names(text: str) -> list[str]:
    """Names an English sentence spells in pinyin ("Shi Yingying" -> shiyingying)."""
    if _CJK.search(text):
        return []
    try:
        from assistant.text.pinyin import pinyin_names as names
    except ImportError:  # the pinyin bridge is optional
        return []
    return names("So " + text)  # its first word is never taken for a name: pad it


def _pinyin_of(text: str) -> str | None:
    try:
        from assistant.text.pinyin import to_pinyin
    except ImportError:
        return None
    return to_pinyin(text)


def make_claim(sentence: str) -> Claim:
    text = strip_markers(sentence).strip()
    body = _LIST_ITEM.sub("", text)
    return Claim(raw=sentence, text=text, cited=markers(sentence),
                 numbers=number_values(body), names=chinese_names(body),
                 latin=latin_names(body), pinyin=pinyin_names(body),
                 terms=tokenize(arabic_numerals(body)), ranges=approximate_ranges(body),
                 units=counted_units(body))


def counted_units(text: str) -> dict[str, set[str]]:
    """Each number of the text and the units it is counted in (367人: {"367": {"人"}})."""
    out: dict[str, set[str]] = {}
    text = text.translate(_DIGITS)
    for m in mentions(text):
        if m.unit and not m.date:
            out.setdefault(canonical(m.value), set()).add(m.unit)
    return out


def _short_numerals(text: str) -> set[tuple[str, str]]:
    """(value, unit) of the numbers a text writes in one Chinese numeral character
    (三项, 两对): a value alone they share with any claim too easily ("3 months")."""
    text = text.translate(_DIGITS)
    return {(canonical(m.value), m.unit) for m in mentions(text)
            if m.chinese and m.num_end - m.start == 1 and m.unit and not m.date}


def arabic_numerals(text: str) -> str:
    """The text with its Chinese numerals written in digits (三百六十七人 -> 367人): its
    numbers are checked by value, its terms are matched as the passages mostly write
    them (jieba cuts 三百六十七人 into 三百六十 / 七人, no word of "367人")."""
    for start, end, value in reversed(chinese_values(text, min_chars=2)):
        text = text[:start] + canonical(value) + text[end:]
    return text


def approximate_ranges(text: str) -> dict[str, tuple[float, float]]:
    """The round figures of a text (余/多/近/约…) and the values each stands for."""
    text = text.translate(_DIGITS)
    return {canonical(m.value): value_range(text, m) for m in mentions(text)
            if m.approx and not m.date}


def _within(vals: set[str], ranges: dict[str, tuple[float, float]], told: set[str]) -> bool:
    """A round figure of the claim (its values `vals`) that a stated value falls in."""
    spans = [ranges[v] for v in vals if v in ranges]
    if not spans:
        return False
    for t in told:
        try:
            x = float(t)
        except ValueError:
            continue
        if any(lo <= x <= hi for lo, hi in spans):
            return True
    return False


# support -----------------------------------------------------------------------------
class Verifier:
    def __init__(self, index, thresholds: Thresholds = DEFAULT_THRESHOLDS):
        self.index = index
        self.th = thresholds

    def source_vectors(self, src: Source) -> np.ndarray:
        flagged = set(src.flagged)
        rows = [self.index.sentence_row(*k) for k in src.sentence_keys
                if (k[1], k[2]) not in flagged]
        rows = [r for r in rows if r is not None]
        if rows:
            return self.index.sentence_vector_rows(rows)
        return self.index.embedder.embed_passages([src.text])

    def support(self, claim: Claim, qvec: np.ndarray, src: Source,
                svecs: np.ndarray) -> Support:
        haystack = f"{src.heading}\n{src.fact_text}"
        hay_numbers: set[str] = set().union(*number_values(haystack, split_groups=True))
        hay_short = _short_numerals(haystack)
        missing = []
        for vals in claim.numbers:
            if vals & hay_numbers or _within(vals, claim.ranges, hay_numbers):
                continue
            if not any((v, u) in hay_short for v in vals for u in claim.units.get(v, ())):
                missing.append(sorted(vals, key=len)[0])
        # Names say whom the claim is about: the passage often says "the company" where
        # its article names it, so they are looked up in the whole article.
        art = self.index.articles.get(src.article_id)
        article = f"{src.heading}\n{art.text}" if art is not None else haystack
        for name in claim.names:
            if not any(v in article for v in entity_variants(name)):
                missing.append(name)
        if not _CJK.search(src.text):
            missing += [w for w in claim.latin if w not in article]
        elif claim.pinyin:
            spelled = _pinyin_of(article)
            if spelled is not None:
                missing += [w for w in claim.pinyin if w not in spelled]
        sim = float((svecs @ qvec).max()) if len(svecs) else 0.0
        lex = coverage([(t, self.index.idf(t)) for t in claim.terms], haystack)
        cross = language(claim.text) != language(src.text)
        soft = sim >= self.th.min_sim_cross if cross else \
            (sim >= self.th.min_sim or lex >= self.th.min_lex)
        return Support(ok=not missing and soft, hard_ok=not missing, missing=missing,
                       sim=sim, lex=lex)

    def verify(self, answer: str, sources: list[Source]) -> Verified:
        by_n = {s.n: s for s in sources}
        svecs = {s.n: self.source_vectors(s) for s in sources}
        claims = [make_claim(s) for s in split_sentences(answer)]
        need = [c for c in claims if c.text and (c.cited or c.has_facts or
                                                 len(c.terms) >= self.th.min_terms)]
        qvecs = {}
        if need:
            for c in need:
                qvecs[id(c)] = self.index.embedder.embed_query(c.text)
        record = {"checked": 0, "kept": 0, "moved": 0, "dropped": 0, "added": 0,
                  "unsupported_sentences": 0}
        final: list[tuple[Claim, list[int], bool]] = []
        for c in claims:
            if id(c) not in qvecs:  # blank, or a sentence that states nothing
                final.append((c, [], True))
                continue
            q = qvecs[id(c)]
            results = {n: self.support(c, q, by_n[n], svecs[n]) for n in by_n}
            keep = [n for n in c.cited if n in results and results[n].ok]
            record["checked"] += len(c.cited)
            if keep:
                record["kept"] += len(keep)
                record["dropped"] += len(c.cited) - len(keep)
                final.append((c, keep, True))
                continue
            passing = sorted((n for n, r in results.items() if r.ok),
                             key=lambda n: (-results[n].score, n))
            if passing:
                if c.cited:
                    record["moved"] += 1
                    record["dropped"] += len(c.cited) - 1
                else:
                    record["added"] += 1
                final.append((c, passing[:1], True))
            else:
                record["dropped"] += len(c.cited)
                record["unsupported_sentences"] += 1
                final.append((c, [], False))
        # renumber in order of first appearance
        order: dict[int, int] = {}
        for _, ns, _ in final:
            for n in ns:
                order.setdefault(n, len(order) + 1)
        parts, sentences = [], []
        for c, ns, ok in final:
            new = [order[n] for n in ns]
            parts.append(_rewrite(c.raw, new))
            if c.text:
                sentences.append({"text": c.text, "citations": new, "supported": ok})
        citations = [by_n[n].citation(k) for n, k in order.items()]
        return Verified(answer="".join(parts).strip(), citations=citations,
                        sentences=sentences, record=record)


def _rewrite(raw: str, numbers: list[int]) -> str:
    """The sentence with its markers replaced by `numbers`, placed before the full stop."""
    body = MARKER.sub("", raw)
    m = re.search(r"[。！？!?；;.\s" + re.escape(_CLOSERS) + r"]*$", body)
    head, tail = body[:m.start()], body[m.start():]
    if not numbers:
        return body
    space = " " if re.search(r"[A-Za-z0-9.,)]$", head) and not _CJK.search(head) else ""
    return head + space + "".join(f"[{k}]" for k in numbers) + tail
