"""News as publicity staff save it (issue 18), on files written here: an Obsidian Markdown
note whose title is its alias, a Word file holding two submitted items; each item closed by
the credit block these teams write ("来源：… 文字：… 图片：… 编辑：… 审核：…")."""
from __future__ import annotations

from pathlib import Path

from assistant.ingest.readers import load_path

NOTE = """---
aliases:
  - 党建专栏 | 甲区职工书屋开进车间
---

![图片](data:image/svg+xml,%3Csvg%20viewBox='0%200%201%201'%3E%3Cg%20transform='translate(-249.000000,%20-126.000000)'%3E%3C/g%3E%3C/svg%3E)

书香满车间

阅读伴成长

#### 书屋开门迎读者

4 月 23 日，甲区总工会在机械厂装配车间建成职工书屋，首批配备图书两千册。

✦✦

#### 读书会上话心得

装配工周明说：“下了班就能借书，方便多了。”

甲区总工会将在全区推广车间书屋，让职工就近读书。

来源：甲区总工会宣传部

文字：林小舟、赵 远

图片：孙乐 甲区总工会宣传部

编辑：钱多

审核：吴敏
"""


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_a_markdown_note_with_its_credit_block_is_one_article(tmp_path):
    (a,), errors = load_path(_write(tmp_path / "note.md", NOTE))
    assert errors == []
    # The alias is the title; the column before the bar is the section, not the title.
    assert a.headings == ["甲区职工书屋开进车间"]
    assert a.page == "党建专栏"
    # Verse lines and #### subheads are the article's text, each a paragraph of its own.
    assert a.paragraphs[:4] == ["书香满车间", "阅读伴成长", "书屋开门迎读者",
                                "4 月 23 日，甲区总工会在机械厂装配车间建成职工书屋，首批配备图书两千册。"]
    assert "读书会上话心得" in a.paragraphs
    # The credit block stays with the article; writers and photographers come from it (a
    # department credited for pictures is not a photographer), editors are neither.
    assert a.paragraphs[-5:] == ["来源：甲区总工会宣传部", "文字：林小舟、赵 远",
                                 "图片：孙乐 甲区总工会宣传部", "编辑：钱多", "审核：吴敏"]
    assert a.authors == ["林小舟", "赵远"]
    assert a.photographers == ["孙乐"]
    assert not any("svg" in p for p in a.paragraphs)   # a picture whose address holds brackets
    assert "✦✦" not in a.paragraphs   # a divider between sections


def test_a_word_file_with_two_credited_items(tmp_path):
    from docx import Document

    doc = Document()
    for text in [
        "党建专栏｜乙镇工会开展安全生产月活动", "",
        "6月1日，乙镇工会组织辖区企业职工开展安全生产知识竞赛，30支队伍参赛。", "",
        "竞赛分必答、抢答两个环节，镇应急办工作人员现场讲解了消防器材使用方法。", "",
        "来源：乙镇总工会", "图片：郑 好 冯立新", "文字：冯立新", "审核：韩梅", "",
        "【职工风采】丙公司一线班组长王强获评全市技术能手称号并在表彰大会上作交流发言", "",
        "近日，丙公司召开表彰大会，一线班组长王强因在技术革新中的突出表现获评全市技术能手。", "",
        "王强表示，将继续带领班组攻坚克难，把技术经验传给更多年轻职工。", "",
        "文字、图片：蒋文", "编辑：", "审核：韩梅",
    ]:
        doc.add_paragraph(text)
    path = tmp_path / "items.docx"
    doc.save(str(path))
    (first, second), errors = load_path(path)
    assert errors == []
    assert first.headings == ["乙镇工会开展安全生产月活动"] and first.page == "党建专栏"
    assert first.paragraphs[0].startswith("6月1日，乙镇工会")
    assert first.paragraphs[-1] == "审核：韩梅"
    assert first.authors == ["冯立新"] and first.photographers == ["郑好", "冯立新"]
    # After the credits closing the first item, the next item's long title opens it.
    assert second.headings == ["丙公司一线班组长王强获评全市技术能手称号并在表彰大会上作交流发言"]
    assert second.page is None   # a bracketed column tag is dropped from the title, as on pages
    assert second.paragraphs[0].startswith("近日，丙公司召开表彰大会")
    assert second.authors == ["蒋文"] and second.photographers == ["蒋文"]


def test_a_byline_over_the_text_is_not_a_closing_credit_block(tmp_path):
    # "文/张三" "图/李四" under the title credit the article from above: no editor or reviewer
    # is named and text follows, so the article is read as before.
    text = ("丁县职工运动会开幕\n\n文/葛亮\n图/唐宁\n\n"
            "10月9日，丁县第五届职工运动会开幕，全县48家单位1200余名职工参赛。\n\n"
            "运动会设田径、拔河、跳绳等9个项目，将持续一周。\n")
    (a,), errors = load_path(_write(tmp_path / "games.txt", text))
    assert errors == []
    assert a.headings == ["丁县职工运动会开幕"]
    assert a.paragraphs[-1] == "运动会设田径、拔河、跳绳等9个项目，将持续一周。"
    assert "文/葛亮" not in a.paragraphs
