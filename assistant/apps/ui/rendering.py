"""Pure formatting of the chat UI: turns, citations and articles as HTML or Markdown.

Every function here is a plain function of records, testable without a browser or an
index. Everything that comes from an article, a file or a user goes through
`html.escape` (`esc`) before it is put into HTML, and through `md_escape` before it is
put into Markdown.
"""
from __future__ import annotations

import re
from html import escape
from typing import Mapping, Sequence

from assistant.apps.ui.i18n import t
from assistant.records import Article, Citation, Turn

CONTEXT_CHARS = 60          # article text shown on each side of a cited passage
MAX_LISTED_ARTICLES = 500   # rows of the Articles tab before "refine the search"

_MARKER = re.compile(r"\[(\d{1,3})\]")


# --- small text helpers -------------------------------------------------------------
def esc(text: object) -> str:
    """HTML-escape anything (None becomes empty): quotes too, so it is safe in attributes."""
    return escape("" if text is None else str(text), quote=True)


def split_markers(text: str) -> list[str | int]:
    """The answer text cut into plain pieces (str) and citation markers (int n of [n])."""
    out: list[str | int] = []
    pos = 0
    for m in _MARKER.finditer(text):
        if m.start() > pos:
            out.append(text[pos:m.start()])
        out.append(int(m.group(1)))
        pos = m.end()
    if pos < len(text):
        out.append(text[pos:])
    return out


def _html_text(text: str) -> str:
    """Escaped text with line breaks kept, on one line (no blank line ends the HTML block)."""
    return "<br>".join(esc(line) for line in text.split("\n"))


def _meta(*bits: object) -> str:
    """The non-empty bits (source, date, ...), escaped and joined by middle dots."""
    return " · ".join(esc(b) for b in bits if b)


def _citations_by_number(turn: Turn) -> dict[int, Citation]:
    return {c.n: c for c in turn.citations}


# --- chat messages ------------------------------------------------------------------
def question_html(text: str) -> str:
    return f'<div class="question">{_html_text(text)}</div>'


def citation_title(citation: Citation, article: Article | None = None) -> str:
    """The cited article's headline (see `briefing.headline`), one line."""
    from assistant.qa.briefing import headline

    if article is not None:
        return headline(article)
    return " ".join(citation.heading.split(" / ")[0].split()) if citation.heading else ""


def citation_where(citation: Citation, article: Article | None = None) -> str:
    """《标题》·报纸·日期 of a citation (the newspaper, else the file it came from)."""
    paper = citation.newspaper or (article.newspaper if article is not None else None)
    date = citation.date or (article.date if article is not None else None)
    return " · ".join(b for b in (f"《{citation_title(citation, article)}》",
                                  paper or citation.source, date) if b)


def chip_html(turn_index: int, citation: Citation, lang: str = "en",
              article: Article | None = None) -> str:
    """A clickable marker; `data-turn` ties it to its answer for as long as the chat lasts.

    Its accessible name is "来源1：《标题》"; hovering, focusing or tapping it shows a
    popover with 《标题》·报纸·日期 and the quoted passage (static/ui.css, ui.js)."""
    cls = "cite" + ("" if citation.supported else " unsupported")
    name = t(lang, "chip_name", n=citation.n, title=citation_title(citation, article))
    if not citation.supported:
        name += t(lang, "chip_unsupported")
    # The chat's sanitizer keeps classes but drops aria-* and data-* attributes: the
    # accessible name is visually hidden text around the number ("来源" 1 "：《标题》").
    before, _, after = name.partition(str(citation.n))
    pop = (f'<span class="cite-pop" role="tooltip" id="pop-{turn_index}-{citation.n}">'
           f'<span class="pop-where">{esc(citation_where(citation, article))}</span>'
           f'<span class="pop-passage">{esc(" ".join(citation.passage.split()))}</span></span>')
    return (f'<span class="cite-wrap"><a class="{cls}" href="#cite-{turn_index}-{citation.n}" '
            f'data-turn="{turn_index}" data-n="{citation.n}" title="{esc(name)}">'
            f'<span class="sr-only">{esc(before)}</span>{citation.n}'
            f'<span class="sr-only">{esc(after)}</span></a>{pop}</span>')


