"""The readers of every accepted format, on files built here: the exact articles and
metadata come out, and nothing else."""
from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from pathlib import Path

import pytest

from assistant.ingest.formats import archive
from assistant.ingest.readers import SUFFIXES, UNSUPPORTED_TYPE, LoadError, load_path, load_paths
from assistant.records import Article


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


def _meta(a: Article) -> dict:
    return {"date": a.date, "url": a.url, "authors": a.authors, "newspaper": a.newspaper,
            "page": a.page, "photographers": a.photographers}


NO_META = {"date": None, "url": None, "authors": [], "newspaper": None, "page": None,
           "photographers": []}


# --- HTML ----------------------------------------------------------------------------

NEWS_HTML = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>甲市工会举办职工技能比武_中工网</title>
<meta property="og:site_name" content="中工网">
<meta name="author" content="张三">
<meta name="publishdate" content="2024-10-08">
<link rel="canonical" href="https://www.workercn.cn/c/2024-10-08/123.shtml">
</head><body>
<div id="nav"><ul><li><a href="/">首页</a></li><li><a href="/yw">要闻</a></li>
<li><a href="/gh">工会</a></li><li><a href="/pl">评论</a></li></ul></div>
<div class="ad"><a href="https://ads.example.com/x"><img src="/ad.gif" alt="广告"></a>
<p>广告：限时优惠，点击领取大礼包！</p></div>
<div class="container">
 <div class="left">
  <h1>甲市工会举办职工技能比武</h1>
  <div class="info">2024-10-08 09:30 来源：中工网 作者：张三</div>
  <div class="content">
   <p>本报讯（记者 张三）甲市总工会日前举办职工技能比武，共有120名职工参赛。</p>
   <p>比赛分为理论考试和实际操作两部分，设电工、焊工、数控车工三个工种，各工种前三名由市总工会颁发证书。</p>
   <p>获奖选手将获得“甲市技术能手”称号，并优先推荐参加全省职工职业技能大赛。</p>
  </div>
  <div class="editor">（责任编辑：李四）</div>
 </div>
 <div class="right"><h3>热点新闻</h3><ul>
   <li><a href="/a1">乙县启动职工疗休养活动</a></li>
   <li><a href="/a2">丙区成立首个快递员工会</a></li>
   <li><a href="/a3">丁市开展送清凉活动</a></li>
   <li><a href="/a4">戊县举办职工运动会</a></li>
 </ul></div>
