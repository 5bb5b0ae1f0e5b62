"""Readers: files and folders -> articles, every problem named and skipped.

A file is read by what it holds, checked against its suffix:

- `.txt` / `.md` page text goes through the page parser (`page/`; `formats/text.py`); a `.txt` that is
  an HTML document is read as HTML; YAML front matter (`---` … `---`) becomes metadata.
- `.html` / `.htm`: the article of the page (trafilatura; `formats/html.py`).
- `.pdf` with a text layer: each page read column by column, then the page parser
  (pypdfium2; `formats/pdf.py`, `formats/pdf_articles.py`). A scanned PDF without text is named as such.
- `.docx`: paragraphs (Title/Heading styles start articles), then the page parser
  (python-docx; `formats/word.py`).
- `.json` (an array of records or one record) and `.jsonl` (a record a line; an array
  is read as an array): common field names (`formats/records_json.py`).
- `.zip` of any of these, read in memory (`formats/archive.py`).

Nothing here raises for bad input: an unreadable file, a malformed record, an
unsupported type becomes a `LoadError` and loading goes on.

Identity: an article's id comes from its file (`stem`, or `stem-NN` for the NN-th
article of a page), its record id, or a hash of its URL or content; never from the
order files are loaded in. When two articles would share an id, the first keeps it and
the other gets a suffix hashed from its source and content. The same article arriving
twice (same title and text, once normalised) is kept once, the other file listed in
`Article.other_sources`.
"""
from __future__ import annotations

import dataclasses
import errno
import hashlib
import os
import re
import stat
from pathlib import Path

from assistant import limits
from assistant.ingest.base import (FileProblem, LoadError, decode_text, has_letters, norm,
                                   normalise_newlines, replace_surrogates, shown_name)
from assistant.ingest.formats.pdf_articles import load_pdf
from assistant.ingest.formats.text import load_text_page
from assistant.ingest.formats.word import load_docx
from assistant.records import Article

__all__ = ["SUFFIXES", "UNSUPPORTED_TYPE", "LoadError", "UnreadableFile", "read_text",
           "load_path", "load_paths"]

# .shtml (server-side includes) and .xhtml are how many Chinese news sites save their pages.
HTML_SUFFIXES = (".html", ".htm", ".shtml", ".xhtml")
SUFFIXES = (".txt", ".md", ".markdown", *HTML_SUFFIXES, ".pdf", ".docx", ".json", ".jsonl",
            ".zip")
UNSUPPORTED_TYPE = ("unsupported file type: only .txt, .md, .html, .htm, .shtml, .xhtml, .pdf, "
                    ".docx, .json, .jsonl and .zip files are accepted")
NO_ARTICLES = "no article text found"


class UnreadableFile(Exception):
    """Raised by `read_text` for a binary, empty or undecodable file."""

    def __init__(self, error: LoadError):
        super().__init__(str(error))
        self.error = error


def _read_bytes(path) -> bytes:
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise FileProblem("no such file or directory") from None
    except IsADirectoryError:
        raise FileProblem("not a regular file or folder") from None
    except OSError as e:
        raise FileProblem(f"cannot read file: {e.strerror or e}") from None


def read_text(path) -> str:
    """Read a text file as UTF-8 (a BOM is dropped), UTF-16 with a BOM, or GB18030 (GBK).

    Line endings become "\\n". Raises UnreadableFile for a missing, binary, empty or
    undecodable file.
    """
    try:
        return decode_text(_read_bytes(path))
    except FileProblem as e:
        raise UnreadableFile(LoadError(str(path), None, str(e))) from None


# --- dispatch ------------------------------------------------------------------------

