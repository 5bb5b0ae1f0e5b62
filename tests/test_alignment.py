"""English questions over Chinese articles: a word the dictionary does not translate still
counts when the sentence states it in its own words (dome / 球幕, viewers / 观众), found
by word alignment through the real bundled embedder; a question asking what the article
does not state is refused. Articles written here, on topics the seed page does not have."""

import pytest

from conftest import index_records

RECORDS = [
    {"title": "冷湖天文观测基地迎来新望远镜",
     "content": "位于青海冷湖的天文观测基地日前迎来一台大视场巡天望远镜。这台望远镜的主镜口径为2.5米，"
                "由中国科学技术大学和紫金山天文台联合研制。望远镜将主要用于观测近地小行星和彗星。"
                "冷湖地区海拔约4000米，全年晴夜超过280天，大气透明度高。"},
    {"title": "科技馆天象厅改造后重新开放",
     "content": "市科技馆天象厅经过半年改造，于本周六重新对公众开放。改造后的球幕直径达到18米，"
                "可同时容纳200名观众。天象厅每天放映四场星空节目，门票为每人30元。"},
    {"title": "跨江大桥主体工程完工",
     "content": "经过三年建设，连接南北两岸的跨江大桥主体工程日前完工。大桥全长12公里，主跨1100米，"
                "设计时速100公里。大桥预计明年春节前通车，届时两岸车程将从一小时缩短到十五分钟。"},
    {"title": "城市马拉松报名火爆",
     "content": "今年城市马拉松赛报名人数再创新高，共有三万余名跑者报名参赛。赛事设全程、半程和迷你跑三个项目，"
                "起点设在市民广场。组委会表示，将通过抽签确定参赛名单。"},
    {"title": "动物园大熊猫产下双胞胎",
     "content": "市动物园的大熊猫“圆圆”日前顺利产下一对双胞胎幼崽，两只幼崽分别重150克和120克。"
                "饲养员介绍，母子状态良好，幼崽将在保育箱中接受全天候照料。"},
    {"title": "老城区菜市场完成改造",
     "content": "老城区中心菜市场改造工程近日完工，市场新增摊位60个，并安装了空调和电子显示屏。"
                "改造后的市场每天早上六点开门，晚上八点关门。"},
]


@pytest.fixture(scope="module")
def town(tmp_path_factory):
    from assistant.service.pipeline import Assistant

    index_dir, _ = index_records(tmp_path_factory.mktemp("town-news"), RECORDS)
    return Assistant(index_dir)


@pytest.mark.parametrize("question, heading, fact", [
    ("How much is a planetarium ticket?", RECORDS[1]["title"], "30元"),
    ("How many viewers can the planetarium hold?", RECORDS[1]["title"], "200"),
])
def test_an_attribute_stated_in_other_words_is_answered(town, question, heading, fact):
    turn = town.conversation().ask(question)
    assert turn.found, turn.answer
    assert turn.citations[0].heading == heading
    assert fact in turn.answer


@pytest.mark.parametrize("question", [
    "What is the height of the planetarium dome?",         # its diameter is given, not its height
    "How much does parking at the planetarium cost?",      # a ticket's price is given
])
def test_an_attribute_the_articles_do_not_state_is_refused(town, question):
    turn = town.conversation().ask(question)
    assert not turn.found, turn.answer


SEATS = "改造后的球幕直径达到18米，可同时容纳200名观众。"
TICKETS = "天象厅每天放映四场星空节目，门票为每人30元。"
SITE = "冷湖地区海拔约4000米，全年晴夜超过280天，大气透明度高。"
RUNNERS = "今年城市马拉松赛报名人数再创新高，共有三万余名跑者报名参赛。"


@pytest.mark.parametrize("word, stating, silent", [
    ("dome", SEATS, TICKETS),        # 球幕
    ("altitude", SITE, SEATS),       # 海拔
    ("runners", RUNNERS, SITE),      # 跑者
])
def test_alignment_finds_the_word_the_dictionary_does_not_give(town, word, stating, silent):
    """An English word with no dictionary word in the index counts for a sentence that
    states it in its own words, and not for one that does not."""
    from assistant.qa import alignment

    words = alignment.question_words(town.answerer.index, f"Which {word}?")
    assert words.words == [word] and not words.translations[0]
    assert words.dictionary_share(stating) == 0.0
    assert words.coverage(stating) == 1.0
    assert words.coverage(silent) == 0.0
