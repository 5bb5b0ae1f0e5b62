"""Source filters: the articles a question may use (newspaper or source, dates, ids).

A `SourceFilter` is applied where candidates are made, not after: `allowed_rows` is a
mask over the chunk rows that BM25 scores are cut with and that the FAISS search is
restricted to (an id selector), so a narrow filter still gets its best k chunks however
far down the whole archive's ranking they would be. The answerer then never sees, and
so never cites, an article outside it (`Conversation` checks that once more).

- `sources`: names matched against an article's newspaper (e.g. 工人日报) and the file
  it came from (the path as indexed, its file name, or the file name without extension),
  ignoring case and full/half width; several names: any of them.
- `since` / `until`: ISO dates (YYYY-MM-DD), inclusive. An article's date is read from
  its `date` field ("2024-10-08", "2024年10月8日 09:30", "2024/10/8", ISO date-times).
  An article without a readable date is excluded by a date filter: nothing says it is
  in the range.
- `articles`: hand-picked article ids; with other fields, an article must satisfy all.

`to_metadata_filters` gives the same filter as llama-index `MetadataFilters` over the
chunk node metadata, for code that queries the index through llama-index.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Iterable

import numpy as np

from assistant.ingest.page.issue import WRITTEN_DATE
from assistant.records import Article


class FilterError(ValueError):
    """A filter value that cannot be used (a malformed date, an unknown article id)."""


# A calendar date as news metadata writes it: year, month, day separated by -, /, . or
# 年/月(/日) (the readers' rule, ingest/page/issue.WRITTEN_DATE).
_DATE = re.compile(WRITTEN_DATE)


def article_date(value: str | None) -> dt.date | None:
    """The calendar date of an article's `date` field, None when it has none."""
    if not value:
        return None
    m = _DATE.search(unicodedata.normalize("NFKC", value))
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def parse_day(value: str, what: str = "date") -> dt.date:
    """A YYYY-MM-DD date given by a user, or a FilterError naming the bad value."""
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise FilterError(f"{what} {value!r} is not a date: write it as YYYY-MM-DD, "
                          f"e.g. 2024-10-08") from None


def _fold(s: str) -> str:
    return unicodedata.normalize("NFKC", s).strip().casefold()


