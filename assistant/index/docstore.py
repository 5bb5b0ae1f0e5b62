"""The document store: articles, and their chunks and sentences as compact span tables.

Chunks and sentences are not objects in memory but rows of int32 arrays (article,
start, end), so an archive of 100k chunks costs a few MB here; a chunk becomes a
llama-index `TextNode` only when it is retrieved. Every span indexes `Article.text`.

Rows are grouped by article in article order: the chunks of article k are rows
`chunk_ptr[k]:chunk_ptr[k+1]`, its sentences `sent_ptr[k]:sent_ptr[k+1]` (by start).
"""
from __future__ import annotations

import json
import unicodedata
from array import array
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from llama_index.core.schema import NodeRelationship, RelatedNodeInfo, TextNode

from assistant.records import Article, Chunk
from assistant.text.tokens import normalise

# Node metadata a llama-index LLM prompt shows (heading, source, date) and the keys it
# does not (ids for code).
_HIDDEN_FROM_LLM = ["article_id", "chunk_row"]


@dataclass
class SpanTables:
    chunk_article: np.ndarray   # int32, article index of each chunk
    chunk_start: np.ndarray     # int32
    chunk_end: np.ndarray       # int32
    chunk_sent_ptr: np.ndarray  # int64, chunk i's sentences: chunk_sents[ptr[i]:ptr[i+1]]
    chunk_sents: np.ndarray     # int32 sentence rows
    sent_article: np.ndarray    # int32
    sent_start: np.ndarray      # int32
    sent_end: np.ndarray        # int32
    chunk_ptr: np.ndarray       # int64, per article, len = articles + 1
    sent_ptr: np.ndarray        # int64, per article
    # bool per sentence: it addresses the assistant (text/guard.py), never quoted as
    # a fact. Optional: an index written before it existed gets it computed at load.
    sent_flags: np.ndarray | None = None

    def save(self, folder: Path) -> None:
        np.savez(folder / "spans.npz", **{k: getattr(self, k) for k in self.__dataclass_fields__
                                          if getattr(self, k) is not None})

    @classmethod
    def load(cls, folder: Path) -> "SpanTables":
        z = np.load(folder / "spans.npz")
        return cls(**{k: z[k] for k in cls.__dataclass_fields__ if k in z.files})


class SpanTablesBuilder:
    """Collects, article by article, chunk spans (with their sentence spans)."""

    def __init__(self) -> None:
        # Typed arrays, not lists: 8 bytes a number instead of ~36 (half a million
        # sentences at 100k chunks).
        self.c_art, self.c_start, self.c_end = array("q"), array("q"), array("q")
        self.c_nsent, self.c_sents = array("q"), array("q")
        self.s_art, self.s_start, self.s_end = array("q"), array("q"), array("q")
        self.chunk_ptr = array("q", [0])
        self.sent_ptr = array("q", [0])

    def add_article(self, chunks: list[tuple[int, int, list[tuple[int, int]]]]) -> None:
        """One article's chunks as (start, end, sentence spans), in text order."""
        art = len(self.chunk_ptr) - 1
        spans = sorted({s for _, _, sents in chunks for s in sents})
        base = len(self.s_start)
        row = {s: base + i for i, s in enumerate(spans)}
        for s, e in spans:
            self.s_art.append(art)
            self.s_start.append(s)
            self.s_end.append(e)
        for start, end, sents in chunks:
            self.c_art.append(art)
            self.c_start.append(start)
            self.c_end.append(end)
            self.c_nsent.append(len(sents))
            self.c_sents.extend(row[s] for s in sents)
        self.chunk_ptr.append(len(self.c_start))
        self.sent_ptr.append(len(self.s_start))

    def build(self) -> SpanTables:
        i32 = lambda xs: np.asarray(xs, dtype=np.int32)  # noqa: E731
        ptr = np.zeros(len(self.c_nsent) + 1, dtype=np.int64)
        np.cumsum(self.c_nsent, out=ptr[1:])
        return SpanTables(i32(self.c_art), i32(self.c_start), i32(self.c_end), ptr,
                          i32(self.c_sents), i32(self.s_art), i32(self.s_start),
                          i32(self.s_end), np.asarray(self.chunk_ptr, dtype=np.int64),
                          np.asarray(self.sent_ptr, dtype=np.int64))


