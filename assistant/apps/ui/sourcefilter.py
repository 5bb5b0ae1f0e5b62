"""The chat's source filter controls: their choices, and the active filter's line.

The controls (newspaper or source, dates, the articles chosen in the Articles tab) make a
`SourceFilter` (index/filters.py) for the session's conversation; the line above
the question box says what it lets through. Everything shown is escaped.
"""
from __future__ import annotations

from typing import Iterable

from assistant.apps.ui.i18n import t
from assistant.apps.ui.rendering import esc
from assistant.records import Article
from assistant.index.filters import SourceFilter

DATE_NOTE = ("Dates as YYYY-MM-DD, inclusive. Articles without a date are left out "
             "when a date is set.")
SOURCE_NOTE = "Matches the article's newspaper, or the file it came from."


def source_choices(articles: Iterable[Article]) -> list[str]:
    """The newspapers of the indexed articles, then the files without a newspaper."""
    papers, files = set(), set()
    for a in articles:
        if a.newspaper:
            papers.add(a.newspaper)
        else:
            files.add(a.source)
    return sorted(papers) + sorted(files - papers)


def article_choices(articles: Iterable[Article]) -> list[tuple[str, str]]:
    """(label, id) of every article: its title, newspaper or file, and date."""
    out = []
    for a in articles:
        where = " · ".join(x for x in (a.newspaper or a.source, a.date) if x)
        out.append((f"{a.title} ({where})" if where else a.title, a.id))
    return out


def make_filter(sources, since, until, articles) -> SourceFilter:
    """The filter from the controls' values; FilterError names a bad one."""
    return SourceFilter.make(sources or (), (since or "").strip() or None,
                             (until or "").strip() or None, articles or ())


SETTINGS_KEY = "source_filter"   # in a saved conversation's settings


def saved_filter(settings: dict | None) -> SourceFilter:
    """The filter a saved conversation's settings hold (none when absent or unreadable)."""
    try:
        return SourceFilter.from_dict((settings or {}).get(SETTINGS_KEY))
    except (ValueError, TypeError, AttributeError):
        return SourceFilter()


def control_values(f: SourceFilter, titles: dict[str, str] | None = None, lang: str = "en",
                   count: int | None = None) -> dict[str, object]:
    """What each filter control shows for `f`, by control name."""
    return {"filter_source": list(f.sources),
            "filter_since": f.since.isoformat() if f.since else "",
            "filter_until": f.until.isoformat() if f.until else "",
            "filter_articles": list(f.articles),
            "active_filter": active_filter_html(f, titles, lang, count),
            "clear_filter_visible": f.active}


def active_filter_html(f: SourceFilter | None, titles: dict[str, str] | None = None,
                       lang: str = "en", count: int | None = None) -> str:
    """The line above the question box naming the active filter and how many articles
    it leaves ("所选范围内有 0 篇文章" before anyone asks); '' when none."""
    if f is None or not f.active:
        return ""
    parts = []
    if f.sources:
        parts.append(t(lang, "filter_part_source", names=" / ".join(f.sources)))
    if f.since or f.until:
        parts.append(t(lang, "filter_part_dates", since=f.since or "…", until=f.until or "…"))
    if f.articles:
        names = [(titles or {}).get(a, a) for a in f.articles]
        shown = "；".join(names[:3]) + (" " + t(lang, "filter_more", n=len(names) - 3)
                                       if len(names) > 3 else "")
        parts.append(t(lang, "filter_part_articles", n=len(names), names=shown))
    cnt = ""
    if count is not None:
        key = "filter_count_zero" if count == 0 else "filter_count"
        cls = "filter-count zero" if count == 0 else "filter-count"
        cnt = f' <span class="{cls}">{esc(t(lang, key, n=count))}</span>'
    return (f'<div class="active-filter" role="status" aria-live="polite">'
            f'<span class="filter-label">{esc(t(lang, "filter_active"))}</span> '
            f'{esc(" · ".join(parts))}{cnt}</div>')
