"""JSON records -> articles: a `.json` array or single record, and JSON Lines.

Field names vary between crawlers and archives; the common ones are read (case does not
matter): title/headline, content/text/body/article (a string or a list of paragraphs;
HTML in it is reduced to its text; a crawler's content_markdown loses its image lines and
keeps its links' words), url/link, date/publish_time/pub_date/time,
author/authors/byline, source/newspaper/site, page/section, subtitle, and an optional
id. A record without an id gets one from its URL, or else from its title and text, so it
does not change when records are added or moved.
"""
from __future__ import annotations

import hashlib
import json
import re

from assistant import limits
from assistant.ingest.base import clean_date, clean_str, normalise_newlines, split_authors
from assistant.ingest.page.bylines import lead_byline
from assistant.ingest.page.furniture import MD_IMAGE
from assistant.records import Article

TITLE = ("title", "headline", "标题", "题目")
SUBTITLE = ("subtitle", "sub_title", "subheadline", "副标题", "副题")
KICKER = ("kicker", "pretitle", "引题", "肩题")
# content_markdown / markdown / content_text / content_html: keys crawlers write their text
# under (realqa_fit2's monika2333/edu_news_pipeline records hold it in `content_markdown`).
TEXT = ("content", "text", "body", "article", "articlebody", "article_body", "maintext",
        "content_text", "content_markdown", "markdown", "content_md", "content_html", "正文", "内容")
_MARKDOWN_KEYS = ("content_markdown", "markdown", "content_md")
URL = ("url", "link", "source_url", "href", "链接", "网址")
DATE = ("date", "publish_time", "pub_date", "pubdate", "publish_date", "published",
        "published_at", "datetime", "time", "日期", "发布时间", "时间")
AUTHOR = ("author", "authors", "byline", "作者")
NEWSPAPER = ("source", "newspaper", "site", "site_name", "sitename", "publisher", "media",
             "来源", "报纸", "媒体")
PAGE = ("page", "section", "column", "channel", "版面", "版次", "栏目")
PHOTOGRAPHER = ("photographer", "photographers", "摄影")
# A wrapper object holding the records: {"data": [...]}, {"articles": [...]} …
WRAPPERS = ("data", "articles", "items", "records", "results", "news", "list", "docs")

_HTML_IN_TEXT = re.compile(r"<(?:p|br|div|span|strong|em|a|img)\b[^>]*>", re.I)


class RecordError(ValueError):
    """A record that cannot become an article; the message names the field."""


def _lookup(obj: dict, names: tuple[str, ...]):
    """(key as written, value) of the first of `names` present, case-insensitively."""
    lowered = {k.lower() if isinstance(k, str) else k: k for k in obj}
    for name in names:
        key = lowered.get(name)
        if key is not None and obj[key] not in (None, "", []):
            return key, obj[key]
    return None, None


def _expect(names: tuple[str, ...], n: int = 2) -> str:
    return " or ".join(f"'{x}'" for x in names[:n])


def _html_text(text: str) -> str:
    import lxml.html

    try:
        root = lxml.html.fragment_fromstring(text, create_parent="div")
    except Exception:   # lxml's parser errors: keep the text as it is
        return text
    for br in root.iter("br"):
        br.tail = "\n" + (br.tail or "")
    for el in root.iter("p", "div", "li", "h1", "h2", "h3", "h4", "tr"):
        el.tail = "\n" + (el.tail or "")
    return root.text_content()


# A link to any target (a page's MD_LINK keeps only web and site links: on a page a bracket
# pair followed by a parenthesis can be text).
_MD_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")


def _markdown_text(value: str) -> str:
    """A crawler's Markdown text: images (`![](…)`) dropped, links kept as their words;
    paragraphs stay as the blank lines set them (one a line after `_paragraphs`)."""
    value = MD_IMAGE.sub("", value)
    return _MD_LINK.sub(r"\1", value)


