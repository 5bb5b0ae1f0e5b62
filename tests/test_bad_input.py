"""Bad input as a hostile user or a messy archive gives it: every bad item named, nothing
else lost, bounded work (issue 11, items 2 and 3).

The corpus is made here: 30 bad items (broken, empty, binary, wrongly named, undecodable,
over a limit, links, FIFOs, hidden files …) mixed with good files in several encodings.
A few short good articles keep the embedding small; the limits that a huge input would
hit are lowered through `--limit` so the test also checks they are configurable.
"""
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

HEADLINES = {   # file -> heading its article must have in the index
    "good/a.txt": "椒江区总工会开展职工技能竞赛",
    "good/b.md": "东阳物业工会召开协商会",
    "good/c_gbk.txt": "丙区成立快递员工会",
    "good/d_utf16.txt": "乙县举办劳模工匠宣讲",
    "good/e_bom.txt": "丁镇开展夏送清凉活动",
    "sjis.txt": "東京都が新しい支援策を発表",
    "big5.txt": "臺北市勞工局舉辦職訓說明會",
}
BODY = "{t}。当天共有{n}名职工参加，活动由工会主办。参加者表示收获很大。"


def _page(title: str, n: int) -> str:
    return f"{title}\n\n" + BODY.format(t=title, n=n) + "\n"


def _zip(entries: dict[str, bytes]) -> bytes:
    import io

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return buf.getvalue()


