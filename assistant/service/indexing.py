"""Building and adding to an index from files: what `assistant index`, the UI's uploads and
the indexing worker (assistant/service/worker.py) run, under the index folder's writer lock."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Callable

from assistant.service import journal
from assistant.qa.prompts import data_folder
from assistant.ingest.readers import LoadError, load_paths, settle_ids
from assistant.records import Article
from assistant.index import versions
from assistant.index.docstore import read_articles
from assistant.index.build import BuildReport, Stage, build_index
from assistant.index.store import IndexNotFound, current_version
from assistant.service.writeerrors import check_writable, index_write_error

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_INDEX_DIR = Path("index")


def uploads_dir(index_dir: str | Path) -> Path:
    """Where the UI keeps uploaded files; `assistant index` indexes them again."""
    return Path(index_dir) / "uploads"


def default_seeds() -> Path:
    """`seeds/` in the working folder, else the bundled corpus: shipped in the package
    (`assistant.seeds`), or the top-level `seeds/` of a source checkout."""
    local = Path("seeds")
    return local if local.is_dir() else data_folder("assistant.seeds", REPO_ROOT / "seeds")


def tqdm_progress(desc: str):
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


# The stages of a build, as build_index and load_with_stages report them: (label, unit).
STAGES = {"reading": ("Reading and parsing the files", "files"),
          "parsing": ("Cutting the articles into passages", "articles"),
          "embedding": ("Embedding the new text", "texts"),
          "writing": ("Writing the new index version", "steps")}


def tqdm_stages() -> Stage:
    """A `stage(name, done, total)` callback drawing one tqdm bar per stage on stderr."""
    from tqdm import tqdm

    bars: dict[str, object] = {}

    def update(name: str, done: int, total: int) -> None:
        bar = bars.get(name)
        if bar is None:
            for other in bars.values():
                other.close()
            label, unit = STAGES.get(name, (name, "it"))
            bar = bars[name] = tqdm(total=total, desc=name, unit=unit, file=sys.stderr,
                                    leave=False)
        if bar.total != total:
            bar.total = total
        bar.update(done - bar.n)
        if done >= total:
            bar.close()

    return update


def load_with_stages(paths: list[str], stage: Stage | None = None,
                     follow_links_out: bool = False,
                     on_path: Callable[[str, list[Article]], None] | None = None,
                     ) -> tuple[list[Article], list[LoadError]]:
    """`load_paths`, reporting the "reading" stage file by file (a folder's files are
    listed first: the count is of files, not of the paths given); `on_path(file,
    articles)` sees the articles of each file (to fill metadata by where they came from).
    """
    from assistant.ingest.readers import expand_paths

    stage = stage or (lambda name, done, total: None)
    articles: list[Article] = []
    files, errors = expand_paths(paths, follow_links_out)
    stage("reading", 0, len(files))
    for k, p in enumerate(files):
        a, e = load_paths([p], follow_links_out)
        if on_path is not None:
            on_path(p, a)
        articles += a
        errors += e
        stage("reading", k + 1, len(files))
    return settle_ids(articles), errors


def fill_metadata(articles: list[Article], newspaper: str | None = None,
                  date: str | None = None) -> int:
    """Give the articles without a newspaper (date) the one given. Returns how many
    articles were changed."""
    newspaper = " ".join((newspaper or "").split()) or None
    changed = 0
    for a in articles:
        before = (a.newspaper, a.date)
        if newspaper and not a.newspaper:
            a.newspaper = newspaper
        if date and not a.date:
            a.date = date
        changed += (a.newspaper, a.date) != before
    return changed


# The newspaper and date given with an upload in the UI, for its files that carry none:
# {file name in <index-dir>/uploads: {"newspaper": ..., "date": ...}}. Kept beside the
# uploads (not in the folder, which is read as articles) so a rebuild keeps them.
UPLOAD_METADATA = "uploads-metadata.json"


def _upload_metadata(index_dir: str | Path) -> dict:
    try:
        data = json.loads((Path(index_dir) / UPLOAD_METADATA).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def remember_upload_metadata(index_dir: str | Path, files, newspaper: str | None = None,
                             date: str | None = None) -> None:
    """Record the newspaper and date given for uploaded copies (files in the uploads
    folder) before they are indexed; nothing is recorded when neither is given."""
    newspaper = " ".join((newspaper or "").split()) or None
    if not (newspaper or date):
        return
    data = _upload_metadata(index_dir)
    for f in files:
        data[Path(f).name] = {k: v for k, v in (("newspaper", newspaper), ("date", date)) if v}
    path = Path(index_dir) / UPLOAD_METADATA
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, path)


def metadata_filler(index_dir: str | Path, newspaper: str | None = None,
                    date: str | None = None) -> Callable[[str, list[Article]], None]:
    """The `on_path` of `load_with_stages` for `index_dir`: the articles of an uploaded
    file get the newspaper and date given with its upload (`remember_upload_metadata`),
    the articles of other paths `newspaper` and `date` (`assistant index --newspaper
    --date`); only where the file carries none."""
    data = _upload_metadata(index_dir)
    uploads = os.path.realpath(uploads_dir(index_dir))

    def fill(path: str, articles: list[Article]) -> None:
        real = os.path.realpath(path)
        if real == uploads:           # the folder: its files by name
            for a in articles:
                name = a.source.replace("\\", "/").split("/")[0]
                meta = data.get(name) or next(
                    (m for k, m in data.items() if a.source.startswith(k)), None)
                if isinstance(meta, dict):
                    fill_metadata([a], meta.get("newspaper"), meta.get("date"))
        elif os.path.dirname(real) == uploads:   # one uploaded copy
            meta = data.get(os.path.basename(real))
            if isinstance(meta, dict):
                fill_metadata(articles, meta.get("newspaper"), meta.get("date"))
        else:
            fill_metadata(articles, newspaper, date)

    return fill


def index_paths(paths: list[str], index_dir: str | Path, embed_model: str | None = None,
                progress_bar: bool = True,
                progress: Callable[[int, int], None] | None = None,
                vector_store: str | None = None, stage: Stage | None = None,
                lock_timeout: float | None = None, follow_links_out: bool = False,
                newspaper: str | None = None,
                date: str | None = None,
                uploads_note: Callable[[str], None] | None = None,
                ) -> tuple[BuildReport | None, list[LoadError], list[Article]]:
    """Load articles from paths and build the index; report is None when nothing loaded.

    `newspaper` / `date` (`assistant index --newspaper/--date`): the newspaper and date of
    the articles of `paths` whose files carry none (never of the UI's uploads).

    `vector_store`: a --vector-store value (None: FAISS only). Everything this build
    indexes is read once it holds the folder's writer lock: the files, the upload folder
    and the upload journal. The index it writes replaces the live one, so the files
    uploaded in the UI (`uploads/`, and any upload the journal still holds) are always
    among its inputs, whatever `paths` says: looked at before the lock, an upload that
    arrived while this build waited was removed from the index by it (issue 19: 2 of 4
    tries). `uploads_note(message)` is told when they are added. Pending uploads are then
    marked done.
    """
    if stage is None and progress_bar:
        stage = tqdm_stages()
    from assistant.index import milvus

    target = milvus.parse_vector_store(vector_store)
    if target is not None:
        milvus.check(target, create=True)   # refused before the index folder is made
    uploads = os.path.realpath(uploads_dir(index_dir))
    check_writable(index_dir)   # IndexWriteError now, not after reading and embedding
    with versions.writer_lock(index_dir, what="assistant index", timeout=lock_timeout):
        waiting = journal.pending(index_dir)
        paths = list(paths) + _upload_inputs(paths, uploads, waiting, uploads_note)
        articles, errors = load_with_stages(paths, stage, follow_links_out,
                                            on_path=metadata_filler(index_dir, newspaper, date))
        if not articles:
            return None, errors, []
        try:
            report = build_index(articles, index_dir, embed_model=embed_model,
                                 progress=progress, vector_store=vector_store, stage=stage)
        except OSError as e:   # read-only folder, full disk: the previous version stays
            raise index_write_error(e, index_dir) from None
        journal.mark_done(index_dir, [u.id for u in waiting], how="assistant index")
        journal.compact(index_dir)
    return report, errors, articles


def _upload_inputs(paths, uploads: str, waiting: list, note) -> list[str]:
    """What a full build must read besides `paths`: the upload folder when it holds
    files, and a pending upload's file outside it. Call it holding the writer lock."""
    # realpath, not Path.resolve: a link loop given as a path is named by the reader,
    # not raised here (RuntimeError)
    given = [os.path.realpath(p) for p in paths]
    extra: list[str] = []
    if uploads not in given and os.path.isdir(uploads) and any(os.scandir(uploads)):
        extra.append(uploads)
        if note is not None:
            note(f"also indexing the files uploaded in the UI ({uploads})")
    covered = given + extra
    for u in waiting:
        for f in u.files:
            real = os.path.realpath(f)
            if os.path.isfile(real) and not any(
                    real == c or real.startswith(c.rstrip(os.sep) + os.sep) for c in covered):
                extra.append(str(f))
                covered.append(real)
    return extra


def add_to_index(index_dir: str | Path, paths: list[str], stage: Stage | None = None,
                 progress: Callable[[int, int], None] | None = None,
                 vector_store: str | None = None, upload_ids: list[str] = (),
                 wait_message: Callable[[str], None] | None = None,
                 only_if_missing: bool = False,
                 ) -> tuple[BuildReport | None, list[LoadError]]:
    """Index the files at `paths` together with every article of the live version on disk.

    Everything happens under the writer lock, starting from the version on disk then
    (never from a copy a process loaded earlier), so articles another process added are
    kept. `upload_ids` are marked done in the upload journal once indexed.
    `only_if_missing`: build nothing when every article is indexed already (recovery).
    """
    root = Path(index_dir)
    with versions.writer_lock(root, what=f"indexing {len(paths)} uploaded file(s)",
                              wait_message=wait_message or versions.print_wait_message):
        version = current_version(root)
        if version is None:
            raise IndexNotFound(f"no index in {root} to add to: build one with "
                                f"`assistant index --index-dir {root}`")
        manifest = json.loads((version / "manifest.json").read_text(encoding="utf-8"))
        new, errors = load_with_stages(paths, stage, on_path=metadata_filler(root))
        if not new:
            journal.mark_done(root, upload_ids, how="nothing to index")
            return None, errors
        if only_if_missing:
            have = {a.get("hash") for a in manifest.get("articles", [])}
            if all(a.content_hash() in have for a in new):
                journal.mark_done(root, upload_ids, how="already indexed")
                return None, errors
        # The indexed articles come first, so they keep their ids; a new article that
        # clashes gets a suffix hashed from its content (never a counter), and one
        # already indexed is folded into it.
        combined = settle_ids(read_articles(version / "articles.jsonl") + new)
        # The new version keeps its vectors where the live one does.
        store = vector_store or (manifest.get("vector_store") or {}).get("uri")
        try:
            report = build_index(combined, root, embed_model=manifest["embedder"]["spec"],
                                 progress=progress, vector_store=store, stage=stage)
        except OSError as e:   # read-only folder, full disk: the previous version stays
            raise index_write_error(e, root) from None
        journal.mark_done(root, upload_ids)
    return report, errors
