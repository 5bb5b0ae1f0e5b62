"""The persisted index: documents, dense vectors, BM25 and sentence vectors, versioned.

Layout of an index folder:
    CURRENT              name of the live version folder (replaced atomically)
    v-<stamp>/           manifest.json, articles.jsonl, spans.npz (chunk and sentence
                         spans), faiss.index (dense store), bm25/ (sparse index),
                         tokens.npz + tokens_vocab.json (chunk tokens, for updates),
                         sentence_vectors.npy (the embedded sentences; a chunk's vector
                         in faiss.index is made from them and its heading's: chunk_vector)
                         (with --vector-store Milvus, the chunk vectors are also in the
                         collection the manifest names; see milvus.py)
A build writes a new version folder and only then points CURRENT at it, so an
interrupted build leaves the previous index loadable.

An update is linear in what changed: articles whose content hash is unchanged keep
their chunks, tokens and vectors from the live version (nothing re-read but arrays);
only new or changed articles are chunked, tokenised and embedded.
"""
from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import shutil
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
from llama_index.core.schema import NodeWithScore, TextNode

from assistant.ingest.chunking import chunk_article
from assistant.records import Article
from assistant.index import milvus, versions
from assistant.index.dense import (DenseStore, build_faiss, dense_plan, faiss_vectors,
                                       load_faiss, read_faiss, same_plan, save_faiss)
from assistant.text.guard import sentence_flags
from assistant.index.docstore import (DocStore, SpanTables, SpanTablesBuilder,
                                          read_articles, write_articles)
from assistant.index.embedding import ArrayEmbedding, resolve_embedder
from assistant.index import calibration
from assistant.index.retrievers import (CANDIDATES, DENSE_WEIGHT, dense_candidates,
                                            fuse_relative, hybrid_retriever,
                                            sparse_candidates)
from assistant.index.sparse import SparseIndex, TokenTable, TokenTableBuilder
from assistant.text.tokens import match_terms
from assistant.index.vectors import SentenceVectors

# 3: tokens of Traditional Chinese are cut from its Simplified form (tokens.simplified).
# 4: a chunk's vector is no longer embedded from its text but made from the vectors of its
#    sentences and heading (`chunk_vector`): the build embeds each sentence once instead of
#    the text twice. Same files as 3, so a format-3 index still loads and answers.
# 5: BM25 holds every Chinese character beside the jieba words (tokens.match_terms).
#    Same files as 4: a format-3/4 index loads and answers as before (its BM25 has no
#    character terms, so queries' are not found), with a warning to rebuild; the rebuild
#    re-embeds nothing (format 4's vectors are taken over).
FORMAT = 5
# Formats this version loads as they are (the files and their meaning are the same).
READABLE_FORMATS = (3, 4, 5)
# Versions whose vectors (keyed by embedder and text) a rebuild can still take.
VECTORS_REUSABLE_FROM = (2, 3, 4, 5)
# Versions whose chunk keys name chunk vectors made from sentence vectors (chunk_vector).
MADE_CHUNK_VECTORS = (4, 5)


class IndexNotFound(FileNotFoundError):
    """No index has been built in the folder yet."""


class IndexMismatch(ValueError):
    """The index was built with another embedder (or an incompatible format)."""


@dataclass
class Hit:
    """One retrieved chunk: its row in the document store and its fused score."""

    chunk: int
    score: float


@dataclass
class BuildReport:
    articles: int = 0
    chunks: int = 0
    sentences: int = 0
    embedded: int = 0
    reused: int = 0
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    seconds: float = 0.0


def _key(spec: str, text: str) -> str:
    return hashlib.sha1(f"{spec}\x00{text}".encode("utf-8")).hexdigest()


def embed_text(heading: str, chunk_text: str) -> str:
    """What the sparse index sees for a chunk (and what the dense one stands for): its
    heading gives the topic."""
    return f"{heading}\n{chunk_text}"


