"""E-paper PDFs read by layout (issue 18): running headers and page numbers, lines continued
across columns and pages, captions with their credits, articles continued on another page.

The PDFs are written here with reportlab in the built-in CID font STSong-Light: the machine's
CJK fonts (Noto CJK, `fc-list | grep -i cjk`) are CFF-based, which reportlab cannot embed."""
from __future__ import annotations

from pathlib import Path

import pytest

from assistant.ingest.readers import load_path

FONT = "STSong-Light"
W, H = 420, 600
HEADER = "工人日报 2025年5月1日 星期四"


def _canvas(path: Path):
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return canvas.Canvas(str(path), pagesize=(W, H))


def _running_header(c, section: str, number: int) -> None:
    c.setFont(FONT, 9)
    c.drawString(30, H - 30, HEADER)
    c.drawRightString(W - 30, H - 30, f"{section} {number}")
    c.line(30, H - 36, W - 30, H - 36)
    c.drawCentredString(W / 2, 20, str(number))   # the page number in the foot margin


def _lines(paragraphs: list[str], n: int) -> list[str]:
    out = []
    for p in paragraphs:
        text = "\u3000\u3000" + p
        out += [text[i:i + n] for i in range(0, len(text), n)]
    return out


BODY = [
    "本报讯 近日，甲市第十届职工职业技能大赛在市工人文化宫落下帷幕，来自全市八十六家企业的一千二百余名职工参加了电工、焊工、数控车工等十二个工种的比赛。",
    "据介绍，本届大赛由市总工会联合市人社局共同举办，赛题紧扣企业生产实际，理论考试和实际操作各占一半，比赛期间还组织了技能交流和成果展示活动。",
    "市总工会相关负责人表示，近年来全市各级工会广泛开展劳动和技能竞赛，推动建成了一批生产企业职工创新工作室，涌现出一大批技术能手和先进工作者。",
    "获奖选手将按规定授予甲市五一劳动奖章和甲市技术能手等荣誉称号，并在职称评定和薪酬待遇等方面获得相应激励。",
    "下一步，市总工会将继续深化产业工人队伍建设改革，为职工搭建更多学技术、比技能、展风采的平台。",
]


def _feature_pdf(path: Path) -> Path:
    """Two pages, two columns each: a headline, a byline over two lines (the second with a
    ■ mark), the article down column 1, on into column 2 (a sentence cut at the column
    foot), round a photo with its caption and credit, and on onto page 2 (a sentence cut at
    the page foot). Running header and page number on both pages."""
    c = _canvas(path)
    _running_header(c, "要闻", 4)
    c.setFont(FONT, 20)
    c.drawString(60, H - 80, "甲市职工技能大赛圆满落幕")
    c.setFont(FONT, 10)
    c.drawString(60, H - 104, "本报记者 张三")
    c.drawString(60, H - 118, "■通讯员 李四")
    lines = _lines(BODY, 17)
    xs = (30, 225)
    # column 1: 14 lines; column 2: a photo, its caption, then 8 lines; the rest on page 2
    y = H - 145
    k = 0
    for _ in range(14):
        c.drawString(xs[0], y, lines[k]); k += 1; y -= 14
    c.setFillGray(0.8); c.rect(xs[1], H - 250, 170, 100, fill=1, stroke=0); c.setFillGray(0)
    c.setFont(FONT, 9)
    c.drawString(xs[1], H - 264, "图为选手在焊工项目比赛中。")
    c.drawRightString(xs[1] + 170, H - 276, "王  五摄")
    c.setFont(FONT, 10)
    y = H - 300
    for _ in range(6):
        c.drawString(xs[1], y, lines[k]); k += 1; y -= 14
    c.showPage()
    _running_header(c, "要闻", 5)
    c.setFont(FONT, 10)
    y = H - 60
    while k < len(lines):
        c.drawString(xs[0], y, lines[k]); k += 1; y -= 14
    c.save()
    return path, lines