def _sniff(data: bytes) -> str | None:
    head = data[:1024]
    if head.lstrip()[:5] == b"%PDF-":
        return "pdf"
    if head[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        return "zip"
    if head[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return "ole"
    return None


def _is_docx(data: bytes) -> bool:
    import io
    import zipfile

    try:
        return "word/document.xml" in zipfile.ZipFile(io.BytesIO(data)).namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def reader_failure(e: BaseException) -> str:
    """A reader's unexpected exception as a reason a person can act on: what it is, by
    name, and its message (never a traceback)."""
    if isinstance(e, RecursionError):
        return ("nested too deeply to read (RecursionError: the parser ran out of stack): "
                "not read")
    if isinstance(e, MemoryError):
        return "too large to read in the memory available (MemoryError): not read"
    msg = " ".join(str(e).split())[:200]
    return f"could not be read ({type(e).__name__}{': ' + msg if msg else ''})"


def load_data(data: bytes, name: str, where: str, source: str,
               depth: int = 0) -> tuple[list[Article], list[LoadError]]:
    """The articles of one file's bytes. `name` gives the suffix and stem, `where` names
    it in errors, `source` is what its articles cite. Never raises for what the file
    holds: any exception of a reader (a parser's RecursionError, a library's bug) is one
    error naming the file, and the batch goes on."""
    try:
        return _read_data(data, name, where, source, depth)
    except (Exception, RecursionError) as e:
        return [], [LoadError(where, None, reader_failure(e))]


def _read_data(data: bytes, name: str, where: str, source: str,
               depth: int = 0) -> tuple[list[Article], list[LoadError]]:
    suffix, stem = Path(name).suffix.lower(), Path(name).stem
    notes: list[str] = []
    try:
        if suffix not in SUFFIXES:
            raise FileProblem(UNSUPPORTED_TYPE)
        _check_size(len(data))
        kind = _sniff(data)
        if kind == "pdf":
            articles = load_pdf(data, source, stem)
        elif kind == "zip" and (suffix == ".docx" or _is_docx(data)):
            articles = load_docx(data, source, stem)
        elif kind == "zip":
            return _load_zip(data, where, source, depth)
        elif kind == "ole":
            raise FileProblem("an old Office file (.doc, .xls …): save it as .docx first")
        elif suffix == ".pdf":
            raise FileProblem("not a PDF file (no %PDF header)")
        elif suffix == ".docx":
            raise FileProblem("not a Word document (.docx): it is not a zip package")
        elif suffix == ".zip":
            raise FileProblem("broken zip archive: not a zip file")
        else:
            lines_skipped: list[LoadError] = []
            if suffix == ".jsonl" and b"\x00" not in data:
                text = _jsonl_text(data, where, lines_skipped)
            else:
                text = None
            if text is None:
                text = decode_text(data, notes)
            if suffix not in (".json", ".jsonl") and not has_letters(text):
                raise FileProblem("no letters: the text is only punctuation, symbols or digits")
            if suffix in (".json", ".jsonl"):
                articles, errors = _load_records(text, where, source, stem,
                                                 suffix == ".jsonl")
                articles, more = bound_articles(articles, where)
                errors = sorted(lines_skipped + errors, key=lambda e: e.line or 0)
                return articles, [LoadError(where, None, n, kept=True) for n in notes] \
                    + errors + more
            from assistant.ingest.formats.html import looks_like_html, read_html

            if suffix in HTML_SUFFIXES or looks_like_html(text):
                articles = read_html(text, source, stem)
            else:
                articles = load_text_page(text, source, stem,
                                           markdown=suffix in (".md", ".markdown"))
    except FileProblem as e:
        return [], [LoadError(where, None, str(e))]
    notices = [LoadError(where, None, n, kept=True) for n in notes]
    if not articles:
        return [], notices + [LoadError(where, None, NO_ARTICLES)]
    articles, more = bound_articles(articles, where)
    if not articles:
        return [], notices + more
    return articles, notices + more


def _jsonl_text(data: bytes, where: str, skipped: list[LoadError]) -> str | None:
    """A JSON Lines file that is UTF-8 but for some lines: its text with each such line
    emptied (line numbers kept) and named in `skipped`; None when the whole file decodes
    as UTF-8, or when it is not mostly UTF-8 (then the file is decoded as a whole, which
    detects GB18030 and other encodings). Mostly: more of its lines with non-ASCII bytes
    decode as UTF-8 than do not (text in another multi-byte encoding almost never
    decodes as UTF-8 by chance)."""
    try:
        data.decode("utf-8")
        return None
    except UnicodeDecodeError:
        pass
    raw_lines = data.split(b"\n")
    good, bad = 0, []
    texts = []
    for n, raw in enumerate(raw_lines, 1):
        try:
            texts.append(raw.decode("utf-8-sig" if n == 1 else "utf-8"))
            good += not raw.isascii()
        except UnicodeDecodeError as e:
            texts.append("")
            bad.append((n, e))
    if good <= len(bad):
        return None
    for n, e in bad:
        skipped.append(LoadError(where, n, f"this line is not valid UTF-8 (byte "
                                 f"0x{e.object[e.start]:02x} at column {e.start + 1}); the other "
                                 "lines are read"))
    return normalise_newlines("\n".join(texts))


# --- limits and bad characters, per article -------------------------------------------

def _check_size(n_bytes: int) -> None:
    lim = limits.current()
    if n_bytes > lim.file_bytes:
        raise FileProblem(f"the file is {n_bytes / 2**20:,.1f} MB: the limit is "
                          f"{lim.file_mb:g} MB (limit file_mb): not read")


def _label(a: Article) -> str:
    title = a.title if a.headings else ""
    return f"article {a.id}" + (f" ({title[:30]}{'…' if len(title) > 30 else ''})" if title else "")


def _clean_strings(a: Article) -> int:
    """Replace lone surrogates in every text field of `a`; how many were replaced."""
    total = 0
    for f in dataclasses.fields(a):
        v = getattr(a, f.name)
        if isinstance(v, str):
            v, k = replace_surrogates(v)
            total += k
            setattr(a, f.name, v)
        elif isinstance(v, list) and v and all(isinstance(x, str) for x in v):
            fixed = [replace_surrogates(x) for x in v]
            total += sum(k for _, k in fixed)
            setattr(a, f.name, [x for x, _ in fixed])
    return total


_CUT_AT = re.compile(r"[。！？；!?;…]|\.\s")


def _cut_paragraphs(paragraphs: list[str], limit: int) -> list[str]:
    """The first paragraphs within `limit` characters of text (joined by newlines); the
    paragraph that overflows is cut at the last sentence end in its final tenth, else
    at the limit."""
    out: list[str] = []
    used = 0
    for p in paragraphs:
        room = limit - used - (1 if out else 0)
        if room <= 0:
            break
        if len(p) <= room:
            out.append(p)
            used += len(p) + (1 if len(out) > 1 else 0)
            continue
        head = p[:room]
        ends = [m.end() for m in _CUT_AT.finditer(head, max(0, room - room // 10))]
        out.append(head[:ends[-1]].rstrip() if ends else head)
        break
    return [p for p in out if p]


def bound_articles(articles: list[Article], where: str) -> tuple[list[Article], list[LoadError]]:
    """Apply the per-article limits and character checks to one file's articles.

    Each change is a notice (`kept=True`) naming the article, the limit and what was
    done; an article with no letters is skipped and named. Limits: `assistant.limits`.
    """
    lim = limits.current()
    notices: list[LoadError] = []
    if len(articles) > lim.articles_per_file:
        notices.append(LoadError(where, None, (
            f"{len(articles):,} articles: the limit is {lim.articles_per_file:,} per file "
            f"(limit articles_per_file): the first {lim.articles_per_file:,} kept, "
            f"{len(articles) - lim.articles_per_file:,} dropped"), kept=True))
        articles = articles[:lim.articles_per_file]
    kept: list[Article] = []
    for a in articles:
        bad = _clean_strings(a)
        if bad:
            notices.append(LoadError(where, None, (
                f"{_label(a)}: {bad} invalid Unicode character(s) (lone surrogates) "
                "replaced with U+FFFD"), kept=True))
        long = [h for h in a.headings if len(h) > lim.heading_chars]
        if long:
            a.headings = [h for h in a.headings if len(h) <= lim.heading_chars]
            for h in reversed(long):
                if not any(h in p for p in a.paragraphs[:2]):
                    a.paragraphs.insert(0, h)
            notices.append(LoadError(where, None, (
                f"{_label(a)}: a heading of {max(map(len, long)):,} characters is longer "
                f"than the limit heading_chars ({lim.heading_chars:,}): kept as body text"),
                kept=True))
        n = sum(map(len, a.paragraphs)) + max(0, len(a.paragraphs) - 1)
        if n > lim.article_chars:
            a.paragraphs = _cut_paragraphs(a.paragraphs, lim.article_chars)
            notices.append(LoadError(where, None, (
                f"{_label(a)}: {n:,} characters is over the limit article_chars "
                f"({lim.article_chars:,}): the first {len(a.text):,} kept, the rest dropped"),
                kept=True))
        if not has_letters(a.text) and not any(has_letters(h) for h in a.headings):
            notices.append(LoadError(where, None, (
                f"{_label(a)}: no letters (only punctuation, symbols or digits)")))
            continue
        kept.append(a)
    return kept, notices


def _load_records(text: str, where: str, source: str, stem: str, json_lines: bool):
    from assistant.ingest.formats.records_json import read_records

    articles, problems = read_records(text, source, stem, json_lines=json_lines)
    errors = [LoadError(where, line, reason) for line, reason in problems]
    if not articles and not errors:
        errors = [LoadError(where, None, "no records found")]
    return articles, errors


def _load_zip(data: bytes, where: str, source: str, depth: int):
    from assistant.ingest.formats.archive import MAX_DEPTH, zip_entries

    if depth >= MAX_DEPTH:
        return [], [LoadError(where, None, "a zip inside a zip inside a zip is not read")]
    articles: list[Article] = []
    errors: list[LoadError] = []
    try:
        for name, content in zip_entries(data):
            inner_where, inner_source = f"{where}/{name}", f"{source}/{name}"
            if isinstance(content, FileProblem):
                errors.append(LoadError(inner_where, None, str(content)))
                continue
            a, e = load_data(content, Path(name).name, inner_where, inner_source, depth + 1)
            articles += a
            errors += e
    except FileProblem as e:
        errors.append(LoadError(where, None, str(e)))
    if not articles and not errors:
        errors.append(LoadError(where, None, "the zip archive holds no files"))
    return articles, errors


def _load_file(path: Path) -> tuple[list[Article], list[LoadError]]:
    where, name = shown_name(str(path)), shown_name(path.name)
    notices = []
    if name != path.name:
        notices.append(LoadError(where, None, "the file name is not valid UTF-8: its "
                                 "undecodable bytes are shown as U+FFFD", kept=True))
    if Path(name).suffix.lower() not in SUFFIXES:
        return [], notices + [LoadError(where, None, UNSUPPORTED_TYPE)]
    try:
        problem = _not_regular(path)
        if problem:
            raise FileProblem(problem)
        _check_size(path.stat().st_size)   # before reading: a huge file is never read
        data = _read_bytes(path)
    except (FileProblem, OSError) as e:
        reason = str(e) if isinstance(e, FileProblem) else f"cannot read file: {e.strerror or e}"
        return [], notices + [LoadError(where, None, reason)]
    articles, errors = load_data(data, name, where, name)
    return articles, notices + errors


_FILE_KINDS = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket"),
               (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))


def _not_regular(path: Path) -> str | None:
    """Why `path` is not a file or folder to read (a broken link, a link loop, a FIFO, a
    device), or None. Reading a FIFO would block forever, so it is never opened."""
    try:
        st = os.stat(path)
    except OSError as e:
        if e.errno == errno.ELOOP:
            return "symbolic link loop"
        if e.errno == errno.ENOENT and os.path.islink(path):
            return f"broken symbolic link (to {shown_name(os.readlink(path))}, which does not exist)"
        if e.errno == errno.ENOENT:
            return "no such file or directory"
        return f"cannot read: {e.strerror or e}"
    for test, kind in _FILE_KINDS:
        if test(st.st_mode):
            return f"not a regular file but {kind}"
    return None


OUTSIDE_LINK = ("a symbolic link to {target}, outside the folder given: not followed "
                "(pass --follow-links-out to read it)")


def _inside(real: str, top: str) -> bool:
    return real == top or real.startswith(top.rstrip(os.sep) + os.sep)


def _walk(root: Path, errors: list[LoadError], follow_links_out: bool = False):
    """The files under `root`, sorted by name at each level, following links that stay
    inside `root` (all links with `follow_links_out`); hidden entries, broken links,
    link loops, links out of the folder, FIFOs and devices each become one error line."""
    top = os.path.realpath(root)
    ancestors = {top}
    seen = set(ancestors)

    def visit(folder: Path):
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as e:
            errors.append(LoadError(shown_name(str(folder)), None,
                                    f"cannot read folder: {e.strerror or e}"))
            return
        for entry in entries:
            p = Path(entry.path)
            where = shown_name(str(p))
            if entry.name.startswith("."):
                # Hidden files and folders (.git, .DS_Store) are tooling, not articles.
                errors.append(LoadError(where, None, "hidden (its name starts with '.')"))
                continue
            problem = _not_regular(p)
            if problem:
                errors.append(LoadError(where, None, problem))
                continue
            real = os.path.realpath(p)
            if entry.is_symlink() and not follow_links_out and not _inside(real, top) \
                    and real not in ancestors:
                errors.append(LoadError(where, None, OUTSIDE_LINK.format(
                    target=shown_name(real))))
                continue
            if p.is_dir():
                if real in ancestors:
                    errors.append(LoadError(where, None, "symbolic link loop (a link to a "
                                            "folder that holds it)"))
                    continue
                if real in seen:
                    errors.append(LoadError(where, None, "a link to a folder already read"))
                    continue
                seen.add(real)
                ancestors.add(real)
                yield from visit(p)
                ancestors.discard(real)
            else:
                yield p

    yield from visit(root)


# --- identity ------------------------------------------------------------------------


def _merge_into(keep: Article, dup: Article) -> None:
    for s in dup.sources:
        if s not in keep.sources:
            keep.other_sources.append(s)
    for name in ("date", "url", "newspaper", "page"):
        if getattr(keep, name) is None and getattr(dup, name) is not None:
            setattr(keep, name, getattr(dup, name))
    for name in ("authors", "photographers"):
        if not getattr(keep, name) and getattr(dup, name):
            setattr(keep, name, list(getattr(dup, name)))
    if not keep.byline and dup.byline:
        keep.byline = dup.byline


def merge_duplicates(articles: list[Article]) -> list[Article]:
    """Keep each article once: a later one with the same normalised text and a title
    among the first one's headings (or the other way round) is folded into the first."""
    kept: list[Article] = []
    by_text: dict[str, list[Article]] = {}
    for a in articles:
        same_text = by_text.setdefault(norm(a.text), [])
        heads = {norm(h) for h in a.headings}
        for k in same_text:
            if norm(k.title) in heads or norm(a.title) in {norm(h) for h in k.headings}:
                _merge_into(k, a)
                break
        else:
            same_text.append(a)
            kept.append(a)
    return kept


def _clash_suffix(a: Article, n: int) -> str:
    key = "\n".join([a.source, a.title, a.text])
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:n]


def settle_ids(articles: list[Article]) -> list[Article]:
    """Drop repeated articles, then give an id already taken a suffix hashed from the
    article's source, title and text: "same" and "same-3f9a2c", whatever else is loaded."""
    articles = merge_duplicates(articles)
    taken = {a.id for a in articles}
    seen: set[str] = set()
    for a in articles:
        if a.id in seen:
            for n in (6, 10, 40):
                candidate = f"{a.id}-{_clash_suffix(a, n)}"
                if candidate not in taken:
                    break
            k = 2
            while candidate in taken:   # the same source, title and text: cannot happen
                candidate = f"{a.id}-{_clash_suffix(a, 40)}-{k}"
                k += 1
            a.id = candidate
            taken.add(a.id)
        seen.add(a.id)
    return articles


# --- entry points --------------------------------------------------------------------

def load_path(path, follow_links_out: bool = False) -> tuple[list[Article], list[LoadError]]:
    """Load one file, or every file under a folder (recursive, sorted; hidden ones skipped;
    links out of the folder not followed unless `follow_links_out`).

    Problems never raise: each unreadable file, bad record, unsupported file type or
    missing path becomes a LoadError and loading goes on. Ids are made unique.
    """
    try:
        return _load_path(path, follow_links_out)
    except (Exception, RecursionError) as e:   # never the whole batch for one input
        return [], [LoadError(shown_name(str(path)), None, reader_failure(e))]


def _load_file_safe(f: Path) -> tuple[list[Article], list[LoadError]]:
    try:
        return _load_file(f)
    except (Exception, RecursionError) as e:
        return [], [LoadError(shown_name(str(f)), None, reader_failure(e))]


def _load_path(path, follow_links_out: bool) -> tuple[list[Article], list[LoadError]]:
    p = Path(path)
    problem = _not_regular(p)
    if problem:
        return [], [LoadError(shown_name(str(path)), None, problem)]
    if p.is_dir():
        articles: list[Article] = []
        errors: list[LoadError] = []
        for f in _walk(p, errors, follow_links_out):
            a, e = _load_file_safe(f)
            articles += a
            errors += e
        return settle_ids(articles), errors
    if p.is_file():
        articles, errors = _load_file(p)
        return settle_ids(articles), errors
    return [], [LoadError(shown_name(str(path)), None, "not a regular file or folder")]


def expand_paths(paths, follow_links_out: bool = False) -> tuple[list[Path], list[LoadError]]:
    """The files `load_paths` would read, in its order (a folder's files found as it walks
    them), and the problems of the walk (hidden entries, links, FIFOs …), without reading
    any file: what a progress bar counts. A path that is no folder is listed as given."""
    files: list[Path] = []
    errors: list[LoadError] = []
    for path in paths:
        p = Path(path)
        try:
            if _not_regular(p) is None and p.is_dir():
                files += list(_walk(p, errors, follow_links_out))
                continue
        except (Exception, RecursionError) as e:
            errors.append(LoadError(shown_name(str(path)), None, reader_failure(e)))
            continue
        files.append(p)
    return files, errors


def load_paths(paths, follow_links_out: bool = False) -> tuple[list[Article], list[LoadError]]:
    """Load several files or folders; duplicates are kept once and ids made unique."""
    articles: list[Article] = []
    errors: list[LoadError] = []
    for path in paths:
        a, e = load_path(path, follow_links_out)
        articles += a
        errors += e
    return settle_ids(articles), errors
