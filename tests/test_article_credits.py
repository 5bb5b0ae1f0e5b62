"""Bylines and credits the readers leave in the text, and which issue an article was in
(qa/metadata.py), over articles this test writes, one per form Chinese papers use: the
reporter in a news item's lead (…讯（记者 张三）, …电（记者 张三）), a write-up note
(本报记者 张三采访整理), a photo credit run into a crawler's paragraph (…记者 张三 摄), an
illustrator (张三 绘), a name print pads with a space (乔 栋), the paper's own citation
line 《…报》YYYY年MM月DD日 第NN版 and a reprint's source note (摘编自《…》); and a crawler
record whose text is under `content_markdown`."""
import json

import pytest

from assistant.qa.metadata import asked_metadata
from assistant.records import Article

ARTICLES = [
    Article(
        id="lead", source="crawl.jsonl", date="2024-06-03", newspaper="江南新闻网",
        headings=["江南技师学院开设职工夜校"],
        paragraphs=[
            "江南日报-江南新闻网讯（记者 陈立文 通讯员 马晓） 6月3日，江南技师学院职工夜校开学，"
            "首批学员来自12家企业。",
            "夜校每周开课三次，课程由学院和企业工会共同开发。",
        ]),
    Article(
        id="dateline", source="crawl.jsonl", date="2024-06-04", newspaper="江南新闻网",
        headings=["港口集团举办桥吊司机技能比武"],
        paragraphs=[
            "江南日报6月4日电（记者 欧阳静）港口集团4日举办桥吊司机技能比武，36名司机参赛。",
            "比武设理论考试和实操两个项目。",
        ]),
    Article(
        id="writeup", source="page-3.txt", date="2024-06-05", newspaper="江南日报",
        page="第03版", headings=["技能人才培养要对接产业需求（专家点评）"], byline="林 涛",
        authors=["林涛"],
        paragraphs=[
            "技能人才培养要和产业需求紧密对接，校企合作是关键。",
            "（作者为江南大学教授，本报记者周明远采访整理）",
        ]),
    Article(
        id="credit", source="crawl.json", date="2024-06-06", newspaper="江南新闻网",
        headings=["劳模工匠展厅对外开放"],
        paragraphs=[
            "6月6日，劳模工匠展厅对外开放。图为职工在展厅参观。江南社记者 方一鸣 摄 "
            "展厅共分三个区域，展出劳模事迹200余件。",
        ]),
    Article(
        id="drawing", source="crawl.jsonl", date="2024-06-12", newspaper="江南教育报",
        headings=["警惕兼职招聘中的押金陷阱"],
        paragraphs=[
            "郑小禾 绘",
            "一些兼职招聘以收取押金为名骗取求职者钱财，大学生求职时要提高警惕。",
            "《江南教育报》2024年06月12日 第03版",
        ]),
    Article(
        id="reprint", source="page-5.txt", date="2024-06-14", newspaper="江南日报",
        page="第05版", headings=["让科技馆跟上科技创新（纵横）"], byline="孟 凡",
        authors=["孟凡"],
        paragraphs=[
            "江城科技馆与本地企业合作，把新产品搬进展厅。",
            "（摘编自《江北日报》，原题为《科技馆里的新产品》）",
        ]),
    Article(
        id="letter", source="page-10.txt", date="2024-06-16", newspaper="江南日报",
        page="第10版", headings=["社区健身器材坏了没人修（读者来信）"],
        paragraphs=[
            "笔者所在社区的健身器材损坏已有半年，希望有关部门及时维修。江北省安平市 赵立新",
        ]),
    Article(
        id="edited", source="crawl.json", date="2024-06-17", newspaper="江南学人网",
        headings=["高校毕业生就业服务周启动"],
        paragraphs=["高校毕业生就业服务周17日启动，200家企业参加。", "责任编辑：孙可欣"]),
    Article(
        id="spaced", source="page-4.txt", date="2024-06-15", newspaper="江南日报",
        page="第04版", headings=["一堂车间里的安全课"], byline="本报记者 韩 东 罗佳音",
        authors=["韩东", "罗佳音"],
        paragraphs=["车间主任把安全课搬到了生产线旁，工人们边看边学。"]),
]


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    from assistant.index.build import build_index
    from assistant.service.pipeline import Assistant

    folder = tmp_path_factory.mktemp("article-credits")
    build_index(ARTICLES, folder)
    return Assistant(folder)


