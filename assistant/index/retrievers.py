"""llama-index retrievers over the index: dense, sparse (BM25) and their fusion.

Each returns `NodeWithScore`s whose node is a `TextNode` of one chunk, with
`start_char_idx`/`end_char_idx` into its article's text and `article_id` in its metadata.
The hybrid retriever is llama-index's `QueryFusionRetriever` in relative-score mode:
each list's scores are min-max normalised and summed with weights `DENSE_WEIGHT` and
`1 - DENSE_WEIGHT`.

With a `sentence_share`, the dense retriever scores each of its candidate chunks by its
vector's similarity blended with its best sentence's (`DenseRetriever`): the archive's
sentence vectors are stored, so this costs a read of those chunks' sentence rows.
"""
from __future__ import annotations

from typing import Any, Protocol

import numpy as np
from llama_index.core.llms import MockLLM
from llama_index.core.retrievers import BaseRetriever, QueryFusionRetriever
from llama_index.core.retrievers.fusion_retriever import FUSION_MODES
from llama_index.core.schema import NodeWithScore, QueryBundle

from assistant.text.tokens import match_terms



class SearchableIndex(Protocol):
    """What these retrievers read of a loaded index (store.NewsIndex is one): its
    document store (`docs.node`, `docs.chunk_sentence_rows`), embedder, dense store
    (`dense.query`), BM25 index (`sparse.search`) and sentence vectors. Named here so
    that this module does not import store.py, which imports it."""

    docs: Any
    embedder: Any
    dense: Any
    sparse: Any

    def sentence_vector_rows(self, rows: np.ndarray) -> np.ndarray: ...

# The dense list's share of the fused score (BM25's: the rest). Fitted on CMRC 2018 dev
# (all 848 passages as one index, 3,219 questions) and the real-use set's fit half (187
# single-turn questions with a gold article; tests/data/realqa), index format 5 (BM25 over
# jieba words and characters, chunk vectors made from sentence vectors), rank 1 of
# `NewsIndex.search`, 0.1 to 0.4 by 0.05 tried: 0.2 best on both (CMRC 97.86% at the 0.4
# of before -> 98.45%; 0.1-0.3 within 0.16 points; fit half 97.33% -> 98.40%, 0.1-0.2
# equal). 0.4 had been fitted on CMRC when BM25 held jieba words only and chunks were
# embedded whole: BM25 alone now ranks better than dense alone (98.14% / 90.77% on CMRC).
# Held apart, measured once after the choice (benchmarks/RESULTS.md): DRCD, XQuAD-half
# Chinese and the real-use report half. English questions have their own
# (`Calibration.dense_weight_en`).
DENSE_WEIGHT = 0.2
# How many candidates each retriever hands to the fusion.
CANDIDATES = 50


class _IndexRetriever(BaseRetriever):
    """A retriever over one loaded index, returning its top `similarity_top_k` chunks."""

    def __init__(self, index: SearchableIndex, similarity_top_k: int = CANDIDATES,
                 allowed: np.ndarray | None = None):
        super().__init__()
        self._index = index
        self._k = similarity_top_k
        self._allowed = allowed   # bool mask over chunk rows (a source filter), or None

    def _nodes(self, rows, scores) -> list[NodeWithScore]:
        return [NodeWithScore(node=self._index.docs.node(int(r)), score=float(s))
                for r, s in zip(rows, scores)]


class DenseRetriever(_IndexRetriever):
    """Nearest chunks by embedding (the question's own, when the bundle carries it).

    `sentence_share` > 0: the candidate chunks (the `similarity_top_k` nearest by chunk
    vector) are scored `(1 - share) * chunk similarity + share * best sentence similarity`
    and re-ordered. A chunk's vector averages its sentences, so one sentence that says
    what the question asks is diluted by the rest; its own vector is not."""

    def __init__(self, index: SearchableIndex, similarity_top_k: int = CANDIDATES,
                 allowed: np.ndarray | None = None, sentence_share: float = 0.0):
        super().__init__(index, similarity_top_k, allowed)
        self._share = sentence_share

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        if query_bundle.embedding is not None:
            qvec = np.asarray(query_bundle.embedding, dtype=np.float32)
        else:
            qvec = self._index.embedder.embed_query(query_bundle.query_str)
        return self._nodes(*dense_candidates(self._index, qvec, self._k, self._allowed,
                                             self._share))


