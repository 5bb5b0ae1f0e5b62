"""HTML pages -> the one article they carry, with trafilatura.

trafilatura finds the main text (navigation, ads, lists of other headlines, footers
dropped) and the page's metadata (title, date, author, site name, canonical URL). Each
block it keeps (<p>, list item, quote, table row, a line broken by <br>) is a paragraph.
Lines of the article header it keeps (the title again, "2024-10-08 09:30 来源：…") are
metadata, not text, and are dropped.
"""
from __future__ import annotations

import re
from functools import lru_cache

from assistant.ingest.base import FileProblem, clean_date, clean_str, split_authors
from assistant.ingest.page.bylines import BYLINE, byline_names, is_byline_line, names_only
from assistant.ingest.page.credits import caption_photographers, credit_only
from assistant.ingest.page.drafts import Draft
from assistant.ingest.page.furniture import FURNITURE, strip_edition
from assistant.ingest.page.headings import is_heading_line, is_kicker, is_subtitle
from assistant.ingest.page.issue import (DATE, WRITTEN_DATE, find_date, from_lines, from_name,
                                         is_issue_line, iso_date, read_line)
from assistant.records import Article

_DOCTYPE = re.compile(r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b",
                      re.I | re.S)
_TAG = re.compile(r"</?(?:html|head|body|div|p|br|span|a|table|meta|title|script|article|section)\b[^>]*>",
                  re.I)

# A short header line: a date and time, or a label such as 来源/作者/编辑.
_DATE_LINE = re.compile(WRITTEN_DATE + r"\s*日?(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?")
_META_LABEL = re.compile(r"(?:来源|作者|记者|编辑|责任编辑|责编|发布时间|发布日期|时间|日期|字号|浏览|阅读|分享到?|"
                         r"打印|纠错|点击|Source|By|Published|Updated)\s*[:：]?", re.I)
_END_NOTE = re.compile(r"^[【\[（(]?\s*(?:责任编辑|责编|编辑|校对|审核|审校|纠错|来源)\s*[:：][^。]{0,30}[】\]）)]?$"
                       r"|^[【\[]?\s*(?:纠错|打印|关闭|分享到?|返回顶部)\s*[】\]]?$")
HEADER_LINE_MAX = 60


def looks_like_html(text: str) -> bool:
    """Whether text (of a .txt file, say) is an HTML document rather than page text."""
    head = text[:4096]
    if _DOCTYPE.match(head):
        return True
    return len(_TAG.findall(head)) >= 5 and bool(re.search(r"</(?:p|div|body|html)>", text, re.I))


@lru_cache(maxsize=1)
def _config():
    from trafilatura.settings import use_config

    config = use_config()
    # A short news item (a couple of hundred Chinese characters) is a whole article: the
    # default threshold (250 characters) would send it to a fallback that flattens it.
    config.set("DEFAULT", "MIN_EXTRACTED_SIZE", "30")
    config.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")
    return config


def _blocks(body) -> list[tuple[str, str]]:
    """trafilatura's body element -> [(kind, text)], kind "head" or "p"; a <br> splits."""
    out: list[tuple[str, str]] = []

    def text_of(el) -> list[str]:
        parts: list[str] = []

        def walk(node):
            if node.text:
                parts.append(node.text)
            for child in node:
                if child.tag == "lb":
                    parts.append("\n")
                else:
                    walk(child)
                if child.tail:
                    parts.append(child.tail)

        walk(el)
        return [" ".join(line.split()) for line in "".join(parts).split("\n")
                if line.strip()]

    for el in body:
        if el.tag == "head":
            out += [("head", t) for t in text_of(el)]
        elif el.tag == "list":
            for item in el.iter("item"):
                out += [("p", t) for t in text_of(item)]
        elif el.tag == "table":
            for row in el.iter("row"):
                cells = [" ".join(t for t in text_of(cell)) for cell in row.iter("cell")]
                line = " | ".join(c for c in cells if c)
                if line:
                    out.append(("p", line))
        else:
            out += [("p", t) for t in text_of(el)]
    return out


_LABEL = re.compile(r"(来源|作者|记者|编辑|责任编辑|责编|发布时间|时间|日期|字号|浏览|阅读|点击)\s*[:：]\s*")
_META_AUTHOR = ("//meta[translate(@name, 'AUTHOR', 'author')='author' or @property='article:author'"
                " or @name='byline' or @name='dc.creator' or @name='DC.creator']/@content")


