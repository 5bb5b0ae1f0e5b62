"""The chat UI (`assistant serve`): a Gradio app over one loaded Assistant.

The Chat tab streams answers whose markers [n] are clickable chips; beside it, the
sources panel lists the citations of the selected answer and the reader shows a whole
article with the cited passage marked. Further tabs list the indexed articles and take
new files. Every browser session has its own conversation (in `gr.State`).

The formatting helpers (`answer_html`, `sources_html`, `reader_html`,
`talking_points_markdown`, `articles_table_html`, `safe_filename`) are plain functions
of records, testable without a browser. Everything that comes from an article, a file
or a user goes through `html.escape` before it is put into HTML.
"""
from __future__ import annotations

import ipaddress
import os
import re
import shutil
import sys
import tempfile
import threading
import time
import traceback
import unicodedata
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Callable, Iterable, Sequence

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # no network calls at start

import gradio as gr  # noqa: E402

from assistant.ingest.page import SUFFIXES  # noqa: E402
from assistant.answering.conversation import Conversation, QuestionError, check_question  # noqa: E402
from assistant.records import Article, Citation, Turn  # noqa: E402

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
CONCURRENCY = 16
STREAM_INTERVAL = 0.05     # seconds between two updates of an answer being streamed
CONTEXT_CHARS = 60          # article text shown on each side of a cited passage
MAX_LISTED_ARTICLES = 500   # rows of the Articles tab before "refine the search"

EXAMPLES = [
    "how many craftsmen has Jiaojiang trained?",
    "乐业物业有多少名职工？",
    "象山星光影视小镇工会联合会主席是谁？",
    "东阳首家物业工会开展了什么协商？",
    "嘉兴市总工会建立了多大规模的单身青年职工信息数据库？",
    "Who won first prize in the Changxing finance competition?",
]

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


def _meta(source: str | None, date: str | None) -> str:
    bits = [esc(b) for b in (source, date) if b]
    return " · ".join(bits)


# --- chat messages ------------------------------------------------------------------
def question_html(text: str) -> str:
    return f'<div class="question">{_html_text(text)}</div>'


def chip_html(turn_index: int, citation: Citation) -> str:
    """A clickable marker; `data-turn` ties it to its answer for as long as the chat lasts."""
    cls = "cite" + ("" if citation.supported else " unsupported")
    title = citation.heading + ("" if citation.supported else " (not supported by the article)")
    return (f'<a class="{cls}" href="#cite-{turn_index}-{citation.n}" data-turn="{turn_index}" '
            f'data-n="{citation.n}" title="{esc(title)}">{citation.n}</a>')


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


def answer_html(turn: Turn, turn_index: int) -> str:
    """The answer as HTML: escaped text, markers [n] of known citations as chips.

    The whole message is one `<div>` block without blank lines, so the chat's Markdown
    renderer passes it through and never interprets the article text as Markdown.
    """
    by_n = {c.n: c for c in turn.citations}
    parts = []
    for segment, unsupported in _support_segments(turn):
        seg = []
        for piece in split_markers(segment):
            if isinstance(piece, int):
                seg.append(chip_html(turn_index, by_n[piece]) if piece in by_n else f"[{piece}]")
            else:
                seg.append(_html_text(piece))
        if unsupported:
            parts.append('<span class="unsupported-sentence" title="No cited article supports '
                         'this sentence">⚠ ' + "".join(seg) + "</span>")
        else:
            parts.extend(seg)
    if not turn.found:
        body = f'<span class="notfound-icon" aria-hidden="true">∅</span> {"".join(parts)}'
        cls = "answer notfound"
    else:
        body = "".join(parts)
        cls = "answer found"
    if turn.notice:
        body += f'<br><span class="notice">{esc(turn.notice)}</span>'
    if any(not c.supported for c in turn.citations):
        body += ('<br><span class="notice unsupported-note">Some citations are marked '
                 'unsupported: the cited passage may not back that part of the answer.</span>')
    return f'<div class="{cls}" data-turn="{turn_index}">{body}</div>'


def pending_html(partial: str) -> str:
    """An answer still arriving: plain escaped text, markers shown as they are."""
    return f'<div class="answer pending">{_html_text(partial) or "…"}</div>'


def error_html(message: str) -> str:
    return f'<div class="ui-error" role="alert">⚠ {esc(message)}</div>'


# --- sources panel ------------------------------------------------------------------
SOURCES_PLACEHOLDER = ('<div class="sources-empty">Sources of the selected answer appear '
                       'here. Click a marker <span class="cite sample">1</span> to open the '
                       'article.</div>')
READER_PLACEHOLDER = ('<div class="reader-empty">Click a marker or a source to read the whole '
                      'article.</div>')


