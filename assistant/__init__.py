"""Question answering over news articles with citations to the exact source passages.

Library use: `assistant.open_index(DIR)` returns the index built by `assistant index`;
its `.as_retriever(similarity_top_k=K)` is a llama-index `BaseRetriever`.
"""
import os

# The bundled embedder and FAISS use OpenMP. With its default busy-waiting, one busy
# core (another process, a second request) makes every query up to 100x slower while
# threads spin for a core; passive waiting costs little when the machine is idle.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

__version__ = "0.1.0"
__all__ = ["open_index", "__version__"]


def open_index(index_dir):
    """The live index in `index_dir` (a `assistant.index.store.NewsIndex`)."""
    from assistant.index.store import open_index as _open

    return _open(index_dir)