def test_two_page_two_column_pdf_is_one_article_with_date_and_photographer(tmp_path):
    path, lines = _feature_pdf(tmp_path / "grrb_feature.pdf")
    articles, errors = load_path(path)
    assert errors == []
    assert len(articles) == 1, [a.headings for a in articles]
    a = articles[0]
    assert a.headings == ["甲市职工技能大赛圆满落幕"]
    assert a.authors == ["张三", "李四"]
    assert a.photographers == ["王五"]
    assert [c.replace(" ", "") for c in a.captions] == ["图为选手在焊工项目比赛中。王五摄"]
    assert (a.date, a.newspaper) == ("2025-05-01", "工人日报")
    assert a.page and a.page.startswith("第04版")
    assert a.paragraphs == [BODY[0].split(" ", 1)[1]] + BODY[1:]
    assert HEADER not in a.text and "要闻 5" not in a.text


def test_the_pdf_article_is_indexed_with_its_date_and_photographer(tmp_path):
    from assistant import open_index
    from assistant.service.pipeline import index_paths
    from assistant.index.filters import SourceFilter

    path, _ = _feature_pdf(tmp_path / "grrb_feature.pdf")
    report, errors, articles = index_paths([str(path)], tmp_path / "index", progress_bar=False)
    assert report is not None and errors == [] and len(articles) == 1
    index = open_index(tmp_path / "index")
    stored = index.article(articles[0].id)
    assert (stored.date, stored.newspaper, stored.photographers) == ("2025-05-01", "工人日报", ["王五"])
    assert articles[0].id in SourceFilter.make(since="2025-05-01", until="2025-05-01").allowed_articles(index)
    assert articles[0].id not in SourceFilter.make(since="2025-05-02").allowed_articles(index)


def test_real_pdf_pages_do_not_get_worse():
    """The labelled pages of the real 人民日报 PDF (tests/data/pdf_pages): floors a little under
    the figures at the time of writing (all 15 pages: split P/R 0.82/0.89, dates 1.0)."""
    from assistant.evaluation.pages import score_dir

    _, overall = score_dir(Path(__file__).parent / "data" / "pdf_pages", "all")
    assert overall["precision"] >= 0.80 and overall["recall"] >= 0.87
    assert overall["date_acc"] == 1.0 and overall["photographers_acc"] >= 0.97


def test_each_article_of_a_two_page_pdf_gets_the_page_it_starts_on(tmp_path):
    path = tmp_path / "issue.pdf"
    c = _canvas(path)
    for number, title, body in ((4, "甲市职工技能大赛圆满落幕", BODY[:2]), (5, "乙县启动职工疗休养", BODY[3:])):
        _running_header(c, "要闻", number)
        c.setFont(FONT, 20)
        c.drawString(60, H - 80, title)
        c.setFont(FONT, 10)
        c.drawString(60, H - 104, "本报记者 张三")
        y = H - 130
        for line in _lines(body, 34):
            c.drawString(30, y, line)
            y -= 14
        c.showPage()
    c.save()
    articles, errors = load_path(path)
    assert errors == []
    assert [(a.title, a.page, a.date) for a in articles] == [
        ("甲市职工技能大赛圆满落幕", "第04版：要闻", "2025-05-01"), ("乙县启动职工疗休养", "第05版：要闻", "2025-05-01")]


SECTIONS = [("车间里的“金点子”", BODY[1:3]), ("从学徒到技术尖子", BODY[3:4]), ("让更多职工成长成才", BODY[4:])]


