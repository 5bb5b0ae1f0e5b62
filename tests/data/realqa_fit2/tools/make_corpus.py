"""Build tests/data/realqa_fit2/corpus/ from tools/src/*.json (made by extract_sources.py).

Each page (a printed 版, or one crawl day of one site) goes into ONE format, the way such
material reaches a union office; the words of every article are the source's own:

* .txt   the page as printed text: title, byline, the paper's date line, paragraphs, one blank
         line between articles, the editors' line at the end (人民日报 pages);
* .pdf   the crawler's own PDF pages of that 版, cut out of rmrb_20251020.pdf (pypdfium2),
         so the PDF text is exactly what the crawler typeset;
* .docx  python-docx: title as Heading 1, byline and date line as paragraphs;
* .html  one saved web page per article (title, meta author/date/site, nav and footer);
* .md    one file per article, YAML front matter (title, date, newspaper, page, author);
* .jsonl / .json  crawler records ({"data": [...]} for .json), as the crawler wrote them.

Run: python tests/data/realqa_fit2/tools/make_corpus.py   (rewrites corpus/ and split.json)
"""
from __future__ import annotations

import datetime
import html
import json
import shutil
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = ROOT / "corpus"
SRC = HERE / "src"

# page -> format. Every page is fit (this whole set is for fitting; the report half of
# tests/data/realqa stays the held-apart measure).
LAYOUT = {
    "人民日报_2025-10-20_02": "pdf",
    "人民日报_2025-10-20_04": "docx",
    "人民日报_2025-10-20_05": "html",
    "人民日报_2025-10-20_06": "md",
    "人民日报_2025-10-20_10": "txt",
    "人民日报_2025-10-20_11": "txt",
    "人民日报_2025-10-20_15": "html",
    "人民日报_2025-10-20_18": "md",
    "人民日报_2025-10-20_20": "txt",
    "中国教育报_2025-10-15": "jsonl",
    "中国教育新闻网_2025-10-14": "jsonl",
    "神州学人网_2025-10-15": "json",
    "中国日报网_2025-10-16": "html",
}
SITES = {"人民日报": "http://paper.people.com.cn/rmrb/pc/content"}


def load(page: str) -> dict:
    return json.loads((SRC / f"{page}.json").read_text(encoding="utf-8"))


def page_text(page: str) -> str:
    """All words of the page as the corpus carries them (for the question checks)."""
    p = load(page)
    parts = []
    for a in p["articles"]:
        parts += [a["title"], a.get("byline") or "", a.get("dateline") or "",
                  a.get("publish_time") or "", *a["body"]]
    parts += p.get("furniture", [])
    return "\n".join(parts)


def headings(page: str) -> list[str]:
    return [a["title"] for a in load(page)["articles"]]


def _date_line(p: dict) -> str:
    y, m, d = p["date"].split("-")
    return f"{y}年{int(m)}月{int(d)}日"


def write_txt(page: str) -> None:
    p = load(page)
    blocks = []
    for a in p["articles"]:
        lines = [a["title"]]
        if a.get("byline"):
            lines.append(a["byline"])
        if a.get("dateline"):
            lines.append(a["dateline"])
        lines += ["　　" + x for x in a["body"]]
        blocks.append("\n".join(lines))
    blocks += p.get("furniture", [])
    (OUT / f"{page}.txt").write_text("\n\n".join(blocks) + "\n", encoding="utf-8")


def write_pdf(page: str) -> None:
    # the crawler's PDF pages of this 版, cut out by extract_sources.py
    shutil.copyfile(SRC / f"{page}.pdf", OUT / f"{page}.pdf")


def write_docx(page: str) -> None:
    import docx

    p = load(page)
    d = docx.Document()
    for a in p["articles"]:
        d.add_heading(a["title"], level=1)
        for x in (a.get("byline"), a.get("dateline")):
            if x:
                d.add_paragraph(x)
        for x in a["body"]:
            d.add_paragraph(x)
    d.core_properties.title = page
    d.core_properties.created = d.core_properties.modified = datetime.datetime(2025, 10, 20)
    d.save(OUT / f"{page}.docx")
    _fix_zip_times(OUT / f"{page}.docx")


