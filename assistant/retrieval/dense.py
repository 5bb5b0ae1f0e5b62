"""The dense store: chunk vectors in a llama-index vector store (FAISS by default).

The default is llama-index's `FaissVectorStore` over an exact inner-product index of
16-bit vectors (the vectors are normalised, so this is cosine similarity), saved in the index version folder
and needing no server. Its ids are row numbers. Other stores (Milvus: `milvus.py`) hold
nodes by their chunk id instead; `DenseStore` hides the difference.
"""
from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np
from llama_index.core.vector_stores.types import BasePydanticVectorStore, VectorStoreQuery

FAISS_FILE = "faiss.index"


class DenseStore:
    """A llama-index vector store plus how its result ids map to chunk rows."""

    def __init__(self, store: BasePydanticVectorStore, row_of=None, size: int | None = None,
                 article_of=None):
        self.store = store
        self._row_of = row_of          # id -> row; None: ids are row numbers (FAISS)
        self._size = size
        self._article_of = article_of  # row -> article id (a store filtering on metadata)

    @property
    def size(self) -> int:
        if self._size is not None:
            return self._size
        return int(self.store.client.ntotal)

    def query(self, qvec: np.ndarray, k: int,
              allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Top-k (chunk rows, similarities), best first.

        `allowed` (a bool mask over chunk rows, from a source filter) restricts the search
        to those rows: FAISS searches only them (an id selector); another store that
        knows each row's article (Milvus) searches with a metadata filter on `article_id`
        (the rows of allowed articles are whole articles); else it is asked for ever more
        results until k allowed ones come back or it has none left.
        """
        if self.size == 0 or k <= 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        if allowed is not None:
            return self._query_allowed(qvec, k, allowed)
        res = self.store.query(VectorStoreQuery(
            query_embedding=np.asarray(qvec, dtype=np.float32).tolist(),
            similarity_top_k=min(k, self.size)))
        rows, sims = [], []
        for i, s in zip(res.ids or [], res.similarities or []):
            row = int(i) if self._row_of is None else self._row_of(i)
            if row is not None:
                rows.append(row)
                sims.append(s)
        return np.asarray(rows, dtype=np.int64), np.asarray(sims, dtype=np.float32)

    def _query_allowed(self, qvec: np.ndarray, k: int, allowed: np.ndarray):
        ids = np.flatnonzero(allowed).astype(np.int64)
        k = min(k, len(ids))
        if k == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        if self._row_of is None:   # FAISS: ids are rows
            params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(ids))
            sims, rows = self.store.client.search(
                np.asarray(qvec, dtype=np.float32).reshape(1, -1), k, params=params)
            keep = rows[0] >= 0
            return rows[0][keep].astype(np.int64), sims[0][keep].astype(np.float32)
        if self._article_of is not None:
            from llama_index.core.vector_stores.types import (FilterOperator, MetadataFilter,
                                                              MetadataFilters)

            articles = sorted({self._article_of(int(r)) for r in ids})
            res = self.store.query(VectorStoreQuery(
                query_embedding=np.asarray(qvec, dtype=np.float32).tolist(),
                similarity_top_k=k, filters=MetadataFilters(filters=[MetadataFilter(
                    key="article_id", value=articles, operator=FilterOperator.IN)])))
            pairs = [(self._row_of(i), s) for i, s in
                     zip(res.ids or [], res.similarities or [])]
            pairs = [(r, s) for r, s in pairs if r is not None and allowed[r]]
            return (np.asarray([r for r, _ in pairs], dtype=np.int64),
                    np.asarray([s for _, s in pairs], dtype=np.float32))
        want = k
        while True:
            rows, sims = self.query(qvec, want)
            ok = allowed[rows] if len(rows) else np.zeros(0, dtype=bool)
            if ok.sum() >= k or want >= self.size:
                return rows[ok][:k], sims[ok][:k]
            want = min(self.size, want * 4)


def build_faiss(vectors: np.ndarray, dim: int):
    """A FaissVectorStore holding `vectors` as rows 0..n-1.

    Exact inner-product search over vectors stored as 16-bit floats: half the memory of
    `IndexFlatIP` (75 MB instead of 150 MB at 100k chunks), scores within about 1e-3 of
    it for unit vectors. Indexes saved with `IndexFlatIP` (before format 4) load as they are.
    """
    from llama_index.vector_stores.faiss import FaissVectorStore

    index = faiss.IndexScalarQuantizer(dim, faiss.ScalarQuantizer.QT_fp16,
                                       faiss.METRIC_INNER_PRODUCT)
    if len(vectors):
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return FaissVectorStore(faiss_index=index)


def save_faiss(store, folder: Path) -> None:
    store.persist(persist_path=str(folder / FAISS_FILE))


def load_faiss(folder: Path) -> DenseStore:
    from llama_index.vector_stores.faiss import FaissVectorStore

    return DenseStore(FaissVectorStore.from_persist_path(str(folder / FAISS_FILE)))


def open_dense(folder: Path, manifest: dict, docs, vector_store: str | None = None) -> DenseStore:
    """The dense store a version's manifest names: FAISS in `folder` unless it says Milvus.

    `vector_store` (a --vector-store value) overrides where the manifest's store is.
    """
    if not manifest.get("vector_store") and not vector_store:
        return load_faiss(folder)
    from assistant.retrieval import milvus

    return milvus.open_dense(folder, manifest.get("vector_store"), vector_store, docs)


def faiss_vectors(folder: Path) -> np.ndarray:
    """All vectors of a saved FAISS store, row by row (to reuse them in a rebuild)."""
    index = faiss.read_index(str(folder / FAISS_FILE))
    if index.ntotal == 0:
        return np.zeros((0, index.d), dtype=np.float32)
    return index.reconstruct_n(0, index.ntotal)