def chunk_vector(parts: list[tuple[np.ndarray, int]]) -> np.ndarray:
    """A chunk's dense vector from the vectors of its heading and sentences.

    `parts` are (unit vector, characters) pairs. The embedder pools a text by averaging
    its tokens, so the stand-in for embedding "heading\nsentences" whole is the average of
    the parts' vectors weighted by their length, normalised. Nothing here is fitted; the
    answer quality it gives is measured on CMRC 2018 dev (benchmarks/RESULTS.md).
    """
    total = None
    for vec, n in parts:
        if n > 0:
            v = np.asarray(vec, dtype=np.float32) * float(n)
            total = v if total is None else total + v
    if total is None:
        return np.zeros(len(parts[0][0]) if parts else 0, dtype=np.float32)
    norm = float(np.linalg.norm(total))
    return total / norm if norm > 0 else total


class NewsIndex:
    """A loaded index version: `docs`, `dense`, `sparse`, sentence vectors, embedder.

    For llama-index users: `as_retriever(similarity_top_k=K)` is a `BaseRetriever` (dense
    + BM25 fusion) returning chunk `TextNode`s; `article(id).text[node.start_char_idx:
    node.end_char_idx] == node.text`.

    Code outside `assistant/index` reads an index only through the methods and
    properties below "what answerers and front ends read" (tests/test_interfaces.py
    fails on a read of `docs`, `sparse` or `dense`): articles by id; chunks as rows
    (`article_of`, `chunk_sentences`, `chunk_mask`); sentences as rows and as keys
    (article id, start, end) (`sentences_of`, `sentence_key(s)`, `sentence_row`,
    `sentence_span`, `addresses_assistant`, `sentence_vector_rows`); words as BM25
    weighs them (`vocabulary`, `idf`, `max_idf`); `matchable_text` of an article.
    """

    def __init__(self, folder: Path, manifest: dict, docs: DocStore, dense: DenseStore,
                 sparse: SparseIndex, sentence_vectors: np.ndarray, embedder: ArrayEmbedding):
        self.folder = folder
        self.manifest = manifest
        self.docs = docs
        self.dense = dense
        self.sparse = sparse
        self.sentence_vectors = sentence_vectors
        self.embedder = embedder
        self._pinyin = None

    # what answerers and front ends read ---------------------------------------------
    @property
    def articles(self) -> dict[str, Article]:
        return self.docs.articles

    @property
    def article_order(self) -> list[str]:
        return self.docs.order

    @property
    def chunks(self):
        return self.docs.chunks

    @property
    def chunks_of(self):
        return self.docs.chunks_of

    def article(self, article_id: str) -> Article:
        try:
            return self.docs.articles[article_id]
        except KeyError:
            raise KeyError(f"no article {article_id!r} in the index {self.folder}") from None

    def matchable_text(self, article_id: str) -> str:
        """An article's heading and text as lexical matching compares them: NFKC,
        Simplified, lower-cased (made once per article, then cached)."""
        return self.docs.matchable(article_id)

    # chunks, as rows of the document store
    @property
    def n_chunks(self) -> int:
        return len(self.docs)

    def article_of(self, chunk_row: int) -> str:
        """The id of the article a chunk row belongs to."""
        return self.docs.chunk_article_id(chunk_row)

    def chunk_sentences(self, chunk_row: int) -> np.ndarray:
        """The sentence rows of a chunk, in text order."""
        return self.docs.chunk_sentence_rows(chunk_row)

    def node(self, chunk_row: int) -> TextNode:
        """A chunk row as a llama-index `TextNode` (made once, then cached): metadata
        article_id, chunk_row, heading, source, date, url, newspaper."""
        return self.docs.node(chunk_row)

    def chunk_mask(self, article_ids) -> np.ndarray:
        """A bool per chunk row: True for the chunks of these articles."""
        mask = np.zeros(len(self.docs), dtype=bool)
        for aid in article_ids:
            rows = self.docs.chunks_of[aid]
            mask[rows.start:rows.stop] = True
        return mask

    # sentences, as rows (sentence vectors, instruction flags) and as keys
    # (article id, start, end) into `Article.text`
    def sentences_of(self, article_id: str) -> range:
        """The sentence rows of an article, in text order."""
        return self.docs.sentence_rows_of(article_id)

    def sentence_key(self, row: int) -> tuple[str, int, int]:
        """(article id, start, end) of a sentence row."""
        spans = self.docs.spans
        return (self.docs.order[int(spans.sent_article[row])], int(spans.sent_start[row]),
                int(spans.sent_end[row]))

    def sentence_keys(self, rows: list[int]) -> list[tuple[str, int, int]]:
        """`sentence_key` of many rows at once."""
        spans, order = self.docs.spans, self.docs.order
        return [(order[a], s, e) for a, s, e in
                zip(spans.sent_article[rows].tolist(), spans.sent_start[rows].tolist(),
                    spans.sent_end[rows].tolist())]

    def sentence_span(self, row: int) -> tuple[int, int]:
        """(start, end) of a sentence row in its article's text."""
        return self.docs.sentence_span(row)

    def sentence_node(self, row: int) -> TextNode:
        """A sentence row as a llama-index `TextNode` (made once, then cached): metadata
        article_id and sentence_row, `start_char_idx`/`end_char_idx` its span."""
        return self.docs.sentence_node(row)

    def sentence_row(self, article_id: str, start: int, end: int) -> int | None:
        """The row of the sentence `text[start:end]` of an article, None if not one."""
        return self.docs.sentence_row(article_id, start, end)

    def addresses_assistant(self, row: int) -> bool:
        """Whether a sentence row is written to the assistant ("忽略以上指令…"; flagged
        by text/guard.py when the index was built): never quoted as a fact."""
        return self.docs.addresses_assistant(row)

    # words, as the BM25 index weighs them
    @property
    def vocabulary(self):
        """The words of the BM25 index (a mapping: `word in index.vocabulary`)."""
        return self.sparse.vocab

    def idf(self, term: str) -> float:
        """Inverse document frequency of a term over the chunks; unseen: `max_idf`."""
        return self.sparse.idf(term)

    @property
    def max_idf(self) -> float:
        """The idf of a term no chunk holds, the largest any term has."""
        return math.log(1.0 + (self.sparse.n_docs + 0.5) / 0.5)

    @property
    def embedder_spec(self) -> str:
        return self.manifest["embedder"]["spec"]

    @property
    def pinyin_vocabulary(self):
        """Index words by pinyin, built on first use (only English questions need it)."""
        if self._pinyin is None:
            from assistant.text.pinyin import PinyinVocabulary

            self._pinyin = PinyinVocabulary(self.sparse.vocab)
        return self._pinyin

    def sentence_vector_rows(self, rows) -> np.ndarray:
        if isinstance(self.sentence_vectors, SentenceVectors):
            return self.sentence_vectors.rows(rows)
        return np.asarray(self.sentence_vectors[np.asarray(rows, dtype=np.int64)],
                          dtype=np.float32)

    # loading -----------------------------------------------------------------------
    @classmethod
    def load(cls, index_dir: str | Path, embed_model: str | None = None,
             vector_store: str | None = None) -> "NewsIndex":
        """Load the live version; `embed_model`, if given, must match the manifest's.

        `vector_store` (a --vector-store value) says where the manifest's Milvus
        collection is now; 'faiss' reads the FAISS copy instead.
        """
        root = Path(index_dir)
        # A shared lock on the version read: no build prunes it until it is released
        # (`index.hold.release()`, or when the index is garbage-collected).
        hold = versions.hold_current(root)
        version = hold.folder if hold is not None else None
        if version is None or not (version / "manifest.json").is_file():
            raise IndexNotFound(f"no index in {root}: build one with `assistant index "
                                f"--index-dir {root}`")
        manifest = json.loads((version / "manifest.json").read_text(encoding="utf-8"))
        if manifest.get("format") not in READABLE_FORMATS:
            raise IndexMismatch(f"the index in {root} has format {manifest.get('format')}, "
                                f"this version reads formats "
                                f"{', '.join(map(str, READABLE_FORMATS))}: rebuild it with "
                                f"`assistant index --index-dir {root}`")
        if manifest.get("format") != FORMAT:
            logging.getLogger(__name__).warning(
                "the index in %s has format %s: it answers, but matches Traditional Chinese "
                "and words jieba cuts differently less well than format %s; rebuild it with "
                "`assistant index --index-dir %s` (nothing is embedded again)",
                root, manifest.get("format"), FORMAT, root)
        spec = manifest["embedder"]["spec"]
        if embed_model and embed_model != spec:
            raise IndexMismatch(
                f"the index in {root} was built with embedder {spec!r} "
                f"(dimension {manifest['embedder']['dim']}), not {embed_model!r}: rebuild it "
                f"with `assistant index --index-dir {root} --embed-model {embed_model}`")
        embedder = resolve_embedder(spec)
        if embedder.dim != manifest["embedder"]["dim"]:
            raise IndexMismatch(f"embedder {spec!r} now gives dimension {embedder.dim}, the "
                                f"index in {root} has {manifest['embedder']['dim']}: rebuild it")
        docs = DocStore(read_articles(version / "articles.jsonl"), SpanTables.load(version))
        svec = SentenceVectors(version / "sentence_vectors.npy")
        # The per-article vector keys serve updates only (read from disk then): a list of
        # hashes per sentence is not kept in memory (50 MB at 100k chunks).
        manifest["articles"] = [{k: v for k, v in a.items() if not k.endswith("_keys")}
                                for a in manifest.get("articles", [])]
        index = cls(root, manifest, docs, open_dense(version, manifest, docs, vector_store),
                    SparseIndex.load(version), svec, embedder)
        index.version, index.hold = version.name, hold
        return index

    # retrieval ---------------------------------------------------------------------
    def as_retriever(self, similarity_top_k: int = 8, candidates: int = CANDIDATES,
                     dense_weight: float = DENSE_WEIGHT, filters=None,
                     sentence_share: float = 0.0):
        """A llama-index `BaseRetriever`: dense + BM25, fused by relative score.

        `filters`: a `SourceFilter` or llama-index `MetadataFilters` over the chunk
        metadata (article_id, source, newspaper, date, ...): only matching chunks are
        searched, by both retrievers. `sentence_share`: see `hybrid_retriever`."""
        return hybrid_retriever(self, similarity_top_k, candidates, dense_weight,
                                allowed=self.allowed_rows(filters),
                                sentence_share=sentence_share)

    def allowed_rows(self, filters) -> np.ndarray | None:
        """The chunk-row mask of a `SourceFilter` or `MetadataFilters` (None: all)."""
        from assistant.index.filters import SourceFilter, rows_from_metadata_filters

        if filters is None or (isinstance(filters, SourceFilter) and not filters.active):
            return None
        if isinstance(filters, SourceFilter):
            return filters.allowed_rows(self)
        return rows_from_metadata_filters(self, filters)

    def search(self, query: str, k: int = 8, qvec: np.ndarray | None = None,
               candidates: int = CANDIDATES, extra_tokens: list[str] = (),
               dense_weight: float = DENSE_WEIGHT,
               allowed: np.ndarray | None = None,
               sentence_share: float = 0.0) -> list[Hit]:
        """Hybrid search as rows and fused scores.

        `extra_tokens` are added to the BM25 query only (Chinese words an English
        question names in pinyin); `qvec`, the question's embedding, saves embedding it.
        `allowed` (a chunk-row mask, `allowed_rows`) restricts the search to those rows.
        `sentence_share` > 0 scores the dense candidates partly by their best sentence
        (`retrievers.DenseRetriever`; English questions use it).
        """
        if qvec is None:
            qvec = self.embedder.embed_query(query)
        text = " ".join([query, *extra_tokens]) if extra_tokens else query
        # What `as_retriever(...).retrieve(...)` returns, on rows: a llama-index node is made
        # only for a hit a caller reads (`docs.node`), not for each of the 100 candidates.
        lists = [dense_candidates(self, np.asarray(qvec, dtype=np.float32), candidates,
                                  allowed, sentence_share),
                 sparse_candidates(self, text, candidates, allowed)]
        return [Hit(chunk=r, score=s)
                for r, s in fuse_relative(lists, [dense_weight, 1.0 - dense_weight], k)]

    def search_nodes(self, query: str, k: int = 8, **kw) -> list[NodeWithScore]:
        """`search` as llama-index nodes: each hit's chunk `TextNode` (`node`; its row is
        `metadata["chunk_row"]`) with its fused score."""
        return [NodeWithScore(node=self.docs.node(h.chunk), score=h.score)
                for h in self.search(query, k, **kw)]


