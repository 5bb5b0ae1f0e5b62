"""Talking points: statements from the ticked answers, footnotes that slice exactly, the
same bullets in Markdown and Word, and LLM phrasing checked by the verifier (against a
real OpenAI-compatible HTTP server on 127.0.0.1, the one of test_llm)."""
from __future__ import annotations

import re

import pytest

from assistant.qa.briefing import (UNSUPPORTED_MARK, briefing_markdown, build_briefing,
                                          informativeness, near_duplicates, phrase_briefing,
                                          write_docx)
from assistant.apps.ui.workspace import briefing_html
from assistant.records import Article, Citation, Turn

# [^n]: 《标题》·报纸或文件·日期·版次：“passage”
FOOTNOTE = re.compile(r"^\[\^(\d+)\]: 《(.*?)》(.*?)：“(.*)”$")


def unescape(md: str) -> str:
    return re.sub(r"\\(.)", r"\1", md)


def parse(md: str) -> tuple[list[tuple[str, list[int]]], dict[int, dict]]:
    """(bullets as (text, footnote numbers), footnotes by number) of a briefing."""
    bullets, notes = [], {}
    for line in md.splitlines():
        if line.startswith("- "):
            refs = [int(n) for n in re.findall(r"\[\^(\d+)\]", line)]
            bullets.append((unescape(re.sub(r"\[\^\d+\]", "", line[2:])), refs))
        m = FOOTNOTE.match(line)
        if m:
            notes[int(m.group(1))] = {"heading": unescape(m.group(2)),
                                      "where": unescape(m.group(3)),
                                      "passage": unescape(m.group(4))}
    return bullets, notes


def docx_bullets(path) -> list[str]:
    from docx import Document

    return [re.sub(r"\[\d+\]", "", p.text) for p in Document(str(path)).paragraphs
            if p.style.name == "List Bullet"]


def _cite(article: Article, passage: str, n: int) -> Citation:
    start = article.text.index(passage)
    return Citation(n=n, article_id=article.id, heading=article.heading, source=article.source,
                    passage=passage, start=start, end=start + len(passage), date=article.date)


A = Article(id="a", headings=["东阳首家物业工会“薪”协商取得实效"], source="p1.txt",
            date="2024-10-01",
            paragraphs=["乐业物业是东阳市一家物业公司。该公司有职工367人，其中保洁193人。",
                        "协商会上，职工方11人参加，企业方5人参加。"])
B = Article(id="b", headings=["转载：物业工会"], source="p2.txt",
            paragraphs=["据报道，该公司有职工367人，其中保洁193人。", "这是另一件事 <b>*要闻*</b>。"])


def test_statements_merge_duplicates_group_by_article_and_slice_exactly(tmp_path):
    t1 = Turn("乐业物业有多少名职工？", "367人[1]：该公司有职工367人，其中保洁193人。[2]", True,
              [_cite(A, "367人", 1), _cite(A, "该公司有职工367人，其中保洁193人。", 2)],
              short_answer={"text": "367人", "n": 1})
    t2 = Turn("协商会上职工方有多少人？", "协商会上，职工方11人参加，企业方5人参加。[1]", True,
              [_cite(A, "协商会上，职工方11人参加，企业方5人参加。", 1)])
    t3 = Turn("转载里说了什么？", "据报道，该公司有职工367人，其中保洁193人。[1]这是另一件事 "
              "<b>*要闻*</b>。[2]", True,
              [_cite(B, "据报道，该公司有职工367人，其中保洁193人。", 1),
               _cite(B, "这是另一件事 <b>*要闻*</b>。", 2)])
    nothing = Turn("没有的事？", "The articles contain nothing on this question.", False)
    b = build_briefing([t1, nothing, t2, t3], {"a": A, "b": B})
    md = briefing_markdown(b)
    bullets, notes = parse(md)
    # one fact per bullet; the same sentence (cited twice, and reprinted in B) once; its
    # 该公司 is the company the article named in the sentence before
    assert sorted(text for text, _ in bullets[:2]) == [
        "乐业物业有职工367人，其中保洁193人。", "协商会上，职工方11人参加，企业方5人参加。"]
    assert bullets[2][0] == "这是另一件事 <b>*要闻*</b>。"
    first = b.groups[0].points      # the most informative first
    assert [informativeness(p.text) for p in first] == \
        sorted((informativeness(p.text) for p in first), reverse=True)
    refs = dict(bullets)["乐业物业有职工367人，其中保洁193人。"]   # both printings are footnoted
    assert len(refs) == 2 and all("367" in b.note(n).passage for n in refs)
    assert [g.title for g in b.groups] == [A.title, B.title]
    assert md.count("\n## ") == 3       # two articles, then the sources
    for q in (t1.question, t2.question, t3.question, nothing.question):
        assert q not in md
    arts = {A.title: A, B.title: B}
    for _, refs in bullets:
        assert refs
        for n in refs:
            note, kept = notes[n], b.note(n)
            assert arts[note["heading"]].text[kept.start:kept.end] == note["passage"] \
                == kept.passage
            assert note["where"].startswith(("·p1.txt·2024-10-01", "·p2.txt"))
    # markup in article text is escaped in Markdown and HTML
    assert r"\<b\>\*要闻\*\</b\>" in md
    html = briefing_html(b)
    assert "<b>" not in html and "&lt;b&gt;*要闻*&lt;/b&gt;" in html
    path = write_docx(b, tmp_path / "points.docx")
    assert docx_bullets(path) == [text for text, _ in bullets]


