"""The chat UI: formatting helpers, the app through gradio_client, and a real browser."""
from __future__ import annotations

import re
import shutil
import threading
import time
from pathlib import Path

import pytest
from conftest import serving, free_port

from assistant.records import Article, Citation, Turn
from assistant.apps.ui import (ChatApp, answer_html, articles_table_html, exposure_warning,
                          filter_articles, is_loopback, parse_auth, reader_html,
                          safe_filename, sources_html)

ROOT = Path(__file__).resolve().parent.parent
XSS_SCRIPT = "<script>window.__xss=1</script>"
XSS_IMG = '<img src=x onerror="window.__xss=2">'


# --- formatting, no browser -----------------------------------------------------------
def _article(text_paragraphs, headings=("标题", "副标题"), aid="a1") -> Article:
    return Article(id=aid, headings=list(headings), paragraphs=list(text_paragraphs),
                   source="page.txt", date="2024-10-01")


def _cite(article: Article, passage: str, n: int = 1, supported: bool = True) -> Citation:
    start = article.text.index(passage)
    return Citation(n=n, article_id=article.id, heading=article.heading, source=article.source,
                    passage=passage, start=start, end=start + len(passage), date=article.date,
                    supported=supported)


def test_markers_become_chips_tied_to_their_answer():
    art = _article(["甲公司有职工367人。", "乙公司有职工20人。"])
    turn = Turn("多少职工？", "甲公司有职工367人。[1]乙公司有职工20人。[2]见[9]", True,
                [_cite(art, "甲公司有职工367人。", 1), _cite(art, "乙公司有职工20人。", 2)])
    out = answer_html(turn, 3)
    assert out.count('<a class="cite"') == 2
    assert 'href="#cite-3-1"' in out and 'href="#cite-3-2"' in out
    assert 'data-turn="3"' in out
    assert "[9]" in out            # a marker without a citation stays text
    assert "[1]" not in out and "\n" not in out
    assert 'class="answer found"' in out


def test_not_found_and_unsupported_are_marked():
    nf = answer_html(Turn("q", "文章中没有找到与这个问题相关的内容。", False), 0)
    assert "answer notfound" in nf
    art = _article(["一句话。"])
    turn = Turn("q", "一句话。[1]", True, [_cite(art, "一句话。", supported=False)])
    assert 'class="cite unsupported"' in answer_html(turn, 0)
    panel = sources_html(turn, 0, 1, {art.id: art})
    assert 'class="cite-source unsupported"' in panel and "unsupported" in panel.lower()


def test_article_text_is_escaped_everywhere():
    evil = "他说<script>alert(1)</script>和<img src=x onerror=alert(1)>。"
    art = _article([evil, "第二段。"], headings=["<b>标题</b>"])
    cit = _cite(art, evil)
    turn = Turn("<i>q</i>", evil + "[1]", True, [cit])
    outputs = [answer_html(turn, 0), sources_html(turn, 0, 1, {art.id: art}),
               reader_html(art, cit.start, cit.end),
               articles_table_html([art], {art.id: 1}, 1, "<script>")]
    for out in outputs:
        assert "<script" not in out and "<img" not in out and "<b>" not in out
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out or "&lt;b&gt;" in out
    assert "&lt;img src=x onerror=alert(1)&gt;" in outputs[0]
    assert "&lt;i&gt;q&lt;/i&gt;" in outputs[1]


def test_sources_panel_shows_heading_source_date_and_marked_passage():
    art = _article(["开头的句子。该公司有职工367人。后面的句子。"])
    turn = Turn("q", "该公司有职工367人。[1]", True, [_cite(art, "该公司有职工367人。")])
    out = sources_html(turn, 1, 2, {art.id: art})
    assert "Sources of answer 2 of 2" in out
    assert "标题 / 副标题" in out and "page.txt" in out and "2024-10-01" in out
    assert "开头的句子。<mark>该公司有职工367人。</mark>后面的句子。" in out
    assert 'data-turn="1" data-n="1"' in out


def test_reader_marks_the_cited_span_across_paragraphs():
    art = _article(["第一段。", "第二段开头。第二段结尾。", "第三段。"])
    start = art.text.index("第二段结尾。")
    end = art.text.index("第三段。") + len("第三段。")
    out = reader_html(art, start, end, label="[1]")
    assert '<mark id="reader-mark">第二段结尾。</mark>' in out
    assert "<p><mark>第三段。</mark></p>" in out
    assert out.count('id="reader-mark"') == 1
    assert "<p>第一段。</p>" in out