def open_dense(folder: Path, manifest: dict, docs, vector_store: str | None = None) -> DenseStore:
    """The dense store a version's manifest names: FAISS in `folder` unless it says Milvus.

    `vector_store` (a --vector-store value) overrides where the manifest's store is.
    Here rather than in dense.py, which milvus.py imports: store.py knows both.
    """
    if not manifest.get("vector_store") and not vector_store:
        return load_faiss(folder, manifest.get("dense"))
    return milvus.open_dense(folder, manifest.get("vector_store"), vector_store, docs)


def open_index(index_dir: str | Path) -> NewsIndex:
    """The live index in `index_dir`, for library use (see the README)."""
    return NewsIndex.load(index_dir)


# building ------------------------------------------------------------------------------
def current_version(root: Path) -> Path | None:
    pointer = root / "CURRENT"
    if not pointer.is_file():
        return None
    version = root / pointer.read_text(encoding="utf-8").strip()
    return version if (version / "manifest.json").is_file() else None


@dataclass
class _Previous:
    """What an update can take from the live version built with the same embedder."""

    by_hash: dict[str, int] = field(default_factory=dict)   # article hash -> position
    articles: list[dict] = field(default_factory=list)       # manifest entries
    spans: SpanTables | None = None
    tokens: TokenTable | None = None
    chunk_vecs: np.ndarray | None = None
    sent_vecs: np.ndarray | None = None
    vec_by_key: dict[str, tuple[str, int]] = field(default_factory=dict)
    folder: Path | None = None    # the live version (its dense index can be added to)
    dense: dict | None = None     # its dense plan (dense.dense_plan)

    def vector(self, kind: str, row: int) -> np.ndarray:
        return (self.chunk_vecs if kind == "c" else self.sent_vecs)[row]


