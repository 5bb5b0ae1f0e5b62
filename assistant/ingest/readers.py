"""Readers: files and folders -> articles, every problem named and skipped.

Plain text and Markdown go through the page parser (`page.py`); JSON Lines hold one
article per line. Nothing here raises for bad input: an unreadable file, a malformed
line, an unsupported type becomes a `LoadError` and loading goes on.
"""
from __future__ import annotations

import codecs
import json
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from assistant.ingest.page import (_MD_HEADING, _Draft, _lines, _normalise_newlines,
                                   _PageParser, parse_page)
from assistant.records import Article

SUFFIXES = (".txt", ".md", ".jsonl")


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
