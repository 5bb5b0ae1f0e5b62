"""Time to restore a saved conversation of 50 turns (issue 12).

`python -m benchmarks.restore_conversation [--turns 50] [--runs 5] [--out FILE.md]`

The conversation: the questions of tests/seed_dev.jsonl (their first turns), asked in
order and again until there are 50, answered by the real extractive answerer over an
index of the bundled seed page, saved in `<index-dir>/conversations.sqlite3` under the
login "bench". Then a real `assistant serve --auth bench:...` and Chromium (Playwright):

- store: `ConversationStore.load` of the 50 turns with their citations (median of runs);
- open: a click on the conversation in the side panel until the 50 answers are shown;
- reload: a page reload (the conversation is the open one) until the 50 answers are
  shown, which includes loading the page itself.

The machine is shared: the load average at the start and the end is printed; times are
upper bounds when other work ran.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--turns", type=int, default=50)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--out", default=None, help="also write the results as Markdown here")
    args = ap.parse_args(argv)

    from assistant.qa.conversation import Conversation
    from assistant.service.pipeline import Assistant, index_paths
    from assistant.service.conversations import ConversationStore, store_path

    load0 = os.getloadavg()[0]
    work = Path(tempfile.mkdtemp(prefix="bench-restore-"))
    index_dir = work / "index"
    report, errors, _ = index_paths([str(ROOT / "seeds")], index_dir, progress_bar=False)
    assert report is not None and not errors
    questions = [json.loads(line)["turns"][0]
                 for line in (ROOT / "tests" / "seed_dev.jsonl").read_text("utf-8").splitlines()
                 if line.strip()]
    conv = Conversation(Assistant(index_dir).answerer)
    turns = [conv.ask(questions[i % len(questions)]) for i in range(args.turns)]
    store = ConversationStore(store_path(index_dir))
    cid = store.create("user:bench", f"{args.turns} questions")
    for k, t in enumerate(turns):
        store.add_turn("user:bench", cid, k, t)
    loads = []
    for _ in range(max(args.runs, 5)):
        t0 = time.perf_counter()
        saved = store.load("user:bench", cid)
        loads.append(time.perf_counter() - t0)
    assert len(saved.turns) == args.turns
    store.close()
    found = sum(t.found for t in turns)
    cites = sum(len(t.citations) for t in turns)

    port = _port()
    url = f"http://127.0.0.1:{port}/"
    log = open(work / "serve.log", "w")
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False"}
    proc = subprocess.Popen([sys.executable, "-m", "assistant", "serve", "--index-dir",
                             str(index_dir), "--port", str(port), "--auth", "bench:pw-bench"],
                            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env)
    opens, reloads = [], []
    try:
        t0 = time.time()
        while True:
            try:
                with urllib.request.urlopen(url, timeout=2):
                    break
            except OSError:
                if proc.poll() is not None or time.time() - t0 > 120:
                    raise SystemExit("assistant serve did not start: see " + log.name)
                time.sleep(0.3)
        from playwright.sync_api import sync_playwright

        wait = ("n => document.querySelectorAll('#chat .answer.found, "
                "#chat .answer.notfound').length >= n")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=[
                "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking"])
            for _ in range(args.runs):
                context = browser.new_context(viewport={"width": 1400, "height": 950})
                assert context.request.post(url + "login", form={
                    "username": "bench", "password": "pw-bench"}).ok
                page = context.new_page()
                page.goto(url)
                row = page.locator(f'#conversation-list [data-conv-id="{cid}"]')
                row.wait_for(timeout=60000)
                t0 = time.perf_counter()
                row.click()
                page.wait_for_function(wait, arg=args.turns, timeout=120000)
                opens.append(time.perf_counter() - t0)
                page.wait_for_timeout(500)   # the open conversation is remembered
                t0 = time.perf_counter()
                page.reload()
                page.wait_for_function(wait, arg=args.turns, timeout=120000)
                reloads.append(time.perf_counter() - t0)
                context.close()
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()
        shutil.rmtree(work, ignore_errors=True)
    load1 = os.getloadavg()[0]
    med = statistics.median
    lines = [
        "# Restoring a saved conversation",
        "",
        f"Run on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} with "
        f"`python -m benchmarks.restore_conversation --turns {args.turns} --runs {args.runs}`; "
        f"2 CPU cores shared with other work (load average {load0:.2f} at the start, "
        f"{load1:.2f} at the end): times are upper bounds.",
        "",
        f"Conversation: {args.turns} turns (tests/seed_dev.jsonl questions, cycled; {found} "
        f"found, {cites} citations) over the bundled seed page.",
        "",
        "| step | median | min | max |",
        "|---|---|---|---|",
        f"| store: load {args.turns} turns and their citations from SQLite | "
        f"{med(loads) * 1000:.1f} ms | {min(loads) * 1000:.1f} ms | {max(loads) * 1000:.1f} ms |",
        f"| browser: click in the side panel until {args.turns} answers are shown | "
        f"{med(opens):.2f} s | {min(opens):.2f} s | {max(opens):.2f} s |",
        f"| browser: page reload until {args.turns} answers are shown (page load included) | "
        f"{med(reloads):.2f} s | {min(reloads):.2f} s | {max(reloads):.2f} s |",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
