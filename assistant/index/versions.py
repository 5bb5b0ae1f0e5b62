"""Several processes over one index folder: one writer at a time, readers keep their version.

- The writer lock is an exclusive `flock` on `<index-dir>/LOCK`. Whoever holds it writes
  its pid, what it is doing and since when into the file, so a process that has to wait
  can say who it waits for; it gives up after a timeout (`$ASSISTANT_LOCK_TIMEOUT`,
  `assistant index --lock-timeout`) with one line saying so. Inside one process the
  lock is re-entrant per thread and other threads wait for it like other processes.
  A killed holder's lock goes with its process (the kernel drops `flock` locks).
- A reader holds a shared `flock` on the `manifest.json` of the version it opened, until
  it releases it (the server does when it switches to a newer version). `prune`
  removes a superseded version only after taking an exclusive lock on that file
  without waiting: a version someone still reads is skipped and removed by a later build.
  Pruning needs the writer lock too, so it never removes the version being written.

Locks are advisory and local: an index folder on NFS between machines is not covered.
"""
from __future__ import annotations

import errno
import fcntl
import json
import os
import shutil
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

ENV_LOCK_TIMEOUT = "ASSISTANT_LOCK_TIMEOUT"
DEFAULT_LOCK_TIMEOUT = 600.0   # seconds a writer waits for another one before giving up
LOCK_NAME = "LOCK"
POLL = 0.2                     # seconds between two tries while waiting


class IndexBusy(RuntimeError):
    """Another writer kept the index folder longer than the timeout."""


def lock_timeout(value: float | str | None = None) -> float:
    """The timeout given, else $ASSISTANT_LOCK_TIMEOUT, else the default (seconds)."""
    raw = value if value is not None else os.environ.get(ENV_LOCK_TIMEOUT)
    if raw is None or raw == "":
        return DEFAULT_LOCK_TIMEOUT
    try:
        t = float(raw)
    except ValueError:
        raise ValueError(f"${ENV_LOCK_TIMEOUT} must be a number of seconds, not {raw!r}") from None
    if t < 0:
        raise ValueError(f"the lock timeout must be 0 or more seconds, not {t}")
    return t


# --- the writer lock ----------------------------------------------------------------------
class _ProcessLock:
    """The writer lock of one folder inside this process: a thread lock over the flock."""

    def __init__(self) -> None:
        self.thread_lock = threading.RLock()
        self.depth = 0
        self.file = None


_locks: dict[str, _ProcessLock] = {}
_locks_guard = threading.Lock()


def _process_lock(root: Path) -> _ProcessLock:
    key = str(root.resolve())
    with _locks_guard:
        return _locks.setdefault(key, _ProcessLock())


