"""Conversations that last: the SQLite store, and `assistant serve` in Chromium (a
conversation survives a server restart with its sources; two logins do not see each
other's conversations; the talking points of ticked answers)."""
from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import ask_in_browser as _ask, free_port

from assistant.apps.ui import parse_logins
from assistant.records import Citation, Turn
from assistant.service.conversations import (SCHEMA_VERSION, ConversationStore, StoreError,
                                             turn_from_dict)

ROOT = Path(__file__).resolve().parent.parent
# Screenshots go to the test's tmp folder; ASSISTANT_SCREENSHOTS=docs (a folder) writes the README's
# copies there instead, so a test run never changes tracked files.
SHOTS = os.environ.get("ASSISTANT_SCREENSHOTS")


def _turn(q: str, n: int = 1) -> Turn:
    c = Citation(n=1, article_id="a1", heading="标题 <b>", source="p.txt", passage="有职工367人。",
                 start=3, end=11, date="2024-10-01", supported=n % 2 == 1)
    meta = Citation(n=2, article_id="a1", heading="标题", source="p.txt", passage="记者 张三",
                    start=0, end=5, field="byline")
    return Turn(q, f"367人[1]：有职工367人。[1] 记者 张三[2]", True, [c, meta],
                notice="note", verification={"sentences": []},
                short_answer={"text": "367人", "n": 1}, standalone_question=q + "？")


# --- the store ------------------------------------------------------------------------------
def test_store_round_trip_owners_and_settings(tmp_path):
    path = tmp_path / "conversations.sqlite3"
    store = ConversationStore(path)
    cid = store.create("user:ann", "乐业物业有多少名职工？")
    turns = [_turn("乐业物业有多少名职工？", 1), _turn("保洁呢", 2),
             Turn("没有的事", "文章中没有找到。", False)]
    for k, t in enumerate(turns):
        assert store.add_turn("user:ann", cid, k, t)
    assert not store.add_turn("user:bob", cid, 3, turns[0])       # not bob's
    assert not store.add_turn("user:ann", cid, 2, turns[0])       # turn 2 is taken
    store.close()

    store = ConversationStore(path)                                # as after a restart
    saved = store.load("user:ann", cid)
    assert [t.to_dict() for t in saved.turns] == [t.to_dict() for t in turns]
    assert turn_from_dict(turns[0].to_dict()).to_dict() == turns[0].to_dict()
    assert store.load("user:bob", cid) is None
    assert [c.id for c in store.list("user:ann")] == [cid] and store.list("user:bob") == []
    assert store.list("user:ann")[0].count == 3
    assert not store.rename("user:bob", cid, "mine") and not store.delete("user:bob", cid)
    with pytest.raises(ValueError, match="empty"):
        store.rename("user:ann", cid, "   ")
    assert store.rename("user:ann", cid, "  物业 \n 工会 ")
    assert store.load("user:ann", cid).title == "物业 工会"
    # conversation-level settings: merged, other keys kept
    assert store.update_settings("user:ann", cid, {"filter": {"source": ["人民日报"]}})
    assert store.update_settings("user:ann", cid, {"other": 1})
    assert store.load("user:ann", cid).settings == {"filter": {"source": ["人民日报"]}, "other": 1}
    assert not store.update_settings("user:bob", cid, {"x": 1})
    exported = store.load("user:ann", cid).to_dict()
    assert json.loads(json.dumps(exported))["turns"][1]["question"] == "保洁呢"
    assert store.secret() == store.secret()
    assert store.delete("user:ann", cid) and store.load("user:ann", cid) is None
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("SELECT COUNT(*) FROM citations").fetchone()[0] == 0
    db.close()


def test_store_refuses_a_newer_schema_and_a_non_database(tmp_path):
    path = tmp_path / "c.sqlite3"
    ConversationStore(path).close()
    db = sqlite3.connect(path)
    db.execute("UPDATE meta SET value=? WHERE key='schema_version'", (str(SCHEMA_VERSION + 1),))
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="newer version"):
        ConversationStore(path)
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"not a database at all" * 100)
    with pytest.raises(StoreError, match="cannot be used"):
        ConversationStore(bad)


def test_event_values_are_read_the_public_way():
    """What static/ui.js sends with `trigger('pick', {id})` reaches the handlers through
    gradio's EventData attributes (not its private `_data`); a missing value is None."""
    import gradio as gr

    from assistant.apps.ui.workspace import event_value

    evt = gr.EventData(None, {"id": "c1", "turn": 0})
    assert event_value(evt, "id") == "c1" and event_value(evt, "turn") == 0
    assert event_value(evt, "n") is None and event_value(gr.EventData(None, None), "id") is None


