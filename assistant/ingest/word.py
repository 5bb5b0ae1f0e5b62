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


def docx_lines(data: bytes) -> list[tuple[str, bool]]:
    """The lines of a .docx as (text, is_heading); "" for a blank line.

    FileProblem for a file that is not a Word document or cannot be read.
    """
    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table

    try:
        doc = Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as e:
        raise FileProblem(f"broken Word document: it cannot be opened ({e})") from None
    except Exception as e:  # lxml errors and the like inside a damaged package
        raise FileProblem(f"broken Word document: {type(e).__name__}: {e}") from None
    lines: list[tuple[str, bool]] = []
    for block in doc.iter_inner_content():   # paragraphs and tables in document order
        if isinstance(block, Table):
            lines += _table_lines(block)
            continue
        text = normalise_newlines(block.text).replace("\v", "\n")
        heading = _is_heading_style(block)
        parts = [p.strip() for p in text.split("\n")]
        if not any(parts):
            lines.append(("", False))
            continue
        lines += [(part, heading) for part in parts if part]
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