def passage_context(article: Article | None, citation: Citation,
                    width: int = CONTEXT_CHARS) -> tuple[str, str, str]:
    """(before, passage, after): a little of the paragraph around the cited passage."""
    if article is None:
        return "", citation.passage, ""
    text = article.text
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


def source_item_html(turn_index: int, citation: Citation,
                     article: Article | None = None) -> str:
    before, passage, after = passage_context(article, citation)
    cls = "cite-source" + ("" if citation.supported else " unsupported")
    badge = ("" if citation.supported else
             '<span class="badge-unsupported">⚠ unsupported: the article does not back '
             'this part of the answer</span>')
    meta = _meta(citation.source, citation.date)
    return (f'<div class="{cls}" data-turn="{turn_index}" data-n="{citation.n}" role="button" '
            f'tabindex="0" title="Open the article">'
            f'<div class="source-head"><span class="cite-num">{citation.n}</span> '
            f'<span class="source-heading">{esc(citation.heading)}</span></div>'
            f'<div class="source-meta">{meta}</div>{badge}'
            f'<blockquote class="source-passage">{_html_text(before)}'
            f'<mark>{_html_text(passage)}</mark>{_html_text(after)}</blockquote></div>')


def sources_html(turn: Turn | None, turn_index: int | None = None, total: int | None = None,
                 articles: dict[str, Article] | None = None) -> str:
    """The citations of one answer, each with its article heading, source, date and passage."""
    if turn is None or turn_index is None:
        return SOURCES_PLACEHOLDER
    which = f"answer {turn_index + 1}" + (f" of {total}" if total else "")
    head = (f'<div class="sources-title">Sources of {which}: '
            f'<span class="sources-q">{esc(turn.question)}</span></div>')
    if not turn.citations:
        note = ("The articles contain nothing on this question, so there is nothing to cite."
                if not turn.found else "This answer cites no passage.")
        return (f'<div class="sources" data-turn="{turn_index}">{head}'
                f'<div class="sources-none">{note}</div></div>')
    articles = articles or {}
    items = "".join(source_item_html(turn_index, c, articles.get(c.article_id))
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
                label: str = "", chunks: int | None = None) -> str:
    """The whole article; the span [start, end) of `article.text` is marked and gets an id."""
    if article is None:
        return READER_PLACEHOLDER
    title = article.title
    others = [h for h in article.headings if h != title]
    out = [f'<article class="reader" data-article-id="{esc(article.id)}">']
    if label:
        out.append(f'<div class="reader-label">{esc(label)}</div>')
    out.append("".join(f'<div class="reader-kicker">{esc(h)}</div>' for h in others))
    out.append(f'<h3 class="reader-title">{esc(title)}</h3>')
    meta = [esc(b) for b in (article.source, article.date) if b]
    if chunks is not None:
        meta.append(f"{chunks} chunk{'s' if chunks != 1 else ''}")
    out.append(f'<div class="reader-meta">{" · ".join(meta)}</div>')
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


# --- talking points -----------------------------------------------------------------
_MD_SPECIAL = re.compile(r"([\\`*\[\]<>])")
_ANSWER_LEAD = re.compile(r"^According to the articles:\s*")


def md_escape(text: str) -> str:
    """Text for one Markdown line: whitespace runs become one space, and backslashes,
    backticks, asterisks, brackets and angle brackets are backslash-escaped, so article
    text never turns into emphasis, links, footnotes or HTML tags."""
    return _MD_SPECIAL.sub(r"\\\1", re.sub(r"\s+", " ", text))


def talking_points_markdown(turns: Iterable[Turn], title: str = "Talking points") -> str:
    """The found answers as a Markdown list; each citation becomes a numbered footnote.

    The same passage cited twice gets one footnote. Returns "" when no answer was found.
    """
    notes: dict[tuple[str, int, int], int] = {}
    footnotes: list[str] = []
    points: list[str] = []
    for turn in turns:
        if not turn.found or not turn.citations:
            continue
        by_n = {c.n: c for c in turn.citations}
        text = []
        for piece in split_markers(_ANSWER_LEAD.sub("", turn.answer)):
            if isinstance(piece, str):
                text.append(md_escape(piece))
                continue
            c = by_n.get(piece)
            if c is None:
                continue
            key = (c.article_id, c.start, c.end)
            if key not in notes:
                notes[key] = len(notes) + 1
                where = ", ".join(b for b in (c.source, c.date) if b)
                footnotes.append(f"[^{notes[key]}]: {md_escape(c.heading)}: "
                                 f"“{md_escape(c.passage)}”"
                                 + (f" ({md_escape(where)})" if where else ""))
            text.append(f"[^{notes[key]}]")
        points.append(f"- **{md_escape(turn.question)}** {''.join(text).strip()}")
    if not points:
        return ""
    return "\n".join([f"# {title}", "", *points, "", *footnotes]) + "\n"


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