def _ask(assistant, question):
    turn = assistant.conversation().ask(question)
    assert turn.found, turn.answer
    return turn


@pytest.mark.parametrize("question,article,name", [
    ("《江南技师学院开设职工夜校》是哪位记者写的？", "lead", "陈立文"),
    ("《港口集团举办桥吊司机技能比武》是谁写的？", "dateline", "欧阳静"),
])
def test_the_reporter_in_a_news_items_lead(assistant, question, article, name):
    turn = _ask(assistant, question)
    assert turn.citations[0].article_id == article
    assert name in turn.answer
    cite = turn.citations[0]
    assert name in cite.passage


def test_who_interviewed_is_the_write_up_note_not_the_byline(assistant):
    turn = _ask(assistant, "《技能人才培养要对接产业需求》是哪位记者采访整理的？")
    assert "周明远" in turn.answer and "林涛" not in turn.answer
    assert turn.short_answer and turn.short_answer["text"] == "周明远"
    # who wrote it is still the byline
    turn = _ask(assistant, "《技能人才培养要对接产业需求》是谁写的？")
    assert turn.short_answer and turn.short_answer["text"] == "林 涛"


def test_a_photo_credit_run_into_a_paragraph(assistant):
    turn = _ask(assistant, "《劳模工匠展厅对外开放》的照片是谁拍的？")
    assert turn.short_answer and turn.short_answer["text"] == "方一鸣"


def test_an_illustrators_credit(assistant):
    turn = _ask(assistant, "《警惕兼职招聘中的押金陷阱》的配图是谁画的？")
    assert turn.short_answer and turn.short_answer["text"] == "郑小禾"


def test_which_issue_gives_paper_date_and_page(assistant):
    # the page is only in the paper's own citation line closing the text
    turn = _ask(assistant, "《警惕兼职招聘中的押金陷阱》登在江南教育报哪天第几版？")
    assert "江南教育报" in turn.answer and "2024" in turn.answer and "第03版" in turn.answer
    # the reader's fields: paper, date and page
    turn = _ask(assistant, "《一堂车间里的安全课》登在江南日报哪天第几版？")
    assert "2024-06-15" in turn.answer and "第04版" in turn.answer
    for cite in turn.citations:
        assert cite.passage in turn.answer


def test_a_reprints_source_paper(assistant):
    turn = _ask(assistant, "《让科技馆跟上科技创新》原本是哪家报纸的文章？")
    assert "江北日报" in turn.answer


def test_a_name_print_pads_with_a_space_is_one_of_two(assistant):
    turn = _ask(assistant, "《一堂车间里的安全课》是哪两位记者写的？")
    assert "韩 东" in turn.answer and "罗佳音" in turn.answer
    assert turn.short_answer is None   # two reporters: no one name is the answer


def test_a_readers_letter_is_signed_with_place_and_name(assistant):
    turn = _ask(assistant, "《社区健身器材坏了没人修》是谁写的？")
    assert turn.short_answer and turn.short_answer["text"] == "赵立新"
    assert "江北省安平市 赵立新" in turn.citations[-1].passage


def test_the_editor_is_the_credit_line_not_the_byline(assistant):
    turn = _ask(assistant, "《高校毕业生就业服务周启动》的责任编辑是谁？")
    assert turn.short_answer and turn.short_answer["text"] == "孙可欣"
    # an article without the line says so
    turn = assistant.conversation().ask("《一堂车间里的安全课》的责任编辑是谁？")
    assert not turn.found and "没有注明责任编辑" in turn.answer


