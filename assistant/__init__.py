"""Question answering over news articles with citations to the exact source passages."""
import os

# The bundled embedder and FAISS use OpenMP. With its default busy-waiting, one busy
# core (another process, a second request) makes every query up to 100x slower while
# threads spin for a core; passive waiting costs little when the machine is idle.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

__version__ = "0.1.0"
