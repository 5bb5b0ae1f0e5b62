"""Plain text and Markdown files (.txt, .md): a page's text split into its articles, with
YAML front matter as metadata when it has some; also the page text PDF and Word files give."""
from __future__ import annotations

import re
import unicodedata

from assistant import limits
from assistant.ingest.page.articles import draft_article, page_issue, parse_page
from assistant.ingest.page.drafts import Draft
from assistant.ingest.page.headings import settle_columns
from assistant.ingest.page.lines import page_lines
from assistant.ingest.page.marks import MD_HEADING
from assistant.ingest.page.parser import PageParser
from assistant.records import Article

_THEMATIC_BREAK = re.compile(r"^[ \t]*([-*_])(?:[ \t]*\1){2,}[ \t]*$", re.MULTILINE)


def _norm_line(s: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s))


def load_plain(text: str, source: str, stem: str, markdown: bool,
               title: str | None = None) -> list[Article]:
    """Page text -> its articles, with the date, paper and page its header lines (or its
    file name) give. `title` (from front matter) is the heading of a page holding one
    article, whatever its first line is."""
    articles = plain_articles(text, source, stem, markdown, title)
    issue = page_issue(text, stem)
    for a in articles:
        issue.fill(a)
    settle_columns(articles)
    return articles


def plain_articles(text: str, source: str, stem: str, markdown: bool,
                   title: str | None = None) -> list[Article]:
    if markdown:
        text = _THEMATIC_BREAK.sub("", MD_HEADING.sub("", text))
    articles = parse_page(text, source, stem, markdown)
    lines = page_lines(text)
    # A titled file whose text ends with the one credit block that closes an item ("文字：…
    # 图片：… 审核：…") holds that item alone: lines set apart above it (verse, a quotation,
    # subheads) are its text, not other articles' headings (tests/data/staff_files, tune).
    one_item = title is not None and bool(lines) and lines[-1].credit_block \
        and sum(ln.credit_block and not nxt.credit_block for ln, nxt in zip(lines, lines[1:])) == 0
    if len(articles) > 1 and not one_item:
        return articles
    if not lines:
        return []
    if title is not None:
        if len(articles) == 1 and any(_norm_line(h) == _norm_line(title) for h in articles[0].headings):
            return articles
        if _norm_line(lines[0].text) == _norm_line(title):
            lines = lines[1:]
        drafts = PageParser(lines, markdown).parse(detect_headings=False)
        body = drafts[0] if drafts else Draft()
        return [draft_article(body, stem, source, [title], body.paragraphs or [title])]
    if articles and articles[0].headings and articles[0].headings[0] == lines[0].text:
        return articles  # the page parser found the title block itself
    if len(lines[0].text) > limits.current().heading_chars:
        # A heading is a short line: a long first line is body (a one-line file is all
        # body), and the article goes by its file's name.
        drafts = PageParser(lines, markdown).parse(detect_headings=False)
        body = drafts[0] if drafts else Draft()
        return [draft_article(body, stem, source, [], body.paragraphs or [lines[0].text])]
    title = lines[0].text
    drafts = PageParser(lines[1:], markdown).parse(detect_headings=False)
    body = drafts[0] if drafts else Draft()
    # A title-only file still needs searchable text: the title doubles as its body.
    return [draft_article(body, stem, source, [title], body.paragraphs or [title])]


def load_text_page(text: str, source: str, stem: str, markdown: bool) -> list[Article]:
    """.txt/.md text, with YAML front matter as metadata when it has some."""
    from assistant.ingest.formats.frontmatter import split_front_matter

    meta, body, _ = split_front_matter(text)
    if meta is None:
        return load_plain(text, source, stem, markdown)
    articles = load_plain(body, source, stem, markdown, title=meta.title)
    for a in articles:
        if meta.subtitle and len(articles) == 1 and meta.subtitle not in a.headings:
            a.headings.append(meta.subtitle)
        a.date = a.date or meta.date
        a.url = a.url or meta.url
        a.newspaper = a.newspaper or meta.newspaper
        a.page = a.page or meta.page
        if len(articles) == 1:   # a page's front matter does not name each author
            a.authors = a.authors or list(meta.authors)
            a.photographers = a.photographers or list(meta.photographers)
    return articles