def _previous(root: Path, spec: str) -> _Previous:
    version = current_version(root)
    if version is None:
        return _Previous()
    try:
        manifest = json.loads((version / "manifest.json").read_text(encoding="utf-8"))
        prev = _Previous(articles=manifest.get("articles", []))
        if manifest.get("format") not in VECTORS_REUSABLE_FROM or \
                manifest["embedder"]["spec"] != spec:
            return prev
        prev.chunk_vecs = faiss_vectors(version)
        prev.folder, prev.dense = version, manifest.get("dense")
        prev.sent_vecs = np.load(version / "sentence_vectors.npy", mmap_mode="r")
        if manifest.get("format") == FORMAT:
            # Same format: unchanged articles keep their spans and tokens too.
            prev.spans = SpanTables.load(version)
            prev.tokens = TokenTable.load(version)
            prev.by_hash = {a["hash"]: i for i, a in enumerate(prev.articles)}
        c = s = 0
        for a in prev.articles:
            for k in a["chunk_keys"]:
                # Only format 4's and later chunk keys name made vectors (older ones:
                # embedded whole)
                if manifest.get("format") in MADE_CHUNK_VECTORS:
                    prev.vec_by_key.setdefault(k, ("c", c))
                c += 1
            for k in a["sentence_keys"]:
                prev.vec_by_key.setdefault(k, ("s", s))
                s += 1
        return prev
    except (OSError, KeyError, ValueError, RuntimeError):
        return _Previous()  # an unreadable old index is simply not reused