def _support_segments(turn: Turn) -> list[tuple[str, bool]]:
    """The answer cut into (text, unsupported) runs, from the LLM verifier's sentences."""
    sentences = (turn.verification or {}).get("sentences") or []
    spans, pos = [], 0
    for sent in sentences:
        text = sent.get("text") or ""
        at = turn.answer.find(text, pos) if text else -1
        if at < 0:
            continue
        if not sent.get("supported", True):
            spans.append((at, at + len(text)))
        pos = at + len(text)
    out, pos = [], 0
    for start, end in spans:
        if start > pos:
            out.append((turn.answer[pos:start], False))
        out.append((turn.answer[start:end], True))
        pos = end
    if pos < len(turn.answer):
        out.append((turn.answer[pos:], False))
    return out


def answer_html(turn: Turn, turn_index: int, lang: str = "en",
                articles: Mapping[str, Article] | None = None,
                filtered: bool = False) -> str:
    """The answer as HTML: escaped text, markers [n] of known citations as chips.

    The whole message is one `<div>` block without blank lines, so the chat's Markdown
    renderer passes it through and never interprets the article text as Markdown.
    """
    by_n = _citations_by_number(turn)
    articles = articles or {}
    short = turn.short_answer or {}
    parts = []
    for segment, unsupported in _support_segments(turn):
        seg = []
        pieces = split_markers(segment)
        for i, piece in enumerate(pieces):
            if isinstance(piece, int):
                seg.append(chip_html(turn_index, by_n[piece], lang, articles.get(by_n[piece].article_id))
                           if piece in by_n else f"[{piece}]")
            elif short and i + 1 < len(pieces) and pieces[i + 1] == short.get("n") \
                    and short.get("text") and piece.endswith(short["text"]):
                # The short answer ("367人"), bold before the quoted sentence.
                cut = len(piece) - len(short["text"])
                seg.append(_html_text(piece[:cut]) + '<strong class="short-answer">'
                           + _html_text(short["text"]) + "</strong>")
                short = {}
            else:
                seg.append(_html_text(piece))
        if unsupported:
            parts.append(f'<span class="unsupported-sentence" '
                         f'title="{esc(t(lang, "unsupported_sentence"))}">⚠ '
                         + "".join(seg) + "</span>")
        else:
            parts.extend(seg)
    if not turn.found:
        body = f'<span class="notfound-icon" aria-hidden="true">∅</span> {"".join(parts)}'
        cls = "answer notfound"
    else:
        body = "".join(parts)
        cls = "answer found"
    if not turn.found and filtered:
        body += f'<br><span class="notice filtered-note">{esc(t(lang, "notfound_filtered"))}</span>'
    if turn.notice:
        body += f'<br><span class="notice">{esc(turn.notice)}</span>'
    if any(not c.supported for c in turn.citations):
        body += (f'<br><span class="notice unsupported-note">{esc(t(lang, "unsupported_note"))}'
                 f'</span>')
    reading = reading_of(turn)
    if reading:
        body += f'<div class="reading">{esc(t(lang, "reading", text=reading))}</div>'
    body += inline_sources_html(turn, turn_index, lang, articles)
    return f'<div class="{cls}" data-turn="{turn_index}">{body}</div>'


def inline_sources_html(turn: Turn, turn_index: int, lang: str = "en",
                        articles: Mapping[str, Article] | None = None) -> str:
    """The answer's sources right under it (shown on a phone, where there is no room for
    a sources panel beside the chat): 《标题》·报纸·日期 and the passage of each; a tap
    opens the whole article in a sheet with a way back (static/ui.js)."""
    if not turn.citations:
        return ""
    articles = articles or {}
    items = []
    for c in turn.citations:
        art = articles.get(c.article_id)
        name = t(lang, "chip_name", n=c.n, title=citation_title(c, art))
        items.append(
            f'<li><a class="inline-source" href="#src-{turn_index}-{c.n}" '
            f'data-turn="{turn_index}" data-n="{c.n}">'
            f'<span class="sr-only">{esc(name)} · {esc(t(lang, "read_full"))}</span>'
            f'<span class="cite-num" aria-hidden="true">{c.n}</span> '
            f'<span class="inline-where" aria-hidden="true">{esc(citation_where(c, art))}</span>'
            f'<span class="inline-passage">{esc(" ".join(c.passage.split()))}</span></a></li>')
    return (f'<ul class="answer-sources" aria-label="{esc(t(lang, "sources_label"))}">'
            f'{"".join(items)}</ul>')


