"""One conversation path (qa/routing.py, qa/engines.py, conversation.check_question):
a question is checked once, routed once to an intent, and a fact answered by the
ordered attempts of `engines.fact_attempts`."""
import pytest

from assistant import limits
from assistant.qa.conversation import CheckedQuestion, NotAQuestion, QuestionError, check_question
from assistant.qa.engines import ExtractiveEngine, fact_attempts
from assistant.qa.routing import FACT, FOLLOW_UP, LIST, METADATA, Earlier, route


def test_a_checked_question_is_not_checked_again():
    q = check_question("  嘉兴市总工会启动了什么活动？ ")
    assert isinstance(q, CheckedQuestion) and q == "嘉兴市总工会启动了什么活动？"
    assert check_question(q) is q


def test_question_errors_name_the_problem_and_its_figures():
    with pytest.raises(QuestionError) as empty:
        check_question("   ")
    assert empty.value.problem == "empty"
    limit = limits.current().question_chars
    with pytest.raises(QuestionError) as long:
        check_question("问" * (limit + 1))
    assert long.value.problem == "too_long"
    assert long.value.values == {"n": limit + 1, "limit": limit}
    with pytest.raises(NotAQuestion) as markup:
        check_question("<script></script>")
    assert markup.value.problem == "not_a_question"


def test_route_reads_the_kind_of_question(seed_assistant):
    answerer = seed_assistant.answerer
    meta = route("这篇报道是谁写的？", [], answerer)
    assert meta.kind == METADATA and meta.asked == "author"
    assert route("列出嘉兴市总工会启动的活动", [], answerer).kind == LIST
    fact = route("嘉兴市总工会启动了什么活动？", [], answerer)
    assert fact.kind == FACT and fact.earlier == Earlier()
    assert fact.question.text == fact.text and not fact.readings
    assert [a.adds for a in fact_attempts(fact, [], answerer)] == ["nothing"]


def test_follow_up_is_routed_with_its_reading(seed_assistant):
    conv = seed_assistant.conversation()
    first = conv.ask("嘉兴市总工会启动了什么活动？")
    assert first.found
    follow = route("那台州市总工会呢？", conv.turns, conv.extractive)
    assert follow.kind == FOLLOW_UP
    assert follow.earlier.text == first.question and follow.earlier.articles
    assert [r.text for r in follow.readings] == ["台州市总工会启动了什么活动？"]
    attempts = fact_attempts(follow, conv.turns, conv.extractive)
    # "那X呢？" stays with its reading: found or not, that answer stands.
    assert attempts[0].adds == "reading" and attempts[0].final
    assert attempts[0].must_name == "台州市总工会"
    # An LLM engine rewrites follow-ups itself: routed as a fact.
    assert route("那台州市总工会呢？", conv.turns, conv.extractive,
                 rule_readings=False).kind == FACT


def test_a_fact_after_an_answer_retries_with_the_earlier_question(seed_assistant):
    conv = seed_assistant.conversation()
    assert conv.ask("嘉兴市总工会启动了什么活动？").found
    intent = route("鹊桥活动将持续到什么时候？", conv.turns, conv.extractive)
    assert intent.kind == FACT
    attempts = fact_attempts(intent, conv.turns, conv.extractive)
    assert [(a.adds, a.final) for a in attempts] == [("nothing", False),
                                                     ("earlier question", True)]
    assert attempts[1].context == intent.earlier.text
    turn, retrieval, question = ExtractiveEngine(conv.answerer).answer(intent, conv.turns)
    assert question is intent.question


def test_the_ui_says_question_errors_in_its_language():
    from assistant.apps.ui.app import ChatApp

    assert ChatApp.check(" 问题？ ", "zh-CN") == "问题？"
    with pytest.raises(QuestionError, match="问题为空"):
        ChatApp.check("  ", "zh-CN")
    limit = limits.current().question_chars
    with pytest.raises(QuestionError) as long:
        ChatApp.check("問" * (limit + 1), "zh-TW")
    assert str(long.value) == f"問題有 {limit + 1:,} 個字元，超過上限 {limit:,}：請縮短問題"
    with pytest.raises(QuestionError, match="^无法提问："):
        ChatApp.check("<script></script>", "zh-CN")
