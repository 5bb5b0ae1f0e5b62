"""English questions over Chinese articles through the bilingual dictionary (CC-CEDICT).

The articles are written here, on topics and with words the seed page does not have (a
railway freight-car repair contest, a hospital nurse award, a library), so the English
path can only answer them through the general dictionary, not through a word list fitted
to the sample.
"""
import ast
import importlib.util
from pathlib import Path

import pytest

from assistant.qa import bilingual
from assistant.qa.question import analyse
from assistant.records import Article

ROOT = Path(__file__).resolve().parent.parent

ARTICLES = [
    Article(id="rail", headings=["铁路货车检修技能竞赛在株洲落幕"], source="test", paragraphs=[
        "11月20日，由湖南省总工会和广州铁路局联合举办的铁路货车检修职业技能竞赛在株洲落幕。",
        "本次竞赛共有来自12个车辆段的126名选手参赛，比赛分为理论考试和实际操作两个部分。",
        "经过两天的激烈角逐，株洲车辆段的刘建华获得第一名，被授予“技术能手”称号。",
    ]),
    Article(id="nurse", headings=["市人民医院护士获评省级优秀护士"], source="test", paragraphs=[
        "近日，省卫生健康委员会公布了年度优秀护士名单，市人民医院急诊科护士张丽榜上有名。",
        "张丽从事护理工作十五年，先后参与抢救危重病人三千多人次。",
        "医院今年共有28名护士参加了全省护理技能培训。",
    ]),
    Article(id="library", headings=["城东图书馆新馆正式开放"], source="test", paragraphs=[
        "城东图书馆新馆于本周六正式向读者开放，新馆面积一万二千平方米。",
        "新馆藏书四十万册，设有少儿阅览室和自习室，每天开放十二个小时。",
    ]),
]


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    from assistant.service.pipeline import Assistant
    from assistant.index.build import build_index

    folder = tmp_path_factory.mktemp("bilingual-index")
    build_index(ARTICLES, folder)
    return Assistant(folder)


def _extractive(assistant):
    return getattr(assistant.answerer, "extractive", assistant.answerer)


@pytest.mark.parametrize("question,article,expected,dictionary_words", [
    ("How many contestants took part in the railway freight car repair skills competition?",
     "rail", "126", {"铁路"}),
    ("How many nurses took part in the nursing skills training?", "nurse", "28", {"护士"}),
    ("How large is the floor area of the new library?", "library", "一万二千平方米",
     {"图书馆"}),
])
def test_english_questions_answered_through_the_dictionary(assistant, question, article,
                                                           expected, dictionary_words):
    q = analyse(question)
    assert q.is_english and not q.names   # no pinyin name to lean on: words only
    groups = _extractive(assistant).bridge_groups(q)
    bridged = {w for g in groups for w in g}
    assert dictionary_words <= bridged, groups
    # Every bridged word is a dictionary translation of one of the question's words
    # (or two-word phrases), and a word of the index.
    words = [w for _, w in bilingual.english_words(question)]
    for zh in bridged:
        assert zh in assistant.index.sparse.vocab
        assert any(zh in dict(bilingual.candidates(w)) for w in words) or \
            any(zh in dict(bilingual.phrase_candidates(a, b)) for a, b in zip(words, words[1:]))
    turn = assistant.conversation().ask(question)
    assert turn.found, turn.answer
    assert turn.answer.startswith("According to the articles: ")
    assert turn.citations[0].article_id == article
    assert expected in turn.answer
    art = assistant.index.articles[article]
    for c in turn.citations:   # the Chinese is quoted verbatim
        assert art.text[c.start:c.end] == c.passage and c.passage in turn.answer


def test_english_question_off_the_articles_is_refused(assistant):
    turn = assistant.conversation().ask("What is the population of Beijing?")
    assert not turn.found and not turn.citations


def test_counted_noun_gets_its_measure_word_from_the_dictionary():
    assert bilingual.counted_noun("How many nurses took part in the training?") == "nurses"
    assert bilingual.counted_noun("How many security guards does it employ?") == "guards"
    assert bilingual.counted_noun("How many people live in Beijing?") == "people"
    assert analyse("How many nurses took part in the training?").unit == "人"
    assert bilingual.measure_word("companies") == "家"      # CL:家 of 公司
    assert bilingual.measure_word("couples") == "对"        # "classifier: couple"
    assert bilingual.measure_word("") == ""


