"""Drafts of the labels of tests/data/pdf_pages, read off the structure of the source PDF
(never from the parser): each article starts on a new PDF page with its title (as the PDF's
own table of contents gives it), its byline lines, and its source line
"《人民日报》（2025年10月20日 第 NN 版）"; the text follows. The drafts were then checked by
reading and corrected in `patches.py`. Run from the repository root:
    python tests/data/pdf_pages/tools/draft_labels.py
"""
import json
import re
from pathlib import Path

import pypdfium2 as pdfium

HERE = Path(__file__).resolve().parent.parent
PDF = HERE / "rmrb_20251020.pdf"
EDITION = re.compile(r"《人民日报》（2025年10月20日 第 (\d+) 版）")
FOLIO = re.compile(r"^第 \d+ 页$")
DATELINE = re.compile(r"^((?:新华社|本报|本報)[^\s\xa0。，]{0,12}?\d{1,2}月\d{1,2}日电)[\s\xa0]*(（[^（）]{1,40}）)?")
ROLE = re.compile(r"(?:本报|人民网|新华社)?(?:特约)?记者")
SENT = re.compile(r".*?(?:[。！？]+[”’」』）]*|$)")
# The pages (版) labelled, and which are held out (chosen before any scoring, by page
# number: every other page of the issue).
PAGES = ["01", "02", "03", "04", "05", "08", "09", "10", "11", "13", "15", "17", "18", "19", "20"]
HELDOUT = {"02", "04", "08", "10", "13", "17", "19"}


def texts():
    doc = pdfium.PdfDocument(str(PDF))
    return [doc[i].get_textpage().get_text_range().replace("\r\n", "\n") for i in range(len(doc))]


def toc(pages):
    items = []
    for t in pages[:4]:
        items += [m.group(1).strip() for m in re.finditer(r"(?m)^\d+\. (.+)$", t)]
    return items


def names(byline):
    rest = ROLE.sub(" ", byline)
    rest = re.sub(r"[（）]", " ", rest)
    parts = rest.split()
    out, k = [], 0
    while k < len(parts):
        if len(parts[k]) == 1 and k + 1 < len(parts) and len(parts[k + 1]) == 1:
            out.append(parts[k] + " " + parts[k + 1])
            k += 2
        else:
            out.append(parts[k])
            k += 1
    return out


def sentences(text):
    return [s for s in SENT.findall(text) if s.strip()]


def main():
    pages = texts()
    titles = toc(pages)
    starts = []   # (pdf page, 版)
    for i, t in enumerate(pages):
        m = EDITION.search(t)
        if m:
            starts.append((i, m.group(1)))
    firsts = {}
    for i, page in starts:
        firsts.setdefault(page, i)
    order = sorted(firsts.items(), key=lambda kv: kv[1])
    for k, (page, first) in enumerate(order):
        if page not in PAGES:
            continue
        end = order[k + 1][1] if k + 1 < len(order) else len(pages)
        arts, furniture = [], []
        art_starts = [i for i, _ in starts if first <= i < end]
        # furniture pages (本版责编, 广告) inside the range: pages without a source line
        for i in range(first, end):
            lines = [ln for ln in pages[i].split("\n") if ln.strip()]
            if i not in art_starts and not any(i > s for s in art_starts):
                furniture += lines
        for n, s in enumerate(art_starts):
            stop = art_starts[n + 1] if n + 1 < len(art_starts) else end
            t = "\n".join(pages[s:stop])
            m = EDITION.search(t)
            head = t[:m.start()]
            body_lines = [ln for ln in t[m.end():].split("\n") if ln.strip() and not FOLIO.match(ln.strip())]
            flat_head = head.replace("\n", "")
            title = next((x for x in titles if flat_head.replace(" ", "").startswith(x.replace(" ", ""))), None)
            if title is None:
                print("NO TITLE", page, s, repr(head))
                continue
            # the head lines after the title's lines are the byline
            acc, rest = "", head.split("\n")
            while rest and len(acc.replace(" ", "")) < len(title.replace(" ", "")):
                acc += rest.pop(0)
            byline = " ".join(x.strip() for x in rest if x.strip())
            body = "".join(body_lines).replace("\xa0", " ")
            d = DATELINE.match(body)
            if d and not byline:
                byline = (d.group(1) + (" " + d.group(2) if d.group(2) else "")).strip()
                body = body[d.end():].lstrip()
            sents = sentences(body)
            arts.append({"kicker": None, "title": title, "subtitle": None, "byline": byline or None,
                         "authors": names(re.sub(r"^.*?电", "", byline)) if byline else [],
                         "photographers": [], "captions": [],
                         "first_sentence": sents[0] if sents else None,
                         "last_sentence": sents[-1] if sents else None, "end_note": None,
                         "pdf_page": s, "sentences": sents, "lines": body_lines})
        name = f"人民日报_2025-10-20_{page}"
        labels = {"newspaper": "人民日报", "date": "2025-10-20", "page": page,
                  "pdf": PDF.name, "pdf_pages": [first, end],
                  "source_repo": "Kings-en/rmrb-pdf-fetcher", "source_paths": ["rmrb_20251020.pdf"],
                  "articles": arts, "furniture": furniture}
        (HERE / "tools" / "drafts").mkdir(exist_ok=True)
        (HERE / "tools" / "drafts" / f"{name}.labels.json").write_text(
            json.dumps(labels, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
