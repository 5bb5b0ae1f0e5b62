"""Word documents (.docx) -> paragraph lines, with python-docx.

Each paragraph is a line (a soft line break inside one splits it) and an empty paragraph
a blank line; a table is read where it stands, a row a line (cells joined by spaces).
Paragraphs in a Title or Heading style are marked as headings, so the reader can start
an article at each of them.
"""
from __future__ import annotations

import io
import zipfile

from assistant.ingest.base import FileProblem, normalise_newlines


def _is_heading_style(paragraph) -> bool:
    style = paragraph.style
    while style is not None:
        name = (style.name or "").lower()
        if name == "title" or name.startswith("heading") or name.startswith("标题"):
            return True
        style = style.base_style
    return False


# Caption styles: Word's built-in "Caption" (题注) and the names newsrooms give theirs.
_CAPTION_STYLE = ("caption", "题注", "图注", "图片说明", "图说", "图片")


def _is_caption_style(paragraph) -> bool:
    style = paragraph.style
    while style is not None:
        name = (style.name or "").lower()
        if any(name.startswith(c) for c in _CAPTION_STYLE):
            return True
        style = style.base_style
    return False


def _is_centered(paragraph) -> bool:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    align = paragraph.alignment
    if align is None and paragraph.style is not None:
        align = paragraph.style.paragraph_format.alignment
    return align == WD_ALIGN_PARAGRAPH.CENTER


def docx_lines(data: bytes) -> list[tuple[str, bool]]:
    """The lines of a .docx as (text, is_heading); "" for a blank line.

    FileProblem for a file that is not a Word document or cannot be read.
    """
    return [(text, kind == "heading") for text, kind in docx_blocks(data)]


def docx_blocks(data: bytes) -> list[tuple[str, str]]:
    """The lines of a .docx as (text, kind): kind "heading" (a Title or Heading style),
    "caption" (a caption style, or a centred line with a photo credit or opening
    "图为"), "body", or "" for a blank line.

    FileProblem for a file that is not a Word document or cannot be read.
    """
    from assistant.ingest.page.credits import is_photo_credit
    from assistant.ingest.page.headings import BODY_START
    from assistant.ingest.page.marks import CREDIT_MAX

    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table

    try:
        doc = Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as e:
        raise FileProblem(f"broken Word document: it cannot be opened ({e})") from None
    except Exception as e:  # lxml errors and the like inside a damaged package
        raise FileProblem(f"broken Word document: {type(e).__name__}: {e}") from None
    lines: list[tuple[str, str]] = []
    for block in doc.iter_inner_content():   # paragraphs and tables in document order
        if isinstance(block, Table):
            lines += [(t, "body") for t, _ in _table_lines(block)]
            continue
        text = normalise_newlines(block.text).replace("\v", "\n")
        parts = [p.strip() for p in text.split("\n")]
        if not any(parts):
            lines.append(("", ""))
            continue
        if _is_heading_style(block):
            kind = "heading"
        elif _is_caption_style(block) or (
                _is_centered(block) and len(text) <= CREDIT_MAX
                and (is_photo_credit(parts[-1]) or bool(BODY_START.match(text.strip())))):
            kind = "caption"
        else:
            kind = "body"
        if kind == "caption":
            lines.append((" ".join(p for p in parts if p), kind))   # one caption, credit and all
        else:
            lines += [(part, kind) for part in parts if part]
    return lines


def _table_lines(table) -> list[tuple[str, bool]]:
    out: list[tuple[str, bool]] = []
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            t = " ".join(cell.text.split())
            if t and (not cells or cells[-1] != t):   # merged cells repeat their text
                cells.append(t)
        if cells:
            out.append((" ".join(cells), False))
    return out
