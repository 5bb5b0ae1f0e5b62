"""Load news articles from newspaper pages, plain text, Markdown and JSON Lines files."""
from __future__ import annotations

import codecs
import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from assistant.records import Article

SUFFIXES = (".txt", ".md", ".jsonl")

HEADING_MAX = 40   # longest line taken for a heading, or for a caption found by position alone
CAPTION_MAX = 60   # longest line taken for a caption found by the blank gap above it
CREDIT_MAX = 120   # longest line taken for a "… 摄" photo caption

# A paragraph ends on these (after any closing quotes or brackets). "；" is left out on
# purpose: it ends a clause, and a layout break right after one is far likelier than a
# paragraph that ends with it; joining such a pair keeps the text whole either way.
_FINAL = set("。！？!?….")
_CLOSERS = "”’」』》）)】]\"'"
_OPEN_END = set("，,、；;：:（(《“‘「『—-")  # a line ending on one of these was cut mid-sentence

_PERSON = r"(?:本报|见习|特约|首席|实习)*(?:记者|通讯员)|实习生"
_NAME = r"[\u4e00-\u9fff·]{2,4}"
# A byline opening a body line; whatever follows it on the line is body text.
_BYLINE = re.compile(
    r"^(?:本报讯\s*[（(][^（()）\n]{1,60}[)）]"                           # 本报讯（记者 张三）
    rf"|(?:本报讯\s*)?[（(]?(?:{_PERSON})[^。！？!?，,；;：:\n]{{1,60}}?报道[)）]?"  # 本报讯记者张三 通讯员李四报道
    r"|[^\s。，,]{1,12}社[^。，,\s]{0,10}?\d{1,2}月\d{1,2}日电(?:\s*[（(][^（()）\n]{1,60}[)）])?"
    r"|本报讯)\s*"
)
# A line holding nothing but names: "本报记者 张三 通讯员 李四".
_BYLINE_ONLY = re.compile(
    rf"^[□■◎●]?\s*(?:{_PERSON})\s*{_NAME}(?:[\s、]+(?:(?:{_PERSON})\s*)?{_NAME})*$")
_PHOTO_CREDIT = re.compile(
    rf"(?:(?:(?:{_PERSON}|摄影)\s*{_NAME}(?:[\s、]+{_NAME})*\s*|\s)摄影?"
    r"|供图|资料图片?|图片来源[^。]{0,20})\s*[)）]?$")
# Page furniture: jump lines and editor credits are not article text.
_FURNITURE = re.compile(
    r"^[（(]?[上下]?[接转]第?\s*[\d一二三四五六七八九十]+\s*版[)）]?$"
    r"|^(?:责任编辑|责编|美编|校对|版式设计|见习编辑)\s*[:：]?\s*\S{1,12}$")
# The line after a caption continues the broken sentence: it opens with punctuation or
# with a one- or two-character remainder such as "过。".
_CONTINUES = re.compile(r"^(?:[，,、；;：:。！？!?）)》”’]|[^\s，,。！？!?]{1,2}[。！？!?])")
_CLAUSE_MARK = re.compile(r"[，,；;：:]")
_MD_HEADING = re.compile(r"^[ \t]*#{1,6}[ \t]*", re.MULTILINE)


@dataclass
class LoadError:
    """A file, or one line of it, that could not be loaded."""

    path: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        if self.line is None:
            return f"{self.path}: {self.reason}"
        return f"{self.path}:{self.line}: {self.reason}"


class UnreadableFile(Exception):
    """Raised by `read_text` for a binary, empty or undecodable file."""

    def __init__(self, error: LoadError):
        super().__init__(str(error))
        self.error = error


def _is_closed(text: str) -> bool:
    core = text.rstrip(_CLOSERS + " \t\u3000")
    return bool(core) and core[-1] in _FINAL


def _is_photo_credit(text: str) -> bool:
    return len(text) <= CREDIT_MAX and bool(_PHOTO_CREDIT.search(text))


def _is_heading_line(text: str) -> bool:
    """A short line with no sentence end: kicker, title, subtitle or column name."""
    return (len(text) <= HEADING_MAX and "。" not in text and not _is_closed(text)
            and text[-1] not in _OPEN_END and not _BYLINE.match(text)
            and not _is_photo_credit(text) and not _FURNITURE.match(text))


def _is_weak_heading(text: str) -> bool:
    """A short line ending in ！ or ？: a heading only next to other heading evidence."""
    core = text.rstrip(_CLOSERS)
    return (len(text) <= HEADING_MAX and "。" not in text and bool(core) and core[-1] in "！？!?"
            and not _BYLINE.match(text) and not _is_photo_credit(text))