def test_several_logins():
    assert parse_logins(None) is None
    assert parse_logins(["ann:pw1", "bob:p:w2"]) == [("ann", "pw1"), ("bob", "p:w2")]
    assert parse_logins("ann:pw1\nbob:pw2\n") == [("ann", "pw1"), ("bob", "pw2")]
    assert parse_logins("ann:se:cret") == [("ann", "se:cret")]
    with pytest.raises(ValueError, match="twice"):
        parse_logins(["ann:a", "ann:b"])
    with pytest.raises(ValueError, match="USER:PASS"):
        parse_logins(["ann:a", "bob"])


# --- `assistant serve` in Chromium -------------------------------------------------------------



class Server:
    """`assistant serve` as a real process on a fixed port (the browser's storage is
    per origin, so a restart must come back on the same one)."""

    def __init__(self, index_dir: Path, log: Path, extra: list[str] = ()):
        self.index_dir, self.log_path, self.extra = index_dir, log, list(extra)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.proc = None

    def start(self) -> float:
        env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False"}
        env.pop("ASSISTANT_AUTH", None)
        self.log = open(self.log_path, "a+", encoding="utf-8")
        t0 = time.time()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "assistant", "serve", "--index-dir", str(self.index_dir),
             "--port", str(self.port), *self.extra],
            cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT, env=env)
        while True:
            if self.proc.poll() is not None:
                self.log.seek(0)
                pytest.fail(f"assistant serve exited with {self.proc.returncode}:\n"
                            f"{self.log.read()}")
            try:
                with urllib.request.urlopen(self.url, timeout=2) as r:
                    if r.status == 200:
                        return time.time() - t0
            except (OSError, urllib.error.HTTPError):
                pass
            if time.time() - t0 > 120:
                self.stop()
                pytest.fail("assistant serve did not answer within 120s")
            time.sleep(0.25)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
        self.log.close()


def _index_copy(seed_index_dir, tmp_path_factory, name: str) -> Path:
    index_dir = tmp_path_factory.mktemp(name) / "index"
    shutil.copytree(seed_index_dir, index_dir,
                    ignore=shutil.ignore_patterns("conversations.sqlite3*"))
    return index_dir


@pytest.fixture(scope="module")
def server(chromium, seed_index_dir, tmp_path_factory):
    index_dir = _index_copy(seed_index_dir, tmp_path_factory, "conv")
    srv = Server(index_dir, index_dir.parent / "serve.log")
    print(f"\nassistant serve answered after {srv.start():.1f}s")
    yield srv
    srv.stop()


def _open(context, url: str):
    page = context.new_page()
    page.dialogs = []
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    page.goto(url, wait_until="domcontentloaded")
    page.locator("#question textarea").wait_for(timeout=60000)
    return page


def _saved(page, answers: int) -> None:
    """Wait until the side panel lists the open conversation with `answers` answers."""
    from playwright.sync_api import expect

    expect(page.locator("#conversation-list .conv-row.current .conv-meta")).to_contain_text(
        f"{answers} answer", timeout=30000)


def unescape(md: str) -> str:
    return re.sub(r"\\(.)", r"\1", md)


@pytest.mark.browser
def test_the_question_box_opens_once_the_saved_conversation_is_back(chromium, server):
    # A question typed before the page load reopened the saved conversation had its answer
    # replaced by the restored chat (seen on a loaded machine): the box is locked until then,
    # and then takes the keyboard.
    from playwright.sync_api import expect

    context = chromium.new_context()
    page = _open(context, server.url)
    box = page.locator("#question textarea")
    expect(box).to_be_editable()
    expect(box).to_be_focused()
    page.keyboard.type("乐业物业有多少名职工？")
    page.keyboard.press("Enter")
    expect(page.locator("#chat .answer.found")).to_have_count(1)
    expect(page.locator("#chat .answer.found")).to_contain_text("367")
    context.close()