def test_reverse_index_weights_and_cache(tmp_path, monkeypatch):
    """A tiny file in CC-CEDICT's format: weights, skipped senses, classifiers, cache."""
    f = tmp_path / "cedict.txt"
    f.write_text(
        "# CC-CEDICT\n# License:\n# Creative Commons Attribution-ShareAlike 4.0 International\n"
        "工會 工会 [gong1 hui4] /labor union/trade union/CL:個|个[ge4]/\n"
        "聯盟 联盟 [lian2 meng2] /alliance/union/coalition/\n"
        "王 王 [Wang2] /surname Wang/\n"
        "醫院 医院 [yi1 yuan4] /hospital/CL:所[suo3],家[jia1]/\n"
        "家 家 [jia1] /home/family/classifier for families or businesses/\n",
        encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    d = bilingual.load(f)
    union = dict(bilingual.candidates("unions", d))
    assert union["联盟"] > union["工会"] > 0             # a whole sense beats half of one
    assert dict(bilingual.phrase_candidates("trade", "union", d))["工会"] >= 0.5
    assert "王" not in dict(bilingual.candidates("wang", d))   # surnames are skipped
    assert d.classifiers["医院"] == ("所", "家")
    assert "家" in d.measures[bilingual.stem("businesses")]
    assert list((tmp_path / "cache" / "news-assistant").glob("cedict-reverse-*.pickle"))
    assert bilingual.load(f).words == d.words          # the second load reads the cache


def test_no_english_word_list_fitted_to_the_sample():
    """The hand glossary is gone, and no answering module maps English words to Chinese
    words in a literal table: only the dictionary does."""
    assert importlib.util.find_spec("assistant.qa.glossary") is None
    import assistant.qa.question as question

    assert not hasattr(question, "_UNIT_EN")

    def cjk(s):
        return any("\u3400" <= ch <= "\u9fff" for ch in s)

    for path in [*(ROOT / "assistant" / "qa").glob("*.py"), *(ROOT / "assistant" / "text").glob("*.py")]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Dict):
                continue
            for k, v in zip(node.keys, node.values):
                if not (isinstance(k, ast.Constant) and isinstance(k.value, str)):
                    continue
                values = [v] if isinstance(v, ast.Constant) else getattr(v, "elts", [])
                texts = [x.value for x in values if isinstance(x, ast.Constant) and
                         isinstance(x.value, str)]
                english_key = len(k.value) >= 3 and k.value.replace(" ", "").isascii() and \
                    k.value.replace(" ", "").isalpha()
                assert not (english_key and any(cjk(t) for t in texts)), \
                    f"{path.name}:{node.lineno}: {k.value!r} -> {texts}"
    # The dictionary file and its licence come with the package.
    head = bilingual.cedict_path().read_text(encoding="utf-8")[:600]
    assert "CC-CEDICT" in head and "Creative Commons Attribution-ShareAlike 4.0" in head


def test_eval_questions_from_another_language(tmp_path):
    """`--questions-from`: the paragraphs and gold answers of one SQuAD file, the
    questions of another with the same ids (XQuAD English over Chinese)."""
    import json

    from assistant.evaluation import evaluate as ev

    def squad(question, context):
        return {"data": [{"title": "t", "paragraphs": [{"context": context, "qas": [
            {"id": "q1", "question": question, "answers": [{"text": "126", "answer_start": 0}]}]}]}]}

    zh, en = tmp_path / "zh.json", tmp_path / "en.json"
    zh.write_text(json.dumps(squad("多少人？", "126名选手参赛。"), ensure_ascii=False), encoding="utf-8")
    en.write_text(json.dumps(squad("How many?", "126 contestants.")), encoding="utf-8")
    articles, questions = ev.load_squad(zh)
    asked = ev.questions_from(questions, en)
    assert asked == [{**questions[0], "question": "How many?"}]
    assert articles[0].text == "126名选手参赛。"
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"data": []}), encoding="utf-8")
    with pytest.raises(ValueError):
        ev.questions_from(questions, other)


def test_roman_numerals_and_acronyms_are_looked_for_as_chinese_writes_them():
    from assistant.qa.question import entity_variants

    # An English question's Super Bowl XLIX is 第49届超级碗 in Chinese text, Elizabeth II
    # is 伊丽莎白二世; C, D and M make acronyms (CD, MD), not numbers.
    assert entity_variants("XLIX") == ["XLIX", "49"]
    assert entity_variants("II") == ["II", "二世"]
    assert entity_variants("CD")[0] == "CD" and "400" not in entity_variants("CD")
    # an acronym through the dictionary, not a list: its translations in CC-CEDICT
    assert "电视" in entity_variants("TV")
    assert set(entity_variants("TV")[1:]) <= set(bilingual.translations("tv"))


def test_phrases_and_proper_nouns_are_bridged_as_the_question_writes_them():
    """A name of several words is looked up whole (the organisation, not "world",
    "health" and "organization" one by one), and a word the dictionary also has as a
    proper noun reaches the name only when the question capitalises it."""
    from assistant.text.tokens import tokenize

    text = ("世界卫生组织的专家上周到访，与卫生局官员座谈。感恩节那天，安娜烤了一只火鸡。"
            "安娜随后飞往土耳其，参观世界各地的组织。")
    vocab = {t: i for i, t in enumerate(tokenize(text))}

    def bridged(question):
        return {t.english: t.chinese for t in bilingual.bridge(question, vocab)}

    terms = bridged("When did the World Health Organization experts visit?")
    assert terms["world health organization"] == ["世界卫生组织"]
    assert not {"world", "health", "organization"} & set(terms)
    words = {w for ws in terms.values() for w in ws}
    assert not {"卫生局", "组织", "世界各地"} & words
    assert bridged("Did Anna roast a turkey on Thanksgiving?")["turkey"] == ["火鸡"]
    assert "土耳其" in bridged("When did Anna fly to Turkey?")["turkey"]