def reading_of(turn: Turn) -> str | None:
    """How the question was read when that differs from how it was asked (a follow-up
    made standalone): the UI shows it as "理解为：…" so a wrong reading can be caught."""
    sq = " ".join((getattr(turn, "standalone_question", None) or "").split())
    if not sq or sq == " ".join(turn.question.split()):
        return None
    return sq


def pending_html(partial: str, lang: str = "en") -> str:
    """An answer still arriving: plain escaped text, markers shown as they are."""
    return (f'<div class="answer pending" aria-busy="true">'
            f'{_html_text(partial) or esc(t(lang, "pending"))}</div>')


def error_html(message: str) -> str:
    return f'<div class="ui-error" role="alert">⚠ {esc(message)}</div>'


# What a citation of a metadata field quotes, as the sources panel names it.
FIELD_LABELS = {"byline": "byline", "captions": "photo caption", "date": "date",
                "newspaper": "newspaper", "page": "page", "authors": "authors",
                "photographers": "photographers"}


def field_label(field: str | None, lang: str = "en") -> str:
    return t(lang, f"field_{field}") if field in FIELD_LABELS else (field or "")


# --- sources panel ------------------------------------------------------------------
def sources_placeholder(lang: str = "en") -> str:
    return f'<div class="sources-empty">{esc(t(lang, "sources_placeholder"))}</div>'


def reader_placeholder(lang: str = "en") -> str:
    return f'<div class="reader-empty">{esc(t(lang, "reader_placeholder"))}</div>'


SOURCES_PLACEHOLDER = sources_placeholder()
READER_PLACEHOLDER = reader_placeholder()


def cited_text(article: Article, citation: Citation) -> str:
    """The text the citation's span indexes: the article's body, or the metadata field
    it names (byline, captions, date ...)."""
    try:
        return article.field_text(citation.field)
    except ValueError:
        return ""


def passage_context(article: Article | None, citation: Citation,
                    width: int = CONTEXT_CHARS) -> tuple[str, str, str]:
    """(before, passage, after): a little of the paragraph (or the byline, caption ...)
    around the cited passage."""
    if article is None:
        return "", citation.passage, ""
    text = cited_text(article, citation)
    start, end = citation.start, citation.end
    if not (0 <= start <= end <= len(text)) or text[start:end] != citation.passage:
        return "", citation.passage, ""   # the article changed since: show the passage alone
    lo = text.rfind("\n", 0, start) + 1
    hi = text.find("\n", end)
    hi = len(text) if hi < 0 else hi
    before = text[max(lo, start - width):start]
    after = text[end:min(hi, end + width)]
    if start - width > lo:
        before = "…" + before
    if end + width < hi:
        after += "…"
    return before, citation.passage, after


def _web_url(url: str | None) -> str | None:
    """The URL when it is an http(s) address (only those become links)."""
    return url if url and re.match(r"https?://[^\s\"'<>]+$", url, re.I) else None


