"""Files uploaded through the UI: which are accepted, under which safe name they are
copied into the upload folder (<index-dir>/uploads), and why the others are rejected.

Nothing here indexes anything: `ChatApp.upload` hands the copied files to the Assistant.
"""
from __future__ import annotations

import os
import re
import shutil
import unicodedata
from pathlib import Path
from typing import Iterable

from assistant.ingest.readers import SUFFIXES, UNSUPPORTED_TYPE

MAX_UPLOAD_BYTES = 20 * 1024 * 1024

_UNSAFE = re.compile(r"[^\w.\-]+")

Rejection = tuple[str, str]   # (the file name shown to the user, the reason)


def safe_filename(name: str, max_len: int = 100) -> str:
    """A file name safe to create: the base name only, word characters, dots and dashes.

    Directory parts (either slash), control characters, spaces and leading dots go;
    an empty result becomes "upload". The suffix is kept when the name is shortened.
    """
    base = re.split(r"[\\/]", unicodedata.normalize("NFC", str(name)))[-1]
    base = _UNSAFE.sub("_", base).strip("._-")
    base = re.sub(r"\.{2,}", ".", base)
    if not base:
        base = "upload"
    if len(base) > max_len:
        stem, dot, suffix = base.rpartition(".")
        if dot and 0 < len(suffix) <= 10:
            base = stem[:max_len - len(suffix) - 1] + "." + suffix
        else:
            base = base[:max_len]
    return base


def human_size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f}".removesuffix(".0") + " MB"
    if n >= 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n} bytes"


def _unique_path(folder: Path, name: str) -> Path:
    path = folder / name
    stem, suffix = path.stem, path.suffix
    k = 2
    while path.exists():
        path = folder / f"{stem}-{k}{suffix}"
        k += 1
    return path


def uploaded_paths(files) -> list[Path]:
    """The temporary paths of what a `gr.File` gives: None, one file or a list of them."""
    files = files or []
    if isinstance(files, (str, Path)):
        files = [files]
    return [Path(getattr(f, "name", f)) for f in files]


def rejection_reason(src: Path, shown: str, max_bytes: int) -> str | None:
    """Why the uploaded file `src` (named `shown`) cannot be indexed; None when it can."""
    if Path(shown).suffix.lower() not in SUFFIXES:
        return UNSUPPORTED_TYPE
    try:
        size = src.stat().st_size
    except OSError as e:
        return f"cannot read the uploaded file: {e.strerror or e}"
    if size > max_bytes:
        return f"the file is {human_size(size)}: the limit is {human_size(max_bytes)} per file"
    return None


def copy_uploads(paths: Iterable[Path], folder: Path,
                 max_bytes: int = MAX_UPLOAD_BYTES) -> tuple[dict[Path, str], list[Rejection]]:
    """Copy the acceptable files into `folder` under safe, unused names.

    Returns the copies ({resolved destination: name shown}) and the rejected files.
    Nothing is ever written outside `folder`.
    """
    folder.mkdir(parents=True, exist_ok=True)
    root = folder.resolve()
    copied: dict[Path, str] = {}
    rejected: list[Rejection] = []
    for src in paths:
        shown = safe_filename(src.name)
        reason = rejection_reason(src, shown, max_bytes)
        if reason is not None:
            rejected.append((shown, reason))
            continue
        dest = _unique_path(root, shown).resolve()
        if dest.parent != root:   # cannot happen with a safe name; never write elsewhere
            rejected.append((shown, "unsafe file name"))
            continue
        try:
            shutil.copyfile(src, dest)
        except OSError:
            # a full disk leaves a partial (often 0-byte) copy that every later build
            # would report as an empty file: remove it and the copies made so far
            dest.unlink(missing_ok=True)
            discard(copied)
            raise
        copied[dest] = shown
    return copied, rejected


def load_rejections(errors, copied: dict[Path, str]) -> tuple[list[Rejection], set[Path]]:
    """The loader's errors as rejections, and the copies that failed as a whole.

    `errors` are `LoadError`s (path, line, reason); an error without a line concerns the
    whole file, an error with one only that line of a .jsonl file.
    """
    rejected: list[Rejection] = []
    failed_whole: set[Path] = set()
    for e in errors:
        if getattr(e, "kept", False):
            continue   # indexed with a note: `load_notes`
        p = Path(os.path.realpath(e.path))
        name = copied.get(p, safe_filename(Path(e.path).name))
        where = f" (line {e.line})" if e.line is not None else ""
        rejected.append((name, e.reason + where))
        if e.line is None:
            failed_whole.add(p)
    return rejected, failed_whole


def load_notes(errors, copied: dict[Path, str]) -> list[Rejection]:
    """The loader's notices (`kept`: indexed, with something the user must be told: an
    encoding guessed, a limit that cut an article) as (name, note)."""
    notes: list[Rejection] = []
    for e in errors:
        if getattr(e, "kept", False):
            p = Path(os.path.realpath(e.path))
            name = copied.get(p, safe_filename(Path(e.path).name))
            where = f" (line {e.line})" if e.line is not None else ""
            notes.append((name, e.reason + where))
    return notes


def discard(paths: Iterable[Path]) -> None:
    """Delete copies that will not be indexed."""
    for p in paths:
        p.unlink(missing_ok=True)
