"""Tests for assistant.articles: page parsing and the file loaders."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from assistant.ingest.page.articles import parse_page
from assistant.ingest.readers import (LoadError, UnreadableFile, load_path, load_paths,
                                read_text)

SEED = Path(__file__).parent.parent / "seeds" / "000_58d3ffa267799daa.txt"


def _closed(paragraph: str) -> bool:
    core = paragraph.rstrip("”’」』》）)\"' ")
    return bool(core) and core[-1] in "。！？!?…"


@pytest.fixture(scope="module")
def seed_articles():
    return parse_page(SEED.read_text(encoding="utf-8"), SEED.name)


# --- the seed page ---------------------------------------------------------------

def test_seed_has_six_articles_with_headings_in_order(seed_articles):
    expected = [
        ["贯彻落实省委“新春第一会”精神", "推动打造高素质劳动者队伍", "让工匠有尊严得礼遇",
         "台州椒江工会推出“十匠”行动"],
        ["职工有所呼 企业有所应", "东阳首家物业工会“薪”协商取得实效"],
        ["让“象漂”们安心逐梦", "象山星光影视小镇工会联合会聚焦进得来、留得住、发展好"],
        ["线上线下先后办赛 职工棋手大展身手", "衢州市总工会将于本月承办全国职工围棋大赛"],
        ["爱在金秋 鹊桥相会", "嘉兴市总工会启动单身职工婚恋交友服务季活动"],
        ["工会“小灵通”", "竞技赋能促提升"],
    ]
    assert [a.headings for a in seed_articles] == expected


def test_seed_ids_and_source(seed_articles):
    assert [a.id for a in seed_articles] == [f"000_58d3ffa267799daa-{i:02d}" for i in range(1, 7)]
    assert all(a.source == SEED.name for a in seed_articles)


def test_seed_bylines(seed_articles):
    first, wuye, xiangpiao, quzhou, jiaxing, last = seed_articles
    assert first.byline.startswith("本报讯") and "任杰" in first.byline
    assert first.byline == "本报讯见习记者任杰 通讯员尹江辉报道"
    assert first.text.startswith("日前,浙江工匠")
    assert wuye.byline == "本报讯记者羊荣江 通讯员杜娅玲报道"
    assert xiangpiao.byline.startswith("记者李凡")
    assert xiangpiao.text.startswith("在影视作品中")
    assert quzhou.byline == ""
    assert quzhou.text.startswith("据了解")
    assert jiaxing.byline.startswith("本报讯记者金钩胤")
    assert last.byline.startswith("本报讯记者寿桢")


def test_seed_captions(seed_articles):
    first, wuye = seed_articles[0], seed_articles[1]
    assert first.captions == ["陈重指导机电专业的学生进行技能实训。通讯员陈博远 摄"]
    assert wuye.captions == ["浙江乐业物业有限公司能级工资集体协商会现场。"]
    assert "表决通过。双方首席代表" in wuye.text
    for a in seed_articles:
        for caption in ("技能实训。通讯员", "集体协商会现场。"):
            assert all(caption not in p for p in a.paragraphs)


def test_seed_paragraphs_are_rejoined(seed_articles):
    first = seed_articles[0]
    assert "中国式现代台州实践" in first.text
    assert "带来一场题为《传承工匠精神" in first.text
    assert "职工自我提升的积极性。" in seed_articles[1].text
    assert "不断深化对该群体的服务保障。" in seed_articles[2].text
    paragraphs = [p for a in seed_articles for p in a.paragraphs]
    assert all(_closed(p) for p in paragraphs[:-1])
    # The page ends mid-sentence; the fragment is kept.
    assert paragraphs[-1].endswith("队伍建设健康发")


def test_seed_parse_ignores_line_spacing_and_crlf(seed_articles):
    text = SEED.read_text(encoding="utf-8")
    variants = ["\n".join(line for line in text.split("\n") if line.strip()),
                text.replace("\n", "\r\n")]
    for variant in variants:
        again = parse_page(variant, SEED.name)
        assert [(a.headings, a.byline, a.captions, a.paragraphs) for a in again] == \
            [(a.headings, a.byline, a.captions, a.paragraphs) for a in seed_articles]


# --- a page written here ---------------------------------------------------------

GENERIC_PAGE = """基层治理
探索社区议事新路径