Stage = Callable[[str, int, int], None]   # (stage name, done, total)


def build_index(articles: list[Article], index_dir: str | Path, embed_model: str | None = None,
                progress: Callable[[int, int], None] | None = None,
                vector_store: str | None = None, stage: Stage | None = None) -> BuildReport:
    """Build (or update) the index in `index_dir` from `articles`.

    Articles unchanged since the live version (same content hash, same embedder) keep
    their chunks, tokens and vectors; other text is embedded unless the live version
    holds the same text already. `progress(done, total)` follows the embedding;
    `stage(name, done, total)` follows "parsing" (articles), "embedding" (texts) and
    "writing". `vector_store` (a --vector-store value) also writes the chunk vectors to
    Milvus. Runs under the folder's writer lock (versions.writer_lock; re-entrant, so a
    caller that read the live articles under it keeps it), reading the live version
    from disk under it.
    """
    with versions.writer_lock(index_dir):
        return _build_locked(articles, index_dir, embed_model, progress, vector_store, stage)


def _build_locked(articles, index_dir, embed_model, progress, vector_store, stage) -> BuildReport:
    t0 = time.time()
    stage = stage or (lambda name, done, total: None)
    root = Path(index_dir)
    target = milvus.parse_vector_store(vector_store)
    if target is not None:
        milvus.check(target, create=True)  # before the embedding, not after
    root.mkdir(parents=True, exist_ok=True)
    embedder = resolve_embedder(embed_model)
    spec = embedder.spec
    prev = _previous(root, spec)

    spans = SpanTablesBuilder()
    tokens = TokenTableBuilder()
    # Where each vector comes from: ("old", kind, row) or ("new", position in `todo`);
    # a chunk's may also be ("made", [(source, characters), ...]) (`chunk_vector`).
    chunk_src: list[tuple] = []
    sent_src: list[tuple] = []
    todo: dict[str, int] = {}
    todo_texts: list[str] = []
    report = BuildReport(articles=len(articles))
    old_hash = {a["id"]: a["hash"] for a in prev.articles}
    manifest_articles = []

    def need(key: str, text: str) -> tuple:
        if key in prev.vec_by_key:
            return ("old",) + prev.vec_by_key[key]
        if key not in todo:
            todo[key] = len(todo_texts)
            todo_texts.append(text)
        return ("new", todo[key])

    stage("parsing", 0, len(articles))
    for n_done, a in enumerate(articles):
        if n_done % 50 == 0:
            stage("parsing", n_done, len(articles))
        h = a.content_hash()
        if a.id not in old_hash:
            report.added.append(a.id)
        elif old_hash[a.id] != h:
            report.changed.append(a.id)
        pos = prev.by_hash.get(h) if prev.spans is not None else None
        if pos is not None:
            # Unchanged text: take its rows from the live version, re-read nothing.
            ps = prev.spans
            c0, c1 = int(ps.chunk_ptr[pos]), int(ps.chunk_ptr[pos + 1])
            s0, s1 = int(ps.sent_ptr[pos]), int(ps.sent_ptr[pos + 1])
            chunks = []
            for r in range(c0, c1):
                sents = [(int(ps.sent_start[x]), int(ps.sent_end[x])) for x in
                         ps.chunk_sents[ps.chunk_sent_ptr[r]:ps.chunk_sent_ptr[r + 1]]]
                chunks.append((int(ps.chunk_start[r]), int(ps.chunk_end[r]), sents))
                tokens.add_row(prev.tokens, r)
                chunk_src.append(("old", "c", r))
            spans.add_article(chunks)
            old_entry = prev.articles[pos]
            sent_src.extend(("old", "s", r) for r in range(s0, s1))
            manifest_articles.append(dict(old_entry, id=a.id, source=a.source))
            continue
        text, heading = a.text, a.heading
        chunks = chunk_article(a)
        spans.add_article([(c.start, c.end, c.sentences) for c in chunks])
        a_sent_keys = []
        sent_of: dict[tuple[int, int], tuple] = {}
        for s, e in sorted({s for c in chunks for s in c.sentences}):
            t = text[s:e]
            k = _key(spec, "s\x00" + t)
            a_sent_keys.append(k)
            sent_of[(s, e)] = need(k, t)
            sent_src.append(sent_of[(s, e)])
        a_chunk_keys = []
        head_src = None
        for c in chunks:
            t = embed_text(heading, c.text)
            tokens.add_tokens(match_terms(t))
            k = _key(spec, "c4\x00" + t)
            a_chunk_keys.append(k)
            if k in prev.vec_by_key:
                chunk_src.append(("old",) + prev.vec_by_key[k])
                continue
            parts = [(sent_of[sp], sp[1] - sp[0]) for sp in c.sentences]
            if heading.strip():
                if head_src is None:
                    head_src = need(_key(spec, "h\x00" + heading), heading)
                parts.insert(0, (head_src, len(heading)))
            chunk_src.append(("made", parts))
        manifest_articles.append({"id": a.id, "source": a.source, "hash": h,
                                  "chunks": len(chunks), "chunk_keys": a_chunk_keys,
                                  "sentence_keys": a_sent_keys})
    stage("parsing", len(articles), len(articles))
    ids = {a.id for a in articles}
    report.removed = [i for i in old_hash if i not in ids]

    report.embedded = len(todo_texts)
    report.chunks, report.sentences = len(chunk_src), len(sent_src)
    report.reused = sum(1 for s in chunk_src if s[0] == "old") + \
        sum(1 for s in sent_src if s[0] == "old")
    todo.clear()  # the lookup is done (its keys live on in the manifest)
    # Only articles added after the live version's (rows 0..m-1 are its rows 0..m-1, same
    # dense plan): its dense index is taken as it is and the new rows added (an HNSW
    # graph is not built again). Anything else builds the dense index anew.
    n_prev = 0 if prev.chunk_vecs is None else len(prev.chunk_vecs)
    kept_prefix = (0 < n_prev <= len(chunk_src) and prev.folder is not None
                   and same_plan(prev.dense, dense_plan(len(chunk_src)))
                   and all(chunk_src[i] == ("old", "c", i) for i in range(n_prev)))
    chunk_vecs, sent_vecs = _embed_and_gather(embedder, todo_texts, chunk_src, sent_src, prev,
                                              progress, stage)
    plan = dense_plan(len(chunk_vecs))
    dense = build_faiss(chunk_vecs, embedder.dim, plan,
                        base=read_faiss(prev.folder) if kept_prefix else None)
    if target is None:
        chunk_vecs = None  # FAISS holds its own (float16) copy; only Milvus needs them again
    table = tokens.build()
    del tokens
    sparse = SparseIndex.build(table)
    manifest = {
        "format": FORMAT,
        "embedder": {"spec": spec, "dim": embedder.dim, "model_name": embedder.model_name},
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "articles": manifest_articles,
        "n_chunks": report.chunks,
        "n_sentences": report.sentences,
        "dense": plan,
    }
    stamp = time.strftime("%Y%m%dT%H%M%S") + f"-{uuid.uuid4().hex[:10]}"
    staging = root / f"tmp-{stamp}"
    staging.mkdir()
    collection = None
    try:
        write_articles(staging / "articles.jsonl", articles)
        span_tables = spans.build()
        # Sentences written to the assistant, flagged once here (text/guard.py).
        span_tables.sent_flags = sentence_flags(articles, span_tables)
        span_tables.save(staging)
        # The similarity settings of this embedder, by name (index/calibration.py).
        manifest["calibration"] = calibration.for_build(
            spec, articles, DocStore(articles, span_tables), embedder.embed_query,
            lambda rows: sent_vecs[np.asarray(rows, dtype=np.int64)]).to_manifest()
        table.save(staging)
        save_faiss(dense, staging)
        sparse.save(staging)
        np.save(staging / "sentence_vectors.npy", sent_vecs)
        if target is not None:
            collection = milvus.collection_name(stamp)
            milvus.write_collection(target, collection, DocStore(articles, span_tables),
                                    chunk_vecs)
            manifest["vector_store"] = milvus.manifest_entry(target, collection)
        # The manifest goes last: a version folder without one is never loaded.
        (staging / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False),
                                               encoding="utf-8")
        final = root / f"v-{stamp}"
        staging.rename(final)
        pointer_tmp = root / f"CURRENT.{stamp}.tmp"
        pointer_tmp.write_text(final.name, encoding="utf-8")
        os.replace(pointer_tmp, root / "CURRENT")
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if collection is not None:
            milvus.drop_quietly(target, collection)
        raise
    _prune(root, keep=final.name, target=target)
    stage("writing", 1, 1)
    report.seconds = time.time() - t0
    return report


