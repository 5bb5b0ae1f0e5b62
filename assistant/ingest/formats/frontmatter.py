"""YAML front matter (`---` … `---` at the top of a Markdown file) -> article metadata.

The fields become metadata of the article(s), never text: title (else an Obsidian note's first
alias: a note is named by its file, and the headline it was published under is kept as an
alias), date, author(s),
source_url/url/link, source (a URL, or else the newspaper), newspaper/site, page/section,
photographer(s). Other keys (tags, layout …) are ignored.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.ingest.base import FileProblem, clean_date, clean_str, split_authors

_OPEN = re.compile(r"^---[ \t]*$")
_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*$")
_KEY_LINE = re.compile(r"^[\w\u4e00-\u9fff-]+\s*:")


@dataclass
class FrontMatter:
    title: str | None = None
    subtitle: str | None = None
    date: str | None = None
    url: str | None = None
    newspaper: str | None = None
    page: str | None = None
    authors: list[str] = field(default_factory=list)
    photographers: list[str] = field(default_factory=list)


def _get(meta: dict, *names):
    lowered = {str(k).lower(): v for k, v in meta.items()}
    for name in names:
        value = lowered.get(name)
        if value not in (None, "", []):
            return value
    return None


def _first(value):
    return value[0] if isinstance(value, list) and value else value


def split_front_matter(text: str) -> tuple[FrontMatter | None, str, int]:
    """(front matter or None, the body, how many lines came before the body).

    A first line `---` followed by a closing `---` (or `...`) line opens front matter
    when what lies between is a YAML mapping. FileProblem when it looks like front
    matter (key: value lines) but is not valid YAML.
    """
    import yaml

    lines = text.split("\n")
    if not lines or not _OPEN.match(lines[0]):
        return None, text, 0
    end = next((i for i in range(1, len(lines)) if _CLOSE.match(lines[i])), None)
    if end is None:
        return None, text, 0
    block = "\n".join(lines[1:end])
    try:
        meta = yaml.safe_load(block) if block.strip() else {}
    except yaml.YAMLError as e:
        first = next((line for line in lines[1:end] if line.strip()), "")
        if _KEY_LINE.match(first):
            mark = getattr(e, "problem_mark", None)
            where = f" at line {mark.line + 2}" if mark is not None else ""
            raise FileProblem(f"invalid YAML front matter{where}: "
                              f"{getattr(e, 'problem', None) or e}") from None
        return None, text, 0
    if not isinstance(meta, dict):
        return None, text, 0
    source = clean_str(_first(_get(meta, "source")))
    url = clean_str(_first(_get(meta, "source_url", "url", "link", "permalink", "original_url")))
    newspaper = clean_str(_first(_get(meta, "newspaper", "site", "site_name", "publisher",
                                      "media", "来源", "报纸")))
    if source and re.match(r"^https?://", source, re.I):
        url = url or source
    elif source:
        newspaper = newspaper or source
    fm = FrontMatter(
        title=clean_str(_get(meta, "title", "headline", "标题"))
        or clean_str(_first(_get(meta, "aliases", "alias"))),
        subtitle=clean_str(_get(meta, "subtitle", "副标题", "副题")),
        date=clean_date(_get(meta, "date", "publish_date", "published", "pub_date",
                             "publish_time", "日期")),
        url=url, newspaper=newspaper,
        page=clean_str(_get(meta, "page", "section", "版面", "版次", "栏目")),
        authors=split_authors(_get(meta, "authors", "author", "byline", "作者")),
        photographers=split_authors(_get(meta, "photographers", "photographer", "摄影")))
    return fm, "\n".join(lines[end + 1:]), end + 1