def test_safe_filename_keeps_only_a_safe_base_name():
    assert safe_filename("../../etc/passwd") == "passwd"
    assert safe_filename("..\\..\\a b.txt") == "a_b.txt"
    assert safe_filename(".hidden.md") == "hidden.md"
    assert safe_filename("<script>x</script>.txt") == "script_.txt"  # after the last slash
    assert safe_filename("a<b>\x00c.md") == "a_b_c.md"
    assert safe_filename("职工 新闻.jsonl") == "职工_新闻.jsonl"
    assert safe_filename("") == safe_filename("...") == "upload"
    long = safe_filename("长" * 300 + ".txt")
    assert len(long) <= 100 and long.endswith(".txt")


def test_filter_articles_by_every_word():
    a = _article(["乐业物业有职工367人。"], headings=["物业工会"])
    b = _article(["椒江工匠学院。"], headings=["工匠"], aid="b")
    assert filter_articles([a, b], "") == [a, b]
    assert filter_articles([a, b], "物业 367") == [a]
    assert filter_articles([a, b], "PAGE.TXT 工匠") == [b]
    assert filter_articles([a, b], "nothing") == []


def test_auth_and_exposure():
    assert parse_auth(None) is None and parse_auth("") is None
    assert parse_auth("ann:se:cret") == ("ann", "se:cret")
    for bad in ("ann", ":pw", "ann:"):
        with pytest.raises(ValueError):
            parse_auth(bad)
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5")
    assert exposure_warning("127.0.0.1", None) is None
    assert exposure_warning("0.0.0.0", ("a", "b")) is None
    assert "WITHOUT a login" in exposure_warning("0.0.0.0", None)


def test_upload_rejects_bad_files_and_never_writes_outside(seed_assistant, tmp_path):
    ui = ChatApp(seed_assistant, upload_dir=tmp_path / "uploads", max_upload_bytes=100)
    big = tmp_path / "in" / "big.txt"
    big.parent.mkdir()
    big.write_text("长" * 200, encoding="utf-8")
    sheet = tmp_path / "in" / "paper.xlsx"
    sheet.write_bytes(b"PK\x03\x04")
    report, table, cleared = ui.upload([str(big), str(sheet)], "")
    assert "big.txt" in report and "the limit is 100 bytes per file" in report
    assert "paper.xlsx" in report and "unsupported file type" in report
    assert cleared is None and "article-row" in table
    assert list((tmp_path / "uploads").iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "uploads"]


# --- the app in-process, through gradio_client -------------------------------------------


@pytest.fixture(scope="module")
def app_url(seed_assistant):
    from assistant.apps.ui import build_app

    app = build_app(seed_assistant)
    port = free_port()
    app.launch(prevent_thread_lock=True, server_name="127.0.0.1", server_port=port, quiet=True)
    yield f"http://127.0.0.1:{port}/"
    app.close()


# (questions of one session, text the last answer must hold, text of its article's heading)
SESSIONS = [
    (["乐业物业有多少名职工？"], "367", "物业工会"),
    (["椒江设立了多少家企业分院？"], "10家", "工匠有尊严"),
    (["象山星光影视小镇工会联合会主席是谁？"], "石莹莹", "象漂"),
    (["How many couples have the digital matchmakers and psychology experts matched in "
      "Jiaxing?"], "343对", "鹊桥相会"),
    (["长兴县财务经审知识技能竞赛共有多少名选手参加？"], "42名", "竞技赋能"),
    (["how many craftsmen has Jiaojiang trained?"], "54500", "工匠有尊严"),
    (["陈重是哪家公司的设备工程师？"], "海翔药业", "工匠有尊严"),
    (["乐业物业的保洁人员有多少人？"], "193", "物业工会"),
    (["小镇工会联合会帮助落户了多少家个人工作室？"], "15家", "象漂"),
    (["“衢州烂柯杯”比赛项目以什么形式开展？"], "个人赛", "职工棋手"),
    (["嘉兴市总工会建立了多大规模的单身青年职工信息数据库？"], "近千人", "鹊桥相会"),
    (["长兴县这次竞赛有多少人获得三等奖？"], "7名", "竞技赋能"),
    (["椒江区总工会依托多少家劳模工匠创新工作室？"], "50家", "工匠有尊严"),
    (["东阳市总工会工资集体协商指导员叫什么名字？"], "毛丰华", "物业工会"),
    (["象山影视城有多少名影视行业从业者？"], "7200", "象漂"),
    (["全国职工围棋大赛有多少职工报名？"], "200人", "职工棋手"),
    (["嘉兴市总工会每年的目标是促成多少对新人喜结连理？"], "100对", "鹊桥相会"),
    # follow-ups: the second question only makes sense in its own session
    (["东阳首家物业工会开展了什么协商？", "协商会上职工方有多少人？"], "11人", "物业工会"),
    (["象山影视城有多少家影视企业？", "那里的工会联合会累计举办了多少期培训？"], "75期", "象漂"),
    (["长兴县财务经审技能大赛有几个阶段？", "三等奖有几名？"], "7名", "竞技赋能"),
]


