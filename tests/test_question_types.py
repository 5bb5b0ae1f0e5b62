"""The questions staff ask, on pages the test builds: who wrote it, who took the photo,
when and where it appeared, lists across articles, follow-ups, short answers."""
import json

import pytest

from assistant.records import Article

ARTICLES = [
    Article(
        id="rail", source="page-1.txt", date="2024-10-15", newspaper="工人日报",
        page="第03版：要闻",
        headings=["全国铁路车辆系统职工技能竞赛开幕"],
        byline="本报记者 张三 通讯员 李四",
        captions=["选手在比赛中检修铁路货车。王五摄"],
        paragraphs=[
            "10月14日，全国铁路车辆系统职工技能竞赛在郑州开幕。",
            "本次铁路车辆系统技能竞赛共有367人参赛，选手来自18个铁路局集团公司。",
            "铁路货车运用系统的技能竞赛同期举行，共有215人参赛。",
            "竞赛旨在弘扬劳模精神和工匠精神，培养高技能人才。",
        ]),
    Article(
        id="power", source="page-2.txt", date="2024-11-02",
        headings=["全省电力行业职工技能竞赛决赛落幕"],
        byline="本报记者 赵六",
        paragraphs=[
            "11月1日，全省电力行业职工技能竞赛决赛在杭州落幕。",
            "电力行业的技能竞赛共有128人参赛，最终决出个人一等奖5名。",
            "国网杭州供电公司的陈明获得个人一等奖第一名。",
            "他今年32岁，已在变电运维岗位工作了十年。",
            "这是国网杭州供电公司职工第3次获得该项竞赛的个人第一名。",
            # A reworded reprint of a sentence of the first article: one bullet at most.
            "竞赛旨在弘扬劳模精神、工匠精神，培养高技能人才。",
        ]),
    Article(
        id="canteen", source="page-3.txt",
        headings=["社区食堂开进东城工业园区"],
        paragraphs=[
            "近日，一家社区食堂在东城工业园区开业，为园区职工提供平价午餐。",
            "食堂每天供应午餐约600份，荤素搭配每份12元。",
        ]),
]


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    from assistant.service.pipeline import Assistant
    from assistant.index.build import build_index

    folder = tmp_path_factory.mktemp("question-types")
    build_index(ARTICLES, folder)
    return Assistant(folder)


def _exact(assistant, turn):
    """Every citation quotes exactly the text (body or metadata field) it points at."""
    assert turn.citations
    for c in turn.citations:
        art = assistant.index.articles[c.article_id]
        assert art.field_text(c.field)[c.start:c.end] == c.passage
        assert f"[{c.n}]" in turn.answer
    json.dumps(turn.to_dict(), ensure_ascii=False)


def test_who_wrote_it_cites_the_byline(assistant):
    turn = assistant.conversation().ask("铁路车辆系统技能竞赛的报道是谁写的？")
    assert turn.found
    _exact(assistant, turn)
    byline = next(c for c in turn.citations if c.field == "byline")
    assert byline.article_id == "rail" and "张三" in byline.passage and "李四" in byline.passage
    assert byline.to_dict()["field"] == "byline"


def test_who_wrote_it_after_a_question_is_about_that_article(assistant):
    conv = assistant.conversation()
    assert conv.ask("电力行业的技能竞赛有多少人参赛？").found
    turn = conv.ask("谁写的？")
    assert turn.found
    _exact(assistant, turn)
    assert turn.short_answer["text"] == "赵六"   # one author: the name first
    assert turn.citations[0].field == "byline" and turn.citations[0].article_id == "power"


def test_no_byline_is_said_not_guessed(assistant):
    turn = assistant.conversation().ask("社区食堂开进工业园区的报道是谁写的？")
    assert not turn.found and not turn.citations
    assert "没有署名" in turn.answer
    turn = assistant.conversation().ask("电力技能竞赛决赛的照片是谁拍的？")
    assert not turn.found and not turn.citations


def test_photographer_from_the_caption_credit(assistant):
    turn = assistant.conversation().ask("铁路技能竞赛报道的照片是谁拍的？")
    assert turn.found
    _exact(assistant, turn)
    assert turn.short_answer == {"text": "王五", "n": 1}
    assert turn.citations[0].field == "captions" and turn.answer.startswith("王五[1]")


def test_date_and_paper(assistant):
    turn = assistant.conversation().ask("电力行业职工技能竞赛决赛的报道是哪天发表的？")
    assert turn.found and turn.short_answer["text"] == "2024-11-02"
    _exact(assistant, turn)
    turn = assistant.conversation().ask("铁路技能竞赛的报道登在哪份报纸的哪一版？")
    assert turn.found
    _exact(assistant, turn)
    # which issue: the paper, its date and the page (an issue without its date is none)
    assert {c.field for c in turn.citations} == {"newspaper", "date", "page"}
    assert "工人日报" in turn.answer and "第03版" in turn.answer