def test_feature_page_whose_three_subheads_are_set_larger_is_one_article(tmp_path):
    """A feature page: a headline, a byline, the text in two columns under three 小标题 set a
    little larger than the body (as e-papers do: 1.2-1.7x), then a second report under its
    own headline. The subheads stay inside the first article; the headline opens the second."""
    path = tmp_path / "feature.pdf"
    c = _canvas(path)
    c.setFont(FONT, 22)
    c.drawString(40, H - 60, "技能成才路越走越宽")
    c.setFont(FONT, 10)
    c.drawString(40, H - 84, "本报记者 赵六")
    y, x = H - 110, 30
    for k, (head, paragraphs) in enumerate(SECTIONS):
        if k == 1:   # the second subhead heads column 2, as a column often starts
            y, x = H - 110, 225
        c.setFont(FONT, 13)
        c.drawString(x + 20, y, head)
        y -= 22
        c.setFont(FONT, 10)
        for line in _lines(paragraphs, 17):
            if y < 60:
                y, x = H - 110, 225
            c.drawString(x, y, line)
            y -= 14
        y -= 6
    c.setFont(FONT, 22)
    c.drawString(225, 150, "市总工会开展送清凉")
    c.setFont(FONT, 10)
    y = 120
    for line in _lines([BODY[0]], 17):
        c.drawString(225, y, line)
        y -= 14
    c.save()
    articles, errors = load_path(path)
    assert errors == []
    assert [a.headings for a in articles] == [["技能成才路越走越宽"], ["市总工会开展送清凉"]]
    a = articles[0]
    assert a.byline.replace(" ", "") == "本报记者赵六" and a.authors == ["赵六"]
    assert [h for h, _ in SECTIONS] == [p for p in a.paragraphs if p in {h for h, _ in SECTIONS}]
    assert a.paragraphs[-1] == BODY[4]
    assert articles[1].paragraphs == [BODY[0].split(" ", 1)[1]]


def test_real_epaper_pages_do_not_get_worse():
    """The real e-paper pages of tests/data/epaper_pages that the reader was fitted on (the
    tune part, 16 pages, 69 articles): floors a little under the figures at the time of
    writing (P/R 1.0/1.0, headings 1.0, bylines 1.0, captions 1.0, dates 1.0; see its
    RESULTS.md; main 14c6f26 had 0.787/0.855, 0.899, 0.927, 1.0, 0.957 on the same pages)."""
    from assistant.evaluation.pages import score_dir

    _, overall = score_dir(Path(__file__).parent / "data" / "epaper_pages", "tune")
    assert overall["precision"] >= 0.93 and overall["recall"] >= 0.93
    assert overall["heading_acc"] >= 0.96 and overall["byline_acc"] >= 0.96
    assert overall["caption_recall"] >= 0.9
    assert overall["date_acc"] == 1.0


WRAP_BODY = [
    "本报讯 2017年1月17日，甲市第十届职工职业技能大赛在市工人文化宫落下帷幕，来自全市八十六家企业的一千二百余名职工参加了电工、焊工、数控车工等十二个工种的比赛，赛题紧扣企业生产实际。",
    "党的十九大报告提出，加强近岸海域污染治理。按照从山顶到海洋、海陆一盘棋的理念，坚持河海兼顾、区域联动，开展入海河流综合整治，加强沿海城市污染源治理，清理非法或设置不合理入海排污口，逐步减少陆源污染排放。",
    "下一步，市总工会将继续深化产业工人队伍建设改革，为职工搭建更多学技术、比技能、展风采的平台。",
]


def _draw_mixed(c, x: float, y: float, line: str, size: float = 10) -> None:
    """A line whose figures are set in a Latin font (Helvetica, a size up so they match the
    Chinese characters' height), as e-papers set them: their boxes measure taller than the
    Chinese characters' (人民日报_2018-01-18_07: 10.7 against 9.0). Each character on a grid
    of the type size (the line justified to its measure)."""
    for ch in line:
        figure = ch.isascii() and ch.isdigit()
        c.setFont("Helvetica" if figure else FONT, 1.2 * size if figure else size)
        c.drawString(x, y, ch)
        x += size


def _wrap_lines(paragraphs: list[str], widths) -> list[str]:
    """The paragraphs' lines, each as wide as the next of `widths` (characters)."""
    out, k = [], 0
    for p in paragraphs:
        text = "\u3000\u3000" + p
        while text:
            n = widths(k)
            out.append(text[:n])
            text = text[n:]
            k += 1
    return out


