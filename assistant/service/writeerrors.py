"""A failure to write the index (read-only folder, full disk), as one clear message.

`IndexWriteError` is what the CLI prints as one line and the UI shows in its upload
message; `index_write_error` turns the OSError a build raised into it. The build itself
writes a new version folder and switches to it only at the end (`index/build.py`),
so when this is raised the previous index is still the one in use.
"""
from __future__ import annotations

import errno
import os
import uuid
from pathlib import Path

_REASONS = {
    errno.ENOSPC: "no space left on the disk",
    errno.EDQUOT: "the disk quota is used up",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied (the folder is read-only for this user)",
    errno.EPERM: "operation not permitted (the folder is read-only for this user)",
}


class IndexWriteError(OSError):
    """The index could not be written; str() is the whole message for a user (without
    OSError's "[Errno N]" prefix)."""

    def __str__(self) -> str:
        if self.strerror is not None:
            return self.strerror
        return " ".join(str(a) for a in self.args)


def _inside(path, folder) -> bool:
    try:
        return Path(os.path.realpath(path)).is_relative_to(os.path.realpath(folder))
    except (OSError, ValueError, TypeError):
        return False


def index_write_error(e: OSError, index_dir) -> IndexWriteError:
    """The message names the index folder; a file is added only when it is inside it (a
    temporary file of an upload, say, is nothing a user can act on)."""
    if isinstance(e, IndexWriteError):
        return e
    reason = _REASONS.get(e.errno, e.strerror or str(e))
    name = getattr(e, "filename", None)
    where = f" ({name})" if name and _inside(name, index_dir) else ""
    err = IndexWriteError(e.errno, f"cannot write the index in {index_dir}: {reason}{where}; "
                          "the previous index is unchanged")
    return err


def check_writable(index_dir) -> None:
    """Raise IndexWriteError now, before any reading or embedding, when `index_dir` cannot
    be created or written (read-only, no permission, or a full disk)."""
    root = Path(index_dir)
    probe = root / f".write-check-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    try:
        root.mkdir(parents=True, exist_ok=True)
        with open(probe, "wb") as f:
            f.write(b"x")
    except OSError as e:
        raise index_write_error(e, index_dir) from None
    finally:
        try:
            probe.unlink()
        except OSError:
            pass