</div>
<div class="footer"><a href="/about">关于我们</a> | <a href="/copyright">版权声明</a> |
<a href="/contact">联系我们</a><p>Copyright © 2024 中工网 版权所有</p></div>
</body></html>
"""
NEWS_PARAGRAPHS = [
    "甲市总工会日前举办职工技能比武，共有120名职工参赛。",
    "比赛分为理论考试和实际操作两部分，设电工、焊工、数控车工三个工种，各工种前三名由市总工会颁发证书。",
    "获奖选手将获得“甲市技术能手”称号，并优先推荐参加全省职工职业技能大赛。",
]
NEWS_META = {"date": "2024-10-08", "url": "https://www.workercn.cn/c/2024-10-08/123.shtml",
             "authors": ["张三"], "newspaper": "中工网", "page": None, "photographers": []}


def _check_news(a: Article, aid: str, source: str) -> None:
    assert (a.id, a.source) == (aid, source)
    assert a.headings == ["甲市工会举办职工技能比武"]
    assert a.byline == "本报讯（记者 张三）"
    assert a.paragraphs == NEWS_PARAGRAPHS
    assert a.captions == []
    assert _meta(a) == NEWS_META


def test_html_page_gives_only_its_article_with_metadata(tmp_path):
    (a,), errors = load_path(_write(tmp_path / "news.html", NEWS_HTML))
    assert errors == []
    _check_news(a, "news", "news.html")
    for furniture in ("首页", "广告", "热点新闻", "乙县", "关于我们", "版权", "责任编辑", "来源"):
        assert furniture not in a.text and furniture not in a.heading


def test_html_page_named_txt_is_read_as_html(tmp_path):
    (a,), errors = load_path(_write(tmp_path / "saved.txt", NEWS_HTML))
    assert errors == []
    _check_news(a, "saved", "saved.txt")
    assert "<" not in a.text


def test_html_in_gbk_with_the_author_only_in_the_header_line(tmp_path):
    page = NEWS_HTML.replace('<meta charset="utf-8">', '<meta charset="gbk">') \
        .replace('<meta name="author" content="张三">\n', "").replace("©", "(C)")
    (a,), errors = load_path(_write(tmp_path / "gbk.htm", page, "gbk"))
    assert errors == []
    _check_news(a, "gbk", "gbk.htm")


# --- PDF -----------------------------------------------------------------------------

def _cid_canvas(path: Path, size):
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return canvas.Canvas(str(path), pagesize=size)


def _wrap(text: str, n: int, indent: bool = True) -> list[str]:
    text = ("\u3000\u3000" if indent else "") + text
    return [text[i:i + n] for i in range(0, len(text), n)]


PDF_A = ["本报讯记者张三报道 近日，城南街道在辖区十二个社区推广“邻里圆桌会”议事机制，居民围绕停车难、"
         "加装电梯等身边事集中协商，已解决问题八十六件。",
         "“有事大家商量着办，效果比以前好多了。”居民王阿姨说。街道负责人介绍，下一步将把圆桌会延伸到各个小区。",
         "据了解，圆桌会每月召开一次，由社区党组织牵头，物业、业委会和居民代表共同参加，议题由居民提出。"]
PDF_B = ["本报讯记者李四报道 连日来，某区总工会为全区环卫工人送去保暖手套、棉帽等物品共一千二百份。",
         "“天冷了，这份心意很暖。”环卫工人刘师傅说。"]


def _two_column_pdf(path: Path) -> Path:
    """A headline across two columns; its article runs down the left column and on at the
    top of the right one, where a second article follows. The lines of both columns sit
    on the same baselines, so reading across the page would mix the two."""
    c = _cid_canvas(path, (420, 420))
    xs, top, bottom = (30, 230), 330, 200
    c.setFont("STSong-Light", 18)
    c.drawString(80, 380, "城南街道推出“邻里圆桌会”")
    c.setFont("STSong-Light", 10)
    lines = [line for i, p in enumerate(PDF_A) for line in _wrap(p, 18, indent=i > 0)]
    col, y = 0, top
    for line in lines:
        if y < bottom:
            col, y = 1, top
        c.drawString(xs[col], y, line)
        y -= 14
    y -= 16
    c.setFont("STSong-Light", 14)
    c.drawString(xs[1], y, "暖心包送到环卫工手中")
    y -= 22
    c.setFont("STSong-Light", 10)
    for line in [line for i, p in enumerate(PDF_B) for line in _wrap(p, 18, indent=i > 0)]:
        c.drawString(xs[1], y, line)
        y -= 14
    c.save()
    return path


def test_two_column_pdf_is_read_column_by_column(tmp_path):
    articles, errors = load_path(_two_column_pdf(tmp_path / "paper.pdf"))
    assert errors == []
    assert [(a.id, a.source, a.headings, a.byline, a.captions) for a in articles] == [
        ("paper-01", "paper.pdf", ["城南街道推出“邻里圆桌会”"], "本报讯记者张三报道", []),
        ("paper-02", "paper.pdf", ["暖心包送到环卫工手中"], "本报讯记者李四报道", []),
    ]
    assert articles[0].paragraphs == [PDF_A[0].split(" ", 1)[1]] + PDF_A[1:]
    assert articles[1].paragraphs == [PDF_B[0].split(" ", 1)[1]] + PDF_B[1:]
    # The page parser reads the authors off the bylines; a PDF carries no other metadata.
    assert [_meta(a) for a in articles] == [dict(NO_META, authors=["张三"]),
                                            dict(NO_META, authors=["李四"])]


def test_pdf_without_a_text_layer_is_one_named_error(tmp_path):
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader

    image = Image.new("L", (300, 200), 255)
    ImageDraw.Draw(image).rectangle((20, 20, 280, 30), fill=0)   # a "scanned" text line
    path = tmp_path / "scan.pdf"
    c = _cid_canvas(path, (300, 200))
    c.drawImage(ImageReader(image), 0, 0, 300, 200)
    c.save()
    assert load_path(path) == ([], [LoadError(str(path), None,
                                              "no text layer: a scanned PDF needs OCR first")])


def test_encrypted_and_broken_pdfs_are_named_errors(tmp_path):
    from reportlab.lib import pdfencrypt

    locked = tmp_path / "locked.pdf"
    c = _cid_canvas(locked, (200, 200))
    c._doc.encrypt = pdfencrypt.StandardEncryption("secret")
    c.setFont("STSong-Light", 10)
    c.drawString(10, 100, "保密的正文。")
    c.save()
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4\nnot really a PDF")
    articles, errors = load_paths([locked, broken])
    assert articles == []
    assert [(e.path, e.line) for e in errors] == [(str(locked), None), (str(broken), None)]
    assert errors[0].reason.startswith("encrypted PDF")
    assert errors[1].reason.startswith("broken PDF")


# --- DOCX ----------------------------------------------------------------------------

def _docx(path: Path, paragraphs: list[tuple[str, str | None]]) -> Path:
    from docx import Document

    doc = Document()
    for text, style in paragraphs:
        doc.add_paragraph(text, style=style)
    doc.save(str(path))
    return path


def test_docx_with_two_articles_under_heading_styles(tmp_path):
    path = _docx(tmp_path / "doc.docx", [
        ("甲市工会举办职工技能比武", "Heading 1"),
        ("本报讯记者张三报道 甲市总工会日前举办职工技能比武，共有120名职工参赛。", None),
        ("比赛分为理论考试和实际操作两部分。", None),
        ("乙县启动职工疗休养", "Title"),
        ("今年计划安排800名一线职工参加", "Heading 2"),
        ("本报讯记者李四报道 乙县总工会日前启动职工疗休养活动。", None),
        ("活动持续到十二月", None),   # no full stop: still body, not a heading
    ])
    articles, errors = load_path(path)
    assert errors == []
    assert [(a.id, a.source, a.headings, a.byline, a.paragraphs, a.captions) for a in articles] == [
        ("doc-01", "doc.docx", ["甲市工会举办职工技能比武"], "本报讯记者张三报道",
         ["甲市总工会日前举办职工技能比武，共有120名职工参赛。", "比赛分为理论考试和实际操作两部分。"], []),
        ("doc-02", "doc.docx", ["乙县启动职工疗休养", "今年计划安排800名一线职工参加"], "本报讯记者李四报道",
         ["乙县总工会日前启动职工疗休养活动。", "活动持续到十二月"], []),
    ]


def test_docx_without_heading_styles_is_split_like_a_page(tmp_path):
    path = _docx(tmp_path / "plain.docx", [
        ("甲市工会举办职工技能比武", None),
        ("本报讯记者张三报道 甲市总工会日前举办职工技能比武，共有120名职工参赛。", None),
        ("乙县启动职工疗休养", None),
        ("本报讯记者李四报道 乙县总工会日前启动职工疗休养活动。", None),
    ])
    articles, errors = load_path(path)
    assert errors == []
    assert [(a.id, a.headings, a.byline, a.paragraphs) for a in articles] == [
        ("plain-01", ["甲市工会举办职工技能比武"], "本报讯记者张三报道", ["甲市总工会日前举办职工技能比武，共有120名职工参赛。"]),
        ("plain-02", ["乙县启动职工疗休养"], "本报讯记者李四报道", ["乙县总工会日前启动职工疗休养活动。"]),
    ]


# --- JSON ----------------------------------------------------------------------------

def test_json_array_with_common_field_names(tmp_path):
    records = [
        {"headline": "丙区成立首个快递员工会", "body": "丙区成立首个快递员工会。\n首批吸收会员56人。",
         "link": "https://example.com/c", "pub_date": "2024-10-09", "authors": ["王五", "赵六"],
         "newspaper": "工人日报", "section": "第03版：要闻"},
        {"id": 7, "title": "丁市开展送清凉活动", "content": ["丁市总工会开展送清凉活动。"],
         "date": 1728432000, "byline": "本报记者 钱七", "site": "劳动午报"},
        {"title": "没有正文的记录"},
        {"title": "正文不是文字", "text": {"p": 1}},
    ]
    text = "[\n" + ",\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n]\n"
    path = _write(tmp_path / "feed.json", text)
    articles, errors = load_path(path)
    c, d = articles
    assert re.fullmatch(r"feed-[0-9a-f]{10}", c.id) and d.id == "7"
    assert (c.source, c.headings, c.paragraphs, c.byline) == (
        "feed.json", ["丙区成立首个快递员工会"], ["丙区成立首个快递员工会。", "首批吸收会员56人。"], "")
    assert _meta(c) == {"date": "2024-10-09", "url": "https://example.com/c",
                        "authors": ["王五", "赵六"], "newspaper": "工人日报",
                        "page": "第03版：要闻", "photographers": []}
    assert (d.headings, d.paragraphs, d.byline) == (
        ["丁市开展送清凉活动"], ["丁市总工会开展送清凉活动。"], "本报记者 钱七")
    assert _meta(d) == {**NO_META, "date": "2024-10-09T00:00:00+00:00", "authors": ["钱七"],
                        "newspaper": "劳动午报"}
    # Errors name the file, the line the record starts on, its index and the field.
    assert [(e.path, e.line) for e in errors] == [(str(path), 4), (str(path), 5)]
    assert errors[0].reason.startswith("record 3: missing 'text'")
    assert errors[1].reason == "record 4: 'text' must be a string or a list of strings"


def test_one_record_in_a_json_file_and_an_array_in_a_jsonl_file(tmp_path):
    one = {"title": "戊县举办职工运动会", "text": "戊县总工会举办职工运动会。", "url": "https://example.com/e"}
    (a,), errors = load_path(_write(tmp_path / "one.json", json.dumps(one, ensure_ascii=False, indent=2)))
    assert errors == [] and a.headings == ["戊县举办职工运动会"] and a.url == "https://example.com/e"
    # A (pretty-printed) array named .jsonl is an array, not one error per line.
    arr = [one, {"title": "己市表彰劳动模范", "text": "己市表彰劳动模范100名。"}]
    path = _write(tmp_path / "arr.jsonl", json.dumps(arr, ensure_ascii=False, indent=2))
    articles, errors = load_path(path)
    assert errors == []
    assert [a.headings[0] for a in articles] == ["戊县举办职工运动会", "己市表彰劳动模范"]
    broken = _write(tmp_path / "broken.jsonl", json.dumps(arr, ensure_ascii=False, indent=2)[:-3])
    assert load_path(broken)[0] == []
    (err,) = load_path(broken)[1]
    assert err.path == str(broken) and err.line is None and err.reason.startswith("invalid JSON array at line")


def test_crawler_json_lines_without_ids(tmp_path):
    rows = [
        {"title": "庚区开展职工书法比赛", "content": "<p>庚区总工会开展职工书法比赛。</p><p>共收到作品300件。</p>",
         "url": "https://example.com/news/1.html", "publish_time": "2024-10-10 08:00",
         "author": "作者：孙八", "source": "陕西工人报"},
        {"title": "辛县建成职工驿站", "content": "辛县建成户外劳动者驿站20个。",
         "url": "https://example.com/news/2.html", "publish_time": "2024-10-11"},
        {"title": "壬市开展送法活动", "content": "壬市总工会开展送法进企业活动。"},
    ]
    lines = [json.dumps(r, ensure_ascii=False) for r in rows]
    articles, errors = load_path(_write(tmp_path / "crawl.jsonl", "\n".join(lines) + "\n"))
    assert errors == []
    first, second, third = articles
    assert (first.headings, first.paragraphs, first.source) == (
        ["庚区开展职工书法比赛"], ["庚区总工会开展职工书法比赛。", "共收到作品300件。"], "crawl.jsonl")
    assert _meta(first) == {**NO_META, "date": "2024-10-10 08:00", "url": "https://example.com/news/1.html",
                            "authors": ["孙八"], "newspaper": "陕西工人报"}
    assert _meta(second) == {**NO_META, "date": "2024-10-11", "url": "https://example.com/news/2.html"}
    assert _meta(third) == NO_META
    # Ids come from the URL (or the title and text without one), so reordering the
    # lines or adding one never changes them.
    url_hash = hashlib.sha1(b"example.com/news/1.html").hexdigest()[:10]
    assert first.id == f"crawl-{url_hash}"
    ids = {a.headings[0]: a.id for a in articles}
    extra = json.dumps({"title": "癸县新建职工书屋", "content": "癸县新建职工书屋12家。"}, ensure_ascii=False)
    again, _ = load_path(_write(tmp_path / "crawl.jsonl", "\n".join([extra] + lines[::-1]) + "\n"))
    assert {a.headings[0]: a.id for a in again if a.headings[0] in ids} == ids
    assert len({a.id for a in again}) == 4


# --- Markdown with front matter ------------------------------------------------------

FRONT_MATTER_MD = """---
title: 丙区成立首个快递员工会
date: 2024-10-09
author: 王五、赵六
source_url: https://paper.people.com.cn/rmrb/html/2024-10/09/nw.D110000renmrb_20241009_1-03.htm
source: 人民日报
page: 第03版：要闻
tags: [工会, 快递]
---