def test_a_banner_in_reversed_type_is_no_article_and_the_column_wraps_round_it(tmp_path):
    """A banner slogan set white on a dark bar inside an article's column (人民日报 理论 pages:
    认真学习宣传贯彻党的十九大精神), with the column narrowed to 8 characters beside it
    (顶到海洋、海陆一 / 盘棋的理念，坚持 / 河海兼顾、区域联), and figures set in a Latin font:
    the banner is the page's furniture (no heading, no text of the article), the narrowed
    lines run on into the lines under the bar (none of them read as a list of names), and
    the lines with figures are body."""
    path = tmp_path / "banner.pdf"
    c = _canvas(path)
    c.setFont(FONT, 20)
    c.drawString(30, H - 60, "甲市职工技能大赛圆满落幕")
    c.setFont(FONT, 10)
    c.drawString(30, H - 84, "本报记者 张三")
    # 27 characters a line; lines 5-7 beside the bar: 8 characters
    narrow = range(5, 8)
    lines = _wrap_lines(WRAP_BODY, lambda k: 8 if k in narrow else 27)
    assert lines[7] == "河海兼顾、区域联"
    y = H - 110
    for k, line in enumerate(lines):
        _draw_mixed(c, 30, y, line)
        if k == narrow[0]:
            top = y + 12
        if k == narrow[-1]:
            c.setFillGray(0.2)
            c.rect(130, y - 4, 170, top - y + 4, fill=1, stroke=0)
            c.setFillGray(1)
            c.setFont(FONT, 14)
            c.drawString(145, (y + top) / 2 - 5, "认真学习宣传贯彻精神")
            c.setFillGray(0)
        y -= 14
    c.setFont(FONT, 20)
    c.drawString(30, y - 20, "乙县启动职工疗休养")
    c.setFont(FONT, 10)
    y -= 50
    for line in _lines(BODY[3:4], 27):
        c.drawString(30, y, line)
        y -= 14
    c.save()
    articles, errors = load_path(path)
    assert errors == []
    assert [a.headings for a in articles] == [["甲市职工技能大赛圆满落幕"], ["乙县启动职工疗休养"]]
    a = articles[0]
    assert a.authors == ["张三"]
    assert [p.replace(" ", "") for p in a.paragraphs] == [WRAP_BODY[0].split(" ", 1)[1]] + WRAP_BODY[1:]
    assert "认真学习" not in a.text + articles[1].text


@pytest.mark.parametrize("title_pitch,name_pitch", [(30, 12), (42, 25)])
def test_a_column_narrowed_beside_a_vertical_headline_runs_on(tmp_path, title_pitch, name_pitch):
    """A piece whose vertical headline and author's name stand at the right of its column
    (人民日报 思想纵横 / 大家手笔): the lines beside them are set narrower (and stay narrow a
    little past the headline's foot) and run on into the full-width lines under it, and its
    first line, whose figures are set in a
    Latin font that measures taller, is body like the others: each paragraph is one line of
    the text, and the piece is one article under its headline. Set tight, or letterspaced
    as e-papers set them (the headline's characters half a character apart, a two-character
    name padded to three characters' height: 人民日报_2018-01-24, -25)."""
    path = tmp_path / "vertical.pdf"
    c = _canvas(path)
    title, name = "技能成才路越走越宽", "赵六"
    c.setFont(FONT, 26)
    for k, ch in enumerate(title):
        c.drawString(360, H - 60 - title_pitch * k, ch)
    c.setFont(FONT, 10)
    for k, ch in enumerate(name):
        c.drawString(335, H - 160 - name_pitch * k, ch)
    # beside the headline (its last character's foot at H-60-30*8 = H-300): 28 characters,
    # the measure staying narrow two lines past it (down to H-50-14*19 = H-316), then 36
    lines = _wrap_lines(WRAP_BODY, lambda k: 28 if k < 20 else 36)
    y = H - 50
    for line in lines:
        _draw_mixed(c, 20, y, line)
        y -= 14
    c.save()
    from assistant.ingest.formats.pdf import pdf_document

    text, _ = pdf_document(path.read_bytes())
    # Each paragraph is one line of the text, its figures' line included.
    assert [t.strip().replace(" ", "") for t in text.splitlines()][-3:] == [p.replace(" ", "") for p in WRAP_BODY]
    articles, errors = load_path(path)
    assert errors == []
    assert [a.headings for a in articles] == [[title]]
    a = articles[0]
    assert a.authors == [name]
    assert [p.replace(" ", "") for p in a.paragraphs] == [WRAP_BODY[0].split(" ", 1)[1]] + WRAP_BODY[1:]


