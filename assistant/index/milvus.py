"""Milvus as the dense store, through llama-index's `MilvusVectorStore` (extra `milvus`).

For deployments that outgrow one machine: `--vector-store URI` names a Milvus server or
cluster (`http://HOST:19530`, `https://...`; the token only from $ASSISTANT_MILVUS_TOKEN)
or a milvus-lite file (`milvus:PATH.db` or `PATH.db`; one process at a time).

A build still writes the FAISS copy in the version folder (updates reuse its vectors),
and also writes the chunk vectors to a collection named for the version
(`news_<stamp>`), as the chunks' `TextNode`s with id = chunk id `ARTICLE#k`, in a flat
inner-product index (the vectors are normalised: higher is closer, as in FAISS). The
manifest records `{"vector_store": {"kind": "milvus", "uri": ..., "collection": ...}}`
(never the token); loading opens that collection, at the URI given then if any (a server
that moved). Pruning a version drops its collection.

pymilvus and the llama-index integration are imported only when Milvus is used.
"""
from __future__ import annotations

import json
import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import numpy as np

ENV_STORE = "ASSISTANT_VECTOR_STORE"
ENV_TOKEN = "ASSISTANT_MILVUS_TOKEN"
FORMS = ("faiss (the default: FAISS in the index folder, no server); milvus:PATH.db or "
         "PATH.db (a milvus-lite file); http://HOST:19530 or https://HOST[:PORT] (a Milvus "
         f"server or cluster; token from ${ENV_TOKEN})")
TIMEOUT = 15.0          # seconds to reach a server
_BATCH = 1000           # nodes made and inserted at a time

log = logging.getLogger(__name__)


class VectorStoreError(ValueError):
    """A vector store URI that is malformed, unreachable, or lacks the index's collection."""


@dataclass(frozen=True)
class MilvusTarget:
    uri: str            # an absolute milvus-lite path, or an http(s) server URI
    lite: bool

    @property
    def token(self) -> str:
        return "" if self.lite else os.environ.get(ENV_TOKEN, "")


def parse_vector_store(spec: str | None) -> MilvusTarget | None:
    """The Milvus a `--vector-store` value names; None for the FAISS default."""
    s = (spec or "").strip()
    if s in ("", "faiss"):
        return None
    path = s[len("milvus:"):] if s.startswith("milvus:") else None
    if path is None and s.lower().startswith(("http://", "https://")):
        url = urlparse(s)
        try:
            url.port  # noqa: B018 - raises on a malformed port
        except ValueError:
            url = None
        if url is None or not url.hostname:
            raise VectorStoreError(f"vector store {spec!r}: no host:port in the URI; the "
                                   f"accepted forms are {FORMS}")
        if url.username or url.password or url.query:
            # The URI goes into the manifest: credentials must not.
            raise VectorStoreError(f"vector store URI {url.scheme}://{url.hostname}...: give "
                                   f"the token in ${ENV_TOKEN}, not in the URI")
        return MilvusTarget(s.rstrip("/"), lite=False)
    if path is None and s.endswith(".db") and "://" not in s:
        path = s
    if path is None or not path.endswith(".db") or path == ".db":
        raise VectorStoreError(f"vector store {spec!r} not understood; the accepted forms "
                               f"are {FORMS}")
    return MilvusTarget(os.path.abspath(os.path.expanduser(path)), lite=True)


def collection_name(stamp: str) -> str:
    """`news_<stamp>` within Milvus's rules (letters, digits, `_`; at most 255)."""
    return ("news_" + re.sub(r"[^0-9A-Za-z_]", "_", stamp))[:255]


def manifest_entry(target: MilvusTarget, collection: str) -> dict:
    return {"kind": "milvus", "uri": target.uri, "collection": collection}


# connecting ----------------------------------------------------------------------------
def _modules():
    try:
        from llama_index.vector_stores.milvus import MilvusVectorStore
        from pymilvus import MilvusClient
    except ImportError as e:
        raise VectorStoreError(
            f"the Milvus vector store needs the optional packages ({e.name} is missing): "
            "pip install '.[milvus]'") from None
    # milvus-lite logs a traceback when it cannot open its file; the error is ours to give.
    lite_log = logging.getLogger("milvus_lite")
    if not any(isinstance(h, logging.NullHandler) for h in lite_log.handlers):
        lite_log.addHandler(logging.NullHandler())
    return MilvusVectorStore, MilvusClient


def _where(target: MilvusTarget) -> str:
    return f"the milvus-lite file {target.uri}" if target.lite else f"Milvus at {target.uri}"


def _reason(target: MilvusTarget, e: Exception) -> str:
    if target.lite and _locked(target.uri):
        return ("another process has it open (milvus-lite serves one process at a time; "
                "stop it, or use a Milvus server)")
    msg = getattr(e, "message", None) or str(e) or type(e).__name__
    return " ".join(str(msg).split())


def _locked(path: str) -> bool:
    """Whether another process holds milvus-lite's lock on its data folder."""
    lock = Path(path) / "LOCK"
    if not lock.is_file():
        return False
    try:
        import fcntl
    except ImportError:
        return False
    try:
        fd = os.open(lock, os.O_RDWR)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    except OSError:
        return True
    finally:
        os.close(fd)


def _client(target: MilvusTarget):
    _, MilvusClient = _modules()
    if target.lite:
        try:
            import milvus_lite  # noqa: F401
        except ImportError:
            raise VectorStoreError("a milvus-lite file needs the optional packages (milvus_lite "
                                   "is missing): pip install '.[milvus]'") from None
    try:
        return MilvusClient(uri=target.uri, token=target.token, timeout=TIMEOUT)
    except Exception as e:  # pymilvus and grpc raise many kinds; one line for all
        raise VectorStoreError(f"cannot open {_where(target)}: {_reason(target, e)}") from None