def articles_table_html(articles: Sequence[Article], chunk_counts: dict[str, int],
                        total: int, query: str = "") -> str:
    """A table of articles (heading, source, date, chunks); a row opens the reader."""
    if not articles:
        msg = (f"No article matches “{esc(query)}”." if query.strip()
               else "No article is indexed yet.")
        return f'<div class="articles-empty">{msg}</div>'
    shown = articles[:MAX_LISTED_ARTICLES]
    rows = "".join(
        f'<tr class="article-row" data-article-id="{esc(a.id)}" tabindex="0" '
        f'title="Open the article">'
        f'<td class="a-heading">{esc(a.heading)}</td><td>{esc(a.source)}</td>'
        f'<td>{esc(a.date or "")}</td><td class="a-chunks">{chunk_counts.get(a.id, 0)}</td></tr>'
        for a in shown)
    more = (f"; the first {len(shown)} are listed, refine the search to see others"
            if len(shown) < len(articles) else "")
    count = f"{len(articles)} of {total} articles" if query.strip() else f"{total} articles"
    return (f'<div class="articles-count">{count}{more}. Click a row to read it.</div>'
            '<table class="articles"><thead><tr><th>Heading</th><th>Source</th><th>Date</th>'
            f'<th>Chunks</th></tr></thead><tbody>{rows}</tbody></table>')


def _query_span(article: Article, query: str) -> tuple[int | None, int | None]:
    """The first place in the article text where the first search word occurs."""
    words = (query or "").split()
    if not words:
        return None, None
    pos = article.text.casefold().find(words[0].casefold())
    return (pos, pos + len(words[0])) if pos >= 0 else (None, None)


# --- uploads ------------------------------------------------------------------------
_UNSAFE = re.compile(r"[^\w.\-]+")


def safe_filename(name: str, max_len: int = 100) -> str:
    """A file name safe to create: the base name only, word characters, dots and dashes.

    Directory parts (either slash), control characters, spaces and leading dots go;
    an empty result becomes "upload". The suffix is kept when the name is shortened.
    """
    base = re.split(r"[\\/]", unicodedata.normalize("NFC", str(name)))[-1]
    base = _UNSAFE.sub("_", base).strip("._-")
    base = re.sub(r"\.{2,}", ".", base)
    if not base:
        base = "upload"
    if len(base) > max_len:
        stem, dot, suffix = base.rpartition(".")
        if dot and 0 < len(suffix) <= 10:
            base = stem[:max_len - len(suffix) - 1] + "." + suffix
        else:
            base = base[:max_len]
    return base


def human_size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f}".removesuffix(".0") + " MB"
    if n >= 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n} bytes"


def _unique_path(folder: Path, name: str) -> Path:
    path = folder / name
    stem, suffix = path.stem, path.suffix
    k = 2
    while path.exists():
        path = folder / f"{stem}-{k}{suffix}"
        k += 1
    return path


def upload_report_html(added: Sequence[str], rejected: Sequence[tuple[str, str]],
                       summary: str = "") -> str:
    parts = []
    if summary:
        parts.append(f'<div class="upload-summary">{esc(summary)}</div>')
    if added:
        parts.append('<div class="upload-ok">Indexed: ' +
                     ", ".join(f"<b>{esc(n)}</b>" for n in added) + "</div>")
    if rejected:
        items = "".join(f'<li><b>{esc(n)}</b>: {esc(r)}</li>' for n, r in rejected)
        parts.append(f'<div class="upload-rejected">Not indexed:<ul>{items}</ul></div>')
    return "".join(parts) or '<div class="upload-summary">No file was given.</div>'


# --- the session and the app ----------------------------------------------------------
@dataclass
class ChatSession:
    """One browser session: its conversation, the chat messages, the selected answer."""

    conversation: Conversation
    index: object = None        # the index the conversation was made with
    turns: list[Turn] = field(default_factory=list)   # answer k of the chat is turns[k]
    messages: list[dict] = field(default_factory=list)
    selected: int | None = None

    def add(self, turn: Turn) -> int:
        """Keep an answered turn (its citations stay with it); its number in the chat."""
        self.turns.append(turn)
        self.selected = len(self.turns) - 1
        return self.selected