丙区总工会日前成立首个快递员工会，首批吸收会员56人。

工会将为快递员提供法律援助和健康体检。

---

快递员代表表示，有了工会心里更踏实了。
"""


def test_markdown_front_matter_is_metadata_never_text(tmp_path):
    (a,), errors = load_path(_write(tmp_path / "rmrb.md", FRONT_MATTER_MD))
    assert errors == []
    assert (a.id, a.source, a.headings, a.byline, a.captions) == (
        "rmrb", "rmrb.md", ["丙区成立首个快递员工会"], "", [])
    assert a.paragraphs == ["丙区总工会日前成立首个快递员工会，首批吸收会员56人。",
                            "工会将为快递员提供法律援助和健康体检。",
                            "快递员代表表示，有了工会心里更踏实了。"]
    assert _meta(a) == {"date": "2024-10-09",
                        "url": "https://paper.people.com.cn/rmrb/html/2024-10/09/nw.D110000renmrb_20241009_1-03.htm",
                        "authors": ["王五", "赵六"], "newspaper": "人民日报", "page": "第03版：要闻",
                        "photographers": []}
    everything = a.heading + a.text
    assert "---" not in everything
    assert not any(key in everything for key in ("title", "date:", "source", "tags", "author"))


def test_markdown_front_matter_with_the_title_again_as_a_heading(tmp_path):
    text = "---\ntitle: 市民公园今日开放\nauthors: [Ann Lee, Bo Chen]\n---\n# 市民公园今日开放\n\n公园占地约120亩。\n"
    (a,), errors = load_path(_write(tmp_path / "park.md", text))
    assert errors == []
    assert (a.headings, a.paragraphs, a.authors) == (["市民公园今日开放"], ["公园占地约120亩。"],
                                                     ["Ann Lee", "Bo Chen"])


def test_broken_front_matter_is_a_named_error(tmp_path):
    path = _write(tmp_path / "bad.md", "---\ntitle: [unclosed\ndate: 2024-10-09\n---\n正文。\n")
    articles, errors = load_path(path)
    assert articles == [] and len(errors) == 1
    assert errors[0].path == str(path) and errors[0].reason.startswith("invalid YAML front matter")


# --- zip, unsupported types ----------------------------------------------------------

def _docx_bytes(tmp_path: Path) -> bytes:
    return _docx(tmp_path / "tmp.docx", [("乙县启动职工疗休养", "Heading 1"),
                                          ("乙县总工会日前启动职工疗休养活动。", None)]).read_bytes()


class _GbkName(zipfile.ZipInfo):
    """An entry name stored in GBK without the UTF-8 flag, as Windows zip tools do."""

    def _encodeFilenameFlags(self):
        return self.filename.encode("gbk"), self.flag_bits


def test_zip_of_several_formats(tmp_path):
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as z:
        z.writestr("deep/note.md", "# 内层标题\n\n内层正文。\n")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("新闻/甲市.html", NEWS_HTML)
        z.writestr("新闻/records.jsonl", json.dumps(
            {"id": "r1", "title": "丁市开展送清凉活动", "text": "丁市总工会开展送清凉活动。"},
            ensure_ascii=False) + "\n")
        z.writestr("word/乙县.docx", _docx_bytes(tmp_path))
        # A Windows zip: the name in GBK, without the UTF-8 flag.
        z.writestr(_GbkName("旧系统/通知.txt"), "职工之家建设提速\n\n全市新建职工之家三十个。\n".encode("gbk"))
        z.writestr("../../escape.txt", "逃逸标题\n\n这个文件名想写到外面。\n")
        z.writestr("inner.zip", inner.getvalue())
        z.writestr("__MACOSX/._甲市.html", b"\x00\x05\x16\x07")
        z.writestr("表格.xlsx", b"PK\x03\x04")
    path = tmp_path / "bundle.zip"
    path.write_bytes(buf.getvalue())
    before = sorted(p.name for p in tmp_path.iterdir())
    articles, errors = load_path(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == before   # nothing extracted
    assert [(a.id, a.source, a.headings) for a in articles] == [
        ("escape", "bundle.zip/escape.txt", ["逃逸标题"]),
        ("note", "bundle.zip/inner.zip/deep/note.md", ["内层标题"]),
        ("乙县", "bundle.zip/word/乙县.docx", ["乙县启动职工疗休养"]),
        ("r1", "bundle.zip/新闻/records.jsonl", ["丁市开展送清凉活动"]),
        ("甲市", "bundle.zip/新闻/甲市.html", ["甲市工会举办职工技能比武"]),
        ("通知", "bundle.zip/旧系统/通知.txt", ["职工之家建设提速"]),
    ]
    _check_news(articles[4], "甲市", "bundle.zip/新闻/甲市.html")
    assert articles[5].paragraphs == ["全市新建职工之家三十个。"]
    assert errors == [LoadError(f"{path}/表格.xlsx", None, UNSUPPORTED_TYPE)]


def test_zip_limits_and_broken_zip(tmp_path, monkeypatch):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for i in range(3):
            z.writestr(f"{i}.txt", f"标题{i}\n\n正文{i}。\n")
    path = tmp_path / "many.zip"
    path.write_bytes(buf.getvalue())
    monkeypatch.setattr(archive, "MAX_ENTRIES", 2)
    assert load_path(path) == ([], [LoadError(str(path), None,
                                              "the zip archive holds 3 files: the limit is 2")])
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"not a zip at all")
    (err,) = load_path(broken)[1]
    assert err.path == str(broken) and err.reason.startswith("broken zip archive")


def test_unsupported_file_is_one_named_error(tmp_path):
    path = tmp_path / "sheet.xlsx"
    path.write_bytes(b"PK\x03\x04 a spreadsheet")
    articles, errors = load_path(path)
    assert articles == []
    assert errors == [LoadError(str(path), None, UNSUPPORTED_TYPE)]
    assert str(errors[0]).startswith(f"{path}: unsupported file type: only .txt, .md, .html")


def test_suffixes_are_the_accepted_types():
    assert set(SUFFIXES) == {".txt", ".md", ".markdown", ".html", ".htm", ".shtml", ".xhtml", ".pdf", ".docx",
                             ".json", ".jsonl", ".zip"}
    for suffix in SUFFIXES:
        assert suffix == ".markdown" or suffix in UNSUPPORTED_TYPE


# --- identity ------------------------------------------------------------------------

def test_ids_do_not_change_when_files_are_added_or_removed(tmp_path):
    folder = tmp_path / "corpus"
    _write(folder / "a.txt", "甲文标题\n\n甲文正文。\n")
    _write(folder / "m.jsonl", json.dumps({"title": "乙", "content": "乙文。", "url": "https://e.com/b"},
                                          ensure_ascii=False) + "\n")
    _write(folder / "n.html", NEWS_HTML)
    first, _ = load_path(folder)
    before = {a.headings[0]: a.id for a in first}
    assert before == {"甲文标题": "a", "乙": "m-" + hashlib.sha1(b"e.com/b").hexdigest()[:10],
                      "甲市工会举办职工技能比武": "n"}
    # A file sorted first, and one whose id clashes with an existing one.
    _write(folder / "0.txt", "新来的标题\n\n新来的正文。\n")
    _write(folder / "sub" / "a.txt", "另一篇甲\n\n另一个正文。\n")
    after, errors = load_path(folder)
    assert errors == []
    ids = {a.headings[0]: a.id for a in after}
    assert {h: ids[h] for h in before} == before
    clash = ids["另一篇甲"]
    assert re.fullmatch(r"a-[0-9a-f]{6}", clash)
    # The clash suffix comes from the article, not from what else is loaded.
    (folder / "0.txt").unlink()
    (folder / "n.html").unlink()
    again, _ = load_path(folder)
    assert {a.headings[0]: a.id for a in again} == {"甲文标题": "a", "乙": before["乙"], "另一篇甲": clash}


def test_the_same_article_in_two_files_and_formats_is_indexed_once(tmp_path):
    from assistant.service.pipeline import index_paths
    from assistant.index.store import NewsIndex

    page = _write(tmp_path / "page.txt", "丙区成立首个快递员工会\n\n丙区总工会日前成立首个快递员工会,首批吸收会员56人。\n")
    record = {"title": "丙区成立首个快递员工会", "text": "丙区总工会日前成立首个快递员工会，首批吸收会员56人。",
              "url": "https://example.com/c", "date": "2024-10-09", "source": "工人日报"}
    feed = _write(tmp_path / "feed.json", json.dumps([record], ensure_ascii=False))
    copy = _write(tmp_path / "copy" / "page.txt", page.read_text(encoding="utf-8"))
    articles, errors = load_paths([page, feed, copy])
    assert errors == []
    (a,) = articles
    assert (a.id, a.source, a.other_sources, a.sources) == (
        "page", "page.txt", ["feed.json"], ["page.txt", "feed.json"])
    assert (a.url, a.date, a.newspaper) == ("https://example.com/c", "2024-10-09", "工人日报")
    report, errors, loaded = index_paths([str(page), str(feed)], tmp_path / "index",
                                         progress_bar=False)
    assert errors == [] and [x.id for x in loaded] == ["page"]
    index = NewsIndex.load(tmp_path / "index")
    assert list(index.articles) == ["page"]
    assert index.articles["page"].other_sources == ["feed.json"]


# --- every format, indexed end to end through the CLI and a UI upload --------------------

def _one_of_each(folder: Path) -> dict[str, str]:
    """One file of every accepted format; returns file name -> a heading it must give."""
    folder.mkdir(parents=True, exist_ok=True)
    _write(folder / "news.html", NEWS_HTML)
    _two_column_pdf(folder / "paper.pdf")
    _docx(folder / "doc.docx", [("丁市开展送清凉活动", "Heading 1"),
                                ("丁市总工会为一线职工送去清凉物品三千份。", None)])
    _write(folder / "records.json", json.dumps([
        {"title": "戊县举办职工运动会", "content": "戊县总工会举办职工运动会，共有860名职工参赛。",
         "url": "https://example.org/wuxian", "publish_time": "2024-10-10"}], ensure_ascii=False))
    _write(folder / "crawl.jsonl", json.dumps(
        {"title": "己镇成立货车司机工会", "text": "己镇货车司机工会成立，首批会员45人。"},
        ensure_ascii=False) + "\n")
    _write(folder / "rmrb.md", FRONT_MATTER_MD)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("inner/note.md", "# 庚区开展职工读书月\n\n庚区总工会开展职工读书月活动，发放图书两千册。\n")
    (folder / "bundle.zip").write_bytes(buf.getvalue())
    return {"news.html": "甲市工会举办职工技能比武", "paper.pdf": "暖心包送到环卫工手中",
            "doc.docx": "丁市开展送清凉活动", "records.json": "戊县举办职工运动会",
            "crawl.jsonl": "己镇成立货车司机工会", "rmrb.md": "丙区成立首个快递员工会",
            "bundle.zip": "庚区开展职工读书月"}


def _headings_by_file(index) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for a in index.articles.values():
        for name in Path(a.source).parts:
            found.setdefault(name, set()).update(a.headings)
    return found


@pytest.mark.slow
def test_every_format_is_indexed_through_the_cli_and_a_ui_upload(tmp_path, seed_index_dir):
    import shutil
    import subprocess
    import sys

    from assistant.apps.ui import ChatApp
    from assistant.service.pipeline import Assistant
    from assistant.index.store import NewsIndex

    expected = _one_of_each(tmp_path / "files")
    # the command line
    run = subprocess.run([sys.executable, "-m", "assistant", "index", str(tmp_path / "files"),
                          "--index-dir", str(tmp_path / "cli"), "-q"],
                         capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stderr
    found = _headings_by_file(NewsIndex.load(tmp_path / "cli"))
    for name, heading in expected.items():
        assert heading in found.get(name, set()), (name, found)
    ask = subprocess.run([sys.executable, "-m", "assistant", "ask", "--json", "--index-dir",
                          str(tmp_path / "cli"), "戊县职工运动会有多少名职工参赛？"],
                         capture_output=True, text=True, timeout=300)
    turn = json.loads(ask.stdout)
    assert turn["found"] and "860" in turn["answer"]
    assert turn["citations"][0]["url"] == "https://example.org/wuxian"
    # the chat UI's upload, into a copy of the seed index
    index_dir = tmp_path / "ui"
    shutil.copytree(seed_index_dir, index_dir,
                    ignore=shutil.ignore_patterns("conversations.sqlite3*"))
    seed_ids = set(NewsIndex.load(index_dir).articles)
    ui = ChatApp(Assistant(index_dir), upload_dir=index_dir / "uploads")
    report, _, _ = ui.upload([str(p) for p in sorted((tmp_path / "files").iterdir())], "")
    for name in expected:
        assert name in report, report
    after = NewsIndex.load(index_dir)
    found = _headings_by_file(after)
    for name, heading in expected.items():
        assert heading in found.get(name, set()), (name, found)
    assert seed_ids < set(after.articles)                 # the seed page's articles stay


# --- dates and issue (issue 18) ---------------------------------------------------------

_SITE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>甲市职工技能大赛落幕_中工网</title></head>
<body>
<div class="nav"><a href="/">首页</a> | <a href="/news">新闻</a> | <a href="/c">工会</a></div>
<div class="article"><h1>甲市职工技能大赛落幕</h1>
<div class="info">{dateline}来源：工人日报 分享到：<a>微信</a><a>微博</a></div>
<div class="content">
<p>本报讯（记者张三 通讯员李四）5月6日，甲市第十届职工职业技能大赛在市工人文化宫落下帷幕。</p>
<p>本届大赛设置了电工、焊工、数控车工等12个工种，共有来自全市86家企业的1200余名职工参赛。</p>
<p>市总工会相关负责人表示，将对获奖选手按规定授予“甲市五一劳动奖章”等荣誉称号。</p>
</div></div>
<div class="footer"><p>©2013-2014 中工网 版权所有</p><p>京ICP备12345678号</p></div>
</body></html>"""


