"""Index uploaded files in a separate process, so the server keeps answering meanwhile.

The server (`Assistant.add_uploads`) runs `python -m assistant.service.worker`, which lowers its
CPU priority (nice, `$ASSISTANT_WORKER_NICE`, default 10), takes the index folder's
writer lock and runs `indexing.add_to_index`. Why a process and not a thread: the
embedder serialises its calls (one lock around the C engine), so a question's query
embedding would wait behind every batch of an upload, and the engine's OpenMP threads
would take both cores at the same priority as the questions; a niced process leaves
the server's embedder free and yields the CPU to it.

The worker talks to the server through its stdout, one JSON message per line after a
marker: {"stage", "done", "total"}, {"wait": message}, then {"report", "errors"} or
{"error", "kind"}. Its stderr goes to the server's.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Callable

from assistant.ingest.base import LoadError
from assistant.index.store import BuildReport, Stage
from assistant.index.versions import IndexBusy

MARK = "@@assistant-worker "
ENV_NICE = "ASSISTANT_WORKER_NICE"


class WorkerError(RuntimeError):
    """The indexing worker failed; the message says why."""


def _emit(obj: dict) -> None:
    sys.stdout.write(MARK + json.dumps(obj, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m assistant.service.worker")
    p.add_argument("paths", nargs="+")
    p.add_argument("--index-dir", required=True)
    p.add_argument("--upload-id", action="append", default=[])
    p.add_argument("--only-if-missing", action="store_true")
    args = p.parse_args(argv)
    try:
        os.nice(int(os.environ.get(ENV_NICE, "10")))
    except (OSError, ValueError):
        pass
    from assistant.service.indexing import add_to_index

    try:
        report, errors = add_to_index(
            args.index_dir, args.paths, upload_ids=args.upload_id,
            stage=lambda name, done, total: _emit({"stage": name, "done": done, "total": total}),
            wait_message=lambda m: _emit({"wait": m}), only_if_missing=args.only_if_missing)
    except Exception as e:
        _emit({"error": str(e), "kind": type(e).__name__})
        return 1
    _emit({"report": dataclasses.asdict(report) if report is not None else None,
           "errors": [dataclasses.asdict(e) for e in errors]})
    return 0


def run_worker(index_dir: str | Path, paths: list[str], upload_ids: list[str] = (),
               stage: Stage | None = None, wait_message: Callable[[str], None] | None = None,
               only_if_missing: bool = False,
               ) -> tuple[BuildReport | None, list[LoadError]]:
    """Run the worker over `paths` and wait for it; what `add_to_index` returns."""
    cmd = [sys.executable, "-m", "assistant.service.worker", "--index-dir", str(index_dir)]
    for i in upload_ids:
        cmd += ["--upload-id", i]
    if only_if_missing:
        cmd.append("--only-if-missing")
    cmd += ["--", *map(str, paths)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL,
                            text=True, encoding="utf-8", errors="replace")
    result: dict | None = None
    for line in proc.stdout:
        if not line.startswith(MARK):
            sys.stdout.write(line)   # something a library printed
            continue
        msg = json.loads(line[len(MARK):])
        if "stage" in msg:
            if stage is not None:
                stage(msg["stage"], msg["done"], msg["total"])
        elif "wait" in msg:
            if wait_message is not None:
                wait_message(msg["wait"])
        else:
            result = msg
    code = proc.wait()
    if result is None:
        raise WorkerError(f"the indexing worker ended with exit code {code} and no result")
    if "error" in result:
        if result.get("kind") == "IndexBusy":
            raise IndexBusy(result["error"])
        if result.get("kind") == "IndexWriteError":   # read-only folder, full disk
            from assistant.service.writeerrors import IndexWriteError

            raise IndexWriteError(result["error"])
        raise WorkerError(f"{result.get('kind')}: {result['error']}")
    report = BuildReport(**result["report"]) if result["report"] is not None else None
    return report, [LoadError(**e) for e in result["errors"]]


if __name__ == "__main__":
    sys.exit(main())