def make_corpus(root: Path) -> dict[str, str]:
    """Write the corpus; returns {name that must appear in the output: what it is}."""
    good = root / "good"
    good.mkdir(parents=True)
    (good / "a.txt").write_text(_page(HEADLINES["good/a.txt"], 120), encoding="utf-8")
    (good / "b.md").write_text("---\ntitle: 东阳物业工会召开协商会\ndate: 2024-10-08\n---\n"
                               + BODY.format(t="东阳物业工会召开协商会", n=37), encoding="utf-8")
    (good / "c_gbk.txt").write_bytes(_page(HEADLINES["good/c_gbk.txt"], 56).encode("gbk"))
    (good / "d_utf16.txt").write_bytes(_page(HEADLINES["good/d_utf16.txt"], 80).encode("utf-16"))
    (good / "e_bom.txt").write_bytes(b"\xef\xbb\xbf" + _page(HEADLINES["good/e_bom.txt"], 45).encode())
    bad: dict[str, str] = {}

    def put(name: str, data: bytes, what: str, shown: str | None = None) -> None:
        (root / name).write_bytes(data)
        bad[shown or name] = what

    put("empty.txt", b"", "0-byte file")
    put("blank.txt", b"  \n\t\n", "whitespace only")
    put("binary.txt", os.urandom(3000) + b"\x00" * 10, "binary junk")
    put("junk.exe", b"MZ\x90\x00" + os.urandom(500), "unsupported type")
    put("picture.txt", b"\x89PNG\r\n\x1a\n" + os.urandom(2000), "an image with a .txt suffix")
    put("report.pdf", "这不是PDF文件".encode(), "text named .pdf")
    put("letter.docx", b"plain text, not a Word document", "text named .docx")
    put("old.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "an old Office file")
    put("broken.zip", b"PK\x03\x04 broken", "broken zip")
    put("punctuation.txt", "。，！？……——《》、；：\n!!!???...\n".encode(), "no letters")
    put("digits.md", b"2024 10 08\n\n123 456 789\n", "no letters, digits only")
    put("nested.zip", _zip({"l1.zip": _zip({"l2.zip": _zip({"deep.txt": _page("深层", 1).encode()})})}),
        "zip in a zip in a zip")
    # Zip bomb-ish: 120 MB of zeros deflate to about 120 KB (ratio ~1000:1).
    put("bomb.zip", _zip({"zeros.txt": b"0" * (120 * 1024 * 1024)}), "zip bomb")
    put("sjis.txt", _page(HEADLINES["sjis.txt"], 30).replace("名职工", "人").replace(
        "活动由工会主办", "都が主催した").replace("参加者表示收获很大", "参加者は満足した")
        .encode("shift_jis", errors="replace"), "Shift-JIS: read as such, named")
    put("big5.txt", _page(HEADLINES["big5.txt"], 66).replace("职工", "職工").replace(
        "参加", "參加").replace("活动由工会主办", "活動由工會主辦").replace("参加者表示收获很大",
        "參加者表示收穫很大").encode("big5", errors="replace"), "Big5: read as such, named")
    # A 3 MB one-line paragraph: body, not a 3 MB title; cut to the article limit.
    line = ("工会组织职工参加技能培训提升素质" * 200_000)[:1_000_000]
    put("oneline.txt", line.encode(), "huge one-line file")
    # Over the file limit (4 MB in this test): skipped unread (a sparse file).
    with open(root / "toobig.txt", "wb") as f:
        f.truncate(5 * 1024 * 1024)
    bad["toobig.txt"] = "over the file size limit"
    records = [
        {"title": "甲市技能比武", "text": BODY.format(t="甲市技能比武", n=150)},
        '{"title": broken',
        {"title": "乙市工会\ud800慰问环卫工人", "text": BODY.format(t="乙市工会慰问环卫工人", n=88)},
        {"title": "……", "text": "。。。！！！"},
        {"title": "长" * 1000, "text": BODY.format(t="丙市工会推出新举措", n=21)},
    ]
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=True) for r in records]
    put("records.jsonl", "\n".join(lines).encode(), "a malformed line, a lone surrogate, "
        "a letterless record, a 1,000-character title")
    many = [{"title": f"戊区第{k}期职工夜校开课", "text": f"戊区第{k}期职工夜校开课，学员{k}0人。"}
            for k in range(1, 7)]
    put("many.json", json.dumps(many, ensure_ascii=False).encode(), "over the article count limit")
    # A name that is not UTF-8: the article is kept, the name shown with U+FFFD.
    raw = os.fsencode(str(root)) + b"/name-\xff\xfe.txt"
    with open(raw, "wb") as f:
        f.write(_page("己区工会为职工办实事", 64).encode())
    bad["name-\ufffd\ufffd.txt"] = "file name not valid UTF-8"
    os.symlink(root / "nowhere.txt", root / "dangling.txt")
    bad["dangling.txt"] = "dangling link"
    os.symlink(root / "loop2.txt", root / "loop1.txt")
    os.symlink(root / "loop1.txt", root / "loop2.txt")
    bad["loop1.txt"] = "symlink loop"
    bad["loop2.txt"] = "symlink loop"
    (root / "sub").mkdir()
    os.symlink(root, root / "sub" / "up")
    bad["sub/up"] = "a folder link that loops"
    os.mkfifo(root / "pipe.txt")
    bad["pipe.txt"] = "FIFO"
    (root / ".hidden.txt").write_text(_page("隐藏文件", 1), encoding="utf-8")
    bad[".hidden.txt"] = "hidden file"
    (root / ".git").mkdir()
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    bad[".git"] = "hidden folder"
    locked = root / "locked.txt"
    locked.write_text(_page("锁定文件", 1), encoding="utf-8")
    locked.chmod(0)
    if os.geteuid() != 0:   # root reads it anyway: then it is simply indexed
        bad["locked.txt"] = "no read permission"
    return bad


@pytest.fixture(scope="module")
def bad_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("bad-corpus")
    corpus = root / "in"
    bad = make_corpus(corpus)
    index_dir = root / "index"
    # The CLI runs as the child of a small wrapper that reports the child's peak memory.
    wrapper = ("import resource, subprocess, sys; r = subprocess.run(sys.argv[1:]); "
               "print('PEAK_KB', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, "
               "file=sys.stderr); sys.exit(r.returncode)")
    import time

    t0 = time.time()
    r = subprocess.run([sys.executable, "-c", wrapper, sys.executable, "-m", "assistant", "index",
                        "-q", "--index-dir", str(index_dir), "--limit", "article_chars=1500",
                        "--limit", "file_mb=4", "--limit", "articles_per_file=4", str(corpus)],
                       capture_output=True, timeout=900)
    seconds = time.time() - t0
    err = r.stderr.decode("utf-8", errors="replace")
    peak_kb = int(err.rsplit("PEAK_KB", 1)[1].split()[0])
    print(f"bad corpus: {len(bad)} bad items, {seconds:.1f}s, peak {peak_kb / 1024:.0f} MB")
    return r, err, bad, index_dir, corpus, peak_kb, seconds


