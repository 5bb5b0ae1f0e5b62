"""Questions about an article rather than its story, read from the question's words
(qa/metadata.py `_asked_by_words`): who wrote or photographed it asked with a
verb of writing or photographing, the author's identity (作者是什么身份: the end note
"（作者系…）", not the byline's name), which day a paper carried it, and an article named
by its heading in 《》. Asked over articles this test writes."""
import pytest

from assistant.qa.metadata import asked_metadata
from assistant.qa.question import analyse, matches_kind
from assistant.records import Article

ARTICLES = [
    Article(
        id="essay", source="page-1.txt", date="2024-06-07", newspaper="学习周报",
        page="第05版", headings=["把职工夜校办到车间门口"], byline="王立群",
        authors=["王立群"],
        paragraphs=[
            "职工夜校开到车间门口，下班后的一小时成了不少青年工人的学习时间。",
            "夜校课程由企业工会和技师学院共同开发，每学期开设8门课程。",
            "〔作者系江南市总工会（职工服务中心）宣教部部长〕",
        ]),
    Article(
        id="brief", source="page-1.txt", date="2024-06-07", newspaper="学习周报",
        page="第05版", headings=["江南市举办工会干部培训班"], byline="本报讯",
        authors=["孙晓", "钱敏"],
        paragraphs=[
            "本报讯 6月3日，江南市总工会举办基层工会干部培训班，120名工会干部参加培训。",
            "培训班围绕工会财务和劳动法律监督开设专题课程。（孙晓 钱敏）",
        ]),
    Article(
        id="photo", source="page-2.txt", date="2024-06-08", newspaper="江南晚报",
        page="第02版", headings=["清晨的菜场"], byline="本报记者 周文 吴迪 摄影报道",
        authors=["周文", "吴迪"], photographers=["周文", "吴迪"],
        paragraphs=[
            "清晨五点，江南市东门菜场的摊主们已经开始忙碌。",
            "新鲜蔬菜从城郊基地运来，一个小时内就摆上了摊位。",
        ]),
]


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    from assistant.service.pipeline import Assistant
    from assistant.index.build import build_index

    folder = tmp_path_factory.mktemp("article-questions")
    build_index(ARTICLES, folder)
    return Assistant(folder)


@pytest.mark.parametrize("text,asked", [
    ("这条消息是哪位记者写的？", "author"),
    ("《清晨的菜场》是哪两位记者拍摄报道的？", "photographer"),
    ("这篇评论的作者是什么身份？", "role"),
    ("《把职工夜校办到车间门口》的作者是什么职务？", "role"),
    ("作者单位是哪里？", "role"),
    ("江南晚报哪天报道了东门菜场？", "date"),
    ("哪天刊登了这篇消息？", "date"),
    # story questions stay story questions
    ("国家统计局哪天发布了数据？", ""),
    ("记者在菜场看到了什么？", ""),
    ("谁在会上讲了话？", ""),
    ("他是什么职务？", ""),
])
def test_what_is_asked_about_an_article_is_read_from_words(text, asked):
    assert asked_metadata(text) == asked


def test_a_dateline_is_not_the_date_asked():
    assert not matches_kind("date", "新华社福州4月28日电")
    assert not matches_kind("date", "本报北京4月28日电 （记者张三）")
    assert matches_kind("date", "峰会于4月29日开幕。")
    assert not matches_kind("date", "请在30日内办理。")


def test_the_authors_identity_is_the_end_note(assistant):
    turn = assistant.conversation().ask("《把职工夜校办到车间门口》的作者是什么身份？")
    assert turn.found and "宣教部部长" in turn.answer
    cite = turn.citations[0]
    assert cite.article_id == "essay"
    # the whole note, brackets inside it counted
    assert cite.passage == "〔作者系江南市总工会（职工服务中心）宣教部部长〕"
    assert ARTICLES[0].field_text(cite.field)[cite.start:cite.end] == cite.passage


def test_who_wrote_a_titled_article_is_its_byline_not_the_note(assistant):
    turn = assistant.conversation().ask("《把职工夜校办到车间门口》的作者是谁？")
    assert turn.found and turn.short_answer["text"] == "王立群"
    assert turn.citations[0].field == "byline"


def test_a_news_item_signed_in_brackets_names_its_authors(assistant):
    # 本报讯 on the byline line, the names in the closing bracket (the reader's authors)
    turn = assistant.conversation().ask("江南市工会干部培训班的报道是谁写的？")
    assert turn.found and "孙晓" in turn.answer and "钱敏" in turn.answer
    assert turn.citations[0].article_id == "brief" and turn.citations[0].field == "authors"


def test_two_reporters_who_photographed_and_reported(assistant):
    turn = assistant.conversation().ask("《清晨的菜场》是哪两位记者拍摄报道的？")
    assert turn.found and "周文" in turn.answer and "吴迪" in turn.answer
    assert turn.citations[0].article_id == "photo"


def test_which_day_a_paper_carried_it(assistant):
    turn = assistant.conversation().ask("学习周报哪天报道了江南市工会干部培训班？")
    assert turn.found and "2024-06-07" in turn.answer
    assert turn.citations[0].field == "date"


# --- question reading the categories above rely on ---------------------------------------
def test_which_of_a_number_of_items_asks_which_not_how_many():
    # 哪 and a numeral ask which items: 哪几类 is no count, 哪几点 no time of day
    for text in ("新条例把补贴分为哪几类？", "专家提醒出游要注意哪几点？", "该市要打造哪三大产业？",
                 "哪两位选手获得了金奖？"):
        q = analyse(text)
        assert q.kind != "number" and q.kind != "date" and q.plural, text
    assert analyse("新条例把补贴分为几类？").kind == "number"
    assert analyse("几点开幕？").kind in ("number", "date")


def test_joined_verbal_nouns_and_phrases_with_zhi_are_parts():
    # 出口 和 进口 (verbal nouns) before 分别: two things asked each
    assert analyse("去年我省出口和进口分别是多少？").parts == [
        "去年我省出口是多少？", "去年我省进口是多少？"]
    # two whole noun phrases ending in one head, the second holding 之
    assert analyse("去年查处作风建设问题和奢靡之风问题各多少起？").parts == [
        "去年查处作风建设问题多少起？", "去年查处奢靡之风问题多少起？"]
    # a bare head before the conjunction (违规 吃喝/v 问题) or a cut inside 之: whole
    assert analyse("今年查处违规吃喝问题和奢靡之风问题各多少起？").parts == []
    # one thing counted together stays one question
    assert analyse("去年我省出口和进口一共是多少？").parts == []


def test_a_traditional_question_is_embedded_as_simplified():
    import numpy as np

    from assistant.index.embedding import resolve_embedder

    emb = resolve_embedder(None)
    trad = emb.embed_query("東德人民議會選舉定於何日舉行？")
    simp = emb.embed_query("东德人民议会选举定于何日举行？")
    assert np.allclose(trad, simp)
    # passages keep their own script
    p_trad, p_simp = emb.embed_passages(["東德人民議會選舉", "东德人民议会选举"])
    assert not np.allclose(p_trad, p_simp)
