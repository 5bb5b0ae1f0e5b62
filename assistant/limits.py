"""Bounds on the work one input may cause, in one place.

Every limit has a default here, an environment variable `ASSISTANT_LIMIT_<NAME>` (e.g.
`ASSISTANT_LIMIT_ARTICLE_CHARS=50000`) and a command-line override
(`assistant index --limit article_chars=50000`, repeatable; flags win). A hit is never
silent: the reader names the file, the limit and what was done (see `ingest/readers.py`).

The defaults are not fitted on any data set: they are set from what a news article is
(the longest articles of the seed page and of CMRC/DRCD passages are a few thousand
characters; a long feature runs to some tens of thousands) with a wide margin, and from
what keeps one input's work bounded on a 2-core machine.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace

ENV_PREFIX = "ASSISTANT_LIMIT_"


@dataclass(frozen=True)
class Limits:
    # A file larger than this is skipped unread (zip entries too).
    file_mb: float = 100.0
    # An article longer than this is cut (at a sentence end near the limit): the rest is
    # dropped and named. A long news feature runs to 20-30 thousand characters; 50,000
    # keeps one input's embedding under about a minute on 2 cores.
    article_chars: int = 50_000
    # A heading is a short line. A longer first line is body text, never a title (the
    # page parser's own heading rules stay much stricter: 40/80 characters).
    heading_chars: int = 200
    # A sentence longer than this is cut at a clause mark near the limit, else by
    # characters; a chunk holds whole sentences up to `chunk_chars`.
    sentence_chars: int = 300
    chunk_chars: int = 350
    # Articles kept from one file (a page, a JSON array); the rest are dropped and named.
    articles_per_file: int = 20_000
    # A longer question is refused with a message.
    question_chars: int = 2000
    # JSON (a `.json` file, or one line of a `.jsonl` file): nested deeper than
    # `json_depth` arrays/objects, or larger than `json_mb`, it is named and skipped
    # unparsed. A news record is 2-5 levels deep ({"data": [{"content": [...]}]}); 64
    # leaves a wide margin and stays far below Python's recursion limit, which a file of
    # nested brackets ("[" * 200000) hit before and aborted the whole batch. A parsed JSON
    # value takes several times its text in memory: 50 MB keeps one file's parse well
    # under a gigabyte (JSON Lines are parsed a line at a time, so a bigger .jsonl is
    # fine when each line is within the limit).
    json_depth: int = 64
    json_mb: float = 50.0

    @property
    def file_bytes(self) -> int:
        return int(self.file_mb * 1024 * 1024)

    @property
    def json_bytes(self) -> int:
        return int(self.json_mb * 1024 * 1024)


NAMES = tuple(f.name for f in fields(Limits))
_active: Limits | None = None


def _parse(name: str, value: str) -> float | int:
    kind = {f.name: f.type for f in fields(Limits)}[name]
    try:
        v = float(value) if kind in ("float", float) else int(value.replace("_", ""))
    except ValueError:
        raise ValueError(f"limit {name}: {value!r} is not a number") from None
    if v <= 0:
        raise ValueError(f"limit {name}: must be above 0, got {value}")
    return v


def from_env(environ=None) -> Limits:
    environ = os.environ if environ is None else environ
    values = {}
    for name in NAMES:
        raw = environ.get(ENV_PREFIX + name.upper())
        if raw is not None and raw.strip():
            values[name] = _parse(name, raw.strip())
    return Limits(**values)


def current() -> Limits:
    """The limits in force: those set by `configure`, else the environment's."""
    return _active if _active is not None else from_env()


def configure(overrides: list[str] | dict | None = None) -> Limits:
    """Set the limits for this process: the environment's, then `overrides`
    ("name=value" strings, or a dict). Raises ValueError naming a bad one."""
    global _active
    base = from_env()
    if isinstance(overrides, dict):
        items = list(overrides.items())
    else:
        items = []
        for item in overrides or []:
            name, sep, value = item.partition("=")
            if not sep:
                raise ValueError(f"--limit {item!r}: expected NAME=VALUE")
            items.append((name.strip(), value.strip()))
    values = {}
    for name, value in items:
        if name not in NAMES:
            raise ValueError(f"unknown limit {name!r}: the limits are {', '.join(NAMES)}")
        values[name] = _parse(name, str(value))
    _active = replace(base, **values)
    return _active


def reset() -> None:
    global _active
    _active = None


def describe() -> str:
    """The limits as one help text line."""
    return ", ".join(f"{f.name} (default {getattr(Limits(), f.name):,})" for f in fields(Limits))
