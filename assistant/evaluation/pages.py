"""Scoring the page parser against a labelled set of newspaper pages.

    python -m assistant.evaluation.pages DIR [--split tune|heldout|all] [--json] [--show-misses]

DIR holds `NAME.txt` (the text of a page) with `NAME.labels.json` (or labels naming a `pdf`
and its `pdf_pages` [start, end), read through the PDF reader) (its articles: kicker,
title, subtitle, byline, authors, photographers, captions, first_sentence, last_sentence,
end_note; and the page's `furniture` lines), and optionally `split.json`
({"tune": [NAME, ...], "heldout": [NAME, ...]}).

Every string is compared after whitespace normalisation: all whitespace (ASCII and the
full-width U+3000) is removed, so a title broken over two lines, a padded name such as
`韩 鑫` and a paragraph's indentation do not count.

- split: a predicted article is correct when one of its headings is the label's title and
  its body (the paragraphs) starts with `first_sentence` and ends with `last_sentence`,
  optionally followed by the label's `end_note` or its first lines (an end note kept as the
  last paragraph is fine; one that leaked into the next article is not). Each label and each predicted
  article is matched at most once. Precision = correct / predicted, recall = correct /
  labelled. Labels without body sentences (a headline alone) are left out of the count.
- Each labelled article is paired with its correct prediction, else with an unmatched
  prediction carrying its title, else with one whose body starts with its first sentence.
  Over all labelled articles (an unpaired one counts as wrong):
  heading accuracy: the predicted headings are exactly [kicker, title, subtitle] (the
  ones the label has); byline accuracy: the byline is the label's (or both empty);
  authors / photographers accuracy: the same set of names;
  caption recall: share of labelled captions found among the paired article's captions
  (a photo story, whose caption is its body, counts when its paragraphs and captions
  together are the labelled caption).
- dates: over the labelled articles of pages whose text shows the label's `date` (written
  in full anywhere on it), the share whose article got that date. The file name is hidden
  from the parser while scoring (it is parsed as "page"), so the date is read from the text.
- furniture leakage: share of the page's furniture lines found in any predicted heading,
  paragraph or caption (equal to it, or inside it when the line has >= 6 characters).
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from assistant.ingest.page.articles import parse_page
from assistant.ingest.page.issue import DATE, iso_date
from assistant.records import Article

_WS = re.compile(r"\s+")
LEAK_MIN = 6   # a furniture line shorter than this leaks only when it is a whole heading/line


def norm(s: str | None) -> str:
    return _WS.sub("", s or "")


@dataclass
class PageScore:
    name: str
    split: str
    labelled: int = 0
    predicted: int = 0
    correct: int = 0
    headings_ok: int = 0
    bylines_ok: int = 0
    authors_ok: int = 0
    photographers_ok: int = 0
    captions: int = 0
    captions_found: int = 0
    furniture: int = 0
    furniture_leaked: int = 0
    dated: int = 0
    dates_ok: int = 0
    misses: list[dict] = field(default_factory=list)

    def summary(self) -> dict:
        return _ratios(self)


def _ratios(s) -> dict:
    def r(a, b):
        return round(a / b, 4) if b else None
    p, rc = r(s.correct, s.predicted), r(s.correct, s.labelled)
    f1 = round(2 * p * rc / (p + rc), 4) if p and rc else (0.0 if p is not None and rc is not None else None)
    return {"labelled": s.labelled, "predicted": s.predicted, "correct": s.correct,
            "precision": p, "recall": rc, "f1": f1,
            "heading_acc": r(s.headings_ok, s.labelled), "byline_acc": r(s.bylines_ok, s.labelled),
            "authors_acc": r(s.authors_ok, s.labelled),
            "photographers_acc": r(s.photographers_ok, s.labelled),
            "caption_recall": r(s.captions_found, s.captions),
            "furniture_leakage": r(s.furniture_leaked, s.furniture),
            "date_acc": r(s.dates_ok, s.dated),
            "furniture": s.furniture, "furniture_leaked": s.furniture_leaked}


def _body(a: Article) -> str:
    return norm("".join(a.paragraphs))


def _split_ok(label: dict, a: Article) -> bool:
    if norm(label.get("title")) not in {norm(h) for h in a.headings}:
        return False
    body = _body(a)
    first, last = norm(label["first_sentence"]), norm(label["last_sentence"])
    if not body.startswith(first):
        return False
    ends = [last]
    # An end note kept as the last paragraph(s) is fine, whole or its first lines.
    notes = [n for n in (label.get("end_note") or "").split("\n") if norm(n)]
    for k in range(1, len(notes) + 1):
        ends.append(last + norm("".join(notes[:k])))
    return any(body.endswith(e) and len(body) >= len(e) for e in ends)


def _expected_headings(label: dict) -> list[str]:
    return [norm(label[k]) for k in ("kicker", "title", "subtitle") if label.get(k)]


def _caption_found(caption: str, label: dict, a: Article) -> bool:
    c = norm(caption)
    if c in {norm(x) for x in a.captions}:
        return True
    # A photo story: the labelled caption is the story's whole text.
    if label.get("first_sentence") and c.startswith(norm(label["first_sentence"])):
        return c == _body(a) + "".join(norm(x) for x in a.captions)
    return False


def _names(xs) -> set[str]:
    return {norm(x) for x in xs or []}


def pdf_slice(path: Path, pages: list[int] | None) -> bytes:
    """The bytes of a PDF holding pages [start, end) of the PDF at `path` (all without)."""
    import pypdfium2 as pdfium

    if not pages:
        return path.read_bytes()
    src = pdfium.PdfDocument(str(path))
    new = pdfium.PdfDocument.new()
    new.import_pages(src, list(range(pages[0], pages[1])))
    import io

    buf = io.BytesIO()
    new.save(buf)
    return buf.getvalue()


def read_labelled_pdf(folder: Path, labels: dict) -> tuple[list[Article], str]:
    """The articles the PDF reader gives for a labelled PDF page (its file name hidden), and
    the PDF's text (for which dates it shows)."""
    from assistant.ingest.formats.pdf import pdf_document
    from assistant.ingest.formats.pdf_articles import load_pdf

    data = pdf_slice(folder / labels["pdf"], labels.get("pdf_pages"))
    text, furniture = pdf_document(data)
    return load_pdf(data, "page.pdf", "page"), "\n".join([text, *furniture])