def test_a_headline_level_with_the_end_of_a_side_column_heads_the_text_under_it(tmp_path):
    """A row of articles under another: the second article's headline and byline stand
    level with the last lines of a side column on the right (人民日报 理论 pages), and its
    text starts under them after a blank across the whole page. The headline is read with
    its text, after the side column, not before it."""
    path = tmp_path / "rows.pdf"
    c = _canvas(path)

    def column(x, y, paragraphs, n, stop):
        for line in _lines(paragraphs, n):
            if y < stop:
                break
            c.drawString(x, y, line)
            y -= 14
        return y

    c.setFont(FONT, 20)
    c.drawString(20, H - 50, "甲市职工技能大赛圆满落幕")
    c.drawString(280, H - 50, "乙县疗休养")
    c.setFont(FONT, 10)
    c.drawString(20, H - 72, "本报记者 张三")
    c.drawString(280, H - 72, "本报记者 李四")
    column(20, H - 95, BODY[:2], 24, 330)
    column(280, H - 95, BODY[3:] + BODY[1:2], 12, 282)
    c.setFont(FONT, 20)
    c.drawString(20, 300, "技能成才路越走越宽")
    c.setFont(FONT, 10)
    c.drawString(20, 280, "本报记者 赵六")
    column(20, 245, BODY[2:3], 24, 40)
    c.save()
    articles, errors = load_path(path)
    assert errors == []
    assert [a.headings for a in articles] == [["甲市职工技能大赛圆满落幕"], ["乙县疗休养"], ["技能成才路越走越宽"]]
    assert [a.authors for a in articles] == [["张三"], ["李四"], ["赵六"]]
    assert articles[2].paragraphs == [BODY[2]]
    assert articles[1].paragraphs[-1].startswith(BODY[1][:10])


def test_a_measure_narrowed_beside_an_inset_stays_full_a_little_past_it():
    """The lines of one column: 28 characters wide beside an inset (a vertical headline's
    box, whose last character ends at y=500), staying at that measure two lines past its
    foot, then 36 wide. Every narrow line is full at its measure: the paragraph runs on
    through all of them (人民日报_2018-01-23_07: 政治责任感和无畏的… under 用做实体现学习成效)."""
    from assistant.ingest.formats.pdf import _Frag, _region_paras

    text = "\u3000\u3000" + WRAP_BODY[1] * 5
    frags, y, k, pos = [], 600.0, 0, 0
    while pos < len(text):
        n = 28 if y > 470 else 36
        line = text[pos:pos + n]
        frags.append(_Frag(line, 20, y - 9, 20 + 9 * len(line), y, ch=9))
        pos += n
        y -= 12
    inset = _Frag("", 300, 500, 330, 620)   # narrow lines end at 272, the inset starts at 300
    paras = _region_paras(frags, 9, [inset])
    assert [p.text for p in paras] == [text]


def test_a_photo_set_outside_the_articles_span_is_no_articles_photo(tmp_path):
    """A page of two articles in the left columns and, at the foot of the right column, a
    photo with its caption and credit that illustrates the page, not the article read before
    it (人民日报_2018-01-04_07): the article beside it gets no photographer and no caption; a
    photo set under an article's headline span stays that article's."""
    from PIL import Image
    from reportlab.lib.utils import ImageReader

    path = tmp_path / "standalone.pdf"
    photo = ImageReader(Image.new("RGB", (40, 40), (120, 140, 160)))
    c = _canvas(path)
    c.setFont(FONT, 20)
    c.drawString(20, H - 50, "甲市职工技能大赛圆满落幕")
    c.setFont(FONT, 10)
    c.drawString(20, H - 72, "本报记者 张三")
    y = H - 95
    for line in _lines(BODY[:2], 24):
        c.drawString(20, y, line)
        y -= 14
    # a photo under the first article's headline, with its caption and credit
    c.drawImage(photo, 20, y - 100, 200, 100)
    c.setFont(FONT, 9)
    c.drawString(20, y - 114, "图为选手在焊工项目比赛中。")
    c.drawRightString(220, y - 126, "王  五摄")
    c.setFont(FONT, 20)
    c.drawString(20, 180, "技能成才路越走越宽")
    c.setFont(FONT, 10)
    c.drawString(20, 158, "本报记者 赵六")
    y = 135
    for line in _lines(BODY[2:3], 24):
        c.drawString(20, y, line)
        y -= 14
    # the right column: text down to the foot of the page, then a photo standing alone
    y = H - 50
    for line in _lines(BODY[3:], 10):
        c.drawString(290, y, line)
        y -= 14
    c.drawImage(photo, 290, 90, 110, 110)
    c.setFont(FONT, 9)
    c.drawString(290, 76, "图为市民在公园健身。")
    c.drawRightString(400, 64, "李  四摄")
    c.save()
    articles, errors = load_path(path)
    assert errors == []
    first, second = [a for a in articles if a.title in ("甲市职工技能大赛圆满落幕", "技能成才路越走越宽")]
    assert first.photographers == ["王五"] and len(first.captions) == 1
    assert second.photographers == [] and second.captions == []
    assert all("李四" not in a.photographers for a in articles)