def test_shtml_page_dated_by_its_dateline_never_by_the_copyright_footer(tmp_path):
    (a,), errors = load_path(_write(tmp_path / "site.shtml", _SITE.format(dateline="2025-05-07 09:30 ")))
    assert errors == []
    assert (a.headings, a.byline, a.authors, a.date, a.newspaper) == (
        ["甲市职工技能大赛落幕"], "本报讯（记者张三 通讯员李四）", ["张三", "李四"], "2025-05-07", "工人日报")
    assert a.paragraphs[0].startswith("5月6日，")
    # Without a dateline there is no date: "©2013-2014" is not one.
    (b,), _ = load_path(_write(tmp_path / "nodate.shtml", _SITE.format(dateline="")))
    assert (b.date, b.newspaper) == (None, "工人日报")


_EPAPER = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>工人日报</title></head><body>
<div class="banner">00001版：一版要闻 | <a href="p2.htm">下一版</a></div>
<div class="ban">2025年05月07日 星期三</div>
<div class="detail">
<h3>产业工人队伍建设改革走深走实——</h3>
<h1>乙省三年培育高技能人才二十万名</h1>
<h2>——技能等级认定覆盖全部规上企业</h2>
<div class="author">本报记者 王五</div>
<div id="ozoom"><p>00001版：一版要闻 | 下一版</p>
<p>　　本报讯 记者从乙省总工会获悉，三年来，乙省累计培育高技能人才二十万名，技能等级认定覆盖全部规模以上工业企业。</p>
<p>　　乙省总工会将产业工人队伍建设改革纳入重点工作，推动企业建立技能人才薪酬激励机制。</p>
<p>　　下一步，乙省将继续深化产改，让更多职工走技能成才、技能报国之路。</p>
</div></div>
<div class="footer">工人日报社版权所有 ©2013-2014</div>
</body></html>"""


def test_epaper_xhtml_keeps_kicker_byline_and_page_without_the_page_line_in_the_text(tmp_path):
    (a,), errors = load_path(_write(tmp_path / "GR0101.xhtml", _EPAPER))
    assert errors == []
    assert a.headings == ["产业工人队伍建设改革走深走实——", "乙省三年培育高技能人才二十万名",
                          "——技能等级认定覆盖全部规上企业"]
    assert (a.byline, a.authors, a.date, a.newspaper, a.page) == (
        "本报记者 王五", ["王五"], "2025-05-07", "工人日报", "第01版：一版要闻")
    assert not any("版：" in p for p in a.paragraphs)
    assert a.paragraphs[0].startswith("记者从乙省总工会获悉")


def test_plain_page_dated_by_its_header_line_and_by_its_file_name(tmp_path):
    page = ("工人日报 2025年5月1日 星期四\n第04版：要闻\n\n甲市工会举办职工技能比武\n\n"
            "本报讯（记者张三）甲市总工会日前举办职工技能比武，共有120名职工参赛。\n")
    (a,), errors = load_path(_write(tmp_path / "page.txt", page))
    assert errors == []
    assert (a.headings, a.date, a.newspaper, a.page) == (
        ["甲市工会举办职工技能比武"], "2025-05-01", "工人日报", "第04版：要闻")
    assert "2025年5月1日" not in a.text
    body = "甲市工会举办职工技能比武\n\n本报讯（记者张三）甲市总工会日前举办职工技能比武。\n"
    (b,), _ = load_path(_write(tmp_path / "xxrb_2025-05-01_04ban.txt", body))
    assert (b.date, b.page) == ("2025-05-01", "第04版")


def test_word_source_line_bylines_photo_credits_and_caption_style(tmp_path):
    from docx import Document

    doc = Document()
    doc.add_paragraph("来源：工人日报 2025年05月01日 第04版")
    doc.add_paragraph("劳动者之歌——")
    doc.add_paragraph("一线工匠的五一", style="Title")
    doc.add_paragraph("（特约记者王五 通讯员赵六）")
    doc.add_paragraph("　　五一前夕，记者走进甲市机床厂车间，看到工人们正在加紧生产。")
    doc.add_paragraph("图为工人在车间检修设备。", style="Caption")
    doc.add_paragraph("本报记者 张三 本报通讯员 李四 摄", style="Caption")
    doc.add_paragraph("　　车间主任介绍，今年订单同比增长三成，全厂职工干劲十足。")
    path = tmp_path / "word.docx"
    doc.save(str(path))
    (a,), errors = load_path(path)
    assert errors == []
    assert a.headings == ["劳动者之歌——", "一线工匠的五一"]
    assert (a.byline, a.authors, a.photographers) == ("（特约记者王五 通讯员赵六）", ["王五", "赵六"], ["张三", "李四"])
    assert a.paragraphs == ["五一前夕，记者走进甲市机床厂车间，看到工人们正在加紧生产。",
                            "车间主任介绍，今年订单同比增长三成，全厂职工干劲十足。"]
    assert a.captions == ["图为工人在车间检修设备。 本报记者 张三 本报通讯员 李四 摄"]
    assert (a.date, a.newspaper, a.page) == ("2025-05-01", "工人日报", "第04版")


def test_web_copy_of_an_epaper_article_keeps_kicker_byline_and_photo_credit(tmp_path):
    page = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>北京等18个地区被列为试点-人民日报</title>
<meta name="publishdate" content="2026-04-28"></head><body>
<div class="nav"><a href="/">首页</a> | <a href="/list">要闻</a></div>
<div class="article"><p class="kicker">促进中医药服务消费和服务贸易协同发展</p>
<h1>北京等18个地区被列为试点</h1>
<p>本报记者 罗珊珊 《人民日报》（2026年04月28日 第 13 版）</p>
<p>商务部等六部门正组织开展中医药服务消费和服务贸易协同发展试点工作，北京等18个地区被列为试点。</p>
<p>根据工作安排，未来3年内，试点地区将在中医药文化交流等方面先行先试。</p>
<p>新华社记者 毛思倩摄</p></div></body></html>"""
    (a,), errors = load_path(_write(tmp_path / "a.html", page))
    assert errors == []
    assert a.headings == ["促进中医药服务消费和服务贸易协同发展", "北京等18个地区被列为试点"]
    assert (a.byline, a.authors, a.date) == ("本报记者 罗珊珊", ["罗珊珊"], "2026-04-28")
    assert (a.captions, a.photographers) == (["新华社记者 毛思倩摄"], ["毛思倩"])
    assert a.paragraphs[0].startswith("商务部等六部门") and a.paragraphs[-1].endswith("先行先试。")


def test_word_kicker_typed_as_a_plain_paragraph_between_two_articles(tmp_path):
    path = _docx(tmp_path / "two.docx", [
        ("甲市工会举办职工技能比武", "Heading 1"),
        ("本报讯记者张三报道 甲市总工会日前举办职工技能比武，共有120名职工参赛。", None),
        ("张国清在全国防汛抗旱工作视频会议上强调", None),
        ("紧盯重点部位薄弱环节 严密防范化解水旱灾害风险", "Heading 1"),
        ("新华社北京4月27日电 全国防汛抗旱工作视频会议27日在京召开。", None),
    ])
    articles, errors = load_path(path)
    assert errors == []
    assert [a.headings for a in articles] == [
        ["甲市工会举办职工技能比武"], ["张国清在全国防汛抗旱工作视频会议上强调", "紧盯重点部位薄弱环节 严密防范化解水旱灾害风险"]]
    assert articles[0].paragraphs == ["甲市总工会日前举办职工技能比武，共有120名职工参赛。"]