CSS = """
.gradio-container { font-family: "Source Sans Pro", "Noto Sans CJK SC", "Noto Sans SC",
  "Microsoft YaHei", ui-sans-serif, system-ui, sans-serif; }
a.cite, span.cite { display: inline-block; min-width: 1.35em; padding: 0 .4em; margin: 0 .15em;
  border-radius: .75em; background: #dbeafe; color: #1d4ed8 !important; font-size: .78em;
  font-weight: 700; line-height: 1.5; text-align: center; text-decoration: none !important;
  cursor: pointer; vertical-align: .15em; border: 1px solid #93c5fd; }
a.cite:hover, a.cite:focus { background: #1d4ed8; color: #fff !important; }
.unsupported-sentence { background: #fef2f2; color: #b91c1c; text-decoration: underline wavy #f87171; }
a.cite.unsupported { background: #fee2e2; color: #b91c1c !important; border-color: #fca5a5;
  text-decoration: line-through !important; }
.answer.notfound { color: #6b7280; font-style: italic; border-left: 3px solid #f59e0b;
  padding-left: .6em; }
.answer.pending { color: #6b7280; }
.answer .notice { font-size: .85em; color: #6b7280; }
.ui-error { color: #b91c1c; background: #fef2f2; border: 1px solid #fecaca; border-radius: 6px;
  padding: .4em .7em; margin-top: .3em; }
.sources-title { font-weight: 600; margin-bottom: .5em; }
.sources-q { font-weight: 400; color: #4b5563; }
.sources-empty, .reader-empty, .sources-none, .articles-empty { color: #6b7280; padding: .5em; }
.cite-source { border: 1px solid #e5e7eb; border-radius: 8px; padding: .5em .7em;
  margin-bottom: .55em; cursor: pointer; background: rgba(249, 250, 251, .6); }
.cite-source:hover, .cite-source:focus { border-color: #60a5fa; }
.cite-source.unsupported { border-color: #f87171; background: #fef2f2; }
.badge-unsupported { display: inline-block; color: #b91c1c; font-weight: 600; font-size: .85em; }
.source-head { font-weight: 600; }
.cite-num { display: inline-block; min-width: 1.4em; text-align: center; border-radius: .7em;
  background: #1d4ed8; color: #fff !important; font-size: .8em; line-height: 1.5; }
.source-meta, .reader-meta, .reader-byline, .reader-label { color: #6b7280; font-size: .85em; }
.source-passage { margin: .35em 0 0 0; padding-left: .6em; border-left: 3px solid #d1d5db;
  font-size: .92em; }
.source-passage mark, .reader mark { background: #fde68a; color: inherit; padding: 0 .1em; }
#reader-panel { max-height: 62vh; overflow-y: auto !important; }
#article-reader { max-height: 75vh; overflow-y: auto !important; }
#side-panel { position: sticky; top: .5em; align-self: flex-start; }
.reader p { margin: .45em 0; line-height: 1.7; }
.reader-kicker { color: #4b5563; font-size: .9em; }
.reader-title { margin: .1em 0 .2em 0; }
.reader figcaption { color: #6b7280; font-size: .85em; font-style: italic; }
table.articles { width: 100%; border-collapse: collapse; }
table.articles th, table.articles td { text-align: left; padding: .35em .5em;
  border-bottom: 1px solid #e5e7eb; vertical-align: top; }
tr.article-row { cursor: pointer; }
tr.article-row:hover, tr.article-row:focus { background: #eff6ff; }
.a-chunks { text-align: right; }
.upload-rejected { color: #b91c1c; }
.upload-ok { color: #047857; }
"""

# The sources panel also listens for clicks on chips anywhere in the page (they live in
# the chat) and sends {turn, n} to the server as its custom "cite" event. Re-mounting
# replaces the listener instead of adding a second one.
SOURCES_JS = """
const pick = (el) => {
  let turn = el.dataset.turn, n = el.dataset.n;
  if ((turn === undefined || n === undefined) && el.getAttribute('href')) {
    const m = /#cite-(\\d+)-(\\d+)/.exec(el.getAttribute('href'));
    if (m) { turn = m[1]; n = m[2]; }
  }
  return (turn === undefined || n === undefined) ? null : {turn: Number(turn), n: Number(n)};
};
const onClick = (e) => {
  const el = e.target && e.target.closest ? e.target.closest('a.cite, .cite-source') : null;
  if (!el) return;
  const data = pick(el);
  if (!data) return;
  e.preventDefault();
  e.stopPropagation();
  trigger('cite', data);
};
const onKey = (e) => {
  if (e.key !== 'Enter' && e.key !== ' ') return;
  const el = e.target && e.target.closest ? e.target.closest('.cite-source') : null;
  if (el) { const data = pick(el); if (data) { e.preventDefault(); trigger('cite', data); } }
};
if (window.__assistantCite) {
  document.removeEventListener('click', window.__assistantCite.click, true);
  document.removeEventListener('keydown', window.__assistantCite.key, true);
}
window.__assistantCite = {click: onClick, key: onKey};
document.addEventListener('click', onClick, true);
document.addEventListener('keydown', onKey, true);
"""