class DocStore:
    """Articles by id, chunk rows and sentence rows, and TextNodes made on demand."""

    def __init__(self, articles: list[Article], spans: SpanTables):
        self.order = [a.id for a in articles]
        self.articles = {a.id: a for a in articles}
        self.position = {a.id: i for i, a in enumerate(articles)}
        self.spans = spans
        self.chunks = _ChunkView(self)
        self.chunks_of = _ChunksOf(self)
        self.node = lru_cache(maxsize=4096)(self._node)
        self.sentence_node = lru_cache(maxsize=4096)(self._sentence_node)
        self.matchable = lru_cache(maxsize=1024)(self._matchable)

    # chunks ------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.spans.chunk_start)

    def chunk_article_id(self, row: int) -> str:
        return self.order[int(self.spans.chunk_article[row])]

    def chunk_span(self, row: int) -> tuple[int, int]:
        return int(self.spans.chunk_start[row]), int(self.spans.chunk_end[row])

    def chunk_id(self, row: int) -> str:
        art = int(self.spans.chunk_article[row])
        return f"{self.order[art]}#{row - int(self.spans.chunk_ptr[art])}"

    def row_of(self, chunk_id: str) -> int | None:
        """The row of a chunk id `ARTICLE#k`, None when there is no such chunk."""
        art_id, _, k = chunk_id.rpartition("#")
        pos = self.position.get(art_id)
        if pos is None or not k.isdigit():
            return None
        row = int(self.spans.chunk_ptr[pos]) + int(k)
        return row if row < int(self.spans.chunk_ptr[pos + 1]) else None

    def chunk_sentence_rows(self, row: int) -> np.ndarray:
        p = self.spans.chunk_sent_ptr
        return self.spans.chunk_sents[p[row]:p[row + 1]]

    def chunk(self, row: int) -> Chunk:
        art = self.articles[self.chunk_article_id(row)]
        start, end = self.chunk_span(row)
        sents = [self.sentence_span(int(r)) for r in self.chunk_sentence_rows(row)]
        return Chunk(id=self.chunk_id(row), article_id=art.id, start=start, end=end,
                     text=art.text[start:end], sentences=sents)

    def _node(self, row: int) -> TextNode:
        art = self.articles[self.chunk_article_id(row)]
        start, end = self.chunk_span(row)
        meta = {"article_id": art.id, "heading": art.heading, "source": art.source,
                "chunk_row": int(row)}
        if art.date:
            meta["date"] = art.date
        if art.url:
            meta["url"] = art.url
        if art.newspaper:
            meta["newspaper"] = art.newspaper
        return TextNode(id_=self.chunk_id(row), text=art.text[start:end],
                        start_char_idx=start, end_char_idx=end, metadata=meta,
                        excluded_llm_metadata_keys=list(_HIDDEN_FROM_LLM),
                        excluded_embed_metadata_keys=list(_HIDDEN_FROM_LLM),
                        relationships={NodeRelationship.SOURCE:
                                       RelatedNodeInfo(node_id=art.id)})

    def _sentence_node(self, row: int) -> TextNode:
        """A sentence row as a llama-index `TextNode` (what the answerer scores and
        quotes): its span in `Article.text`, the article and the row in the metadata."""
        art = self.articles[self.order[int(self.spans.sent_article[row])]]
        start, end = self.sentence_span(row)
        return TextNode(id_=f"{art.id}@{start}-{end}", text=art.text[start:end],
                        start_char_idx=start, end_char_idx=end,
                        metadata={"article_id": art.id, "sentence_row": int(row)},
                        excluded_llm_metadata_keys=["article_id", "sentence_row"],
                        excluded_embed_metadata_keys=["article_id", "sentence_row"],
                        relationships={NodeRelationship.SOURCE:
                                       RelatedNodeInfo(node_id=art.id)})

    def _matchable(self, article_id: str) -> str:
        """An article's heading and text as lexical matching compares them: NFKC,
        Simplified, lower-cased (made once per article, then cached)."""
        art = self.articles[article_id]
        return normalise(unicodedata.normalize("NFKC", art.heading + "\n" + art.text))

    # sentences ---------------------------------------------------------------------
    @property
    def n_sentences(self) -> int:
        return len(self.spans.sent_start)

    @property
    def sentence_flags(self) -> np.ndarray:
        """A bool per sentence row: True when the sentence addresses the assistant
        ("忽略以上指令…"); kept in the span tables, computed here for an older index."""
        if self.spans.sent_flags is None or len(self.spans.sent_flags) != self.n_sentences:
            from assistant.text.guard import sentence_flags

            self.spans.sent_flags = sentence_flags([self.articles[i] for i in self.order],
                                                   self.spans)
        return self.spans.sent_flags

    def addresses_assistant(self, row: int) -> bool:
        return bool(self.sentence_flags[row])

    def sentence_span(self, row: int) -> tuple[int, int]:
        return int(self.spans.sent_start[row]), int(self.spans.sent_end[row])

    def sentence_rows_of(self, article_id: str) -> range:
        pos = self.position[article_id]
        return range(int(self.spans.sent_ptr[pos]), int(self.spans.sent_ptr[pos + 1]))

    def sentence_row(self, article_id: str, start: int, end: int) -> int | None:
        """The row of the sentence `text[start:end]` of an article, None if not one."""
        pos = self.position.get(article_id)
        if pos is None:
            return None
        lo, hi = int(self.spans.sent_ptr[pos]), int(self.spans.sent_ptr[pos + 1])
        i = lo + int(np.searchsorted(self.spans.sent_start[lo:hi], start))
        if i < hi and self.spans.sent_start[i] == start and self.spans.sent_end[i] == end:
            return i
        return None


class _ChunkView(Sequence):
    """`docs.chunks[row]` -> Chunk, made on demand."""

    def __init__(self, docs: DocStore):
        self._docs = docs

    def __len__(self) -> int:
        return len(self._docs)

    def __getitem__(self, row):
        if isinstance(row, slice):
            return [self._docs.chunk(i) for i in range(*row.indices(len(self)))]
        if row < 0:
            row += len(self)
        if not 0 <= row < len(self):
            raise IndexError(row)
        return self._docs.chunk(row)


class _ChunksOf(Mapping):
    """`docs.chunks_of[article_id]` -> the range of its chunk rows."""

    def __init__(self, docs: DocStore):
        self._docs = docs

    def __getitem__(self, article_id: str) -> range:
        pos = self._docs.position[article_id]
        p = self._docs.spans.chunk_ptr
        return range(int(p[pos]), int(p[pos + 1]))

    def __iter__(self):
        return iter(self._docs.order)

    def __len__(self) -> int:
        return len(self._docs.order)


def write_articles(path: Path, articles: list[Article]) -> None:
    with open(path, "w", encoding="utf-8") as f:
        for a in articles:
            f.write(json.dumps(a.to_dict(), ensure_ascii=False) + "\n")


def read_articles(path: Path) -> list[Article]:
    with open(path, encoding="utf-8") as f:
        return [Article.from_dict(json.loads(line)) for line in f if line.strip()]
