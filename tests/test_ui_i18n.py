"""The chat UI in Simplified Chinese, Traditional Chinese and English, on a desktop and
on a phone; chips with their passage; talking points a speaker can read out; delete that
asks first; axe-core (npm) with no serious or critical violation on any tab.

The browser tests run `assistant serve` over the seed page indexed with
`--newspaper 浙江工人日报` (the seed file names no newspaper).
"""
from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import pytest
from conftest import ask_in_browser as _ask, free_port, serving

from assistant.qa.briefing import MAX_POINT_CHARS, build_briefing, headline
from assistant.apps.ui.i18n import LANGUAGES, catalogue, pick_language

ROOT = Path(__file__).resolve().parent.parent
PAPER = "浙江工人日报"
# axe-core from npm, installed by `make install-test` into the venv
AXE = Path(sys.prefix) / "npm" / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = os.environ.get("ASSISTANT_SCREENSHOTS")   # e.g. docs: the README's screenshots
QUESTIONS = ["乐业物业有多少名职工？", "椒江设立了多少家企业分院？", "象山星光影视小镇工会联合会主席是谁？"]
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_CJK = re.compile(r"[\u4e00-\u9fff]")


# --- catalogues and language choice, no browser -------------------------------------------
def test_every_language_has_every_text():
    en = catalogue("en")
    for lang in LANGUAGES:
        cat = catalogue(lang)
        assert set(cat) == set(en), (lang, set(en) ^ set(cat))
        for key, text in cat.items():
            assert set(_PLACEHOLDER.findall(text)) == set(_PLACEHOLDER.findall(en[key])), key
            if lang != "en":
                assert _CJK.search(text), (lang, key, text)   # said in Chinese


def test_the_browser_language_picks_the_interface_language():
    assert pick_language("zh-CN,zh;q=0.9,en;q=0.8") == "zh-CN"
    assert pick_language("zh") == "zh-CN"
    assert pick_language("zh-TW") == pick_language("zh-HK,en;q=0.5") == "zh-TW"
    assert pick_language("zh-Hant-MO") == "zh-TW"
    assert pick_language("en-US,en;q=0.9,zh-CN;q=0.8") == "en"
    assert pick_language("fr-FR") == pick_language("") == pick_language(None) == "en"
    assert pick_language("en;q=0.3, zh-TW;q=0.9") == "zh-TW"


def test_the_reading_of_a_follow_up_and_a_filtered_miss_are_shown():
    from assistant.apps.ui.rendering import answer_html
    from assistant.records import Turn

    read = Turn("那劳模工匠创新工作室呢？", "文章中有答案。", True,
                standalone_question="椒江区总工会依托多少家劳模工匠创新工作室？")
    html = answer_html(read, 0, "zh-CN")
    assert '<div class="reading">理解为：椒江区总工会依托多少家劳模工匠创新工作室？</div>' in html
    assert "Read as: " in answer_html(read, 0, "en")
    same = Turn("乐业物业有多少名职工？", "x", True, standalone_question="乐业物业有多少名职工？")
    assert "reading" not in answer_html(same, 0, "zh-CN")     # read as asked: nothing to show
    miss = Turn("杭州的活动？", "文章中没有找到与这个问题相关的内容。", False)
    assert "在所选的来源中没有找到" in answer_html(miss, 0, "zh-CN", filtered=True)
    assert "在所选的来源中" not in answer_html(miss, 0, "zh-CN")


def _seed_articles():
    from assistant.ingest.readers import load_paths

    articles, errors = load_paths([str(ROOT / "seeds")])
    assert articles and not errors
    return {a.id: a for a in articles}


def test_talking_points_of_the_seed_page_can_be_read_out(seed_assistant):
    conv = seed_assistant.conversation()
    turns = [conv.ask(q) for q in QUESTIONS]
    assert all(t.found for t in turns)
    articles = seed_assistant.index.articles
    b = build_briefing(turns, articles, per_article=4)
    assert b.points
    headlines = {headline(a) for a in articles.values()}
    for g in b.groups:
        assert g.title in headlines and 1 <= len(g.points) <= 4
    for p in b.points:
        assert len(p.text) <= MAX_POINT_CHARS, p.text
        assert not p.text.startswith(("该", "他们", "据了解", "同时", "此外")), p.text
        assert p.text.count("“") == p.text.count("”"), p.text
    # the kicker of the first article is not its heading
    kicker = next(a for a in articles.values() if "让工匠有尊严得礼遇" in a.headings)
    assert headline(kicker) == "让工匠有尊严得礼遇" != kicker.title