def source_metadata_html(citation: Citation, article: Article | None = None,
                         lang: str = "en") -> str:
    """The cited article's metadata under its heading: date, newspaper, page or section,
    authors, photographers (each labelled), the file it came from, and its source URL
    (a link when it is a web address). The citation's own fields first, the article's
    when the citation lacks them (an answer made before they were carried)."""
    def pick(name):
        value = getattr(citation, name, None)
        if not value and article is not None:
            value = getattr(article, name, None)
        return value

    field = field_label(citation.field, lang) if citation.field in FIELD_LABELS else None
    bits = [("date", pick("date")), ("newspaper", pick("newspaper")), ("page", pick("page"))]
    row1 = " · ".join(f'<span class="meta-{k}">{esc(v)}</span>' for k, v in bits if v)
    people = []
    if pick("authors"):
        people.append(f'<span class="meta-authors">'
                      f'{esc(t(lang, "meta_by", names="、".join(pick("authors"))))}</span>')
    if pick("photographers"):
        people.append(f'<span class="meta-photographers">'
                      f'{esc(t(lang, "meta_photos", names="、".join(pick("photographers"))))}'
                      f'</span>')
    tail = [f'<span class="meta-source">{esc(citation.source)}</span>']
    if field:
        tail.append(f'<span class="meta-field">{esc(field)}</span>')
    url = pick("url")
    if url:
        link = _web_url(url)
        tail.append(f'<a class="meta-url" href="{esc(link)}" target="_blank" '
                    f'rel="noopener noreferrer">{esc(url)}</a>' if link else
                    f'<span class="meta-url">{esc(url)}</span>')
    lines = [x for x in (row1, " · ".join(people), " · ".join(tail)) if x]
    return "".join(f'<div class="source-meta">{line}</div>' for line in lines)


def source_item_html(turn_index: int, citation: Citation,
                     article: Article | None = None, lang: str = "en") -> str:
    before, passage, after = passage_context(article, citation)
    cls = "cite-source" + ("" if citation.supported else " unsupported")
    badge = ("" if citation.supported else
             f'<span class="badge-unsupported">{esc(t(lang, "badge_unsupported"))}</span>')
    name = t(lang, "chip_name", n=citation.n, title=citation_title(citation, article))
    return (f'<div class="{cls}" data-turn="{turn_index}" data-n="{citation.n}" role="button" '
            f'tabindex="0"><div class="source-head"><span class="sr-only">{esc(name)}</span>'
            f'<span class="cite-num" aria-hidden="true">{citation.n}</span> '
            f'<span class="source-heading">{esc(citation.heading)}</span></div>'
            f'{source_metadata_html(citation, article, lang)}{badge}'
            f'<blockquote class="source-passage">{_html_text(before)}'
            f'<mark>{_html_text(passage)}</mark>{_html_text(after)}</blockquote>'
            f'<span class="read-full">{esc(t(lang, "read_full"))} ›</span>'
            f'</div>')


def sources_html(turn: Turn | None, turn_index: int | None = None, total: int | None = None,
                 articles: Mapping[str, Article] | None = None, lang: str = "en") -> str:
    """The citations of one answer, each with its article heading, source, date and passage."""
    if turn is None or turn_index is None:
        return sources_placeholder(lang)
    which = t(lang, "sources_title", k=turn_index + 1, n=total or turn_index + 1)
    head = (f'<div class="sources-title">{esc(which)} '
            f'<span class="sources-q">{esc(turn.question)}</span></div>')
    if not turn.citations:
        note = esc(t(lang, "sources_none_notfound") if not turn.found
                   else t(lang, "sources_none"))
        return (f'<div class="sources" data-turn="{turn_index}">{head}'
                f'<div class="sources-none">{note}</div></div>')
    articles = articles or {}
    items = "".join(source_item_html(turn_index, c, articles.get(c.article_id), lang)
                    for c in turn.citations)
    return f'<div class="sources" data-turn="{turn_index}">{head}{items}</div>'


# --- reader -------------------------------------------------------------------------
def _mark_paragraph(paragraph: str, offset: int, start: int | None, end: int | None,
                    first: bool) -> tuple[str, bool]:
    """The paragraph escaped, its part inside [start, end) wrapped in <mark>."""
    p_end = offset + len(paragraph)
    if start is None or end is None or end <= offset or start >= p_end or start == end:
        return esc(paragraph), False
    a, b = max(start, offset) - offset, min(end, p_end) - offset
    mid = paragraph[a:b]
    if not mid.strip():
        return esc(paragraph), False
    mark_id = ' id="reader-mark"' if first else ""
    return f"{esc(paragraph[:a])}<mark{mark_id}>{esc(mid)}</mark>{esc(paragraph[b:])}", True