def holder(root: Path) -> str:
    """Who holds (or last held) the writer lock of `root`, as words for a message."""
    try:
        info = json.loads((Path(root) / LOCK_NAME).read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return "another process"
    if not isinstance(info, dict) or "pid" not in info:
        return "another process"
    since = info.get("since")
    when = time.strftime("%H:%M:%S", time.localtime(since)) if isinstance(since, (int, float)) \
        else "?"
    return f"pid {info['pid']} ({info.get('what', '?')}, since {when})"


def print_wait_message(msg: str) -> None:
    """What a writer waiting for the lock says by default: one line on stderr."""
    print(f"assistant: {msg}", file=sys.stderr, flush=True)


@contextmanager
def writer_lock(root: str | Path, what: str = "", timeout: float | None = None,
                wait_message: Callable[[str], None] | None = print_wait_message,
                ) -> Iterator[None]:
    """Hold the writer lock of index folder `root` (made if missing) for the block.

    `what` says what the holder does (shown to those who wait); `timeout` in seconds
    (None: `lock_timeout()`); `wait_message` gets one line when the lock is busy.
    Raises IndexBusy when it is still busy after the timeout.
    """
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    timeout = lock_timeout(timeout)
    plock = _process_lock(root)
    deadline = time.monotonic() + timeout
    told = False

    def busy(who: str) -> None:
        nonlocal told
        if not told and wait_message is not None:
            wait_message(f"the index in {root} is being written by {who}: waiting for it "
                         f"(up to {timeout:g} s, see --lock-timeout / ${ENV_LOCK_TIMEOUT})")
        told = True

    def give_up(who: str) -> IndexBusy:
        return IndexBusy(f"the index in {root} is still being written by {who} after "
                         f"{timeout:g} s: try again later, or wait longer with --lock-timeout "
                         f"or ${ENV_LOCK_TIMEOUT}")

    # threads of this process first (re-entrant for the thread that holds it)
    if not plock.thread_lock.acquire(blocking=False):
        busy(f"this process (pid {os.getpid()})")
        if not plock.thread_lock.acquire(timeout=max(0.0, deadline - time.monotonic())):
            raise give_up(f"this process (pid {os.getpid()})")
    try:
        if plock.depth == 0:
            f = open(root / LOCK_NAME, "a+", encoding="utf-8")
            try:
                while True:
                    try:
                        fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                        break
                    except OSError as e:
                        if e.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                            raise
                    who = holder(root)
                    if time.monotonic() >= deadline:
                        raise give_up(who)
                    busy(who)
                    time.sleep(min(POLL, max(0.0, deadline - time.monotonic())) or POLL / 10)
                f.seek(0)
                f.truncate()
                f.write(json.dumps({"pid": os.getpid(), "what": what or _command(),
                                    "since": time.time()}))
                f.flush()
            except BaseException:
                f.close()
                raise
            plock.file = f
        plock.depth += 1
        try:
            yield
        finally:
            plock.depth -= 1
            if plock.depth == 0:
                f, plock.file = plock.file, None
                f.close()   # closing drops the flock
    finally:
        plock.thread_lock.release()


def _command() -> str:
    args = sys.argv[1:2]
    return "assistant " + " ".join(args) if args else "assistant"


def prune_when_free(root: str | Path, drop: Callable[[Path], None] | None = None) -> list[str]:
    """`prune` around the live version if no writer is busy right now; never waits."""
    try:
        with writer_lock(root, what="removing old versions", timeout=0, wait_message=None):
            keep = current_name(root)
            return prune(root, keep, drop) if keep else []
    except IndexBusy:
        return []


# --- readers --------------------------------------------------------------------------------
def current_name(root: str | Path) -> str | None:
    """The name of the live version folder, as CURRENT says (None: no index yet)."""
    try:
        return (Path(root) / "CURRENT").read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


class VersionHold:
    """A shared lock on one version folder: `prune` leaves it alone while held."""

    def __init__(self, folder: Path, file) -> None:
        self.folder = folder
        self._file = file

    @property
    def name(self) -> str:
        return self.folder.name

    def release(self) -> None:
        f, self._file = self._file, None
        if f is not None:
            f.close()

    def __del__(self) -> None:
        self.release()


def hold_current(root: str | Path, attempts: int = 20) -> VersionHold | None:
    """Take a reader's hold on the live version of `root`; None when there is none.

    The pointer can move (and the version it named be pruned) between reading it and
    locking: then the pointer is read again.
    """
    root = Path(root)
    for _ in range(attempts):
        name = current_name(root)
        if name is None:
            return None
        folder = root / name
        try:
            f = open(folder / "manifest.json", "rb")
        except FileNotFoundError:
            if current_name(root) == name:
                return None   # CURRENT names a folder that is not there
            continue
        fcntl.flock(f.fileno(), fcntl.LOCK_SH)
        if os.fstat(f.fileno()).st_nlink == 0:   # pruned before we locked it
            f.close()
            continue
        return VersionHold(folder, f)
    raise RuntimeError(f"the index in {root} kept changing while being opened")


def prune(root: str | Path, keep: str, drop: Callable[[Path], None] | None = None,
          stale_staging: float = 0.0) -> list[str]:
    """Remove version folders other than `keep` that no reader holds; their names.

    Call it holding the writer lock. `drop(folder)` runs before a version is removed
    (the Milvus collection). Staging folders (tmp-*) older than `stale_staging` seconds
    go too: under the writer lock, any left is from a build that was killed.
    """
    root = Path(root)
    removed = []
    now = time.time()
    for p in sorted(root.iterdir()):
        if p.name == keep or not p.is_dir():
            continue
        if p.name.startswith("tmp-"):
            try:
                old = now - p.stat().st_mtime > stale_staging
            except OSError:
                continue
            if old:
                shutil.rmtree(p, ignore_errors=True)
                removed.append(p.name)
            continue
        if not p.name.startswith("v-"):
            continue
        try:
            f = open(p / "manifest.json", "rb")
        except FileNotFoundError:
            f = None    # a version without a manifest is never loaded: nobody reads it
        try:
            if f is not None:
                try:
                    fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                except OSError as e:
                    if e.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                        continue   # a reader holds it: a later build removes it
                    raise
            if drop is not None:
                drop(p)
            shutil.rmtree(p, ignore_errors=True)
            removed.append(p.name)
        finally:
            if f is not None:
                f.close()
    return removed
