"""One place that wires the stages together for the CLI, the UI and the evaluation."""
from __future__ import annotations

import os
import sys
import threading
from pathlib import Path
from typing import Callable

from assistant.answering.extractive import ExtractiveAnswerer
from assistant.ingest.readers import LoadError, load_paths, settle_ids
from assistant.answering.conversation import Conversation
from assistant.answering.prompts import data_folder
from assistant.retrieval.milvus import ENV_STORE
from assistant.retrieval.store import BuildReport, NewsIndex, IndexNotFound, build_index, current_version
from assistant.records import Article

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INDEX_DIR = Path("index")


def uploads_dir(index_dir: str | Path) -> Path:
    """Where the UI keeps uploaded files; `assistant index` indexes them again."""
    return Path(index_dir) / "uploads"


def default_seeds() -> Path:
    """`seeds/` in the working folder, else the bundled corpus: shipped in the package
    (`assistant.seeds`), or the top-level `seeds/` of a source checkout."""
    local = Path("seeds")
    return local if local.is_dir() else data_folder("assistant.seeds", REPO_ROOT / "seeds")


def _tqdm_progress(desc: str):
    from tqdm import tqdm

    bar = None

    def update(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = tqdm(total=total, desc=desc, unit="text", file=sys.stderr, leave=False)
        bar.update(done - bar.n)
        if done >= total:
            bar.close()

    return update


def index_paths(paths: list[str], index_dir: str | Path, embed_model: str | None = None,
                progress_bar: bool = True,
                progress: Callable[[int, int], None] | None = None,
                vector_store: str | None = None,
                ) -> tuple[BuildReport | None, list[LoadError], list[Article]]:
    """Load articles from paths and build the index; report is None when nothing loaded.

    `vector_store`: a --vector-store value (None: FAISS only)."""
    articles, errors = load_paths(paths)
    if not articles:
        return None, errors, []
    if progress is None and progress_bar:
        progress = _tqdm_progress("embedding")
    report = build_index(articles, index_dir, embed_model=embed_model, progress=progress,
                         vector_store=vector_store)
    return report, errors, articles


class Assistant:
    """A loaded index and its answerer; `reload` swaps in a rebuilt index atomically."""

    def __init__(self, index_dir: str | Path, embed_model: str | None = None, llm=None,
                 vector_store: str | None = None):
        self.index_dir = Path(index_dir)
        self.embed_model = embed_model
        self.llm = llm
        self.vector_store = vector_store      # where the index's Milvus is, if not as built
        self._lock = threading.Lock()         # guards the index/answerer swap
        self._build_lock = threading.Lock()   # one rebuild at a time, or one loses the other's articles
        self.index = NewsIndex.load(self.index_dir, embed_model, vector_store)
        self.answerer = ExtractiveAnswerer(self.index)

    def conversation(self) -> Conversation:
        if self.llm is not None:
            from assistant.answering.generative import LLMAnswerer

            return Conversation(LLMAnswerer(self.answerer, self.llm))
        return Conversation(self.answerer)

    def reload(self) -> None:
        index = NewsIndex.load(self.index_dir, vector_store=self.vector_store)
        with self._lock:
            self.index = index
            self.answerer = ExtractiveAnswerer(index)

    def add_paths(self, paths: list[str],
                  progress: Callable[[int, int], None] | None = None,
                  ) -> tuple[BuildReport | None, list[LoadError]]:
        """Index new files together with every article already indexed."""
        new, errors = load_paths(paths)
        if not new:
            return None, errors
        with self._build_lock:
            # Copies: merging a duplicate adds to an article's other sources, and the
            # live index must not change under a question being answered.
            current = [Article.from_dict(a.to_dict()) for a in self.index.articles.values()]
            # The indexed articles come first, so they keep their ids; a new article
            # that clashes gets a suffix hashed from its content (never a counter), and
            # one already indexed is folded into it.
            combined = settle_ids(current + new)
            # The new version keeps its vectors where the live one does.
            store = self.vector_store or (self.index.manifest.get("vector_store") or {}).get("uri")
            report = build_index(combined, self.index_dir,
                                 embed_model=self.index.embedder_spec, progress=progress,
                                 vector_store=store)
            self.reload()
        return report, errors


def open_assistant(index_dir: str | Path, embed_model: str | None = None, llm=None,
                   build_message: Callable[[str], None] | None = None,
                   vector_store: str | None = None) -> Assistant:
    """Load the index, building it from the bundled seeds first when there is none.

    `vector_store` (default: $ASSISTANT_VECTOR_STORE) is a --vector-store value.
    """
    vector_store = vector_store or os.environ.get(ENV_STORE) or None
    if current_version(Path(index_dir)) is None:
        seeds = default_seeds()
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
