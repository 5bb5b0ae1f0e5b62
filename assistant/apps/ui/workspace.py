"""The chat's saved conversations and talking points (the handlers behind their panels).

Conversations last: every answered turn is saved (with its citations) in
`<index-dir>/conversations.sqlite3` (`assistant.service.conversations`) right after it
is answered; the side panel lists the owner's conversations (open, rename, delete,
export as Markdown or JSON) and a reload or a server restart reopens the conversation
the browser was in, with its sources.

Who owns a conversation: with `--auth`, the login (`gr.Request.username`), so each user
sees only their own. Without a login, the browser: a random id kept in the browser's
localStorage through `gr.BrowserState` (encrypted with a secret kept in the conversation
file, so it still reads after a restart). The same browser state remembers, per owner,
which conversation was open. Clearing the site data of the browser starts a new owner
(the old conversations stay in the file).

Talking points: the user ticks answers; `assistant.qa.briefing` makes the
briefing; it is shown as HTML, as Markdown (copy button) and as .md / .docx downloads.
"""
from __future__ import annotations

import json
import secrets
import tempfile
import time
from pathlib import Path

import gradio as gr

from assistant.apps.ui.i18n import t
from assistant.apps.ui.sourcefilter import SETTINGS_KEY, saved_filter
from assistant.index.filters import FilterError
from assistant.qa.briefing import (Briefing, briefing_markdown, build_briefing,
                                          note_where, phrase_briefing, point_line,
                                          markdown_docx)
from assistant.apps.ui.rendering import (answer_html, error_html, esc, question_html,
                                         reader_placeholder, sources_html, sources_placeholder)
from assistant.service.conversations import (ConversationStore, Saved, StoreError, store_path,
                                             title_of)

BROWSER_KEY = "news-assistant"


def event_value(evt, name: str):
    """What the page's script sent as `name` with a custom event (`trigger('pick', {id})` in
    static/ui.js); gradio's EventData gives it as an attribute. None when it was not sent."""
    try:
        return getattr(evt, name)
    except (AttributeError, TypeError):   # TypeError: an event sent without data
        return None


# --- HTML ---------------------------------------------------------------------------------
def _when(t: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(t))


def conversation_list_html(saved: list[Saved], current: str | None, lang: str = "en") -> str:
    """The owner's conversations; a row (click or Enter) opens one. Each row is a
    button inside a list item, so the list keeps its list structure for screen readers."""
    if not saved:
        return f'<div class="conv-empty">{esc(t(lang, "conv_empty"))}</div>'
    rows = []
    for c in saved:
        cur = c.id == current
        aria = ' aria-current="true"' if cur else ""
        count = t(lang, "conv_answer_one") if c.count == 1 else t(lang, "conv_answers", n=c.count)
        rows.append(
            f'<li class="conv-row{" current" if cur else ""}">'
            f'<button type="button" class="conv-open" data-conv-id="{esc(c.id)}"{aria}>'
            f'<span class="conv-title">{esc(c.title)}</span>'
            f'<span class="conv-meta">{esc(count)} · {esc(_when(c.updated))}</span>'
            f'</button></li>')
    return (f'<ul class="conv-list" aria-label="{esc(t(lang, "conv_list_label"))}">'
            f'{"".join(rows)}</ul>')


def unique_title(title: str, taken) -> str:
    """`title`, or `title (2)`, `(3)` ... when the owner already has a conversation so called."""
    taken = set(taken)
    if title not in taken:
        return title
    k = 2
    while f"{title} ({k})" in taken:
        k += 1
    return f"{title} ({k})"


def briefing_labels(lang: str) -> dict[str, str]:
    """The briefing's own words in the interface language (briefing.LABELS)."""
    return {"title": t(lang, "briefing_title"), "sources": t(lang, "briefing_sources"),
            "unsupported": t(lang, "briefing_unsupported"), "page": t(lang, "briefing_page")}


def phrase_messages(lang: str) -> dict[str, str]:
    return {k: t(lang, f"briefing_{k}") for k in ("llm_failed", "llm_unsupported", "llm_missing")}