def _paragraphs(key: str, value) -> list[str]:
    if isinstance(value, list):
        if not all(isinstance(v, str) for v in value):
            raise RecordError(f"'{key}' must be a string or a list of strings")
        value = "\n".join(value)
    if not isinstance(value, str):
        raise RecordError(f"'{key}' must be a string or a list of strings")
    if key.lower() in _MARKDOWN_KEYS:
        value = _markdown_text(value)
    if _HTML_IN_TEXT.search(value):
        value = _html_text(value)
    paragraphs = [" ".join(p.split()) for p in normalise_newlines(value).split("\n")]
    paragraphs = [p for p in paragraphs if p]
    if not paragraphs:
        raise RecordError(f"empty '{key}'")
    return paragraphs


def _string(key, value) -> str | None:
    if value is not None and not isinstance(value, (str, int, float)):
        raise RecordError(f"'{key}' must be a string")
    return clean_str(value)


def _short_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:10]


def normalise_url(url: str) -> str:
    url = url.strip().split("#", 1)[0]
    url = re.sub(r"^https?://", "", url, flags=re.I)
    return url.rstrip("/").lower()



def record_to_article(obj, source: str, stem: str) -> Article:
    """One JSON record -> an Article; RecordError naming the field when it cannot be."""
    if not isinstance(obj, dict):
        raise RecordError("expected a JSON object")
    key, raw_id = _lookup(obj, ("id",))
    if raw_id is not None and (isinstance(raw_id, bool) or not isinstance(raw_id, (str, int))):
        raise RecordError(f"'{key}' must be a string or a number")
    key, title = _lookup(obj, TITLE)
    if title is None:
        raise RecordError(f"missing or empty 'title' (or {_expect(TITLE[1:], 1)})")
    title = _string(key, title)
    key, text = _lookup(obj, TEXT)
    if text is None:
        key = next((k for k in obj if isinstance(k, str) and k.lower() in TEXT), None)
        what = f"empty '{key}'" if key else f"missing 'text' (or {_expect(TEXT[:1])}, 'body')"
        raise RecordError(what)
    paragraphs = _paragraphs(key, text)
    headings = [h for h in (_string(*_lookup(obj, KICKER)), title,
                            _string(*_lookup(obj, SUBTITLE))) if h]
    key, url = _lookup(obj, URL)
    url = _string(key, url)
    key, news = _lookup(obj, NEWSPAPER)
    news = _string(key, news)
    if news and re.match(r"^https?://", news):
        url, news = url or news, None
    byline_key, byline = _lookup(obj, ("byline",))
    authors = split_authors(_lookup(obj, AUTHOR)[1])
    byline = (_string(byline_key, byline) or "") if isinstance(byline, str) else ""
    if not byline and not authors:
        byline, authors = lead_byline(paragraphs[0])
    if raw_id is not None and str(raw_id).strip():
        aid = str(raw_id).strip()
    elif url:
        aid = f"{stem}-{_short_hash(normalise_url(url))}"
    else:
        aid = f"{stem}-{_short_hash(title + chr(10) + chr(10).join(paragraphs))}"
    return Article(id=aid, headings=headings, paragraphs=paragraphs, source=source,
                   byline=byline,
                   date=clean_date(_lookup(obj, DATE)[1]), url=url, authors=authors,
                   newspaper=news, page=_string(*_lookup(obj, PAGE)),
                   photographers=split_authors(_lookup(obj, PHOTOGRAPHER)[1]))


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


def nesting_depth(text: str) -> int:
    """How deeply the arrays and objects of a JSON text nest (brackets inside strings do
    not count), without parsing it: the parser recurses once per level, and a file of
    nested brackets would exhaust Python's stack (RecursionError) before any limit."""
    import numpy as np

    brackets = _NOT_BRACKET.sub("", _JSON_STRING.sub("", text)).encode("ascii")
    if not brackets:
        return 0
    b = np.frombuffer(brackets, dtype=np.uint8)
    steps = np.where((b == 0x5B) | (b == 0x7B), 1, -1).astype(np.int64)
    return int(np.cumsum(steps).max())