@pytest.mark.browser
def test_talking_points_from_ticked_answers(chromium, server, tmp_path):
    from docx import Document
    from playwright.sync_api import expect

    from assistant.index.store import NewsIndex

    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    page = _open(context, server.url)
    questions = ["乐业物业有多少名职工？", "椒江设立了多少家企业分院？", "象山星光影视小镇工会联合会主席是谁？"]
    for i, q in enumerate(questions[:2], start=1):
        _ask(page, q, i)
    _saved(page, 2)
    points_tab = page.locator("#tab-points-button")
    points_tab.click()
    ticks = page.locator("#briefing-answers input[type=checkbox]")
    expect(ticks).to_have_count(2)
    ticks.nth(0).check()
    page.locator("#tab-chat-button").click()
    _ask(page, questions[2], 3)                     # a tick stays when an answer is added
    _saved(page, 3)
    points_tab.click()
    expect(ticks).to_have_count(3)
    expect(ticks.nth(0)).to_be_checked()
    ticks.nth(2).focus()
    page.keyboard.press("Space")                   # ticking works from the keyboard too
    expect(ticks.nth(2)).to_be_checked()
    page.locator("#talking-points").click()
    view = page.locator("#briefing")
    expect(view.locator("li.point").first).to_be_visible(timeout=30000)
    md = page.locator("#points-text textarea").input_value()

    from assistant.qa.briefing import headline

    articles = {headline(a): a for a in NewsIndex.load(server.index_dir).articles.values()}
    for q in questions:
        assert q not in md and q not in view.inner_text()
    bullets = [ln for ln in md.splitlines() if ln.startswith("- ")]
    assert len(bullets) >= 2
    assert any("367" in b for b in bullets) and any("石莹莹" in b for b in bullets)
    assert not any("企业分院" in b for b in bullets)     # the unticked answer
    notes = {}
    for m in re.finditer(r"^\[\^(\d+)\]: 《(.*?)》(.*?)：“(.*)”$", md, re.M):
        notes[int(m.group(1))] = (unescape(m.group(2)), unescape(m.group(4)))
    for b in bullets:
        refs = [int(n) for n in re.findall(r"\[\^(\d+)\]", b)]
        assert refs, b
        for n in refs:
            heading, passage = notes[n]
            assert passage in articles[heading].text     # the exact passage of that article
    groups = [ln[3:] for ln in md.splitlines() if ln.startswith("## ")]
    assert len(groups) == 3 and all(unescape(g) in articles for g in groups[:2])

    with page.expect_download() as dl:
        page.locator("#points-file").click()
    saved_md = tmp_path / dl.value.suggested_filename
    dl.value.save_as(saved_md)
    assert saved_md.suffix == ".md" and saved_md.read_text(encoding="utf-8") == md
    with page.expect_download() as dl:
        page.locator("#points-docx").click()
    saved_docx = tmp_path / dl.value.suggested_filename
    dl.value.save_as(saved_docx)
    assert saved_docx.suffix == ".docx"
    word = [re.sub(r"\[\d+\]", "", p.text) for p in Document(str(saved_docx)).paragraphs
            if p.style.name == "List Bullet"]
    assert word == [unescape(re.sub(r"\[\^\d+\]", "", b[2:])) for b in bullets]
    view.scroll_into_view_if_needed()
    shots = Path(SHOTS) if SHOTS else tmp_path
    shots.mkdir(parents=True, exist_ok=True)
    view.screenshot(path=str(shots / "briefing-en.png"))   # docs/briefing.png: test_ui_i18n
    assert page.dialogs == []
    context.close()