def _labelled(line: str) -> dict[str, str]:
    """"2024-10-08 来源：工人日报 作者：张三 李四" -> {"来源": "工人日报", "作者": "张三 李四"}."""
    found = list(_LABEL.finditer(line))
    out = {}
    for m, nxt in zip(found, found[1:] + [None]):
        value = line[m.end():nxt.start() if nxt else len(line)].strip(" |｜")
        # "来源：工人日报 分享到：微信 微博": the share widget is not part of the name.
        value = re.split(r"\s*(?:分享到?|打印|关闭|收藏|字号|【|\[)", value)[0].strip(" |｜")
        if m.group(1) == "来源":
            value = value.split(" ")[0] if value else value
        if value:
            out.setdefault(m.group(1), value)
    return out


def _page_tree(text: str):
    import lxml.html

    try:
        return lxml.html.document_fromstring(text)
    except Exception:   # lxml's parser errors: no extra metadata then
        return None


def _meta_authors(root) -> list[str]:
    """Authors from <meta name="author"> and the like: trafilatura drops one-word names,
    which every Chinese name is."""
    if root is None:
        return []
    return split_authors([str(v) for v in root.xpath(_META_AUTHOR)])


def _header_labels(root, title: str | None) -> dict[str, str]:
    """The labelled header line under the page's title ("来源：… 作者：…"), which the
    main-text extraction may have left out: the first short element with a label among
    the few that follow the heading holding the title."""
    if root is None or not title:
        return {}
    for h in root.iter("h1", "h2", "h3"):
        if _norm(h.text_content()) == _norm(title):
            for el in h.xpath("following::*[position() <= 12]"):
                line = " ".join(el.text_content().split())
                if len(line) <= 2 * HEADER_LINE_MAX and _LABEL.search(line):
                    return _labelled(line)
            return {}
    return {}


_BLOCK_TAGS = {"p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "td", "th",
               "table", "ul", "ol", "section", "article", "header", "footer", "dd", "dt", "title"}
# An e-paper's page line: "00001版：一版要闻 | 上一版 | 下一版", "第04版：要闻".
_PAGE_LINE = re.compile(r"^(?:第\s*)?\d{1,5}\s*版\s*[:：]\s*[^|｜]{1,16}?(?=\s*(?:[|｜]|$))")


def _visible_lines(root) -> list[str]:
    """The page's text as a browser shows it, a line per block (scripts and styles out)."""
    if root is None:
        return []
    parts: list[str] = []

    def walk(el):
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in ("script", "style", "noscript", "head") or not tag:
            if el.tail:
                parts.append(el.tail)
            return
        if tag in _BLOCK_TAGS:
            parts.append("\n")
        if el.text:
            parts.append(el.text)
        for child in el:
            walk(child)
        if tag in _BLOCK_TAGS:
            parts.append("\n")
        if el.tail:
            parts.append(el.tail)

    walk(root)
    return [" ".join(line.split()) for line in "".join(parts).split("\n") if line.strip()]


def _shown_dates(lines: list[str], url: str | None) -> set[str]:
    """Every full date the page shows (y-m-d, in its text or its URL's path)."""
    found = {iso_date(m.group(1), m.group(2) or m.group(4), m.group(3) or m.group(5))
             for line in lines for m in DATE.finditer(line)}
    if url:
        m = re.search(r"/((?:19|20)\d{2})[-_/]?(\d{2})[-_/]?(\d{2})(?=[/_.-])", url)
        if m:
            found.add(iso_date(*m.groups()))
    return {d for d in found if d}


def _header_dateline(lines: list[str], title: str | None) -> str | None:
    """The date of the article's own dateline: the first issue or header line with a
    date after the title (or anywhere, when the title is not found)."""
    start = 0
    if title:
        start = next((k for k, line in enumerate(lines) if _norm(line) == _norm(title)), 0)
    for line in lines[start:start + 15] + lines[:start]:
        if len(line) <= 2 * HEADER_LINE_MAX and not re.search(r"[。！？]", line) \
                and (is_issue_line(line) or _LABEL.search(line) or _DATE_LINE.match(line)) \
                and not re.search(r"©|copyright|版权", line, re.I):
            date = find_date(line)
            if date:
                return date
    return None


