"""The chat UI (`assistant serve`): a Gradio app over one loaded Assistant.

The Chat tab streams answers whose markers [n] are clickable chips; beside it, the
sources panel lists the citations of the selected answer and the reader shows a whole
article with the cited passage marked. Further tabs list the indexed articles and take
new files. Every browser session has its own conversation (in `gr.State`); the side
panel of saved conversations and the talking points are handled by `workspace`.

This module holds the app and its event handlers (`ChatApp`); the HTML and Markdown
come from `rendering`, the file checks from `uploads`, the CSS and JavaScript from
`static/`. Every read of the loaded index is in the "index" section of `ChatApp`.
"""
from __future__ import annotations

import ipaddress
import os
import re
import sys
import tempfile
import threading
import time
import traceback
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Callable

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # no network calls at start

import gradio as gr  # noqa: E402

from assistant.qa.conversation import Conversation, QuestionError, check_question  # noqa: E402
from assistant.text.guard import printable  # noqa: E402
from assistant.service.writeerrors import IndexWriteError  # noqa: E402
from assistant.apps.ui.i18n import LANGUAGES, NAMES, i18n, pick_language, t, valid  # noqa: E402
from assistant.apps.ui.rendering import (  # noqa: E402
    answer_html, articles_table_html, cited_reader_html, error_html, filter_articles,
    pending_html, query_span, question_html, reader_html, reader_placeholder, sources_html,
    sources_placeholder, upload_report_html)
from assistant.apps.ui.sourcefilter import (  # noqa: E402
    active_filter_html, article_choices, control_values, make_filter, source_choices)
from assistant.apps.ui.uploads import (  # noqa: E402
    MAX_UPLOAD_BYTES, copy_uploads, discard, load_notes, load_rejections, uploaded_paths)
from assistant.apps.ui.workspace import BROWSER_KEY, Workspace, event_value  # noqa: E402
from assistant.records import Article, Turn  # noqa: E402
from assistant.ingest.readers import SUFFIXES  # noqa: E402
from assistant.index.filters import FilterError  # noqa: E402

CONCURRENCY = 16
STREAM_INTERVAL = 0.05     # seconds between two updates of an answer being streamed

EXAMPLES = [
    "乐业物业有多少名职工？",
    "象山星光影视小镇工会联合会主席是谁？",
    "东阳首家物业工会开展了什么协商？",
    "嘉兴市总工会建立了多大规模的单身青年职工信息数据库？",
    "how many craftsmen has Jiaojiang trained?",
    "Who won first prize in the Changxing finance competition?",
]


def examples_for(lang: str) -> list[str]:
    """The example questions, those in the interface's language first (Chinese ones for
    a Chinese browser, English ones for an English one)."""
    chinese = [q for q in EXAMPLES if any("\u4e00" <= ch <= "\u9fff" for ch in q)]
    english = [q for q in EXAMPLES if q not in chinese]
    return english + chinese if lang == "en" else chinese + english


# --- static files ---------------------------------------------------------------------
def _static(name: str) -> str:
    return resources.files(__package__).joinpath("static", name).read_text(encoding="utf-8")


_SECTION = re.compile(r"^//\s*@section\s+(\w+)\s*$", re.MULTILINE)


def js_sections(text: str) -> dict[str, str]:
    """The scripts of a file cut at its `// @section NAME` lines, by NAME."""
    parts = _SECTION.split(text)   # [preamble, name1, body1, name2, body2, ...]
    return {name: body.strip("\n") + "\n" for name, body in zip(parts[1::2], parts[2::2])}


CSS = _static("ui.css")
_JS = js_sections(_static("ui.js"))
SOURCES_JS = _JS["sources"]    # sends the custom "cite" event for clicks on chips and sources
READER_JS = _JS["reader"]      # scrolls the marked passage into view
ARTICLES_JS = _JS["articles"]  # sends the custom "open" event for a row of the articles table
CONVERSATIONS_JS = _JS["conversations"]  # sends "pick" for a row of the saved conversations


# --- the session and the app ----------------------------------------------------------
@dataclass
class ChatSession:
    """One browser session: its conversation, the chat messages, the selected answer."""

    conversation: Conversation
    index: object = None        # the index the conversation was made with
    turns: list[Turn] = field(default_factory=list)   # answer k of the chat is turns[k]
    messages: list[dict] = field(default_factory=list)
    selected: int | None = None
    saved_id: str | None = None   # its id in the conversation store, once saved
    saved_count: int = 0          # how many of `turns` are saved
    owner: str | None = None      # whose it is (see workspace.Workspace.owner)
    lang: str = "en"              # the interface language (apps/ui/i18n)
    filtered: set[int] = field(default_factory=set)   # turns asked with a source filter on
    upload_newspaper: str | None = None   # given in "Add articles" for the next upload
    upload_date: str | None = None

    def add(self, turn: Turn) -> int:
        """Keep an answered turn (its citations stay with it); its number in the chat."""
        self.turns.append(turn)
        self.selected = len(self.turns) - 1
        return self.selected