def test_a_long_sentence_is_trimmed_to_the_clause_holding_the_short_answer():
    quote = ("“‘象漂’群体存在流动性大、社会服务管理难、归属感较低等问题，因此我们成立了"
             "象山星光影视小镇工会联合会，实现良性互动。”象山星光影视小镇工会联合会主席石莹莹介绍。")
    art = Article(id="x", headings=["象漂"], paragraphs=[quote], source="s.txt")
    t = Turn("主席是谁？", f"石莹莹[1]：{quote}[2]", True,
             [_cite(art, "石莹莹", 1), _cite(art, quote, 2)],
             short_answer={"text": "石莹莹", "n": 1})
    b = build_briefing([t], {"x": art})
    assert [p.quote for p in b.points] == ["象山星光影视小镇工会联合会主席石莹莹介绍。"]
    note = b.notes[0]
    assert art.text[note.start:note.end] == note.passage == b.points[0].quote


def test_changed_articles_are_left_out_and_counted():
    t = Turn("q", "该公司有职工367人，其中保洁193人。[1]", True,
             [_cite(A, "该公司有职工367人，其中保洁193人。", 1)])
    changed = Article(id="a", headings=A.headings, paragraphs=["全新的文字。"], source="p1.txt")
    b = build_briefing([t], {"a": changed})
    assert b.points == [] and b.left_out == 1


def test_near_duplicates():
    assert near_duplicates("该公司有职工367人，其中保洁193人。", "据报道，该公司有职工367人,其中保洁193人")
    assert not near_duplicates("该公司有职工367人。", "协商会上，职工方11人参加。")


# --- with an LLM ----------------------------------------------------------------------------
from test_llm import base_url, config, script, server  # noqa: E402,F401 - the fake LLM server


@pytest.fixture(scope="module")
def seed_turns(seed_index_dir):
    from assistant.qa.conversation import Conversation
    from assistant.qa.extractive import ExtractiveAnswerer
    from assistant.index.store import NewsIndex

    index = NewsIndex.load(seed_index_dir)
    extractive = ExtractiveAnswerer(index)
    conv = Conversation(extractive)
    turns = [conv.ask("乐业物业有多少名职工？"), conv.ask("椒江设立了多少家企业分院？")]
    assert all(t.found for t in turns)
    return extractive, turns


def test_llm_phrasing_is_verified_and_unsupported_points_are_marked(seed_turns, script,
                                                                    base_url):
    from assistant.qa.generative import LLMAnswerer

    extractive, turns = seed_turns
    b = build_briefing(turns, extractive.index.articles)
    assert len(b.points) == 2
    script.reply = lambda body: {"content": "P1: 乐业物业共有职工367人，其中保洁193人。\n"
                                            "P2: 椒江区的企业分院成立于1990年。"}
    phrase_briefing(b, LLMAnswerer(extractive, config(base_url)))
    assert len(script.requests) == 1
    user = script.requests[0]["messages"][1]["content"]
    assert "乐业物业有多少名职工" not in user          # the questions are not sent
    first, second = b.points
    assert first.phrased and first.supported and "367" in first.text
    assert second.phrased and not second.supported  # 1990 is in no cited passage
    md = briefing_markdown(b)
    bullets, notes = parse(md)
    assert not bullets[0][0].startswith(UNSUPPORTED_MARK)
    assert bullets[1][0].startswith(UNSUPPORTED_MARK)
    assert "not supported" in b.notice
    for _, refs in bullets:
        for n in refs:
            note = b.note(n)
            assert extractive.index.articles[note.article_id].text[note.start:note.end] \
                == notes[n]["passage"] == note.passage


