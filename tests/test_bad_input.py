"""Bad input as a hostile user or a messy archive gives it: every bad item named, nothing
else lost, bounded work (issue 11, items 2 and 3; issue 19, items 1 and 4).

The corpus is made here: 50 bad items (broken, empty, binary, wrongly named, undecodable,
nested too deep, over a limit, links in and out of the folder, FIFOs, hidden files …)
mixed with 10 good files in several encodings and formats, read by the CLI and, as one
zip, by a UI upload.
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
    "good/f.html": "戌区职工书屋正式开放",
    "good/g.json": "子区工会开展法律咨询",
    "good/h.jsonl": "丑县评选最美职工",
    "good/i.docx": "寅镇举办青年职工联谊会",
    "good/j_utf16le.txt": "卯区困难职工帮扶中心揭牌",
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
    title = HEADLINES["good/f.html"]
    (good / "f.html").write_text(
        f"<html><head><meta charset='utf-8'><title>{title}</title></head><body>"
        f"<nav><a href='/'>首页</a></nav><article><h1>{title}</h1>"
        + "".join(f"<p>{BODY.format(t=title, n=60 + k)}</p>" for k in range(3))
        + "</article></body></html>", encoding="utf-8")
    (good / "g.json").write_text(json.dumps([{"title": HEADLINES["good/g.json"], "content":
                                              BODY.format(t=HEADLINES["good/g.json"], n=42)}],
                                            ensure_ascii=False), encoding="utf-8")
    (good / "h.jsonl").write_text("\n".join(json.dumps(
        {"title": t, "text": BODY.format(t=t, n=n)}, ensure_ascii=False)
        for t, n in ((HEADLINES["good/h.jsonl"], 18), ("丑县职工篮球赛落幕", 240))) + "\n",
        encoding="utf-8")
    from docx import Document

    doc = Document()
    doc.add_paragraph(HEADLINES["good/i.docx"], style="Heading 1")
    doc.add_paragraph(BODY.format(t=HEADLINES["good/i.docx"], n=75))
    doc.save(str(good / "i.docx"))
    # UTF-16 without a byte-order mark: read, with a note (issue 19)
    (good / "j_utf16le.txt").write_bytes(_page(HEADLINES["good/j_utf16le.txt"], 12)
                                         .encode("utf-16-le"))
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
        "zip in a zip in a zip", shown="nested.zip/l1.zip/l2.zip")
    # Zip bomb-ish: 120 MB of zeros deflate to about 120 KB (ratio ~1000:1).
    put("bomb.zip", _zip({"zeros.txt": b"0" * (120 * 1024 * 1024)}), "zip bomb",
        shown="bomb.zip/zeros.txt")
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
    # issue 19: nested too deep, undecodable lines, wide encodings, links out, JSON shapes
    put("deep_array.json", b"[" * 200_000 + b"]" * 200_000, "nested arrays (json_depth)")
    put("deep_object.json", b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
        "nested objects (json_depth)")
    good_line = json.dumps({"title": "辰区工会慰问一线职工", "text": BODY.format(
        t="辰区工会慰问一线职工", n=91)}, ensure_ascii=False).encode()
    other_line = json.dumps({"title": "巳县职工技能竞赛启动", "text": BODY.format(
        t="巳县职工技能竞赛启动", n=330)}, ensure_ascii=False).encode()
    put("deep_line.jsonl", good_line + b"\n" + b'{"t":' + b"[" * 5000 + b"]" * 5000
        + b"}\n" + other_line + b"\n", "a line nested too deep", shown="deep_line.jsonl:2")
    put("badbytes.jsonl", other_line.replace("巳县".encode(), "午县".encode()) + b"\n"
        + b'{"title": "\xff\xfe bad", "text": "x"}\n'
        + good_line.replace("辰区".encode(), "未区".encode()) + b"\n",
        "an undecodable line among good ones", shown="badbytes.jsonl:2")
    put("u16be_nobom.txt", _page("申区举办职工书画展", 23).encode("utf-16-be"),
        "UTF-16 BE without BOM: read, named")
    put("u32le_nobom.txt", _page("酉区开展职工健康体检", 500).encode("utf-32-le"),
        "UTF-32 LE without BOM: read, named")
    outside = root.parent / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(_page("外部文件不应被读取", 1), encoding="utf-8")
    os.symlink(outside / "secret.txt", root / "outlink.txt")
    bad["outlink.txt"] = "a link to a file outside the folder"
    os.symlink(outside, root / "outdir")
    bad["outdir"] = "a link to a folder outside the folder"
    put("latin1.txt", "Café crème brûlée à la française, déjà vu. Le garçon a mangé.\n"
        "Ça coûte très cher, n'est-ce pas? Où est la forêt?\n".encode("latin-1"),
        "a single-byte code page")
    put("numbers.json", b"[1, 2, 3]", "an array of numbers")
    put("invalid.json", '{"title": "坏的",'.encode(), "invalid JSON")
    put("empty_array.json", b"[]", "an empty array")
    put("notext.json", '{"title": "只有标题"}'.encode(), "a record without text")
    put("wrongtype.json", '{"title": "甲", "text": ["a", 1]}'.encode(), "text of the wrong type")
    put("string.json", b'"just a string"', "a JSON string, not records")
    put("nav_only.html", "<html><body><nav><a href='/'>首页</a></nav></body></html>".encode(),
        "HTML without an article")
    put("huge.json", json.dumps({"title": "戌区超长记录", "text": "职工" * 250_000},
                                ensure_ascii=False).encode(), "over json_mb (1 MB here)")
    put("control.txt", bytes(range(1, 32)) * 50, "control characters")
    put("notword.docx", _zip({"a.txt": b"hello"}), "a zip that is not a Word document")
    put("truncated.pdf", b"%PDF-1.4\nnot really a PDF", "a broken PDF")
    put("emptyzip.zip", _zip({}), "a zip with no files")
    put("allbad.jsonl", b'{"title": broken\n{"title": "x", "text": }\n', "two bad lines",
        shown="allbad.jsonl:1")
    bad["allbad.jsonl:2"] = "two bad lines"
    put("bundle.zip", _zip({"inner/deep_inner.json": b"[" * 100_000 + b"]" * 100_000,
                            "inner/empty_inner.txt": b"",
                            "inner/ok_inner.txt": _page("亥区工会服务站建成", 14).encode()}),
        "a zip holding a nested JSON and an empty file", shown="bundle.zip/inner/deep_inner.json")
    bad["bundle.zip/inner/empty_inner.txt"] = "an empty file inside a zip"
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
    # A link loop given on the command line itself (it raised RuntimeError before)
    argloop = root / "argloop.txt"
    os.symlink(argloop, argloop)
    # The CLI runs as the child of a small wrapper that reports the child's peak memory.
    wrapper = ("import resource, subprocess, sys; r = subprocess.run(sys.argv[1:]); "
               "print('PEAK_KB', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, "
               "file=sys.stderr); sys.exit(r.returncode)")
    import time

    t0 = time.time()
    r = subprocess.run([sys.executable, "-c", wrapper, sys.executable, "-m", "assistant", "index",
                        "-q", "--index-dir", str(index_dir), "--limit", "article_chars=1500",
                        "--limit", "file_mb=4", "--limit", "articles_per_file=4",
                        "--limit", "json_mb=1", str(corpus), str(argloop)],
                       capture_output=True, timeout=900)
    seconds = time.time() - t0
    err = r.stderr.decode("utf-8", errors="replace")
    peak_kb = int(err.rsplit("PEAK_KB", 1)[1].split()[0])
    print(f"bad corpus: {len(bad)} bad items, {seconds:.1f}s, peak {peak_kb / 1024:.0f} MB")
    return r, err, bad, index_dir, corpus, peak_kb, seconds


# Files with several bad lines, each named on a line of its own.
SEVERAL = {"records.jsonl"}
# Good records inside files that also hold bad ones, or inside a zip (headings).
GOOD_RECORDS = ["辰区工会慰问一线职工", "巳县职工技能竞赛启动", "午县职工技能竞赛启动",
                "未区工会慰问一线职工", "亥区工会服务站建成", "丑县职工篮球赛落幕",
                "申区举办职工书画展", "酉区开展职工健康体检"]


def test_bad_corpus_indexes_every_good_article_and_names_every_bad_item(bad_run):
    r, err, bad, index_dir, corpus, peak_kb, seconds = bad_run
    assert len(bad) >= 50 and len([k for k in HEADLINES if k.startswith("good/")]) == 10
    assert r.returncode == 0, err
    assert "Traceback" not in err
    lines = err.splitlines()
    for name, what in bad.items():
        hits = [ln for ln in lines if f"{corpus}/{name}:" in ln]
        assert hits, f"{name} ({what}) is not named in:\n{err}"
        if name not in SEVERAL:   # named once: one line per bad item
            assert len(hits) == 1, (name, hits)
    loop_arg = [ln for ln in lines if "argloop.txt" in ln]
    assert len(loop_arg) == 1 and "symbolic link loop" in loop_arg[0], err
    # the counts the README gives (issue 19's target): items named, aborts
    print(f"bad-input corpus: {len(bad) + 1} bad items named, 10 good files, 0 aborts")
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
    for heading in GOOD_RECORDS:
        assert heading in headings, heading
    assert "外部文件不应被读取" not in headings   # links out of the folder are not followed


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
    # issue 19
    assert "json_depth" in line("deep_array.json") and "json_depth" in line("deep_object.json")
    assert "json_depth" in line("deep_line.jsonl:2") and "json_mb" in line("huge.json")
    assert "not valid UTF-8" in line("badbytes.jsonl:2")
    assert "UTF-16 BE without a byte-order mark" in line("u16be_nobom.txt")
    assert "UTF-32 LE without a byte-order mark" in line("u32le_nobom.txt")
    assert "outside the folder given" in line("outlink.txt")
    assert "outside the folder given" in line("outdir")
    assert "single-byte" in line("latin1.txt") and "array of numbers" in line("numbers.json")
    assert "invalid JSON" in line("invalid.json") and "empty JSON array" in line("empty_array.json")
    assert "missing 'text'" in line("notext.json") and "must be a string" in line("wrongtype.json")
    assert "expected JSON records" in line("string.json")
    assert "no article text" in line("nav_only.html") and "binary" in line("control.txt")
    assert "Word document" in line("notword.docx") and "broken PDF" in line("truncated.pdf")
    assert "holds no files" in line("emptyzip.zip")
    assert "invalid JSON" in line("allbad.jsonl:1") and "invalid JSON" in line("allbad.jsonl:2")
    assert "json_depth" in line("bundle.zip/inner/deep_inner.json")
    assert "empty file" in line("bundle.zip/inner/empty_inner.txt")
    assert "[Errno" not in err


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


def test_upload_journal_in_a_read_only_folder_is_read_and_a_write_named(tmpfs):
    """The journal (SQLite) of a folder that became read-only: its pending uploads are
    still read (a server starting there finds them), tidying it writes nothing, and
    recording an upload there fails with the folder's one-line reason."""
    from assistant.service import journal
    from assistant.service.writeerrors import IndexWriteError

    index_dir = tmpfs / "index"
    (index_dir / "uploads").mkdir(parents=True)
    copy = index_dir / "uploads" / "a.txt"
    copy.write_text(_page("癸区工会开展职工读书月活动", 12), encoding="utf-8")
    kept = journal.record_upload(index_dir, [copy])
    journal.mark_done(index_dir, [journal.record_upload(index_dir, [copy])])
    journal.compact(index_dir)
    subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], check=True)
    try:
        assert [(u.id, u.files) for u in journal.pending(index_dir)] == [(kept, [copy])]
        journal.compact(index_dir)   # nothing done to forget: no write
        with pytest.raises(IndexWriteError, match="read-only"):
            journal.record_upload(index_dir, [copy])
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(tmpfs)], check=True)