class ChatApp:
    """The event handlers of the UI, bound to one Assistant."""

    def __init__(self, assistant, upload_dir: Path | None = None,
                 max_upload_bytes: int = MAX_UPLOAD_BYTES):
        self.assistant = assistant
        self.upload_dir = Path(upload_dir) if upload_dir else Path(assistant.index_dir) / "uploads"
        self.max_upload_bytes = max_upload_bytes
        self.work = Workspace(self)   # saved conversations and talking points
        # set by build_app: the components with fixed texts, and those `texts` fills
        self.labels: list[tuple[object, dict]] = []
        self.examples = self.lang_switch = self.articles_list = self.article_reader = None

    # index: the only reads of the loaded index -----------------------------------------
    def current_index(self) -> object:
        """The loaded index; an upload replaces it with a new object."""
        return self.assistant.index

    @property
    def articles(self) -> dict[str, Article]:
        """The indexed articles by id."""
        return self.assistant.index.articles

    def ordered_articles(self) -> list[Article]:
        """The indexed articles in the index's order."""
        index = self.assistant.index
        return [index.articles[i] for i in index.article_order if i in index.articles]

    def chunk_counts(self) -> dict[str, int]:
        """How many chunks each article was cut into, by article id."""
        return {i: len(c) for i, c in self.assistant.index.chunks_of.items()}

    def chunk_count(self, article_id: str) -> int:
        return len(self.assistant.index.chunks_of.get(article_id, []))

    # sessions ---------------------------------------------------------------------
    def session(self, state: ChatSession | None) -> ChatSession:
        index = self.current_index()
        if state is None:
            return ChatSession(self.assistant.conversation(), index)
        if state.index is not index:
            # An upload swapped in a new index: a conversation over it takes over the
            # history (the list fields: turns, retrievals) so follow-ups keep working.
            old, new = state.conversation, self.assistant.conversation()
            for name, value in vars(old).items():
                if isinstance(value, list) and hasattr(new, name):
                    setattr(new, name, value)
            _keep_filter(old, new)
            state.conversation, state.index = new, index
        return state

    def _sources(self, s: ChatSession, k: int | None) -> str:
        if k is None or not 0 <= k < len(s.turns):
            return sources_placeholder(s.lang)
        return sources_html(s.turns[k], k, len(s.turns), self.articles, s.lang)

    # language -------------------------------------------------------------------------
    @staticmethod
    def language(request, browser) -> str:
        """The session's interface language: the one chosen with the switch (kept by the
        browser), else the browser's own (its Accept-Language header)."""
        chosen = valid((browser or {}).get("lang")) if isinstance(browser, dict) else None
        if chosen:
            return chosen
        headers = getattr(request, "headers", None) or {}
        return pick_language(headers.get("accept-language"))

    def answer(self, s: ChatSession, k: int) -> str:
        return answer_html(s.turns[k], k, s.lang, self.articles, k in s.filtered)

    def rerender(self, s: ChatSession) -> None:
        """The chat messages of the session's turns, in its language."""
        msgs = []
        for k, turn in enumerate(s.turns):
            msgs += [{"role": "user", "content": question_html(turn.question)},
                     {"role": "assistant", "content": self.answer(s, k)}]
        s.messages = msgs

    def with_texts(self, out: dict, s: ChatSession) -> dict:
        """`out` ({component: value or update}) with every fixed text of the page in the
        session's language added to the updates (`texts`)."""
        for comp, update in self.texts(s).items():
            cur = out.get(comp, None)
            if comp not in out:
                out[comp] = update
            elif isinstance(cur, dict) and cur.get("__type__") == "update":
                out[comp] = {**update, **cur}
            else:   # a value (the chat's messages, an HTML string)
                out[comp] = {**update, "value": cur}
        return out

    def texts(self, s: ChatSession) -> dict:
        """{component: update} putting every fixed text of the page in the session's
        language (the components and their catalogue keys are listed by `build_app`)."""
        lang = s.lang
        out = {}
        for comp, attrs in self.labels:
            out[comp] = gr.update(**{a: _text(lang, k) for a, k in attrs.items()})
        if self.examples is not None:
            out[self.examples] = gr.Dataset(samples=[[q] for q in examples_for(lang)],
                                            label=t(lang, "examples_label"))
        if self.lang_switch is not None:
            out[self.lang_switch] = gr.update(value=lang, label=t(lang, "lang_label"))
        if self.articles_list is not None:
            out[self.articles_list] = self.articles_table("", s)
        if self.article_reader is not None:
            out[self.article_reader] = reader_placeholder(lang)
        return out

    @staticmethod
    def question_texts(lang: str) -> dict:
        return {"placeholder": t(lang, "question_placeholder"), "label": t(lang, "question_label"),
                "submit_btn": t(lang, "question_submit")}

    # chat ---------------------------------------------------------------------------
    def respond(self, text: str, state: ChatSession | None):
        """Stream one answer: (chat messages, question box, status, sources, state)."""
        s = self.session(state)
        lang = s.lang
        try:
            question = self.check(text, lang)
            history = s.messages + [{"role": "user", "content": question_html(question)}]
            yield (history + [{"role": "assistant", "content": pending_html("", lang)}],
                   "", "", gr.skip(), s)
            partial, last = "", time.monotonic()
            for kind, payload in s.conversation.stream(question):
                if kind == "delta":
                    partial += payload
                    # Pieces that arrive together go out as one update: the browser
                    # re-renders the whole message on each one.
                    if time.monotonic() - last >= STREAM_INTERVAL:
                        last = time.monotonic()
                        yield (history + [{"role": "assistant",
                                           "content": pending_html(partial, lang)}],
                               "", "", gr.skip(), s)
                else:
                    turn: Turn = payload
                    k = s.add(turn)
                    if s.conversation.source_filter.active:
                        s.filtered.add(k)
                    s.messages = history + [{"role": "assistant", "content": self.answer(s, k)}]
                    yield s.messages, "", "", self._sources(s, k), s
                    break
            else:
                cut = error_html(t(lang, "error_cut"))
                yield s.messages, text, cut, gr.skip(), s
        except QuestionError as e:
            yield s.messages, text, error_html(str(e)), gr.skip(), s
        except Exception as e:  # never leave the chat hanging on an unexpected failure
            traceback.print_exc(file=sys.stderr)
            yield (s.messages, text, error_html(t(lang, "error_failed",
                                                  detail=f"{type(e).__name__}: {e}")),
                   gr.skip(), s)

    @staticmethod
    def check(text: str, lang: str) -> str:
        """The question checked (`check_question`; `stream` does not check it again),
        its error in the interface language."""
        try:
            return check_question(text)
        except QuestionError as e:
            if e.problem == "empty":
                raise QuestionError(t(lang, "error_empty")) from None
            if e.problem == "too_long":
                raise QuestionError(t(lang, "error_too_long", n=f"{e.values['n']:,}",
                                      limit=f"{e.values['limit']:,}")) from None
            raise QuestionError(t(lang, "error_not_question", detail=e)) from None

    def ask_api(self, text: str, state: ChatSession | None):
        """The `ask` API endpoint: the TURN as JSON; the session keeps the conversation."""
        s = self.session(state)
        try:
            turn = s.conversation.ask(text)
        except QuestionError as e:
            return {"question": printable(text)[:200], "error": str(e)}, s
        k = s.add(turn)
        s.messages = s.messages + [{"role": "user", "content": question_html(turn.question)},
                                   {"role": "assistant", "content": self.answer(s, k)}]
        return turn.to_dict(), s

    def cite(self, state: ChatSession | None, evt: gr.EventData):
        """A marker or a source was clicked: select that answer and open the article."""
        s = self.session(state)
        try:
            k, n = int(event_value(evt, "turn")), int(event_value(evt, "n"))
        except (TypeError, ValueError, AttributeError):
            return gr.skip(), gr.skip(), s
        if not 0 <= k < len(s.turns):
            return gr.skip(), gr.skip(), s
        c = next((c for c in s.turns[k].citations if c.n == n), None)
        s.selected = k
        if c is None:
            return self._sources(s, k), gr.skip(), s
        article = self.articles.get(c.article_id)
        chunks = self.chunk_count(article.id) if article is not None else None
        return self._sources(s, k), cited_reader_html(article, c, k, chunks, s.lang), s

    def new_conversation(self, state: ChatSession | None):
        s = self.session(None)
        if state is not None:   # the chosen sources stay chosen, the language stays
            _keep_filter(state.conversation, s.conversation)
            s.lang = state.lang
        return [], "", "", sources_placeholder(s.lang), reader_placeholder(s.lang), s

    keep_filter = staticmethod(lambda old, new: _keep_filter(old, new))

    # source filter ----------------------------------------------------------------------
    def filter_choices(self):
        """(newspaper/source dropdown, articles dropdown) with the indexed articles."""
        ordered = self.ordered_articles()
        return (gr.Dropdown(choices=source_choices(ordered)),
                gr.Dropdown(choices=article_choices(ordered)))

    def apply_filter(self, sources, since, until, picked, state: ChatSession | None):
        """(active filter line, clear button, status, state); a bad value is named and
        the filter in force stays. A saved conversation keeps it in its settings."""
        s = self.session(state)
        try:
            f = self.make_filter(sources, since, until, picked, s.lang)
            s.conversation.set_filter(f)
        except FilterError as e:
            return gr.skip(), gr.skip(), error_html(str(e)), s
        self.work.remember_filter(s)
        return self.filter_line(s), gr.Button(visible=f.active), "", s

    def make_filter(self, sources, since, until, picked, lang: str):
        """The SourceFilter of the controls; a FilterError in the interface language."""
        from assistant.index.filters import parse_day

        days = []
        for value in (since, until):
            value = (value or "").strip()
            try:
                days.append(parse_day(value) if value else None)
            except FilterError:
                raise FilterError(t(lang, "filter_bad_date", value=value)) from None
        if days[0] and days[1] and days[0] > days[1]:
            raise FilterError(t(lang, "filter_bad_range", since=days[0], until=days[1]))
        try:
            f = make_filter(sources, since, until, picked)
            f.check_articles(self.articles)
        except FilterError:
            raise FilterError(t(lang, "filter_gone")) from None
        return f

    def filter_line(self, s: ChatSession) -> str:
        """The active filter's line, with how many indexed articles it leaves."""
        f = s.conversation.source_filter
        if not f.active:
            return ""
        titles = {a: self.articles[a].title for a in f.articles if a in self.articles}
        count = sum(1 for a in self.ordered_articles() if f.matches(a))
        return active_filter_html(f, titles, s.lang, count)

    def clear_filter(self, state: ChatSession | None):
        s = self.session(state)
        s.conversation.set_filter(None)
        self.work.remember_filter(s)
        return [], "", "", [], "", gr.Button(visible=False), "", s

    def filter_view(self, s: ChatSession) -> dict:
        """{component: update} showing session `s`'s filter in the controls (bound as
        the workspace's components)."""
        f = s.conversation.source_filter
        titles = {a: self.articles[a].title for a in f.articles if a in self.articles}
        v = control_values(f, titles, s.lang)
        v["active_filter"] = self.filter_line(s)
        c = self.work.c
        ordered = self.ordered_articles()
        return {c.filter_source: gr.update(choices=source_choices(ordered),
                                           value=v["filter_source"]),
                c.filter_since: v["filter_since"], c.filter_until: v["filter_until"],
                c.filter_articles: gr.update(choices=article_choices(ordered),
                                             value=v["filter_articles"]),
                c.active_filter: v["active_filter"],
                c.clear_filter: gr.update(visible=v["clear_filter_visible"])}

    # articles -------------------------------------------------------------------------
    def articles_table(self, query: str = "", state: ChatSession | None = None) -> str:
        ordered = self.ordered_articles()
        lang = state.lang if isinstance(state, ChatSession) else "en"
        return articles_table_html(filter_articles(ordered, query or ""), self.chunk_counts(),
                                   len(ordered), query or "", lang)

    def open_article(self, query: str, state: ChatSession | None, evt: gr.EventData):
        aid = event_value(evt, "id")
        article = self.articles.get("" if aid is None else str(aid))
        if article is None:
            return gr.skip()
        start, end = query_span(article, query)
        lang = state.lang if isinstance(state, ChatSession) else "en"
        return reader_html(article, start, end, chunks=self.chunk_count(article.id), lang=lang)

    # uploads --------------------------------------------------------------------------
    def _upload_result(self, added, rejected, query: str, summary: str = "",
                       state: ChatSession | None = None, noted=()):
        """(upload report, articles table, cleared file input)."""
        lang = state.lang if isinstance(state, ChatSession) else "en"
        return (upload_report_html(added, rejected, summary, lang, noted),
                self.articles_table(query, state), None)

    def upload(self, files, query: str, progress: Callable | None = None,
               state: ChatSession | None = None, newspaper: str | None = None,
               date: str | None = None):
        """Copy the uploaded files into the upload folder and index them with the rest;
        `newspaper` / `date`: for the files that carry none."""
        lang = state.lang if isinstance(state, ChatSession) else "en"
        paths = uploaded_paths(files)
        if not paths:
            return self._upload_result([], [], query, state=state)
        date = (date or "").strip() or None
        if date:
            import datetime as dt

            try:
                date = dt.date.fromisoformat(date).isoformat()
            except ValueError:
                why = t(lang, "filter_bad_date", value=date)
                return self._upload_result([], [(Path(p).name, why) for p in paths], query,
                                           state=state)
        try:
            copied, rejected = copy_uploads(paths, self.upload_dir, self.max_upload_bytes)
        except OSError as e:   # read-only folder, full disk: one clear line per file
            from assistant.service.writeerrors import index_write_error

            why = str(index_write_error(e, self.upload_dir.parent))
            return self._upload_result([], [(Path(p).name, why) for p in paths], query,
                                       state=state)
        if not copied:
            return self._upload_result([], rejected, query, state=state)

        from assistant.service.pipeline import STAGES

        def step(stage: str, done: int, total: int) -> None:
            if progress is not None:
                label, unit = STAGES.get(stage, (stage, "steps"))
                if stage in STAGES:
                    label = t(lang, f"stage_{stage}")
                progress((done, total), desc=label, unit=unit)

        def waiting(message: str) -> None:
            if progress is not None:
                progress(0, desc=t(lang, "progress_waiting", detail=message))

        from assistant.service.pipeline import remember_upload_metadata

        try:
            remember_upload_metadata(self.assistant.index_dir, copied, newspaper, date)
        except OSError as e:
            discard(copied)
            return self._upload_result([], rejected + [(n, str(e)) for n in copied.values()],
                                       query, state=state)
        if progress is not None:
            progress(0, desc=t(lang, "progress_reading"))
        try:
            # recorded on disk first (a restart finishes it), then built in a worker
            report, errors = self.assistant.add_uploads([str(p) for p in copied], stage=step,
                                                        wait_message=waiting)
        except Exception as e:
            discard(copied)
            if isinstance(e, IndexWriteError):   # read-only folder, full disk: one clear line
                rejected += [(name, str(e)) for name in copied.values()]
                return self._upload_result([], rejected, query, state=state)
            traceback.print_exc(file=sys.stderr)
            rejected += [(name, f"indexing failed: {type(e).__name__}: {e}")
                         for name in copied.values()]
            return self._upload_result([], rejected, query, state=state)
        load_rejected, failed_whole = load_rejections(errors, copied)
        rejected += load_rejected
        noted = load_notes(errors, copied)   # indexed, with a note: not under "Not indexed"
        discard(p for p in failed_whole if p in copied)
        if report is None:
            return self._upload_result([], rejected, query, t(lang, "upload_nothing"), state,
                                       noted)
        added = [name for p, name in copied.items() if p not in failed_whole]
        summary = t(lang, "upload_summary", added=len(report.added), articles=report.articles,
                    chunks=report.chunks, embedded=report.embedded,
                    seconds=f"{report.seconds:.1f}")
        return self._upload_result(added, rejected, query, summary, state, noted)