def test_twenty_concurrent_sessions_each_get_their_own_answer(app_url):
    from gradio_client import Client

    results: dict[int, list[dict]] = {}
    errors: list[str] = []
    first_round = threading.Barrier(len(SESSIONS), timeout=120)
    second_round = threading.Barrier(len(SESSIONS), timeout=120)

    def session(i: int, questions: list[str]) -> None:
        try:
            client = Client(app_url, verbose=False)
            turns = []
            first_round.wait()          # every session asks its first question at once
            turns.append(client.predict(questions[0], api_name="/ask"))
            second_round.wait()         # ... and follow-ups only once all others have asked
            for q in questions[1:]:
                turns.append(client.predict(q, api_name="/ask"))
            results[i] = turns
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(f"session {i}: {type(e).__name__}: {e}")
            for b in (first_round, second_round):
                b.abort()

    threads = [threading.Thread(target=session, args=(i, qs)) for i, (qs, _, _) in
               enumerate(SESSIONS)]
    t0 = time.time()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=180)
    assert not errors, errors
    assert len(results) == len(SESSIONS)
    for i, (questions, expected, heading) in enumerate(SESSIONS):
        turns = results[i]
        assert [t["question"] for t in turns] == questions
        last = turns[-1]
        assert last["found"], (questions, last)
        assert expected in last["answer"], (questions, last["answer"])
        assert any(heading in c["heading"] for c in last["citations"]), (questions, last)
        for c in last["citations"]:
            assert c["passage"] in last["answer"]
    print(f"\n{len(SESSIONS)} concurrent sessions answered in {time.time() - t0:.1f}s")


def test_api_reports_question_errors(app_url):
    from gradio_client import Client

    client = Client(app_url, verbose=False)
    assert "empty" in client.predict("   ", api_name="/ask")["error"]
    assert "limit" in client.predict("问" * 2100, api_name="/ask")["error"]


def test_auth_is_required_when_configured(seed_assistant):
    from gradio_client import Client

    from assistant.apps.ui import build_app

    app = build_app(seed_assistant)
    port = free_port()
    app.launch(prevent_thread_lock=True, server_name="127.0.0.1", server_port=port, quiet=True,
               auth=("ann", "s3cret"))
    url = f"http://127.0.0.1:{port}/"
    try:
        with pytest.raises(Exception):
            Client(url, verbose=False)
        client = Client(url, auth=("ann", "s3cret"), verbose=False)
        assert "367" in client.predict("乐业物业有多少名职工？", api_name="/ask")["answer"]
    finally:
        app.close()


# --- a real browser against `assistant serve` ------------------------------------------------
@pytest.fixture(scope="module")
def served(chromium, seed_index_dir, tmp_path_factory):
    """`assistant serve` as a real process, over a copy of the seed index (uploads go there).

    Asks for `chromium` first, so no server is started when the browser tests are skipped.
    """
    work = tmp_path_factory.mktemp("serve")
    index_dir = work / "index"
    shutil.copytree(seed_index_dir, index_dir)
    t0 = time.time()
    with serving(index_dir, free_port(), work / "serve.log") as url:
        yield {"url": url, "index_dir": index_dir, "started": t0}