def dense_candidates(index: SearchableIndex, qvec: np.ndarray, k: int,
                     allowed: np.ndarray | None = None,
                     sentence_share: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """The dense side's (chunk rows, scores), best first (`DenseRetriever`)."""
    rows, sims = index.dense.query(qvec, k, allowed)
    if sentence_share > 0 and len(rows):
        rows, sims = best_sentence_blend(index, qvec, rows, sims, sentence_share)
    return rows, sims


def best_sentence_blend(index: SearchableIndex, qvec: np.ndarray, rows: np.ndarray,
                        sims: np.ndarray, share: float) -> tuple[np.ndarray, np.ndarray]:
    """Chunk rows re-scored by `(1 - share) * sims + share * their best sentence's
    similarity to `qvec`, best first (ties keep the given order)."""
    docs = index.docs
    per_chunk = [docs.chunk_sentence_rows(int(r)) for r in rows]
    sent_rows = np.concatenate(per_chunk) if per_chunk else np.zeros(0, dtype=np.int64)
    if not len(sent_rows):
        return rows, sims
    sent_sims = index.sentence_vector_rows(sent_rows) @ np.asarray(qvec, dtype=np.float32)
    best = np.asarray(sims, dtype=np.float32).copy()   # a chunk without sentences keeps its own
    pos = 0
    for i, part in enumerate(per_chunk):
        if len(part):
            best[i] = sent_sims[pos:pos + len(part)].max()
        pos += len(part)
    scores = (1.0 - share) * np.asarray(sims, dtype=np.float32) + share * best
    order = np.argsort(-scores, kind="stable")
    return np.asarray(rows)[order], scores[order]


class SparseRetriever(_IndexRetriever):
    """Chunks by BM25 over the query's jieba words and characters (`match_terms`)."""

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        return self._nodes(*sparse_candidates(self._index, query_bundle.query_str, self._k,
                                              self._allowed))


def sparse_candidates(index: SearchableIndex, text: str, k: int,
                      allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The BM25 side's (chunk rows, scores), best first (`SparseRetriever`)."""
    return index.sparse.search(match_terms(text), k, allowed)


def fuse_relative(lists: list[tuple[np.ndarray, np.ndarray]], weights: list[float],
                  top_k: int) -> list[tuple[int, float]]:
    """(chunk row, fused score) of the best `top_k`, best first: llama-index's
    relative-score fusion (`QueryFusionRetriever`, one query, `hybrid_retriever`) done
    on rows, without making a `TextNode` of every candidate (most are dropped).

    The same arithmetic in the same order: each list's scores min-max scaled (a list
    whose scores are all equal scores 1, or 0 if they are not positive), times its
    weight (weights scaled to sum 1), summed per row in list order; sorted by score,
    ties in the order rows were first met (the first list's first). `tests/test_index.py`
    checks it against the retriever."""
    total_w = sum(weights)
    fused: dict[int, float] = {}
    for (rows, scores), w in zip(lists, weights):
        if not len(rows):
            continue
        vals = [float(x) for x in scores]
        lo, hi = min(vals), max(vals)
        w = w / total_w
        for r, v in zip(rows.tolist(), vals):
            v = (1.0 if hi > 0 else 0.0) if hi == lo else (v - lo) / (hi - lo)
            v = v * w
            cur = fused.get(r)
            fused[r] = v if cur is None else cur + v
    return sorted(fused.items(), key=lambda x: x[1], reverse=True)[:top_k]


def hybrid_retriever(index: SearchableIndex, similarity_top_k: int = 8,
                     candidates: int = CANDIDATES,
                     dense_weight: float = DENSE_WEIGHT,
                     allowed: np.ndarray | None = None,
                     sentence_share: float = 0.0) -> QueryFusionRetriever:
    """Dense + BM25, fused by relative score; no LLM (one query, no rewriting).

    `allowed`: a bool mask over chunk rows; both retrievers search only those rows.
    `sentence_share`: the dense side blends in each chunk's best sentence (`DenseRetriever`)."""
    return QueryFusionRetriever(
        [DenseRetriever(index, candidates, allowed, sentence_share),
         SparseRetriever(index, candidates, allowed)],
        llm=MockLLM(), mode=FUSION_MODES.RELATIVE_SCORE,
        retriever_weights=[dense_weight, 1.0 - dense_weight],
        similarity_top_k=similarity_top_k, num_queries=1, use_async=False)
