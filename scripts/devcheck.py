"""Print, for each case of a question set, the decision and the features behind it."""
import sys

from assistant.evaluate import load_cases, score_case
from assistant.pipeline import open_assistant

index_dir = sys.argv[1]
asst = open_assistant(index_dir)
total = 0
for path in sys.argv[2:]:
    cases = load_cases(path)
    passed = 0
    for case in cases:
        conv = asst.conversation()
        for q in case["turns"]:
            turn = conv.ask(q)
        r = score_case(case, turn.to_dict())
        passed += r.passed
        ret = conv.retrievals[-1]
        b = ret.candidates[0] if ret.candidates else None
        feat = f"dense={b.dense:.3f} lex={b.lex:.2f} kind={b.kind_ok} art={asst.index.articles[b.article_id].title[:8]}" if b else "-"
        print(f"{'PASS' if r.passed else 'FAIL'} {case['id']} found={turn.found} {ret.reason!r} {feat} {r.why}")
        if not r.passed:
            print("    ", turn.answer[:150])
    print(f"{path}: {passed}/{len(cases)}")
