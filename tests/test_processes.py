"""Several processes over one index folder: nothing lost, readers keep their version.

Real processes (`python -m assistant ...`), a real server on 127.0.0.1 driven through
gradio_client, small corpora made here (the embedder does ~8 passages/s).
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import free_port as _free_port

from assistant.service.journal import pending
from assistant.index.store import open_index
from assistant.index.versions import current_name, writer_lock

ROOT = Path(__file__).resolve().parent.parent

# One short article per file: (file name, title, body, question, what the answer holds)
FIRST = ("a.txt", "甲市成立外卖骑手工会", "甲市外卖骑手工会昨天成立，首批会员238人，会长是骑手王立新。",
         "甲市外卖骑手工会首批会员有多少人？", "238")
CLI = ("b.txt", "乙县举办职工篮球赛", "乙县职工篮球赛共有16支队伍参赛，冠军是乙县供电公司代表队。",
       "乙县职工篮球赛有多少支队伍参赛？", "16支")
UPLOAD = ("c.txt", "丙区快递员工会开展关爱行动", "丙区快递员工会为快递员送去防暑用品，共惠及快递员415人。",
          "丙区快递员工会的关爱行动惠及多少名快递员？", "415")


def _write(folder: Path, item) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / item[0]
    path.write_text(f"{item[1]}\n\n{item[2]}\n", encoding="utf-8")
    return path


def _run(*args, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "assistant", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=600, **kw)


def _headings(index_dir: Path) -> set[str]:
    index = open_index(index_dir)
    try:
        return {a.heading for a in index.articles.values()}
    finally:
        index.hold.release()





class Server:
    """`assistant serve` in its own process group (a kill -9 takes its worker too)."""

    def __init__(self, index_dir: Path, log: Path):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log = open(log, "a+", encoding="utf-8")
        env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False"}
        env.pop("ASSISTANT_AUTH", None)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "assistant", "serve", "--index-dir", str(index_dir),
             "--port", str(self.port)], cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT,
            env=env, start_new_session=True)
        t0 = time.time()
        while True:
            if self.proc.poll() is not None:
                pytest.fail(f"assistant serve exited with {self.proc.returncode}:\n{self.text()}")
            try:
                with urllib.request.urlopen(self.url, timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.time() - t0 > 120:
                self.stop()
                pytest.fail(f"assistant serve did not answer within 120s:\n{self.text()}")
            time.sleep(0.25)
        from gradio_client import Client

        self.client = Client(self.url, verbose=False)

    def text(self) -> str:
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def ask(self, question: str) -> dict:
        return self.client.predict(question, api_name="/ask")

    def answers(self, question: str, expected: str, within: float = 60.0) -> dict:
        """Ask until the answer holds `expected` (the server switches between questions)."""
        t0 = time.time()
        while True:
            turn = self.ask(question)
            if expected in turn.get("answer", ""):
                return turn
            if time.time() - t0 > within:
                pytest.fail(f"{question!r} not answered with {expected!r} within {within}s: "
                            f"{turn}\n{self.text()}")
            time.sleep(0.5)

    def kill9(self) -> None:
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        self.log.close()

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()


@pytest.fixture
def first_index(tmp_path) -> tuple[Path, Path]:
    """(index folder holding FIRST, the folder of its source file)."""
    from assistant.service.pipeline import index_paths

    corpus = tmp_path / "corpus"
    _write(corpus, FIRST)
    index_dir = tmp_path / "index"
    report, errors, _ = index_paths([str(corpus)], index_dir, progress_bar=False)
    assert report is not None and not errors
    return index_dir, corpus


def test_cli_index_while_serving_then_upload_keeps_every_article(first_index, tmp_path):
    from gradio_client import handle_file

    index_dir, corpus = first_index
    server = Server(index_dir, tmp_path / "serve.log")
    try:
        assert "238" in server.ask(FIRST[3])["answer"]
        # the CLI adds an article while the server is up
        _write(corpus, CLI)
        r = _run("index", "-q", "--index-dir", str(index_dir), str(corpus))
        assert r.returncode == 0, r.stderr
        assert "1 new" in r.stdout
        # the server notices the version the CLI wrote and answers from it
        server.answers(CLI[3], CLI[4])
        # then an upload through the UI's endpoint
        upload = _write(tmp_path / "to-upload", UPLOAD)
        report, _table, _ = server.client.predict([handle_file(str(upload))], "",
                                                  api_name="/upload")
        assert "1 new article" in report, report
        on_disk = _headings(index_dir)
        assert {FIRST[1], CLI[1], UPLOAD[1]} <= on_disk, on_disk
        for item in (FIRST, CLI, UPLOAD):
            server.answers(item[3], item[4], within=30)
        assert pending(index_dir) == []
    finally:
        server.stop()


def test_upload_recorded_then_server_killed_is_indexed_at_restart(first_index, tmp_path):
    from gradio_client import handle_file

    index_dir, _ = first_index
    server = Server(index_dir, tmp_path / "serve.log")
    upload = _write(tmp_path / "to-upload", UPLOAD)
    try:
        # Hold the writer lock here, so the upload is recorded but cannot be indexed yet.
        with writer_lock(index_dir, what="the test", wait_message=None):
            server.client.submit([handle_file(str(upload))], "", api_name="/upload")
            t0 = time.time()
            while not pending(index_dir):
                assert time.time() - t0 < 60, f"the upload was never recorded:\n{server.text()}"
                time.sleep(0.1)
            server.kill9()   # the server and its indexing worker
        assert UPLOAD[1] not in _headings(index_dir)
        copies = list((index_dir / "uploads").iterdir())
        assert [p.name for p in copies] == ["c.txt"]
    finally:
        if server.proc.poll() is None:
            server.stop()
    server = Server(index_dir, tmp_path / "serve2.log")
    try:
        server.answers(UPLOAD[3], UPLOAD[4], within=120)
        assert {FIRST[1], UPLOAD[1]} <= _headings(index_dir)
        assert pending(index_dir) == []
    finally:
        server.stop()


def test_prune_never_removes_a_version_a_reader_holds(first_index, tmp_path):
    index_dir, corpus = first_index
    reader = open_index(index_dir)          # this process reads the first version
    held = reader.hold.folder
    _write(corpus, CLI)
    for _ in range(2):                      # two builds by another process
        r = _run("index", "-q", "--index-dir", str(index_dir), str(corpus))
        assert r.returncode == 0, r.stderr
        corpus.joinpath(CLI[0]).write_text(f"{CLI[1]}\n\n{CLI[2]}再次更新。\n", encoding="utf-8")
    assert current_name(index_dir) != held.name
    assert held.is_dir() and (held / "manifest.json").is_file()
    # the reader still answers from what it opened
    hits = reader.search(FIRST[3], k=3)
    assert reader.chunks[hits[0].chunk] is not None
    assert {a.heading for a in reader.articles.values()} == {FIRST[1]}
    reader.hold.release()
    r = _run("index", "-q", "--index-dir", str(index_dir), str(corpus))
    assert r.returncode == 0, r.stderr
    assert not held.exists()                # released: the next build removes it
    versions = [p.name for p in index_dir.iterdir() if p.name.startswith("v-")]
    assert versions == [current_name(index_dir)]


def test_a_writer_that_waits_says_for_whom_and_gives_up_in_one_line(first_index):
    index_dir, corpus = first_index
    before = current_name(index_dir)
    with writer_lock(index_dir, what="the test", wait_message=None):
        r = _run("index", "-q", "--lock-timeout", "1", "--index-dir", str(index_dir), str(corpus))
    assert r.returncode == 75
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 2, r.stderr               # one line waiting, one giving up
    assert f"pid {os.getpid()} (the test" in lines[0] and "waiting" in lines[0]
    assert "after 1 s" in lines[1] and "--lock-timeout" in lines[1]
    assert current_name(index_dir) == before


def test_opening_a_folder_another_process_is_building_uses_its_index_not_the_seeds(
        first_index, tmp_path):
    """`assistant eval/ask/serve` on a folder `assistant index` is still building (lock
    held, no CURRENT yet) waits for that build and loads it; it used to build the bundled
    seed page into the folder once the lock was free, replacing the index just made."""
    import shutil

    from assistant.service.pipeline import open_assistant

    built, _ = first_index
    target = tmp_path / "being-built"
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import shutil, sys, time\n"
         "from pathlib import Path\n"
         "from assistant.index.versions import writer_lock\n"
         "src, dst = Path(sys.argv[1]), Path(sys.argv[2])\n"
         "with writer_lock(dst, what='a test build'):\n"
         "    print('held', flush=True)\n"
         "    time.sleep(2)\n"
         "    for p in src.iterdir():\n"
         "        if p.is_dir():\n"
         "            shutil.copytree(p, dst / p.name)\n"
         "        elif p.name != 'LOCK':\n"
         "            shutil.copy2(p, dst / p.name)\n",
         str(built), str(target)],
        cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        told = []
        assistant = open_assistant(target, build_message=told.append)
        titles = [a.heading for a in assistant.index.articles.values()]
        assert titles == [FIRST[1]], titles        # the other build's index, not the seeds
        assert told == []                          # and no "building it from seeds" line
    finally:
        holder.wait(timeout=60)
    shutil.rmtree(target, ignore_errors=True)


JOURNAL_WRITER = """
import sys
from pathlib import Path
from assistant.service import journal
from assistant.service.conversations import ConversationStore, store_path
index_dir = Path(sys.argv[1])
copy = index_dir / "uploads" / "c.txt"
store = ConversationStore(store_path(index_dir))   # a UI saving conversations meanwhile
k = 0
while True:
    upload_id = journal.record_upload(index_dir, [copy])
    print("recorded", upload_id, flush=True)       # acknowledged
    store.create("browser:test", f"question {k}")
    if k % 2:
        journal.mark_done(index_dir, [upload_id])
        print("done", upload_id, flush=True)
    if k % 5 == 4:
        journal.compact(index_dir)
    k += 1