def _text(lang: str, k) -> str:
    """A catalogue text: `k` is a key, (key, values) or (key, values, format)."""
    if isinstance(k, str):
        return t(lang, k)
    text = t(lang, k[0], **k[1])
    return k[2].format(text) if len(k) > 2 else text


def _keep_filter(old: Conversation, new: Conversation) -> None:
    """The new conversation answers from the sources the old one was told to."""
    try:
        new.set_filter(old.source_filter)
    except FilterError:   # a chosen article left the index: every article again
        pass


def build_app(assistant, upload_dir: str | Path | None = None) -> gr.Blocks:
    """The Gradio app over `assistant`; `serve` launches it, tests can launch it in-process.

    Every fixed text is a catalogue key (apps/ui/i18n): the components are made with
    `gr.I18n` keys (the first paint follows the browser's language, in the page), and
    each (component, {property: key}) is listed in `ui.labels`, so the page load and the
    language switch set them all from the session's language (`ChatApp.texts`).
    """
    ui = ChatApp(assistant, Path(upload_dir) if upload_dir else None)
    I = i18n()
    labels: list[tuple[object, dict]] = []

    def L(comp, **keys):
        """Register a component's translated properties; returns the component."""
        labels.append((comp, keys))
        return comp

    mb = MAX_UPLOAD_BYTES // (1024 * 1024)
    with gr.Blocks(title="新闻问答助手 · News assistant", analytics_enabled=False) as app:
        state = gr.State(None)
        # per browser: a random owner id, the open conversation and the chosen language
        browser = gr.BrowserState({}, storage_key=BROWSER_KEY, secret=ui.work.secret)
        with gr.Row(elem_id="app-header", equal_height=True):
            L(gr.Markdown("# " + I("app_title"), elem_id="app-title"),
              value=("app_title", {}, "# {}"))
            lang_switch = gr.Dropdown([(NAMES[x], x) for x in LANGUAGES], value=None,
                                      label=I("lang_label"), elem_id="lang-switch",
                                      scale=0, min_width=128, interactive=True)
        L(gr.Markdown(I("app_intro"), elem_id="app-intro"), value="app_intro")
        with gr.Tabs(elem_id="tabs"):
            with L(gr.Tab(I("tab_chat"), id="chat", elem_id="tab-chat"), label="tab_chat"):
                drawer_btn = L(gr.Button(I("tab_more"), elem_id="drawer-toggle", size="sm"),
                               value="tab_more")
                with gr.Row(equal_height=False, elem_id="chat-row"):
                    with gr.Column(scale=1, min_width=230, elem_id="conversations-panel"):
                        new_btn = L(gr.Button(I("new_conversation"), elem_id="new-conversation",
                                              size="sm"),
                                    value="new_conversation")
                        L(gr.Markdown("## " + I("conv_heading"), elem_id="conv-heading"),
                          value=("conv_heading", {}, "## {}"))
                        conv_list = gr.HTML("", elem_id="conversation-list",
                                            js_on_load=CONVERSATIONS_JS)
                        conv_status = gr.HTML("", elem_id="conversation-status")
                        conv_title = L(gr.Textbox(label=I("conv_title_label"),
                                                  elem_id="conversation-title", max_lines=1,
                                                  interactive=False, visible=False,
                                                  submit_btn=I("conv_rename")),
                                       label="conv_title_label", submit_btn="conv_rename")
                        delete_btn = L(gr.Button(I("conv_delete"), elem_id="delete-conversation",
                                                 size="sm", variant="secondary", visible=False),
                                       value="conv_delete")
                        # Delete asks first: the question and its two buttons show on Delete
                        confirm_text = gr.HTML("", elem_id="confirm-text")
                        with gr.Row(elem_id="confirm-delete"):
                            confirm_yes = L(gr.Button(I("conv_confirm_yes"), size="sm",
                                                      variant="stop", elem_id="confirm-yes",
                                                      visible=False),
                                            value="conv_confirm_yes")
                            confirm_no = L(gr.Button(I("conv_confirm_no"), size="sm",
                                                     elem_id="confirm-no", visible=False),
                                           value="conv_confirm_no")
                        export_md = gr.DownloadButton(I("conv_export_md"), visible=False,
                                                      size="sm", elem_id="export-md")
                        export_json = gr.DownloadButton(I("conv_export_json"), visible=False,
                                                        size="sm", elem_id="export-json")
                        with L(gr.Accordion(I("filter_panel"), open=False, elem_id="filter-panel"),
                               label="filter_panel"):
                            filter_source = L(gr.Dropdown(
                                [], value=[], multiselect=True, label=I("filter_source"),
                                info=I("filter_source_info"), elem_id="filter-source"),
                                label="filter_source", info="filter_source_info")
                            filter_since = L(gr.Textbox(label=I("filter_since"), max_lines=1,
                                                        elem_id="filter-since",
                                                        placeholder="2024-01-01"),
                                             label="filter_since")
                            filter_until = L(gr.Textbox(label=I("filter_until"), max_lines=1,
                                                        elem_id="filter-until",
                                                        placeholder="2024-12-31"),
                                             label="filter_until")
                            L(gr.Markdown(I("filter_date_note"), elem_id="date-note"),
                              value="filter_date_note")
                            filter_articles_box = L(gr.Dropdown(
                                [], value=[], multiselect=True, elem_id="filter-articles",
                                label=I("filter_articles"), info=I("filter_articles_info")),
                                label="filter_articles", info="filter_articles_info")
                    with gr.Column(scale=3, min_width=320, elem_id="chat-column"):
                        chatbot = L(gr.Chatbot(
                            label=I("chat_label"), elem_id="chat", height=440,
                            latex_delimiters=[], allow_tags=False, sanitize_html=True,
                            # no copy buttons: they would copy the messages' HTML source
                            feedback_options=None, buttons=[], group_consecutive_messages=False,
                            placeholder=I("chat_placeholder")),
                            label="chat_label", placeholder="chat_placeholder")
                        with gr.Row(equal_height=True, elem_id="filter-row"):
                            active_filter = gr.HTML("", elem_id="active-filter")
                            clear_filter = L(gr.Button(I("filter_clear"), elem_id="clear-filter",
                                                       size="sm", visible=False, scale=0,
                                                       min_width=110),
                                             value="filter_clear")
                        # Not typeable until the page load has reopened the saved
                        # conversation (`Workspace.restore`): a question asked before that
                        # would have its answer replaced by the restored chat.
                        question = gr.Textbox(
                            elem_id="question", label=I("question_label"), show_label=False,
                            autofocus=False, submit_btn=I("question_submit"), max_lines=4,
                            interactive=False, placeholder=I("question_placeholder"))
                        status = gr.HTML("", elem_id="status")
                        example_box = gr.Textbox(visible=False)
                        examples = gr.Dataset(components=[example_box],
                                              samples=[[q] for q in EXAMPLES],
                                              label=I("examples_label"), elem_id="examples",
                                              samples_per_page=10)
                    with gr.Column(scale=2, min_width=300, elem_id="side-panel"):
                        sheet_back = L(gr.Button("‹ " + I("back_to_answer"), elem_id="sheet-back",
                                                 size="sm"), value="back_to_answer")
                        sources = gr.HTML("", elem_id="sources-panel",
                                          js_on_load=SOURCES_JS, head=f"<style>{CSS}</style>")
                        reader = gr.HTML("", elem_id="reader-panel", js_on_load=READER_JS)
            with L(gr.Tab(I("briefing_title"), id="points", elem_id="tab-points"),
                   label="briefing_title"):
                picker = L(gr.CheckboxGroup([], label=I("briefing_answers"),
                                            elem_id="briefing-answers",
                                            info=I("briefing_none")),
                           label="briefing_answers")
                phrase = L(gr.Checkbox(False, label=I("briefing_phrase"),
                                       elem_id="briefing-phrase",
                                       visible=assistant.llm is not None),
                           label="briefing_phrase")
                points_btn = L(gr.Button(I("briefing_make"), elem_id="talking-points",
                                         variant="primary"), value="briefing_make")
                points_status = gr.HTML("", elem_id="points-status")
                points_view = gr.HTML("", visible=False, elem_id="briefing")
                points_text = L(gr.Textbox(label=I("briefing_text"), lines=10, max_lines=40,
                                           buttons=["copy"], visible=False, interactive=True,
                                           info=I("briefing_copy_note"), elem_id="points-text"),
                                label="briefing_text", info="briefing_copy_note")
                with gr.Row():
                    points_file = L(gr.DownloadButton(I("briefing_dl_md"), visible=False,
                                                      elem_id="points-file", size="sm"),
                                    label="briefing_dl_md")
                    points_docx = L(gr.DownloadButton(I("briefing_dl_docx"), visible=False,
                                                      elem_id="points-docx", size="sm"),
                                    label="briefing_dl_docx")
            with L(gr.Tab(I("tab_articles"), id="articles", elem_id="tab-articles"),
                   label="tab_articles"):
                with gr.Row(equal_height=False):
                    with gr.Column(scale=3):
                        article_query = L(gr.Textbox(
                            label=I("articles_query"), elem_id="article-query",
                            placeholder=I("articles_query_ph")),
                            label="articles_query", placeholder="articles_query_ph")
                        articles_list = gr.HTML("", elem_id="articles-list",
                                                js_on_load=ARTICLES_JS)
                    with gr.Column(scale=2):
                        article_reader = gr.HTML("", elem_id="article-reader",
                                                 js_on_load=READER_JS)
            with L(gr.Tab(I("tab_add"), id="add", elem_id="tab-add"), label="tab_add"):
                L(gr.Markdown(elem_id="upload-intro"), value=("upload_intro", {"mb": mb}))
                # No `file_types`: the browser would drop other files silently; the
                # server lists each one it rejects, with the reason.
                with gr.Row():
                    upload_newspaper = L(gr.Textbox(label=I("upload_newspaper"), max_lines=1,
                                                    placeholder=I("upload_newspaper_ph"),
                                                    elem_id="upload-newspaper"),
                                         label="upload_newspaper",
                                         placeholder="upload_newspaper_ph")
                    upload_date = L(gr.Textbox(label=I("upload_date"), max_lines=1,
                                               placeholder="2024-10-01", elem_id="upload-date"),
                                    label="upload_date")
                upload_files = L(gr.File(label=I("upload_files"), file_count="multiple",
                                         elem_id="upload-files"),
                                 label=("upload_files", {"types": ", ".join(SUFFIXES)}))
                upload_report = gr.HTML("", elem_id="upload-report")

        ui.labels = labels
        ui.examples, ui.lang_switch = examples, lang_switch
        ui.articles_list, ui.article_reader = articles_list, article_reader

        # chat
        work = ui.work
        work.bind(question=question, chatbot=chatbot, sources=sources, reader=reader,
                  status=status, state=state,
                  browser=browser, conv_list=conv_list, conv_title=conv_title,
                  conv_status=conv_status, export_md=export_md, export_json=export_json,
                  delete_btn=delete_btn, confirm_text=confirm_text, confirm_yes=confirm_yes,
                  confirm_no=confirm_no,
                  picker=picker, points_view=points_view, points_text=points_text,
                  points_file=points_file, points_docx=points_docx, points_status=points_status,
                  filter_source=filter_source, filter_since=filter_since,
                  filter_until=filter_until, filter_articles=filter_articles_box,
                  active_filter=active_filter, clear_filter=clear_filter)
        panel_out = [conv_list, conv_title, conv_status, export_md, export_json, picker,
                     browser, state, delete_btn, confirm_text, confirm_yes, confirm_no]
        points_out = [points_view, points_text, points_file, points_docx]
        chat_view = [chatbot, sources, reader, status, filter_source, filter_since, filter_until,
                     filter_articles_box, active_filter, clear_filter]
        text_out = list(dict.fromkeys([c for c, _ in labels] + [examples, lang_switch,
                                                                articles_list, article_reader]))
        private = {"api_visibility": "private", "show_progress": "hidden"}
        # the page's language, and Gradio's own strings in it (its locale store, found
        # through the module the page loaded; nothing happens when it is not found)
        set_lang_js = r"""(lang) => {
            if (!lang) return;
            document.documentElement.lang = lang;
            const url = performance.getEntriesByType('resource').map(e => e.name)
                .find(n => /\/assets\/core-[^/]*\.js$/.test(n));
            if (url) import(url).then(m => m.changeLocale && m.changeLocale(lang))
                .catch(() => {});
        }"""
        focus_js = ("() => { if (window.innerWidth > 480) "
                    "document.querySelector('#question textarea')?.focus({preventScroll: true}); }")
        app.load(work.restore, [state, browser],
                 list(dict.fromkeys(chat_view + panel_out + points_out + [question] + text_out)),
                 **private).then(None, [lang_switch], None, js=set_lang_js
                                 ).then(None, js=focus_js)
        lang_switch.input(work.relabel, [lang_switch, state, browser],
                          list(dict.fromkeys(chat_view + panel_out + [question] + text_out)),
                          **private).then(None, [lang_switch], None, js=set_lang_js)
        chat_out = [chatbot, question, status, sources, state]
        # always_last: an Enter pressed while the last answer's final update is still in
        # flight waits for it instead of being dropped
        question.submit(ui.respond, [question, state], chat_out, api_name="chat",
                        api_visibility="undocumented", show_progress="minimal",
                        trigger_mode="always_last"
                        ).then(work.save, [state, browser], panel_out, **private,
                               # saves every turn not saved yet: one pending, the next waits
                               trigger_mode="always_last")
        examples.click(lambda v: v[0] if isinstance(v, (list, tuple)) and v else v, [examples],
                       [question], **private)
        reset_out = [chatbot, question, status, sources, reader, state]
        for clear in (new_btn.click, chatbot.clear):
            clear(ui.new_conversation, [state], reset_out, **private
                  ).then(work.new, [state, browser], panel_out + points_out, **private,
                         trigger_mode="always_last")
        conv_list.pick(work.pick, [state, browser], chat_view + panel_out + points_out,
                       **private)
        conv_title.submit(work.rename, [conv_title, state, browser], panel_out, **private)
        delete_btn.click(work.ask_delete, [state, browser],
                         [confirm_text, confirm_yes, confirm_no, conv_status], **private)
        confirm_no.click(work.cancel_delete, None, [confirm_text, confirm_yes, confirm_no],
                         **private)
        confirm_yes.click(work.delete, [state, browser], chat_view + panel_out + points_out,
                          **private)
        points_btn.click(work.talking_points, [state, picker, phrase],
                         points_out + [points_status], api_visibility="private")
        points_text.blur(work.edited_points, [points_text, state], [points_file, points_docx],
                         **private)
        sources.cite(ui.cite, [state], [sources, reader, state], api_visibility="private",
                     show_progress="hidden", trigger_mode="always_last")
        drawer_btn.click(None, js="() => document.body.classList.toggle('drawer-open')")
        sheet_back.click(None, js="() => { document.body.classList.remove('sheet-open'); "
                                  "document.querySelector('#chat .answer:last-of-type')"
                                  "?.scrollIntoView({block: 'nearest'}); }")

        # the source filter: applied as soon as a control changes (dates on Enter / leaving)
        filter_in = [filter_source, filter_since, filter_until, filter_articles_box, state]
        filter_out = [active_filter, clear_filter, status, state]
        for event in (filter_source.input, filter_articles_box.input, filter_since.submit,
                      filter_since.blur, filter_until.submit, filter_until.blur):
            event(ui.apply_filter, filter_in, filter_out, api_visibility="private",
                  show_progress="hidden", trigger_mode="always_last")
        clear_filter.click(ui.clear_filter, [state],
                           [filter_source, filter_since, filter_until, filter_articles_box,
                            active_filter, clear_filter, status, state],
                           api_visibility="private", show_progress="hidden")
        app.load(ui.filter_choices, None, [filter_source, filter_articles_box],
                 api_visibility="private", show_progress="hidden")

        # the JSON endpoint for clients and tests, on invisible components
        api_question = gr.Textbox(visible=False)
        api_turn = gr.JSON(visible=False)
        api_button = gr.Button(visible=False)
        api_button.click(ui.ask_api, [api_question, state], [api_turn, state], api_name="ask")

        # articles and uploads
        article_query.change(ui.articles_table, [article_query, state], [articles_list],
                             api_visibility="private", show_progress="hidden",
                             trigger_mode="always_last")
        articles_list.open(ui.open_article, [article_query, state], [article_reader],
                           api_visibility="private", show_progress="hidden")

        def upload(files, query, state=None, progress=gr.Progress()):
            s = state if isinstance(state, ChatSession) else None
            return ui.upload(files, query, progress, state=state,
                             newspaper=s.upload_newspaper if s else None,
                             date=s.upload_date if s else None)

        # The newspaper and date boxes are kept in the session, so the "upload" API keeps
        # its two inputs (files, search) for scripts
        def upload_meta(newspaper, date, state):
            s = ui.session(state)
            s.upload_newspaper, s.upload_date = newspaper or None, date or None
            return s

        for box in (upload_newspaper, upload_date):
            box.change(upload_meta, [upload_newspaper, upload_date, state], [state], **private,
                      trigger_mode="always_last")
        upload_files.upload(upload, [upload_files, article_query, state],
                            [upload_report, articles_list, upload_files],
                            # callable by scripts (gradio_client), like the browser can
                            api_name="upload", api_visibility="undocumented", concurrency_limit=1,
                            concurrency_id="index-build").then(
            ui.filter_choices, None, [filter_source, filter_articles_box],
            api_visibility="private", show_progress="hidden")
    app.queue(default_concurrency_limit=CONCURRENCY)
    app.chat_app = ui  # for tests and tools
    app.i18n = I
    launch = app.launch

    def launch_with_catalogues(*args, **kwargs):
        kwargs.setdefault("i18n", I)   # the labels' first paint in the browser's language
        return launch(*args, **kwargs)

    app.launch = launch_with_catalogues
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


