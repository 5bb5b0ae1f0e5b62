"""Build tests/data/realqa/corpus/ from labelled real pages (tests/data/pages) and the seed.

Each page goes into ONE format, the way such material reaches a union office: the page text
as printed (.txt), one saved web page per article (.html), a Word file (.docx, python-docx,
heading styles for the headings), an e-paper PDF (.pdf, reportlab, a CJK font of the
machine), crawler dumps (.json with {"data": [...]}, .jsonl, one record per article) and
Markdown with YAML front matter (.md, one article). The text of every article is the page's
own text (tools/pages.py cuts it by the hand labels); nothing is rewritten.

Run: python tests/data/realqa/tools/make_corpus.py   (rewrites corpus/; deterministic)
"""
from __future__ import annotations

import html
import json
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import pages  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "corpus"
REPO = ROOT.parents[2]
SEED = REPO / "seeds" / "000_58d3ffa267799daa.txt"

# page -> (format, split). The report half is exactly the pages split.json holds out
# ("heldout"); the fit half is tune pages (and the seed page, which seed_dev already uses).
LAYOUT = {
    # report half
    "人民日报_2026-04-28_11": ("txt", "report"),
    "人民日报_2026-04-30_08": ("html", "report"),
    "人民日报_2026-05-07_20": ("txt", "report"),
    "新华每日电讯_2026-04-28_04": ("docx", "report"),
    "新华每日电讯_2026-04-30_08": ("pdf", "report"),
    "新华每日电讯_2026-05-01_04": ("txt", "report"),
    "学习时报_2026-05-01_12": ("txt", "report"),
    "学习时报_2026-05-11_07": ("txt", "report"),
    "申報_1949-04-27_02": ("txt", "report"),
    "光明日报_2025-10-15_03": ("jsonl", "report"),
    "光明日报_2025-10-15_04": ("txt", "report"),
    "光明日报_2025-10-15_07": ("json", "report"),
    "光明日报_2025-10-15_12": ("txt", "report"),
    "解放日报_2022-05-28_01": ("jsonl", "report"),
    "解放日报_2022-05-30_01": ("txt", "report"),
    "解放日报_2022-06-01_01": ("pdf", "report"),
    "新民晚报_2022-04-01_08": ("md", "report"),
    # fit half
    "人民日报_2026-04-28_13": ("html", "fit"),
    "人民日报_2026-04-29_04": ("txt", "fit"),
    "新华每日电讯_2026-04-28_03": ("docx", "fit"),
    "新华每日电讯_2026-04-29_05": ("pdf", "fit"),
    "光明日报_2025-10-14_03": ("txt", "fit"),
    "光明日报_2025-10-14_04": ("jsonl", "fit"),
    "光明日报_2025-10-15_08": ("json", "fit"),
    "解放日报_2022-05-27_01": ("jsonl", "fit"),
    "学习时报_2026-05-08_10": ("txt", "fit"),
    "申報_1949-05-12_02": ("txt", "fit"),
    "申報_1949-05-14_02": ("txt", "fit"),
    "人民日报_1946-05-17_01": ("txt", "fit"),
    "人民日报_1946-05-18_02": ("txt", "fit"),
    "新民晚报_2022-04-01_04": ("md", "fit"),
    "新民晚报_2022-04-02_08": ("md", "fit"),
    "新民晚报_2022-04-02_15": ("md", "fit"),
    "新民晚报_2022-04-03_08": ("md", "fit"),
}
SEED_NAME = "浙江工人日报_seed.txt"   # the bundled seed page, fit half


def _headings(a: dict) -> list[str]:
    return [h for h in (a["kicker"], a["title"], a["subtitle"]) if h]


def _body_text(a: dict) -> str:
    return "\n".join(ln.strip() for ln in a["body"])


def write_html(page: str) -> None:
    for a in pages.articles(page):
        title = a["title"] or ""
        paras = "\n".join(f"<p>{html.escape(ln.strip())}</p>" for ln in a["body"])
        heads = ""
        if a["kicker"]:
            heads += f'<p class="kicker">{html.escape(a["kicker"])}</p>\n'
        heads += f"<h1>{html.escape(title)}</h1>\n"
        if a["subtitle"]:
            heads += f'<h2 class="subtitle">{html.escape(a["subtitle"])}</h2>\n'
        doc = (f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">\n'
               f"<title>{html.escape(title)}-{a['newspaper']}</title>\n"
               f'<meta name="author" content="{html.escape("、".join(a["authors"]))}">\n'
               f'<meta name="publishdate" content="{a["date"]}">\n'
               f'<meta property="og:site_name" content="{a["newspaper"]}">\n</head><body>\n'
               f'<div class="nav"><a href="/">首页</a> | <a href="/list">要闻</a></div>\n'
               f'<div class="article">\n{heads}'
               f'<p class="date">{a["date"]} 第{a["page_no"]}版</p>\n{paras}\n</div>\n'
               f'<div class="footer">版权所有 {a["newspaper"]}</div>\n</body></html>\n')
        (OUT / f"{page}_{a['index']:02d}.html").write_text(doc, encoding="utf-8")