def briefing_html(b: Briefing, lang: str = "en") -> str:
    """The briefing as escaped HTML: a heading per article, bullets, the footnotes."""
    labels = briefing_labels(lang)
    out = [f'<div class="briefing" lang="{esc(lang)}"><h3>{esc(b.title)}</h3>']
    for g in b.groups:
        out.append(f'<h4 class="briefing-group">{esc(g.title)}</h4><ul>')
        for p in g.points:
            refs = "".join(f'<sup class="fn-ref"><a href="#fn-{n}">{n}</a></sup>'
                           for n in p.notes)
            cls = "point" + ("" if p.supported else " unsupported-point")
            out.append(f'<li class="{cls}">{esc(point_line(p, labels))}{refs}</li>')
        out.append("</ul>")
    out.append(f'<h4 class="briefing-sources">{esc(t(lang, "briefing_sources"))}</h4>'
               f'<ol class="footnotes">')
    for note in b.notes:
        out.append(f'<li id="fn-{note.n}" value="{note.n}"><span class="fn-where">'
                   f'{esc(note_where(note, labels))}</span>：'
                   f'<q class="fn-passage">{esc(note.passage)}</q></li>')
    out.append("</ol>")
    if b.notice:
        out.append(f'<div class="notice">{esc(b.notice)}</div>')
    if b.left_out:
        out.append(f'<div class="notice">{esc(t(lang, "briefing_left_out", n=b.left_out))}</div>')
    out.append("</div>")
    return "".join(out)


def conversation_markdown(saved: Saved, lang: str = "en") -> str:
    """A conversation as Markdown: each question, its answer and its cited passages."""
    lines = [f"# {saved.title}", ""]
    for k, turn in enumerate(saved.turns, start=1):
        lines += [f"## {k}. {' '.join(turn.question.split())}", "", turn.answer.strip(), ""]
        if turn.notice:
            lines += [f"*{turn.notice}*", ""]
        for c in turn.citations:
            where = " · ".join(b for b in (c.newspaper or c.source, c.date) if b)
            flag = "" if c.supported else " " + t(lang, "reader_unsupported")
            lines.append(f"- [{c.n}] 《{c.heading}》 {where}{flag}：“{' '.join(c.passage.split())}”")
        if turn.citations:
            lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


