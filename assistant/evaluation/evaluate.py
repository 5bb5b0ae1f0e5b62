"""Evaluation: question sets (the ../shared/qa format) and SQuAD-format files (CMRC 2018).

`assistant eval --qa FILE.jsonl` asks every case (its turns in one conversation) against
an index; `assistant eval --squad FILE.json` indexes every paragraph of a SQuAD v1 file as
one article and asks every question in a fresh conversation; with `--questions-from
OTHER.json` (a SQuAD file of the same paragraphs and question ids in another language, e.g.
XQuAD's English half over its Chinese paragraphs) it asks OTHER's questions instead, gold
answers staying FILE's. Both report:

- retrieval: where the gold article stands in the de-duplicated article order of the
  hybrid-search hits the answerer worked from (continued, when it is not among them, by
  a deeper hybrid search of the last question): rank 1, top 5, MRR@10; and whether the
  answer's first citation is the gold article;
- answers: the gold text inside the answer (SQuAD), every must_contain group present and
  refusals of unanswerable questions (qa), the answered rate;
- latency of each question (p50, p95, in ms), measured around `Conversation.ask`.

A question set's cases may carry a `category` (what kind of question: number, date,
followup, unanswerable …) and a `split` (e.g. "fit" / "report": which half was used to
fit settings): the qa report then adds the same answer figures per category
(`by_category`), and `--split NAME` asks only that half.
"""
from __future__ import annotations

import hashlib
import json
import math
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from assistant.records import Article

DEEP_SEARCH_CHUNKS = 60   # hybrid hits searched to rank the gold article beyond the top
MRR_CUTOFF = 10
CORPUS_FACTOR = 5         # --limit: the corpus holds >= this many times the needed paragraphs
CACHE_DIR = Path(".cache") / "eval"


# scoring of the question sets -----------------------------------------------------------
@dataclass
class CaseResult:
    id: str
    passed: bool
    why: str
    turn: dict = field(default_factory=dict)


def read_cases(path: str | Path) -> list[tuple[int, dict | None, str]]:
    """The lines of a question-set file (JSON Lines, the shared qa format; also what
    `assistant ask --batch` reads): (line number, case, "") for a case, (line number,
    None, what is wrong) for a line that is not one; blank lines left out. Raises OSError
    or UnicodeDecodeError when the file cannot be read."""
    out: list[tuple[int, dict | None, str]] = []
    for no, line in enumerate(Path(path).read_text(encoding="utf-8-sig").splitlines(), 1):
        if not line.strip():
            continue
        try:
            case = json.loads(line)
        except ValueError as e:
            out.append((no, None, f"not JSON: {e}"))
            continue
        if not isinstance(case, dict) or not isinstance(case.get("turns"), list) \
                or not case["turns"]:
            out.append((no, None, "expected an object with a non-empty list \"turns\""))
            continue
        out.append((no, case, ""))
    return out


def load_cases(path: str | Path) -> list[dict]:
    """The cases of a question-set file; ValueError naming the first line that is not one."""
    cases = []
    for no, case, problem in read_cases(path):
        if case is None:
            raise ValueError(f"{path}:{no}: {problem}")
        cases.append(case)
    return cases


def heading_names(expected, heading: str) -> bool:
    """Whether a heading holds the case's `article`: a string, or a list of strings any of
    which will do (several articles of the set answer the question, e.g. two reports of
    one award ceremony)."""
    names = [expected] if isinstance(expected, str) else list(expected or [])
    return any(n and n in heading for n in names)


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
    if not cites or not heading_names(expected, cites[0]["heading"]):
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


