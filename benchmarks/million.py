"""The dense layer at a million chunks: exact FAISS against an IVF-PQ index.

    python -m benchmarks.million --size 1000000 --queries 200 --dir D --out r.json

The vectors stand in for embeddings as the "bench-hash" embedder's do (random unit
vectors, benchmarks/embedders.py): no model could embed a million chunks in a benchmark's
time. Each query is a corpus vector moved by noise to cosine about 0.8 with it, so every
question has one clearly best chunk (`source_in_top_k`: found among the top 50). Random
vectors have no cluster structure, the worst case for an inverted-file index: its
recall against the exact top 50 (most of which are near-ties here) is a lower bound of
what text embeddings would give. FAISS runs on one thread for both (on a shared,
oversubscribed machine its OpenMP threads spin: a flat search of 40,000 vectors took
167 ms p50 with its default threads there).

Each index is built in one process and searched in another (fresh, so its memory is
the index's alone), through llama-index's `FaissVectorStore` as our `DenseStore` and the
llama-index baseline both use:
- flat: `IndexFlatIP`, exact (the llama-index baseline's; ours before index format 4);
- sq16: `IndexScalarQuantizer` of 16-bit floats, exact search (ours from format 4);
- ivfpq: `IndexIVFPQ`, 1,024 lists of 48-byte codes (384 dims / 48 sub-vectors of 8 bits),
  trained on a 50,000-vector sample, searched with nprobe 16. Settings are FAISS's usual
  starting points for a million vectors (about sqrt(n) lists), not tuned on any data.
Reported: build seconds and peak memory, resident memory after loading, top-50 search
(our fusion's candidates) p50/p95 ms, and recall@50 against the exact search.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DIM = 384
K = 50           # what our dense retriever asks for (retrievers.CANDIDATES)
KINDS = ("flat", "sq16", "ivfpq")
NLIST, M, NBITS, NPROBE, TRAIN = 1024, 48, 8, 16, 50_000


def _vectors(n: int) -> np.ndarray:
    """`n` random unit vectors, the same in every process (what the hashed stand-in
    embedder gives: independent uniform directions; drawn here with numpy, a million in
    seconds rather than minutes)."""
    rng = np.random.default_rng(0)
    out = np.empty((n, DIM), dtype=np.float32)
    step = 100_000
    for i in range(0, n, step):
        v = rng.standard_normal((min(step, n - i), DIM), dtype=np.float32)
        out[i:i + len(v)] = v / np.linalg.norm(v, axis=1, keepdims=True)
    return out


def _queries(n: int, size: int) -> tuple[np.ndarray, np.ndarray]:
    """`n` queries, each a corpus vector moved by noise to cosine about 0.8 with it (a
    question whose chunk is clearly the best match), and the rows they came from."""
    rng = np.random.default_rng(1)
    rows = rng.choice(size, n, replace=False)
    vecs = _vectors(size)[rows]
    noise = rng.standard_normal(vecs.shape, dtype=np.float32)
    noise /= np.linalg.norm(noise, axis=1, keepdims=True)
    q = vecs + 0.75 * noise
    return q / np.linalg.norm(q, axis=1, keepdims=True), rows


def nlist(size: int) -> int:
    """Inverted lists: NLIST, fewer for a small (--quick) corpus (FAISS wants about 39
    training points a list)."""
    return max(1, min(NLIST, min(TRAIN, size) // 39))


def step_build(kind: str, size: int, folder: Path) -> dict:
    import faiss

    from benchmarks.synthetic import peak_mb

    t0 = time.perf_counter()
    vecs = _vectors(size)
    gen_s = time.perf_counter() - t0
    faiss.omp_set_num_threads(1)   # see the module docstring
    t0 = time.perf_counter()
    if kind == "flat":
        index = faiss.IndexFlatIP(vecs.shape[1])
    elif kind == "sq16":
        index = faiss.IndexScalarQuantizer(vecs.shape[1], faiss.ScalarQuantizer.QT_fp16,
                                           faiss.METRIC_INNER_PRODUCT)
    else:
        quant = faiss.IndexFlatIP(vecs.shape[1])
        index = faiss.IndexIVFPQ(quant, vecs.shape[1], nlist(size), M, NBITS,
                                 faiss.METRIC_INNER_PRODUCT)
        index.cp.niter = 10
        rng = np.random.default_rng(0)
        index.train(vecs[rng.choice(len(vecs), min(TRAIN, len(vecs)), replace=False)])
    index.add(vecs)
    from llama_index.vector_stores.faiss import FaissVectorStore

    FaissVectorStore(faiss_index=index).persist(persist_path=str(folder / f"{kind}.index"))
    return {"kind": kind, "size": size, "generate_s": round(gen_s, 1),
            "build_s": round(time.perf_counter() - t0, 1), "peak_mb": round(peak_mb(), 0),
            "disk_mb": round((folder / f"{kind}.index").stat().st_size / 2**20, 1)}


def step_query(kind: str, folder: Path, queries: int) -> dict:
    from llama_index.core.vector_stores.types import VectorStoreQuery
    from llama_index.vector_stores.faiss import FaissVectorStore

    from benchmarks.synthetic import percentiles, rss_mb

    qs, rows = _queries(queries + 5, int(json.loads((folder / "size.json").read_text())))
    rows = rows[5:]
    import faiss

    faiss.omp_set_num_threads(1)   # see the module docstring
    base = rss_mb()
    t0 = time.perf_counter()
    store = FaissVectorStore.from_persist_path(str(folder / f"{kind}.index"))
    load_s = time.perf_counter() - t0
    loaded = rss_mb()
    if kind == "ivfpq":
        faiss.extract_index_ivf(store.client).nprobe = NPROBE
    ms, ids = [], []
    for i, q in enumerate(qs):
        t0 = time.perf_counter()
        res = store.query(VectorStoreQuery(query_embedding=q.tolist(), similarity_top_k=K))
        if i >= 5:
            ms.append((time.perf_counter() - t0) * 1000)
            ids.append([int(x) for x in res.ids])
    np.save(folder / f"{kind}.ids.npy", np.asarray(ids, dtype=np.int64))
    found = float(np.mean([r in set(i) for r, i in zip(rows.tolist(), ids)]))
    return {"kind": kind, "queries": len(ms), "source_in_top_k": found, "load_s": round(load_s, 2),
            "index_mb": round(loaded - base, 1), "after_queries_mb": round(rss_mb() - base, 1),
            "latency_ms": percentiles(ms)}


def run(size: int, queries: int, folder: Path) -> dict:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "size.json").write_text(str(size))
    out = {"size": size, "k": K, "ivfpq": {"nlist": nlist(size), "m": M, "nbits": NBITS,
                                           "nprobe": NPROBE, "train": TRAIN}}
    for kind in KINDS:
        for step in ("build", "query"):
            res = folder / f"{kind}.{step}.json"
            cmd = [sys.executable, "-m", "benchmarks.million", "--step", step, "--kind", kind,
                   "--size", str(size), "--queries", str(queries), "--dir", str(folder),
                   "--out", str(res)]
            print(f"[million] {kind} {step}", file=sys.stderr, flush=True)
            subprocess.run(cmd, check=True, cwd=ROOT)
            out.setdefault(kind, {}).update(json.loads(res.read_text()))
    exact = np.load(folder / "flat.ids.npy")
    for kind in KINDS:
        approx = np.load(folder / f"{kind}.ids.npy")
        out[kind]["recall_at_k"] = float(np.mean(
            [len(set(a) & set(e)) / len(e) for a, e in zip(approx, exact)]))
    for kind in KINDS:
        (folder / f"{kind}.index").unlink(missing_ok=True)
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.million",
                                description=__doc__.split("\n\n")[0])
    p.add_argument("--step", choices=["all", "build", "query"], default="all")
    p.add_argument("--kind", choices=list(KINDS), default="flat")
    p.add_argument("--size", type=int, default=1_000_000)
    p.add_argument("--queries", type=int, default=200)
    p.add_argument("--dir", required=True)
    p.add_argument("--out", required=True)
    args = p.parse_args(argv)
    folder = Path(args.dir)
    if args.step == "all":
        res = run(args.size, args.queries, folder)
    elif args.step == "build":
        res = step_build(args.kind, args.size, folder)
    else:
        res = step_query(args.kind, folder, args.queries)
    Path(args.out).write_text(json.dumps(res, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
