"""What every reader shares: the error record, the whole-file failure, text decoding and
the small normalisers for metadata (authors, dates, strings)."""
from __future__ import annotations

import codecs
import datetime as _dt
import re
import unicodedata
from dataclasses import dataclass


@dataclass
class LoadError:
    """A file, or one line of it, that could not be loaded.

    `kept` marks a notice instead: the item was loaded, but changed in a way the user
    must be told of (a limit cut it, invalid characters were replaced, an encoding was
    guessed); `reason` says what was done."""

    path: str
    line: int | None
    reason: str
    kept: bool = False

    def __str__(self) -> str:
        if self.line is None:
            return f"{self.path}: {self.reason}"
        return f"{self.path}:{self.line}: {self.reason}"


class FileProblem(Exception):
    """Raised by a reader when a whole file cannot be read; the message is the reason."""


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _looks_binary(text: str) -> bool:
    odd = sum(1 for c in text if c not in "\t\n\f\v"
              and unicodedata.category(c) in ("Cc", "Cs", "Co", "Cn"))
    return odd > max(2, len(text) // 20)


# charset-normalizer's names for the GB family: read as GB18030, its superset.
_GB_FAMILY = {"gb18030", "gbk", "gb2312", "hz", "cp936", "euc_cn"}
# Multi-byte East Asian encodings read as detected (Big5 is Traditional Chinese news;
# Shift-JIS/EUC-JP/EUC-KR text is read as what it is, never as GB18030 garbage).
_EAST_ASIAN = {"big5", "big5hkscs", "cp950", "cp932", "shift_jis", "shift_jis_2004",
               "shift_jisx0213", "euc_jp", "euc_jis_2004", "euc_jisx0213", "iso2022_jp",
               "euc_kr", "cp949", "johab", "iso2022_kr"}
_ENCODING_NAMES = {"cp932": "Shift-JIS (cp932)", "shift_jis": "Shift-JIS", "cp949": "EUC-KR (cp949)",
                   "euc_kr": "EUC-KR", "euc_jp": "EUC-JP", "big5": "Big5", "cp950": "Big5 (cp950)",
                   "big5hkscs": "Big5-HKSCS"}


def _detect(data: bytes, notes: list[str] | None) -> str:
    """Text that is not UTF-8: GB18030/GBK when charset-normalizer finds the GB family
    (or nothing better while GB18030 decodes), another East Asian multi-byte encoding
    when it finds one (named in `notes`), else FileProblem naming the guess."""
    try:
        gb = data.decode("gb18030")
    except UnicodeDecodeError:
        gb = None
    try:
        from charset_normalizer import from_bytes
    except ImportError:   # a dependency; only a broken install lacks it
        if gb is None:
            raise FileProblem("cannot decode text (not UTF-8 or GB18030)") from None
        return gb
    # Without a BOM or NUL bytes (refused before) the text is not UTF-16/32.
    matches = [m for m in from_bytes(data) if not m.encoding.startswith(("utf_16", "utf_32"))]
    best = matches[0] if matches else None
    enc = best.encoding.lower() if best is not None else None
    # GB18030 wins a tie: short texts fit several East Asian encodings equally well
    # (checked on the seed page's lines in GBK: "椒江" alone ties Big5, EUC-KR and GB18030).
    gb_ties = any(m.encoding.lower() in _GB_FAMILY and m.chaos <= best.chaos for m in matches)
    if enc is None or enc in _GB_FAMILY or gb_ties:
        if gb is None:
            raise FileProblem("cannot decode text: not UTF-8, GB18030 or any encoding "
                              "charset-normalizer knows") from None
        return gb
    name = _ENCODING_NAMES.get(enc, enc)
    if enc not in _EAST_ASIAN:
        # A single-byte code page fits almost any bytes, so a guess is no reading: the
        # file is named with the guess instead of indexed as possibly garbled text.
        raise FileProblem(f"cannot decode text: not UTF-8 or GB18030 (charset-normalizer "
                          f"guesses the single-byte {name}); save it as UTF-8") from None
    try:
        text = data.decode(enc)
    except (UnicodeDecodeError, LookupError):
        raise FileProblem(f"cannot decode text: it looks like {name}, which does not "
                          "decode it cleanly; save it as UTF-8") from None
    if notes is not None:
        notes.append(f"not UTF-8 or GB18030: read as {name} (detected by charset-normalizer)")
    return text


_WIDE = {"utf_16_le": "UTF-16 LE", "utf_16_be": "UTF-16 BE", "utf_32_le": "UTF-32 LE",
         "utf_32_be": "UTF-32 BE"}


def _wide_unicode(data: bytes, notes: list[str] | None) -> str:
    """Bytes with NULs: UTF-16 or UTF-32 without a byte-order mark when charset-normalizer
    finds one of them and it decodes cleanly (named in `notes`), else FileProblem:
    binary. (Text in these encodings holds NULs for every ASCII character, newlines too;
    binary data rarely decodes cleanly as them, and never as mostly letters.)"""
    try:
        from charset_normalizer import from_bytes
    except ImportError:
        raise FileProblem("binary file (contains NUL bytes)") from None
    best = from_bytes(data, cp_isolation=list(_WIDE)).best()
    if best is None or best.encoding not in _WIDE:
        raise FileProblem("binary file (contains NUL bytes)")
    try:
        text = data.decode(best.encoding)
    except UnicodeDecodeError:
        raise FileProblem("binary file (contains NUL bytes)") from None
    if "\x00" in text or _looks_binary(text) or not has_letters(text):
        raise FileProblem("binary file (contains NUL bytes)")
    if notes is not None:
        notes.append(f"{_WIDE[best.encoding]} without a byte-order mark: read as such "
                     "(detected by charset-normalizer)")
    return text


def decode_text(data: bytes, notes: list[str] | None = None) -> str:
    """Bytes of a text file -> text: UTF-8 (a BOM is dropped), UTF-16 with a BOM (or
    UTF-16/32 without one, detected), or GB18030 (GBK); another encoding when charset-normalizer detects one (said in
    `notes`). Line endings become "\\n". Raises FileProblem for binary, empty or
    undecodable data."""
    try:
        if data.startswith(codecs.BOM_UTF8):
            text = data[len(codecs.BOM_UTF8):].decode("utf-8")
        elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            text = data.decode("utf-16")
        elif b"\x00" in data:
            text = _wide_unicode(data, notes)
        else:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                text = _detect(data, notes)
    except UnicodeDecodeError:
        raise FileProblem("cannot decode text (invalid UTF-16)") from None
    text = normalise_newlines(text)
    if not text.strip():
        raise FileProblem("empty file")
    if _looks_binary(text):
        raise FileProblem("binary file (mostly non-text characters)")
    return text


def has_letters(text: str) -> bool:
    """True when `text` holds a letter (any script), the least an article needs."""
    return any(c.isalpha() for c in text)


_SURROGATE = re.compile("[\ud800-\udfff]")


def replace_surrogates(text: str) -> tuple[str, int]:
    """`text` with lone surrogates (from a JSON "\\ud800" escape or an undecodable
    file name) replaced by U+FFFD, and how many there were."""
    if not _SURROGATE.search(text):
        return text, 0
    return _SURROGATE.subn("\ufffd", text)


def shown_name(name: str) -> str:
    """A file name as text: bytes that are not UTF-8 (kept by Python as surrogate
    escapes) become U+FFFD, as do other lone surrogates."""
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        pass
    try:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:
        return replace_surrogates(name)[0]


# --- metadata ------------------------------------------------------------------------

_AUTHOR_LABEL = re.compile(
    r"^\s*(?:作者|文|撰稿|撰文|文字|记者|编辑|责任编辑|来源|by|author)\s*[:：/／|｜]?\s*", re.I)
# Roles opening an author field's name ("本报记者张三"): not page/names.ROLE, which finds a
# byline's roles on a page line (outlets, 驻X, 本报讯, 文/图); one pattern for both would
# change the names split_authors keeps (qa/metadata.py keeps a third, for its own reason).
_ROLE = re.compile(r"^(?:本报|新华社|见习|特约|首席|实习)*(?:记者|通讯员)|^实习生|^本报评论员")
_AUTHOR_SEP = re.compile(r"\s*(?:[,，、;；/／|｜]|\band\b|\s和\s)\s*", re.I)
_CJK_ONLY = re.compile(r"^[\u3400-\u9fff·•]+$")


def split_authors(value) -> list[str]:
    """An author field ("作者：张三、李四", "John Smith; Jane Doe", ["张三", "李四"]) -> names.

    Labels ("作者：", "By") and roles ("本报记者", "通讯员") go; Chinese names separated
    by spaces are split, Latin names keep their inner spaces. Order kept, repeats dropped.
    """
    if value is None:
        return []
    items = value if isinstance(value, (list, tuple)) else [value]
    names: list[str] = []
    for item in items:
        if isinstance(item, dict):   # {"name": "…"} as in schema.org
            item = item.get("name")
        if not isinstance(item, str):
            continue
        item = unicodedata.normalize("NFKC", item).strip()
        item = _AUTHOR_LABEL.sub("", item)
        for part in _AUTHOR_SEP.split(item):
            part = part.strip(" \t()（）[]【】")
            tokens = part.split()
            # "本报记者 张三 李四": a role, then CJK names separated by spaces.
            while tokens and _ROLE.match(tokens[0]):
                rest = _ROLE.sub("", tokens[0])
                tokens = ([rest] if rest else []) + tokens[1:]
            if not tokens:
                continue
            if all(_CJK_ONLY.match(t) for t in tokens):
                # "徐 隽": a two-character name set with a space for width.
                if len(tokens) == 2 and all(len(t) == 1 for t in tokens):
                    tokens = ["".join(tokens)]
                candidates = tokens
            else:
                candidates = [" ".join(tokens)]
            for name in candidates:
                if name and name not in names:
                    names.append(name)
    return names


def clean_str(value) -> str | None:
    """A metadata value as a stripped string; numbers are written out, empty -> None."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        value = str(value)
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value or None


def clean_date(value) -> str | None:
    """A date as given ("2024-10-08", "2024年10月8日 09:30"), a YAML date, or a Unix
    timestamp in seconds or milliseconds (written as an ISO date-time, UTC)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)) and value > 10**8:
        seconds = value / 1000 if value > 10**11 else value
        try:
            moment = _dt.datetime.fromtimestamp(seconds, tz=_dt.timezone.utc)
        except (OverflowError, OSError, ValueError):
            return None
        return moment.isoformat(timespec="seconds")
    return clean_str(value)


def norm(text: str) -> str:
    """Text compared for duplicates: NFKC, letters and digits only, lower case."""
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text)).lower()
