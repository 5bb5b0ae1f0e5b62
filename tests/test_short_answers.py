"""Short answers that are the asked one, several questions in one, quoted sentences the
instruction guard flags, and the verifier reading Chinese numerals (issue 17, items 3, 5,
7 and 8), over articles written here and indexed with the real embedder."""
from __future__ import annotations

import pytest

from assistant.answering.numbers import mentions, value_of, value_range
from assistant.answering.verify import Source, Verifier, number_values

from conftest import index_records

ARTICLES = [
    {"id": "awards", "title": "全国劳动模范和先进工作者表彰大会在京召开",
     "content": "本报讯 全国劳动模范和先进工作者表彰大会昨日在北京人民大会堂隆重召开。\n"
                "据了解，1670人被授予全国劳动模范称号，756人被授予全国先进工作者称号。\n"
                "受表彰的劳动模范来自各行各业，其中一线职工和专业技术人员占多数。",
     "date": "2025-04-29"},
    {"id": "trail", "title": "城东职工健身步道建成开放",
     "content": "市总工会为职工建设的城东职工健身步道近日建成开放。\n"
                "职工健身步道全长12.5公里，沿途设有休息驿站8个。\n"
                "步道沿河而建，串起了园区内的十多家企业。",
     "date": "2025-05-10"},
    {"id": "factory", "title": "红星机械厂工会为女职工办实事",
     "content": "红星机械厂是一家有六十年历史的老厂。\n"
                "全厂现有职工1200人，其中女职工320人。\n"
                "厂工会今年为女职工开展了免费健康体检，还在车间设立了爱心妈咪小屋。",
     "date": "2025-03-08"},
    {"id": "company", "title": "华丰纺织公司工会举办职工运动会",
     "content": "华丰纺织公司工会近日举办第五届职工运动会。\n"
                "该公司现有职工367人，此次运动会共设12个比赛项目。\n"
                "公司工会主席李秀兰说，运动会让职工在工作之余强身健体。",
     "date": "2025-06-01"},
]


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    from assistant.retrieval.store import NewsIndex

    folder, _ = index_records(tmp_path_factory.mktemp("short-answers"), ARTICLES)
    return NewsIndex.load(folder)


def _sources(index, article_id: str) -> list[Source]:
    """The article's chunks as numbered sources, as the LLM answerer gives them."""
    out = []
    for ch in index.chunks:
        if ch.article_id != article_id:
            continue
        art = index.articles[ch.article_id]
        out.append(Source(n=len(out) + 1, article_id=art.id, heading=art.heading,
                          source=art.source, start=ch.start, end=ch.end,
                          passage=art.text[ch.start:ch.end],
                          sentence_keys=[(art.id, s, e) for s, e in ch.sentences]))
    return out


# numbers ---------------------------------------------------------------------------------
def test_numbers_read_in_every_writing():
    assert value_of("九百") == 900 and value_of("三百六十七") == 367
    assert value_of("1.2万") == 12000 and value_of("两千余") == 2000
    assert value_of("54,500") == 54500 and value_of("百分之三十") == 30
    assert value_of("职工") is None


def test_a_number_keeps_its_whole_unit():
    text = "职工健身步道全长12.5公里，投资1.2万元，两千余名职工参加，共54,500人次。"
    got = [(m.text_in(text), m.value, m.unit) for m in mentions(text)]
    assert got == [("12.5公里", 12.5, "公里"), ("1.2万元", 12000, "元"),
                   ("两千余名", 2000, "名"), ("54,500人次", 54500, "人次")]


def test_numeral_characters_inside_words_are_no_numbers():
    assert mentions("大家一起统一行动，一些职工十分满意，千万不要大意。") == []
    text = "2024年10月14日，第3名"
    got = [(m.text_in(text), m.date, m.rank) for m in mentions(text)]
    assert got == [("2024年", True, False), ("10月", True, False), ("14日", True, False),
                   ("3名", False, True)]


def test_round_figures_stand_for_a_range():
    for text, lo, hi in [("两千余名", 2000, 3000), ("2500多人", 2500, 2600),
                         ("近200名", 160, 200)]:
        assert value_range(text, mentions(text)[0]) == (lo, hi)


# item 8: the verifier reads Chinese numerals ----------------------------------------------
def test_verifier_numbers_in_chinese_numerals():
    assert number_values("该公司有职工九百人") == [{"900"}]
    assert number_values("三百六十七名职工") == [{"367"}]
    # one numeral character is a count in a passage, a word as often in a claim
    assert number_values("两岸三地") == []
    assert number_values("三名职工", all_chinese=True) == [{"3"}]


@pytest.mark.parametrize("claim, supported", [
    ("该公司有职工九百人[1]。", False),        # the passage says 367
    ("该公司有职工三百六十七人[1]。", True),
    ("该公司有职工两千余人[1]。", False),
    ("该公司现有职工367人[1]。", True),
    ("此次运动会共设十二个比赛项目[1]。", True),
])
def test_verifier_compares_values_of_chinese_numerals(index, claim, supported):
    sources = _sources(index, "company")
    got = Verifier(index).verify(claim, sources)
    assert got.sentences[0]["supported"] is supported, got.sentences


def test_a_one_character_numeral_supports_only_the_same_count(index):
    """"运动会设三个项目" states 3 items: "3个项目" is supported, "3 people" is not."""
    from assistant.answering.verify import _short_numerals, counted_units

    hay = _short_numerals("本届运动会设三个项目，两对夫妻参赛。")
    assert ("3", "个") in hay and ("2", "对") in hay
    assert counted_units("设3个项目，共367人") == {"3": {"个"}, "367": {"人"}}
