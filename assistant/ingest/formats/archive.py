"""`.zip` archives, read in memory: nothing is ever extracted to disk.

Entry names are shown as stored (UTF-8, or the GBK/CP437 of zips made on Windows), with
any `..`, drive or leading `/` taken out; they name the articles' sources and errors,
never a place to write. The number of entries, the size of each and their total are
limited (a "zip bomb" claims small sizes and inflates: the bytes read are counted, not
the sizes the archive claims).
"""
from __future__ import annotations

import io
import posixpath
import zipfile
from typing import Iterator

from assistant.ingest.base import FileProblem

MAX_ENTRIES = 5000
MAX_ENTRY_BYTES = 100 * 1024 * 1024
MAX_TOTAL_BYTES = 500 * 1024 * 1024
MAX_DEPTH = 2   # a zip inside a zip is read; one more level is not


def _mb(n: int) -> str:
    return f"{n // (1024 * 1024)} MB"


def entry_name(info: zipfile.ZipInfo) -> str:
    """The entry's name, decoded and made harmless: a relative path with "/" only."""
    name = info.filename
    if not info.flag_bits & 0x800:   # not flagged UTF-8: zipfile decoded it as CP437
        raw = name.encode("cp437", errors="replace")
        for encoding in ("utf-8", "gb18030"):
            try:
                name = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
    name = name.replace("\\", "/")
    parts = [p for p in name.split("/") if p not in ("", ".", "..")]
    if parts and len(parts[0]) == 2 and parts[0][1] == ":":   # "C:" of a Windows path
        parts = parts[1:]
    return posixpath.join(*parts) if parts else ""


def _skipped(name: str) -> bool:
    """Tooling, not content: macOS resource forks, hidden files and folders."""
    parts = name.split("/")
    return parts[0] == "__MACOSX" or any(p.startswith(".") for p in parts) \
        or parts[-1] in ("Thumbs.db", "desktop.ini")


def zip_entries(data: bytes) -> Iterator[tuple[str, bytes | FileProblem]]:
    """(name, bytes) of each file in the archive, or (name, FileProblem) for one that
    cannot be read; sorted by name. FileProblem for an archive that is broken or over the
    limits as a whole."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = [i for i in archive.infolist() if not i.is_dir()]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as e:
        raise FileProblem(f"broken zip archive: {e}") from None
    if len(infos) > MAX_ENTRIES:
        raise FileProblem(f"the zip archive holds {len(infos)} files: the limit is {MAX_ENTRIES}")
    claimed = sum(i.file_size for i in infos)
    if claimed > MAX_TOTAL_BYTES:
        raise FileProblem(f"the zip archive unpacks to {_mb(claimed)}: "
                          f"the limit is {_mb(MAX_TOTAL_BYTES)}")
    named = sorted(((entry_name(i), i) for i in infos), key=lambda t: t[0])
    total = 0
    for name, info in named:
        if not name or _skipped(name):
            continue
        if info.flag_bits & 0x1:
            yield name, FileProblem("encrypted zip entry: it needs a password")
            continue
        if info.file_size > MAX_ENTRY_BYTES:
            yield name, FileProblem(f"the file unpacks to {_mb(info.file_size)}: "
                                    f"the limit is {_mb(MAX_ENTRY_BYTES)} per file")
            continue
        try:
            with archive.open(info) as f:
                content = f.read(MAX_ENTRY_BYTES + 1)
        except (zipfile.BadZipFile, NotImplementedError, OSError, EOFError, ValueError) as e:
            yield name, FileProblem(f"broken zip entry: {e}")
            continue
        if len(content) > MAX_ENTRY_BYTES:
            yield name, FileProblem(f"the file unpacks to more than {_mb(MAX_ENTRY_BYTES)}: "
                                    "the limit per file")
            continue
        total += len(content)
        if total > MAX_TOTAL_BYTES:
            raise FileProblem(f"the zip archive unpacks to more than {_mb(MAX_TOTAL_BYTES)}: "
                              "the limit")
        yield name, content
