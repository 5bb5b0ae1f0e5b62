"""Word documents (.docx) -> paragraph lines, with python-docx.

Each paragraph is a line (a soft line break inside one splits it) and an empty paragraph
a blank line; a table is read where it stands, a row a line (cells joined by spaces).
Paragraphs in a Title or Heading style are marked as headings, so the reader can start
an article at each of them.
`load_docx` reads the lines into articles.
"""
from __future__ import annotations

import io
import zipfile

from assistant.ingest.base import FileProblem, norm, normalise_newlines
from assistant.ingest.formats.text import load_plain
from assistant.ingest.page.headings import settle_columns
from assistant.ingest.page.articles import draft_article, page_issue
from assistant.ingest.page.drafts import Draft
from assistant.ingest.page.lines import page_lines
from assistant.ingest.page.parser import PageParser
from assistant.records import Article


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


def load_docx(data: bytes, source: str, stem: str) -> list[Article]:
    """A Word document: Title/Heading paragraphs start articles; the text between them
    (and a document without heading styles) is split like a page. Paragraphs in a caption
    style (or centred with a photo credit) are captions of the article they stand in. A
    kicker (引题) typed as a plain paragraph right above a Title paragraph is its heading.
    The source line ("来源：工人日报 2025年05月01日 第04版") or the file name gives the date."""
    from assistant.ingest.page.bylines import BYLINE, names_only
    from assistant.ingest.page.credits import caption_photographers, credit_only, photo_credit
    from assistant.ingest.page.headings import is_heading_line, is_kicker
    from assistant.ingest.page.marks import is_closed
    from assistant.ingest.page.issue import is_issue_line

    blocks = docx_blocks(data)
    captions: list[tuple[str, str]] = []   # (the body line above it, caption)
    lines: list[tuple[str, bool]] = []
    for text, kind in blocks:
        if kind == "caption":
            above = next((t for t, h in reversed(lines) if t and not h), "")
            if captions and captions[-1][0] == above and credit_only(text) \
                    and not photo_credit(captions[-1][1]):
                captions[-1] = (above, f"{captions[-1][1]} {text}")   # its credit, a line below
            else:
                captions.append((above, text))
        else:
            lines.append((text, kind == "heading"))

    # Paragraphs a blank line apart, as in a page; where the writer set blank lines with empty
    # paragraphs (between articles, say), those are the page's blank lines and a paragraph
    # goes on the next line (tests/data/pages saved as Word files, tune pages).
    typed_blanks = any(not t for t, kind in blocks if kind != "caption")
    sep = "\n" if typed_blanks else "\n\n"

    def as_text(paragraphs) -> str:
        return sep.join(paragraphs)

    issue = page_issue(as_text(t for t, _ in blocks), stem)
    if not any(heading for _, heading in lines):
        articles = load_plain(as_text(t for t, _ in lines), source, stem, markdown=False)
    else:
        segments: list[tuple[list[str], list[str]]] = [([], [])]
        for text, heading in lines:
            if heading:
                heads, body = segments[-1]
                kept = [t for t in body if t and not is_issue_line(t)]
                kicker: list[str] = []
                if kept and len(kept) <= 2 and all(is_kicker(t) or is_heading_line(t) for t in kept) \
                        and not (heads and not any(heads[-1:])):
                    # Short unfinished lines right above a title: its kicker (引题).
                    kicker = kept
                    segments[-1] = (heads, [t for t in body if t not in kept])
                    heads, body = segments[-1]
                elif len(kept) >= 2 and (is_kicker(kept[-1]) or is_heading_line(kept[-1])) \
                        and is_closed(kept[-2]) and not BYLINE.match(kept[-1]):
                    # The previous article's text ends on a finished sentence, then one short
                    # unfinished line right above the title: the title's kicker
                    # ("张国清在全国防汛抗旱工作视频会议上强调"; tune pages as Word files).
                    kicker = [kept[-1]]
                    at = len(body) - 1 - body[::-1].index(kept[-1])
                    segments[-1] = (heads, body[:at] + body[at + 1:])
                    heads, body = segments[-1]
                if any(body) or (heads and kicker):
                    segments.append(([], []))
                segments[-1][0].extend(kicker + [text])
            else:
                segments[-1][1].append(text)
        drafts: list[Draft] = []
        for headings, body in segments:
            # A signed piece prints its author's bare name on the line under its title
            # (人民日报's 编辑手记: "张雪妍", then the edition line): under a styled title, a
            # first line of nothing but a name is the byline, not a heading the page parser
            # would detect (fit: realqa_fit2's 人民日报 04版 .docx).
            first = next((k for k, t in enumerate(body) if t.strip()), None)
            signed = ""
            if headings and first is not None and names_only(body[first].strip()) \
                    and any(t.strip() for t in body[first + 1:]):
                signed = body[first].strip()
                body = body[:first] + body[first + 1:]
            found = PageParser(page_lines(as_text(body))).parse(detect_headings=True)
            if headings:
                if not found:
                    continue   # a heading without text under it (a section name) is dropped
                found[0].headings = headings + found[0].headings
                if signed and not found[0].byline:
                    found[0].byline = signed
            drafts += found
        ids = [stem] if len(drafts) == 1 else [f"{stem}-{k:02d}" for k in range(1, len(drafts) + 1)]
        articles = [draft_article(d, aid, source) for aid, d in zip(ids, drafts)]
    for above, caption in captions:
        key = norm(above)
        home = next((a for a in articles if key and any(key in norm(p) or norm(p) in key
                                                        for p in a.paragraphs if norm(p))),
                    articles[0] if articles else None)
        if home is not None:
            home.captions.append(caption)
            for name in caption_photographers(caption):
                if name not in home.photographers:
                    home.photographers.append(name)
    for a in articles:
        issue.fill(a)
    settle_columns(articles)
    return articles