@dataclass
class SourceFilter:
    sources: list[str] = field(default_factory=list)
    since: dt.date | None = None
    until: dt.date | None = None
    articles: list[str] = field(default_factory=list)

    @classmethod
    def make(cls, sources: Iterable[str] = (), since: str | dt.date | None = None,
             until: str | dt.date | None = None, articles: Iterable[str] = ()) -> "SourceFilter":
        """A filter from user values (dates as YYYY-MM-DD strings); FilterError if bad."""
        def day(v, what):
            if v is None or v == "":
                return None
            return v if isinstance(v, dt.date) else parse_day(v, what)

        f = cls(sources=[s.strip() for s in sources if s and s.strip()],
                since=day(since, "since"), until=day(until, "until"),
                articles=list(dict.fromkeys(a.strip() for a in articles if a and a.strip())))
        if f.since and f.until and f.since > f.until:
            raise FilterError(f"the date range is empty: since {f.since} is after until {f.until}")
        return f

    @property
    def active(self) -> bool:
        return bool(self.sources or self.since or self.until or self.articles)

    def __bool__(self) -> bool:
        return self.active

    # matching --------------------------------------------------------------------------
    def source_matches(self, art: Article) -> bool:
        if not self.sources:
            return True
        names = set()
        if art.newspaper:
            names.add(_fold(art.newspaper))
        for src in art.sources:
            p = PurePath(src)
            names.update({_fold(src), _fold(p.name), _fold(p.stem)})
        return any(_fold(s) in names for s in self.sources)

    def matches(self, art: Article) -> bool:
        if self.articles and art.id not in self.articles:
            return False
        if not self.source_matches(art):
            return False
        if self.since or self.until:
            d = article_date(art.date)
            if d is None or (self.since and d < self.since) or (self.until and d > self.until):
                return False
        return True

    def check_articles(self, known) -> None:
        """FilterError naming hand-picked ids that are not in the index."""
        missing = [a for a in self.articles if a not in known]
        if missing:
            raise FilterError("no article with id " + ", ".join(repr(m) for m in missing) +
                              " in the index (`assistant ask` prints article ids in its "
                              "citations; the UI lists them in the Articles tab)")

    def allowed_articles(self, index) -> set[str]:
        return {a.id for a in index.articles.values() if self.matches(a)}

    def allowed_rows(self, index) -> np.ndarray:
        """A bool mask over the index's chunk rows: True for chunks of allowed articles."""
        docs = index.docs
        mask = np.zeros(len(docs), dtype=bool)
        ptr = docs.spans.chunk_ptr
        for aid in self.allowed_articles(index):
            pos = docs.position[aid]
            mask[int(ptr[pos]):int(ptr[pos + 1])] = True
        return mask

    # showing ---------------------------------------------------------------------------
    def describe(self, lang: str = "en") -> str:
        """One line saying what the filter lets through ('' when it is not active)."""
        parts = []
        if self.sources:
            parts.append(("来源：" if lang == "zh" else "source: ") + " / ".join(self.sources))
        if self.since or self.until:
            a = self.since.isoformat() if self.since else "…"
            b = self.until.isoformat() if self.until else "…"
            parts.append(("日期：" if lang == "zh" else "dates: ") + f"{a} – {b}")
        if self.articles:
            n = len(self.articles)
            parts.append(f"{n} 篇选定文章" if lang == "zh" else
                         f"{n} chosen article{'s' if n != 1 else ''}")
        return "; ".join(parts)

    def to_dict(self) -> dict:
        """JSON-ready (for a saved conversation's settings)."""
        return {"sources": list(self.sources),
                "since": self.since.isoformat() if self.since else None,
                "until": self.until.isoformat() if self.until else None,
                "articles": list(self.articles)}

    @classmethod
    def from_dict(cls, d: dict | None) -> "SourceFilter":
        d = d or {}
        return cls.make(d.get("sources") or (), d.get("since"), d.get("until"),
                        d.get("articles") or ())

    def to_metadata_filters(self):
        """The filter as llama-index `MetadataFilters` over chunk node metadata
        (`article_id`, `newspaper`, `source`, `date`), None when it is not active.

        Source names are matched exactly here (llama-index compares values as given)."""
        from llama_index.core.vector_stores.types import (FilterCondition, FilterOperator,
                                                          MetadataFilter, MetadataFilters)

        groups = []
        if self.articles:
            groups.append(MetadataFilter(key="article_id", value=list(self.articles),
                                         operator=FilterOperator.IN))
        if self.sources:
            groups.append(MetadataFilters(condition=FilterCondition.OR, filters=[
                MetadataFilter(key=k, value=list(self.sources), operator=FilterOperator.IN)
                for k in ("newspaper", "source")]))
        if self.since:
            groups.append(MetadataFilter(key="date", value=self.since.isoformat(),
                                         operator=FilterOperator.GTE))
        if self.until:
            groups.append(MetadataFilter(key="date", value=self.until.isoformat() + "\uffff",
                                         operator=FilterOperator.LTE))
        return MetadataFilters(filters=groups, condition=FilterCondition.AND) if groups else None


def rows_from_metadata_filters(index, filters) -> np.ndarray:
    """A chunk-row mask from llama-index `MetadataFilters` over the node metadata the
    index gives chunks (`article_id`, `heading`, `source`, `date`, `url`, `newspaper`):
    the seam where a llama-index caller's filters restrict the hybrid retriever."""
    from llama_index.core.vector_stores.types import FilterCondition, FilterOperator

    def meta(a: Article) -> dict:
        d = article_date(a.date)   # compared as ISO text, so a read date is written so
        return {"article_id": a.id, "heading": a.heading, "source": a.source,
                "date": d.isoformat() if d else a.date, "url": a.url,
                "newspaper": a.newspaper, "page": a.page}

    def test(f, m: dict) -> bool:
        if hasattr(f, "filters"):   # nested MetadataFilters
            results = [test(g, m) for g in f.filters]
            if f.condition == FilterCondition.OR:
                return any(results)
            if f.condition == FilterCondition.NOT:
                return not any(results)
            return all(results)
        v, want, op = m.get(f.key), f.value, f.operator
        if op == FilterOperator.IS_EMPTY:
            return v in (None, "", [])
        if v is None:
            return op == FilterOperator.NE
        if op == FilterOperator.EQ:
            return v == want
        if op == FilterOperator.NE:
            return v != want
        if op == FilterOperator.IN:
            return v in want
        if op == FilterOperator.NIN:
            return v not in want
        if op == FilterOperator.GT:
            return v > want
        if op == FilterOperator.GTE:
            return v >= want
        if op == FilterOperator.LT:
            return v < want
        if op == FilterOperator.LTE:
            return v <= want
        if op == FilterOperator.TEXT_MATCH:
            return str(want) in str(v)
        if op == FilterOperator.CONTAINS:
            return want in v
        raise FilterError(f"metadata filter operator {op} is not supported here")

    docs = index.docs
    mask = np.zeros(len(docs), dtype=bool)
    ptr = docs.spans.chunk_ptr
    for pos, aid in enumerate(docs.order):
        if test(filters, meta(index.articles[aid])):
            mask[int(ptr[pos]):int(ptr[pos + 1])] = True
    return mask