def _heading_around(root, title: str | None) -> tuple[list[str], list[str], str]:
    """The kicker (引题) above the title element, the subtitle (副题) below it and an
    own-line byline under them, from an e-paper article's markup
    (<h3>引题</h3><h1>标题</h1><h2>副题</h2><p>本报记者 张三</p>)."""
    if root is None or not title:
        return [], [], ""
    for h in root.iter("h1", "h2", "h3"):
        if _norm(h.text_content()) != _norm(title):
            continue
        above: list[str] = []
        # The kicker: the heading, or the short line (<p class="kicker">), right above the
        # title in the same block.
        for el in (h.xpath("preceding::*[self::h1 or self::h2 or self::h3 or self::h4 or self::h5"
                           " or self::h6][position() <= 1]") or h.xpath("preceding-sibling::*[1]")):
            t = " ".join(el.text_content().split())
            if t and len(t) <= 80 and (is_kicker(t) or is_heading_line(t, 80)) \
                    and not _PAGE_LINE.match(t) and not is_issue_line(t) and not el.xpath(".//a") \
                    and not FURNITURE.match(t):
                above.append(t)
        below: list[str] = []
        byline = ""
        for el in h.xpath("following::*[position() <= 8]"):
            if el.xpath(".//*[self::p or self::div]"):
                continue   # a container: its children come next
            t = " ".join(el.text_content().split())
            if not t:
                continue
            if el.tag in ("h2", "h3", "h4", "h5", "h6") and not below and not byline \
                    and (is_subtitle(t) or is_heading_line(t, 80)) and not is_byline_line(t):
                below.append(t)
            elif not byline and len(t) <= 40 and (is_byline_line(t) and not BYLINE.match(t)
                                                  or names_only(t)):
                byline = t
            elif len(t) > 40 or re.search(r"[。！？]", t):
                break
        return above, below, byline
    return [], [], ""


def _norm(s: str) -> str:
    return re.sub(r"\s+", "", s)


def _is_header_line(text: str, title: str | None, author_names: list[str]) -> bool:
    if len(text) > HEADER_LINE_MAX or text.endswith(("。", "！", "？")):
        return False
    if title and _norm(text) == _norm(title):
        return True
    if _DATE_LINE.search(text) or _META_LABEL.match(text):
        return True
    return bool(author_names) and _norm(text) in {_norm(n) for n in author_names}