# metrics -----------------------------------------------------------------------------------
def percentile(values: Iterable[float], q: float) -> float | None:
    """The q-th percentile (0..100) with linear interpolation between closest ranks
    (numpy's default); None for no values."""
    xs = sorted(float(v) for v in values)
    if not xs:
        return None
    if len(xs) == 1:
        return xs[0]
    pos = (len(xs) - 1) * q / 100.0
    lo = math.floor(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def reciprocal_rank(rank: int | None, cutoff: int = MRR_CUTOFF) -> float:
    """1/rank when the gold item is ranked within the cutoff, else 0."""
    return 1.0 / rank if rank is not None and 1 <= rank <= cutoff else 0.0


def mrr(ranks: Iterable[int | None], cutoff: int = MRR_CUTOFF) -> float | None:
    """Mean reciprocal rank at `cutoff`; a missing rank (None) counts 0."""
    rs = list(ranks)
    if not rs:
        return None
    return sum(reciprocal_rank(r, cutoff) for r in rs) / len(rs)


def hit_rate(ranks: Iterable[int | None], k: int) -> float | None:
    """Share of ranks within the top k."""
    rs = list(ranks)
    if not rs:
        return None
    return sum(1 for r in rs if r is not None and r <= k) / len(rs)


def mean_of(flags: Iterable[bool | None]) -> float | None:
    """Share of True among the flags that apply (None is skipped)."""
    xs = [bool(f) for f in flags if f is not None]
    return sum(xs) / len(xs) if xs else None


def dedupe(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def rank_of(ranking: list[str], is_gold: Callable[[str], bool]) -> int | None:
    """1-based position of the first gold item, None when absent."""
    for r, item in enumerate(ranking, start=1):
        if is_gold(item):
            return r
    return None


def latency_summary(ms: list[float]) -> dict:
    return {"n": len(ms), "p50": _round(percentile(ms, 50)), "p95": _round(percentile(ms, 95)),
            "mean": _round(sum(ms) / len(ms)) if ms else None,
            "max": _round(max(ms)) if ms else None}


def _round(x: float | None, nd: int = 2) -> float | None:
    return None if x is None else round(x, nd)


def gold_text_in(answer: str, golds: list[str]) -> bool:
    """Whether one of the gold answer texts appears verbatim in the answer."""
    return any(g.strip() and g.strip() in answer for g in golds)


# one question ------------------------------------------------------------------------------
@dataclass
class QuestionResult:
    """What one case (one conversation) gave, scored."""

    id: str
    turns: list[str]
    answer: str = ""
    found: bool = False
    cited: str | None = None            # article id of the first citation
    cited_heading: str | None = None
    gold_article: str | list | None = None  # SQuAD: an article id; qa: heading substring(s)
    gold_texts: list[str] = field(default_factory=list)
    must_contain: list[list[str]] = field(default_factory=list)
    rank: int | None = None             # gold article in the retrieved article order
    first_cited: bool | None = None     # None when no article is expected
    gold_in_answer: bool | None = None  # SQuAD only
    must_contain_ok: bool | None = None  # qa answerable cases only
    refusal_ok: bool | None = None      # qa unanswerable cases only
    passed: bool = False
    why: str = ""
    latency_ms: list[float] = field(default_factory=list)
    retrieved: list[str] = field(default_factory=list)  # article ids, best first (top 10)
    reason: str = ""                    # the answerer's reason to refuse, if any
    category: str | None = None         # qa: the case's `category`, when it has one
    short_answer: str | None = None     # the turn's short_answer text, when it gave one
    short_ok: bool | None = None        # qa: that short answer is a gold string (None: none)

    @property
    def question(self) -> str:
        return self.turns[-1] if self.turns else ""

    def miss_record(self) -> dict:
        return {"id": self.id, "question": self.question,
                "turns": self.turns if len(self.turns) > 1 else None,
                "gold": {"article": self.gold_article, "texts": self.gold_texts or None,
                         "must_contain": self.must_contain or None},
                "answer": self.answer, "found": self.found,
                "cited_article": self.cited, "cited_heading": self.cited_heading,
                "retrieval_rank": self.rank, "retrieved": self.retrieved,
                "why": self.why, "refusal_reason": self.reason or None,
                **({"short_answer": self.short_answer, "short_ok": self.short_ok}
                   if self.short_answer else {}),
                **({"category": self.category} if self.category else {})}


def _article_matcher(index, gold: str | None, by_heading: bool) -> Callable[[str], bool]:
    if gold is None:
        return lambda _aid: False
    if by_heading:
        return lambda aid: aid in index.articles and heading_names(gold,
                                                                    index.articles[aid].heading)
    return lambda aid: aid == gold


def ask_case(assistant, case_id: str, turns: list[str], gold_article: str | None,
             by_heading: bool) -> tuple[QuestionResult, dict | None]:
    """Ask the turns in one fresh conversation, time each, rank the gold article."""
    from assistant.qa.conversation import QuestionError

    res = QuestionResult(id=case_id, turns=list(turns), gold_article=gold_article)
    conv = assistant.conversation()
    turn = None
    for q in turns:
        t0 = time.perf_counter()
        try:
            turn = conv.ask(q)
        except QuestionError as e:
            res.latency_ms.append((time.perf_counter() - t0) * 1000)
            res.why = f"question rejected: {e}"
            return res, None
        res.latency_ms.append((time.perf_counter() - t0) * 1000)
    d = turn.to_dict()
    res.answer, res.found = d["answer"], bool(d["found"])
    if d.get("short_answer"):
        res.short_answer = str(d["short_answer"].get("text") or "")
    if d["citations"]:
        res.cited = d["citations"][0]["article_id"]
        res.cited_heading = d["citations"][0]["heading"]
    index = assistant.index
    is_gold = _article_matcher(index, gold_article, by_heading)
    retrieval = conv.retrievals[-1] if conv.retrievals else None
    hits = getattr(retrieval, "hits", None) or []
    res.reason = getattr(retrieval, "reason", "") or ""
    ranking = dedupe(h.node.metadata["article_id"] for h in hits)   # chunk nodes
    if gold_article is not None and rank_of(ranking, is_gold) is None:
        # The answerer looked at a few chunks only: a deeper search of the same question
        # ranks the gold article beyond them (its top is the answerer's own hits).
        deep = index.search(turns[-1], k=DEEP_SEARCH_CHUNKS)
        ranking = dedupe(ranking + [index.chunks[h.chunk].article_id for h in deep])
    res.retrieved = ranking[:MRR_CUTOFF]
    if gold_article is not None:
        res.rank = rank_of(ranking, is_gold)
        res.first_cited = res.found and res.cited is not None and is_gold(res.cited)
    return res, d


# question sources ----------------------------------------------------------------------------
def load_squad(path: str | Path) -> tuple[list[Article], list[dict]]:
    """Articles (one per paragraph) and questions, in file order, of a SQuAD file.

    A SQuAD 2.0 question marked `is_impossible` (its paragraph does not answer it) has no
    gold article (`article` None, `paragraph` its paragraph, which is indexed): the
    answerer must refuse it, and `summarize` reports refusal precision and recall."""
    path = Path(path)
    data = json.loads(path.read_text(encoding="utf-8-sig"))
    articles: list[Article] = []
    questions: list[dict] = []
    seen: set[str] = set()
    for item in data.get("data", []):
        title = str(item.get("title") or "").strip()
        for k, para in enumerate(item.get("paragraphs", [])):
            pid = str(para.get("id") or f"{item.get('id', len(articles))}-{k}")
            if pid in seen:
                raise ValueError(f"{path}: paragraph id {pid!r} appears twice")
            seen.add(pid)
            context = para.get("context") or ""
            articles.append(Article(id=pid, headings=[title] if title else [],
                                    paragraphs=[context], source=path.name))
            for qa in para.get("qas", []):
                if qa.get("is_impossible"):
                    questions.append({"id": str(qa.get("id")), "question": qa["question"],
                                      "article": None, "answers": [], "paragraph": pid})
                    continue
                golds = [a["text"] for a in qa.get("answers", []) if a.get("text", "").strip()]
                questions.append({"id": str(qa.get("id")), "question": qa["question"],
                                  "article": pid, "answers": dedupe(golds)})
    return articles, questions


def questions_from(questions: list[dict], path: str | Path) -> list[dict]:
    """The same questions worded as in another SQuAD file with the same question ids
    (XQuAD: English questions over the Chinese paragraphs); gold paragraphs and answers
    stay those of `questions`. A question id missing from `path` is an error."""
    data = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    worded = {str(qa.get("id")): qa["question"] for item in data.get("data", [])
              for para in item.get("paragraphs", []) for qa in para.get("qas", [])}
    missing = [q["id"] for q in questions if q["id"] not in worded]
    if missing:
        raise ValueError(f"{path}: {len(missing)} question ids of the SQuAD file are missing "
                         f"(first {missing[0]!r})")
    return [{**q, "question": worded[q["id"]]} for q in questions]


def _stable_key(s: str) -> str:
    return hashlib.sha1(s.encode("utf-8")).hexdigest()


def select_squad(articles: list[Article], questions: list[dict], limit: int | None,
                 corpus_factor: float = CORPUS_FACTOR) -> tuple[list[Article], list[dict]]:
    """The first `limit` questions, their paragraphs and distractor paragraphs.

    Distractors are a deterministic sample (by hash of the paragraph id) of the other
    paragraphs, enough for the corpus to hold `corpus_factor` times the needed ones.
    Without a limit: everything. Articles keep file order.
    """
    if limit is None or limit >= len(questions):
        return articles, questions
    qs = questions[:max(0, limit)]
    needed = dedupe(q.get("paragraph") or q["article"] for q in qs)
    want = max(len(needed), math.ceil(len(needed) * corpus_factor))
    others = sorted((a.id for a in articles if a.id not in set(needed)), key=_stable_key)
    keep = set(needed) | set(others[:want - len(needed)])
    return [a for a in articles if a.id in keep], qs


def _index_is_current(index_dir: Path, articles: list[Article], spec: str) -> bool:
    from assistant.index.store import FORMAT, current_version

    version = current_version(index_dir)
    if version is None:
        return False
    try:
        m = json.loads((version / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if m.get("format") != FORMAT or m.get("embedder", {}).get("spec") != spec:
        return False
    have = [(a["id"], a["hash"]) for a in m.get("articles", [])]
    return have == [(a.id, a.content_hash()) for a in articles]


def squad_index_dir(path: str | Path, limit: int | None,
                    corpus_factor: float = CORPUS_FACTOR) -> Path:
    """The cache folder of a SQuAD file's index (re-runs reuse its embeddings)."""
    name = Path(path).stem
    if limit is not None:
        name += f"-q{limit}" + ("" if corpus_factor == CORPUS_FACTOR else f"x{corpus_factor:g}")
    return CACHE_DIR / name


class ForeignIndex(ValueError):
    """The folder holds an index of other articles: a SQuAD run would replace it."""


def _check_not_foreign(index_dir: Path, source: str) -> None:
    from assistant.index.store import current_version

    version = current_version(index_dir)
    if version is None:
        return
    try:
        m = json.loads((version / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    others = {a.get("source") for a in m.get("articles", [])} - {source}
    if others:
        raise ForeignIndex(
            f"{index_dir} holds an index of other articles ({sorted(others)[0]} ...): "
            f"evaluating {source} there would replace it; give another --index-dir")


def ensure_index(articles: list[Article], index_dir: str | Path, embed_model: str | None = None,
                 progress_bar: bool = True, log: Callable[[str], None] | None = None) -> dict:
    """Build the index of `articles` in `index_dir` unless it already holds exactly them.

    Returns build facts: whether it was built, seconds, texts embedded and reused.
    """
    from assistant.index.embedding import resolve_embedder
    from assistant.index.build import build_index
    from assistant.service.indexing import tqdm_progress

    index_dir = Path(index_dir)
    spec = resolve_embedder(embed_model).spec
    if _index_is_current(index_dir, articles, spec):
        return {"built": False, "seconds": 0.0, "embedded": 0, "reused": None}
    if log:
        log(f"indexing {len(articles)} articles into {index_dir}")
    progress = tqdm_progress("embedding") if progress_bar else None
    report = build_index(articles, index_dir, embed_model=embed_model, progress=progress)
    return {"built": True, "seconds": round(report.seconds, 2), "embedded": report.embedded,
            "reused": report.reused, "chunks": report.chunks, "sentences": report.sentences}


# runs ------------------------------------------------------------------------------------
def warm_up(assistant, questions: list[str]) -> None:
    """Ask the first question, and the first English one, untimed: lazy set-up (jieba's
    tagger, the pinyin vocabulary) must not count as the latency of a question."""
    from assistant.qa.question import language

    picks = questions[:1] + [q for q in questions if language(q) == "en"][:1]
    for q in picks:
        try:
            assistant.conversation().ask(q)
        except Exception:  # noqa: BLE001 - a warm-up never fails the run
            pass


def _progress_bar(total: int, desc: str, enabled: bool):
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="q", file=sys.stderr, disable=not enabled,
                leave=False, dynamic_ncols=True)


def run_squad_questions(assistant, questions: list[dict],
                        progress_bar: bool = True) -> list[QuestionResult]:
    """Ask every SQuAD question in a fresh conversation and score it."""
    results = []
    warm_up(assistant, [q["question"] for q in questions])
    with _progress_bar(len(questions), "questions", progress_bar) as bar:
        for q in questions:
            res, _ = ask_case(assistant, q["id"], [q["question"]], q["article"],
                              by_heading=False)
            res.gold_texts = list(q["answers"])
            if q["article"] is None:   # SQuAD 2.0 is_impossible: refusing is right
                res.refusal_ok = res.passed = not res.found
                if not res.passed:
                    res.why = "answered a question its paragraph does not answer"
                results.append(res)
                bar.update(1)
                continue
            res.gold_in_answer = res.found and gold_text_in(res.answer, res.gold_texts)
            res.passed = bool(res.first_cited and res.gold_in_answer)
            if not res.passed and not res.why:
                res.why = _squad_why(res)
            results.append(res)
            bar.update(1)
    return results


def _squad_why(res: QuestionResult) -> str:
    if not res.found:
        return f"refused ({res.reason})" if res.reason else "refused"
    if not res.first_cited:
        where = f"gold at retrieval rank {res.rank}" if res.rank else "gold not retrieved"
        return f"cited {res.cited} first ({where})"
    return "gold article cited, gold text not in the answer"


def _compact(s: str) -> str:
    return "".join(str(s).split())


_APPROX = ("大约", "超过", "约", "近", "超", "逾", "余")


def _whole_words_of(part: str, whole: str) -> bool:
    """`part` stands in `whole` starting and ending on jieba word boundaries (so "4个" is
    in "4个排污口", but "12.5公" clips "12.5公里")."""
    import jieba

    at = whole.find(part)
    if at < 0:
        return False
    cuts, pos = {0}, 0
    for w in jieba.lcut(whole):
        pos += len(w)
        cuts.add(pos)
    return at in cuts and at + len(part) in cuts


def short_answer_ok(short: str | None, gold, must_contain: list[list[str]]) -> bool | None:
    """Whether a short answer (the bold span) is right: None when there is none or the case
    has no gold to judge it by (no article, no must_contain); a short answer to a question
    no article answers is wrong. Right when it holds one of the first must_contain group's
    strings, or is whole words of one with all of its figures (a name must be whole: "阿洪" for
    "吐尔迪·阿洪" is wrong; "4个" for "4个排污口",
    "12.5公" for "12.5公里" clips the unit, "10天" for "8到10天"
    drops a figure, "756人" for "1670人" is another figure)."""
    if not short:
        return None
    if gold is None:
        return False
    if not must_contain:
        return None
    s = _compact(short)
    for g in must_contain[0]:
        g = _compact(g)
        if not g:
            continue
        if g in s:
            return True
        core_s, core_g = s, g
        for a in _APPROX:          # 约/近/超 … qualify the figure on either side
            core_s = core_s[len(a):] if core_s.startswith(a) else core_s
            core_g = core_g[len(a):] if core_g.startswith(a) else core_g
        digits = "".join(ch for ch in core_g if ch.isdigit())
        if core_s and digits and digits == "".join(ch for ch in core_s if ch.isdigit()) \
                and _whole_words_of(core_s, core_g):
            return True
    return False


def run_qa_cases(assistant, cases: list[dict], progress_bar: bool = True) -> list[QuestionResult]:
    """Ask every case (its turns in one conversation) and score it as `score_case` does."""
    results = []
    warm_up(assistant, [str(c["turns"][0]) for c in cases])
    with _progress_bar(len(cases), "cases", progress_bar) as bar:
        for case in cases:
            turns = [str(t) for t in case["turns"]]
            gold = case.get("article")
            res, turn = ask_case(assistant, str(case.get("id")), turns, gold, by_heading=True)
            res.must_contain = case.get("must_contain") or []
            if case.get("category") is not None:
                res.category = str(case["category"])
            res.short_ok = short_answer_ok(res.short_answer, gold, res.must_contain)
            if turn is None:
                res.passed = False
                if gold is None:
                    res.refusal_ok = False
                else:
                    res.must_contain_ok = False
            else:
                scored = score_case(case, turn)
                res.passed, res.why = scored.passed, scored.why
                if gold is None:
                    res.refusal_ok = not res.found
                else:
                    res.must_contain_ok = res.found and all(
                        any(s in res.answer for s in g) for g in res.must_contain)
            results.append(res)
            bar.update(1)
    return results


def summarize(results: list[QuestionResult]) -> dict:
    """The report's figures over scored results."""
    answerable = [r for r in results if r.gold_article is not None]
    ranks = [r.rank for r in answerable]
    lat = [ms for r in results for ms in r.latency_ms]
    last = [r.latency_ms[-1] for r in results if r.latency_ms]
    return {
        "questions": len(results),
        "retrieval": {
            "evaluated": len(answerable),
            "rank1": _round(hit_rate(ranks, 1), 4),
            "first_cited": _round(mean_of(r.first_cited for r in answerable), 4),
            "top5": _round(hit_rate(ranks, 5), 4),
            "mrr10": _round(mrr(ranks, MRR_CUTOFF), 4),
        },
        "answers": {
            "gold_in_answer": _round(mean_of(r.gold_in_answer for r in results), 4),
            "must_contain": _round(mean_of(r.must_contain_ok for r in results), 4),
            "refusals_right": _round(mean_of(r.refusal_ok for r in results), 4),
            # Over the cases with no answer in the articles (gold article None): how many
            # refusals were right (precision) and how many such cases were refused (recall).
            "refusal_precision": _round(mean_of(r.gold_article is None for r in results
                                                if not r.found), 4)
            if any(r.gold_article is None for r in results) else None,
            "refusal_recall": _round(mean_of(not r.found for r in results
                                             if r.gold_article is None), 4),
            "answered": _round(mean_of(r.found for r in results), 4),
            "passed": _round(mean_of(r.passed for r in results), 4),
            # qa: bold short answers given, and the share of them that is not a gold string
            "short_answers": sum(1 for r in results if r.short_ok is not None),
            "short_wrong": _round(mean_of(not r.short_ok for r in results
                                          if r.short_ok is not None), 4),
        },
        "latency_ms": latency_summary(lat),
        "latency_last_turn_ms": latency_summary(last),
    }


def by_category(results: list[QuestionResult]) -> dict | None:
    """The answer figures of `summarize` per case category (None when no case has one):
    for each category its cases, passed, answered, first_cited (answerable cases),
    must_contain (answerable) and refusals_right (unanswerable), in first-seen order."""
    if not any(r.category for r in results):
        return None
    groups: dict[str, list[QuestionResult]] = {}
    for r in results:
        groups.setdefault(r.category or "-", []).append(r)
    out = {}
    for cat, rs in groups.items():
        answerable = [r for r in rs if r.gold_article is not None]
        out[cat] = {
            "cases": len(rs),
            "passed": _round(mean_of(r.passed for r in rs), 4),
            "answered": _round(mean_of(r.found for r in rs), 4),
            "first_cited": _round(mean_of(r.first_cited for r in answerable), 4),
            "must_contain": _round(mean_of(r.must_contain_ok for r in rs), 4),
            "refusals_right": _round(mean_of(r.refusal_ok for r in rs), 4),
            "short_answers": sum(1 for r in rs if r.short_ok is not None),
            "short_wrong": _round(mean_of(not r.short_ok for r in rs
                                          if r.short_ok is not None), 4),
        }
    return out


def select_split(cases: list[dict], split: str | None) -> list[dict]:
    """The cases whose `split` is `split` (all cases when None); an error naming the
    splits the file has when none matches."""
    if split is None:
        return cases
    picked = [c for c in cases if str(c.get("split")) == split]
    if not picked:
        have = sorted({str(c["split"]) for c in cases if c.get("split") is not None})
        raise ValueError(f"no case has split {split!r}"
                         + (f" (the file has: {', '.join(have)})" if have
                            else " (no case has a \"split\" field)"))
    return picked


@dataclass
class EvalRun:
    report: dict
    results: list[QuestionResult]


def evaluate_squad(path: str | Path, index_dir: str | Path | None = None,
                   limit: int | None = None, corpus_factor: float = CORPUS_FACTOR,
                   embed_model: str | None = None, llm=None, progress_bar: bool = True,
                   log: Callable[[str], None] | None = None,
                   questions_file: str | Path | None = None) -> EvalRun:
    """Index a SQuAD file's paragraphs (cached) and ask its questions, or those of
    `questions_file` with the same ids (see `questions_from`)."""
    from assistant.service.pipeline import Assistant

    articles, questions = load_squad(path)
    if questions_file:
        questions = questions_from(questions, questions_file)
    articles, questions = select_squad(articles, questions, limit, corpus_factor)
    folder = Path(index_dir) if index_dir else squad_index_dir(path, limit, corpus_factor)
    _check_not_foreign(folder, Path(path).name)
    build = ensure_index(articles, folder, embed_model, progress_bar=progress_bar, log=log)
    assistant = Assistant(folder, embed_model, llm=llm)
    results = run_squad_questions(assistant, questions, progress_bar=progress_bar)
    report = {"source": str(path), "kind": "squad", "index_dir": str(folder),
              "articles": len(articles), "chunks": len(assistant.index.chunks),
              "index_build": build, **summarize(results)}
    if questions_file:
        report["questions_from"] = str(questions_file)
    return EvalRun(report, results)


def evaluate_qa(path: str | Path, index_dir: str | Path | None = None, limit: int | None = None,
                llm=None, progress_bar: bool = True,
                log: Callable[[str], None] | None = None, split: str | None = None) -> EvalRun:
    """Ask a question set's cases (only those of `split`, when given) against an index
    (built from the seeds when missing)."""
    from assistant.service.pipeline import DEFAULT_INDEX_DIR, open_assistant

    cases = select_split(load_cases(path), split)
    if limit is not None:
        cases = cases[:max(0, limit)]
    folder = Path(index_dir) if index_dir else DEFAULT_INDEX_DIR
    assistant = open_assistant(folder, llm=llm, build_message=log)
    results = run_qa_cases(assistant, cases, progress_bar=progress_bar)
    report = {"source": str(path), "kind": "qa", "index_dir": str(folder),
              "articles": len(assistant.index.articles), "chunks": len(assistant.index.chunks),
              **summarize(results)}
    if split is not None:
        report["split"] = split
    cats = by_category(results)
    if cats is not None:
        report["by_category"] = cats
    return EvalRun(report, results)


# output ----------------------------------------------------------------------------------
def _fmt(x, pct: bool = True) -> str:
    if x is None:
        return "-"
    return f"{100 * x:.1f}%" if pct else f"{x:.3f}"


def format_report(report: dict) -> str:
    r, a, lat = report["retrieval"], report["answers"], report["latency_ms"]
    rows = [
        ("source", f"{report['source']} ({report['kind']}, {report['questions']} "
                   f"{'questions' if report['kind'] == 'squad' else 'cases'}"
                   + (f" of split {report['split']!r}" if report.get("split") else "")
                   + (f" worded as in {report['questions_from']}" if report.get("questions_from")
                      else "") + ")"),
        ("index", f"{report['index_dir']}: {report['articles']} articles, "
                  f"{report['chunks']} chunks"),
        ("retrieval: gold article rank 1", _fmt(r["rank1"])),
        ("retrieval: gold article in top 5", _fmt(r["top5"])),
        ("retrieval: MRR@10", _fmt(r["mrr10"], pct=False)),
        ("answer: first citation is gold", _fmt(r["first_cited"])),
    ]
    if report["kind"] == "squad":
        rows.append(("answer: gold text in answer", _fmt(a["gold_in_answer"])))
    else:
        rows += [("answer: must_contain passed", _fmt(a["must_contain"])),
                 ("answer: refusals right", _fmt(a["refusals_right"])),
                 ("refusals: precision / recall",
                  f"{_fmt(a.get('refusal_precision'))} / {_fmt(a.get('refusal_recall'))}"),
                 ("cases passed (score_case)", _fmt(a["passed"])),
                 ("short answers given / wrong",
                  f"{a.get('short_answers', 0)} / {_fmt(a.get('short_wrong'))}")]
    rows += [("answered", _fmt(a["answered"])),
             ("latency per question p50 / p95",
              f"{lat['p50']} / {lat['p95']} ms" if lat["n"] else "-")]
    width = max(len(k) for k, _ in rows)
    text = "\n".join(f"{k:<{width}}  {v}" for k, v in rows)
    if report.get("by_category"):
        text += "\n\n" + format_categories(report)
    return text


def format_categories(report: dict) -> str:
    """The per-category table of a qa report (Markdown), with the overall row last."""
    a, r = report["answers"], report["retrieval"]
    head = ("| category | cases | passed | answered | first cited | must_contain "
            "| refusals right | short answers wrong |")
    lines = [head, "|---|---:|---:|---:|---:|---:|---:|---:|"]

    def short(c):
        return f"{_fmt(c.get('short_wrong'))} of {c.get('short_answers', 0)}"

    for cat, c in report["by_category"].items():
        lines.append(f"| {cat} | {c['cases']} | {_fmt(c['passed'])} | {_fmt(c['answered'])} "
                     f"| {_fmt(c['first_cited'])} | {_fmt(c['must_contain'])} "
                     f"| {_fmt(c['refusals_right'])} | {short(c)} |")
    lines.append(f"| all | {report['questions']} | {_fmt(a['passed'])} | {_fmt(a['answered'])} "
                 f"| {_fmt(r['first_cited'])} | {_fmt(a['must_contain'])} "
                 f"| {_fmt(a['refusals_right'])} | {short(a)} |")
    return "\n".join(lines)


def misses(results: list[QuestionResult]) -> list[QuestionResult]:
    """Questions not fully right: wrong or missing first citation, gold text or refusal."""
    out = []
    for r in results:
        if r.gold_article is None:
            bad = not r.refusal_ok
        else:
            bad = not r.passed or r.rank != 1 or r.short_ok is False
        if bad:
            out.append(r)
    return out


def write_misses(path: str | Path, results: list[QuestionResult]) -> int:
    ms = misses(results)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        for r in ms:
            f.write(json.dumps(r.miss_record(), ensure_ascii=False) + "\n")
    return len(ms)


def main(args) -> int:
    """`assistant eval`: see the module doc. Returns the exit status."""
    from assistant.index.embedding import EmbedderError
    from assistant.index.store import IndexMismatch
    from assistant.qa.llm import llm_from_args

    def log(msg: str) -> None:
        print(f"assistant: {msg}", file=sys.stderr)

    if getattr(args, "split", None) and getattr(args, "squad", None):
        log("--split goes with --qa (a question set's \"split\" field)")
        return 2
    if getattr(args, "questions_from", None) and not getattr(args, "squad", None):
        log("--questions-from goes with --squad")
        return 2
    limit = getattr(args, "limit", None)
    if limit is not None and limit < 1:
        log("--limit must be at least 1")
        return 2
    try:
        llm = llm_from_args(args)
    except (NotImplementedError, ValueError) as e:  # LLMConfigError is a ValueError
        log(str(e))
        return 2
    progress_bar = not getattr(args, "quiet", False)
    try:
        if getattr(args, "squad", None):
            run = evaluate_squad(args.squad, args.index_dir, limit,
                                 corpus_factor=getattr(args, "corpus_factor", CORPUS_FACTOR),
                                 embed_model=getattr(args, "embed_model", None), llm=llm,
                                 progress_bar=progress_bar, log=log,
                                 questions_file=getattr(args, "questions_from", None))
        else:
            run = evaluate_qa(args.qa, args.index_dir, limit, llm=llm,
                              progress_bar=progress_bar, log=log,
                              split=getattr(args, "split", None))
    except (OSError, ValueError, KeyError) as e:
        if isinstance(e, (IndexMismatch, EmbedderError)):
            log(str(e))
            return 2
        log(f"cannot evaluate: {e}")
        return 2
    if getattr(args, "misses", None):
        n = write_misses(args.misses, run.results)
        run.report["misses_file"] = str(args.misses)
        run.report["misses"] = n
    if getattr(args, "json", False):
        print(json.dumps(run.report, ensure_ascii=False))
    else:
        print(format_report(run.report))
        if getattr(args, "misses", None):
            print(f"{run.report['misses']} misses written to {args.misses}")
    return 0