def as_docx(text: str) -> bytes:
    """A page's text as a Word file would hold it: a paragraph per line (blank lines as empty
    paragraphs, indentation kept as typed), no heading styles."""
    import io

    from docx import Document

    doc = Document()
    for line in text.split("\n"):
        doc.add_paragraph(line)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def score_page(name: str, text: str, labels: dict, split: str = "",
               articles: list[Article] | None = None) -> PageScore:
    # The name is hidden: "人民日报_2026-04-30_08" would give away the date and paper.
    if articles is None:
        articles = parse_page(text, "page.txt", "page")
    s = PageScore(name=name, split=split, predicted=len(articles))
    scorable = [lab for lab in labels["articles"] if lab.get("first_sentence") and lab.get("last_sentence")]
    s.labelled = len(scorable)
    used: set[int] = set()
    pairs: dict[int, int] = {}
    shows_date = bool(labels.get("date")) and labels["date"] in {
        iso_date(m.group(1), m.group(2) or m.group(4), m.group(3) or m.group(5))
        for m in DATE.finditer(text)}
    for li, lab in enumerate(scorable):
        for ai, a in enumerate(articles):
            if ai not in used and _split_ok(lab, a):
                used.add(ai)
                pairs[li] = ai
                s.correct += 1
                break
    for li, lab in enumerate(scorable):
        if li in pairs:
            continue
        title, first = norm(lab.get("title")), norm(lab["first_sentence"])
        cand = [ai for ai, a in enumerate(articles) if ai not in used
                and title and title in {norm(h) for h in a.headings}]
        cand = cand or [ai for ai, a in enumerate(articles) if ai not in used
                        and _body(a).startswith(first)]
        if cand:
            used.add(cand[0])
            pairs[li] = cand[0]
    for li, lab in enumerate(scorable):
        a = articles[pairs[li]] if li in pairs else None
        s.captions += len(lab.get("captions") or [])
        if a is None:
            s.dated += shows_date
            s.misses.append({"label": lab.get("title"), "why": "no article with this title or first sentence"})
            continue
        heads_ok = [norm(h) for h in a.headings] == _expected_headings(lab)
        byline_ok = norm(a.byline) == norm(lab.get("byline"))
        s.headings_ok += heads_ok
        s.bylines_ok += byline_ok
        s.authors_ok += _names(getattr(a, "authors", [])) == _names(lab.get("authors"))
        s.photographers_ok += _names(getattr(a, "photographers", [])) == _names(lab.get("photographers"))
        found = [c for c in lab.get("captions") or [] if _caption_found(c, lab, a)]
        s.captions_found += len(found)
        why = []
        if shows_date:
            s.dated += 1
            s.dates_ok += a.date == labels["date"]
            if a.date != labels["date"]:
                why.append(f"date {a.date}")
        if li not in pairs or not _split_ok(lab, a):
            why.append("split")
        if not heads_ok:
            why.append("headings")
        if not byline_ok:
            why.append("byline")
        if len(found) < len(lab.get("captions") or []):
            why.append("captions")
        if why:
            body = "".join(a.paragraphs)
            s.misses.append({"label": lab.get("title"), "why": ",".join(why),
                             "expected_headings": [lab.get(k) for k in ("kicker", "title", "subtitle")],
                             "got_headings": a.headings, "expected_byline": lab.get("byline"),
                             "got_byline": a.byline, "expected_first": lab["first_sentence"][:30],
                             "got_first": body[:30], "expected_last": lab["last_sentence"][-30:],
                             "got_last": body[-30:], "expected_captions": lab.get("captions"),
                             "got_captions": a.captions})
    for ai, a in enumerate(articles):
        if ai not in used:
            s.misses.append({"spurious": a.headings, "byline": a.byline,
                             "first": "".join(a.paragraphs)[:40]})
    heads = [norm(h) for a in articles for h in a.headings]
    texts = [norm(x) for a in articles for x in a.headings + a.paragraphs + a.captions]
    for f in labels.get("furniture") or []:
        nf = norm(f)
        if not nf:
            continue
        s.furniture += 1
        leaked = nf in heads or nf in texts or (len(nf) >= LEAK_MIN and any(nf in t for t in texts))
        if leaked:
            s.furniture_leaked += 1
            s.misses.append({"furniture_leak": f})
    return s