@pytest.fixture
def page(chromium, served, tmp_path):
    context = chromium.new_context(viewport={"width": 1400, "height": 950})
    pg = context.new_page()
    pg.dialogs = []
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    t0 = time.time()
    pg.goto(served["url"], wait_until="domcontentloaded")
    pg.locator("#question textarea").wait_for(timeout=60000)
    print(f"\npage usable {time.time() - t0:.1f}s after navigation")
    yield pg
    context.close()


def _ask(page, question: str, count: int) -> float:
    """Type a question, press Enter, wait for answer number `count`; seconds taken."""
    box = page.locator("#question textarea")
    box.fill(question)
    t0 = time.time()
    box.press("Enter")
    page.wait_for_function(
        "n => document.querySelectorAll('#chat .answer.found, #chat .answer.notfound').length >= n",
        arg=count, timeout=60000)
    return time.time() - t0


@pytest.mark.browser
def test_browser_chat_sources_reader_and_new_conversation(page, tmp_path):
    from playwright.sync_api import expect

    took = _ask(page, "乐业物业有多少名职工？", 1)
    print(f"answer complete {took:.2f}s after Enter")
    answer = page.locator("#chat .answer").last
    expect(answer).to_contain_text("该公司有职工367人")
    # the short answer "367人" [1] in bold, then the quoted sentence [2]
    expect(answer.locator("strong.short-answer")).to_have_text("367人")
    chip = answer.locator("a.cite")
    expect(chip).to_have_count(2)
    sources = page.locator("#sources-panel")
    expect(sources.locator(".cite-source")).to_have_count(2)
    expect(sources).to_contain_text("东阳首家物业工会")
    expect(sources.locator("mark").last).to_contain_text("该公司有职工367人")
    page.screenshot(path=str(tmp_path / "1-answer.png"))

    chip.last.click()
    mark = page.locator("#reader-panel mark")
    expect(mark).to_contain_text("该公司有职工367人,其中保洁193人")
    expect(page.locator("#reader-panel")).to_contain_text("东阳首家物业工会")
    expect(mark).to_be_in_viewport()
    page.screenshot(path=str(tmp_path / "2-reader.png"))

    # a follow-up leans on the question before it
    _ask(page, "东阳首家物业工会开展了什么协商？", 2)
    _ask(page, "协商会上职工方有多少人？", 3)
    expect(page.locator("#chat .answer").last).to_contain_text("11人")
    expect(sources).to_contain_text("answer 3 of 3")
    sources.locator(".cite-source").last.click()       # a source opens its article too
    expect(page.locator("#reader-panel mark")).to_contain_text("职工方11人")
    page.screenshot(path=str(tmp_path / "3-follow-up.png"))

    # the marker of the first answer still opens the first answer's sources
    page.locator("#chat .answer").first.locator("a.cite").last.click()
    expect(sources).to_contain_text("answer 1 of 3")
    expect(sources.locator("mark").last).to_contain_text("该公司有职工367人")
    expect(page.locator("#reader-panel mark")).to_contain_text("该公司有职工367人")

    # questions the articles do not answer, and questions that cannot be asked
    _ask(page, "杭州市总工会今年举办了哪些活动？", 4)
    expect(page.locator("#chat .answer.notfound")).to_have_count(1)
    page.locator("#question textarea").fill("   ")
    page.locator("#question textarea").press("Enter")
    expect(page.locator("#status .ui-error")).to_contain_text("empty")

    page.locator("#tab-points-button").click()
    page.locator("#talking-points").click()      # nothing ticked yet: a clear message
    expect(page.locator("#points-status .ui-error")).to_contain_text("tick at least one answer")
    ticks = page.locator("#briefing-answers input[type=checkbox]")
    expect(ticks).to_have_count(3)                 # the three found answers
    for i in range(3):
        ticks.nth(i).check()
    page.locator("#talking-points").click()
    points = page.locator("#points-text textarea")
    expect(points).to_have_value(re.compile(r"367.*\[\^\d+\]", re.S))
    with page.expect_download() as download:
        page.locator("#points-file").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    text = saved.read_text(encoding="utf-8")
    assert saved.suffix == ".md" and "[^1]:" in text and "11人" in text
    page.screenshot(path=str(tmp_path / "4-talking-points.png"), full_page=True)

    page.locator("#tab-chat-button").click()
    page.locator("#new-conversation").click()
    expect(page.locator("#chat .answer")).to_have_count(0)
    expect(sources.locator(".cite-source")).to_have_count(0)
    _ask(page, "协商会上职工方有多少人？", 1)   # no earlier turn to lean on now
    page.screenshot(path=str(tmp_path / "5-new-conversation.png"))
    assert page.dialogs == []


