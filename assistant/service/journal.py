"""The upload journal: an upload is on disk before it is indexed, and a restart finishes it.

`<index-dir>/uploads.journal` holds JSON lines: `{"op": "upload", "id", "files", "at"}`
when the files of an upload have been copied into `<index-dir>/uploads/` and flushed to
disk (file, folder and journal are fsync'ed), and `{"op": "done", "id", "how"}` once
they are in the index (or cannot be: the copies were discarded). An upload without its
"done" line is pending: `assistant serve` indexes pending uploads when it starts, and
`assistant index` (which indexes everything in uploads/) marks them done.

Every append takes an exclusive flock on the journal, so the server's threads, an
indexing worker and the CLI can write to it at once. File paths are stored relative to
the index folder, so a moved index folder keeps its journal.
"""
from __future__ import annotations

import fcntl
import json
import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

JOURNAL_NAME = "uploads.journal"


@dataclass
class Upload:
    id: str
    files: list[Path]      # absolute paths of the copies in uploads/


def journal_path(index_dir: str | Path) -> Path:
    return Path(index_dir) / JOURNAL_NAME


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _append(index_dir: Path, records: list[dict]) -> None:
    path = journal_path(index_dir)
    new = not path.exists()
    data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)   # drops the flock
    if new:
        _fsync_dir(index_dir)


def record_upload(index_dir: str | Path, files: Iterable[str | Path]) -> str:
    """Flush the copied files to disk, then record them as one pending upload; its id."""
    index_dir = Path(index_dir)
    files = [Path(f).resolve() for f in files]
    folders = set()
    for f in files:
        fd = os.open(f, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        folders.add(f.parent)
    for d in folders:
        _fsync_dir(d)
    root = index_dir.resolve()
    names = [os.path.relpath(f, root) for f in files]
    upload_id = uuid.uuid4().hex
    _append(index_dir, [{"op": "upload", "id": upload_id, "files": names, "at": time.time()}])
    return upload_id


def mark_done(index_dir: str | Path, ids: Iterable[str], how: str = "indexed") -> None:
    ids = list(ids)
    if ids:
        _append(Path(index_dir), [{"op": "done", "id": i, "how": how} for i in ids])


def pending(index_dir: str | Path) -> list[Upload]:
    """Recorded uploads without a "done" line, oldest first (a torn last line is ignored)."""
    path = journal_path(index_dir)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return []
    uploads: dict[str, Upload] = {}
    root = Path(index_dir).resolve()
    for line in raw.decode("utf-8", errors="replace").splitlines():
        try:
            r = json.loads(line)
        except ValueError:
            continue   # a line cut by a crash: its upload was never acknowledged
        if not isinstance(r, dict):
            continue
        if r.get("op") == "upload" and isinstance(r.get("files"), list):
            uploads[str(r.get("id"))] = Upload(str(r.get("id")),
                                               [root / str(f) for f in r["files"]])
        elif r.get("op") == "done":
            uploads.pop(str(r.get("id")), None)
    return list(uploads.values())


def compact(index_dir: str | Path) -> None:
    """Empty the journal when nothing in it is pending (it only grows otherwise)."""
    path = journal_path(index_dir)
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        if not pending(index_dir):
            os.ftruncate(fd, 0)
            os.fsync(fd)
    finally:
        os.close(fd)