def test_bad_corpus_indexes_every_good_article_and_names_every_bad_item(bad_run):
    r, err, bad, index_dir, corpus, peak_kb, seconds = bad_run
    assert len(bad) >= 25
    assert r.returncode == 0, err
    assert "Traceback" not in err
    lines = err.splitlines()
    for name, what in bad.items():
        hits = [ln for ln in lines if f"{corpus}/{name}" in ln]
        assert hits, f"{name} ({what}) is not named in:\n{err}"
    # Peak memory of the indexing process (the issue asks for < 1.5 GB).
    assert peak_kb < 1.5 * 1024 * 1024, peak_kb

    import assistant

    index = assistant.open_index(index_dir)
    headings = {a.heading for a in index.articles.values()}
    for name, heading in HEADLINES.items():
        assert heading in headings, f"{name}: {heading} not indexed; have {sorted(headings)}"
    texts = "\n".join(a.text for a in index.articles.values())
    # Records of the .jsonl around the bad lines are kept; the surrogate is replaced.
    assert "甲市技能比武" in headings and "乙市工会\ufffd慰问环卫工人" in headings
    assert "长" * 1000 in texts and not any(len(h) > 200 for h in headings)   # title -> body
    assert "己区工会为职工办实事" in headings   # the file with the undecodable name
    assert sum(h.startswith("戊区") for h in headings) == 4   # articles_per_file=4
    one = [a for a in index.articles.values() if a.source == "oneline.txt"]
    assert len(one) == 1 and not one[0].headings and 1000 <= len(one[0].text) <= 1500
    assert not any("深层" in h or "隐藏" in h for h in headings)


def test_each_bad_item_says_what_was_wrong(bad_run):
    r, err, bad, index_dir, corpus, *_ = bad_run

    def line(name: str) -> str:
        return "\n".join(ln for ln in err.splitlines() if f"{corpus}/{name}" in ln)

    assert "empty file" in line("empty.txt") and "empty file" in line("blank.txt")
    assert "binary" in line("binary.txt") and "binary" in line("picture.txt")
    assert "unsupported file type" in line("junk.exe")
    assert "not a PDF" in line("report.pdf") and "old Office" in line("old.docx")
    assert "no letters" in line("punctuation.txt") and "no letters" in line("digits.md")
    assert "a zip inside a zip inside a zip" in line("nested.zip")
    assert "100 MB" in line("bomb.zip")
    assert "Shift-JIS" in line("sjis.txt") and "Big5" in line("big5.txt")
    assert "article_chars" in line("oneline.txt") and "file_mb" in line("toobig.txt")
    records = line("records.jsonl")
    assert "records.jsonl:2:" in records          # the malformed line, by number
    assert "lone surrogate" in records and "no letters" in records
    assert "heading_chars" in records
    assert "articles_per_file" in line("many.json")
    assert "not valid UTF-8" in line("name-\ufffd\ufffd.txt")
    assert "broken symbolic link" in line("dangling.txt")
    assert "loop" in line("loop1.txt") and "loop" in line("sub/up")
    assert "FIFO" in line("pipe.txt")
    assert "hidden" in line(".hidden.txt") and "hidden" in line(".git")


def test_batch_never_aborts_on_a_lone_surrogate_question(bad_run, tmp_path):
    _, _, _, index_dir, *_ = bad_run
    batch = tmp_path / "batch.jsonl"
    batch.write_text('{"id": "s", "turns": ["\\ud800"]}\n'
                     '{"id": "mixed", "turns": ["甲市技能比武\\udfff有多少名职工参赛？"]}\n'
                     '{"id": "ok", "turns": ["甲市技能比武有多少名职工参赛？"]}\n', encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "assistant", "ask", "--json", "--batch", str(batch),
                        "--index-dir", str(index_dir)], capture_output=True, timeout=300)
    out = [json.loads(x) for x in r.stdout.decode("utf-8").splitlines()]
    assert [o["id"] for o in out] == ["s", "mixed", "ok"], r.stderr.decode(errors="replace")
    assert b"Traceback" not in r.stderr
    assert "150" in out[2]["turns"][0]["answer"]


