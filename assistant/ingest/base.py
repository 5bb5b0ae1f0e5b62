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
    """A file, or one line of it, that could not be loaded."""

    path: str
    line: int | None
    reason: str

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


def decode_text(data: bytes) -> str:
    """Bytes of a text file -> text: UTF-8 (a BOM is dropped), UTF-16 with a BOM, or
    GB18030 (GBK). Line endings become "\\n". Raises FileProblem for binary, empty or
    undecodable data."""
    try:
        if data.startswith(codecs.BOM_UTF8):
            text = data[len(codecs.BOM_UTF8):].decode("utf-8")
        elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            text = data.decode("utf-16")
        elif b"\x00" in data:
            raise FileProblem("binary file (contains NUL bytes)")
        else:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                text = data.decode("gb18030")
    except UnicodeDecodeError:
        raise FileProblem("cannot decode text (not UTF-8 or GB18030)") from None
    text = normalise_newlines(text)
    if not text.strip():
        raise FileProblem("empty file")
    if _looks_binary(text):
        raise FileProblem("binary file (mostly non-text characters)")
    return text


# --- metadata ------------------------------------------------------------------------

_AUTHOR_LABEL = re.compile(
    r"^\s*(?:作者|文|撰稿|撰文|文字|记者|编辑|责任编辑|来源|by|author)\s*[:：/／|｜]?\s*", re.I)
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