def parse_logins(values) -> list[tuple[str, str]] | None:
    """The logins of `--auth` (given once per user) or $ASSISTANT_AUTH (one USER:PASS a
    line), as (user, password) pairs; None when none is given."""
    if values is None:
        return None
    if isinstance(values, str):
        values = values.splitlines()
    logins = [p for p in (parse_auth(v.strip("\r")) for v in values) if p is not None]
    seen = set()
    for user, _ in logins:
        if user in seen:
            raise ValueError(f"--auth / $ASSISTANT_AUTH: the user {user!r} is given twice")
        seen.add(user)
    return logins or None


def exposure_warning(host: str, auth) -> str | None:
    """The loud warning printed when the UI is reachable from other machines without a login."""
    if auth is not None or is_loopback(host):
        return None
    bar = "!" * 78
    return (f"\n{bar}\n  WARNING: serving on {host}, reachable from other machines, WITHOUT a "
            f"login.\n  Anyone who can reach it can read the articles and upload files.\n"
            f"  Use --auth USER:PASS (or $ASSISTANT_AUTH), or --host 127.0.0.1.\n{bar}")


def port_in_use(host: str, port: int) -> str | None:
    """Why `assistant serve` cannot listen on host:port (another process has it), or None.
    Checked before the index is loaded or anything is announced: the server would
    otherwise say "serving …" and then fail, and a user's first requests would reach the
    other process."""
    import errno
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as e:
        return f"cannot serve on {host}:{port}: {e.strerror or e}"
    for family, kind, proto, _, address in infos[:1]:
        with socket.socket(family, kind, proto) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind(address)
            except OSError as e:
                if e.errno == errno.EADDRINUSE:
                    return f"port {port} is in use: pass --port"
                return f"cannot serve on {host}:{port}: {e.strerror or e}"
    return None


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


