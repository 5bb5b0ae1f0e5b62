"""The chat's saved conversations and talking points (the handlers behind their panels).

Conversations last: every answered turn is saved (with its citations) in
`<index-dir>/conversations.sqlite3` (`assistant.storage.conversations`) right after it
is answered; the side panel lists the owner's conversations (open, rename, delete,
export as Markdown or JSON) and a reload or a server restart reopens the conversation
the browser was in, with its sources.

Who owns a conversation: with `--auth`, the login (`gr.Request.username`), so each user
sees only their own. Without a login, the browser: a random id kept in the browser's
localStorage through `gr.BrowserState` (encrypted with a secret kept in the conversation
file, so it still reads after a restart). The same browser state remembers, per owner,
which conversation was open. Clearing the site data of the browser starts a new owner
(the old conversations stay in the file).

Talking points: the user ticks answers; `assistant.answering.briefing` makes the
briefing; it is shown as HTML, as Markdown (copy button) and as .md / .docx downloads.
"""
from __future__ import annotations

import json
import secrets
import tempfile
import time
from pathlib import Path

import gradio as gr

from assistant.apps.ui.sourcefilter import SETTINGS_KEY, saved_filter
from assistant.retrieval.filters import FilterError
from assistant.answering.briefing import (Briefing, briefing_markdown, build_briefing,
                                          note_where, phrase_briefing, point_line, write_docx)
from assistant.apps.ui.rendering import (READER_PLACEHOLDER, SOURCES_PLACEHOLDER, answer_html,
                                         error_html, esc, question_html, sources_html)
from assistant.storage.conversations import (ConversationStore, Saved, StoreError, store_path,
                                             title_of)

BROWSER_KEY = "news-assistant"


# --- HTML ---------------------------------------------------------------------------------
def _when(t: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(t))


def conversation_list_html(saved: list[Saved], current: str | None) -> str:
    """The owner's conversations; a row (click or Enter) opens one."""
    if not saved:
        return ('<div class="conv-empty">No saved conversation yet: each answer is saved '
                'as you ask.</div>')
    rows = []
    for c in saved:
        cur = c.id == current
        aria = ' aria-current="true"' if cur else ""
        rows.append(
            f'<li class="conv-row{" current" if cur else ""}" data-conv-id="{esc(c.id)}" '
            f'tabindex="0" role="button"{aria} '
            f'title="Open this conversation"><span class="conv-title">{esc(c.title)}</span>'
            f'<span class="conv-meta">{c.count} answer{"s" if c.count != 1 else ""} · '
            f'{esc(_when(c.updated))}</span></li>')
    return f'<ul class="conv-list" aria-label="Saved conversations">{"".join(rows)}</ul>'


def briefing_html(b: Briefing) -> str:
    """The briefing as escaped HTML: a heading per article, bullets, the footnotes."""
    out = [f'<div class="briefing"><h3>{esc(b.title)}</h3>']
    for g in b.groups:
        out.append(f'<h4 class="briefing-group">{esc(g.title)}</h4><ul>')
        for p in g.points:
            refs = "".join(f'<sup class="fn-ref"><a href="#fn-{n}">{n}</a></sup>'
                           for n in p.notes)
            cls = "point" + ("" if p.supported else " unsupported-point")
            out.append(f'<li class="{cls}">{esc(point_line(p))}{refs}</li>')
        out.append("</ul>")
    out.append('<ol class="footnotes">')
    for note in b.notes:
        out.append(f'<li id="fn-{note.n}" value="{note.n}"><span class="fn-where">'
                   f'{esc(note.heading)} ({esc(note_where(note))})</span>: '
                   f'<q class="fn-passage">{esc(note.passage)}</q></li>')
    out.append("</ol>")
    if b.notice:
        out.append(f'<div class="notice">{esc(b.notice)}</div>')
    if b.left_out:
        out.append(f'<div class="notice">{b.left_out} cited passage(s) are left out: their '
                   f'article is no longer indexed as it was cited.</div>')
    out.append("</div>")
    return "".join(out)