# Centre the marked passage inside the reader panel; move the page only if the passage
# is still off screen (e.g. when the columns are stacked on a narrow window).
READER_JS = """
const show = () => {
  const m = element.querySelector('mark');
  if (!m) return;
  const panel = element.closest('#reader-panel, #article-reader') || element;
  const pr = panel.getBoundingClientRect(), mr = m.getBoundingClientRect();
  panel.scrollTop += (mr.top - pr.top) - (panel.clientHeight - mr.height) / 2;
  const r = m.getBoundingClientRect();
  if (r.top < 0 || r.bottom > window.innerHeight) m.scrollIntoView({block: 'center'});
};
watch('value', () => setTimeout(show, 30));
"""

ARTICLES_JS = """
const open = (e) => {
  const row = e.target && e.target.closest ? e.target.closest('[data-article-id]') : null;
  if (row) trigger('open', {id: row.dataset.articleId});
};
element.addEventListener('click', open);
element.addEventListener('keydown', (e) => { if (e.key === 'Enter') open(e); });
"""


def _hidden_points():
    """The talking-points box and download button, emptied and hidden."""
    return gr.Textbox(value="", visible=False), gr.DownloadButton(value=None, visible=False)


class ChatApp:
    """The event handlers of the UI, bound to one Assistant."""

    def __init__(self, assistant, upload_dir: Path | None = None,
                 max_upload_bytes: int = MAX_UPLOAD_BYTES):
        self.assistant = assistant
        self.upload_dir = Path(upload_dir) if upload_dir else Path(assistant.index_dir) / "uploads"
        self.max_upload_bytes = max_upload_bytes
        self.points_dir: Path | None = None   # made on the first talking-points download

    # sessions ---------------------------------------------------------------------
    def session(self, state: ChatSession | None) -> ChatSession:
        index = self.assistant.index
        if state is None:
            return ChatSession(self.assistant.conversation(), index)
        if state.index is not index:
            # An upload swapped in a new index: a conversation over it takes over the
            # history (the list fields: turns, retrievals) so follow-ups keep working.
            old, new = state.conversation, self.assistant.conversation()
            for name, value in vars(old).items():
                if isinstance(value, list) and hasattr(new, name):
                    setattr(new, name, value)
            state.conversation, state.index = new, index
        return state

    @property
    def articles(self) -> dict[str, Article]:
        return self.assistant.index.articles

    def _sources(self, s: ChatSession, k: int | None) -> str:
        if k is None or not 0 <= k < len(s.turns):
            return SOURCES_PLACEHOLDER
        return sources_html(s.turns[k], k, len(s.turns), self.articles)

    # chat ---------------------------------------------------------------------------
    def respond(self, text: str, state: ChatSession | None):
        """Stream one answer: (chat messages, question box, status, sources, state)."""
        s = self.session(state)
        try:
            question = check_question(text)
        except QuestionError as e:
            yield s.messages, text, error_html(str(e)), gr.skip(), s
            return
        history = s.messages + [{"role": "user", "content": question_html(question)}]
        yield history + [{"role": "assistant", "content": pending_html("")}], "", "", gr.skip(), s
        partial, last = "", time.monotonic()
        try:
            for kind, payload in s.conversation.stream(question):
                if kind == "delta":
                    partial += payload
                    # Pieces that arrive together go out as one update: the browser
                    # re-renders the whole message on each one.
                    if time.monotonic() - last >= STREAM_INTERVAL:
                        last = time.monotonic()
                        yield (history + [{"role": "assistant", "content": pending_html(partial)}],
                               "", "", gr.skip(), s)
                else:
                    turn: Turn = payload
                    k = s.add(turn)
                    s.messages = history + [{"role": "assistant", "content": answer_html(turn, k)}]
                    yield s.messages, "", "", self._sources(s, k), s
                    break
            else:
                cut = error_html("the answer was cut off: ask again")
                yield s.messages, text, cut, gr.skip(), s
        except QuestionError as e:
            yield s.messages, text, error_html(str(e)), gr.skip(), s
        except Exception as e:  # never leave the chat hanging on an unexpected failure
            traceback.print_exc(file=sys.stderr)
            yield (s.messages, text, error_html(f"the question could not be answered: "
                                                f"{type(e).__name__}: {e}"), gr.skip(), s)

    def ask_api(self, text: str, state: ChatSession | None):
        """The `ask` API endpoint: the TURN as JSON; the session keeps the conversation."""
        s = self.session(state)
        try:
            turn = s.conversation.ask(text)
        except QuestionError as e:
            return {"question": str(text)[:200], "error": str(e)}, s
        k = s.add(turn)
        s.messages = s.messages + [{"role": "user", "content": question_html(turn.question)},
                                   {"role": "assistant", "content": answer_html(turn, k)}]
        return turn.to_dict(), s

    def cite(self, state: ChatSession | None, evt: gr.EventData):
        """A marker or a source was clicked: select that answer and open the article."""
        s = self.session(state)
        data = getattr(evt, "_data", None) or {}
        try:
            k, n = int(data.get("turn")), int(data.get("n"))
        except (TypeError, ValueError, AttributeError):
            return gr.skip(), gr.skip(), s
        if not 0 <= k < len(s.turns):
            return gr.skip(), gr.skip(), s
        turn = s.turns[k]
        c = next((c for c in turn.citations if c.n == n), None)
        s.selected = k
        if c is None:
            return self._sources(s, k), gr.skip(), s
        article = self.articles.get(c.article_id)
        label = f"[{c.n}] cited in answer {k + 1}" + ("" if c.supported else " (unsupported)")
        if article is None or article.text[c.start:c.end] != c.passage:
            fallback = Article(id=c.article_id, headings=[c.heading], paragraphs=[c.passage],
                               source=c.source, date=c.date)
            return (self._sources(s, k),
                    reader_html(fallback, 0, len(c.passage),
                                label=label + " (the article is no longer indexed as it was)"), s)
        chunks = len(self.assistant.index.chunks_of.get(article.id, []))
        return self._sources(s, k), reader_html(article, c.start, c.end, label, chunks), s

    def new_conversation(self, state: ChatSession | None):
        s = self.session(None)
        return ([], "", "", SOURCES_PLACEHOLDER, READER_PLACEHOLDER, *_hidden_points(), s)

    def talking_points(self, state: ChatSession | None):
        s = self.session(state)
        md = talking_points_markdown(s.turns)
        if not md:
            return (*_hidden_points(),
                    error_html("no answer with citations yet: ask a question first"))
        if self.points_dir is None:
            self.points_dir = Path(tempfile.mkdtemp(prefix="assistant-points-"))
        folder = Path(tempfile.mkdtemp(dir=self.points_dir))   # one folder per download
        path = folder / f"talking-points-{time.strftime('%Y%m%d-%H%M%S')}.md"
        path.write_text(md, encoding="utf-8")
        return (gr.Textbox(value=md, visible=True),
                gr.DownloadButton(value=str(path), visible=True), "")

    # articles -------------------------------------------------------------------------
    def articles_table(self, query: str = "") -> str:
        index = self.assistant.index
        ordered = [index.articles[i] for i in index.article_order if i in index.articles]
        counts = {i: len(c) for i, c in index.chunks_of.items()}
        return articles_table_html(filter_articles(ordered, query or ""), counts,
                                   len(ordered), query or "")

    def open_article(self, query: str, evt: gr.EventData):
        data = getattr(evt, "_data", None) or {}
        article = self.articles.get(str(data.get("id", "")))
        if article is None:
            return gr.skip()
        start, end = _query_span(article, query)
        chunks = len(self.assistant.index.chunks_of.get(article.id, []))
        return reader_html(article, start, end, chunks=chunks)

    # uploads --------------------------------------------------------------------------
    def upload(self, files, query: str, progress: Callable | None = None):
        """Copy the uploaded files into the upload folder and index them with the rest."""
        files = files or []
        if isinstance(files, (str, Path)):
            files = [files]
        if not files:
            return upload_report_html([], []), self.articles_table(query), None
        self.upload_dir.mkdir(parents=True, exist_ok=True)
        root = self.upload_dir.resolve()
        copied: dict[Path, str] = {}
        rejected: list[tuple[str, str]] = []
        for f in files:
            src = Path(getattr(f, "name", f))
            shown = safe_filename(src.name)
            if Path(shown).suffix.lower() not in SUFFIXES:
                rejected.append((shown, "unsupported file type: only .txt, .md and .jsonl "
                                        "files are accepted"))
                continue
            try:
                size = src.stat().st_size
            except OSError as e:
                rejected.append((shown, f"cannot read the uploaded file: {e.strerror or e}"))
                continue
            if size > self.max_upload_bytes:
                rejected.append((shown, f"the file is {human_size(size)}: the limit is "
                                        f"{human_size(self.max_upload_bytes)} per file"))
                continue
            dest = _unique_path(root, shown).resolve()
            if dest.parent != root:   # cannot happen with a safe name; never write elsewhere
                rejected.append((shown, "unsafe file name"))
                continue
            shutil.copyfile(src, dest)
            copied[dest] = shown

        summary = ""
        added_names: list[str] = []
        if copied:
            def step(done: int, total: int) -> None:
                if progress is not None:
                    progress((done, total), desc="Embedding the new text", unit="texts")

            if progress is not None:
                progress(0, desc="Reading the files")
            try:
                report, errors = self.assistant.add_paths([str(p) for p in copied], progress=step)
            except Exception as e:
                traceback.print_exc(file=sys.stderr)
                for p, name in copied.items():
                    p.unlink(missing_ok=True)
                    rejected.append((name, f"indexing failed: {type(e).__name__}: {e}"))
                return upload_report_html([], rejected), self.articles_table(query), None
            failed_whole: set[Path] = set()
            for e in errors:
                p = Path(e.path).resolve()
                name = copied.get(p, safe_filename(Path(e.path).name))
                where = f" (line {e.line})" if e.line is not None else ""
                rejected.append((name, e.reason + where))
                if e.line is None:
                    failed_whole.add(p)
            for p in failed_whole:
                if p in copied:
                    p.unlink(missing_ok=True)
            added_names = [name for p, name in copied.items() if p not in failed_whole]
            if report is not None:
                summary = (f"{len(report.added)} new article(s) indexed "
                           f"({report.articles} in all, {report.chunks} chunks; "
                           f"{report.embedded} texts embedded in {report.seconds:.1f}s).")
            else:
                added_names = []
                summary = "Nothing could be indexed."
        return upload_report_html(added_names, rejected, summary), self.articles_table(query), None


