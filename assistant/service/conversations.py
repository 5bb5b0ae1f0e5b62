"""Saved conversations: their turns and citations in SQLite, one owner each.

The file is `<index-dir>/conversations.sqlite3` (`store_path`), opened in WAL mode so
the UI's many sessions read while one writes. The schema is versioned in `meta`
(`schema_version`, `SCHEMA_VERSION`); a file written by a newer version is refused with
a clear error instead of being misread.

Tables:
- `conversations(id, owner, title, created, updated, settings)`: `owner` is who may see
  it ("user:NAME" for a `--auth` login, "browser:ID" for a browser without a login);
  `settings` is a JSON object of conversation-level settings, kept as given and restored
  with the conversation. Keys in use: none required; a UI feature that belongs to the
  conversation (e.g. a source filter: `{"filter": {...}}`) stores its value under its own
  key with `ConversationStore.update_settings(owner, id, {key: value})`, which merges
  into the stored object (other keys kept).
- `turns(conversation_id, k, question, answer, found, extra, created)`: turn k (0, 1, ...)
  of a conversation; `extra` is the rest of `Turn.to_dict()` as JSON (notice,
  verification, short answer, standalone question).
- `citations(conversation_id, k, n, article_id, heading, source, passage, start, end,
  date, supported, field)`: the citations of turn k, so a restored conversation shows
  its sources exactly as they were answered.
- `meta(key, value)`: `schema_version` and `browser_secret` (the key the UI encrypts
  its per-browser id with in localStorage, stable across restarts).

Every method takes the owner and touches only that owner's rows: a conversation id of
somebody else reads as missing.
"""
from __future__ import annotations

import json
import secrets
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from assistant.records import Citation, Turn

SCHEMA_VERSION = 1
FILE_NAME = "conversations.sqlite3"
MAX_TITLE_CHARS = 120

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS conversations (
    id TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    title TEXT NOT NULL,
    created REAL NOT NULL,
    updated REAL NOT NULL,
    settings TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS conversations_owner ON conversations (owner, updated);
CREATE TABLE IF NOT EXISTS turns (
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    k INTEGER NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    found INTEGER NOT NULL,
    extra TEXT NOT NULL DEFAULT '{}',
    created REAL NOT NULL,
    PRIMARY KEY (conversation_id, k)
);
CREATE TABLE IF NOT EXISTS citations (
    conversation_id TEXT NOT NULL,
    k INTEGER NOT NULL,
    n INTEGER NOT NULL,
    article_id TEXT NOT NULL,
    heading TEXT NOT NULL,
    source TEXT NOT NULL,
    passage TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    date TEXT,
    supported INTEGER NOT NULL,
    field TEXT,
    PRIMARY KEY (conversation_id, k, n),
    FOREIGN KEY (conversation_id, k) REFERENCES turns (conversation_id, k) ON DELETE CASCADE
);
"""


class StoreError(RuntimeError):
    """The conversation file cannot be used (newer schema, not a database ...)."""


def store_path(index_dir: str | Path) -> Path:
    return Path(index_dir) / FILE_NAME


def title_of(question: str) -> str:
    """A conversation's first title: its first question on one line, shortened."""
    one = " ".join(str(question).split())
    return one if len(one) <= 60 else one[:59] + "…"


def citation_from_dict(d: dict) -> Citation:
    return Citation(n=int(d["n"]), article_id=d["article_id"], heading=d.get("heading", ""),
                    source=d.get("source", ""), passage=d.get("passage", ""),
                    start=int(d["start"]), end=int(d["end"]), date=d.get("date"),
                    supported=bool(d.get("supported", True)), field=d.get("field"))


def turn_from_dict(d: dict) -> Turn:
    """The Turn of a `Turn.to_dict()` (a saved turn, an exported conversation)."""
    return Turn(question=d["question"], answer=d["answer"], found=bool(d["found"]),
                citations=[citation_from_dict(c) for c in d.get("citations") or []],
                notice=d.get("notice"), verification=d.get("verification"),
                short_answer=d.get("short_answer"),
                standalone_question=d.get("standalone_question"))


@dataclass
class Saved:
    """A conversation as listed (`turns` empty) or loaded (`turns` filled)."""

    id: str
    owner: str
    title: str
    created: float
    updated: float
    settings: dict = field(default_factory=dict)
    count: int = 0
    turns: list[Turn] = field(default_factory=list)

    def to_dict(self) -> dict:
        """The JSON export: title, times (ISO 8601 UTC), settings and every turn."""
        iso = lambda t: time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))  # noqa: E731
        return {"id": self.id, "title": self.title, "created": iso(self.created),
                "updated": iso(self.updated), "settings": self.settings,
                "turns": [t.to_dict() for t in self.turns]}