def test_names_set_apart_by_a_blank_without_a_space_are_two_names(tmp_path):
    """A byline whose names are set apart by a half-character blank and no space character
    (本报讯（…通讯员 魏嘉熠 张慧莹）, 甘肃法治报_2024-08-09_08): the blank is a word space, so
    both names are authors; a line letterspaced evenly to its measure gets no spaces."""
    path = tmp_path / "names.pdf"
    c = _canvas(path)
    c.setFont(FONT, 20)
    c.drawString(30, H - 60, "劳务工资被拖欠 检察监督全追回")
    c.setFont(FONT, 10)
    x, y = 30, H - 100
    for ch in "本报讯（通讯员　魏嘉熠　张慧莹）":
        if ch == "\u3000":
            x += 6   # a blank, no character drawn
            continue
        c.drawString(x, y, ch)
        x += 10.5
    text = "“我的工资终于拿到了！”近日，一名农民工在检察官的帮助下拿回了被拖欠的工资。"
    y -= 14
    for k in range(0, len(text), 24):
        line = text[k:k + 24]
        step = 13 if len(line) == 24 else 10   # the full line letterspaced to the measure
        for j, ch in enumerate(line):
            c.drawString(30 + step * j, y, ch)
        y -= 14
    c.save()
    articles, errors = load_path(path)
    assert errors == []
    assert len(articles) == 1 and articles[0].authors == ["魏嘉熠", "张慧莹"]
    assert articles[0].paragraphs == [text]


def test_a_photo_clipped_to_a_frame_is_read_by_its_frame(tmp_path):
    """A photo placed larger than its frame and clipped to it, its image running under the
    text of the article beside it (甘肃法治报_2024-08-09_08): the frame is the picture, so the
    caption and credit under it stay together and out of the article beside it."""
    from PIL import Image
    from reportlab.lib.utils import ImageReader

    path = tmp_path / "clipped.pdf"
    c = _canvas(path)
    c.setFont(FONT, 20)
    c.drawString(20, H - 50, "甲市职工技能大赛圆满落幕")
    c.setFont(FONT, 10)
    c.drawString(20, H - 72, "本报记者 张三")
    y = H - 95
    for line in _lines(BODY[:2], 12):
        c.drawString(20, y, line)
        y -= 14
    # the photo: its image spans x 60-400, clipped to the frame x 160-400, y 300-460
    c.saveState()
    frame = c.beginPath()
    frame.rect(160, 300, 240, 160)
    c.clipPath(frame, stroke=0, fill=0)
    c.drawImage(ImageReader(Image.new("RGB", (40, 40), (120, 140, 160))), 60, 280, 340, 200)
    c.restoreState()
    c.setFont(FONT, 9)
    c.drawString(160, 286, "辅警开展专项训练。8月6日，陇西县公安局")
    c.drawString(160, 274, "组织开展最小作战单元现场处置训练。")
    c.drawRightString(400, 262, "王  五摄")
    c.save()
    from assistant.ingest.formats.pdf import CAPTION_RATIO, pdf_marked

    text, _, _, ratios = pdf_marked(path.read_bytes())
    marked = dict(zip(text.splitlines(), ratios))
    assert marked["王 五摄"] == CAPTION_RATIO
    assert [r for line, r in marked.items() if line.startswith("辅警")] == [CAPTION_RATIO]
    articles, errors = load_path(path)
    assert errors == []
    a = next(a for a in articles if a.title == "甲市职工技能大赛圆满落幕")
    assert "辅警" not in "".join(a.paragraphs) and a.photographers == ["王五"]