def test_ui_upload_on_a_full_disk_gives_the_same_clear_message(bad_run, tmp_path, monkeypatch):
    import errno

    from assistant.service import indexing, pipeline
    from assistant.apps.ui import ChatApp

    _, _, _, index_dir, *_ = bad_run
    before = _index_files(index_dir)
    app = pipeline.Assistant(index_dir)
    n_before = len(app.index.articles)

    def full_disk(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(index_dir / "tmp-x"))

    monkeypatch.setattr(indexing, "build_index", full_disk)
    monkeypatch.setenv("ASSISTANT_INDEX_WORKER", "0")   # build in this process, patched
    ui = ChatApp(app, upload_dir=tmp_path / "uploads")
    new = tmp_path / "new.txt"
    new.write_text(_page("壬区工会举办读书会", 33), encoding="utf-8")
    report, _, _ = ui.upload([str(new)], "")
    assert "new.txt" in report and "no space left on the disk" in report, report
    assert "previous index is unchanged" in report and "OSError" not in report
    assert len(app.index.articles) == n_before and _index_files(index_dir) == before


def _report_name(key: str) -> str:
    """How the UI report names a bad item of the corpus: the base name of its file or zip
    entry (a line number is given in the reason)."""
    return key.split(":")[0].rsplit("/", 1)[-1]