@pytest.mark.parametrize("text", [
    "作者在哪个县教美术？",
    "作者当年是在哪份报纸上读到《车担卜页飞上天》的？",
    "记者在展厅看到了什么？",
])
def test_the_author_as_the_storys_subject_is_no_byline_question(text):
    assert asked_metadata(text) == ""


@pytest.mark.parametrize("text,asked", [
    ("这篇文章的作者是谁？", "author"),
    ("这篇人民时评登在哪天的人民日报？", "date"),
])
def test_byline_and_issue_questions_still_read(text, asked):
    assert asked_metadata(text) == asked


def test_a_crawler_record_with_content_markdown_is_read(tmp_path):
    from assistant.ingest.readers import load_path

    record = {"title": "职工书屋进车间", "url": "http://example.com/a",
              "content_markdown": "![](http://example.com/a.jpg)\n\n职工书屋开进了车间。\n\n"
                                  "书屋藏书[3000册](http://example.com/b)。"}
    path = tmp_path / "crawl.json"
    path.write_text(json.dumps({"data": [record]}, ensure_ascii=False), encoding="utf-8")
    articles, errors = load_path(path)
    assert not [e for e in errors if not e.kept], errors
    assert [a.paragraphs for a in articles] == [["职工书屋开进了车间。", "书屋藏书3000册。"]]


def test_a_docx_signed_with_a_bare_name_under_its_title(tmp_path):
    """人民日报's 编辑手记 prints its author's name alone under the title: the byline, not
    a second heading; a title's subtitle in a heading style stays a heading."""
    from docx import Document

    from assistant.ingest.readers import load_path

    doc = Document()
    for text, style in [("车间里的一堂课（编辑手记）", "Heading 1"), ("王小川", None),
                        ("《江南日报》（2024年06月15日 第 04 版）", None),
                        ("安全课搬到了生产线旁，工人们边看边学。", None),
                        ("职工书屋进车间", "Heading 1"), ("藏书3000册供职工借阅", "Heading 2"),
                        ("职工书屋开进了车间，午休时常有人来借书。", None)]:
        doc.add_paragraph(text, style=style)
    path = tmp_path / "page.docx"
    doc.save(str(path))
    articles, errors = load_path(path)
    assert [(a.headings, a.byline, a.authors) for a in articles] == [
        (["车间里的一堂课（编辑手记）"], "王小川", ["王小川"]),
        (["职工书屋进车间", "藏书3000册供职工借阅"], "", []),
    ]
    assert articles[0].paragraphs == ["安全课搬到了生产线旁，工人们边看边学。"]


def test_a_crawler_records_lead_names_its_reporters(tmp_path):
    """A record with no author field whose text opens with the paper's lead
    (…讯（记者 张三 通讯员 李四）) gets them as its byline and authors; the text is kept."""
    from assistant.ingest.readers import load_path

    records = [{"title": "职工夜校开学", "content": "江南日报-江南新闻网讯（记者 陈立文 通讯员 马晓）"
                                                "6月3日，职工夜校开学。"},
               {"title": "港口技能比武", "author": "欧阳静",
                "content": "江南日报6月4日电（记者 欧阳静）港口集团举办技能比武。"},
               {"title": "新华社电", "content": "新华社北京6月4日电 国务院日前印发通知。"}]
    path = tmp_path / "crawl.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")
    articles, errors = load_path(path)
    assert not errors
    assert [(a.byline, a.authors) for a in articles] == [
        ("江南日报-江南新闻网讯（记者 陈立文 通讯员 马晓）", ["陈立文", "马晓"]),
        ("", ["欧阳静"]),   # the record's own author field wins
        ("", []),           # a dateline names nobody
    ]
    assert articles[0].paragraphs[0].startswith("江南日报-江南新闻网讯")