城南街道推出“邻里圆桌会”

居民在圆桌会上发言。记者张三 摄

本报讯记者张三报道 近日,城南街道在辖区12个社区推广“邻里圆桌会”议事机制,居民围绕停车难、

加装电梯等身边事集中协商,已解决问题86件。

“有事大家商量着办,效果比以前好多了。”居民王阿姨说。街道负责人介绍,下一步将把圆桌会



圆桌会现场。

延伸到各个小区。

冬季送温暖

暖心包送到一线环卫工手中

本报讯记者李四 通讯员赵五报道 连日来,某区总工会为全区环卫工人送去保暖手套、棉帽等物品共1200份。

“天冷了,这份心意很暖。”环卫工人刘师傅说。
"""


def test_generic_page_parses_into_two_articles():
    articles = parse_page(GENERIC_PAGE, "page.txt")
    assert [a.id for a in articles] == ["page-01", "page-02"]
    first, second = articles
    assert first.headings == ["基层治理", "探索社区议事新路径", "城南街道推出“邻里圆桌会”"]
    assert first.byline == "本报讯记者张三报道"
    assert first.captions == ["居民在圆桌会上发言。记者张三 摄", "圆桌会现场。"]
    assert first.paragraphs == [
        "近日,城南街道在辖区12个社区推广“邻里圆桌会”议事机制,居民围绕停车难、"
        "加装电梯等身边事集中协商,已解决问题86件。",
        "“有事大家商量着办,效果比以前好多了。”居民王阿姨说。街道负责人介绍,"
        "下一步将把圆桌会延伸到各个小区。",
    ]
    assert second.headings == ["冬季送温暖", "暖心包送到一线环卫工手中"]
    assert second.byline == "本报讯记者李四 通讯员赵五报道"
    assert second.captions == []
    assert second.text.startswith("连日来") and second.text.endswith("刘师傅说。")


def test_short_final_fragment_is_not_a_heading():
    text = ("标题一行\n\n副标题一行\n\n本报讯记者王六报道 会议明确,各单位要进一步调动职工\n\n"
            "参与的积极性。\n\n会议还部署了下一阶段工作。\n")
    (article,) = parse_page(text, "one.txt")
    assert article.id == "one"
    assert article.paragraphs == ["会议明确,各单位要进一步调动职工参与的积极性。",
                                  "会议还部署了下一阶段工作。"]


def test_heading_after_truncated_article_starts_a_new_one_when_a_byline_follows():
    text = ("第一篇标题\n\n副题\n\n本报讯记者甲报道 这篇稿件转到别的版面继续,此处在句中被截断\n\n"
            "第二篇标题\n\n本报讯记者乙报道 第二篇的正文。\n")
    first, second = parse_page(text, "p.txt")
    assert first.text.endswith("此处在句中被截断")
    assert second.headings == ["第二篇标题"]
    assert second.text == "第二篇的正文。"


def test_single_subheading_stays_inside_the_article():
    text = ("主标题\n\n副标题\n\n本报讯记者丙报道 第一段内容。\n\n一、强化组织保障\n\n第二段内容。\n")
    (article,) = parse_page(text, "p.txt")
    assert article.paragraphs == ["第一段内容。", "一、强化组织保障", "第二段内容。"]


# --- files -----------------------------------------------------------------------

def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_single_article_txt(tmp_path):
    f = _write(tmp_path / "note.txt", "一篇短讯\n\n这是正文的第一句,在这里被排版\n\n截断了。\n\n第二段。\n")
    articles, errors = load_path(f)
    assert errors == []
    (a,) = articles
    assert a.id == "note" and a.source == "note.txt"
    assert a.headings == ["一篇短讯"]
    assert a.paragraphs == ["这是正文的第一句,在这里被排版截断了。", "第二段。"]


def test_single_article_txt_with_long_first_line(tmp_path):
    first = "这一行很长很长,没有标题,是正文的开头部分,作为文章的标题行使用也无妨,因为规则如此规定。"
    f = _write(tmp_path / "plain.txt", f"{first}\n第二行正文。\n")
    (a,), errors = load_path(f)
    assert errors == []
    assert a.headings == [first] and a.paragraphs == ["第二行正文。"]


def test_single_article_md(tmp_path):
    f = _write(tmp_path / "story.md", "# 市民公园今日开放\n\n公园占地约120亩,\n设有步道和儿童乐园。\n")
    (a,), errors = load_path(f)
    assert errors == []
    assert a.id == "story"
    assert a.headings == ["市民公园今日开放"]
    assert a.paragraphs == ["公园占地约120亩,设有步道和儿童乐园。"]


def test_english_lines_are_joined_with_a_space(tmp_path):
    f = _write(tmp_path / "en.md", "# Park opens\n\nThe new park opened on Monday and\nattracted many visitors.\n")
    (a,), _ = load_path(f)
    assert a.paragraphs == ["The new park opened on Monday and attracted many visitors."]


def test_jsonl_keeps_good_lines_and_reports_bad_ones(tmp_path):
    good1 = {"id": "a1", "title": "标题一", "subtitle": "副题", "text": "第一段。\n\n 第二段。 ",
             "date": "2024-10-08", "url": "https://example.com/a1"}
    good2 = {"id": "a2", "title": "标题二", "text": "正文。", "source": "某报"}
    lines = [json.dumps(good1, ensure_ascii=False), "{not json", "",
             json.dumps(good2, ensure_ascii=False)]
    f = _write(tmp_path / "news.jsonl", "\n".join(lines) + "\n")
    articles, errors = load_path(f)
    assert [a.id for a in articles] == ["a1", "a2"]
    a1, a2 = articles
    assert a1.headings == ["标题一", "副题"]
    assert a1.paragraphs == ["第一段。", "第二段。"]
    assert (a1.source, a1.date, a1.url) == ("news.jsonl", "2024-10-08", "https://example.com/a1")
    # A record's "source" is its newspaper; the article's source stays the file.
    assert a2.source == "news.jsonl" and a2.newspaper == "某报" and a2.headings == ["标题二"]
    (err,) = errors
    assert err.path == str(f) and err.line == 2
    assert str(err).startswith(f"{f}:2: ")


@pytest.mark.parametrize("record, reason", [
    ([1, 2], "object"),
    ({"id": ["x"], "title": "t", "text": "x"}, "id"),
    ({"id": "x", "text": "x"}, "title"),
    ({"id": "x", "title": "t"}, "text"),
    ({"id": "x", "title": "t", "text": 5}, "text"),
    ({"id": "x", "title": "t", "text": [1]}, "text"),
    ({"id": "x", "title": "t", "text": "  "}, "text"),
])
def test_jsonl_malformed_records(tmp_path, record, reason):
    f = _write(tmp_path / "bad.jsonl", json.dumps(record) + "\n")
    articles, errors = load_path(f)
    assert articles == []
    assert len(errors) == 1 and errors[0].line == 1 and reason in errors[0].reason


def test_binary_file_is_an_error(tmp_path):
    f = tmp_path / "blob.txt"
    f.write_bytes(b"\x00\x01\x02PK\x03\x04\x00\x00" * 20)
    with pytest.raises(UnreadableFile) as info:
        read_text(f)
    assert info.value.error.path == str(f) and "binary" in info.value.error.reason
    articles, errors = load_path(f)
    assert articles == [] and len(errors) == 1 and "binary" in errors[0].reason


@pytest.mark.parametrize("content", [b"", b"  \n\n\t \r\n"])
def test_empty_file_is_an_error(tmp_path, content):
    f = tmp_path / "empty.txt"
    f.write_bytes(content)
    articles, errors = load_path(f)
    assert articles == [] and len(errors) == 1 and "empty" in errors[0].reason


def test_gbk_file(tmp_path):
    f = _write(tmp_path / "gbk.txt", "职工之家建设提速\n\n全市新建职工之家三十个,惠及职工两万余人。\n", "gbk")
    (a,), errors = load_path(f)
    assert errors == []
    assert a.headings == ["职工之家建设提速"]
    assert a.paragraphs == ["全市新建职工之家三十个,惠及职工两万余人。"]


def test_utf8_bom_and_crlf(tmp_path):
    f = tmp_path / "bom.txt"
    f.write_bytes(b"\xef\xbb\xbf" + "带BOM的标题\r\n\r\n正文一段。\r\n".encode("utf-8"))
    assert read_text(f) == "带BOM的标题\n\n正文一段。\n"
    (a,), errors = load_path(f)
    assert errors == [] and a.headings == ["带BOM的标题"] and a.paragraphs == ["正文一段。"]


def test_undecodable_file(tmp_path):
    f = tmp_path / "bad.txt"
    f.write_bytes(b"abc \x80\xff\xfe def")
    with pytest.raises(UnreadableFile):
        read_text(f)


def test_nonexistent_path():
    articles, errors = load_path("/nonexistent/dir/file.txt")
    assert articles == []
    assert errors == [LoadError("/nonexistent/dir/file.txt", None, "no such file or directory")]
    assert str(errors[0]) == "/nonexistent/dir/file.txt: no such file or directory"


def test_folder_with_a_mix(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / ".git").mkdir()
    _write(tmp_path / "b.txt", "乙文标题\n\n乙文正文。\n")
    _write(tmp_path / "a_page.txt", GENERIC_PAGE)
    _write(tmp_path / "sub" / "c.md", "# 丙文标题\n\n丙文正文。\n")
    _write(tmp_path / "sub" / "d.jsonl", json.dumps({"id": "d1", "title": "丁", "text": "丁文。"}) + "\n")
    _write(tmp_path / "notes.pdf", "not loaded")
    _write(tmp_path / ".git" / "HEAD", "ref: refs/heads/main\n")
    (tmp_path / "empty.md").write_bytes(b"")
    articles, errors = load_path(tmp_path)
    assert [a.id for a in articles] == ["a_page-01", "a_page-02", "b", "c", "d1"]
    assert [a.source for a in articles] == ["a_page.txt", "a_page.txt", "b.txt", "c.md", "d.jsonl"]
    reasons = {Path(e.path).name: e.reason for e in errors}
    assert set(reasons) == {"notes.pdf", "empty.md", ".git"}
    assert "hidden" in reasons[".git"]   # named, its files not read
    assert reasons["notes.pdf"] == "not a PDF file (no %PDF header)"
    assert "empty" in reasons["empty.md"]


def test_duplicate_ids_are_made_unique(tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "y").mkdir()
    _write(tmp_path / "x" / "same.txt", "标题甲\n\n正文甲。\n")
    _write(tmp_path / "y" / "same.txt", "标题乙\n\n正文乙。\n")
    records = [{"id": "same", "title": "丙", "text": "丙。"}, {"id": "same-2", "title": "丁", "text": "丁。"}]
    _write(tmp_path / "r.jsonl", "\n".join(json.dumps(r, ensure_ascii=False) for r in records))
    articles, errors = load_paths([tmp_path / "x", tmp_path / "y", tmp_path / "r.jsonl",
                                   tmp_path / "missing"])
    ids = [a.id for a in articles]
    assert len(ids) == len(set(ids)) == 4
    # The first keeps its id; a clash gets a suffix hashed from source, title and text,
    # not a counter that depends on how many came before.
    assert ids[0] == "same" and ids[3] == "same-2"
    assert all(re.fullmatch(r"same-[0-9a-f]{6}", i) for i in ids[1:3])
    assert [a.headings[0] for a in articles] == ["标题甲", "标题乙", "丙", "丁"]
    assert [e.reason for e in errors] == ["no such file or directory"]


# --- feature pages (issue 18) ----------------------------------------------------------

FEATURE = """工人日报 2025年5月1日 星期四
第05版：特别报道

