"""The assistant the CLI, the UI and the evaluation ask: a loaded index and its answerer,
reloaded when another process writes a new version. Building is assistant/service/indexing.py."""
from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path
from typing import Callable

from assistant.index.calibration import of_index
from assistant.qa.extractive import ExtractiveAnswerer  # noqa: F401  (re-exported)
from assistant.qa.extractive import answerer_for
from assistant.qa.verify import thresholds_for
from assistant.ingest.readers import LoadError
from assistant.qa.conversation import Conversation
from assistant.index.milvus import ENV_STORE
from assistant.service import journal
from assistant.index import versions
from assistant.index.build import BuildReport, Stage
from assistant.index.store import NewsIndex, IndexNotFound, current_version
from assistant.service.writeerrors import IndexWriteError, index_write_error
# The build side lives in assistant/service/indexing.py; its names stay importable from here.
from assistant.service.indexing import (DEFAULT_INDEX_DIR, REPO_ROOT, STAGES, UPLOAD_METADATA,  # noqa: F401
                                add_to_index, default_seeds, fill_metadata,
                                index_paths, load_with_stages, metadata_filler,
                                remember_upload_metadata, tqdm_stages, uploads_dir)

__all__ = ["IndexWriteError"]

# How often (seconds) the server looks whether another process wrote a newer version.
VERSION_CHECK_INTERVAL = 0.5
ENV_WORKER = "ASSISTANT_INDEX_WORKER"   # "0": index uploads in the server process itself