# --- the handlers ---------------------------------------------------------------------------
class Workspace:
    """Saved conversations and talking points of one ChatApp. `bind` gives it the
    components its handlers update (they return {component: value} dicts)."""

    def __init__(self, ui, store: ConversationStore | None = None):
        self.ui = ui
        self.problem = ""   # why conversations are not saved, when they are not
        self.problem_detail = ""
        if store is None:
            try:
                store = ConversationStore(store_path(ui.assistant.index_dir))
            except (StoreError, OSError) as e:
                self.problem = f"conversations are not saved: {e}"
                self.problem_detail = str(e)
                print(f"assistant: {self.problem}", flush=True)
                store = None
        self.store = store
        self.files: Path | None = None
        from assistant.apps.ui.fileaccess import OwnedFiles

        self.owned = OwnedFiles()   # who each download belongs to (served to them only)
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
        for k, turn in enumerate(s.turns):
            if turn.found and turn.citations:
                q = " ".join(turn.question.split())
                choices.append((f"{k + 1}. {q if len(q) <= 50 else q[:49] + '…'}", k))
        info = "" if choices else t(s.lang, "briefing_none")
        if keep:
            return gr.update(choices=choices, info=info)
        return gr.update(choices=choices, value=[], info=info)

    def _exports(self, saved: Saved | None, lang: str, owner: str | None = None):
        if saved is None or not saved.turns:
            return (gr.update(value=None, visible=False),
                    gr.update(value=None, visible=False))
        # one folder per conversation, rewritten as it grows
        folder = self._folder(saved.id)
        md = folder / f"conversation-{saved.id}.md"
        md.write_text(conversation_markdown(saved, lang), encoding="utf-8")
        js = folder / f"conversation-{saved.id}.json"
        js.write_text(json.dumps(saved.to_dict(), ensure_ascii=False, indent=1),
                      encoding="utf-8")
        for f in (md, js):
            self.owned.register(f, owner)
        return (gr.update(value=str(md), visible=True, label=t(lang, "conv_export_md")),
                gr.update(value=str(js), visible=True,
                                  label=t(lang, "conv_export_json")))

    def _panel(self, s, owner: str, browser: dict, status: str = "",
               keep_ticks: bool = False) -> dict:
        """The side panel, the picker and the browser state for session `s`."""
        c = self.c
        saved = self.store.load(owner, s.saved_id) if self.store and s.saved_id else None
        listed = self.store.list(owner) if self.store else []
        md, js = self._exports(saved, s.lang, owner)
        browser["current"] = {**browser.get("current", {}), owner: s.saved_id}
        problem = error_html(t(s.lang, "conv_not_saved", detail=self.problem_detail)) \
            if self.problem else ""
        out = {c.conv_list: conversation_list_html(listed, s.saved_id, s.lang),
               c.conv_title: gr.update(value=saved.title if saved else "",
                                        interactive=saved is not None, visible=saved is not None),
               c.export_md: md, c.export_json: js, c.picker: self._picker(s, keep_ticks),
               c.browser: browser, c.state: s, c.conv_status: status or problem}
        if hasattr(c, "delete_btn"):   # nothing to delete: no Delete button
            out[c.delete_btn] = gr.update(visible=saved is not None)
            out[c.confirm_text] = ""
            out[c.confirm_yes] = gr.update(visible=False)
            out[c.confirm_no] = gr.update(visible=False)
        return out

    def _hidden_points(self) -> dict:
        c = self.c
        return {c.points_view: gr.update(value="", visible=False),
                c.points_text: gr.update(value="", visible=False),
                c.points_file: gr.update(value=None, visible=False),
                c.points_docx: gr.update(value=None, visible=False)}

    def _chat(self, s) -> dict:
        c = self.c
        k = len(s.turns) - 1 if s.turns else None
        out = {c.chatbot: s.messages,
               c.sources: sources_html(s.turns[k], k, len(s.turns), self.ui.articles, s.lang)
               if k is not None else sources_placeholder(s.lang),
               c.reader: reader_placeholder(s.lang), c.status: ""}
        if hasattr(c, "active_filter"):   # the conversation's chosen sources
            out.update(self.ui.filter_view(s))
        return out

    def remember_filter(self, s) -> None:
        """Keep the session's source filter in its saved conversation's settings."""
        if self.store is not None and s.saved_id and s.owner:
            self.store.update_settings(s.owner, s.saved_id,
                                       {SETTINGS_KEY: s.conversation.source_filter.to_dict()})

    def session_of(self, saved: Saved, owner: str, lang: str = "en"):
        """A chat session holding a saved conversation (follow-ups lean on its turns)."""
        s = self.ui.session(None)
        s.lang = lang
        s.conversation.turns.extend(saved.turns)
        try:   # the sources it was told to answer from
            s.conversation.set_filter(saved_filter(saved.settings))
        except FilterError:   # a chosen article is no longer indexed
            pass
        s.turns = list(saved.turns)
        s.saved_id, s.saved_count, s.owner = saved.id, len(saved.turns), owner
        self.ui.rerender(s)
        s.selected = len(saved.turns) - 1 if saved.turns else None
        return s

    # events ------------------------------------------------------------------------------
    def restore(self, state, browser, request: gr.Request):
        """Page load: reopen the conversation this browser (or login) was in, in the
        language the browser asks for (or the one chosen with the switch)."""
        owner, browser = self.owner(request, browser)
        lang = self.ui.language(request, browser)
        cid = browser["current"].get(owner)
        saved = self.store.load(owner, cid) if self.store and cid else None
        if saved:
            s = self.session_of(saved, owner, lang)
        else:
            s = self.ui.session(None)
            s.lang = lang
        s.owner = owner
        out = {**self._chat(s), **self._panel(s, owner, browser), **self._hidden_points()}
        if hasattr(self.c, "question"):   # locked until now (see apps/ui/app.py)
            out[self.c.question] = gr.update(interactive=True,
                                             **self.ui.question_texts(s.lang))
        return self.ui.with_texts(out, s)

    def relabel(self, lang, state, browser, request: gr.Request):
        """The language switch: every text of the page in `lang`, remembered by the browser."""
        owner, browser = self.owner(request, browser)
        s = self.ui.session(state)
        s.lang = self.ui.language(None, {"lang": lang})
        browser["lang"] = s.lang
        s.owner = s.owner or owner
        self.ui.rerender(s)
        out = {**self._chat(s), **self._panel(s, owner, browser, keep_ticks=True)}
        out[self.c.question] = gr.update(**self.ui.question_texts(s.lang))
        return self.ui.with_texts(out, s)

    def save(self, state, browser, request: gr.Request):
        """After an answer: save the turns not saved yet; refresh the panel."""
        owner, browser = self.owner(request, browser)
        s = self.ui.session(state)
        if s.owner not in (None, owner):   # a session never changes hands
            return {self.c.conv_status: error_html(t(s.lang, "conv_other_login"))}
        s.owner = owner
        message = ""
        if self.store is not None and len(s.turns) > s.saved_count:
            try:
                if s.saved_id is None:
                    s.saved_id = self.store.create(owner, self._new_title(owner, s.turns[0]))
                for k in range(s.saved_count, len(s.turns)):
                    if not self.store.add_turn(owner, s.saved_id, k, s.turns[k]):
                        # another tab of the conversation added a turn, or deleted it:
                        # this tab's conversation goes on as a new saved one
                        old = self.store.load(owner, s.saved_id)
                        s.saved_id = self.store.create(owner, unique_title(
                            old.title if old else title_of(s.turns[0].question),
                            (c.title for c in self.store.list(owner))))
                        for j in range(len(s.turns)):
                            self.store.add_turn(owner, s.saved_id, j, s.turns[j])
                        break
                s.saved_count = len(s.turns)
                self.remember_filter(s)
            except Exception as e:  # noqa: BLE001 - the answer stays; say it was not saved
                message = error_html(t(s.lang, "conv_save_failed",
                                       detail=f"{type(e).__name__}: {e}"))
        return self._panel(s, owner, browser, message, keep_ticks=True)

    def _new_title(self, owner: str, turn) -> str:
        return unique_title(title_of(turn.question), (c.title for c in self.store.list(owner)))

    def new(self, state, browser, request: gr.Request):
        """After "New conversation": the panel with no conversation selected."""
        owner, browser = self.owner(request, browser)
        s = self.ui.session(state)
        s.owner = owner
        return {**self._panel(s, owner, browser), **self._hidden_points()}

    def pick(self, state, browser, request: gr.Request, evt: gr.EventData):
        """A row of the list was clicked: open that conversation."""
        owner, browser = self.owner(request, browser)
        cid = event_value(evt, "id")
        cid = "" if cid is None else str(cid)
        saved = self.store.load(owner, cid) if self.store and cid else None
        lang = self.ui.session(state).lang
        if saved is None:
            s = self.ui.session(state)
            return self._panel(s, owner, browser, error_html(t(lang, "conv_gone")))
        s = self.session_of(saved, owner, lang)
        return {**self._chat(s), **self._panel(s, owner, browser), **self._hidden_points()}

    def rename(self, title: str, state, browser, request: gr.Request):
        owner, browser = self.owner(request, browser)
        s = self.ui.session(state)
        if self.store is None or s.saved_id is None:
            return self._panel(s, owner, browser, error_html(t(s.lang, "conv_nothing_rename")))
        clean = " ".join(str(title or "").split())
        if not clean:
            return self._panel(s, owner, browser, error_html(t(s.lang, "conv_title_empty")),
                               keep_ticks=True)
        others = (c.title for c in self.store.list(owner) if c.id != s.saved_id)
        self.store.rename(owner, s.saved_id, unique_title(clean, others))
        return self._panel(s, owner, browser, keep_ticks=True)

    def ask_delete(self, state, browser, request: gr.Request):
        """Delete pressed: ask first (the conversation's title and answer count)."""
        owner, browser = self.owner(request, browser)
        s = self.ui.session(state)
        saved = self.store.load(owner, s.saved_id) if self.store and s.saved_id else None
        c = self.c
        if saved is None:
            return {c.conv_status: error_html(t(s.lang, "conv_nothing_delete")),
                    c.confirm_text: "", c.confirm_yes: gr.update(visible=False),
                    c.confirm_no: gr.update(visible=False)}
        question = t(s.lang, "conv_confirm", title=saved.title, n=len(saved.turns))
        return {c.confirm_text: f'<div class="conv-confirm" role="alert">{esc(question)}</div>',
                c.confirm_yes: gr.update(visible=True), c.confirm_no: gr.update(visible=True),
                c.conv_status: ""}

    def cancel_delete(self):
        return "", gr.update(visible=False), gr.update(visible=False)

    def delete(self, state, browser, request: gr.Request):
        owner, browser = self.owner(request, browser)
        s = self.ui.session(state)
        if self.store is None or s.saved_id is None:
            return self._panel(s, owner, browser, error_html(t(s.lang, "conv_nothing_delete")))
        saved = self.store.load(owner, s.saved_id)
        self.store.delete(owner, s.saved_id)
        fresh = self.ui.session(None)
        fresh.owner, fresh.lang = owner, s.lang
        _keep = getattr(self.ui, "keep_filter", None)
        if _keep:
            _keep(s.conversation, fresh.conversation)
        title = saved.title if saved else ""
        note = (f'<div class="conv-note" role="status">'
                f'{esc(t(s.lang, "conv_deleted", title=title))}</div>')
        return {**self._chat(fresh), **self._panel(fresh, owner, browser, note),
                **self._hidden_points()}

    # talking points ------------------------------------------------------------------------
    def talking_points(self, state, picked, phrase: bool):
        """The briefing of the ticked answers: shown, editable as Markdown, and as .md and
        .docx files (made from that Markdown, so an edit shows in both)."""
        c = self.c
        s = self.ui.session(state)
        lang = s.lang
        ks = sorted({int(k) for k in (picked or []) if 0 <= int(k) < len(s.turns)})
        turns = [s.turns[k] for k in ks if s.turns[k].found]
        if not turns:
            msg = (t(lang, "briefing_no_answers") if not any(x.found for x in s.turns)
                   else t(lang, "briefing_tick"))
            return {**self._hidden_points(), c.points_status: error_html(msg)}
        b = build_briefing(turns, self.ui.articles, title=t(lang, "briefing_title"))
        if not b.points:
            return {**self._hidden_points(),
                    c.points_status: error_html(t(lang, "briefing_nothing"))}
        if phrase and s.conversation.generative:
            b = phrase_briefing(b, s.conversation.answerer, phrase_messages(lang))
        md = briefing_markdown(b, briefing_labels(lang))
        md_path, docx_path = self._points_files(md, lang, s.owner)
        return {c.points_view: gr.update(value=briefing_html(b, lang), visible=True),
                c.points_text: gr.update(value=md, visible=True),
                c.points_file: gr.update(value=str(md_path), visible=True),
                c.points_docx: gr.update(value=str(docx_path), visible=True),
                c.points_status: ""}

    def _points_files(self, md: str, lang: str, owner: str | None = None) -> tuple[Path, Path]:
        folder = self._folder()
        # a random part: the name alone tells whose file it is (fileaccess.OwnedFiles)
        stamp = time.strftime("%Y%m%d-%H%M%S") + "-" + secrets.token_hex(3)
        md_path = folder / f"talking-points-{stamp}.md"
        md_path.write_text(md, encoding="utf-8")
        docx_path = markdown_docx(md, folder / f"talking-points-{stamp}.docx", lang)
        for f in (md_path, docx_path):
            self.owned.register(f, owner)   # served to this login only
        return md_path, docx_path

    def edited_points(self, md: str, state):
        """The talking points were edited in the page: the downloads follow the edit."""
        s = self.ui.session(state)
        if not (md or "").strip():
            return gr.skip(), gr.skip()
        md_path, docx_path = self._points_files(md if md.endswith("\n") else md + "\n", s.lang,
                                                s.owner)
        return gr.DownloadButton(value=str(md_path)), gr.DownloadButton(value=str(docx_path))
