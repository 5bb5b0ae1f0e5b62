"""The sentence stage of the extractive answer as llama-index node postprocessors.

Retrieval hands the answerer chunk nodes (`NewsIndex.search_nodes`: `NodeWithScore`s of
chunk `TextNode`s); `ExtractiveAnswerer.sentence_postprocessors` turns them, in this
order, into the scored sentences it decides on and quotes (`passages.Candidate`, a
`NodeWithScore` of a sentence `TextNode`):

1. `ChunkSentences`: the sentences of the retrieved chunks and of the top articles;
2. `InstructionFilter`: drops the sentences written to the assistant;
3. `SentenceScorer`: scores each sentence for the question, best first.

Lists and summaries choose among scored sentences with `lists.MaximalMarginalRelevance`.
Each runs as any llama-index postprocessor does (`postprocess_nodes(nodes,
query_bundle)`); what the question is for scoring travels in the query bundle
(`AskedQuestion`). The settings are the answerer's `Calibration` (see there for the data
that fitted each); nothing here is new.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, List, Optional

import numpy as np
from llama_index.core.bridge.pydantic import Field
from llama_index.core.postprocessor.types import BaseNodePostprocessor
from llama_index.core.schema import NodeWithScore, QueryBundle

from assistant.qa.passages import Candidate, quotable_instruction
from assistant.qa.question import (asked_terms, keyword_near_number, matches_kind,
                                   number_with_unit, role_before_name)
from assistant.text.tokens import coverage


@dataclass
class AskedQuestion(QueryBundle):
    """The query bundle of one question: its text (`query_str`) and what scoring its
    sentences needs: the analysis (`qa/question.Question`), its embedding `qvec`, the
    terms sentences are matched on (`ExtractiveAnswerer.scoring_tokens`) and, for an
    English question, the groups of Chinese words standing for one English term."""

    question: Any = None
    qvec: Optional[np.ndarray] = None
    tokens: List[str] = field(default_factory=list)
    groups: Optional[List[List[str]]] = None


def run(postprocessors: list[BaseNodePostprocessor], nodes: list[NodeWithScore],
        query: QueryBundle) -> list[NodeWithScore]:
    """The nodes through each postprocessor in turn."""
    for p in postprocessors:
        nodes = p.postprocess_nodes(nodes, query_bundle=query)
    return nodes


class ChunkSentences(BaseNodePostprocessor):
    """Retrieved chunk nodes -> their sentences (`Candidate`, not yet scored): each
    chunk's sentences, with the chunk's score relative to the best as their `prior` (the
    best of the chunks holding a sentence), and every sentence of the top
    `whole_articles` articles (prior half their best chunk's): the answering sentence may
    sit in a chunk that ranked lower. In the order first met."""

    index: Any = Field(exclude=True)
    whole_articles: int = 2

    @classmethod
    def class_name(cls) -> str:
        return "ChunkSentences"

    def _postprocess_nodes(self, nodes: List[NodeWithScore],
                           query_bundle: Optional[QueryBundle] = None) -> List[NodeWithScore]:
        if not nodes:
            return []
        index = self.index
        top = max(h.score for h in nodes) or 1.0
        best_prior: dict[int, float] = {}       # sentence row -> best prior
        top_articles: dict[str, float] = {}
        for h in nodes:
            art_id = h.node.metadata["article_id"]
            if len(top_articles) < self.whole_articles or art_id in top_articles:
                top_articles.setdefault(art_id, h.score / top)
            for r in index.chunk_sentences(h.node.metadata["chunk_row"]).tolist():
                best_prior[r] = max(best_prior.get(r, 0.0), h.score / top)
        for art_id, prior in top_articles.items():
            for r in index.sentences_of(art_id):
                best_prior.setdefault(r, 0.5 * prior)
        return [Candidate(node=index.sentence_node(r), prior=p) for r, p in best_prior.items()]


class InstructionFilter(BaseNodePostprocessor):
    """Drops a sentence written to the assistant ("忽略以上指令…", flagged by text/guard.py
    when the index was built): never quoted as a fact. One the guard flags only for how
    its clauses join ("从现在起，你可以…") stays, marked `instruction`: quoted as the
    article's words, with a note (`passages.quotable_instruction`)."""

    index: Any = Field(exclude=True)

    @classmethod
    def class_name(cls) -> str:
        return "InstructionFilter"

    def _postprocess_nodes(self, nodes: List[NodeWithScore],
                           query_bundle: Optional[QueryBundle] = None) -> List[NodeWithScore]:
        out = []
        for c in nodes:
            if self.index.addresses_assistant(c.row):
                if not quotable_instruction(c.text):
                    continue
                c.instruction = True
            out.append(c)
        return out


class SentenceScorer(BaseNodePostprocessor):
    """Scores each sentence for the question (`AskedQuestion`), best first: similarity
    to the question, plus `w_lex` x the idf-weighted share of its terms the sentence (with
    its headline) holds, `w_prior` x its chunk's retrieval rank, a bonus (malus) when it
    holds (lacks) the kind of fact asked, `w_art` x the share of the question's terms in
    its whole article (Chinese), and for a number the asked unit and a term beside a
    number, for a person the asked role before a name. Weights: `Calibration`."""

    index: Any = Field(exclude=True)
    calibration: Any = Field(exclude=True)

    @classmethod
    def class_name(cls) -> str:
        return "SentenceScorer"

    def _postprocess_nodes(self, nodes: List[NodeWithScore],
                           query_bundle: Optional[QueryBundle] = None) -> List[NodeWithScore]:
        if not nodes:
            return []
        index, cal = self.index, self.calibration
        question, tokens, groups = query_bundle.question, query_bundle.tokens, query_bundle.groups
        vecs = index.sentence_vector_rows([c.row for c in nodes])
        dense = vecs @ query_bundle.qvec
        own = [t for t in question.tokens if t.isdigit()] if question.is_english \
            else list(question.tokens)
        weighted = [(t, index.idf(t)) for t in tokens]
        w_lex, w_prior = (cal.w_lex_en, cal.w_prior_en) if question.is_english \
            else (cal.w_lex, cal.w_prior)
        grouped = None
        if question.is_english and groups:
            in_groups = {t for g in groups for t in g}
            grouped = [(t, index.idf(t)) for t in own if t not in in_groups] + \
                [(g, max(index.idf(t) for t in g)) for g in groups]
        if question.is_english:
            kind_bonus, kind_malus, w_art = cal.kind_bonus, cal.kind_malus, 0.0
        else:
            kind_bonus, kind_malus, w_art = cal.kind_bonus_zh, cal.kind_malus_zh, cal.w_art
        art_cov: dict[str, float] = {}
        if w_art:
            # The question's terms without how it asks, as the answerability signal
            # `art_cov` counts them, over each candidate article's whole text.
            asked = [(t, index.idf(t)) for t in asked_terms(question.text, tokens)]
        for cand, d in zip(nodes, dense.tolist()):
            aid = cand.article_id
            text = cand.text
            lex = coverage(grouped if grouped is not None else weighted,
                           index.articles[aid].heading + text)
            kind_ok = matches_kind(question.kind, text)
            cand.dense, cand.lex, cand.kind_ok = d, lex, kind_ok
            cand.score = (d + w_lex * lex + w_prior * cand.prior +
                          (kind_bonus if kind_ok else -kind_malus))
            if w_art:
                if aid not in art_cov:
                    art_cov[aid] = coverage(asked, index.matchable_text(aid))
                cand.score += w_art * art_cov[aid]
            if question.kind == "number":
                if number_with_unit(text, question.unit):
                    cand.score += cal.unit_bonus
                if keyword_near_number(tokens, text):
                    cand.score += cal.near_bonus
            elif question.kind == "person" and role_before_name(tokens, text):
                cand.score += cal.role_bonus
                cand.role = True
        out = list(nodes)
        if any(c.role for c in out):
            # "Who is the 工会主席?": once some sentence puts a name to that role, a
            # sentence that merely names other people is not of the asked kind.
            for c in out:
                if not c.role and c.kind_ok:
                    c.kind_ok = False
                    c.score -= kind_bonus + kind_malus
        out.sort(key=lambda c: (-c.score, c.article_id, c.start))
        return out
