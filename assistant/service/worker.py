"""Index uploaded files in a separate process, so the server keeps answering meanwhile.

The server (`Assistant.add_uploads`) calls `run_worker`, which starts `work` in a new
process and waits for it; `work` lowers its CPU priority (nice, `$ASSISTANT_WORKER_NICE`,
default 10), takes the index folder's writer lock and runs `indexing.add_to_index`. Why a
process and not a thread: the embedder serialises its calls (one lock around the C
engine), so a question's query embedding would wait behind every batch of an upload, and
the engine's OpenMP threads would take both cores at the same priority as the
questions; a niced process leaves the server's embedder free and yields the CPU to it,
and what the build took (the embedder, the new version's arrays) is freed when it ends.

The process is started with multiprocessing's "spawn" method (a fresh interpreter, never
a fork of the threaded server) and sends its messages over a one-way Pipe: ("stage",
(name, done, total)), ("wait", message), then ("result", (report, errors)) or ("error",
(kind, message)). What it prints goes to the server's stdout and stderr. When it dies
without a result (killed, out of memory), the pipe closes and `run_worker` raises
WorkerError with its exit code; the server answers on, from the version it has loaded.
When the server exits, multiprocessing ends its worker (a daemon process); the upload
journal has the upload indexed at the next start. Like any "spawn" child, the worker
imports the parent's main script again (not a `python -m` package's `__main__`): a
program that serves the UI from a script of its own keeps the serving under
`if __name__ == "__main__"`, as the `assistant` command does.
"""
from __future__ import annotations

import multiprocessing
import os
from pathlib import Path
from typing import Callable

from assistant.ingest.base import LoadError
from assistant.index.build import BuildReport, Stage
from assistant.index.versions import IndexBusy

ENV_NICE = "ASSISTANT_WORKER_NICE"


class WorkerError(RuntimeError):
    """The indexing worker failed; the message says why."""


def work(send, index_dir: str, paths: list[str], upload_ids: list[str],
         only_if_missing: bool) -> None:
    """The worker process: `add_to_index` with its progress, then its result, to `send`."""
    try:
        os.nice(int(os.environ.get(ENV_NICE, "10")))
    except (OSError, ValueError):
        pass
    from assistant.service.indexing import add_to_index

    try:
        result = add_to_index(
            index_dir, paths, upload_ids=upload_ids,
            stage=lambda name, done, total: send.send(("stage", (name, done, total))),
            wait_message=lambda m: send.send(("wait", m)), only_if_missing=only_if_missing)
    except Exception as e:
        send.send(("error", (type(e).__name__, str(e))))
    else:
        send.send(("result", result))


def run_worker(index_dir: str | Path, paths: list[str], upload_ids: list[str] = (),
               stage: Stage | None = None, wait_message: Callable[[str], None] | None = None,
               only_if_missing: bool = False,
               ) -> tuple[BuildReport | None, list[LoadError]]:
    """Run the worker over `paths` and wait for it; what `add_to_index` returns."""
    spawn = multiprocessing.get_context("spawn")
    receive, send = spawn.Pipe(duplex=False)
    # daemon: a server that exits ends its worker (the journal brings the upload back)
    proc = spawn.Process(target=work, name="assistant-index-worker", daemon=True,
                         args=(send, str(index_dir), [str(p) for p in paths],
                               list(upload_ids), only_if_missing))
    proc.start()
    send.close()   # the worker holds the only writing end: its exit ends `recv`
    result = None
    try:
        while result is None:
            try:
                kind, value = receive.recv()
            except EOFError:
                break
            if kind == "stage":
                if stage is not None:
                    stage(*value)
            elif kind == "wait":
                if wait_message is not None:
                    wait_message(value)
            else:
                result = kind, value
    finally:
        receive.close()   # a callback that raised: the worker's next message fails
    proc.join()
    if result is None:
        raise WorkerError(f"the indexing worker ended with exit code {proc.exitcode} "
                          f"and no result")
    kind, value = result
    if kind == "error":
        name, message = value
        if name == "IndexBusy":
            raise IndexBusy(message)
        if name == "IndexWriteError":   # read-only folder, full disk
            from assistant.service.writeerrors import IndexWriteError

            raise IndexWriteError(message)
        raise WorkerError(f"{name}: {message}")
    return value