def test_list_across_articles_grouped_and_cited(assistant):
    turn = assistant.conversation().ask("列出这些报道里提到的职工技能竞赛，以及各自有多少人参赛")
    assert turn.found
    _exact(assistant, turn)
    lines = turn.answer.splitlines()
    bullets = [ln for ln in lines if ln.startswith("- ")]
    assert len(bullets) == len(turn.citations) <= 8
    for number in ("367人", "215人", "128人"):
        assert sum(number in b for b in bullets) == 1
    assert "《全国铁路车辆系统职工技能竞赛开幕》" in lines
    assert "《全省电力行业职工技能竞赛决赛落幕》" in lines
    assert not any("食堂" in c.passage for c in turn.citations)
    # One sentence per bullet, quoted verbatim.
    for b, c in zip(bullets, turn.citations):
        assert b == f"- {c.passage}[{c.n}]"


def test_compare_lists_each_subject(assistant):
    turn = assistant.conversation().ask("对比铁路和电力技能竞赛的参赛人数")
    assert turn.found
    _exact(assistant, turn)
    assert {c.article_id for c in turn.citations} == {"rail", "power"}
    assert "367人" in turn.answer and "128人" in turn.answer


def test_summary_has_no_near_duplicate_bullets(assistant):
    turn = assistant.conversation().ask("总结这些报道中技能竞赛的要点")
    assert turn.found
    _exact(assistant, turn)
    assert sum("弘扬劳模精神" in c.passage for c in turn.citations) <= 1


def test_list_of_nothing_relevant_is_nothing_found(assistant):
    turn = assistant.conversation().ask("列出这些报道里提到的足球比赛")
    assert not turn.found and not turn.citations


def test_elliptical_follow_up_takes_the_earlier_frame(assistant):
    conv = assistant.conversation()
    first = conv.ask("电力行业的技能竞赛有多少人参赛？")
    assert first.found and "128人" in first.answer
    turn = conv.ask("那铁路货车运用系统的技能竞赛呢？")
    assert turn.found
    _exact(assistant, turn)
    assert turn.standalone_question == "铁路货车运用系统的技能竞赛有多少人参赛？"
    assert turn.short_answer["text"] == "215人"
    assert turn.to_dict()["standalone_question"] == turn.standalone_question


def test_pronoun_follow_up_names_the_person(assistant):
    conv = assistant.conversation()
    first = conv.ask("谁获得了个人一等奖第一名？")
    assert first.found and first.short_answer["text"] == "陈明"
    turn = conv.ask("他今年多大？")
    assert turn.found and turn.standalone_question == "陈明今年多大？"
    _exact(assistant, turn)
    assert turn.short_answer["text"] == "32岁"


def test_demonstrative_follow_up_stays_with_the_article(assistant):
    conv = assistant.conversation()
    assert conv.ask("谁获得了个人一等奖第一名？").found
    turn = conv.ask("这在国网杭州供电公司是第几次？")
    assert turn.found
    _exact(assistant, turn)
    assert turn.short_answer["text"] == "第3次" and turn.citations[1].article_id == "power"


def test_short_answer_first_for_a_number_question(assistant):
    turn = assistant.conversation().ask("电力行业的技能竞赛有多少人参赛？")
    _exact(assistant, turn)
    d = turn.to_dict()
    assert d["short_answer"] == {"text": "128人", "n": 1}
    short = d["citations"][0]
    assert short["n"] == 1 and short["passage"] == "128人" and "field" not in short
    art = assistant.index.articles[short["article_id"]]
    assert art.text[short["start"]:short["end"]] == "128人"
    assert turn.answer.startswith("128人[1]")
    # The quoted sentence follows, holding the short answer.
    quote = d["citations"][1]
    assert quote["start"] <= short["start"] and short["end"] <= quote["end"]


def test_ui_shows_the_short_answer_bold_and_metadata_sources(assistant):
    from assistant.apps.ui.rendering import answer_html, cited_reader_html, sources_html

    turn = assistant.conversation().ask("电力行业的技能竞赛有多少人参赛？")
    html = answer_html(turn, 0)
    assert '<strong class="short-answer">128人</strong>' in html
    turn = assistant.conversation().ask("铁路技能竞赛报道的照片是谁拍的？")
    arts = assistant.index.articles
    assert "photo caption" in sources_html(turn, 0, 1, arts)
    reader = cited_reader_html(arts["rail"], turn.citations[0], 0)
    assert '<mark id="reader-mark">王五</mark>' in reader and "no longer indexed" not in reader


def test_short_answer_markup_is_escaped():
    from assistant.apps.ui.rendering import answer_html
    from assistant.records import Citation, Turn

    cites = [Citation(1, "a", "h", "s", "<b>3</b>人", 0, 9),
             Citation(2, "a", "h", "s", "共<b>3</b>人。", 0, 11)]
    turn = Turn("q", "<b>3</b>人[1]。共<b>3</b>人。[2]", True, cites,
                short_answer={"text": "<b>3</b>人", "n": 1})
    html = answer_html(turn, 0)
    assert '<strong class="short-answer">&lt;b&gt;3&lt;/b&gt;人</strong>' in html
    assert "<b>" not in html
