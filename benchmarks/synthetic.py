"""Speed and memory at 1k-100k chunks of synthetic text, one fresh process per step.

    python -m benchmarks.synthetic build --size 10000 --dir D --out r.json
    python -m benchmarks.synthetic update --size 10000 --dir D --new 5 --out r.json
    python -m benchmarks.synthetic query --system ours --dir D --queries 200 --out r.json
    python -m benchmarks.synthetic llama-build --dir D --store S --out r.json
    python -m benchmarks.synthetic query --system llama --dir D --store S --out r.json
    python -m benchmarks.synthetic llama-update --size 10000 --store S --new 5 --out r.json

The corpus is Chinese-like text: words drawn from the word frequencies of the CMRC 2018
passages (jieba tokens), sentences of 8-23 words ending with "。", 6-18 sentences an
article in paragraphs of 3-6 sentences; the same seed gives the same articles in every
process. Embeddings come from the "bench-hash" embedder (benchmarks/embedders.py:
deterministic hashed unit vectors, no model), so the index is built by the project's own
`assistant.index.build.build_index` (chunking, jieba, BM25, FAISS, sentence vectors,
files) at sizes the real model could not embed in a benchmark's time; the model's own
cost is measured apart (benchmarks/run.py) and added as a projection.

- build: `build_index` of the articles into a fresh folder: seconds, peak resident
  memory (VmHWM), the texts and characters embedded.
- update: the same articles plus `--new` new ones, `build_index` into the same folder
  (the incremental path: unchanged articles keep their chunks, tokens and vectors).
- query --system ours: `NewsIndex.load` (resident memory after loading), then real CMRC
  questions: hybrid retrieval (`NewsIndex.search`, the answerer's top-k) and the whole
  extractive answer (`Conversation.ask`); queries are embedded by bench-hash too.
- llama-build: the llama-index baseline from the same chunks and vectors: our chunk
  `TextNode`s with their vectors as precomputed embeddings, `VectorStoreIndex` over
  llama-index's `FaissVectorStore` (`faiss.IndexFlatIP`), persisted.
- query --system llama: `load_index_from_storage`, then its vector retriever with the
  same top-k.
- llama-update: load it, `insert_nodes` the new articles' chunks, persist.
"""
from __future__ import annotations

import argparse
import gc
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

from benchmarks.paths import DATA

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CMRC = DATA / "cmrc2018_dev.json"
CACHE = Path(".cache") / "bench"
_WORD = re.compile(r"^[\u4e00-\u9fffA-Za-z0-9]+$")
FILLERS = ["的", "，", "了", "和", "在", "是"]
TOP_K = 6  # chunks retrieved per question: the extractive answerer's top_chunks
CANDIDATES = 50  # what our dense retriever asks FAISS for (retrievers.CANDIDATES)