def _fix_zip_times(path: Path) -> None:
    """Rewrite a zip with one fixed time stamp on every member, so a rebuild gives the same
    bytes (python-docx stamps the members with the time of writing)."""
    with zipfile.ZipFile(path) as z:
        members = [(i, z.read(i.filename)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in members:
            fixed = zipfile.ZipInfo(info.filename, date_time=(2025, 10, 20, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(fixed, data)


def _html_page(p: dict, a: dict, url: str) -> str:
    paras = "\n".join(f"<p>{html.escape(x)}</p>" for x in a["body"])
    author = "、".join(a.get("authors") or [])
    date = (a.get("publish_time") or p["date"])[:10]
    where = f"第{p['page']}版" if p.get("page") else ""
    byline = f'<p class="author">{html.escape(a["byline"])}</p>\n' if a.get("byline") else ""
    return (f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">\n'
            f"<title>{html.escape(a['title'])}-{p['newspaper']}</title>\n"
            + (f'<meta name="author" content="{html.escape(author)}">\n' if author else "")
            + f'<meta name="publishdate" content="{date}">\n'
            f'<meta property="og:site_name" content="{p["newspaper"]}">\n'
            f'<link rel="canonical" href="{html.escape(url)}">\n</head><body>\n'
            f'<div class="nav"><a href="/">首页</a> | <a href="/list">新闻</a></div>\n'
            f'<div class="article">\n<h1>{html.escape(a["title"])}</h1>\n{byline}'
            f'<p class="date">{date} {where}</p>\n{paras}\n</div>\n'
            f'<div class="footer">版权所有 {p["newspaper"]}</div>\n</body></html>\n')


def write_html(page: str) -> None:
    p = load(page)
    for k, a in enumerate(p["articles"]):
        url = a.get("url") or f"{SITES[p['newspaper']]}/{p['date']}/{p['page']}/{k:02d}.html"
        (OUT / f"{page}_{k:02d}.html").write_text(_html_page(p, a, url), encoding="utf-8")


def write_md(page: str) -> None:
    p = load(page)
    for k, a in enumerate(p["articles"]):
        meta = [f"title: {json.dumps(a['title'], ensure_ascii=False)}",
                f"date: {p['date']}", f"newspaper: {p['newspaper']}"]
        if p.get("page"):
            meta.append(f"page: 第{p['page']}版")
        if a.get("authors"):
            meta.append(f"author: {json.dumps('、'.join(a['authors']), ensure_ascii=False)}")
        body = "\n\n".join(a["body"])
        (OUT / f"{page}_{k:02d}.md").write_text(
            "---\n" + "\n".join(meta) + "\n---\n\n" + f"# {a['title']}\n\n" + body + "\n",
            encoding="utf-8")


def _record(p: dict, a: dict) -> dict:
    # the crawler's record (title, url, publish_time) with its markdown text under "content":
    # the crawler's own key, content_markdown, is not one the readers take (they refuse the
    # record: "missing 'text' (or 'content', 'body')"), see ../README.md
    return {"title": a["title"], "url": a["url"], "publish_time": a["publish_time"],
            "source": p["newspaper"], "content": "\n\n".join(a["body"])}


def write_json(page: str, lines: bool) -> None:
    p = load(page)
    recs = [_record(p, a) for a in p["articles"]]
    if lines:
        (OUT / f"{page}.jsonl").write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs), encoding="utf-8")
    else:
        (OUT / f"{page}.json").write_text(
            json.dumps({"data": recs}, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def main() -> None:
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    for page, fmt in LAYOUT.items():
        {"txt": write_txt, "pdf": write_pdf, "docx": write_docx, "html": write_html,
         "md": write_md, "jsonl": lambda pg: write_json(pg, True),
         "json": lambda pg: write_json(pg, False)}[fmt](page)
    (ROOT / "split.json").write_text(
        json.dumps({p: "fit" for p in LAYOUT}, ensure_ascii=False, indent=1) + "\n",
        encoding="utf-8")


if __name__ == "__main__":
    main()