@pytest.mark.browser
def test_a_conversation_survives_a_server_restart(chromium, server, tmp_path):
    from playwright.sync_api import expect

    context = chromium.new_context(viewport={"width": 1400, "height": 950})
    page = _open(context, server.url)
    _ask(page, "长兴县财务经审知识技能竞赛共有多少名选手参加？", 1)
    _saved(page, 1)
    page.locator("#new-conversation").click()
    expect(page.locator("#chat .answer")).to_have_count(0)
    _ask(page, "东阳首家物业工会开展了什么协商？", 1)
    _ask(page, "协商会上职工方有多少人？", 2)          # a follow-up
    _saved(page, 2)
    expect(page.locator("#chat .answer").last).to_contain_text("11人")
    rows = page.locator("#conversation-list .conv-row")
    expect(rows).to_have_count(2)
    # rename it from the keyboard: type the title, Enter
    title = page.locator("#conversation-title input, #conversation-title textarea").first
    title.fill("物业 <b>协商</b>")
    title.press("Enter")
    expect(page.locator("#conversation-list .conv-row.current .conv-title")).to_have_text(
        "物业 <b>协商</b>")

    server.stop()
    print(f"\nrestarted in {server.start():.1f}s")
    t0 = time.time()
    page.reload(wait_until="domcontentloaded")
    page.wait_for_function("() => document.querySelectorAll('#chat .answer.found').length >= 2",
                           timeout=60000)
    print(f"conversation of 2 turns restored {time.time() - t0:.2f}s after reload")
    answers = page.locator("#chat .answer")
    expect(answers).to_have_count(2)
    expect(answers.last).to_contain_text("11人")
    sources = page.locator("#sources-panel")
    expect(sources).to_contain_text("answer 2 of 2")
    expect(sources.locator(".cite-source mark").last).to_contain_text("职工方11人")
    answers.first.locator("a.cite").last.click()        # an earlier answer's marker
    expect(sources).to_contain_text("answer 1 of 2")
    expect(page.locator("#reader-panel mark")).to_be_visible()
    expect(page.locator("#conversation-list .conv-row")).to_have_count(2)
    expect(page.locator("#conversation-list .conv-row.current .conv-title")).to_have_text(
        "物业 <b>协商</b>")
    # a follow-up after the restart still leans on the restored turns
    _ask(page, "职工方代表提出了什么建议？", 3)
    expect(answers.last).to_contain_text("免费体检")
    _saved(page, 3)

    # the other conversation opens from the list (Enter on its row)
    other = page.locator("#conversation-list .conv-row:not(.current) button")
    other.focus()
    page.keyboard.press("Enter")
    expect(answers).to_have_count(1)
    expect(answers.first).to_contain_text("42")
    shots = Path(SHOTS) if SHOTS else tmp_path
    shots.mkdir(parents=True, exist_ok=True)
    page.evaluate("() => window.scrollTo(0, 0)")
    page.screenshot(path=str(shots / "conversations.png"))

    # export, then delete it
    with page.expect_download() as dl:
        page.locator("#export-json").click()
    path = tmp_path / dl.value.suggested_filename
    dl.value.save_as(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert [t["question"] for t in data["turns"]] == ["长兴县财务经审知识技能竞赛共有多少名选手参加？"]
    assert data["turns"][0]["citations"][0]["passage"]
    with page.expect_download() as dl:
        page.locator("#export-md").click()
    path = tmp_path / dl.value.suggested_filename
    dl.value.save_as(path)
    assert "长兴县财务经审知识技能竞赛" in path.read_text(encoding="utf-8")
    page.locator("#delete-conversation").click()      # asks first
    expect(page.locator("#confirm-text")).to_contain_text("长兴县财务经审知识技能竞赛")
    expect(page.locator("#conversation-list .conv-row")).to_have_count(2)
    page.locator("#confirm-yes").click()
    expect(page.locator("#conversation-status")).to_contain_text("Deleted")
    expect(page.locator("#delete-conversation")).to_be_hidden()   # nothing open to delete
    expect(page.locator("#conversation-list .conv-row")).to_have_count(1)
    expect(page.locator("#chat .answer")).to_have_count(0)
    assert page.dialogs == []
    context.close()


@pytest.mark.browser
def test_two_logins_do_not_see_each_others_conversations(chromium, seed_index_dir,
                                                          tmp_path_factory):
    from playwright.sync_api import expect

    index_dir = _index_copy(seed_index_dir, tmp_path_factory, "auth")
    srv = Server(index_dir, index_dir.parent / "serve.log",
                 ["--auth", "ann:pw-ann", "--auth", "bob:pw-bob"])
    srv.start()
    try:
        pages = {}
        for user in ("ann", "bob"):
            context = chromium.new_context(viewport={"width": 1400, "height": 950})
            r = context.request.post(srv.url + "login",
                                     form={"username": user, "password": f"pw-{user}"})
            assert r.ok, r.status
            pages[user] = _open(context, srv.url)
        _ask(pages["ann"], "乐业物业有多少名职工？", 1)
        _saved(pages["ann"], 1)
        _ask(pages["bob"], "椒江设立了多少家企业分院？", 1)
        _saved(pages["bob"], 1)
        # ann's exports, fetched by their links: her login gets them, bob's does not
        # (issue 19: Gradio's file route served them to any login given the link)
        readable = 0
        for button in ("#export-md", "#export-json"):
            with pages["ann"].expect_download() as dl:
                pages["ann"].locator(button).click()
            link = dl.value.url
            own = pages["ann"].context.request.get(link)
            assert own.status == 200 and "乐业物业" in own.text(), (link, own.status)
            other = pages["bob"].context.request.get(link)
            readable += other.status == 200 or "乐业物业" in other.text()
            anonymous = pages["bob"].context.request.get(link.replace("file=", "file=./"))
            readable += anonymous.status == 200 and "乐业物业" in anonymous.text()
        print(f"exports readable from another login: {readable} of 2")
        assert readable == 0
        for user, other_q in (("ann", "椒江设立了多少家企业分院"), ("bob", "乐业物业有多少名职工")):
            pg = pages[user]
            pg.reload(wait_until="domcontentloaded")
            pg.wait_for_function("() => document.querySelectorAll('#chat .answer').length >= 1",
                                 timeout=60000)
            listed = pg.locator("#conversation-list .conv-row")
            expect(listed).to_have_count(1)
            assert other_q not in pg.locator("#conversation-list").inner_text()
            assert other_q not in pg.locator("#chat").inner_text()
        # the same browser, another login: ann's conversation is not opened for bob
        shared = pages["ann"].context
        shared.clear_cookies()
        r = shared.request.post(srv.url + "login", form={"username": "bob", "password": "pw-bob"})
        assert r.ok
        pg = pages["ann"]
        pg.reload(wait_until="domcontentloaded")
        pg.locator("#question textarea").wait_for(timeout=60000)
        expect(pg.locator("#conversation-list .conv-row")).to_have_count(1)
        expect(pg.locator("#conversation-list")).to_contain_text("椒江")
        expect(pg.locator("#chat")).not_to_contain_text("乐业物业有多少名职工")
        for p in pages.values():
            p.context.close()
    finally:
        srv.stop()


def test_two_tabs_of_one_conversation_never_overwrite_each_other(seed_assistant, tmp_path):
    """Two sessions restored from one saved conversation both answer: the second to save
    goes on as a new saved conversation; no saved turn is replaced."""
    from assistant.apps.ui import ChatApp
    from assistant.apps.ui.workspace import Workspace

    ui = ChatApp(seed_assistant, upload_dir=tmp_path / "uploads")
    store = ConversationStore(tmp_path / "c.sqlite3")
    work = ui.work = Workspace(ui, store)
    work.bind(**{name: name for name in (
        "chatbot", "sources", "reader", "status", "state", "browser", "conv_list", "conv_title",
        "conv_status", "export_md", "export_json", "picker", "points_view", "points_text",
        "points_file", "points_docx")})
    browser = {"id": "tab-test"}
    first = work.restore(None, browser, None)
    s1, browser = first["state"], first["browser"]
    s1.add(s1.conversation.ask("乐业物业有多少名职工？"))
    browser = work.save(s1, browser, None)["browser"]
    cid = s1.saved_id
    owner = "browser:tab-test"
    # a second tab opens the same conversation, and both ask
    s2 = work.restore(None, browser, None)["state"]
    assert s2.saved_id == cid and len(s2.turns) == 1
    s1.add(s1.conversation.ask("椒江设立了多少家企业分院？"))
    s2.add(s2.conversation.ask("保洁人员有多少人？"))   # a follow-up on the restored turn
    assert "193" in s2.turns[-1].answer
    work.save(s1, browser, None)
    work.save(s2, browser, None)
    assert s1.saved_id == cid and s2.saved_id != cid
    assert [t.question for t in store.load(owner, cid).turns] == [
        "乐业物业有多少名职工？", "椒江设立了多少家企业分院？"]
    assert [t.question for t in store.load(owner, s2.saved_id).turns] == [
        "乐业物业有多少名职工？", "保洁人员有多少人？"]
    assert len(store.list(owner)) == 2
    assert store.list("browser:someone-else") == []


def test_an_unusable_conversation_file_is_reported_and_the_chat_still_works(
        seed_index_dir, tmp_path):
    from assistant.apps.ui import ChatApp
    from assistant.service.pipeline import Assistant

    index_dir = tmp_path / "index"
    # without the conversation files other tests' in-process apps left in the shared seed
    # index (a -wal file beside the garbage would still hold valid pages)
    shutil.copytree(seed_index_dir, index_dir,
                    ignore=shutil.ignore_patterns("conversations.sqlite3*"))
    (index_dir / "conversations.sqlite3").write_bytes(b"\x00garbage" * 500)
    ui = ChatApp(Assistant(index_dir))
    work = ui.work
    assert work.store is None and "conversations are not saved" in work.problem
    work.bind(**{name: name for name in (
        "chatbot", "sources", "reader", "status", "state", "browser", "conv_list", "conv_title",
        "conv_status", "export_md", "export_json", "picker", "points_view", "points_text",
        "points_file", "points_docx")})
    out = work.restore(None, {}, None)
    assert "conversations are not saved" in out["conv_status"]
    s = out["state"]
    s.add(s.conversation.ask("乐业物业有多少名职工？"))
    saved = work.save(s, out["browser"], None)
    assert s.saved_id is None and "not saved" in saved["conv_status"]
    assert (index_dir / "conversations.sqlite3").read_bytes().startswith(b"\x00garbage")
