"""llama-index retrievers over the index: dense, sparse (BM25) and their fusion.

Each returns `NodeWithScore`s whose node is a `TextNode` of one chunk, with
`start_char_idx`/`end_char_idx` into its article's text and `article_id` in its metadata.
The hybrid retriever is llama-index's `QueryFusionRetriever` in relative-score mode:
each list's scores are min-max normalised and summed with weights `DENSE_WEIGHT` and
`1 - DENSE_WEIGHT`.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from llama_index.core.llms import MockLLM
from llama_index.core.retrievers import BaseRetriever, QueryFusionRetriever
from llama_index.core.retrievers.fusion_retriever import FUSION_MODES
from llama_index.core.schema import NodeWithScore, QueryBundle

from assistant.retrieval.tokens import tokenize

if TYPE_CHECKING:
    from assistant.retrieval.store import NewsIndex

# Fitted on CMRC 2018 dev (848 passages, 3,219 questions; benchmarks/RESULTS.md): 0.4
# dense / 0.6 BM25 gave the best gold-passage-first rate of 0.3/0.4/0.5/0.6 tried.
DENSE_WEIGHT = 0.4
# How many candidates each retriever hands to the fusion.
CANDIDATES = 50


class _IndexRetriever(BaseRetriever):
    """A retriever over one loaded index, returning its top `similarity_top_k` chunks."""

    def __init__(self, index: "NewsIndex", similarity_top_k: int = CANDIDATES,
                 allowed: np.ndarray | None = None):
        super().__init__()
        self._index = index
        self._k = similarity_top_k
        self._allowed = allowed   # bool mask over chunk rows (a source filter), or None

    def _nodes(self, rows, scores) -> list[NodeWithScore]:
        return [NodeWithScore(node=self._index.docs.node(int(r)), score=float(s))
                for r, s in zip(rows, scores)]


class DenseRetriever(_IndexRetriever):
    """Nearest chunks by embedding (the question's own, when the bundle carries it)."""

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        if query_bundle.embedding is not None:
            qvec = np.asarray(query_bundle.embedding, dtype=np.float32)
        else:
            qvec = self._index.embedder.embed_query(query_bundle.query_str)
        return self._nodes(*self._index.dense.query(qvec, self._k, self._allowed))


class SparseRetriever(_IndexRetriever):
    """Chunks by BM25 over jieba tokens of the query text."""

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        return self._nodes(*self._index.sparse.search(tokenize(query_bundle.query_str),
                                                      self._k, self._allowed))


def hybrid_retriever(index: "NewsIndex", similarity_top_k: int = 8,
                     candidates: int = CANDIDATES,
                     dense_weight: float = DENSE_WEIGHT,
                     allowed: np.ndarray | None = None) -> QueryFusionRetriever:
    """Dense + BM25, fused by relative score; no LLM (one query, no rewriting).

    `allowed`: a bool mask over chunk rows; both retrievers search only those rows."""
    return QueryFusionRetriever(
        [DenseRetriever(index, candidates, allowed), SparseRetriever(index, candidates, allowed)],
        llm=MockLLM(), mode=FUSION_MODES.RELATIVE_SCORE,
        retriever_weights=[dense_weight, 1.0 - dense_weight],
        similarity_top_k=similarity_top_k, num_queries=1, use_async=False)