class ConversationStore:
    """The conversations of one index folder; safe to share between threads."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._lock = threading.Lock()
        try:
            self._db = sqlite3.connect(self.path, check_same_thread=False, timeout=30,
                                       isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._db.execute("PRAGMA synchronous=NORMAL")
            version = self._version()
            if version is not None and version > SCHEMA_VERSION:
                raise StoreError(f"{self.path} was written by a newer version (schema "
                                 f"{version}; this one reads up to {SCHEMA_VERSION})")
            self._db.executescript(_SCHEMA)
            if version is None:
                self._db.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)",
                                 (str(SCHEMA_VERSION),))
        except sqlite3.DatabaseError as e:
            raise StoreError(f"{self.path} cannot be used as the conversation store: {e}") \
                from e

    def _version(self) -> int | None:
        has_meta = self._db.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'").fetchone()
        if not has_meta:
            return None
        row = self._db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        return int(row[0]) if row else None

    class _Tx:
        def __init__(self, store):
            self.store = store

        def __enter__(self):
            self.store._lock.acquire()
            self.store._db.execute("BEGIN IMMEDIATE")
            return self.store._db

        def __exit__(self, kind, value, tb):
            try:
                self.store._db.execute("ROLLBACK" if kind else "COMMIT")
            finally:
                self.store._lock.release()

    def _tx(self):
        return self._Tx(self)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # meta ------------------------------------------------------------------------------
    def secret(self, key: str = "browser_secret") -> str:
        """A random secret kept in the file (made on first use)."""
        with self._tx() as db:
            row = db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
            if row:
                return row[0]
            value = secrets.token_urlsafe(24)
            db.execute("INSERT INTO meta VALUES (?, ?)", (key, value))
            return value

    # conversations ---------------------------------------------------------------------
    def create(self, owner: str, title: str, settings: dict | None = None) -> str:
        cid = secrets.token_hex(8)
        now = time.time()
        with self._tx() as db:
            db.execute("INSERT INTO conversations VALUES (?, ?, ?, ?, ?, ?)",
                       (cid, owner, _clean_title(title), now, now,
                        json.dumps(settings or {}, ensure_ascii=False)))
        return cid

    def _owned(self, db, owner: str, cid: str) -> bool:
        return db.execute("SELECT 1 FROM conversations WHERE id=? AND owner=?",
                          (cid, owner)).fetchone() is not None

    def add_turn(self, owner: str, cid: str, k: int, turn: Turn) -> bool:
        """Save `turn` as turn k, the next one, of the conversation. False when the
        conversation is not this owner's (or was deleted meanwhile) or when it no longer
        has k turns (another tab added one): the caller saves its turns elsewhere."""
        d = turn.to_dict()
        extra = {key: v for key, v in d.items()
                 if key not in ("question", "answer", "found", "citations")}
        now = time.time()
        with self._tx() as db:
            if not self._owned(db, owner, cid):
                return False
            count = db.execute("SELECT COUNT(*) FROM turns WHERE conversation_id=?",
                               (cid,)).fetchone()[0]
            if count != k:
                return False
            db.execute("INSERT INTO turns VALUES (?, ?, ?, ?, ?, ?, ?)",
                       (cid, k, turn.question, turn.answer, int(turn.found),
                        json.dumps(extra, ensure_ascii=False), now))
            db.executemany(
                "INSERT INTO citations VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(cid, k, c.n, c.article_id, c.heading, c.source, c.passage, c.start, c.end,
                  c.date, int(c.supported), c.field) for c in turn.citations])
            db.execute("UPDATE conversations SET updated=? WHERE id=?", (now, cid))
        return True

    def list(self, owner: str) -> list[Saved]:
        """The owner's conversations, the most recently used first (turns not loaded)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT c.id, c.owner, c.title, c.created, c.updated, c.settings, "
                "(SELECT COUNT(*) FROM turns t WHERE t.conversation_id = c.id) "
                "FROM conversations c WHERE c.owner=? ORDER BY c.updated DESC, c.id",
                (owner,)).fetchall()
        return [Saved(id=r[0], owner=r[1], title=r[2], created=r[3], updated=r[4],
                      settings=_json(r[5]), count=r[6]) for r in rows]

    def load(self, owner: str, cid: str) -> Saved | None:
        """The conversation with its turns and their citations; None if not the owner's."""
        with self._lock:
            row = self._db.execute(
                "SELECT id, owner, title, created, updated, settings FROM conversations "
                "WHERE id=? AND owner=?", (cid, owner)).fetchone()
            if row is None:
                return None
            turns = self._db.execute(
                "SELECT k, question, answer, found, extra FROM turns WHERE conversation_id=? "
                "ORDER BY k", (cid,)).fetchall()
            cites = self._db.execute(
                'SELECT k, n, article_id, heading, source, passage, start, "end", date, '
                "supported, field FROM citations WHERE conversation_id=? ORDER BY k, n",
                (cid,)).fetchall()
        by_k: dict[int, list[Citation]] = {}
        for c in cites:
            by_k.setdefault(c[0], []).append(Citation(
                n=c[1], article_id=c[2], heading=c[3], source=c[4], passage=c[5], start=c[6],
                end=c[7], date=c[8], supported=bool(c[9]), field=c[10]))
        out = []
        for k, question, answer, found, extra in turns:
            e = _json(extra)
            out.append(Turn(question=question, answer=answer, found=bool(found),
                            citations=by_k.get(k, []), notice=e.get("notice"),
                            verification=e.get("verification"),
                            short_answer=e.get("short_answer"),
                            standalone_question=e.get("standalone_question")))
        return Saved(id=row[0], owner=row[1], title=row[2], created=row[3], updated=row[4],
                     settings=_json(row[5]), count=len(out), turns=out)

    def rename(self, owner: str, cid: str, title: str) -> bool:
        title = _clean_title(title)
        if not title:
            raise ValueError("the title is empty: type a name for the conversation")
        with self._tx() as db:
            cur = db.execute("UPDATE conversations SET title=? WHERE id=? AND owner=?",
                             (title, cid, owner))
            return cur.rowcount > 0

    def update_settings(self, owner: str, cid: str, values: dict) -> bool:
        """Merge `values` into the conversation's settings (other keys kept)."""
        with self._tx() as db:
            row = db.execute("SELECT settings FROM conversations WHERE id=? AND owner=?",
                             (cid, owner)).fetchone()
            if row is None:
                return False
            merged = {**_json(row[0]), **values}
            db.execute("UPDATE conversations SET settings=? WHERE id=?",
                       (json.dumps(merged, ensure_ascii=False), cid))
            return True

    def delete(self, owner: str, cid: str) -> bool:
        with self._tx() as db:
            if not self._owned(db, owner, cid):
                return False
            db.execute("DELETE FROM citations WHERE conversation_id=?", (cid,))
            db.execute("DELETE FROM turns WHERE conversation_id=?", (cid,))
            db.execute("DELETE FROM conversations WHERE id=?", (cid,))
            return True


def _clean_title(title: str) -> str:
    one = " ".join(str(title or "").split())
    return one[:MAX_TITLE_CHARS]


def _json(text: str | None) -> dict:
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