# Texts embedded per call: a multiple of the embedders' batch of 16 (embedding.py), so the
# batches, hence the vectors, are those of one call over all the texts.
EMBED_BLOCK = 16 * 2048


def _embed_and_gather(embedder, todo_texts: list[str], chunk_src: list[tuple],
                      sent_src: list[tuple], prev: _Previous, progress, stage):
    """Chunk vectors (float32) and sentence vectors (float16, as saved), embedding
    `todo_texts` a block at a time.

    Memory: the embedded vectors are not all held at once (float32, 750 MB at 100k
    chunks). After each block, the sentences it holds are cast into their rows and the
    chunks whose parts are all embedded are made (`chunk_vector`); the few float32
    vectors a later block's chunk still needs (a text met again in a later article) are
    kept aside. The values are those of embedding everything first. `chunk_src` and
    `sent_src` are emptied as they are consumed; `todo_texts` too.
    """
    dim, n_todo = embedder.dim, len(todo_texts)
    chunk_vecs = np.zeros((len(chunk_src), dim), dtype=np.float32)
    sent_vecs = np.zeros((len(sent_src), dim), dtype=np.float16)

    def last_new(s: tuple) -> int:
        """The last embedded text a vector needs (-1: none)."""
        if s[0] == "new":
            return s[1]
        if s[0] == "made":
            return max((last_new(p) for p, _ in s[1]), default=-1)
        return -1

    # Chunks by the block after which they can be made; texts to keep for later blocks.
    by_block: dict[int, list[int]] = {}
    keep: set[int] = set()
    for i, s in enumerate(chunk_src):
        last = last_new(s)
        blk = last // EMBED_BLOCK if last >= 0 else -1
        by_block.setdefault(blk, []).append(i)
        if s[0] == "made" and blk >= 0:
            keep.update(p[1] for p, _ in s[1]
                        if p[0] == "new" and p[1] // EMBED_BLOCK < blk)
    kept: dict[int, np.ndarray] = {}
    cur = np.zeros((0, dim), dtype=np.float32)
    lo = 0

    def one(s: tuple) -> np.ndarray:
        if s[0] == "new":
            j = s[1]
            return cur[j - lo] if j >= lo else kept[j]
        if s[0] == "made":
            return chunk_vector([(one(p), n) for p, n in s[1]])
        return prev.vector(s[1], s[2])

    def make_chunks(blk: int) -> None:
        for i in by_block.pop(blk, ()):
            chunk_vecs[i] = one(chunk_src[i])
            chunk_src[i] = None

    # Sentence rows by the embedded text they take, in text order (others: from `prev`).
    rows = np.fromiter((i for i, s in enumerate(sent_src) if s[0] == "new"), dtype=np.int64)
    src = np.fromiter((s[1] for s in sent_src if s[0] == "new"), dtype=np.int64,
                      count=len(rows))
    order = np.argsort(src, kind="stable")
    rows, src = rows[order], src[order]
    del order
    for i, s in enumerate(sent_src):
        if s[0] != "new":
            sent_vecs[i] = prev.vector(s[1], s[2])
    sent_src.clear()
    make_chunks(-1)

    done = 0

    def step(k: int) -> None:
        nonlocal done
        done += k
        if progress:
            progress(done, n_todo)
        stage("embedding", done, n_todo)

    if n_todo:
        stage("embedding", 0, n_todo)
    for lo in range(0, n_todo, EMBED_BLOCK):
        hi = min(lo + EMBED_BLOCK, n_todo)
        cur = np.asarray(embedder.embed_passages(todo_texts[lo:hi], progress=step),
                         dtype=np.float32)
        a, b = np.searchsorted(src, lo), np.searchsorted(src, hi)
        sent_vecs[rows[a:b]] = cur[src[a:b] - lo]
        make_chunks(lo // EMBED_BLOCK)
        for j in [j for j in keep if lo <= j < hi]:
            kept[j] = cur[j - lo].copy()
            keep.discard(j)
    todo_texts.clear()
    chunk_src.clear()
    stage("writing", 0, 1)
    return chunk_vecs, sent_vecs


def _prune(root: Path, keep: str, target: "milvus.MilvusTarget | None" = None) -> None:
    """Remove superseded versions and staging folders left by interrupted builds.

    A removed version's Milvus collection is dropped (also tried on `target`, the new
    version's store: where it is if the server moved).
    """
    # A version a reader holds stays (versions.prune); the next build removes it.
    versions.prune(root, keep, drop=lambda p: milvus.drop_version(p, target))