@pytest.mark.browser
def test_browser_upload_shows_markup_literally(page, served, tmp_path):
    from playwright.sync_api import expect

    doc = tmp_path / "安全 讲座 <img src=x onerror=alert(3)>.txt"
    doc.write_text("职工书屋里的网络安全课\n\n"
                   "近日，某市总工会举办了一场网络安全讲座。"
                   f"讲师在屏幕上展示了{XSS_SCRIPT}和{XSS_IMG}两段代码，共有128名职工参加。\n\n"
                   "大家表示收获很大。\n", encoding="utf-8")
    page.wait_for_function("() => !document.querySelector('#question textarea').disabled")
    page.wait_for_timeout(1000)    # the page load's session is in place
    page.get_by_role("tab", name="Add articles", exact=True).click()
    # a text file names no newspaper or date: the ones given with the upload
    page.locator("#upload-newspaper textarea, #upload-newspaper input").first.fill("测试日报")
    page.locator("#upload-date textarea, #upload-date input").first.fill("2024-10-08")
    page.locator("#upload-date textarea, #upload-date input").first.blur()
    page.wait_for_timeout(1500)    # the boxes' input events reach the session first
    page.locator("#upload-files input[type=file]").set_input_files(str(doc))
    report = page.locator("#upload-report")
    expect(report.locator(".upload-ok")).to_contain_text(".txt", timeout=60000)
    uploads = list((served["index_dir"] / "uploads").iterdir())
    assert len(uploads) == 1 and "<" not in uploads[0].name and " " not in uploads[0].name

    page.get_by_role("tab", name="Articles", exact=True).click()
    page.locator("#article-query textarea").fill("网络安全")
    rows = page.locator("#articles-list tr.article-row")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("测试日报")
    expect(rows.first).to_contain_text("2024-10-08")
    rows.first.click()
    expect(page.locator("#article-reader")).to_contain_text(XSS_SCRIPT)
    expect(page.locator("#article-reader")).to_contain_text(XSS_IMG)
    page.screenshot(path=str(tmp_path / "1-articles.png"))

    page.get_by_role("tab", name="Chat", exact=True).click()
    _ask(page, "网络安全讲座有多少名职工参加？", 1)
    answer = page.locator("#chat .answer").last
    expect(answer).to_contain_text("128名职工")
    expect(answer).to_contain_text(XSS_SCRIPT)
    expect(answer).to_contain_text(XSS_IMG)
    answer.locator("a.cite").last.click()   # the quoted sentence, after the short answer
    expect(page.locator("#reader-panel mark")).to_contain_text(XSS_SCRIPT)
    page.screenshot(path=str(tmp_path / "2-chat.png"))

    time.sleep(0.5)  # give any injected handler the chance to run
    assert page.dialogs == []
    assert page.evaluate("() => typeof window.__xss") == "undefined"
    assert page.evaluate("""() => Array.from(document.querySelectorAll('script'))
                              .filter(s => s.textContent.includes('__xss')).length""") == 0
    assert page.evaluate("""() => Array.from(document.querySelectorAll('img'))
                              .filter(i => i.getAttribute('src') === 'x'
                                           || i.hasAttribute('onerror')).length""") == 0


def test_unsupported_sentences_from_the_verifier_are_marked():
    from assistant.records import Citation, Turn
    from assistant.apps.ui import answer_html

    cite = Citation(n=1, article_id="a", heading="标题", source="s.txt", passage="该公司有职工367人。",
                    start=0, end=10)
    turn = Turn(question="q", answer="该公司有职工367人。[1]公司成立于1990年。", found=True,
                citations=[cite],
                verification={"sentences": [
                    {"text": "该公司有职工367人。[1]", "citations": [1], "supported": True},
                    {"text": "公司成立于1990年。", "citations": [], "supported": False}]})
    html = answer_html(turn, 0)
    assert 'class="unsupported-sentence"' in html
    marked = html.split('class="unsupported-sentence"')[1].split("</span>")[0]
    assert "1990" in marked and "367" not in marked
    assert 'class="cite"' in html
