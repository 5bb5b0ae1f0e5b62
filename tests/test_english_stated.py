"""English questions (how many / who / when) over a Chinese union article this test writes:
the answer cites it and quotes the sentence holding the asked figure, name or date; and the
sentence an English answer adds (`ExtractiveAnswerer.most_stated`) is the one stating the
question's words.

The article holds several figures in neighbouring sentences (registered workers, nurses,
prize winners), so the sentence is told apart by what it counts; a second article on
another union event holds other figures."""

import pytest

from conftest import index_records

RECORDS = [
    {"title": "椒江区总工会举办第五届职工技能大赛",
     "content": "3月15日，椒江区总工会在区体育馆举办第五届职工技能大赛。"
                "本次大赛共有来自42家企业的318名职工报名参赛。"
                "其中，护理组共有56名护士参加比赛。"
                "开幕式由区总工会主席王建国主持。"
                "经过两天的比拼，共有24名选手获得一等奖。"},
    {"title": "黄岩区总工会开展职工疗休养活动",
     "content": "今年以来，黄岩区总工会组织1200名一线职工分批参加疗休养活动。"
                "活动覆盖全区87家企业，每批疗休养时间为五天。"
                "区总工会副主席李明表示，疗休养名额优先安排给劳动模范和技术骨干。"},
]


@pytest.fixture(scope="module")
def union(tmp_path_factory):
    from assistant.service.pipeline import Assistant

    index_dir, _ = index_records(tmp_path_factory.mktemp("english-stated"), RECORDS)
    return Assistant(index_dir)


def _ask(assistant, question):
    turn = assistant.conversation().ask(question)
    assert turn.found, f"refused: {question}"
    assert turn.citations[0].heading == RECORDS[0]["title"], question
    return turn


def test_how_many_nurses_quotes_the_nurses_figure(union):
    turn = _ask(union, "How many nurses took part in the skills competition?")
    assert "56名护士" in turn.answer


def test_how_many_workers_signed_up_quotes_the_registration_figure(union):
    turn = _ask(union, "How many workers signed up for the fifth skills competition in "
                       "Jiaojiang?")
    assert "318名职工" in turn.answer


def test_who_hosted_the_opening_ceremony(union):
    turn = _ask(union, "Who hosted the opening ceremony of the skills competition?")
    assert "王建国" in turn.answer


def test_when_was_the_competition_held(union):
    turn = _ask(union, "When was the fifth workers' skills competition held?")
    assert "3月15日" in turn.answer


def test_the_added_sentence_states_the_asked_words(union):
    """`most_stated` picks, of the best candidates, the sentence stating the question's
    words (nurses: 护士), and it says nothing for a Chinese question."""
    from assistant.qa.question import analyse

    answerer = union.answerer
    question = analyse("How many nurses took part in the skills competition?")
    _, retrieval = answerer.answer(question.text, question=question)
    stated = answerer.most_stated(question, retrieval.candidates)
    assert stated is not None and "护士" in stated.text
    assert stated.align is not None and stated.align > 0
    zh = analyse("有多少名护士参加了比赛？")
    _, retrieval = answerer.answer(zh.text, question=zh)
    assert answerer.most_stated(zh, retrieval.candidates) is None
