"""The upload journal: an upload is on disk before it is indexed, and a restart finishes it.

The journal is the `uploads` table of the index folder's SQLite file, the one the saved
conversations are kept in (`<index-dir>/conversations.sqlite3`,
assistant/service/conversations.py; each module reads only its own tables). A row
`(id, files, at)` is committed once the files of an upload have been copied into
`<index-dir>/uploads/` and flushed to disk (files and their folder fsync'ed), before
the upload is acknowledged; `done` and `how` are set once they are in the index (or
cannot be: the copies were discarded). A row without `done` is pending: `assistant
serve` indexes pending uploads when it starts, and `assistant index` (which indexes
everything in uploads/) marks them done.

Every write is one transaction (WAL, synchronous=FULL: a commit is on disk when it
returns), so the server's threads, an indexing worker and the CLI can write at once and
a crash (kill -9) leaves either the state before a write or the one after it. File paths
are stored relative to the index folder, so a moved index folder keeps its journal.

Before this the journal was a file of JSON lines, `<index-dir>/uploads.journal`
(appended under flock). The first write to a folder that still has one copies its
pending uploads into the table and removes the file (in that order: a crash between
the two copies them again, which changes nothing); until then `pending` reads the file,
so a data folder made by an earlier version keeps its pending uploads.
"""
from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from assistant.service.conversations import store_path

OLD_JOURNAL = "uploads.journal"   # the JSON-lines journal of earlier versions

_SCHEMA = """
CREATE TABLE IF NOT EXISTS uploads (
    id TEXT PRIMARY KEY,
    files TEXT NOT NULL,   -- JSON list of paths relative to the index folder
    at REAL NOT NULL,      -- when it was recorded
    done REAL,             -- when it was indexed or given up; NULL while pending
    how TEXT               -- "indexed", "failed", "files gone", ...
)"""


@dataclass
class Upload:
    id: str
    files: list[Path]      # absolute paths of the copies in uploads/


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def _transaction(index_dir: Path) -> Iterator[sqlite3.Connection]:
    """One write transaction on the journal; an old JSON-lines journal is moved in first."""
    path = store_path(index_dir)
    new = not path.exists()
    try:
        with contextlib.closing(sqlite3.connect(path, timeout=30, isolation_level=None)) as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            db.execute(_SCHEMA)
            if new:
                _fsync(index_dir)
            db.execute("BEGIN IMMEDIATE")
            with db:   # COMMIT, or ROLLBACK on an exception
                old = _read_old(index_dir)
                db.executemany("INSERT OR IGNORE INTO uploads (id, files, at) VALUES (?, ?, ?)",
                               old or [])
                yield db
    except sqlite3.Error as e:
        from assistant.service.writeerrors import check_writable

        check_writable(index_dir)   # IndexWriteError when the folder is the cause (read-only, full)
        raise OSError(f"the upload journal in {path} cannot be written: {e}") from None
    if old is not None:
        (index_dir / OLD_JOURNAL).unlink(missing_ok=True)


def _read_old(index_dir: Path) -> list[tuple[str, str, float]] | None:
    """The pending uploads of a JSON-lines journal as rows (id, files, at); None: there
    is none."""
    try:
        raw = (index_dir / OLD_JOURNAL).read_bytes()
    except FileNotFoundError:
        return None
    uploads: dict[str, tuple[str, str, float]] = {}
    for line in raw.decode("utf-8", errors="replace").splitlines():
        try:
            r = json.loads(line)
        except ValueError:
            continue   # a line cut by a crash: its upload was never acknowledged
        if not isinstance(r, dict):
            continue
        if r.get("op") == "upload" and isinstance(r.get("files"), list):
            at = r.get("at") if isinstance(r.get("at"), (int, float)) else 0.0
            uploads[str(r.get("id"))] = (str(r.get("id")), json.dumps(r["files"]), at)
        elif r.get("op") == "done":
            uploads.pop(str(r.get("id")), None)
    return list(uploads.values())


def record_upload(index_dir: str | Path, files: Iterable[str | Path]) -> str:
    """Flush the copied files to disk, then record them as one pending upload; its id."""
    index_dir = Path(index_dir)
    files = [Path(f).resolve() for f in files]
    for f in files:
        _fsync(f)
    for d in {f.parent for f in files}:
        _fsync(d)
    root = index_dir.resolve()
    names = [os.path.relpath(f, root) for f in files]
    upload_id = uuid.uuid4().hex
    with _transaction(index_dir) as db:
        db.execute("INSERT INTO uploads (id, files, at) VALUES (?, ?, ?)",
                   (upload_id, json.dumps(names, ensure_ascii=False), time.time()))
    return upload_id


def mark_done(index_dir: str | Path, ids: Iterable[str], how: str = "indexed") -> None:
    ids = list(ids)
    if ids:
        with _transaction(Path(index_dir)) as db:
            now = time.time()
            db.executemany("UPDATE uploads SET done=?, how=? WHERE id=? AND done IS NULL",
                           [(now, how, i) for i in ids])


def _rows(index_dir: Path) -> list[tuple]:
    """Every row of the table, (id, files, at, done), oldest first."""
    path = store_path(index_dir)
    if not path.exists():
        return []
    # A folder that cannot be written (read-only) is read as it is: SQLite cannot make
    # the files a WAL reader needs there, and nothing can change the file meanwhile.
    uri = path.absolute().as_uri() + ("" if os.access(index_dir, os.W_OK) else "?immutable=1")
    try:
        with contextlib.closing(sqlite3.connect(uri, uri=True, timeout=30)) as db:
            if not db.execute("SELECT 1 FROM sqlite_master WHERE name='uploads'").fetchone():
                return []
            return db.execute("SELECT id, files, at, done FROM uploads "
                              "ORDER BY at, rowid").fetchall()
    except sqlite3.Error as e:
        raise OSError(f"the upload journal in {path} cannot be read: {e}") from None


def pending(index_dir: str | Path) -> list[Upload]:
    """Recorded uploads not done yet, oldest first."""
    index_dir = Path(index_dir)
    rows = _rows(index_dir)
    known = {r[0] for r in rows}
    rows = [r + (None,) for r in _read_old(index_dir) or [] if r[0] not in known] + rows
    root = index_dir.resolve()
    return [Upload(i, [root / str(f) for f in json.loads(files)])
            for i, files, at, done in sorted(rows, key=lambda r: r[2]) if done is None]


def compact(index_dir: str | Path) -> None:
    """Forget the uploads that are done (the table only grows otherwise)."""
    index_dir = Path(index_dir)
    if (index_dir / OLD_JOURNAL).exists() or any(r[3] is not None for r in _rows(index_dir)):
        with _transaction(index_dir) as db:
            db.execute("DELETE FROM uploads WHERE done IS NOT NULL")
