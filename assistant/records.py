"""Plain records that flow through the pipeline: articles, chunks, citations, turns."""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, fields
from typing import Iterator


@dataclass
class Article:
    """One news article. Spans of chunks and citations index into `text`."""

    id: str
    headings: list[str]
    paragraphs: list[str]
    source: str
    byline: str = ""
    captions: list[str] = field(default_factory=list)
    date: str | None = None
    url: str | None = None
    # Optional metadata (older index files lack it; `from_dict` fills the defaults).
    authors: list[str] = field(default_factory=list)
    newspaper: str | None = None
    page: str | None = None          # page or section name, e.g. "第03版：要闻"
    photographers: list[str] = field(default_factory=list)
    # Other files the same article also arrived in (it is indexed once, under `source`).
    other_sources: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)

    @property
    def heading(self) -> str:
        return " / ".join(self.headings)

    @property
    def title(self) -> str:
        """The most title-like heading line: the longest of the first three."""
        if not self.headings:
            return self.id
        return max(self.headings[:3], key=len)

    @property
    def sources(self) -> list[str]:
        """Every file the article arrived in: `source` first."""
        return [self.source] + [s for s in self.other_sources if s != self.source]

    def content_hash(self) -> str:
        parts = [self.headings, self.byline, self.paragraphs, self.captions, self.date, self.url]
        # The newer metadata joins the hash only when set, so the hash of an article
        # without it is what it always was (an index built before keeps its rows).
        extra = {k: v for k, v in (("authors", self.authors), ("newspaper", self.newspaper),
                                   ("page", self.page), ("photographers", self.photographers),
                                   ("other_sources", self.other_sources)) if v}
        if extra:
            parts.append(extra)
        payload = json.dumps(parts, ensure_ascii=False)
        return hashlib.sha1(payload.encode("utf-8")).hexdigest()

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "Article":
        """Unknown keys (from a newer version) are ignored, missing optional ones filled."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in known})


@dataclass
class Chunk:
    """A run of whole sentences of one article; `start:end` is its span in `Article.text`."""

    id: str
    article_id: str
    start: int
    end: int
    text: str
    sentences: list[tuple[int, int]]

    def to_dict(self) -> dict:
        d = asdict(self)
        d["sentences"] = [list(s) for s in self.sentences]
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "Chunk":
        d = dict(d)
        d["sentences"] = [tuple(s) for s in d["sentences"]]
        return cls(**d)


@dataclass
class Citation:
    """What a marker [n] in an answer points at: exact text of an article."""

    n: int
    article_id: str
    heading: str
    source: str
    passage: str
    start: int
    end: int
    date: str | None = None
    supported: bool = True

    def to_dict(self) -> dict:
        return {"n": self.n, "article_id": self.article_id, "heading": self.heading,
                "source": self.source, "passage": self.passage, "start": self.start,
                "end": self.end, "date": self.date, "supported": self.supported}


@dataclass
class Turn:
    """One question and its answer, the TURN of `assistant ask --json`."""

    question: str
    answer: str
    found: bool
    citations: list[Citation] = field(default_factory=list)
    notice: str | None = None
    verification: dict | None = None

    def to_dict(self) -> dict:
        d = {"question": self.question, "answer": self.answer, "found": self.found,
             "citations": [c.to_dict() for c in self.citations]}
        if self.notice:
            d["notice"] = self.notice
        if self.verification is not None:
            d["verification"] = self.verification
        return d


def answer_pieces(text: str, step: int = 12) -> Iterator[tuple[str, str]]:
    """An answer complete at once, sent as ("delta", piece) events like a streamed one."""
    for i in range(0, len(text), step):
        yield "delta", text[i:i + step]