def test_bad_corpus_as_one_zip_through_a_ui_upload(bad_run, seed_index_dir, tmp_path,
                                                   monkeypatch):
    """The same corpus zipped (what a zip can hold: no links, FIFOs, hidden or unreadable
    files), uploaded in the UI: the upload does not fail as a whole, every good record is
    indexed, every bad entry is named once."""
    import collections
    import html
    import shutil
    import stat

    from assistant.apps.ui import ChatApp
    from assistant.service.pipeline import Assistant
    from assistant.index.store import NewsIndex

    _, _, bad, _, corpus, *_ = bad_run
    zipped = set()
    buf = tmp_path / "corpus.zip"
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for folder, dirs, files in os.walk(corpus):
            dirs[:] = sorted(d for d in dirs if not d.startswith(".")
                             and not os.path.islink(os.path.join(folder, d)))
            for f in sorted(files):
                p = Path(folder) / f
                rel = str(p.relative_to(corpus))
                if f.startswith(".") or p.is_symlink() or not stat.S_ISREG(p.lstat().st_mode) \
                        or not os.access(p, os.R_OK) or rel != _shown(rel):
                    continue
                z.write(p, rel)
                zipped.add(rel)
    # the upload is itself a zip: the third zip level is nested.zip's l1.zip, not l2.zip
    rename = {"nested.zip/l1.zip/l2.zip": "nested.zip/l1.zip"}
    expected = collections.Counter(_report_name(rename.get(k, k)) for k in bad
                                   if k.split(":")[0].split("/")[0] in zipped
                                   or k.split(":")[0] in zipped)
    assert sum(expected.values()) >= 40, expected
    index_dir = tmp_path / "ui"
    shutil.copytree(seed_index_dir, index_dir,
                    ignore=shutil.ignore_patterns("conversations.sqlite3*"))
    for name, value in (("FILE_MB", "4"), ("ARTICLE_CHARS", "1500"),
                        ("ARTICLES_PER_FILE", "4"), ("JSON_MB", "1")):
        monkeypatch.setenv(f"ASSISTANT_LIMIT_{name}", value)   # the worker's limits
    ui = ChatApp(Assistant(index_dir), upload_dir=index_dir / "uploads")
    report, _, _ = ui.upload([str(buf)], "")
    text = html.unescape(report)
    assert "indexing failed" not in text and "Error" not in text, text
    for name, n in expected.items():
        if name in SEVERAL:
            assert text.count(f"<b>{name}</b>") >= n, (name, text)
        else:
            assert text.count(f"<b>{name}</b>") == n, (name, n, text)
    headings = {a.heading for a in NewsIndex.load(index_dir).articles.values()}
    for heading in [h for k, h in HEADLINES.items()] + GOOD_RECORDS + ["甲市技能比武"]:
        assert heading in headings, heading
    print(f"bad-input zip through the UI: {sum(expected.values())} bad items named, "
          f"0 aborts")