def reader_html(article: Article | None, start: int | None = None, end: int | None = None,
                label: str = "", chunks: int | None = None, field: str | None = None,
                lang: str = "en") -> str:
    """The whole article; the span [start, end) of `article.text` (or of the metadata
    field `field`: byline, captions, date ...) is marked and gets an id."""
    if article is None:
        return reader_placeholder(lang)
    if field:
        return _reader_with_field(article, start, end, label, chunks, field, lang)
    title = article.title
    others = [h for h in article.headings if h != title]
    out = [f'<article class="reader" data-article-id="{esc(article.id)}">']
    if label:
        out.append(f'<div class="reader-label">{esc(label)}</div>')
    out.append("".join(f'<div class="reader-kicker">{esc(h)}</div>' for h in others))
    out.append(f'<h3 class="reader-title">{esc(title)}</h3>')
    count = None if chunks is None else t(lang, "reader_chunks", n=chunks)
    out.append(f'<div class="reader-meta">'
               f'{_meta(article.newspaper or article.source, article.date, article.page, count)}'
               f'</div>')
    if article.byline:
        out.append(f'<div class="reader-byline">{esc(article.byline)}</div>')
    offset, marked = 0, False
    for p in article.paragraphs:
        body, hit = _mark_paragraph(p, offset, start, end, first=not marked)
        marked = marked or hit
        out.append(f"<p>{body}</p>")
        offset += len(p) + 1
    if article.captions:
        out.append("".join(f'<figcaption>{esc(c)}</figcaption>' for c in article.captions))
    if article.url:
        out.append(f'<div class="reader-url">{esc(article.url)}</div>')
    out.append("</article>")
    return "".join(out)


def _reader_with_field(article: Article, start, end, label: str, chunks, field: str,
                       lang: str = "en") -> str:
    """The reader with a span of a metadata field marked: the byline, a caption and the
    date are shown marked where the reader shows them; other fields above the text."""
    html = reader_html(article, label=label, chunks=chunks, lang=lang)
    text = cited_text(article, Citation(0, article.id, "", "", "", 0, 0, field=field))
    if start is None or end is None or not (0 <= start < end <= len(text)):
        return html
    marked = f'{esc(text[:start])}<mark id="reader-mark">{esc(text[start:end])}</mark>' \
             f'{esc(text[end:])}'
    if field == "byline":
        return html.replace(f'<div class="reader-byline">{esc(article.byline)}</div>',
                            f'<div class="reader-byline">{marked}</div>', 1)
    if field == "captions":
        lo = text.rfind("\n", 0, start) + 1
        hi = text.find("\n", end)
        hi = len(text) if hi < 0 else hi
        caption = text[lo:hi]
        inner = (f'{esc(caption[:start - lo])}<mark id="reader-mark">{esc(text[start:end])}'
                 f'</mark>{esc(caption[end - lo:])}')
        return html.replace(f'<figcaption>{esc(caption)}</figcaption>',
                            f'<figcaption>{inner}</figcaption>', 1)
    label_html = esc(field_label(field, lang))
    extra = f'<div class="reader-field">{label_html}: {marked}</div>'
    return html.replace('<div class="reader-meta">', extra + '<div class="reader-meta">', 1)


def cited_reader_html(article: Article | None, citation: Citation, turn_index: int,
                      chunks: int | None = None, lang: str = "en") -> str:
    """The reader opened on a citation of answer `turn_index`, its passage marked.

    When the article is gone or changed since the answer, the passage is shown alone.
    """
    label = (t(lang, "reader_cited", n=citation.n, k=turn_index + 1)
             + ("" if citation.supported else " " + t(lang, "reader_unsupported")))
    if article is None or cited_text(article, citation)[citation.start:citation.end] \
            != citation.passage:
        fallback = Article(id=citation.article_id, headings=[citation.heading],
                           paragraphs=[citation.passage], source=citation.source,
                           date=citation.date)
        return reader_html(fallback, 0, len(citation.passage),
                           label=label + " " + t(lang, "reader_gone"), lang=lang)
    return reader_html(article, citation.start, citation.end, label, chunks,
                       field=citation.field, lang=lang)


# --- Markdown -----------------------------------------------------------------------
_MD_SPECIAL = re.compile(r"([\\`*\[\]<>])")


def md_escape(text: str) -> str:
    """Text for one Markdown line: whitespace runs become one space, and backslashes,
    backticks, asterisks, brackets and angle brackets are backslash-escaped, so article
    text never turns into emphasis, links, footnotes or HTML tags."""
    return _MD_SPECIAL.sub(r"\\\1", re.sub(r"\s+", " ", text))