def build_app(assistant, upload_dir: str | Path | None = None) -> gr.Blocks:
    """The Gradio app over `assistant`; `serve` launches it, tests can launch it in-process."""
    ui = ChatApp(assistant, Path(upload_dir) if upload_dir else None)

    with gr.Blocks(title="News assistant", analytics_enabled=False) as app:
        state = gr.State(None)
        gr.Markdown("## News assistant\nAsk about the indexed articles; every answer quotes "
                    "them, and each marker opens the passage it cites.")
        with gr.Tabs():
            with gr.Tab("Chat", id="chat"):
                with gr.Row(equal_height=False):
                    with gr.Column(scale=3, min_width=420):
                        chatbot = gr.Chatbot(
                            label="Conversation", elem_id="chat", height=520,
                            latex_delimiters=[], allow_tags=False, sanitize_html=True,
                            # no copy buttons: they would copy the messages' HTML source
                            feedback_options=None, buttons=[], group_consecutive_messages=False,
                            placeholder="Ask a question about the articles, in Chinese or English.")
                        question = gr.Textbox(
                            elem_id="question", show_label=False, autofocus=True, submit_btn="Ask",
                            max_lines=4,
                            placeholder="Ask about the articles… e.g. 乐业物业有多少名职工？")
                        status = gr.HTML("", elem_id="status")
                        with gr.Row():
                            new_btn = gr.Button("New conversation", elem_id="new-conversation",
                                                size="sm")
                            points_btn = gr.Button("Talking points", elem_id="talking-points",
                                                   size="sm")
                        gr.Examples(EXAMPLES, inputs=[question], label="Examples")
                        points_text = gr.Textbox(label="Talking points (Markdown)", lines=8,
                                                 max_lines=30, buttons=["copy"], visible=False,
                                                 interactive=False, elem_id="points-text")
                        points_file = gr.DownloadButton("Download talking points (.md)",
                                                        visible=False, elem_id="points-file",
                                                        size="sm")
                    with gr.Column(scale=2, min_width=320, elem_id="side-panel"):
                        sources = gr.HTML(SOURCES_PLACEHOLDER, elem_id="sources-panel",
                                          js_on_load=SOURCES_JS, head=f"<style>{CSS}</style>",
                                          label="Sources")
                        reader = gr.HTML(READER_PLACEHOLDER, elem_id="reader-panel",
                                         js_on_load=READER_JS, label="Reader")
            with gr.Tab("Articles", id="articles"):
                with gr.Row(equal_height=False):
                    with gr.Column(scale=3):
                        article_query = gr.Textbox(
                            label="Search the articles", elem_id="article-query",
                            placeholder="words in the heading, text or source")
                        articles_list = gr.HTML(ui.articles_table, elem_id="articles-list",
                                                js_on_load=ARTICLES_JS)
                    with gr.Column(scale=2):
                        article_reader = gr.HTML(READER_PLACEHOLDER, elem_id="article-reader",
                                                 js_on_load=READER_JS)
            with gr.Tab("Add articles", id="add"):
                gr.Markdown(f"Upload `.txt`, `.md` (newspaper pages or articles) or `.jsonl` "
                            f"files (one article per line: id, title, text …), up to "
                            f"{MAX_UPLOAD_BYTES // (1024 * 1024)} MB each. They are indexed with "
                            f"the articles already there.")
                # No `file_types`: the browser would drop other files silently; the
                # server lists each one it rejects, with the reason.
                upload_files = gr.File(label="Files to index (.txt, .md, .jsonl)",
                                       file_count="multiple", elem_id="upload-files")
                upload_report = gr.HTML("", elem_id="upload-report")

        # chat
        chat_out = [chatbot, question, status, sources, state]
        question.submit(ui.respond, [question, state], chat_out, api_name="chat",
                        api_visibility="undocumented", show_progress="minimal")
        reset_out = [chatbot, question, status, sources, reader, points_text, points_file, state]
        new_btn.click(ui.new_conversation, [state], reset_out, api_visibility="private",
                      show_progress="hidden")
        chatbot.clear(ui.new_conversation, [state], reset_out, api_visibility="private",
                      show_progress="hidden")
        points_btn.click(ui.talking_points, [state], [points_text, points_file, status],
                         api_visibility="private")
        sources.cite(ui.cite, [state], [sources, reader, state], api_visibility="private",
                     show_progress="hidden", trigger_mode="always_last")

        # the JSON endpoint for clients and tests, on invisible components
        api_question = gr.Textbox(visible=False)
        api_turn = gr.JSON(visible=False)
        api_button = gr.Button(visible=False)
        api_button.click(ui.ask_api, [api_question, state], [api_turn, state], api_name="ask")

        # articles and uploads
        article_query.change(ui.articles_table, [article_query], [articles_list],
                             api_visibility="private", show_progress="hidden",
                             trigger_mode="always_last")
        articles_list.open(ui.open_article, [article_query], [article_reader],
                           api_visibility="private", show_progress="hidden")

        def upload(files, query, progress=gr.Progress()):
            return ui.upload(files, query, progress)

        upload_files.upload(upload, [upload_files, article_query],
                            [upload_report, articles_list, upload_files],
                            api_visibility="private", concurrency_limit=1,
                            concurrency_id="index-build")
    app.queue(default_concurrency_limit=CONCURRENCY)
    app.chat_app = ui  # for tests and tools
    return app