def test_newspaper_and_date_for_files_that_carry_none(tmp_path):
    """`assistant index --newspaper --date` for the files given; the newspaper and date
    given with a UI upload for its copies, also when the uploads folder is re-read."""
    import subprocess

    from assistant.service.pipeline import (load_with_stages, metadata_filler, remember_upload_metadata,
                                    uploads_dir)

    index_dir = tmp_path / "index"
    uploads = uploads_dir(index_dir)
    uploads.mkdir(parents=True)
    (uploads / "a.txt").write_text("职工书屋开放\n\n某市总工会的职工书屋日前开放。\n",
                                   encoding="utf-8")
    (uploads / "b.md").write_text("---\nnewspaper: 劳动午报\ndate: 2024-01-02\n---\n# 标题乙\n\n"
                                  "正文乙说了一件事。\n", encoding="utf-8")
    own = tmp_path / "own.txt"
    own.write_text("技能竞赛落幕\n\n长兴县技能竞赛日前落幕。\n", encoding="utf-8")
    remember_upload_metadata(index_dir, [uploads / "a.txt", uploads / "b.md"], " 工人日报 ",
                             "2024-10-08")
    for paths in ([str(uploads / "a.txt"), str(uploads / "b.md"), str(own)],
                  [str(uploads), str(own)]):
        arts, errors = load_with_stages(paths, on_path=metadata_filler(
            index_dir, newspaper="浙江工人日报", date="2024-10-09"))
        got = {a.title: (a.newspaper, a.date) for a in arts}
        assert got["职工书屋开放"] == ("工人日报", "2024-10-08")
        assert got["标题乙"] == ("劳动午报", "2024-01-02")       # the file's own kept
        assert got["技能竞赛落幕"] == ("浙江工人日报", "2024-10-09")
    bad = subprocess.run([sys.executable, "-m", "assistant", "index", str(own), "--index-dir",
                          str(tmp_path / "x"), "--date", "2024-13-01"], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "--date '2024-13-01' is not a date" in bad.stderr


# --- in Chromium ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def served(chromium, tmp_path_factory):
    from assistant.service.pipeline import index_paths

    work = tmp_path_factory.mktemp("serve-i18n")
    index_dir = work / "index"
    report, errors, _ = index_paths([str(ROOT / "seeds")], index_dir, progress_bar=False,
                                    newspaper=PAPER)
    assert report is not None and not errors
    with serving(index_dir, free_port(), work / "serve.log") as url:
        yield {"url": url, "index_dir": index_dir}


def _page(chromium, url, locale, width=1280, height=800):
    context = chromium.new_context(viewport={"width": width, "height": height}, locale=locale)
    page = context.new_page()
    page.dialogs = []
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_function("() => { const q = document.querySelector('#question textarea');"
                           " return q && !q.disabled; }", timeout=60000)
    page.wait_for_function("l => document.documentElement.lang === l",
                           arg={"zh-HK": "zh-TW", "en-US": "en"}.get(locale, locale),
                           timeout=30000)
    return page


def _visible_texts(page) -> list[str]:
    """The text of every visible text node, and the placeholders of visible inputs."""
    return page.evaluate("""() => {
        const out = [];
        const seen = (el) => { const r = el.getBoundingClientRect(), cs = getComputedStyle(el);
            return r.width > 0 && r.height > 0 && cs.visibility !== 'hidden' && cs.display !== 'none'; };
        const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        while (walk.nextNode()) {
            const n = walk.currentNode, t = n.textContent.trim();
            if (t && n.parentElement && !n.parentElement.closest('script,style') && seen(n.parentElement))
                out.push(t);
        }
        document.querySelectorAll('input[placeholder], textarea[placeholder]').forEach((e) => {
            if (seen(e) && e.placeholder) out.push(e.placeholder); });
        return out; }""")


def _english_shown(page) -> list[str]:
    """Visible texts that are English catalogue texts (or start with one)."""
    en = catalogue("en")
    zh = catalogue("zh-CN")
    fixed = []
    for key, text in en.items():
        if text == zh[key]:
            continue
        head = _PLACEHOLDER.split(text)[0].strip()   # the words before a {value}
        if len(head) >= 4:
            fixed.append(head)
    return [t for t in _visible_texts(page) if any(t.startswith(f) for f in fixed)]


def _axe(page) -> dict[str, int]:
    """axe-core's serious and critical violations on the page as it is: {rule: nodes}."""
    if not AXE.exists():
        msg = f"{AXE} is missing: run `make install-test` (npm install axe-core)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(msg)
        pytest.skip(msg)
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    found = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
            .map(v => [v.id + ' (' + v.impact + '): ' + v.nodes.map(n => n.target.join(' ')).join(', '),
                       v.nodes.length]); }""")
    return dict(found)


TABS = ["chat", "points", "articles", "add"]


def _axe_every_tab(page, width: int, report: dict) -> None:
    for tab in TABS:
        page.locator(f"#tab-{tab}-button").click()
        page.locator(f"#tab-{tab}").wait_for(state="visible")
        page.wait_for_timeout(300)
        found = _axe(page)
        report[f"{tab}@{width}"] = sum(found.values())
        assert found == {}, (tab, width, found)
    page.locator("#tab-chat-button").click()


def _shot(page, tmp_path, name):
    folder = Path(SHOTS) if SHOTS else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / name))


@pytest.mark.browser
def test_browser_chinese_desktop_chips_talking_points_delete_and_axe(chromium, served, tmp_path):
    from docx import Document
    from playwright.sync_api import expect

    from assistant.index.store import NewsIndex

    page = _page(chromium, served["url"], "zh-CN")
    assert _english_shown(page) == []
    examples = page.locator("#examples button, #examples td, #examples .gallery-item")
    expect(examples.first).to_contain_text(QUESTIONS[0])       # Chinese examples first
    axe_counts: dict[str, int] = {}
    _axe_every_tab(page, 1280, axe_counts)

    for i, q in enumerate(QUESTIONS, start=1):
        _ask(page, q, i)
    assert _english_shown(page) == []
    answer = page.locator("#chat .answer").first
    chip = answer.locator("a.cite").last
    expect(chip).to_have_accessible_name(re.compile(r"^来源\s*2\s*：《职工有所呼 企业有所应》$"))
    chip.scroll_into_view_if_needed()
    chip.hover()
    pop = page.locator("#cite-tooltip")
    expect(pop).to_be_visible()
    expect(pop).to_contain_text("该公司有职工367人")
    expect(pop).to_contain_text(f"《职工有所呼 企业有所应》 · {PAPER}")
    _shot(page, tmp_path, "screenshot.png")

    # talking points of the three answers, in the interface language
    page.locator("#tab-points-button").click()
    ticks = page.locator("#briefing-answers input[type=checkbox]")
    expect(ticks).to_have_count(3)
    for k in range(3):
        ticks.nth(k).check()
    page.locator("#talking-points").click()
    view = page.locator("#briefing")
    expect(view.locator("li.point").first).to_be_visible(timeout=30000)
    expect(view.locator("h3")).to_have_text("发言要点")
    expect(view.locator("h4.briefing-sources")).to_have_text("出处")
    headlines = {headline(a) for a in NewsIndex.load(served["index_dir"]).articles.values()}
    groups = view.locator("h4.briefing-group").all_inner_texts()
    assert groups and set(groups) <= headlines, groups
    points = [p.strip() for p in view.locator("li.point").all_inner_texts()]
    for p in points:
        text = re.sub(r"\d+$", "", p)   # the footnote numbers after it
        assert len(text) <= MAX_POINT_CHARS, text
        assert not text.startswith(("该", "他们", "据了解")), text
    for note in view.locator("ol.footnotes li").all_inner_texts():
        assert re.match(rf"^《.+》·{PAPER}[·：]", note), note
    _shot(page, tmp_path, "briefing.png")
    # edited in the page, then downloaded: the .docx has the edited bullets
    box = page.locator("#points-text textarea")
    md = box.input_value()
    first = next(ln for ln in md.splitlines() if ln.startswith("- "))
    edited = md.replace(first, "- 由发言人改写的一条要点" + re.sub(r"^- [^\[]*", "", first), 1)
    box.fill(edited)
    box.blur()
    page.wait_for_timeout(1500)
    with page.expect_download() as dl:
        page.locator("#points-docx").click()
    path = tmp_path / dl.value.suggested_filename
    dl.value.save_as(path)
    doc = Document(str(path))
    word = [re.sub(r"\[\d+\]$", "", re.sub(r"(\[\d+\])+$", "", p.text)) for p in doc.paragraphs
            if p.style.name == "List Bullet"]
    bullets = [re.sub(r"(\[\^\d+\])+$", "", ln[2:]) for ln in edited.splitlines()
               if ln.startswith("- ")]
    assert word == [re.sub(r"\\(.)", r"\1", b) for b in bullets]
    assert word[0] == "由发言人改写的一条要点"
    assert any(p.style.name.startswith("Heading") and p.text == "出处" for p in doc.paragraphs)

    # delete asks first; cancel keeps the conversation
    page.locator("#tab-chat-button").click()
    page.locator("#delete-conversation").click()
    expect(page.locator("#confirm-text")).to_contain_text("确定删除")
    page.locator("#confirm-no").click()
    expect(page.locator("#confirm-yes")).to_be_hidden()
    expect(page.locator("#confirm-text")).not_to_contain_text("确定删除")
    expect(page.locator("#chat .answer")).to_have_count(3)
    page.locator("#delete-conversation").click()
    page.locator("#confirm-yes").click()
    expect(page.locator("#conversation-status")).to_contain_text("已删除")
    expect(page.locator("#chat .answer")).to_have_count(0)
    expect(page.locator("#delete-conversation")).to_be_hidden()
    assert page.dialogs == []
    print("\naxe-core serious+critical violations by tab@width:", json.dumps(axe_counts))
    page.context.close()


@pytest.mark.browser
def test_browser_phone_layout(chromium, served, tmp_path):
    from playwright.sync_api import expect

    page = _page(chromium, served["url"], "zh-CN", 390, 844)
    assert page.evaluate("() => window.scrollY") == 0          # no scrolling on load
    box = page.locator("#question textarea")
    expect(box).to_be_in_viewport()
    expect(page.locator("#delete-conversation")).to_be_hidden()   # not beside the chat
    # the language switch shows its whole value beside its arrow, not under it
    shown = page.locator("#lang-switch input")
    expect(shown).to_have_value("简体中文")
    text_right = shown.evaluate("e => { const r = document.createRange(); "
                                "const c = document.createElement('canvas').getContext('2d'); "
                                "c.font = getComputedStyle(e).font; "
                                "return e.getBoundingClientRect().left + c.measureText(e.value).width; }")
    arrow = page.locator("#lang-switch .dropdown-arrow path").bounding_box()
    assert text_right <= arrow["x"] + 1, (text_right, arrow)
    axe_counts: dict[str, int] = {}
    _axe_every_tab(page, 390, axe_counts)

    _ask(page, QUESTIONS[0], 1)
    answer = page.locator("#chat .answer").last
    first_source = answer.locator("a.inline-source").first
    expect(answer).to_be_in_viewport()
    expect(first_source).to_be_in_viewport()
    expect(first_source).to_contain_text(PAPER)
    expect(box).to_be_in_viewport()
    for el in (answer.locator("strong.short-answer"), first_source, box):
        r = el.bounding_box()
        assert r and r["y"] >= 0 and r["y"] + r["height"] <= 844, r
    _shot(page, tmp_path, "phone.png")
    # a tap on the chip shows its passage; a tap on the source opens the article
    answer.locator("a.cite").last.click()
    expect(page.locator("#cite-tooltip")).to_be_visible()
    expect(page.locator("#cite-tooltip")).to_contain_text("该公司有职工367人")
    r = page.locator("#cite-tooltip").bounding_box()
    assert r["x"] >= 0 and r["x"] + r["width"] <= 390, r          # on the screen
    first_source.click()
    expect(page.locator("#reader-panel mark")).to_be_visible()
    expect(page.locator("#sheet-back")).to_be_visible()
    page.locator("#sheet-back").click()
    expect(page.locator("#reader-panel")).to_be_hidden()
    expect(answer).to_be_in_viewport()
    # the conversation list and source choice open in a drawer
    page.locator("#drawer-toggle").click()
    expect(page.locator("#conversation-list .conv-row")).to_have_count(1)
    expect(page.locator("#filter-panel")).to_be_visible()
    print("\naxe-core serious+critical violations by tab@width:", json.dumps(axe_counts))
    page.context.close()


@pytest.mark.browser
def test_browser_traditional_chinese_english_and_the_switch(chromium, served):
    from playwright.sync_api import expect

    for locale, tab, lang in (("zh-TW", "問答", "zh-TW"), ("zh-HK", "問答", "zh-TW"),
                              ("en-US", "Chat", "en")):
        page = _page(chromium, served["url"], locale)
        expect(page.locator("#tab-chat-button")).to_have_text(tab)
        assert page.evaluate("() => document.documentElement.lang") == lang
        if lang == "en":
            expect(page.locator("#examples")).to_contain_text("how many craftsmen")
            first = page.locator("#examples button, #examples td, #examples .gallery-item").first
            expect(first).not_to_contain_text("乐业")      # English examples first
            # the switch: Simplified Chinese, and the whole page follows
            page.locator("#lang-switch input").click()
            page.get_by_role("option", name="简体中文").click()
            expect(page.locator("#tab-chat-button")).to_have_text("问答")
            page.wait_for_function("() => document.documentElement.lang === 'zh-CN'")
            # the option list closes after the choice (its "English" option was still on
            # screen in one CI run, read as an English text of the page)
            expect(page.get_by_role("option", name="English")).to_be_hidden()
            expect(page.locator("#lang-switch input")).to_have_value("简体中文")
            assert _english_shown(page) == []
            page.reload(wait_until="domcontentloaded")     # the browser remembers it
            expect(page.locator("#tab-chat-button")).to_have_text("问答", timeout=30000)
        else:
            expect(page.locator("#new-conversation")).to_have_text("新對話")
        page.context.close()
