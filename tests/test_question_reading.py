"""What a question asks is read once from its words (qa/question.py `Question`):
the routing mistakes of substring tests (什么报 inside 报告, 几 inside 几乎, 该/其/他 inside
应该/其他, English "it/this/and" in ordinary questions) stay fixed, and the fields other
stages build on (unit, subject, asked, parts, pointers) hold what the question says. The
last tests ask over articles the test writes."""
import pytest

from conftest import index_records

from assistant.qa.followups import refers_back
from assistant.qa.metadata import asked_metadata
from assistant.qa.question import analyse


# --- routing: words, not characters -------------------------------------------------------
def test_a_report_is_not_a_newspaper():
    q = analyse("张建国做了什么报告？")
    assert q.paper == "" and q.asked == "报告" and q.kind == "other"
    assert asked_metadata("张建国做了什么报告？") == ""
    # …while asking the paper or page still is a metadata question.
    for text in ("这篇报道登在哪家报纸上？", "刊登在什么报上？", "这篇文章在第几版？",
                 "Which newspaper printed the story?"):
        assert asked_metadata(text) == "paper", text


def test_almost_is_not_how_many():
    q = analyse("为什么几乎所有保洁人员都参加了培训？")
    assert q.kind == "reason" and q.unit == ""
    assert analyse("几乎所有人都报名了吗？").kind != "number"
    assert analyse("有几名选手获奖？").kind == "number"
    assert analyse("几月几号开幕？").kind == "date"


@pytest.mark.parametrize("text", [
    "应该怎么办理社保业务？", "其他单位有多少人参加？", "职工还能享受其他哪些福利？",
    "How many nurses and doctors work at the hospital?", "What is this year's budget?",
    "How long does it take to build the road?", "Are there any canteens for workers?",
    "What did the company say it would do?", "张建国说他为什么要参加比赛？",
])
def test_ordinary_questions_do_not_point_back(text):
    q = analyse(text)
    assert not q.pointers, q.pointers
    assert not refers_back(q)


@pytest.mark.parametrize("text", [
    "那里有多少人报名？", "他们的目标是什么？", "该公司有多少职工？", "这次活动有几名选手？",
    "他今年多大？", "How many people signed up there?", "When was it founded?",
    "How many people did it employ?",
])
def test_pointing_back_is_read(text):
    q = analyse(text)
    assert q.pointers and q.anaphoric and refers_back(q)


def test_follow_up_openers():
    q = analyse("那劳模工匠创新工作室呢？")
    assert q.opener == "那" and q.elliptical == "劳模工匠创新工作室" and q.anaphoric
    assert q.subject == "劳模工匠创新工作室" and not q.pointers
    q = analyse("What about Xiangshan?")
    assert q.elliptical == "Xiangshan" and q.anaphoric
    assert analyse("And how many workers joined?").opener == "and"
    assert not analyse("How many workers and managers joined?").anaphoric


# --- the fields other stages build on -------------------------------------------------
@pytest.mark.parametrize("text, kind, unit, asked, subject", [
    ("椒江工会设立了多少家企业分院？", "number", "家", "企业分院", "椒江工会"),
    ("职工健身步道有多长？", "number", "", "", "职工健身步道"),
    ("步行道全长多少公里？", "number", "公里", "", None),
    ("项目总投资多少万元？", "number", "万元", "", None),
    ("多少人被授予全国劳动模范称号？", "number", "人", "人", "全国劳动模范称号"),
    ("电力行业的技能竞赛有多少人参赛？", "number", "人", "人", "电力行业的技能竞赛"),
    ("张建国是哪家公司的工程师？", "other", "", "公司", "张建国"),
    ("联合会主席是谁？", "person", "", "", "联合会主席"),
    ("大赛在哪里举行？", "place", "", "", "大赛"),
    ("哪个城市承办了比赛？", "place", "", "城市", None),
    ("食堂什么时候开业？", "date", "", "", "食堂"),
    ("工会是哪一年成立的？", "date", "", "", "工会"),
    ("為什麼要成立工會？", "reason", "", "", None),
    ("How many nurses work at the hospital?", "number", None, "nurses", None),
    ("When did the Jiaxing union start the service?", "date", "", "", "Jiaxing"),
])
def test_what_is_asked(text, kind, unit, asked, subject):
    q = analyse(text)
    assert q.kind == kind
    if unit is not None:
        assert q.unit == unit
    assert q.asked == asked
    if subject is not None:
        assert q.subject == subject
    assert q.words and "".join(w for w, _ in q.words).replace(" ", "") or q.is_english


def test_roles_and_rank():
    q = analyse("浙江乐业物业有限公司的工会主席是谁？")
    assert q.kind == "person" and q.roles == ["工会主席"]
    assert analyse("这是第几届比赛？").rank
    assert analyse("哪些单位获奖了？").plural


