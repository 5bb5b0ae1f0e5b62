"""The command line as users and outside checks call it."""
import json
import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).parent


def run(*args, timeout=300):
    return subprocess.run([sys.executable, "-m", "assistant", *args], capture_output=True,
                          text=True, timeout=timeout)


def test_ask_json_turns_follow_the_contract(seed_index_dir):
    r = run("ask", "--index-dir", str(seed_index_dir), "--json",
            "how many craftsmen has Jiaojiang trained?", "乐业物业有多少名职工？")
    assert r.returncode == 0, r.stderr
    turns = [json.loads(line) for line in r.stdout.splitlines()]
    assert len(turns) == 2
    for t in turns:
        assert set(t) >= {"question", "answer", "found", "citations"}
        for c in t["citations"]:
            assert set(c) >= {"n", "article_id", "heading", "source", "passage", "start", "end"}
            assert f"[{c['n']}]" in t["answer"]
    assert "54500" in turns[0]["answer"] and "让工匠有尊严得礼遇" in turns[0]["citations"][0]["heading"]
    assert "367" in turns[1]["answer"]


def test_batch_prints_one_line_per_case(seed_index_dir, tmp_path):
    batch = tmp_path / "batch.jsonl"
    lines = (TESTS / "seed_dev.jsonl").read_text(encoding="utf-8").splitlines()[:3]
    batch.write_text("\n".join(lines + ["{not json", lines[0]]) + "\n", encoding="utf-8")
    r = run("ask", "--json", "--batch", str(batch), "--index-dir", str(seed_index_dir))
    out = [json.loads(line) for line in r.stdout.splitlines()]
    assert [o["id"] for o in out] == ["dev-01", "dev-02", "dev-03", "dev-01"]
    assert all(len(o["turns"]) == 1 and "answer" in o["turns"][0] for o in out)
    assert "batch.jsonl:4" in r.stderr  # the malformed line is named, the rest answered
    assert r.returncode == 1


def test_empty_and_huge_questions_get_clear_messages(seed_index_dir):
    r = run("ask", "--index-dir", str(seed_index_dir), "--json", "", "x" * 100_000,
            "乐业物业有多少名职工？")
    turns = [json.loads(line) for line in r.stdout.splitlines()]
    assert "empty" in turns[0]["error"]
    assert "100,000 characters" in turns[1]["error"]
    assert turns[2]["found"] and "367" in turns[2]["answer"]  # nothing else is lost
    assert r.returncode == 1


def test_index_reports_bad_files_and_keeps_the_rest(tmp_path):
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "binary.txt").write_bytes(b"\x00\x01\x02PK\x03\x04" * 50)
    (corpus / "empty.txt").write_text("", encoding="utf-8")
    (corpus / "gbk.txt").write_bytes("丙区成立快递员工会\n\n丙区成立首个快递员工会，首批吸收会员56人。\n".encode("gbk"))
    (corpus / "news.jsonl").write_text(
        '{"id": "j1", "title": "甲市技能比武", "text": "甲市工会举办技能比武，共有120名职工参赛。"}\n'
        '{"id": "j2", "title": broken\n', encoding="utf-8")
    r = run("index", str(corpus), "--index-dir", str(tmp_path / "idx"), "-q")
    assert r.returncode == 0, r.stderr
    assert "binary.txt" in r.stderr and "empty.txt" in r.stderr and "news.jsonl:2" in r.stderr
    assert "indexed 2 articles" in r.stdout
    a = run("ask", "--index-dir", str(tmp_path / "idx"), "--json", "丙区快递员工会首批吸收了多少会员？")
    turn = json.loads(a.stdout)
    assert turn["found"] and "56人" in turn["answer"]


def test_index_fails_when_nothing_can_be_indexed(tmp_path):
    (tmp_path / "empty.txt").write_text("   \n", encoding="utf-8")
    r = run("index", str(tmp_path / "empty.txt"), "--index-dir", str(tmp_path / "idx"), "-q")
    assert r.returncode != 0
    assert "empty.txt" in r.stderr and "nothing could be indexed" in r.stderr


def test_ask_builds_the_index_from_seeds_when_missing(tmp_path):
    r = run("ask", "--index-dir", str(tmp_path / "fresh"), "--json", "椒江设立了多少家企业分院？")
    assert r.returncode == 0, r.stderr
    assert "building it from" in r.stderr
    assert "10家" in json.loads(r.stdout)["answer"]


def test_reindexing_keeps_articles_uploaded_in_the_ui(tmp_path):
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "a.txt").write_text("甲市技能比武\n\n甲市工会举办技能比武，共有120名职工参赛。\n", encoding="utf-8")
    idx = tmp_path / "idx"
    (idx / "uploads").mkdir(parents=True)
    (idx / "uploads" / "up.txt").write_text("丙区成立快递员工会\n\n丙区成立首个快递员工会，首批吸收会员56人。\n",
                                            encoding="utf-8")
    r = run("index", str(corpus), "--index-dir", str(idx), "-q", "-v")
    assert r.returncode == 0, r.stderr
    assert "uploaded" in r.stderr and "indexed 2 articles" in r.stdout


def test_plain_output_names_the_metadata_field_a_citation_quotes(seed_index_dir):
    r = run("ask", "--index-dir", str(seed_index_dir), "让工匠有尊严得礼遇这篇报道是谁写的？")
    assert r.returncode == 0, r.stderr
    line = next(x for x in r.stdout.splitlines() if x.lstrip().startswith("[1]"))
    assert "(" in line and "byline " in line.split("(", 1)[1]
    assert "任杰" in r.stdout