def _join(head: str, tail: str) -> str:
    # Chinese lines join directly; a break between ASCII words stood for a space.
    if head[-1].isascii() and not head[-1].isspace() and head[-1] != "-" \
            and tail[0].isascii() and tail[0].isalpha():
        return f"{head} {tail}"
    return head + tail


@dataclass
class _Line:
    text: str
    gap: int  # blank lines above it


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _lines(text: str) -> list[_Line]:
    out: list[_Line] = []
    gap = 0
    for raw in _normalise_newlines(text).split("\n"):
        line = raw.strip()
        if not line:
            gap += 1
            continue
        out.append(_Line(line, gap))
        gap = 0
    return out


@dataclass
class _Draft:
    """An article being assembled; `pending` is a paragraph still waiting for its end."""

    headings: list[str] = field(default_factory=list)
    byline: str = ""
    captions: list[str] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    pending: str | None = None

    @property
    def started(self) -> bool:
        return bool(self.paragraphs) or self.pending is not None

    def add_body(self, text: str, standalone: bool = False) -> None:
        if not self.started and not self.byline:
            m = _BYLINE.match(text)
            if m:
                self.byline = m.group(0).strip()
                text = text[m.end():].strip()
                if not text:
                    return
        if self.pending is None and standalone:
            # A subheading inside the article: a paragraph of its own, not glued to the next.
            self.paragraphs.append(text)
            return
        self.pending = text if self.pending is None else _join(self.pending, text)
        if _is_closed(self.pending):
            self.close()

    def close(self) -> None:
        if self.pending is not None:
            self.paragraphs.append(self.pending)
            self.pending = None


class _PageParser:
    """Walks the lines of a page once, starting an article at each heading block."""

    def __init__(self, lines: list[_Line]):
        self.lines = lines
        gaps = Counter(line.gap for line in lines[1:])
        # Paragraphs are separated by the usual gap; a wider one marks where a photo sat.
        self.usual_gap = gaps.most_common(1)[0][0] if gaps else 0

    def parse(self, detect_headings: bool = True) -> list[_Draft]:
        drafts: list[_Draft] = []
        cur: _Draft | None = None
        i = 0
        while i < len(self.lines):
            text = self.lines[i].text
            if _FURNITURE.match(text):
                i += 1
                continue
            block = self._heading_block(i, cur) if detect_headings else None
            if block is not None:
                i, new = block
                if cur is not None and not cur.started:
                    cur.headings += new.headings
                    cur.captions += new.captions
                    cur.byline = cur.byline or new.byline
                else:
                    if cur is not None:
                        cur.close()
                    cur = new
                    drafts.append(cur)
                continue
            if cur is None:
                cur = _Draft()
                drafts.append(cur)
            if _is_photo_credit(text) or (cur.pending is not None and self._is_inline_caption(i)):
                cur.captions.append(text)
            elif detect_headings and cur.started and cur.pending is None and _BYLINE.match(text):
                # A byline after a finished paragraph opens an article that lost its headings.
                cur.close()
                cur = _Draft()
                drafts.append(cur)
                cur.add_body(text)
            else:
                cur.add_body(text, standalone=self._is_subheading(i))
            i += 1
        if cur is not None:
            cur.close()
        # A draft without body text is a stray heading or caption, not an article.
        return [d for d in drafts if d.paragraphs]

    def _heading_block(self, i: int, cur: _Draft | None) -> tuple[int, _Draft] | None:
        """If a new article starts at line i, return where its body starts and its draft."""
        lines, n = self.lines, len(self.lines)
        pending_open = cur is not None and cur.pending is not None
        at_start = cur is None or not cur.started
        first = lines[i].text
        if not (_BYLINE_ONLY.match(first) or _is_heading_line(first)
                or (not pending_open and _is_weak_heading(first))):
            return None
        draft = _Draft()
        strong = 0
        j = i
        while j < n:
            t = lines[j].text
            if _BYLINE_ONLY.match(t):
                draft.byline = f"{draft.byline} {t}".strip()
            elif _is_heading_line(t):
                draft.headings.append(t)
                strong += 1
            elif _is_weak_heading(t):
                draft.headings.append(t)
            elif _is_photo_credit(t):
                draft.captions.append(t)
            else:
                break
            j += 1
        # Without a byline to confirm it, a last block line that reads like the start of
        # the body (a clause mark inside, or a lowercase continuation below) goes back.
        while not draft.byline and draft.headings and lines[j - 1].text == draft.headings[-1] \
                and j < n and not _BYLINE.match(lines[j].text) \
                and (_CLAUSE_MARK.search(lines[j - 1].text) or lines[j].text[0].islower()):
            if _is_heading_line(draft.headings.pop()):
                strong -= 1
            j -= 1
        if j == i:
            return None
        # Up to two short finished lines between the headings and a byline are captions.
        k = j
        while k < n and k - j < 2 and len(lines[k].text) <= CAPTION_MAX \
                and _is_closed(lines[k].text) and not _BYLINE.match(lines[k].text):
            k += 1
        confirmed = bool(draft.byline)
        if k < n and _BYLINE.match(lines[k].text):
            confirmed = True
            draft.captions += [line.text for line in lines[j:k]]
            j = k
        if j >= n:
            return None  # nothing follows: trailing short lines of the last article
        # One short line after a finished paragraph is a subheading and one after a broken
        # paragraph is its continuation, unless a byline confirms a new article. Two or more
        # short unfinished lines in a row do not occur inside body text.
        if at_start or strong >= 2 or (confirmed and (draft.headings or not pending_open)):
            return j, draft
        return None

    def _is_subheading(self, i: int) -> bool:
        """Whether line i, if it opens a paragraph, is a subheading rather than a cut line."""
        text = self.lines[i].text
        nxt = self.lines[i + 1].text if i + 1 < len(self.lines) else ""
        return _is_heading_line(text) and not _CLAUSE_MARK.search(text) \
            and not nxt[:1].islower()

    def _is_inline_caption(self, i: int) -> bool:
        """Whether line i is a caption set between the two halves of a broken sentence."""
        line = self.lines[i]
        if i + 1 >= len(self.lines):
            return False
        nxt = self.lines[i + 1].text
        if _is_heading_line(nxt) or _is_photo_credit(nxt) or _BYLINE.match(nxt):
            return False
        if line.gap > self.usual_gap and len(line.text) <= CAPTION_MAX:
            return True
        return len(line.text) <= HEADING_MAX and _is_closed(line.text) \
            and bool(_CONTINUES.match(nxt))