def json_problem(text: str, whole: bool = True) -> str | None:
    """Why a JSON text (a whole file, or one line with `whole=False`) is over the limits
    json_mb / json_depth (`assistant.limits`), or None."""
    lim = limits.current()
    size = len(text.encode("utf-8", "surrogatepass")) if len(text) * 4 > lim.json_bytes \
        else len(text)
    what = "the JSON" if whole else "the record"
    if size > lim.json_bytes:
        return (f"{what} is {size / 2**20:,.1f} MB: the limit is {lim.json_mb:g} MB "
                f"(limit json_mb): not read")
    depth = nesting_depth(text)
    if depth > lim.json_depth:
        return (f"{what} nests arrays/objects {depth:,} levels deep: the limit is "
                f"{lim.json_depth:,} (limit json_depth): not read")
    return None


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _array_items(text: str, start: int) -> list[tuple[int, object]]:
    """(line, value) of each element of the JSON array opening at text[start]."""
    decoder = json.JSONDecoder()
    items = []
    i = start + 1
    ws = re.compile(r"[\s,]*")
    while True:
        i = ws.match(text, i).end()
        if i >= len(text) or text[i] == "]":
            return items
        value, end = decoder.raw_decode(text, i)
        items.append((_line_of(text, i), value))
        i = end


def read_records(text: str, source: str, stem: str, json_lines: bool = False
                 ) -> tuple[list[Article], list[tuple[int | None, str]]]:
    """The articles of a .json or .jsonl text, and its problems as (line, reason).

    The whole text is one JSON value (an array of records, one record, or an object
    wrapping an array under "data", "articles" …) or JSON Lines (a record a line; how a
    `.jsonl` file, `json_lines`, is read unless it holds an array or an object written
    over several lines). A problem with the whole file has line None.
    """
    body = text.lstrip()
    lead = len(text) - len(body)
    if json_lines and not body.startswith("[") and len(body.strip().split("\n")) == 1:
        return _read_lines(text, source, stem)
    # JSON Lines are parsed (and limited) a line at a time; a whole JSON text at once.
    problem = json_problem(text)
    if problem and json_lines and not body.startswith("["):
        return _read_lines(text, source, stem)   # names the lines over the limits
    if problem:
        return [], [(None, problem)]
    try:
        whole = json.loads(text)
    except json.JSONDecodeError as e:
        if body.startswith("["):
            return [], [(None, f"invalid JSON array at line {e.lineno}: {e.msg}")]
        first = [line.lstrip() for line in body.split("\n") if line.strip()][:2]
        if e.msg != "Extra data" and not all(line.startswith("{") for line in first):
            # One object written over several lines, broken somewhere.
            return [], [(None, f"invalid JSON at line {e.lineno}: {e.msg}")]
        return _read_lines(text, source, stem)
    if isinstance(whole, dict):
        key, inner = _lookup(whole, WRAPPERS)
        if isinstance(inner, list) and not any(_lookup(whole, f)[1] for f in (TITLE, TEXT)):
            m = re.search(r'"%s"\s*:\s*\[' % re.escape(key), text)
            items = (_array_items(text, m.end() - 1) if m
                     else [(None, obj) for obj in inner])
            return _read_items(items, source, stem)
        try:
            return [record_to_article(whole, source, stem)], []
        except RecordError as e:
            return [], [(None, f"record: {e}")]
    if isinstance(whole, list):
        items = _array_items(text, lead)
        if not items:
            return [], [(None, "empty JSON array: no records")]
        if not any(isinstance(obj, dict) for _, obj in items):
            kinds = {str: "strings", list: "arrays", bool: "true/false", type(None): "nulls"}
            found = kinds.get(type(items[0][1]), "numbers")
            return [], [(items[0][0], f"expected an array of JSON objects (records), "
                                      f"found an array of {found}")]
        return _read_items(items, source, stem)
    return [], [(None, "expected JSON records: an array of objects, an object or JSON Lines")]


def _read_items(items, source: str, stem: str):
    articles, errors = [], []
    for n, (line, obj) in enumerate(items, 1):
        try:
            articles.append(record_to_article(obj, source, stem))
        except RecordError as e:
            errors.append((line, f"record {n}: {e}"))
    return articles, errors


def _read_lines(text: str, source: str, stem: str):
    articles, errors = [], []
    for lineno, raw in enumerate(text.split("\n"), 1):
        if not raw.strip():
            continue
        problem = json_problem(raw, whole=False)
        if problem:
            errors.append((lineno, problem))
            continue
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as e:
            errors.append((lineno, f"invalid JSON: {e.msg}"))
            continue
        try:
            articles.append(record_to_article(obj, source, stem))
        except RecordError as e:
            errors.append((lineno, str(e)))
    return articles, errors