def check(target: MilvusTarget, create: bool = False) -> None:
    """Fail early (before embedding) when the store cannot be reached."""
    if create and target.lite:
        Path(target.uri).parent.mkdir(parents=True, exist_ok=True)
    client = _client(target)
    try:
        client.list_collections()
    except Exception as e:
        raise VectorStoreError(f"cannot use {_where(target)}: {_reason(target, e)}") from None
    finally:
        client.close()


def _vector_store(target: MilvusTarget, collection: str, dim: int | None = None,
                  overwrite: bool = False):
    MilvusVectorStore, _ = _modules()
    return MilvusVectorStore(
        uri=target.uri, token=target.token, collection_name=collection, dim=dim,
        overwrite=overwrite, similarity_metric="IP", index_config={"index_type": "FLAT"},
        output_fields=["doc_id"], use_async_client=False, timeout=TIMEOUT)


# building, loading, dropping -----------------------------------------------------------
def write_collection(target: MilvusTarget, collection: str, docs, vectors: np.ndarray) -> None:
    """Create `collection` (replacing one so named) and insert every chunk of `docs` (a
    DocStore) as its `TextNode` with its vector (`vectors` in row order)."""
    try:
        store = _vector_store(target, collection, dim=int(vectors.shape[1]), overwrite=True)
        for lo in range(0, len(docs), _BATCH):
            rows = range(lo, min(lo + _BATCH, len(docs)))
            store.add([docs.node(r).model_copy(update={"embedding": vectors[r].tolist()})
                       for r in rows])
        store.client.flush(collection)
        store.client.close()
    except VectorStoreError:
        raise
    except Exception as e:  # the caller drops the half-written collection
        raise VectorStoreError(f"cannot write collection {collection} to {_where(target)}: "
                               f"{_reason(target, e)}") from None


def open_dense(folder: Path, entry: dict | None, override: str | None, docs):
    """The `DenseStore` of a version whose manifest has `entry` (None: FAISS only).

    `override` (a --vector-store value) replaces the recorded URI; `faiss` reads the
    FAISS copy every version keeps.
    """
    from assistant.index.dense import DenseStore, load_faiss

    target = parse_vector_store(override) if override else None
    if override and target is None:
        return load_faiss(folder)
    root = folder.parent
    if not entry or entry.get("kind") != "milvus":
        raise VectorStoreError(
            f"the index in {root} keeps its vectors in FAISS, not Milvus: rebuild it with "
            f"`assistant index --index-dir {root} --vector-store {override}`, or leave "
            f"--vector-store (${ENV_STORE}) out")
    target = target or parse_vector_store(entry["uri"])
    name = entry["collection"]
    client = _client(target)
    try:
        present = name in client.list_collections()
        if present and not _loaded(client, name):
            client.load_collection(name)  # milvus-lite releases collections between processes
    except Exception as e:
        raise VectorStoreError(f"cannot use {_where(target)}: {_reason(target, e)}") from None
    finally:
        client.close()
    if not present:
        raise VectorStoreError(f"{_where(target)} has no collection {name} (the index in "
                               f"{root}): rebuild it with `assistant index --index-dir {root} "
                               f"--vector-store URI`")
    try:
        store = _vector_store(target, name)
    except Exception as e:
        raise VectorStoreError(f"cannot open collection {name} on {_where(target)}: "
                               f"{_reason(target, e)}") from None
    dense = DenseStore(store, row_of=docs.row_of, size=len(docs),
                       article_of=docs.chunk_article_id)
    dense.query = _one_line_errors(dense.query, f"search in collection {name} on "
                                   f"{_where(target)} failed", target)
    return dense


def _one_line_errors(query, what: str, target: MilvusTarget):
    """`query` raising VectorStoreError (one line for the CLI) when Milvus fails."""
    def wrapped(qvec, k, allowed=None):
        try:
            return query(qvec, k, allowed)
        except Exception as e:
            raise VectorStoreError(f"{what}: {_reason(target, e)}") from None

    return wrapped


def _loaded(client, name: str) -> bool:
    from pymilvus.client.types import LoadState

    return client.get_load_state(name).get("state") == LoadState.Loaded


def drop_quietly(target: MilvusTarget, collection: str) -> bool:
    """Drop `collection` if it is there; False (and a warning) when that fails."""
    try:
        client = _client(target)
        try:
            if collection in client.list_collections():
                client.drop_collection(collection)
        finally:
            client.close()
        return True
    except Exception as e:
        log.warning("assistant: could not drop Milvus collection %s on %s: %s", collection,
                    target.uri, e)
        return False


def drop_version(folder: Path, target: MilvusTarget | None = None) -> None:
    """Drop the collection a version folder's manifest names (before it is removed).

    Tried on the recorded URI and on `target`, the store of the build that prunes (where
    the collection is when the server moved). Versions without Milvus are left alone.
    """
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        entry = manifest.get("vector_store") or {}
    except (OSError, ValueError, AttributeError):
        return
    if entry.get("kind") != "milvus":
        return
    targets = [t for t in (target,) if t is not None]
    try:
        recorded = parse_vector_store(entry.get("uri"))
        if recorded is not None and recorded not in targets:
            targets.append(recorded)
    except VectorStoreError:
        pass
    for t in targets:
        drop_quietly(t, entry["collection"])
