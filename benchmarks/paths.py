"""Where the benchmark's question sets are (CMRC 2018 dev, DRCD dev, XQuAD-half).

They live outside the repository, in `shared/bench` beside the checkout
(ROOT.parent/shared/bench: /work/shared/bench for /work/main, /tmp/shared/bench for a CI
clone in /tmp/ci1). A git worktree elsewhere (/work/wt/NAME) has no such neighbour: it
takes the one beside its main checkout (found from git's common directory). The
environment variable BENCH_DATA names another folder and wins over both.
"""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _main_checkout() -> Path | None:
    """The main checkout of the repository ROOT belongs to (None: not a git checkout)."""
    try:
        common = subprocess.run(["git", "rev-parse", "--path-format=absolute",
                                 "--git-common-dir"], cwd=ROOT, capture_output=True,
                                text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return Path(common).parent if common else None


def bench_data() -> Path:
    """The folder of the question sets (see the module's docstring)."""
    if os.environ.get("BENCH_DATA"):
        return Path(os.environ["BENCH_DATA"]).expanduser().resolve()
    beside = ROOT.parent / "shared" / "bench"
    if beside.is_dir():
        return beside
    main = _main_checkout()
    if main is not None and (main.parent / "shared" / "bench").is_dir():
        return main.parent / "shared" / "bench"
    return beside  # missing: the error names where it was looked for


DATA = bench_data()