def load_split(folder: Path) -> dict[str, str]:
    f = folder / "split.json"
    if not f.exists():
        return {}
    d = json.loads(f.read_text(encoding="utf-8"))
    return {name: part for part, names in d.items() for name in names}


def score_dir(folder: str | Path, split: str = "all", fmt: str = "txt") -> tuple[list[PageScore], dict]:
    folder = Path(folder)
    parts = load_split(folder)
    pages: list[PageScore] = []
    for lab_file in sorted(folder.glob("*.labels.json")):
        name = lab_file.name[: -len(".labels.json")]
        part = parts.get(name, "")
        if split != "all" and part != split:
            continue
        txt = folder / f"{name}.txt"
        labels = json.loads(lab_file.read_text(encoding="utf-8"))
        if labels.get("pdf"):   # a page of a PDF, read by the PDF reader
            articles, text = read_labelled_pdf(folder, labels)
            pages.append(score_page(name, text, labels, part, articles))
            continue
        if not txt.exists():
            continue
        text = txt.read_text(encoding="utf-8")
        if fmt == "docx":   # the same page saved as a Word file, read by the Word reader
            from assistant.ingest.formats.word import load_docx

            pages.append(score_page(name, text, labels, part, load_docx(as_docx(text), "page.docx", "page")))
            continue
        pages.append(score_page(name, text, labels, part))
    total = PageScore(name="overall", split=split)
    for p in pages:
        for k in ("labelled", "predicted", "correct", "headings_ok", "bylines_ok", "authors_ok",
                  "photographers_ok", "captions", "captions_found", "furniture", "furniture_leaked",
                  "dated", "dates_ok"):
            setattr(total, k, getattr(total, k) + getattr(p, k))
    overall = total.summary()
    overall["pages"] = len(pages)
    return pages, overall