def _shown(name: str) -> str:
    from assistant.ingest.base import shown_name

    return shown_name(name)


def test_a_reader_exception_is_named_for_its_file_only(tmp_path):
    """Past the depth limit, the parser's own RecursionError is caught for that file and
    named; the other file of the batch is read."""
    from assistant import limits
    from assistant.ingest.readers import load_paths

    (tmp_path / "deep.json").write_bytes(b"[" * 200_000 + b"]" * 200_000)
    (tmp_path / "ok.txt").write_text(_page("甲县工会举办读书会", 9), encoding="utf-8")
    limits.configure(["json_depth=10000000"])
    try:
        articles, errors = load_paths([tmp_path])
    finally:
        limits.reset()
    assert [a.heading for a in articles] == ["甲县工会举办读书会"]
    assert [(Path(e.path).name, "RecursionError" in e.reason) for e in errors] == [
        ("deep.json", True)]


def test_ui_upload_copy_on_a_full_disk_names_the_index_and_leaves_no_copy(
        seed_index_dir, tmp_path, monkeypatch):
    import errno
    import shutil

    from assistant.service import pipeline
    from assistant.apps.ui import ChatApp
    from assistant.apps.ui import uploads as uploads_module

    index_dir = tmp_path / "index"
    shutil.copytree(seed_index_dir, index_dir,
                    ignore=shutil.ignore_patterns("conversations.sqlite3*"))
    temp_upload = tmp_path / "gradio-tmp" / "new.txt"
    temp_upload.parent.mkdir()
    temp_upload.write_text(_page("癸区工会举办读书会", 5), encoding="utf-8")

    def full_disk(src, dest, *args, **kwargs):
        open(dest, "wb").close()   # what a full disk leaves: a 0-byte copy
        raise OSError(errno.ENOSPC, "No space left on device", str(src))

    monkeypatch.setattr(uploads_module.shutil, "copyfile", full_disk)
    ui = ChatApp(pipeline.Assistant(index_dir), upload_dir=index_dir / "uploads")
    report, _, _ = ui.upload([str(temp_upload)], "")
    assert f"cannot write the index in {index_dir}: no space left on the disk" in report
    assert "gradio-tmp" not in report and "[Errno" not in report, report
    assert list((index_dir / "uploads").iterdir()) == []