def read_html(text: str, source: str, stem: str) -> list[Article]:
    """The article of an HTML page, or FileProblem when the page holds no article text."""
    import trafilatura

    doc, blocks = None, []
    # Precision first (it keeps lists of other headlines out); a page it empties is read
    # again with the default balance.
    for precise in (True, False):
        doc = trafilatura.bare_extraction(text, with_metadata=True, favor_precision=precise,
                                          include_comments=False, include_images=False,
                                          include_tables=True, deduplicate=False,
                                          date_extraction_params={"extensive_search": False,
                                                                  "original_date": True},
                                          config=_config())
        blocks = _blocks(doc.body) if doc is not None and doc.body is not None else []
        if any(kind == "p" for kind, _ in blocks):
            break
    if doc is None or not blocks:
        raise FileProblem("no article text found in the HTML page")
    title = clean_str(doc.title)
    site = clean_str(doc.sitename)
    if title and site and title != site:   # "标题_中工网", "标题 | 中工网"
        title = re.sub(r"\s*[-_|｜—–·]+\s*" + re.escape(site) + r"$", "", title) or title
    root = _page_tree(text)
    authors = split_authors(doc.author) or _meta_authors(root)

    headings: list[str] = []
    labels: dict[str, str] = {}
    header_byline = ""
    # A kicker set as a short line right above the title (<p class="kicker">) is a heading.
    kicker, subtitle, own_byline = _heading_around(root, title)
    if kicker and blocks and _norm(blocks[0][1]) == _norm(kicker[0]):
        blocks.pop(0)
    # The header: headings and metadata lines before the first paragraph of body text.
    while blocks:
        kind, line = blocks[0]
        if kind == "head":
            if not headings and title and _norm(line) != _norm(title) \
                    and _norm(title).startswith(_norm(line)):
                title = line  # "<title>X_site" against "<h1>X": the h1 is the title
            headings.append(line)
        elif _PAGE_LINE.match(line):
            pass   # "00001版：一版要闻 | …": the e-paper's page line, read below
        elif _is_header_line(line, title, authors) or strip_edition(line)[1]:
            labels = {**_labelled(line), **labels}
            rest, edition = strip_edition(line)
            if edition and rest and is_byline_line(rest):
                header_byline = header_byline or rest   # "本报记者 张三 《人民日报》（…）"
        else:
            break
        blocks.pop(0)
    if not authors or not labels.get("来源"):
        labels = {**_header_labels(root, title or (headings[0] if headings else None)), **labels}
    authors = authors or split_authors(labels.get("作者") or labels.get("记者"))
    if title and not any(_norm(h) == _norm(title) for h in headings):
        headings.insert(0, title)
    # Trailing editor credits and share/print links are page furniture.
    while blocks and (_END_NOTE.match(blocks[-1][1]) or FURNITURE.match(blocks[-1][1])):
        blocks.pop()
    # An e-paper's page line or issue line left in the text is furniture too.
    blocks = [(k, t) for k, t in blocks if not _PAGE_LINE.match(t) and not is_issue_line(t)]
    if not kicker:
        kicker, subtitle, own_byline = _heading_around(root, headings[0] if headings else title)
    if kicker and headings and _norm(kicker[0]) not in {_norm(h) for h in headings}:
        headings.insert(0, kicker[0])
        blocks = [(k, t) for k, t in blocks if _norm(t) != _norm(kicker[0])]
    if subtitle and _norm(subtitle[0]) not in {_norm(h) for h in headings}:
        headings.append(subtitle[0])
    blocks = [(k, t) for k, t in blocks if not (own_byline and _norm(t) == _norm(own_byline))]

    # The issue: the e-paper's page line and the page's issue lines (never a copyright
    # footer), the article's dateline, then the page's metadata, then the file name.
    lines = _visible_lines(root)
    shown = _shown_dates(lines, clean_str(doc.url))
    issue = from_lines([t for t in lines if not re.search(r"©|copyright|版权", t, re.I)])
    page_line = next((m.group(0) for t in lines for m in [_PAGE_LINE.match(t)] if m), None)
    page = read_line(page_line).page if page_line else issue.page
    meta_date = clean_date(doc.date)
    if meta_date and meta_date[:10] not in shown:
        meta_date = None   # a date the page does not show (a copyright year, a guess)
    date = _header_dateline(lines, title) or meta_date or issue.date
    named = from_name(stem)
    page_title = " ".join((root.findtext(".//title") or "").split()) if root is not None else ""
    paper_title = page_title if re.fullmatch(r"[\u4e00-\u9fff]{1,10}(?:报|報)", page_title) else None
    newspaper = clean_str(labels.get("来源")) or issue.newspaper or clean_str(doc.sitename) \
        or paper_title

    draft = Draft()
    for kind, line in blocks:
        if not draft.started and not draft.byline and is_byline_line(line) \
                and not BYLINE.match(line):
            draft.byline = line   # "本报记者 张三" on its own line above the text
            continue
        if not draft.started and not draft.byline and BYLINE.match(line):
            draft.add_body(line)   # "本报讯（记者 张三）…": the byline moves out of the text
            draft.close()
        else:
            draft.paragraphs.append(line)
    # A photo credit closing the text ("新华社记者 毛思倩摄") is the caption's credit, and
    # names the photographer; the text above it stays the text (a photo story's caption).
    captions: list[str] = []
    while len(draft.paragraphs) > 1 and credit_only(draft.paragraphs[-1]):
        captions.insert(0, draft.paragraphs.pop())
    if not draft.paragraphs:
        raise FileProblem("no article text found in the HTML page")
    if not headings:
        headings = [draft.paragraphs[0]] if len(draft.paragraphs) > 1 else [stem]
        if len(draft.paragraphs) > 1:
            draft.paragraphs.pop(0)
    own_byline = own_byline or header_byline
    if own_byline and (not draft.byline or _norm(draft.byline) in ("本报讯", "本報訊")):
        draft.byline = own_byline
    if draft.byline:
        authors = list(dict.fromkeys(authors + byline_names(draft.byline)))
    return [Article(id=stem, headings=headings, paragraphs=draft.paragraphs, source=source,
                    byline=draft.byline, date=date or named.date, url=clean_str(doc.url),
                    authors=authors, newspaper=newspaper or named.newspaper,
                    page=page or named.page, captions=captions,
                    photographers=list(dict.fromkeys(n for c in captions for n in caption_photographers(c))))]