def score_containers(folder: str | Path, corpus: str | Path, split: str = "all") -> dict[str, dict]:
    """The labelled pages of `folder` as another folder holds them in other formats (one
    .pdf/.docx/.json per page, or one .html per article: `NAME.pdf`, `NAME_03.html`), each
    file read by its reader with its name hidden; the figures per format (file suffix)."""
    from assistant.ingest.readers import load_data

    folder, corpus = Path(folder), Path(corpus)
    parts = load_split(folder)
    by_format: dict[str, list[PageScore]] = {}
    for lab_file in sorted(folder.glob("*.labels.json")):
        name = lab_file.name[: -len(".labels.json")]
        part = parts.get(name, "")
        txt = folder / f"{name}.txt"
        if (split != "all" and part != split) or not txt.exists():
            continue
        files = sorted(f for f in corpus.iterdir() if f.suffix.lower() != ".txt" and (
            f.stem == name or re.fullmatch(re.escape(name) + r"_\d+", f.stem)))
        if not files:
            continue
        articles: list[Article] = []
        for f in files:
            found, _ = load_data(f.read_bytes(), f"page{f.suffix}", f"page{f.suffix}", f"page{f.suffix}")
            articles += found
        labels = json.loads(lab_file.read_text(encoding="utf-8"))
        score = score_page(name, txt.read_text(encoding="utf-8"), labels, part, articles)
        by_format.setdefault(files[0].suffix.lower(), []).append(score)
    out = {}
    for fmt, pages in by_format.items():
        total = PageScore(name=fmt, split=split)
        for p in pages:
            for k in ("labelled", "predicted", "correct", "headings_ok", "bylines_ok", "authors_ok",
                      "photographers_ok", "captions", "captions_found", "furniture", "furniture_leaked",
                      "dated", "dates_ok"):
                setattr(total, k, getattr(total, k) + getattr(p, k))
        out[fmt] = {**total.summary(), "pages": [p.name for p in pages]}
    return out


def _fmt(x) -> str:
    return "  -  " if x is None else f"{x:.3f}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m assistant.evaluation.pages",
                                 description="Score the page parser on a labelled page set.")
    ap.add_argument("dir")
    ap.add_argument("--split", choices=["tune", "heldout", "all"], default="all")
    ap.add_argument("--as", dest="fmt", choices=["txt", "docx"], default="txt",
                    help="read each .txt page as is, or saved as a Word file (a paragraph a line)")
    ap.add_argument("--corpus", help="score the pages as this folder holds them in other formats "
                    "(NAME.pdf, NAME.docx, NAME_NN.html ...), per format")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    ap.add_argument("--show-misses", action="store_true", help="list each wrong article")
    args = ap.parse_args(argv)
    if args.corpus:
        print(json.dumps(score_containers(args.dir, args.corpus, args.split), ensure_ascii=False, indent=1))
        return 0
    pages, overall = score_dir(args.dir, args.split, args.fmt)
    if args.json:
        out = {"split": args.split, "overall": overall,
               "pages": [{"name": p.name, "split": p.split, **p.summary(),
                          **({"misses": p.misses} if args.show_misses else {})} for p in pages]}
        print(json.dumps(out, ensure_ascii=False, indent=1))
        return 0
    cols = ["precision", "recall", "f1", "heading_acc", "byline_acc", "authors_acc",
            "photographers_acc", "caption_recall", "furniture_leakage", "date_acc"]
    short = ["P", "R", "F1", "head", "byline", "authors", "photo", "capt", "leak", "date"]
    print(f"{'page':34} {'split':7} {'lab':>4} {'pred':>4} " + " ".join(f"{c:>6}" for c in short))
    for p in pages + [None]:
        name, part, d = (p.name, p.split, p.summary()) if p else ("OVERALL", args.split, overall)
        print(f"{name:34} {part:7} {d['labelled']:4d} {d['predicted']:4d} "
              + " ".join(f"{_fmt(d[c]):>6}" for c in cols))
        if p and args.show_misses:
            for m in p.misses:
                print("    " + json.dumps(m, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