def _complete_uploads(assistant) -> None:
    try:
        assistant.complete_pending_uploads()
    except Exception as e:   # the uploads stay recorded: the next start tries again
        print(f"assistant: could not index the pending uploads: {type(e).__name__}: {e}",
              file=sys.stderr, flush=True)


def serve(args) -> int:
    """`assistant serve`: load (or build) the index and serve the UI until interrupted."""
    from assistant.index.embedding import EmbedderError
    from assistant.index.store import IndexMismatch
    from assistant.qa.llm import llm_from_args
    from assistant.service.pipeline import open_assistant

    def err(msg: str) -> None:
        print(f"assistant: {msg}", file=sys.stderr, flush=True)

    host = getattr(args, "host", None) or "127.0.0.1"
    port = getattr(args, "port", None) or 7860
    try:
        auth = parse_logins(getattr(args, "auth", None) or os.environ.get("ASSISTANT_AUTH"))
    except ValueError as e:
        err(str(e))
        return 2
    busy = port_in_use(host, port)
    if busy:
        err(busy)
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
    # uploads recorded before a crash but not indexed yet
    threading.Thread(target=_complete_uploads, args=(assistant,), daemon=True).start()
    print(f"assistant: serving {len(app.chat_app.articles)} articles from {args.index_dir} "
          f"on http://{host}:{port}" + (" (login required)" if auth else ""), flush=True)
    from starlette.middleware import Middleware

    from assistant.apps.ui.fileaccess import OwnerOnly

    app.launch(server_name=host, server_port=port, auth=auth, max_file_size=MAX_UPLOAD_BYTES,
               show_error=False, inbrowser=False, share=False, quiet=True,
               footer_links=["api"], ssr_mode=False,
               # an export or talking points: served to their owner's login only
               app_kwargs={"middleware": [Middleware(OwnerOnly, files=app.chat_app.work.owned)]})
    return 0
