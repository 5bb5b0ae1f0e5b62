"""Shared helpers of the label scripts: an article dict in the labels schema of
tests/data/pages, and writing NAME.labels.json after checking every label line is in the
PDF's text (whitespace ignored, since the PDF's text is in content order with its own
line breaks)."""
import json
import re
from pathlib import Path

import pypdfium2 as pdfium

DIR = Path(__file__).resolve().parent.parent
_WS = re.compile(r"\s+")


def norm(s):
    return _WS.sub("", s or "")


def art(title, first, last, kicker=None, subtitle=None, byline=None, authors=(), photographers=(),
        captions=(), end_note=None):
    return {"kicker": kicker, "title": title, "subtitle": subtitle, "byline": byline,
            "authors": list(authors), "photographers": list(photographers), "captions": list(captions),
            "first_sentence": first, "last_sentence": last, "end_note": end_note}


def _pdf_text(name):
    doc = pdfium.PdfDocument(str(DIR / f"{name}.pdf"))
    return norm("".join(doc[i].get_textpage().get_text_range() for i in range(len(doc))))


def write(name, newspaper, date, page, source, articles, furniture, note=None):
    text = _pdf_text(name)
    for a in articles:
        for k in ("kicker", "title", "subtitle", "byline", "end_note", "first_sentence", "last_sentence"):
            for line in (a[k] or "").split("\n"):
                assert norm(line) in text, (name, k, line)
        for c in a["captions"]:
            for line in c.split("\n"):
                assert norm(line) in text, (name, "caption", line)
        for n in a["authors"] + a["photographers"]:
            assert norm(n) in text, (name, n)
    for f in furniture:
        assert norm(f) in text, (name, "furniture", f)
    repo, path, commit = source
    labels = {"newspaper": newspaper, "date": date, "page": page, "pdf": f"{name}.pdf", "pdf_pages": None,
              "source_repo": repo, "source_paths": [path], "source_commit": commit,
              "articles": articles, "furniture": furniture}
    if note:
        labels["note"] = note
    (DIR / f"{name}.labels.json").write_text(json.dumps(labels, ensure_ascii=False, indent=1) + "\n",
                                             encoding="utf-8")
    print(name, len(articles), "articles")


_END = "。！？"
_CLOSE = "”’」』）"


def sentence_from(name, prefix):
    """The whole sentence of the PDF's text (whitespace removed) that starts with prefix."""
    text = _pdf_text(name)
    i = text.index(norm(prefix))
    j = i + len(norm(prefix))
    while text[j] not in _END:
        j += 1
    j += 1
    while j < len(text) and text[j] in _CLOSE:
        j += 1
    return text[i:j]


def sentence_to(name, suffix):
    """The whole sentence of the PDF's text (whitespace removed) that ends with suffix."""
    text = _pdf_text(name)
    s = norm(suffix)
    j = text.index(s) + len(s)
    i = j - len(s) - 1
    while i >= 0 and not (text[i] in _END or (text[i] in _CLOSE and text[i - 1] in _END)):
        i -= 1
    return text[i + 1:j]
