"""Turn the fetched source files into tools/src/<page>.json (one printed page or one crawl day
each: its articles with title, subtitle, byline, authors and paragraphs). Run once, by hand, with
the fetched repositories under /work/.mirror (see ../README.md for repository and commit); the
JSON it writes is committed, so make_corpus.py needs nothing outside this directory.

* 人民日报 2025-10-20 (Kings-en/rmrb-pdf-fetcher, rmrb_20251020.pdf): the crawler's "article
  PDF" of the whole issue, one article starting on a new PDF page, headed by its title (large
  type), byline, and the line 《人民日报》（2025年10月20日 第 NN 版）. Lines are wrapped by width;
  a paragraph starts where a line is indented (two characters), which pypdfium2's line boxes
  show. Words are never changed; the page footer 第 N 页 is dropped. An article the crawler
  printed twice (the front-page pieces that continue on another page) is kept once.
* 中国教育报 / 中国教育新闻网 / 神州学人网 (monika2333/edu_news_pipeline, jyb_crawl/jyb_latest.json)
  and 中国日报网 (chinadaily_crawler/chinadaily_articles.json): crawler records (title, url,
  publish_time, content_markdown); the paragraphs are content_markdown's blank-line blocks,
  images (![](...)) dropped, the
  words beside them kept.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC = HERE / "src"
MIRROR = Path("/work/.mirror")
RMRB_REPO = MIRROR / "Kings-en+rmrb-pdf-fetcher" / "repo"
EDU_REPO = MIRROR / "monika2333+edu_news_pipeline" / "repo"
CLOSING = ("）", "”", "，", "。", "、", "；", "：", "！", "？", ")")   # never start a paragraph
DATELINE = re.compile(r"^《人民日报》（(\d{4})年(\d{2})月(\d{2})日 第 (\d{2}) 版）$")


def _git_bytes(repo: Path, rev_path: str) -> bytes:
    return subprocess.run(["git", "-C", str(repo), "show", rev_path], check=True,
                          capture_output=True).stdout


def _names(byline: str) -> list[str]:
    """本报记者 程 龙 潘俊强 -> [程龙, 潘俊强]: print pads two-character names with a space."""
    toks = [t for t in re.split(r"\s+", byline) if t]
    toks = [t for t in toks if not t.endswith("记者") and t not in ("文", "图")]
    out, k = [], 0
    while k < len(toks):
        if len(toks[k]) == 1 and k + 1 < len(toks) and len(toks[k + 1]) == 1:
            out.append(toks[k] + toks[k + 1])
            k += 2
        else:
            out.append(toks[k])
            k += 1
    return out


def rmrb_articles(pdf_bytes: bytes) -> list[dict]:
    import pypdfium2

    doc = pypdfium2.PdfDocument(pdf_bytes)
    arts: list[dict] = []
    cur = None
    for pno in range(len(doc)):
        tp = doc[pno].get_textpage()
        lines = []
        for i in range(tp.count_rects()):
            left, bottom, right, top = tp.get_rect(i)
            text = tp.get_text_bounded(left, bottom, right, top).replace("\r", "").replace("\n", "")
            lines.append((left, right, top - bottom, text))
        date_at = next((k for k, ln in enumerate(lines) if DATELINE.match(ln[3].strip())), None)
        if date_at is not None:
            head = lines[:date_at]
            title_lines = [ln for ln in head if ln[2] > 20]
            small = [ln[3].strip() for ln in head if ln[2] <= 20]
            title = ""
            for k, ln in enumerate(title_lines):
                if (k and title_lines[k - 1][1] < 540   # the line before did not reach the margin
                        and not ln[3].strip().startswith(("）", "”", "）"))):
                    title += " "
                title += ln[3].strip()
            m = DATELINE.match(lines[date_at][3].strip())
            cur = {"title": re.sub(r"\s+", " ", title).strip(), "byline": " ".join(small) or None,
                   "page_no": m.group(4), "date": f"{m.group(1)}-{m.group(2)}-{m.group(3)}",
                   "dateline": lines[date_at][3].strip(), "paras": [], "pdf_pages": [pno]}
            cur["authors"] = _names(cur["byline"]) if cur["byline"] else []
            arts.append(cur)
            body = lines[date_at + 1:]
        else:
            if cur is None:
                continue          # the table of contents
            cur["pdf_pages"].append(pno)
            body = lines
        for left, _right, _h, text in body:
            if re.fullmatch(r"第 \d+ 页", text.strip()):
                continue
            if not cur["paras"] or (left >= 45 and not text.strip().startswith(CLOSING)):
                cur["paras"].append(text.strip())
            else:
                cur["paras"][-1] += text.rstrip()
    seen, out = set(), []
    for a in arts:
        key = (a["page_no"], a["title"])
        if key in seen or a["title"].startswith(("本版责编", "广告")):
            continue   # printed twice, or page furniture (the editors' line, advertisements)
        if a["title"] == "征 集" or a["title"] == "黔灵山":
            continue   # a call for letters; a poem of one stanza
        seen.add(key)
        out.append(a)
    return out


def _editors(pdf_bytes: bytes) -> dict[str, str]:
    """版 -> its 本版责编 line (the crawler prints it as an article of its own)."""
    import pypdfium2

    doc = pypdfium2.PdfDocument(pdf_bytes)
    out = {}
    for pno in range(len(doc)):
        text = doc[pno].get_textpage().get_text_range().replace("\r", "")
        lines = [ln.strip() for ln in text.split("\n")]
        if lines and lines[0].startswith("本版责编"):
            m = next((DATELINE.match(ln) for ln in lines if DATELINE.match(ln)), None)
            if m:
                out.setdefault(m.group(4), re.sub(r"\s+", " ", lines[0]))
    return out


def rmrb(pages: list[str], pdf_pages: tuple[str, ...] = ("02",)) -> None:
    import pypdfium2

    pdf = _git_bytes(RMRB_REPO, "19d6268:rmrb_20251020.pdf")
    arts = rmrb_articles(pdf)
    editors = _editors(pdf)
    for no in pages:
        mine = [a for a in arts if a["page_no"] == no]
        page = {"newspaper": "人民日报", "date": mine[0]["date"], "page": no,
                "source": {"repo": "Kings-en/rmrb-pdf-fetcher", "commit": "19d6268",
                           "path": "rmrb_20251020.pdf", "pdf_pages": [p + 1 for a in mine for p in a["pdf_pages"]]},
                "articles": [{"title": a["title"], "byline": a["byline"], "authors": a["authors"],
                              "dateline": a["dateline"], "body": a["paras"]} for a in mine]}
        if no in editors:
            page["furniture"] = [editors[no]]
        if no in pdf_pages:   # the crawler's own PDF pages of this 版, cut out unchanged
            src, dst = pypdfium2.PdfDocument(pdf), pypdfium2.PdfDocument.new()
            dst.import_pages(src, [n - 1 for n in page["source"]["pdf_pages"]])
            dst.save(str(SRC / f"人民日报_{page['date']}_{no}.pdf"))
        (SRC / f"人民日报_{page['date']}_{no}.json").write_text(
            json.dumps(page, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def _md_paras(md: str) -> list[str]:
    """Blank-line blocks; an image (![](url)) is dropped, the words beside it (its caption
    or credit, 王琪 绘) stay."""
    paras = [re.sub(r"!\[[^\]]*\]\([^)]*\)", "", p) for p in re.split(r"\n\s*\n", md)]
    paras = [re.sub(r"\s*\n\s*", "", p).strip() for p in paras]
    return [p for p in paras if p]


def crawl(name: str, newspaper: str, repo_path: str, commit: str, picks: list[int],
          site_suffix: str | None = None) -> None:
    recs = json.loads(_git_bytes(EDU_REPO, f"{commit}:{repo_path}"))
    arts = []
    for k in picks:
        r = recs[k]
        title = r["title"]
        if site_suffix and title.endswith(site_suffix):
            title = title[: -len(site_suffix)].strip()
        arts.append({"title": title, "url": r["url"], "publish_time": r["publish_time"],
                     "body": _md_paras(r["content_markdown"]), "record": k})
    page = {"newspaper": newspaper, "date": arts[0]["publish_time"][:10], "page": None,
            "source": {"repo": "monika2333/edu_news_pipeline", "commit": commit,
                       "path": repo_path, "records": picks},
            "articles": arts}
    (SRC / f"{name}.json").write_text(json.dumps(page, ensure_ascii=False, indent=1) + "\n",
                                      encoding="utf-8")


def main() -> None:
    SRC.mkdir(exist_ok=True)
    rmrb(sys.argv[1:] or ["02", "04", "05", "06", "10", "11", "15", "18", "20"])
    jyb = ("jyb_crawl/jyb_latest.json", "c7be330")
    crawl("中国教育报_2025-10-15", "中国教育报", *jyb, [32, 45, 36, 46, 37])
    crawl("中国教育新闻网_2025-10-14", "中国教育新闻网", *jyb, [0, 1, 2, 3, 4, 5, 6, 7])
    crawl("神州学人网_2025-10-15", "神州学人网", *jyb, [15, 19, 43, 27, 41, 28],
          site_suffix="- 神州学人网")
    crawl("中国日报网_2025-10-16", "中国日报网", "chinadaily_crawler/chinadaily_articles.json",
          "df236a0", [0, 1, 2])


if __name__ == "__main__":
    main()