"""


def test_journal_killed_mid_write_keeps_every_acknowledged_upload(tmp_path):
    """kill -9 of a process writing the upload journal (SQLite) at random moments: every
    upload it acknowledged is pending, every one it marked done is not, at most the one
    write in flight is there unacknowledged, and the file is whole and writable."""
    import random
    import sqlite3

    from assistant.service import journal
    from assistant.service.conversations import store_path

    rng = random.Random(5)
    for trial in range(4):
        index_dir = tmp_path / f"index-{trial}"
        (index_dir / "uploads").mkdir(parents=True)
        (index_dir / "uploads" / "c.txt").write_text("丙区快递员工会\n", encoding="utf-8")
        proc = subprocess.Popen([sys.executable, "-c", JOURNAL_WRITER, str(index_dir)],
                                cwd=ROOT, stdout=subprocess.PIPE, text=True)
        wanted = rng.randint(3, 12)
        acknowledged = 0
        lines = []
        while acknowledged < wanted:
            line = proc.stdout.readline()
            assert line, f"the writer ended: {proc.wait()}"
            lines.append(line.split())
            acknowledged += 1
        time.sleep(rng.uniform(0.0, 0.03))
        os.kill(proc.pid, signal.SIGKILL)
        assert proc.wait() == -signal.SIGKILL
        lines += [ln.split() for ln in proc.stdout.read().splitlines()]
        recorded = [i for op, i in lines if op == "recorded"]
        done = {i for op, i in lines if op == "done"}
        waiting = {u.id for u in journal.pending(index_dir)}
        # acknowledged and not marked done: pending, but for the last one if its
        # mark_done was committed and not yet printed
        assert set(recorded) - done - waiting <= {recorded[-1]}, (trial, lines)
        assert not done & waiting, (trial, lines)
        assert len(waiting - set(recorded)) <= 1, (trial, lines)   # committed, not printed
        db = sqlite3.connect(store_path(index_dir))
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        db.close()
        upload_id = journal.record_upload(index_dir, [index_dir / "uploads" / "c.txt"])
        assert upload_id in {u.id for u in journal.pending(index_dir)}


def test_an_earlier_versions_json_lines_journal_is_read_then_moved_into_sqlite(tmp_path):
    from assistant.service import journal

    index_dir = tmp_path / "index"
    (index_dir / "uploads").mkdir(parents=True)
    lines = [{"op": "upload", "id": "a1", "files": ["uploads/a.txt"], "at": 1.0},
             {"op": "upload", "id": "b2", "files": ["uploads/b.txt"], "at": 2.0},
             {"op": "done", "id": "b2", "how": "indexed"},
             {"op": "upload", "id": "c3", "files": ["uploads/c.txt"], "at": 3.0}]
    old = index_dir / "uploads.journal"
    old.write_text("".join(json.dumps(r) + "\n" for r in lines) + '{"op": "upl',
                   encoding="utf-8")   # a last line cut by a crash
    expected = [("a1", [index_dir.resolve() / "uploads" / "a.txt"]),
                ("c3", [index_dir.resolve() / "uploads" / "c.txt"])]
    assert [(u.id, u.files) for u in journal.pending(index_dir)] == expected
    journal.mark_done(index_dir, ["a1"])                 # the first write moves it
    assert not old.exists()
    assert [(u.id, u.files) for u in journal.pending(index_dir)] == expected[1:]


def test_indexing_worker_killed_mid_build_server_answers_reports_and_indexes_again(
        first_index, tmp_path):
    """kill -9 of the server's indexing worker once it holds the writer lock (reading the
    upload, loading the embedder, embedding): the server keeps answering from its
    version, the upload is reported as failed (not left pending), the index and its lock
    are as before, and the same file uploaded again is indexed by a new worker."""
    from gradio_client import handle_file

    index_dir, corpus = first_index
    lock = index_dir / "LOCK"
    server = Server(index_dir, tmp_path / "serve.log")
    upload = _write(tmp_path / "to-upload", UPLOAD)
    try:
        job = server.client.submit([handle_file(str(upload))], "", api_name="/upload")
        worker = None
        t0 = time.time()
        while worker is None:
            assert time.time() - t0 < 120, f"no worker took the lock:\n{server.text()}"
            try:
                pid = json.loads(lock.read_text(encoding="utf-8"))["pid"]
            except (OSError, ValueError, KeyError):
                pid = None
            if pid not in (None, server.proc.pid, os.getpid()) and Path(f"/proc/{pid}").exists():
                worker = pid
            time.sleep(0.05)
        time.sleep(0.3)
        os.kill(worker, signal.SIGKILL)
        report = job.result(timeout=120)[0]
        assert "indexing failed" in report and "c.txt" in report, report
        assert UPLOAD[1] not in _headings(index_dir), "the build ended before the kill"
        assert pending(index_dir) == []
        assert "238" in server.ask(FIRST[3])["answer"]
        r = _run("index", "-q", "--lock-timeout", "5", "--index-dir", str(index_dir),
                 str(corpus))
        assert r.returncode == 0, r.stderr        # the lock died with the worker
        report, _table, _ = server.client.predict([handle_file(str(upload))], "",
                                                  api_name="/upload")
        assert "1 new article" in report, report
        server.answers(UPLOAD[3], UPLOAD[4], within=60)
        assert pending(index_dir) == []
    finally:
        server.stop()