def test_question_limit_is_configurable(bad_run):
    _, _, _, index_dir, *_ = bad_run
    r = subprocess.run([sys.executable, "-m", "assistant", "ask", "--json", "--index-dir",
                        str(index_dir), "--limit", "question_chars=10", "甲市技能比武有多少名职工参赛？"],
                       capture_output=True, text=True, timeout=300)
    turn = json.loads(r.stdout)
    assert "question_chars" in turn["error"] and "15 characters" in turn["error"]
    r = subprocess.run([sys.executable, "-m", "assistant", "index", "--limit", "nonsense=3"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "unknown limit 'nonsense'" in r.stderr


def _index_files(index_dir: Path) -> dict[str, bytes]:
    """The index as a reader sees it: CURRENT and every version folder's files (not the
    lock or the upload journal, which a failed attempt may touch)."""
    return {str(p.relative_to(index_dir)): p.read_bytes()
            for p in sorted(index_dir.rglob("*"))
            if p.is_file() and (p.name == "CURRENT" or p.relative_to(index_dir).parts[0].startswith("v-"))}


@pytest.fixture()
def tmpfs(tmp_path):
    """A small tmpfs (needs root, as in CI here); skipped where it cannot be mounted."""
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mnt)],
                       capture_output=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {r.stderr.decode(errors='replace').strip()}")
    yield mnt
    subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def _index(index_dir, *paths):
    return subprocess.run([sys.executable, "-m", "assistant", "index", "-q", "--index-dir",
                           str(index_dir), *map(str, paths)], capture_output=True, text=True,
                          timeout=300)


def test_full_disk_and_read_only_folder_give_one_line_and_keep_the_index(tmpfs, tmp_path):
    first = tmp_path / "first.txt"
    first.write_text(_page("庚区工会开展安全生产培训", 200), encoding="utf-8")
    index_dir = tmpfs / "index"
    assert _index(index_dir, first).returncode == 0
    before = _index_files(index_dir)
    more = tmp_path / "more"
    more.mkdir()
    for k in range(3):
        (more / f"m{k}.txt").write_text(_page(f"辛区第{k}次职工座谈会", k), encoding="utf-8")

    # A full disk: a filler takes all but a few KB, so the new version cannot be written.
    free = os.statvfs(tmpfs).f_bavail * os.statvfs(tmpfs).f_frsize
    with open(tmpfs / "filler", "wb") as f:
        f.write(b"\0" * max(0, free - 8192))
    r = _index(index_dir, first, more)
    (tmpfs / "filler").unlink()
    msg = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    assert len(msg) == 1 and "no space left" in msg[0] and "previous index is unchanged" in msg[0]
    assert _index_files(index_dir) == before

    # A read-only folder.
    subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], check=True)
    r = _index(index_dir, first, more)
    msg = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert r.returncode == 1 and len(msg) == 1 and "read-only" in msg[0], r.stderr
    subprocess.run(["mount", "-o", "remount,rw", str(tmpfs)], check=True)
    assert _index_files(index_dir) == before
    r = subprocess.run([sys.executable, "-m", "assistant", "ask", "--json", "--index-dir",
                        str(index_dir), "庚区工会开展安全生产培训有多少名职工参加？"],
                       capture_output=True, text=True, timeout=300)
    assert "200" in json.loads(r.stdout)["answer"]


def test_ui_upload_on_a_full_disk_gives_the_same_clear_message(bad_run, tmp_path, monkeypatch):
    import errno

    from assistant import pipeline
    from assistant.apps.ui import ChatApp

    _, _, _, index_dir, *_ = bad_run
    before = _index_files(index_dir)
    app = pipeline.Assistant(index_dir)
    n_before = len(app.index.articles)

    def full_disk(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(index_dir / "tmp-x"))

    monkeypatch.setattr(pipeline, "build_index", full_disk)
    monkeypatch.setenv("ASSISTANT_INDEX_WORKER", "0")   # build in this process, patched
    ui = ChatApp(app, upload_dir=tmp_path / "uploads")
    new = tmp_path / "new.txt"
    new.write_text(_page("壬区工会举办读书会", 33), encoding="utf-8")
    report, _, _ = ui.upload([str(new)], "")
    assert "new.txt" in report and "no space left on the disk" in report, report
    assert "previous index is unchanged" in report and "OSError" not in report
    assert len(app.index.articles) == n_before and _index_files(index_dir) == before