大国工匠的“毫厘功夫”
——记全国劳动模范、某重工集团高级技师赵六

本报记者 张三

　　清晨六点半，某重工集团总装车间里已经响起了机床的轰鸣声。五十二岁的赵六戴上老花镜，开始了一天的工作。

　　从一名普通学徒成长为全国劳动模范，赵六用了整整三十年。

{h1}

　　1995年，赵六从技校毕业进厂，被分配到最苦最累的铆焊岗位。

　　为了练好基本功，他每天下班后留在车间多练两个小时，手上磨出了厚厚的老茧。

　　王  五摄

{h2}

　　2018年，企业承接了一项重点工程，其中一个关键部件的加工精度要求达到0.01毫米。

　　赵六带领团队连续攻关三个月，先后试验了二十多种方案，最终啃下了这块硬骨头。

{h3}

　　如今，赵六把更多精力放在了培养徒弟上。他的工作室已带出高级技师十二名。

　　“技术是大家的，要一代一代传下去。”赵六说。

记者手记

　　采访中，赵六说得最多的一句话是“干一行就要爱一行”。这朴素的话语，正是工匠精神最好的注解。

相关链接

　　全国劳动模范是我国授予劳动者的最高荣誉之一，每五年评选表彰一次。
"""


@pytest.mark.parametrize("heads", [("苦练：从学徒到“技术尖子”", "攻关：啃下“卡脖子”难题", "传承：把绝活教给年轻人"),
                                   ("从学徒到技术尖子", "啃下卡脖子难题", "把绝活教给年轻人")])
@pytest.mark.parametrize("layout", ["indented", "flush", "no blank lines", "markdown bold"])
def test_feature_page_with_three_subheads_and_boxes_is_one_article(heads, layout):
    text = FEATURE.format(h1=heads[0], h2=heads[1], h3=heads[2])
    if layout == "flush":
        text = re.sub(r"(?m)^\u3000\u3000", "", text)
    elif layout == "no blank lines":
        text = re.sub(r"\n\n", "\n", text)
    elif layout == "markdown bold":
        for h in (*heads, "记者手记", "相关链接"):
            text = text.replace(f"\n{h}\n", f"\n**{h}**\n")
    (a,) = parse_page(text, "feature.md")
    assert a.headings == ["大国工匠的“毫厘功夫”", "——记全国劳动模范、某重工集团高级技师赵六"]
    assert (a.byline, a.authors) == ("本报记者 张三", ["张三"])   # "记者手记" names no author
    assert (a.photographers, a.captions) == (["王五"], ["王  五摄"])   # a credit alone is no heading
    assert a.paragraphs[-1].startswith("全国劳动模范是我国") and heads[1] in a.paragraphs
    assert (a.date, a.newspaper, a.page) == ("2025-05-01", "工人日报", "第05版：特别报道")


def test_an_article_continued_on_another_page_stays_one_article():
    page = ("甲市职工技能大赛圆满落幕\n\n本报讯（记者张三）5月1日，甲市第十届职工职业技能大赛在市工人文化宫落下帷幕。\n\n"
            "　　市总工会相关负责人表示，近年来全市各级工会广泛开展劳动和技能竞赛，推动建成了一批职工创新工作室。（转第5版）\n\n"
            "乙县启动职工疗休养\n\n本报讯（记者李四）乙县总工会日前启动今年职工疗休养活动。\n\n　　活动持续到十二月。\n\n"
            "甲市职工技能大赛圆满落幕\n（上接第1版）\n　　获奖选手将按规定授予甲市五一劳动奖章等荣誉称号。\n")
    a, b = parse_page(page, "issue.txt")
    assert a.headings == ["甲市职工技能大赛圆满落幕"] and a.paragraphs[-1] == "获奖选手将按规定授予甲市五一劳动奖章等荣誉称号。"
    assert b.headings == ["乙县启动职工疗休养"] and b.paragraphs == ["乙县总工会日前启动今年职工疗休养活动。", "活动持续到十二月。"]