# --- serving -------------------------------------------------------------------------
def parse_auth(value: str | None) -> tuple[str, str] | None:
    """USER:PASS as a (user, password) pair; None when not given."""
    if value is None or value == "":
        return None
    user, sep, password = value.partition(":")
    if not sep or not user or not password:
        raise ValueError("--auth / $ASSISTANT_AUTH must be USER:PASS (both non-empty)")
    return user, password


def exposure_warning(host: str, auth) -> str | None:
    """The loud warning printed when the UI is reachable from other machines without a login."""
    if auth is not None or is_loopback(host):
        return None
    bar = "!" * 78
    return (f"\n{bar}\n  WARNING: serving on {host}, reachable from other machines, WITHOUT a "
            f"login.\n  Anyone who can reach it can read the articles and upload files.\n"
            f"  Use --auth USER:PASS (or $ASSISTANT_AUTH), or --host 127.0.0.1.\n{bar}")


def is_loopback(host: str) -> bool:
    if host.lower() in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _warm_up(assistant) -> None:
    """Load the embedder and the tokenizer's dictionary before the first question needs them.

    Uses the extractive answerer directly, so a configured LLM is never called.
    """
    try:
        for question in ("工会有多少名职工？", "How many workers does the union have?"):
            assistant.answerer.answer(question)
    except Exception:  # only a speed-up: a failure shows again on the first question
        pass