def conversation_markdown(saved: Saved) -> str:
    """A conversation as Markdown: each question, its answer and its cited passages."""
    lines = [f"# {saved.title}", ""]
    for k, t in enumerate(saved.turns, start=1):
        lines += [f"## {k}. {' '.join(t.question.split())}", "", t.answer.strip(), ""]
        if t.notice:
            lines += [f"*{t.notice}*", ""]
        for c in t.citations:
            where = ", ".join(b for b in (c.source, c.date) if b)
            flag = "" if c.supported else " (unsupported)"
            lines.append(f"- [{c.n}] {c.heading} ({where}){flag}: “{' '.join(c.passage.split())}”")
        if t.citations:
            lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


# --- the handlers ---------------------------------------------------------------------------
class Workspace:
    """Saved conversations and talking points of one ChatApp. `bind` gives it the
    components its handlers update (they return {component: value} dicts)."""

    def __init__(self, ui, store: ConversationStore | None = None):
        self.ui = ui
        self.problem = ""   # why conversations are not saved, when they are not
        if store is None:
            try:
                store = ConversationStore(store_path(ui.assistant.index_dir))
            except (StoreError, OSError) as e:
                self.problem = f"conversations are not saved: {e}"
                print(f"assistant: {self.problem}", flush=True)
                store = None
        self.store = store
        self.files: Path | None = None
        self.c = None   # the components, set by `bind`

    def bind(self, **components) -> None:
        from types import SimpleNamespace

        self.c = SimpleNamespace(**components)

    @property
    def secret(self) -> str | None:
        return self.store.secret() if self.store else None

    def _folder(self, name: str | None = None) -> Path:
        """A folder for files to download: a new one, or the one called `name`."""
        if self.files is None:
            self.files = Path(tempfile.mkdtemp(prefix="assistant-files-"))
        if name is None:
            return Path(tempfile.mkdtemp(dir=self.files))
        folder = self.files / name
        folder.mkdir(exist_ok=True)
        return folder

    # who ---------------------------------------------------------------------------------
    @staticmethod
    def owner(request: gr.Request | None, browser: dict | None) -> tuple[str, dict]:
        """The owner of the request's conversations, and the browser state to keep."""
        browser = dict(browser) if isinstance(browser, dict) else {}
        if not isinstance(browser.get("id"), str) or not browser["id"]:
            browser["id"] = secrets.token_urlsafe(18)
        if not isinstance(browser.get("current"), dict):
            browser["current"] = {}
        user = getattr(request, "username", None) if request is not None else None
        return (f"user:{user}" if user else f"browser:{browser['id']}"), browser

    # views -------------------------------------------------------------------------------
    def _picker(self, s, keep: bool = False) -> gr.CheckboxGroup:
        """The found answers to tick; `keep`: the ticks stay (a new answer was added)."""
        choices = []
        for k, t in enumerate(s.turns):
            if t.found and t.citations:
                q = " ".join(t.question.split())
                choices.append((f"{k + 1}. {q if len(q) <= 50 else q[:49] + '…'}", k))
        info = None if choices else "No answer with sources yet."
        if keep:
            return gr.CheckboxGroup(choices=choices, info=info)
        return gr.CheckboxGroup(choices=choices, value=[], info=info)

    def _exports(self, saved: Saved | None):
        if saved is None or not saved.turns:
            return (gr.DownloadButton(value=None, visible=False),
                    gr.DownloadButton(value=None, visible=False))
        # one folder per conversation, rewritten as it grows
        folder = self._folder(saved.id)
        md = folder / f"conversation-{saved.id}.md"
        md.write_text(conversation_markdown(saved), encoding="utf-8")
        js = folder / f"conversation-{saved.id}.json"
        js.write_text(json.dumps(saved.to_dict(), ensure_ascii=False, indent=1),
                      encoding="utf-8")
        return (gr.DownloadButton(value=str(md), visible=True),
                gr.DownloadButton(value=str(js), visible=True))

    def _panel(self, s, owner: str, browser: dict, status: str = "",
               keep_ticks: bool = False) -> dict:
        """The side panel, the picker and the browser state for session `s`."""
        c = self.c
        saved = self.store.load(owner, s.saved_id) if self.store and s.saved_id else None
        listed = self.store.list(owner) if self.store else []
        md, js = self._exports(saved)
        browser["current"] = {**browser.get("current", {}), owner: s.saved_id}
        return {c.conv_list: conversation_list_html(listed, s.saved_id),
                c.conv_title: gr.Textbox(value=saved.title if saved else "",
                                         interactive=saved is not None),
                c.export_md: md, c.export_json: js, c.picker: self._picker(s, keep_ticks),
                c.browser: browser, c.state: s,
                c.conv_status: status or (error_html(self.problem) if self.problem else "")}

    def _hidden_points(self) -> dict:
        c = self.c
        return {c.points_view: gr.HTML(value="", visible=False),
                c.points_text: gr.Textbox(value="", visible=False),
                c.points_file: gr.DownloadButton(value=None, visible=False),
                c.points_docx: gr.DownloadButton(value=None, visible=False)}

    def _chat(self, s) -> dict:
        c = self.c
        k = len(s.turns) - 1 if s.turns else None
        out = {c.chatbot: s.messages,
               c.sources: sources_html(s.turns[k], k, len(s.turns), self.ui.articles)
               if k is not None else SOURCES_PLACEHOLDER,
               c.reader: READER_PLACEHOLDER, c.status: ""}
        if hasattr(c, "active_filter"):   # the conversation's chosen sources
            out.update(self.ui.filter_view(s))
        return out

    def remember_filter(self, s) -> None:
        """Keep the session's source filter in its saved conversation's settings."""
        if self.store is not None and s.saved_id and s.owner:
            self.store.update_settings(s.owner, s.saved_id,
                                       {SETTINGS_KEY: s.conversation.source_filter.to_dict()})

    def session_of(self, saved: Saved, owner: str):
        """A chat session holding a saved conversation (follow-ups lean on its turns)."""
        s = self.ui.session(None)
        s.conversation.turns.extend(saved.turns)
        try:   # the sources it was told to answer from
            s.conversation.set_filter(saved_filter(saved.settings))
        except FilterError:   # a chosen article is no longer indexed
            pass
        s.turns = list(saved.turns)
        msgs = []
        for k, t in enumerate(saved.turns):
            msgs += [{"role": "user", "content": question_html(t.question)},
                     {"role": "assistant", "content": answer_html(t, k)}]
        s.messages = msgs
        s.selected = len(saved.turns) - 1 if saved.turns else None
        s.saved_id, s.saved_count, s.owner = saved.id, len(saved.turns), owner
        return s

    # events ------------------------------------------------------------------------------
    def restore(self, state, browser, request: gr.Request):
        """Page load: reopen the conversation this browser (or login) was in."""
        owner, browser = self.owner(request, browser)
        cid = browser["current"].get(owner)
        saved = self.store.load(owner, cid) if self.store and cid else None
        s = self.session_of(saved, owner) if saved else self.ui.session(None)
        s.owner = owner
        out = {**self._chat(s), **self._panel(s, owner, browser), **self._hidden_points()}
        if hasattr(self.c, "question"):   # locked until now (see apps/ui/app.py)
            out[self.c.question] = gr.update(interactive=True)
        return out

    def save(self, state, browser, request: gr.Request):
        """After an answer: save the turns not saved yet; refresh the panel."""
        owner, browser = self.owner(request, browser)
        s = self.ui.session(state)
        if s.owner not in (None, owner):   # a session never changes hands
            return {self.c.conv_status: error_html("this conversation belongs to another login")}
        s.owner = owner
        message = ""
        if self.store is not None and len(s.turns) > s.saved_count:
            try:
                if s.saved_id is None:
                    s.saved_id = self.store.create(owner, title_of(s.turns[0].question))
                for k in range(s.saved_count, len(s.turns)):
                    if not self.store.add_turn(owner, s.saved_id, k, s.turns[k]):
                        # another tab of the conversation added a turn, or deleted it:
                        # this tab's conversation goes on as a new saved one
                        old = self.store.load(owner, s.saved_id)
                        s.saved_id = self.store.create(
                            owner, old.title if old else title_of(s.turns[0].question))
                        for j in range(len(s.turns)):
                            self.store.add_turn(owner, s.saved_id, j, s.turns[j])
                        break
                s.saved_count = len(s.turns)
                self.remember_filter(s)
            except Exception as e:  # noqa: BLE001 - the answer stays; say it was not saved
                message = error_html(f"the conversation could not be saved: "
                                     f"{type(e).__name__}: {e}")
        return self._panel(s, owner, browser, message, keep_ticks=True)

    def new(self, state, browser, request: gr.Request):
        """After "New conversation": the panel with no conversation selected."""
        owner, browser = self.owner(request, browser)
        s = self.ui.session(state)
        s.owner = owner
        return {**self._panel(s, owner, browser), **self._hidden_points()}

    def pick(self, state, browser, request: gr.Request, evt: gr.EventData):
        """A row of the list was clicked: open that conversation."""
        owner, browser = self.owner(request, browser)
        data = getattr(evt, "_data", None) or {}
        cid = str(data.get("id", ""))
        saved = self.store.load(owner, cid) if self.store and cid else None
        if saved is None:
            s = self.ui.session(state)
            return self._panel(s, owner, browser,
                               error_html("that conversation is no longer saved"))
        s = self.session_of(saved, owner)
        return {**self._chat(s), **self._panel(s, owner, browser), **self._hidden_points()}

    def rename(self, title: str, state, browser, request: gr.Request):
        owner, browser = self.owner(request, browser)
        s = self.ui.session(state)
        if self.store is None or s.saved_id is None:
            return self._panel(s, owner, browser, error_html(
                "nothing to rename yet: a conversation is saved with its first answer"))
        try:
            self.store.rename(owner, s.saved_id, title)
        except ValueError as e:
            return self._panel(s, owner, browser, error_html(str(e)), keep_ticks=True)
        return self._panel(s, owner, browser, keep_ticks=True)

    def delete(self, state, browser, request: gr.Request):
        owner, browser = self.owner(request, browser)
        s = self.ui.session(state)
        if self.store is None or s.saved_id is None:
            return self._panel(s, owner, browser, error_html(
                "nothing to delete: this conversation is not saved yet"))
        saved = self.store.load(owner, s.saved_id)
        self.store.delete(owner, s.saved_id)
        fresh = self.ui.session(None)
        fresh.owner = owner
        title = saved.title if saved else "the conversation"
        note = f'<div class="conv-note" role="status">Deleted “{esc(title)}”.</div>'
        return {**self._chat(fresh), **self._panel(fresh, owner, browser, note),
                **self._hidden_points()}

    def talking_points(self, state, picked, phrase: bool):
        """The briefing of the ticked answers, with its .md and .docx files."""
        c = self.c
        s = self.ui.session(state)
        ks = sorted({int(k) for k in (picked or []) if 0 <= int(k) < len(s.turns)})
        turns = [s.turns[k] for k in ks if s.turns[k].found]
        if not turns:
            msg = ("no answer with sources yet: ask a question first" if not
                   any(t.found for t in s.turns) else
                   "tick at least one answer under “Answers for the talking points”")
            return {**self._hidden_points(), c.status: error_html(msg)}
        b = build_briefing(turns, self.ui.articles)
        if not b.points:
            return {**self._hidden_points(), c.status: error_html(
                "the ticked answers cite no passage that is still indexed as it was")}
        if phrase and s.conversation.generative:
            b = phrase_briefing(b, s.conversation.answerer)
        md = briefing_markdown(b)
        folder = self._folder()
        stamp = time.strftime("%Y%m%d-%H%M%S")
        md_path = folder / f"talking-points-{stamp}.md"
        md_path.write_text(md, encoding="utf-8")
        docx_path = write_docx(b, folder / f"talking-points-{stamp}.docx")
        return {c.points_view: gr.HTML(value=briefing_html(b), visible=True),
                c.points_text: gr.Textbox(value=md, visible=True),
                c.points_file: gr.DownloadButton(value=str(md_path), visible=True),
                c.points_docx: gr.DownloadButton(value=str(docx_path), visible=True),
                c.status: ""}