def _status(field: str) -> float:
    """A memory figure of this process from /proc/self/status, in MB (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def rss_mb() -> float:
    gc.collect()
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except OSError:
        pass
    return _status("VmRSS")


def peak_mb() -> float:
    return _status("VmHWM")


def percentiles(ms: list[float]) -> dict:
    from assistant.evaluation.evaluate import percentile

    return {"n": len(ms), "p50": round(percentile(ms, 50), 3),
            "p95": round(percentile(ms, 95), 3), "mean": round(sum(ms) / len(ms), 3)}


# corpus ----------------------------------------------------------------------------------
def vocabulary(cmrc: Path = DEFAULT_CMRC, cache: Path = CACHE) -> tuple[list[str], np.ndarray]:
    """Words and their probabilities, from jieba tokens of the CMRC passages (cached)."""
    path = cache / f"vocab-{cmrc.stem}.json"
    if path.is_file():
        counts = json.loads(path.read_text(encoding="utf-8"))
    else:
        from assistant.text.tokens import tokenize

        data = json.loads(cmrc.read_text(encoding="utf-8"))
        c: Counter = Counter()
        for item in data["data"]:
            for p in item["paragraphs"]:
                c.update(t for t in tokenize(p["context"]) if _WORD.match(t))
        counts = dict(c.most_common())
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(counts, ensure_ascii=False), encoding="utf-8")
    words = list(counts)
    p = np.array([counts[w] for w in words], dtype=np.float64)
    return words, p / p.sum()


def _article_stream(seed: int, words: list[str], probs: np.ndarray, prefix: str):
    """An endless, deterministic stream of synthetic articles."""
    from assistant.records import Article

    rng = np.random.default_rng(seed)
    n = 0
    while True:
        block = 256
        n_sent = rng.integers(6, 19, size=block)
        lens = rng.integers(8, 24, size=int(n_sent.sum()))
        heads = rng.integers(2, 5, size=block)
        draw = rng.choice(len(words), size=int(lens.sum() + heads.sum()), p=probs)
        fill = rng.random(size=len(draw)) < 0.3
        fill_pick = rng.integers(0, len(FILLERS), size=len(draw))
        para_len = rng.integers(3, 7, size=block)
        pos = s_no = 0
        for a in range(block):
            head = "".join(words[i] for i in draw[pos:pos + heads[a]])
            pos += heads[a]
            paragraphs, cur = [], []
            for _ in range(n_sent[a]):
                parts = []
                ln = lens[s_no]
                for j in range(ln):
                    parts.append(words[draw[pos + j]])
                    if fill[pos + j] and j < ln - 1:
                        parts.append(FILLERS[fill_pick[pos + j]])
                pos += ln
                s_no += 1
                cur.append("".join(parts) + "。")
                if len(cur) == para_len[a]:
                    paragraphs.append("".join(cur))
                    cur = []
            if cur:
                paragraphs.append("".join(cur))
            yield Article(id=f"{prefix}-{n:06d}", headings=[head], paragraphs=paragraphs,
                          source="synthetic", date="2024-01-01")
            n += 1


def make_articles(n_chunks: int, seed: int = 0, prefix: str = "syn") -> list:
    """About `n_chunks` chunks' worth of articles (chunks per article estimated on the
    first 256, so every process makes the same list)."""
    from assistant.ingest.chunking import chunk_article

    words, probs = vocabulary()
    stream = _article_stream(seed, words, probs, prefix)
    pilot = [next(stream) for _ in range(256)]
    per = sum(len(chunk_article(a)) for a in pilot) / len(pilot)
    want = max(1, round(n_chunks / per))
    out = pilot[:want]
    while len(out) < want:
        out.append(next(stream))
    return out


def _new(k: int) -> list:
    """`k` articles that are not in any `make_articles` list."""
    words, probs = vocabulary()
    stream = _article_stream(12345, words, probs, "new")
    return [next(stream) for _ in range(k)]


def questions(n: int, seed: int = 1, cmrc: Path = DEFAULT_CMRC) -> list[str]:
    data = json.loads(cmrc.read_text(encoding="utf-8"))
    qs = [qa["question"] for item in data["data"] for p in item["paragraphs"] for qa in p["qas"]]
    rng = np.random.default_rng(seed)
    return [qs[i] for i in rng.permutation(len(qs))[:n]]


def folder_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file()) / 2**20


# steps -------------------------------------------------------------------------------------
def step_build(args) -> dict:
    from assistant.index.build import build_index
    from assistant.index.store import current_version
    from benchmarks.embedders import HASH_SPEC, install_hash

    emb = install_hash()
    rss0 = rss_mb()
    t0 = time.perf_counter()
    articles = make_articles(args.size)
    gen_s = time.perf_counter() - t0
    rss_articles = rss_mb()
    t0 = time.perf_counter()
    rep = build_index(articles, args.dir, embed_model=HASH_SPEC)
    build_s = time.perf_counter() - t0
    peak = peak_mb()
    st = emb.stats
    version = current_version(Path(args.dir))
    spans = np.load(version / "spans.npz")
    heads = np.array([len(a.heading) + 1 for a in articles], dtype=np.int64)
    chunk_chars = int((spans["chunk_end"] - spans["chunk_start"]).sum()
                      + heads[spans["chunk_article"]].sum())
    return {"size": args.size, "articles": len(articles), "chunks": rep.chunks,
            "sentences": rep.sentences, "text_chars": sum(len(a.text) for a in articles),
            "generate_s": round(gen_s, 2), "build_s": round(build_s, 2),
            "embed_s": round(st["seconds"], 2), "embedded_texts": st["texts"],
            "embedded_chars": st["chars"], "chunk_embed_chars": chunk_chars,
            "rss_start_mb": round(rss0, 1), "rss_with_articles_mb": round(rss_articles, 1),
            "peak_mb": round(peak, 1), "disk_mb": round(folder_mb(version), 1)}


def step_update(args) -> dict:
    from assistant.index.build import build_index
    from benchmarks.embedders import HASH_SPEC, install_hash

    emb = install_hash()
    articles = make_articles(args.size) + _new(args.new)
    rss_articles = rss_mb()
    t0 = time.perf_counter()
    rep = build_index(articles, args.dir, embed_model=HASH_SPEC)
    secs = time.perf_counter() - t0
    st = emb.stats
    return {"size": args.size, "new_articles": args.new, "added": len(rep.added),
            "chunks": rep.chunks, "embedded_texts": rep.embedded,
            "embedded_chars": st["chars"], "embed_s": round(st["seconds"], 3),
            "reused": rep.reused, "update_s": round(secs, 2),
            "rss_with_articles_mb": round(rss_articles, 1), "peak_mb": round(peak_mb(), 1)}


def _warm_analysis(qs: list[str]) -> None:
    from assistant.qa.question import analyse, person_names

    for q in qs:
        analyse(q)
    person_names("张三在北京工作。")


def _load_llama(store: Path, emb):
    from llama_index.core import Settings, StorageContext, load_index_from_storage
    from llama_index.vector_stores.faiss import FaissVectorStore

    Settings.llm = None
    vs = FaissVectorStore.from_persist_dir(str(store))
    sc = StorageContext.from_defaults(vector_store=vs, persist_dir=str(store))
    return load_index_from_storage(sc, embed_model=emb)


def _faiss_ms(client, emb, q: str, k: int, one_thread: bool = False) -> float:
    """The FAISS search alone for one question (both systems share this code); ours
    searches on one OpenMP thread (`dense.one_thread`, as `DenseStore.query` does), the
    baseline as llama-index's FaissVectorStore does (FAISS's default threads)."""
    from contextlib import nullcontext

    from assistant.index.dense import one_thread as _one

    v = emb.embed_query(q).reshape(1, -1)
    with _one() if one_thread else nullcontext():
        t0 = time.perf_counter()
        client.search(v, k)
        return (time.perf_counter() - t0) * 1000


def step_query(args) -> dict:
    from benchmarks.embedders import install_hash

    emb = install_hash()
    qs = questions(args.queries + 5)
    emb.embed_query("预热")
    _warm_analysis(qs[:5])
    if args.system == "llama":
        import llama_index.core  # noqa: F401  (its import is not the index's memory)
        from llama_index.vector_stores.faiss import FaissVectorStore  # noqa: F401
    else:
        import bm25s  # noqa: F401
        from llama_index.vector_stores.faiss import FaissVectorStore  # noqa: F401,F811
    base = rss_mb()
    t0 = time.perf_counter()
    if args.system == "ours":
        from assistant.qa.conversation import Conversation
        from assistant.qa.extractive import ExtractiveAnswerer
        from assistant.index.store import NewsIndex

        index = NewsIndex.load(args.dir)
        load_s = time.perf_counter() - t0
        loaded = rss_mb()
        answerer = ExtractiveAnswerer(index)
        assert answerer.top_chunks == TOP_K
        for q in qs[:5]:
            index.search(q, k=TOP_K)
            Conversation(answerer).ask(q)
        retrieval, answer, flat, found = [], [], [], 0
        client = index.dense.store.client
        for q in qs[5:]:
            t0 = time.perf_counter()
            index.search(q, k=TOP_K)
            retrieval.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            turn = Conversation(answerer).ask(q)
            answer.append((time.perf_counter() - t0) * 1000)
            found += turn.found
            flat.append(_faiss_ms(client, emb, q, CANDIDATES, one_thread=True))
        lat = {"retrieval": percentiles(retrieval), "answer": percentiles(answer),
               "faiss": percentiles(flat)}
        chunks = len(index.docs)
        plan = index.manifest.get("dense")
    else:
        index = _load_llama(Path(args.store), emb)
        load_s = time.perf_counter() - t0
        loaded = rss_mb()
        retriever = index.as_retriever(similarity_top_k=TOP_K)
        for q in qs[:5]:
            retriever.retrieve(q)
        retrieval, flat = [], []
        for q in qs[5:]:
            t0 = time.perf_counter()
            retriever.retrieve(q)
            retrieval.append((time.perf_counter() - t0) * 1000)
            flat.append(_faiss_ms(index.vector_store.client, emb, q, TOP_K))
        lat = {"retrieval": percentiles(retrieval), "faiss": percentiles(flat)}
        found = None
        chunks = int(index.vector_store.client.ntotal)
        plan = {"kind": "exact-fp32"}   # faiss.IndexFlatIP
    after = rss_mb()
    return {"system": args.system, "chunks": chunks, "queries": len(retrieval), "plan": plan,
            "load_s": round(load_s, 2), "rss_base_mb": round(base, 1),
            "rss_loaded_mb": round(loaded, 1), "index_mb": round(loaded - base, 1),
            "rss_after_queries_mb": round(after, 1),
            "index_after_queries_mb": round(after - base, 1), "latency_ms": lat,
            "answered": found}


def _nodes_with_vectors(index_dir: Path):
    from assistant.index.dense import faiss_vectors
    from assistant.index.store import NewsIndex, current_version

    index = NewsIndex.load(index_dir)
    vecs = faiss_vectors(current_version(Path(index_dir)))
    nodes = [index.docs._node(r) for r in range(len(index.docs))]
    return nodes, vecs


def step_llama_build(args) -> dict:
    import faiss
    from llama_index.core import Settings, StorageContext, VectorStoreIndex
    from llama_index.core.schema import MetadataMode
    from llama_index.vector_stores.faiss import FaissVectorStore

    from benchmarks.embedders import install_hash

    Settings.llm = None
    emb = install_hash()
    rss0 = rss_mb()
    t0 = time.perf_counter()
    nodes, vecs = _nodes_with_vectors(Path(args.dir))
    prep_s = time.perf_counter() - t0
    embed_chars = sum(len(n.get_content(metadata_mode=MetadataMode.EMBED)) for n in nodes)
    rss_nodes = rss_mb()
    t0 = time.perf_counter()
    for n, v in zip(nodes, vecs):
        n.embedding = v.tolist()
    del vecs
    sc = StorageContext.from_defaults(
        vector_store=FaissVectorStore(faiss_index=faiss.IndexFlatIP(emb.dim)))
    index = VectorStoreIndex(nodes, storage_context=sc, embed_model=emb)
    index_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    Path(args.store).mkdir(parents=True, exist_ok=True)
    index.storage_context.persist(persist_dir=str(args.store))
    persist_s = time.perf_counter() - t0
    return {"chunks": len(nodes), "prepare_s": round(prep_s, 2),
            "index_s": round(index_s, 2), "persist_s": round(persist_s, 2),
            "build_s": round(index_s + persist_s, 2), "embedded_texts": emb.stats["texts"],
            "chunk_embed_chars": embed_chars, "rss_start_mb": round(rss0, 1),
            "rss_with_nodes_mb": round(rss_nodes, 1), "peak_mb": round(peak_mb(), 1),
            "disk_mb": round(folder_mb(Path(args.store)), 1)}


def step_llama_update(args) -> dict:
    from llama_index.core.schema import TextNode

    from assistant.ingest.chunking import chunk_article
    from assistant.index.build import embed_text
    from benchmarks.embedders import install_hash

    emb = install_hash()
    new = _new(args.new)
    t0 = time.perf_counter()
    index = _load_llama(Path(args.store), emb)
    load_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    nodes, texts = [], []
    for a in new:
        for k, c in enumerate(chunk_article(a)):
            nodes.append(TextNode(id_=f"{a.id}#{k}", text=c.text, start_char_idx=c.start,
                                  end_char_idx=c.end,
                                  metadata={"article_id": a.id, "heading": a.heading,
                                            "source": a.source}))
            texts.append(embed_text(a.heading, c.text))
    vecs = emb.embed_passages(texts)
    for n, v in zip(nodes, vecs):
        n.embedding = v.tolist()
    index.insert_nodes(nodes)
    insert_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    index.storage_context.persist(persist_dir=str(args.store))
    persist_s = time.perf_counter() - t0
    return {"new_articles": len(new), "new_chunks": len(nodes), "load_s": round(load_s, 2),
            "insert_s": round(insert_s, 3), "persist_s": round(persist_s, 2),
            "update_s": round(load_s + insert_s + persist_s, 2),
            "peak_mb": round(peak_mb(), 1)}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.synthetic",
                                description=__doc__.split("\n\n")[0])
    p.add_argument("step", choices=["build", "update", "query", "llama-build", "llama-update"])
    p.add_argument("--size", type=int, default=1000, help="chunks (about)")
    p.add_argument("--dir", help="our index folder")
    p.add_argument("--store", help="the llama-index baseline's persist folder")
    p.add_argument("--system", choices=["ours", "llama"], default="ours")
    p.add_argument("--queries", type=int, default=100)
    p.add_argument("--new", type=int, default=5, help="articles added by an update")
    p.add_argument("--out", required=True)
    args = p.parse_args(argv)
    step = {"build": step_build, "update": step_update, "query": step_query,
            "llama-build": step_llama_build, "llama-update": step_llama_update}[args.step]
    result = step(args)
    Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
