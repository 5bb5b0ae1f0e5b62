"""English questions over Chinese articles that are alike: the answer comes from the one
article that says what was asked, and quotes the sentence that says it.

The articles are written here (city libraries, nothing of the seed page): each is several
sentences on the same kind of things (opening hours, visitors, dates), so the article is
told apart by one sentence. A chunk's vector averages its sentences; English retrieval
also weighs each chunk's best sentence (`retrievers.DenseRetriever`)."""

import pytest

from conftest import index_records

RECORDS = [
    {"title": "宁波图书馆应对台风",
     "content": "宁波图书馆新馆于2018年10月正式开放，馆藏图书超过两百万册。台风来临前，"
                "宁波图书馆的工作人员把一楼书库的古籍全部搬到了五楼。图书馆周末开放到晚上九点。"
                "去年全年接待读者一百二十万人次。"},
    {"title": "温州图书馆推出夜间阅读",
     "content": "温州图书馆于2016年5月完成改建，馆藏图书一百五十万册。图书馆在暑假期间把"
                "开放时间延长到晚上十点，方便学生自习。去年全年接待读者九十万人次。"
                "馆内新设了儿童绘本区。"},
    {"title": "绍兴图书馆开展天文活动",
     "content": "绍兴图书馆于2012年迁入新址，馆藏图书一百万册。图书馆开始向持证读者免费出借"
                "天文望远镜，每次可借七天。周末开放到晚上八点。去年全年接待读者六十万人次。"},
    {"title": "湖州图书馆举办读书月",
     "content": "湖州图书馆于2015年9月开放新馆，馆藏图书八十万册。读书月期间，图书馆举办了"
                "三十场讲座和十场亲子阅读会。去年全年接待读者五十万人次。"},
]


@pytest.fixture(scope="module")
def libraries(tmp_path_factory):
    from assistant.service.pipeline import Assistant

    index_dir, _ = index_records(tmp_path_factory.mktemp("libraries"), RECORDS)
    return Assistant(index_dir)


def _ask(assistant, question):
    turn = assistant.conversation().ask(question)
    assert turn.found, f"refused: {question}"
    return turn


def test_the_one_library_that_lends_telescopes(libraries):
    turn = _ask(libraries, "Which library lends telescopes to its readers?")
    assert {c.heading for c in turn.citations} == {RECORDS[2]["title"]}
    assert "望远镜" in turn.citations[0].passage


def test_a_when_clause_does_not_make_it_a_date_question(libraries):
    """'What did … do when …?' asks what was done: the answer quotes the sentence about
    moving the old books and does not open with a date as if one had been asked."""
    turn = _ask(libraries, "What did the library staff do with the old books when the "
                           "typhoon came?")
    assert {c.heading for c in turn.citations} == {RECORDS[0]["title"]}
    assert "古籍" in turn.answer
    assert turn.short_answer is None


def test_a_question_asking_when_still_gets_the_date(libraries):
    turn = _ask(libraries, "When did the Wenzhou library finish its rebuilding?")
    assert {c.heading for c in turn.citations} == {RECORDS[1]["title"]}
    assert "2016年5月" in turn.answer
    assert turn.short_answer and "2016" in turn.short_answer["text"]