def test_several_questions_in_one():
    q = analyse("甲市和乙市的比赛各有多少名选手？")
    assert q.parts == ["甲市的比赛有多少名选手？", "乙市的比赛有多少名选手？"]
    assert q.kind == "number" and q.unit == "名" and q.asked == "选手"
    q = analyse("椒江、象山和东阳的工会分别有多少会员？")
    assert q.parts == ["椒江的工会有多少会员？", "象山的工会有多少会员？", "东阳的工会有多少会员？"]
    q = analyse("对比铁路和电力技能竞赛的参赛人数")
    assert q.comparison and q.parts == ["铁路技能竞赛的参赛人数", "电力技能竞赛的参赛人数"]
    q = analyse("椒江工会有多少会员，主席是谁？")
    assert q.parts == ["椒江工会有多少会员？", "主席是谁？"]
    q = analyse("Who wrote it? When was it published?")
    assert q.parts == ["Who wrote it?", "When was it published?"]
    # A modifier both conjuncts share stays in every part when they end in the same noun.
    q = analyse("博览会文创展区和科技展区各有多少家企业？")
    assert q.parts == ["博览会文创展区有多少家企业？", "博览会科技展区有多少家企业？"]
    # One question, whatever its commas and conjunctions.
    assert analyse("甲市和乙市的比赛一共有多少名选手？").parts == []
    assert analyse("今年以来，椒江工会设立了多少家企业分院？").parts == []


# --- over articles the test writes ------------------------------------------------------
RECORDS = [
    {"title": "市总工会召开劳模工匠座谈会",
     "content": "6月5日，市总工会召开劳模工匠座谈会。省劳动模范张建国在会上作了题为《产业工人"
                "技能提升的实践》的报告。与会职工代表共有120人。"},
    {"title": "家政公司开展保洁人员技能培训",
     "content": "由于公司把技能等级与工资挂钩，几乎所有保洁人员都报名参加了培训。今年共有86名"
                "保洁人员参加培训，其中女职工52名。"},
]


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    from assistant.service.pipeline import Assistant

    index_dir, _ = index_records(tmp_path_factory.mktemp("question-reading"), RECORDS)
    return Assistant(index_dir)


def test_what_report_is_answered_from_the_story(written):
    turn = written.conversation().ask("张建国做了什么报告？")
    assert turn.found, turn.answer
    assert "产业工人技能提升的实践" in turn.answer
    assert not any(c.field for c in turn.citations)   # the story, not the paper's name


def test_why_almost_all_gets_no_number(written):
    turn = written.conversation().ask("为什么几乎所有保洁人员都参加了培训？")
    assert turn.found, turn.answer
    assert "挂钩" in turn.answer
    assert turn.short_answer is None   # no "86名" put first as if asked how many


# --- follow-ups keep their subject ------------------------------------------------------
FOLLOW_RECORDS = [
    {"title": "椒江区总工会组建职工志愿服务队",
     "content": "近日，椒江区总工会组建了一支由80名劳模工匠组成的职工志愿服务队。服务队的目标是"
                "三年内为一万名困难职工提供技能帮扶。"},
    {"title": "椒江工会推进产业工人队伍建设",
     "content": "今年以来，椒江区总工会在重点企业设立企业分院10家，建成劳模工匠创新工作室50家，"
                "培育技能人才3200人。"},
    {"title": "路桥区开展职工技能比武",
     "content": "路桥区总工会举办职工技能比武，共有26家企业的300名职工参赛。"},
]


@pytest.fixture(scope="module")
def follow(tmp_path_factory):
    from assistant.service.pipeline import Assistant

    index_dir, _ = index_records(tmp_path_factory.mktemp("follow-ups"), FOLLOW_RECORDS)
    return Assistant(index_dir)


def test_their_goal_after_the_group_is_answered(follow):
    conv = follow.conversation()
    turn = conv.ask("椒江区总工会组建了一支什么队伍？")
    assert turn.found and "志愿服务队" in turn.answer
    turn = conv.ask("他们的目标是什么？")
    assert turn.found, conv.retrievals[-1].reason
    assert "一万名困难职工" in turn.answer
    assert {c.heading for c in turn.citations} == {FOLLOW_RECORDS[0]["title"]}
    assert turn.standalone_question and "他们" not in turn.standalone_question
    assert turn.to_dict()["standalone_question"] == turn.standalone_question


def test_what_about_x_asks_the_earlier_fact_of_x(follow):
    conv = follow.conversation()
    turn = conv.ask("椒江工会设立了多少家企业分院？")
    assert turn.found and "10家" in turn.answer
    turn = conv.ask("那劳模工匠创新工作室呢？")
    assert turn.standalone_question == "椒江工会设立了多少家劳模工匠创新工作室？"
    assert turn.found, conv.retrievals[-1].reason
    assert "50家" in turn.answer
    assert not turn.short_answer or turn.short_answer["text"] == "50家"


def test_what_about_x_the_articles_do_not_answer_is_refused(follow):
    conv = follow.conversation()
    assert conv.ask("椒江工会设立了多少家企业分院？").found
    turn = conv.ask("那职工书屋呢？")
    assert turn.standalone_question == "椒江工会设立了多少家职工书屋？"
    assert not turn.found and not turn.short_answer
    assert "10家" not in turn.answer


def test_what_about_x_then_a_question_without_subject(follow):
    conv = follow.conversation()
    assert conv.ask("椒江区总工会组建了一支什么队伍？").found
    turn = conv.ask("那椒江区总工会呢？设立了几家企业分院？")
    assert turn.standalone_question == "椒江区总工会设立了几家企业分院？"
    assert turn.found and "10家" in turn.answer


def test_what_about_x_replaces_the_asked_thing_only_with_a_thing():
    from assistant.qa.followups import substitute

    assert substitute("椒江工会设立了多少家企业分院？", "劳模工匠创新工作室") == \
        "椒江工会设立了多少家劳模工匠创新工作室？"
    assert substitute("椒江工会设立了多少家企业分院？", "象山") == "象山工会设立了多少家企业分院？"
    # An ordinal is no kind of thing: 新人 stays what is counted.
    assert "新人" in substitute("普者黑的集体婚礼第一届有多少对新人？", "第二届")