def write_docx(page: str) -> None:
    import docx

    d = docx.Document()
    for a in pages.articles(page):
        if a["kicker"]:
            d.add_paragraph(a["kicker"])
        d.add_heading(a["title"] or "", level=1)
        if a["subtitle"]:
            d.add_heading(a["subtitle"], level=2)
        for ln in a["body"]:
            d.add_paragraph(ln.strip())
    d.core_properties.title = page
    d.save(OUT / f"{page}.docx")


def _cjk_font() -> str:
    # The machine's CJK fonts (Noto CJK) are CFF OpenType, which reportlab cannot embed;
    # its built-in Adobe CID font (Unicode CMap UniGB-UCS2-H) is what many e-paper PDFs use.
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def write_pdf(page: str) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    font = _cjk_font()
    c = canvas.Canvas(str(OUT / f"{page}.pdf"), pagesize=A4, invariant=1)
    w, h = A4
    margin, y = 50, h - 50
    text, labels = pages.load(page)

    def line(s: str, size: float) -> None:
        nonlocal y
        per = max(1, int((w - 2 * margin) // size))
        for k in range(0, max(1, len(s)), per):
            if y < margin + size:
                c.showPage()
                y = h - 50
            c.setFont(font, size)
            c.drawString(margin, y, s[k:k + per])
            y -= size * 1.5

    line(f"{labels['newspaper']}  {labels['date']}  第{labels['page']}版", 9)
    for a in pages.articles(page):
        y -= 8
        for hd in _headings(a):
            line(hd, 15 if hd == a["title"] else 11)
        for ln in a["body"]:
            line(ln.strip(), 10)
    c.save()


def _record(a: dict, url_base: str) -> dict:
    rec = {"title": a["title"], "content": _body_text(a),
           "date": a["date"], "source": a["newspaper"], "page": f"第{a['page_no']}版",
           "url": f"{url_base}/{a['date']}/{a['page_no']}/{a['index']:02d}.html"}
    if a["subtitle"]:
        rec["subtitle"] = a["subtitle"]
    if a["kicker"]:
        rec["kicker"] = a["kicker"]
    if a["authors"]:
        rec["author"] = "、".join(a["authors"])
    return rec


BASES = {"光明日报": "https://epaper.gmw.cn/gmrb", "解放日报": "https://www.jfdaily.com/epaper"}


def write_json(page: str, lines: bool) -> None:
    arts = pages.articles(page)
    base = BASES.get(arts[0]["newspaper"], "https://example.invalid")
    recs = [_record(a, base) for a in arts]
    if lines:
        (OUT / f"{page}.jsonl").write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs), encoding="utf-8")
    else:
        (OUT / f"{page}.json").write_text(
            json.dumps({"data": recs}, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def write_md(page: str) -> None:
    for a in pages.articles(page):
        meta = [f"title: {json.dumps(a['title'], ensure_ascii=False)}",
                f"date: {a['date']}", f"newspaper: {a['newspaper']}",
                f"page: 第{a['page_no']}版"]
        if a["authors"]:
            meta.append(f"author: {json.dumps('、'.join(a['authors']), ensure_ascii=False)}")
        body = "\n\n".join(ln.strip() for ln in a["body"])
        (OUT / f"{page}.md").write_text("---\n" + "\n".join(meta) + "\n---\n\n"
                                        + (f"# {a['title']}\n\n") + body + "\n",
                                        encoding="utf-8")


def main() -> None:
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    for page, (fmt, _split) in LAYOUT.items():
        if fmt == "txt":
            shutil.copyfile(pages.PAGES / f"{page}.txt", OUT / f"{page}.txt")
        elif fmt == "html":
            write_html(page)
        elif fmt == "docx":
            write_docx(page)
        elif fmt == "pdf":
            write_pdf(page)
        elif fmt in ("json", "jsonl"):
            write_json(page, lines=fmt == "jsonl")
        elif fmt == "md":
            write_md(page)
    shutil.copyfile(SEED, OUT / SEED_NAME)
    split = {p: s for p, (_f, s) in LAYOUT.items()}
    split[SEED_NAME[:-4]] = "fit"
    (ROOT / "split.json").write_text(json.dumps(split, ensure_ascii=False, indent=1) + "\n",
                                     encoding="utf-8")


if __name__ == "__main__":
    main()