def serve(args) -> int:
    """`assistant serve`: load (or build) the index and serve the UI until interrupted."""
    from assistant.retrieval.embedding import EmbedderError
    from assistant.retrieval.store import IndexMismatch
    from assistant.answering.llm import llm_from_args
    from assistant.pipeline import open_assistant

    def err(msg: str) -> None:
        print(f"assistant: {msg}", file=sys.stderr, flush=True)

    host = getattr(args, "host", None) or "127.0.0.1"
    port = getattr(args, "port", None) or 7860
    try:
        auth = parse_auth(getattr(args, "auth", None) or os.environ.get("ASSISTANT_AUTH"))
    except ValueError as e:
        err(str(e))
        return 2
    warning = exposure_warning(host, auth)
    if warning:
        err(warning)
    try:
        llm = llm_from_args(args)
    except (ValueError, NotImplementedError) as e:  # an incomplete or invalid LLM setting
        err(str(e))
        return 2
    try:
        assistant = open_assistant(args.index_dir, llm=llm, build_message=err)
    except (IndexMismatch, EmbedderError) as e:
        err(str(e))
        return 2
    app = build_app(assistant)
    # The first query pays for loading the embedder: pay it now, while the page loads.
    threading.Thread(target=_warm_up, args=(assistant,), daemon=True).start()
    print(f"assistant: serving {len(assistant.index.articles)} articles from {args.index_dir} "
          f"on http://{host}:{port}" + (" (login required)" if auth else ""), flush=True)
    app.launch(server_name=host, server_port=port, auth=auth, max_file_size=MAX_UPLOAD_BYTES,
               show_error=False, inbrowser=False, share=False, quiet=True,
               footer_links=["api"], ssr_mode=False)
    return 0
