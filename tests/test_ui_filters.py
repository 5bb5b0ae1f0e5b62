"""The chat's source filter and the sources panel's article metadata, in real Chromium
against `assistant serve` over a small index of two papers reporting the same contest."""
from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ask_in_browser as _ask, free_port, index_records, serving

from assistant.apps.ui import sources_html
from assistant.records import Article, Citation, Turn

ROOT = Path(__file__).resolve().parent.parent

RECORDS = [
    {"title": "嘉兴市总工会举办快递员技能竞赛",
     "content": "嘉兴市总工会日前举办全市快递员职业技能竞赛，共有860名快递员报名参加。"
                "竞赛设理论和实操两个环节。",
     "newspaper": "工人日报", "date": "2024-03-05", "url": "https://example.org/a1",
     "author": "张明"},
    {"title": "嘉兴快递员技能竞赛落幕",
     "content": "嘉兴市总工会主办的快递员职业技能竞赛近日落幕，共有1200名快递员报名参加。"
                "获奖选手将获评嘉兴市技术能手。",
     "newspaper": "劳动午报", "date": "2024-09-12", "url": "https://example.org/a2",
     "author": "李华"},
    {"title": "衢州举办职工围棋大赛",
     "content": "衢州市总工会举办全国职工围棋大赛，报名参加的职工已超200人。",
     "newspaper": "<b>晚报</b>"},
]
QUESTION = "嘉兴快递员技能竞赛有多少人报名？"


def test_sources_panel_lists_the_article_metadata():
    art = Article(id="a", headings=["标题<i>"], paragraphs=["共有860名快递员报名参加。"],
                  source="news.jsonl", date="2024-03-05", url="https://example.org/a?x=1&y=<2>",
                  authors=["张明", "<b>王</b>"], newspaper="工人日报", page="第03版：要闻",
                  photographers=["刘佳良"])
    c = Citation(1, "a", art.heading, art.source, "860名", 2, 6, date=art.date)
    out = sources_html(Turn("q", "860名[1]", True, [c]), 0, 1, {"a": art})
    for shown in ("2024-03-05", "工人日报", "第03版：要闻", "张明", "刘佳良", "news.jsonl"):
        assert shown in out
    assert "<b>" not in out and "&lt;b&gt;王&lt;/b&gt;" in out
    assert 'href="https://example.org/a?x=1&amp;y=&lt;2&gt;"' not in out   # not a clean URL
    c2 = Citation(1, "a", art.heading, art.source, "860名", 2, 6, url="https://example.org/a1")
    assert 'href="https://example.org/a1"' in sources_html(Turn("q", "860名[1]", True, [c2]), 0)
    c3 = Citation(1, "a", "h", "s", "860名", 2, 6, url="javascript:alert(1)")
    assert "href=\"javascript" not in sources_html(Turn("q", "860名[1]", True, [c3]), 0)




@pytest.fixture(scope="module")
def served(chromium, tmp_path_factory):
    work = tmp_path_factory.mktemp("serve-filters")
    index_dir, articles = index_records(work, RECORDS)
    with serving(index_dir, free_port(), work / "serve.log") as url:
        yield {"url": url, "ids": {a.newspaper: a.id for a in articles}}


@pytest.fixture
def page(chromium, served):
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    pg.dialogs = []
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    pg.goto(served["url"], wait_until="domcontentloaded")
    pg.locator("#question textarea").wait_for(timeout=60000)
    yield pg
    context.close()


def _choose(page, elem_id: str, text: str) -> None:
    """Pick an option of a multiselect dropdown with the keyboard: type, Enter."""
    box = page.locator(f"#{elem_id} input")
    box.click()
    box.press_sequentially(text)
    option = page.locator(f"#{elem_id} li[role=option]", has_text=text).first
    option.wait_for(timeout=10000)
    assert option.get_attribute("id") == box.get_attribute("aria-activedescendant")
    box.press("Enter")
    box.press("Escape")


@pytest.mark.browser
def test_browser_filter_by_newspaper_dates_and_chosen_articles(page, served, tmp_path):
    from playwright.sync_api import expect

    sources = page.locator("#sources-panel")
    line = page.locator("#active-filter")
    _ask(page, QUESTION, 1)
    first_paper = "工人日报" if "860" in page.locator("#chat .answer").last.inner_text() \
        else "劳动午报"
    other = "劳动午报" if first_paper == "工人日报" else "工人日报"
    other_number = "1200" if other == "劳动午报" else "860"
    rec = next(r for r in RECORDS if r["newspaper"] == first_paper)
    # the sources panel shows the article's metadata
    for shown in (rec["newspaper"], rec["author"], rec["url"]):
        expect(sources).to_contain_text(shown)
    expect(sources.locator("a.meta-url").first).to_have_attribute("href", rec["url"])
    expect(line).not_to_contain_text("Answering only from")

    # the newspaper filter: the other paper answers
    page.locator("#filter-panel").get_by_text("Choose sources").click()
    _choose(page, "filter-source", other)
    expect(line).to_contain_text(f"source: {other}")
    _ask(page, QUESTION, 2)
    expect(page.locator("#chat .answer").last).to_contain_text(other_number)
    expect(sources).to_contain_text(other)
    expect(sources).not_to_contain_text(first_paper)
    page.screenshot(path=str(tmp_path / "filter-newspaper.png"))

    # cleared with the keyboard
    page.locator("#clear-filter").focus()
    page.keyboard.press("Enter")
    expect(line).not_to_contain_text("Answering only from")
    expect(page.locator("#clear-filter")).to_be_hidden()

    # dates: a malformed one is named, a good one applied; a markup source shows as text
    since = page.locator("#filter-since input, #filter-since textarea").first
    since.fill("2024-13-01")
    since.press("Enter")
    expect(page.locator("#status .ui-error")).to_contain_text("2024-13-01")
    day = next(r["date"] for r in RECORDS if r["newspaper"] == other)
    since.fill(day)
    since.press("Enter")
    until = page.locator("#filter-until input, #filter-until textarea").first
    until.fill(day)
    until.press("Enter")
    expect(line).to_contain_text(f"dates: {day} – {day}")
    _ask(page, QUESTION, 3)
    expect(page.locator("#chat .answer").last).to_contain_text(other_number)
    _choose(page, "filter-source", "晚报")
    expect(line).to_contain_text("<b>晚报</b>")       # the name as text, not markup
    _ask(page, QUESTION, 4)
    expect(page.locator("#chat .answer").last).to_have_class("answer notfound")
    page.locator("#clear-filter").click()

    # articles ticked beside the chat; the line says how many articles the filter leaves
    title = next(r["title"] for r in RECORDS if r["newspaper"] == other)
    _choose(page, "filter-articles", title)
    expect(line).to_contain_text("1 chosen article")
    expect(line).to_contain_text("articles in the chosen range: 1")
    expect(line).to_contain_text(title)
    _ask(page, QUESTION, 5)
    expect(page.locator("#chat .answer").last).to_contain_text(other_number)
    page.screenshot(path=str(tmp_path / "filter-articles.png"))

    # the filter is part of the saved conversation: a reload brings it back
    page.reload(wait_until="domcontentloaded")
    page.locator("#question textarea").wait_for(timeout=60000)
    expect(line).to_contain_text("1 chosen article", timeout=30000)
    expect(page.locator("#chat .answer")).to_have_count(5)
    _ask(page, QUESTION, 6)
    expect(page.locator("#chat .answer").last).to_contain_text(other_number)
    assert page.dialogs == []
