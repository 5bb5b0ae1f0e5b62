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
A build (build.py) writes a new version folder and only then points CURRENT at it, so
an interrupted build leaves the previous index loadable. Here: the version's format, its
loading (`NewsIndex.load`, `open_index`) and search.
"""
from __future__ import annotations

import json
import logging
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from llama_index.core.schema import NodeWithScore, TextNode

from assistant.records import Article
from assistant.index import milvus, versions
from assistant.index.dense import DenseStore, load_faiss
from assistant.index.docstore import DocStore, SpanTables, read_articles
from assistant.index.embedding import ArrayEmbedding, resolve_embedder
from assistant.index.retrievers import (CANDIDATES, DENSE_WEIGHT, dense_candidates,
                                            fuse_relative, hybrid_retriever,
                                            sparse_candidates)
from assistant.index.sparse import SparseIndex
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


class IndexNotFound(FileNotFoundError):
    """No index has been built in the folder yet."""


class IndexMismatch(ValueError):
    """The index was built with another embedder (or an incompatible format)."""


@dataclass
class Hit:
    """One retrieved chunk: its row in the document store and its fused score."""

    chunk: int
    score: float


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


# versions ------------------------------------------------------------------------------
def current_version(root: Path) -> Path | None:
    pointer = root / "CURRENT"
    if not pointer.is_file():
        return None
    version = root / pointer.read_text(encoding="utf-8").strip()
    return version if (version / "manifest.json").is_file() else None


