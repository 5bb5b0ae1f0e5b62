"""Plain records that flow through the pipeline: articles, chunks, citations, turns."""
from __future__ import annotations

import dataclasses
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

    def field_text(self, name: str | None = None) -> str:
        """The text a citation's span indexes: `text` (None), or one of the metadata
        fields in `CITABLE_FIELDS`: "byline", "captions" (the captions, one a line),
        "date", "newspaper", "page", and the names a reader took from a file's metadata,
        "authors" and "photographers" (joined by 、)."""
        if name in (None, "text"):
            return self.text
        if name == "captions":
            return "\n".join(self.captions)
        if name in ("authors", "photographers"):
            return "、".join(getattr(self, name))
        if name in ("byline", "date", "newspaper", "page"):
            return getattr(self, name) or ""
        raise ValueError(f"not a citable field of an article: {name!r}")

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


# Fields of an article a citation can point into besides its body text (see `field_text`).
CITABLE_FIELDS = ("byline", "captions", "date", "newspaper", "page", "authors", "photographers")


@dataclass
class Citation:
    """What a marker [n] in an answer points at: exact text of an article.

    `passage == article.field_text(field)[start:end]`: the span indexes the body text
    (`field` None) or, for who-wrote / who-photographed / when / which-paper answers, the
    metadata field named (`CITABLE_FIELDS`).
    """

    n: int
    article_id: str
    heading: str
    source: str
    passage: str
    start: int
    end: int
    date: str | None = None
    supported: bool = True
    field: str | None = None   # None: `start:end` index `Article.text`
    # The cited article's metadata, for the sources panel and `ask --json` (optional
    # keys there, present when known); `with_metadata` fills them from the article.
    url: str | None = None
    authors: list[str] = dataclasses.field(default_factory=list)   # (`field` is a field here)
    newspaper: str | None = None
    page: str | None = None
    photographers: list[str] = dataclasses.field(default_factory=list)
    # The passage reads like an instruction to an AI (text/guard.py flags it) yet
    # answers the question: quoted as the article's text, with a note, never as a fact
    # on its own (no short answer is taken from it).
    instruction: bool = False

    def with_metadata(self, art: "Article") -> "Citation":
        """This citation with the article's date, URL, authors, newspaper, page and
        photographers (the span is untouched)."""
        self.date = self.date or art.date
        self.url = self.url or art.url
        self.authors = list(self.authors or art.authors)
        self.newspaper = self.newspaper or art.newspaper
        self.page = self.page or art.page
        self.photographers = list(self.photographers or art.photographers)
        return self

    def to_dict(self) -> dict:
        d = {"n": self.n, "article_id": self.article_id, "heading": self.heading,
             "source": self.source, "passage": self.passage, "start": self.start,
             "end": self.end, "date": self.date, "supported": self.supported}
        if self.field:
            d["field"] = self.field
        if self.instruction:
            d["instruction"] = True
        for key in ("url", "authors", "newspaper", "page", "photographers"):
            value = getattr(self, key)
            if value:
                d[key] = list(value) if isinstance(value, list) else value
        return d


# The answer of a turn that found nothing (`found` False), by question language: every
# answerer (extractive, list, LLM) and the conversation say the same.
NOT_FOUND = {
    "zh": "文章中没有找到与这个问题相关的内容。",
    "en": "The articles contain nothing on this question.",
}


@dataclass
class Turn:
    """One question and its answer, the TURN of `assistant ask --json`."""

    question: str
    answer: str
    found: bool
    citations: list[Citation] = field(default_factory=list)
    notice: str | None = None
    verification: dict | None = None
    # The exact span answering a number, date or name question, {"text", "n"}: its
    # citation [n] holds it; the answer opens with it.
    short_answer: dict | None = None
    # A follow-up rewritten as the question it stands for ("那X呢？" -> the earlier
    # question about X), when the answer was made from that question.
    standalone_question: str | None = None

    def to_dict(self) -> dict:
        d = {"question": self.question, "answer": self.answer, "found": self.found,
             "citations": [c.to_dict() for c in self.citations]}
        if self.notice:
            d["notice"] = self.notice
        if self.verification is not None:
            d["verification"] = self.verification
        if self.short_answer is not None:
            d["short_answer"] = dict(self.short_answer)
        if self.standalone_question:
            d["standalone_question"] = self.standalone_question
        return d


def answer_pieces(text: str, step: int = 12) -> Iterator[tuple[str, str]]:
    """An answer complete at once, sent as ("delta", piece) events like a streamed one."""
    for i in range(0, len(text), step):
        yield "delta", text[i:i + step]
