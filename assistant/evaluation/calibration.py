"""The similarity anchors of an index's embedder, for a new entry of calibrations.json
(`index/calibration.py`), and the calibration the index answers with.

    python -m assistant.evaluation.calibration INDEX_DIR
"""
from __future__ import annotations

import json
from pathlib import Path

from assistant.index.calibration import measure_anchors, of_index


def main(argv: list[str] | None = None) -> int:
    """`python -m assistant.evaluation.calibration INDEX_DIR`: the anchors of an index's
    embedder (for a new entry of calibrations.json) and the calibration it uses."""
    import argparse

    from assistant.index.store import NewsIndex

    p = argparse.ArgumentParser(prog="python -m assistant.evaluation.calibration")
    p.add_argument("index_dir")
    args = p.parse_args(argv)
    index = NewsIndex.load(Path(args.index_dir))
    print(json.dumps({"anchors": measure_anchors(index),
                      "calibration": of_index(index).to_manifest()}, ensure_ascii=False,
                     indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