def test_links_out_of_the_folder_are_followed_only_when_asked(tmp_path):
    from assistant.ingest.readers import load_paths

    folder, outside = tmp_path / "in", tmp_path / "out"
    folder.mkdir()
    outside.mkdir()
    (outside / "o.txt").write_text(_page("外部的文章", 3), encoding="utf-8")
    (folder / "a.txt").write_text(_page("里面的文章", 4), encoding="utf-8")
    os.symlink(outside / "o.txt", folder / "link.txt")
    os.symlink(folder / "a.txt", folder / "inner_link.txt")   # inside: followed
    articles, errors = load_paths([folder])
    assert sorted(a.heading for a in articles) == ["里面的文章"]
    assert [(Path(e.path).name, "--follow-links-out" in e.reason) for e in errors] == [
        ("link.txt", True)]
    articles, errors = load_paths([folder], follow_links_out=True)
    assert sorted(a.heading for a in articles) == ["外部的文章", "里面的文章"] and errors == []


def test_serve_on_a_port_in_use_says_so_before_announcing(tmp_path):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        r = subprocess.run([sys.executable, "-m", "assistant", "serve", "--index-dir",
                            str(tmp_path / "none"), "--port", str(port)],
                           capture_output=True, text=True, timeout=120)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert f"port {port} is in use: pass --port" in r.stderr
    assert "serving" not in r.stdout + r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "none").exists()   # nothing built before the check


def test_reading_progress_counts_files_not_paths(tmp_path):
    from assistant.service.pipeline import load_with_stages

    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    for k in range(3):
        (folder / "sub" / f"a{k}.txt").write_text(_page(f"第{k}篇职工新闻", k + 1),
                                                encoding="utf-8")
    one = tmp_path / "one.txt"
    one.write_text(_page("单独的职工新闻", 5), encoding="utf-8")
    seen = []
    articles, errors = load_with_stages([str(folder), str(one)],
                                        lambda name, done, total: seen.append((name, done, total)))
    assert len(articles) == 4 and errors == []
    assert seen == [("reading", k, 4) for k in range(5)]


def test_ui_report_lists_files_indexed_with_a_note_apart(seed_index_dir, tmp_path, monkeypatch):
    import shutil

    from assistant.service import pipeline
    from assistant.apps.ui import ChatApp

    index_dir = tmp_path / "index"
    shutil.copytree(seed_index_dir, index_dir,
                    ignore=shutil.ignore_patterns("conversations.sqlite3*"))
    monkeypatch.setenv("ASSISTANT_INDEX_WORKER", "0")
    wide = tmp_path / "wide.txt"
    wide.write_bytes(_page("子镇工会开展职工读书月活动", 31).encode("utf-16-le"))
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    ui = ChatApp(pipeline.Assistant(index_dir), upload_dir=index_dir / "uploads")
    report, _, _ = ui.upload([str(wide), str(empty)], "")
    noted, _, rejected = report.partition("Not indexed")
    assert "Indexed with a note" in noted and "wide.txt" in noted and "UTF-16 LE" in noted, report
    assert "wide.txt" not in rejected and "empty.txt" in rejected, report
