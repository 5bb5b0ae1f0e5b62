"""Scoring of answers against question sets (the ../shared/qa format)."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class CaseResult:
    id: str
    passed: bool
    why: str
    turn: dict = field(default_factory=dict)


def load_cases(path: str | Path) -> list[dict]:
    cases = []
    for no, line in enumerate(Path(path).read_text(encoding="utf-8-sig").splitlines(), 1):
        if not line.strip():
            continue
        try:
            case = json.loads(line)
        except ValueError as e:
            raise ValueError(f"{path}:{no}: not JSON: {e}") from e
        if not isinstance(case, dict) or not case.get("turns"):
            raise ValueError(f"{path}:{no}: expected an object with \"turns\"")
        cases.append(case)
    return cases


def score_case(case: dict, turn: dict) -> CaseResult:
    """Pass when the right article is cited first and every must_contain group is present."""
    cid = str(case.get("id"))
    expected = case.get("article")
    if expected is None:
        ok = not turn.get("found")
        return CaseResult(cid, ok, "" if ok else "answered a question the articles do not cover",
                          turn)
    if not turn.get("found"):
        return CaseResult(cid, False, "refused a question the articles answer", turn)
    cites = turn.get("citations") or []
    if not cites or expected not in cites[0]["heading"]:
        first = cites[0]["heading"] if cites else "nothing"
        return CaseResult(cid, False, f"cited {first!r} first, not {expected!r}", turn)
    answer = turn.get("answer", "")
    for group in case.get("must_contain", []):
        if not any(s in answer for s in group):
            return CaseResult(cid, False, f"answer lacks any of {group}", turn)
    return CaseResult(cid, True, "", turn)


def run_cases(assistant, cases: list[dict]) -> list[CaseResult]:
    results = []
    for case in cases:
        conv = assistant.conversation()
        turn = None
        for q in case["turns"]:
            turn = conv.ask(q).to_dict()
        results.append(score_case(case, turn))
    return results