def _to_articles(drafts: list[_Draft], source: str, stem: str) -> list[Article]:
    ids = [stem] if len(drafts) == 1 else [f"{stem}-{k:02d}" for k in range(1, len(drafts) + 1)]
    return [Article(id=aid, headings=d.headings, paragraphs=d.paragraphs, source=source,
                    byline=d.byline, captions=d.captions) for aid, d in zip(ids, drafts)]


def parse_page(text: str, source: str, stem: str | None = None) -> list[Article]:
    """Split the text of a newspaper page into its articles, in page order.

    A new article starts at a block of short lines without sentence ends (kicker, title,
    subtitle, column name), a byline such as "本报讯记者张三报道" opens its body, "… 摄"
    lines and short lines set between the halves of a broken sentence become captions,
    and body lines cut mid-sentence by the layout are joined back. Ids are
    f"{stem}-{i:02d}" (1-based), or `stem` alone when the page holds one article.
    """
    stem = stem if stem is not None else Path(source).stem
    return _to_articles(_PageParser(_lines(text)).parse(), source, stem)


def _looks_binary(text: str) -> bool:
    odd = sum(1 for c in text if c not in "\t\n\f\v"
              and unicodedata.category(c) in ("Cc", "Cs", "Co", "Cn"))
    return odd > max(2, len(text) // 20)


def read_text(path) -> str:
    """Read a text file as UTF-8 (a BOM is dropped), UTF-16 with a BOM, or GB18030 (GBK).

    Line endings become "\\n". Raises UnreadableFile for a missing, binary, empty or
    undecodable file.
    """
    name = str(path)

    def fail(reason: str) -> UnreadableFile:
        return UnreadableFile(LoadError(name, None, reason))

    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise fail("no such file or directory") from None
    except OSError as e:
        raise fail(f"cannot read file: {e.strerror or e}") from None
    try:
        if data.startswith(codecs.BOM_UTF8):
            text = data[len(codecs.BOM_UTF8):].decode("utf-8")
        elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            text = data.decode("utf-16")
        elif b"\x00" in data:
            raise fail("binary file (contains NUL bytes)")
        else:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                text = data.decode("gb18030")
    except UnicodeDecodeError:
        raise fail("cannot decode text (not UTF-8 or GB18030)") from None
    text = _normalise_newlines(text)
    if not text.strip():
        raise fail("empty file")
    if _looks_binary(text):
        raise fail("binary file (mostly non-text characters)")
    return text


def _load_plain(text: str, source: str, stem: str, markdown: bool) -> list[Article]:
    if markdown:
        text = _MD_HEADING.sub("", text)
    articles = parse_page(text, source, stem)
    if len(articles) > 1:
        return articles
    lines = _lines(text)
    if not lines:
        return []
    if articles and articles[0].headings and articles[0].headings[0] == lines[0].text:
        return articles  # the page parser found the title block itself
    title = lines[0].text
    drafts = _PageParser(lines[1:]).parse(detect_headings=False)
    body = drafts[0] if drafts else _Draft()
    # A title-only file still needs searchable text: the title doubles as its body.
    return [Article(id=stem, headings=[title], paragraphs=body.paragraphs or [title],
                    source=source, byline=body.byline, captions=body.captions)]


def _optional_str(obj: dict, key: str) -> str | None:
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"'{key}' must be a string")
    return value.strip() or None


