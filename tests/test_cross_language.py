"""Follow-ups keep their subject across languages: "那里有多少人报名？" after an English
question about the Jiaxing union answers from the Jiaxing article, and the reverse."""

import pytest

from conftest import index_records

# Two articles that both count sign-ups, so a follow-up that lost its subject can land
# on the wrong one, and a third on something else.
RECORDS = [
    {"title": "嘉兴市总工会启动单身职工交友服务季",
     "content": "日前，嘉兴市总工会联合多部门启动单身职工婚恋交友服务季活动。活动将持续到年底，"
                "通过一系列服务活动促进单身青年职工相识相知。首场联谊活动共有320名单身职工报名。"},
    {"title": "衢州职工围棋大赛开赛",
     "content": "衢州市总工会举办的全国职工围棋大赛日前开赛。截至目前，来自全国各地报名参加"
                "大赛的职工已超200人。大赛报名将持续到下月。"},
    {"title": "椒江工会推出工匠培育行动",
     "content": "台州市椒江区总工会推出“十匠”行动，今年已培育工匠54500人次。"},
]


@pytest.fixture(scope="module")
def two_contests(tmp_path_factory):
    from assistant.service.pipeline import Assistant

    index_dir, _ = index_records(tmp_path_factory.mktemp("two-contests"), RECORDS)
    return Assistant(index_dir)


def _headings(turn):
    return {c.heading for c in turn.citations}


@pytest.mark.parametrize("first, follow_up", [
    ("What did the Jiaxing trade union launch?", "那里有多少人报名？"),
    ("嘉兴市总工会启动了什么活动？", "How many people signed up there?"),
])
def test_follow_up_in_the_other_language_keeps_the_subject(two_contests, first, follow_up):
    conv = two_contests.conversation()
    turn = conv.ask(first)
    assert turn.found and _headings(turn) == {RECORDS[0]["title"]}
    turn = conv.ask(follow_up)
    assert turn.found, conv.retrievals[-1].reason
    assert _headings(turn) == {RECORDS[0]["title"]}
    assert "320" in turn.answer and "200" not in turn.answer


def test_without_the_earlier_turn_the_question_goes_elsewhere(two_contests):
    """The same follow-up asked alone is answered from another article: what keeps it
    on Jiaxing above is the conversation, not the question."""
    turn = two_contests.conversation().ask("那里有多少人报名？")
    assert RECORDS[0]["title"] not in _headings(turn)


def test_an_unanswered_earlier_question_still_gives_the_subject(seed_assistant):
    """On the seed page: whether or not the English question is answered, the Chinese
    follow-up does not answer from the Quzhou article (the only one counting sign-ups)."""
    conv = seed_assistant.conversation()
    conv.ask("What did the Jiaxing trade union launch?")
    turn = conv.ask("那里有多少人报名？")
    assert all("嘉兴" in seed_assistant.index.article(c.article_id).text
               for c in turn.citations)
    assert "衢州" not in turn.answer
