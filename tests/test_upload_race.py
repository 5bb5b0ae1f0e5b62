"""Three writers over one index folder (issue 19 item 2): a lock holder, a CLI rebuild
and a UI upload's worker, both waiting for the lock, the upload arriving after the CLI
started waiting. Before the fix the CLI looked at uploads/ before it held the lock and,
when it built after the upload, removed the just-indexed article (2 of 4 runs of
benchmarks/upload_race on the old code). A few runs here; 20 in benchmarks/UPLOAD_RACE.md.
"""
from benchmarks import upload_race


def test_no_upload_is_lost_between_three_writers(tmp_path):
    rows = upload_race.run(3, seed=7, work=tmp_path)
    assert [r for r in rows if r["lost"]] == [], rows
    assert all(r["cli_articles"] and r["cli_exit"] == 0 and r["worker_exit"] == 0
               for r in rows), rows
    assert all(r["pending_after"] == 0 for r in rows), rows