def test_llm_failure_keeps_the_quotes(seed_turns, script, base_url):
    from assistant.qa.generative import LLMAnswerer

    extractive, turns = seed_turns
    b = build_briefing(turns, extractive.index.articles)
    lines = [p.text for p in b.points]
    script.reply = lambda body: {"status": 500}
    phrase_briefing(b, LLMAnswerer(extractive, config(base_url)))
    assert [p.text for p in b.points] == lines and all(p.supported for p in b.points)
    assert "could not phrase" in b.notice


# --- in Chromium, with an LLM configured ------------------------------------------------------


@pytest.mark.browser
def test_browser_llm_phrased_points_are_marked_when_unsupported(chromium, seed_index_dir,
                                                                 tmp_path, script, base_url):
    import shutil

    from playwright.sync_api import expect

    from assistant.qa.briefing import PHRASE_SYSTEM
    from assistant.apps.ui import build_app
    from assistant.service.pipeline import Assistant
    from test_llm import source_with
    from test_ui import free_port

    def reply(body):
        system, user = body["messages"][0]["content"], body["messages"][-1]["content"]
        if system == PHRASE_SYSTEM:
            return {"content": "P1: 乐业物业共有职工367人，其中保洁193人。\n"
                               "P2: 椒江的企业分院成立于1990年。"}
        if "<sources>" not in user:             # a follow-up being made standalone
            return {"content": "椒江设立了多少家企业分院？"}
        if "企业分院" in user.split("<sources>")[0]:
            return {"content": f"椒江设立了10家企业分院。[{source_with(body, '10家企业分院')}]"}
        return {"content": f"该公司有职工367人。[{source_with(body, '367人')}]"}

    script.reply = reply
    index_dir = tmp_path / "index"
    shutil.copytree(seed_index_dir, index_dir)
    app = build_app(Assistant(index_dir, llm=config(base_url)))
    port = free_port()
    app.launch(prevent_thread_lock=True, server_name="127.0.0.1", server_port=port, quiet=True)
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        page.goto(f"http://127.0.0.1:{port}/")
        box = page.locator("#question textarea")
        for i, q in enumerate(["乐业物业有多少名职工？", "椒江设立了多少家企业分院？"], start=1):
            box.fill(q)
            box.press("Enter")
            page.wait_for_function("n => document.querySelectorAll('#chat .answer.found')"
                                   ".length >= n", arg=i, timeout=90000)
        page.locator("#tab-points-button").click()
        ticks = page.locator("#briefing-answers input[type=checkbox]")
        expect(ticks).to_have_count(2)
        ticks.nth(0).check()
        ticks.nth(1).check()
        page.locator("#briefing-phrase input[type=checkbox]").check()
        page.locator("#talking-points").click()
        points = page.locator("#briefing li.point")
        expect(points).to_have_count(2, timeout=30000)
        expect(points.nth(0)).to_contain_text("乐业物业共有职工367人")
        expect(points.nth(0)).not_to_have_class(re.compile("unsupported"))
        expect(points.nth(1)).to_have_class(re.compile("unsupported-point"))
        expect(points.nth(1)).to_contain_text(UNSUPPORTED_MARK)
        expect(page.locator("#briefing .notice")).to_contain_text("not supported")
        md = page.locator("#points-text textarea").input_value()
        assert "乐业物业有多少名职工" not in md
        bullets, notes = parse(md)
        assert bullets[1][0].startswith(UNSUPPORTED_MARK) and all(refs for _, refs in bullets)
        from assistant.qa.briefing import headline

        index = Assistant(index_dir).index
        titles = {headline(a): a for a in index.articles.values()}
        for n, note in notes.items():
            assert note["passage"] in titles[note["heading"]].text
    finally:
        context.close()
        app.close()