class Assistant:
    """A loaded index and its answerer; `reload` swaps in a rebuilt index atomically.

    Reading `index` notices (at most every VERSION_CHECK_INTERVAL s) when CURRENT names
    another version than the loaded one (another process built it) and loads that in
    a background thread; questions are answered from the loaded version meanwhile.
    """

    def __init__(self, index_dir: str | Path, embed_model: str | None = None, llm=None,
                 vector_store: str | None = None):
        self.index_dir = Path(index_dir)
        self.embed_model = embed_model
        self.llm = llm
        self.vector_store = vector_store      # where the index's Milvus is, if not as built
        self._lock = threading.Lock()         # guards the index/answerer swap
        self._reload_lock = threading.Lock()  # one load at a time
        self._reloading = False
        self._checked = time.monotonic()
        self._index = NewsIndex.load(self.index_dir, embed_model, vector_store)
        self.answerer = answerer_for(self._index)

    @property
    def index(self) -> NewsIndex:
        self._check_version()
        return self._index

    def _check_version(self) -> None:
        now = time.monotonic()
        if now - self._checked < VERSION_CHECK_INTERVAL or self._reloading:
            return
        self._checked = now
        name = versions.current_name(self.index_dir)
        if name is None or name == getattr(self._index, "version", name):
            return
        self._reloading = True

        def load() -> None:
            try:
                self.reload()
            except Exception as e:   # keep answering from the loaded version
                print(f"assistant: could not load the new index version {name}: {e}",
                      file=sys.stderr, flush=True)
            finally:
                self._reloading = False

        threading.Thread(target=load, name="index-reload", daemon=True).start()

    def conversation(self) -> Conversation:
        self._check_version()
        if self.llm is not None:
            from assistant.qa.generative import LLMAnswerer

            return Conversation(LLMAnswerer(self.answerer, self.llm,
                                            thresholds=thresholds_for(of_index(self._index))))
        return Conversation(self.answerer)

    def reload(self) -> None:
        """Load the live version (if not loaded already) and switch to it; the old
        version's hold is released, so a later build (or this) can remove it."""
        with self._reload_lock:
            if versions.current_name(self.index_dir) == getattr(self._index, "version", None):
                return
            index = NewsIndex.load(self.index_dir, vector_store=self.vector_store)
            with self._lock:
                old = self._index
                self._index = index
                self.answerer = answerer_for(index)
            hold = getattr(old, "hold", None)
            if hold is not None:
                hold.release()   # questions still on it read memory and mmaps, not paths
        # The version left is removed now if nobody else reads it (with its Milvus
        # collection: as before, a question still on it may then fail once).
        from assistant.index import milvus

        store = milvus.parse_vector_store(self.vector_store) if self.vector_store else None
        versions.prune_when_free(self.index_dir, drop=lambda p: milvus.drop_version(p, store))

    def add_paths(self, paths: list[str],
                  progress: Callable[[int, int], None] | None = None,
                  stage: Stage | None = None,
                  ) -> tuple[BuildReport | None, list[LoadError]]:
        """Index new files together with every article already indexed (in this process)."""
        report, errors = add_to_index(self.index_dir, paths, stage=stage, progress=progress,
                                      vector_store=self.vector_store)
        if report is not None:
            self.reload()
        return report, errors

    def _use_worker(self) -> bool:
        if os.environ.get(ENV_WORKER, "1") == "0":
            return False
        # milvus-lite opens its file from one process at a time: build in this one
        return not self.vector_store and not self._index.manifest.get("vector_store")

    def add_uploads(self, paths: list[str], stage: Stage | None = None,
                    wait_message: Callable[[str], None] | None = None,
                    ) -> tuple[BuildReport | None, list[LoadError]]:
        """Record uploaded copies durably, then index them with every indexed article.

        The build runs in a worker process (assistant.service.worker, at a lower CPU priority):
        questions keep being answered from the loaded version, without waiting for
        the embedder, until the new version is loaded.
        """
        try:
            upload_id = journal.record_upload(self.index_dir, paths)
        except OSError as e:   # read-only folder, full disk
            raise index_write_error(e, self.index_dir) from None
        try:
            if self._use_worker():
                from assistant.service.worker import run_worker

                report, errors = run_worker(self.index_dir, paths, upload_ids=[upload_id],
                                            stage=stage, wait_message=wait_message)
            else:
                report, errors = add_to_index(self.index_dir, paths, stage=stage,
                                              upload_ids=[upload_id],
                                              vector_store=self.vector_store,
                                              wait_message=wait_message)
        except BaseException:
            journal.mark_done(self.index_dir, [upload_id], how="failed")
            raise
        self.reload()
        return report, errors

    def complete_pending_uploads(self) -> BuildReport | None:
        """Index the recorded uploads a crash left out of the index (server start)."""
        waiting = journal.pending(self.index_dir)
        if not waiting:
            journal.compact(self.index_dir)
            return None
        ids = [u.id for u in waiting]
        files = [str(f) for u in waiting for f in u.files if f.is_file()]
        print(f"assistant: indexing {len(files)} uploaded file(s) that a restart left out "
              f"of the index", file=sys.stderr, flush=True)
        if not files:
            journal.mark_done(self.index_dir, ids, how="files gone")
            return None
        if self._use_worker():
            from assistant.service.worker import run_worker

            report, _ = run_worker(self.index_dir, files, upload_ids=ids, only_if_missing=True)
        else:
            report, _ = add_to_index(self.index_dir, files, upload_ids=ids,
                                     vector_store=self.vector_store, only_if_missing=True)
        self.reload()
        journal.compact(self.index_dir)
        return report


def open_assistant(index_dir: str | Path, embed_model: str | None = None, llm=None,
                   build_message: Callable[[str], None] | None = None,
                   vector_store: str | None = None) -> Assistant:
    """Load the index, building it from the bundled seeds first when there is none.

    `vector_store` (default: $ASSISTANT_VECTOR_STORE) is a --vector-store value.
    """
    vector_store = vector_store or os.environ.get(ENV_STORE) or None
    if current_version(Path(index_dir)) is None:
        seeds = default_seeds()
        # A build of this folder may be under way (`assistant index` holds the writer
        # lock and has not written CURRENT yet): wait for it and use what it made. Building
        # the seeds then would replace that index with the seed page's.
        with versions.writer_lock(index_dir, what="building the index from the bundled seeds"):
            if current_version(Path(index_dir)) is None:
                if build_message:
                    build_message(f"no index in {index_dir}: building it from {seeds} first")
                report, errors, _ = index_paths([str(seeds)], index_dir, embed_model,
                                                vector_store=vector_store)
                for e in errors:
                    if build_message:
                        build_message(f"skipped {e}")
                if report is None:
                    raise IndexNotFound(f"no index in {index_dir} and nothing to index in {seeds}")
    return Assistant(index_dir, embed_model, llm, vector_store)