def _record_to_article(obj, source: str) -> Article:
    if not isinstance(obj, dict):
        raise ValueError("expected a JSON object")
    raw_id = obj.get("id")
    if isinstance(raw_id, bool) or not isinstance(raw_id, (str, int)) or not str(raw_id).strip():
        raise ValueError("missing or empty 'id'")
    title = obj.get("title")
    if not isinstance(title, str) or not title.strip():
        raise ValueError("missing or empty 'title'")
    text = obj.get("text")
    if text is None:
        raise ValueError("missing 'text'")
    if not isinstance(text, str):
        raise ValueError("'text' must be a string")
    paragraphs = [p.strip() for p in _normalise_newlines(text).split("\n") if p.strip()]
    if not paragraphs:
        raise ValueError("empty 'text'")
    subtitle = _optional_str(obj, "subtitle")
    return Article(id=str(raw_id).strip(), headings=[title.strip()] + ([subtitle] if subtitle else []),
                   paragraphs=paragraphs, source=_optional_str(obj, "source") or source,
                   date=_optional_str(obj, "date"), url=_optional_str(obj, "url"))


def _load_jsonl(text: str, path: Path) -> tuple[list[Article], list[LoadError]]:
    articles: list[Article] = []
    errors: list[LoadError] = []
    for lineno, raw in enumerate(text.split("\n"), 1):
        if not raw.strip():
            continue
        try:
            articles.append(_record_to_article(json.loads(raw), path.name))
        except json.JSONDecodeError as e:
            errors.append(LoadError(str(path), lineno, f"invalid JSON: {e.msg}"))
        except ValueError as e:
            errors.append(LoadError(str(path), lineno, str(e)))
    return articles, errors


def _load_file(path: Path) -> tuple[list[Article], list[LoadError]]:
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        return [], [LoadError(str(path), None, "unsupported file type")]
    try:
        text = read_text(path)
    except UnreadableFile as e:
        return [], [e.error]
    if suffix == ".jsonl":
        return _load_jsonl(text, path)
    articles = _load_plain(text, path.name, path.stem, markdown=suffix == ".md")
    if not articles:
        return [], [LoadError(str(path), None, "no article text found")]
    return articles, []


def _unique_ids(articles: list[Article]) -> list[Article]:
    """Give repeated ids a "-2", "-3" … suffix, never colliding with another id."""
    taken = {a.id for a in articles}
    seen: set[str] = set()
    for a in articles:
        if a.id in seen:
            n = 2
            while f"{a.id}-{n}" in taken:
                n += 1
            a.id = f"{a.id}-{n}"
            taken.add(a.id)
        seen.add(a.id)
    return articles


def load_path(path) -> tuple[list[Article], list[LoadError]]:
    """Load one file, or every .txt/.md/.jsonl file under a folder (recursive, sorted).

    Problems never raise: each unreadable file, bad JSON line, unsupported file type or
    missing path becomes a LoadError and loading goes on. Ids are made unique.
    """
    p = Path(path)
    if p.is_dir():
        articles: list[Article] = []
        errors: list[LoadError] = []
        files = sorted((f for f in p.rglob("*") if f.is_file()),
                       key=lambda f: f.relative_to(p).as_posix())
        for f in files:
            # Hidden files and folders (.git, .DS_Store) are tooling, not articles.
            if any(part.startswith(".") for part in f.relative_to(p).parts):
                continue
            a, e = _load_file(f)
            articles += a
            errors += e
        return _unique_ids(articles), errors
    if p.is_file():
        articles, errors = _load_file(p)
        return _unique_ids(articles), errors
    if not p.exists():
        return [], [LoadError(str(path), None, "no such file or directory")]
    return [], [LoadError(str(path), None, "not a regular file or folder")]


def load_paths(paths) -> tuple[list[Article], list[LoadError]]:
    """Load several files or folders; an id shared by two articles gets "-2", "-3" …"""
    articles: list[Article] = []
    errors: list[LoadError] = []
    for path in paths:
        a, e = load_path(path)
        articles += a
        errors += e
    return _unique_ids(articles), errors
