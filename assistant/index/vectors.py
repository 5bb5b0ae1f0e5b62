"""Stored sentence vectors, read row by row from their .npy file when a question needs them.

The answerer scores the sentences of a question's top chunks and articles, a few hundred
rows of a file that holds every sentence of the archive (350 MB at 100k chunks). A
memory map of it becomes resident page by page as questions touch it, until the whole
file counts in the process's memory (benchmarks/RESULTS.md: 360 MB after load, 769 MB
after 200 questions). Reading the rows with `os.pread` instead keeps them in the
operating system's page cache, shared and reclaimable, and the process's own memory flat.
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np

# Rows closer than this are read in one call (a question's rows are mostly whole articles'
# runs of consecutive sentences).
_GAP = 16


class SentenceVectors:
    """Rows of a 2-d .npy file, read on demand as float32."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        with open(self.path, "rb") as f:
            major, _ = np.lib.format.read_magic(f)
            read = np.lib.format.read_array_header_1_0 if major == 1 else \
                np.lib.format.read_array_header_2_0
            shape, fortran, dtype = read(f)
            self._offset = f.tell()
        if fortran or len(shape) != 2:
            raise ValueError(f"{self.path}: not a C-ordered 2-d array")
        self.shape = tuple(shape)
        self.dtype = np.dtype(dtype)
        self._row_bytes = self.shape[1] * self.dtype.itemsize
        self._fd = os.open(self.path, os.O_RDONLY)  # stays readable if the file is removed

    def __len__(self) -> int:
        return self.shape[0]

    def rows(self, rows) -> np.ndarray:
        """The vectors of `rows` (any order, repeats allowed) as float32."""
        rows = np.asarray(rows, dtype=np.int64).reshape(-1)
        out = np.empty((len(rows), self.shape[1]), dtype=np.float32)
        if not len(rows):
            return out
        if rows.min() < 0 or rows.max() >= self.shape[0]:
            raise IndexError(f"sentence row out of range 0..{self.shape[0] - 1}")
        order = np.argsort(rows, kind="stable")
        srt = rows[order]
        breaks = np.flatnonzero(np.diff(srt) > _GAP) + 1
        for part in np.split(np.arange(len(srt)), breaks):
            lo, hi = int(srt[part[0]]), int(srt[part[-1]]) + 1
            buf = os.pread(self._fd, (hi - lo) * self._row_bytes,
                           self._offset + lo * self._row_bytes)
            block = np.frombuffer(buf, dtype=self.dtype).reshape(hi - lo, self.shape[1])
            out[order[part]] = block[srt[part] - lo]
        return out

    def __array__(self, dtype=None, copy=None):
        whole = self.rows(np.arange(self.shape[0]))
        return whole if dtype is None else whole.astype(dtype)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __del__(self):
        try:
            self.close()
        except Exception:  # interpreter shutdown
            pass