# --- articles list ------------------------------------------------------------------
def filter_articles(articles: Sequence[Article], query: str) -> list[Article]:
    """Articles whose heading, text, source, date, byline or id hold every word of `query`."""
    words = [w.casefold() for w in (query or "").split()]
    if not words:
        return list(articles)
    out = []
    for a in articles:
        hay = "\n".join([a.heading, a.text, a.source or "", a.date or "", a.byline or "",
                         a.id, *a.captions]).casefold()
        if all(w in hay for w in words):
            out.append(a)
    return out


def articles_table_html(articles: Sequence[Article], chunk_counts: Mapping[str, int],
                        total: int, query: str = "", lang: str = "en") -> str:
    """A table of articles (heading, source, date, chunks); a row opens the reader."""
    if not articles:
        msg = (t(lang, "articles_nomatch", query=query) if query.strip()
               else t(lang, "articles_empty"))
        return f'<div class="articles-empty">{esc(msg)}</div>'
    shown = articles[:MAX_LISTED_ARTICLES]
    rows = "".join(
        f'<tr class="article-row" data-article-id="{esc(a.id)}" tabindex="0" '
        f'aria-label="{esc(t(lang, "source_open"))}: {esc(a.title)}">'
        f'<td class="a-heading">{esc(a.heading)}</td><td>{esc(a.newspaper or a.source)}</td>'
        f'<td>{esc(a.date or "")}</td><td class="a-chunks">{chunk_counts.get(a.id, 0)}</td></tr>'
        for a in shown)
    count = (t(lang, "articles_count_some", n=len(articles), total=total) if query.strip()
             else t(lang, "articles_count_all", total=total))
    more = (" " + t(lang, "articles_more", n=len(shown)) if len(shown) < len(articles) else "")
    return (f'<div class="articles-count">{esc(count + more)}</div>'
            f'<table class="articles"><caption class="sr-only">'
            f'{esc(t(lang, "articles_caption"))}</caption><thead><tr>'
            f'<th scope="col">{esc(t(lang, "col_heading"))}</th>'
            f'<th scope="col">{esc(t(lang, "col_source"))}</th>'
            f'<th scope="col">{esc(t(lang, "col_date"))}</th>'
            f'<th scope="col">{esc(t(lang, "col_chunks"))}</th></tr></thead>'
            f'<tbody>{rows}</tbody></table>')


def query_span(article: Article, query: str) -> tuple[int | None, int | None]:
    """The first place in the article text where the first search word occurs."""
    words = (query or "").split()
    if not words:
        return None, None
    pos = article.text.casefold().find(words[0].casefold())
    return (pos, pos + len(words[0])) if pos >= 0 else (None, None)


# --- upload report ------------------------------------------------------------------
def upload_report_html(added: Sequence[str], rejected: Sequence[tuple[str, str]],
                       summary: str = "", lang: str = "en",
                       noted: Sequence[tuple[str, str]] = ()) -> str:
    """Which uploaded files were indexed, those indexed with a note (an encoding guessed,
    a limit that cut an article: `noted`), and each one that was not with its reason."""
    parts = []
    if summary:
        parts.append(f'<div class="upload-summary">{esc(summary)}</div>')
    if added:
        parts.append(f'<div class="upload-ok">{esc(t(lang, "upload_indexed"))} ' +
                     ", ".join(f"<b>{esc(n)}</b>" for n in added) + "</div>")
    if noted:
        items = "".join(f'<li><b>{esc(n)}</b>: {esc(r)}</li>' for n, r in noted)
        parts.append(f'<div class="upload-noted">{esc(t(lang, "upload_noted"))}<ul>{items}</ul></div>')
    if rejected:
        items = "".join(f'<li><b>{esc(n)}</b>: {esc(r)}</li>' for n, r in rejected)
        parts.append(f'<div class="upload-rejected">{esc(t(lang, "upload_not_indexed"))}'
                     f'<ul>{items}</ul></div>')
    return "".join(parts) or f'<div class="upload-summary">{esc(t(lang, "upload_none"))}</div>'