def test_a_charts_source_line_is_no_caption_of_the_article_round_it(tmp_path):
    """An information graphic set in an article's column, its figures drawn (a picture) and
    its source line under it (人民日报_2018-01-03_07: 数据来源：国家统计局…): the source line is
    the graphic's note, not a photo caption of the article, which keeps its text whole."""
    from PIL import Image
    from reportlab.lib.utils import ImageReader

    path = tmp_path / "chart.pdf"
    c = _canvas(path)
    c.setFont(FONT, 20)
    c.drawString(20, H - 50, "甲市职工技能大赛圆满落幕")
    c.setFont(FONT, 10)
    c.drawString(20, H - 72, "本报记者 张三")
    y = H - 95
    for line in _lines(BODY[:1], 36):
        c.drawString(20, y, line)
        y -= 14
    c.drawImage(ImageReader(Image.new("RGB", (40, 40), (200, 120, 60))), 20, y - 110, 360, 110)
    c.setFont(FONT, 9)
    c.drawString(20, y - 124, "数据来源：甲市统计局2025年4月发布的职工技能统计数据。")
    c.setFont(FONT, 10)
    y -= 150
    for line in _lines(BODY[1:2], 36):
        c.drawString(20, y, line)
        y -= 14
    c.save()
    articles, errors = load_path(path)
    assert errors == []
    assert len(articles) == 1
    a = articles[0]
    assert a.captions == [] and a.photographers == []
    assert "数据来源" not in a.text
    assert a.paragraphs == [BODY[0].split(" ", 1)[1], BODY[1]]


def test_a_vertical_headline_between_two_text_columns_heads_both():
    """A 大家手笔 box (人民日报_2018-01-30_07): its text in two columns with the vertical headline
    and the author's name between them, the left column starting lower (under a logo) and the
    right one above the headline's top. The right column's top lines stay with the rest of
    that column (not cut off as a row of their own), and the headline with the name is read
    before the left column, which is then not read into the article before the box."""
    from assistant.ingest.formats.pdf import _Frag, _Para, _headlines_first, _xy_cut

    def line(text, x0, top, n=13, size=10.0):
        return _Frag(text, x0, top - size, x0 + n * size, top, ch=size)

    right = [line(f"右栏第{k}行文字内容示例。", 560, 600 - 14 * k) for k in range(14)]
    left = [line(f"左栏第{k}行文字内容示例。", 300, 480 - 14 * k) for k in range(8)]
    head = _Frag("迈向强起来的新时代", 500, 300, 526, 566, ch=26)
    name = _Frag("李君如", 470, 376, 480, 410, ch=10)
    # the box's last lines run across both columns under the headline: no gutter through it
    foot = [line(f"通栏第{k}行文字内容示例，横跨两栏直到右边。", 300, 296 - 14 * k, n=39) for k in range(2)]
    regions = _xy_cut(right + left + [head, name] + foot, 8.0)
    owner = next(r for r in regions if right[0] in r)
    assert all(f in owner for f in right)   # the column's top lines and the rest: one region

    def para(text, x0, x1, bottom, top, h=10.0, region=0):
        return _Para(text, h, False, True, x0, x1, top, bottom, region=region)

    paras = [para("（作者为新华网董事长、总裁）", 20, 160, 100, 110, region=1),
             para("左栏第一段", 300, 430, 380, 480, region=2),
             para("左栏第二段", 300, 430, 300, 378, region=2),
             para("李君如", 470, 480, 376, 410, region=3),
             para("迈向强起来的新时代", 500, 526, 300, 566, h=26, region=4),
             para("右栏", 560, 690, 400, 600, region=5)]
    out = [p.text for p in _headlines_first(paras, 10.0)]
    assert out == ["（作者为新华网董事长、总裁）", "李君如", "迈向强起来的新时代", "左栏第一段", "左栏第二段", "右栏"]
