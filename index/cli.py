"""The `newsbot` command line: ingest, ask, list, remove, stats, feeds, latest, eval, bench."""

from __future__ import annotations

import argparse
import gc
import json
import logging
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, NoReturn, TextIO

from index.cli_feeds import register as register_feeds
from index.clock import as_of
from index.dedupe import display_url
from index.engine import Engine
from index.errors import IngestError, NewsbotError
from index.models import Answer, ArticleDraft, IngestOutcome, Stage
from index.settings import Settings, parse_database_url

__all__ = ["answer_to_json", "build_parser", "day_argument", "main", "run"]

log = logging.getLogger("newsbot")
MODEL_COMMANDS = {"ingest", "ask"}


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def answer_to_json(answer: Answer) -> dict[str, Any]:
    """The `ask --json` record of one answer."""
    return {
        "question": answer.question,
        "answered": answer.answered,
        "reason": answer.reason,
        "intent": answer.intent,
        "language": answer.language,
        "uncovered": list(answer.uncovered),
        "confidence": round(answer.confidence, 4),
        "quotes": [
            {
                "text": q.text,
                "url": q.article.url,
                "title": q.article.title,
                "outlet": q.article.outlet,
                "published_at": _iso(q.article.published_at),
                "article_id": q.article.id,
                "start": q.start,
                "end": q.end,
                "also_in": [
                    {"outlet": c.outlet, "title": c.title, "url": c.url, "article_id": c.id}
                    for c in answer.also_in.get(q.article.id, ())
                ],
            }
            for q in answer.quotes
        ],
        "passages": [
            {
                "text": p.chunk.text,
                "url": p.article.url,
                "title": p.article.title,
                "outlet": p.article.outlet,
                "published_at": _iso(p.article.published_at),
                "score": round(p.score, 6),
                "article_id": p.article.id,
            }
            for p in answer.passages
        ],
    }


def _date(value: datetime | None) -> str:
    return value.strftime("%d %B %Y").lstrip("0") if value else ""


def print_answer(answer: Answer, out: TextIO) -> None:
    """A human-readable answer: quotes grouped by article with their attribution."""
    print(f"Q: {answer.question}", file=out)
    if not answer.answered:
        print(f"   {answer.reason}", file=out)
        held = answer.holdings
        if held is not None and held.articles:
            span = f", {_date(held.first_published)} to {_date(held.last_published)}"
            print(
                f"   I have {held.articles} articles{span if held.last_published else ''}.",
                file=out,
            )
        if answer.suggestions:
            print("   Closest stories:", file=out)
            for article in answer.suggestions:
                print(f"   - {article.title} ({article.outlet or 'unknown outlet'})", file=out)
        print(file=out)
        return
    for article, quotes in answer.quotes_by_article():
        for quote in quotes:
            print(f"   “{quote.text}”", file=out)
        # Without a publication date, the day it was added stands in, marked as such.
        when = _date(article.published_at) or f"added {_date(article.added_at)}"
        print(
            f"   — {article.outlet or 'Unknown outlet'}, “{article.title}”, {when}"
            + (f", {display_url(article.url)}" if article.url else ""),
            file=out,
        )
        copies = answer.also_in.get(article.id, ())
        if copies:
            names = ", ".join(c.outlet or display_url(c.url or "") or c.title for c in copies)
            print(f"     also in: {names}", file=out)
    for part in answer.uncovered:
        print(f"   My sources don't cover “{part}”.", file=out)
    print(file=out)


def _questions(parts: Sequence[str], stdin: TextIO) -> Iterator[str]:
    """Questions from the arguments: text, or one per line from a file or from stdin ("-")."""
    if len(parts) == 1 and parts[0] == "-":
        lines: Iterable[str] = stdin
    elif len(parts) == 1 and Path(parts[0]).is_file():
        lines = Path(parts[0]).read_text(encoding="utf-8").splitlines()
    else:
        yield " ".join(parts)
        return
    for line in lines:
        if line.strip():
            yield line.strip()


def _progress(total: int | None, enabled: bool) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, unit="article", disable=not enabled, file=sys.stderr, leave=True)


def cmd_ingest(engine: Engine, args: argparse.Namespace) -> int:
    """Ingest URLs, files, JSON records and directories; report added, duplicate and failed."""
    import asyncio

    added: list[str] = []
    duplicates: list[str] = []
    failed: list[tuple[str, str]] = []
    urls = [s for s in args.sources if s.startswith(("http://", "https://"))]
    paths = [s for s in args.sources if s not in urls]
    items: list[tuple[str, ArticleDraft | IngestError]] = list(engine.ingest_paths(paths))
    engine.open()
    show = (not args.quiet and sys.stderr.isatty()) or args.progress
    bar = _progress(len(items) + len(urls), show)

    def record(outcome: IngestOutcome) -> None:
        if outcome.stage is Stage.DUPLICATE:
            duplicates.append(outcome.source)
        elif outcome.stage is Stage.FAILED:
            failed.append((outcome.source, outcome.message))
        else:
            added.append(outcome.source)
            if args.each and outcome.article is not None:
                # Printed once the article is committed, so a script can trust every line
                # even when the run is killed right after it (the crash test does).
                bar.clear()
                article = outcome.article
                note = ""
                if article.replaces is not None:
                    note = f" (replaces article {article.replaces})"
                elif article.story_id is not None:
                    note = f" (same story as article {article.story_id})"
                print(f"  added: article {article.id} from {outcome.source}{note}", flush=True)
        bar.update(1)

    # Articles go to the engine in groups so that their passages are encoded in shared batches.
    group = 32
    for first in range(0, len(items), group):
        window = items[first : first + group]
        readable = [(source, item) for source, item in window if isinstance(item, ArticleDraft)]
        outcomes = iter(
            engine.add_drafts(
                [draft for _, draft in readable], sources=[s for s, _ in readable], save=False
            )
        )
        for source, item in window:
            record(
                next(outcomes) if isinstance(item, ArticleDraft) else IngestOutcome.of(source, item)
            )
        if first // group % 10 == 9:
            engine.flush()  # bounds what a crash could cost to re-check at the next start
    engine.flush()

    from index.fetch import make_client  # httpx: only the commands that fetch pay its import

    async def fetch_all() -> None:
        settings = engine.settings
        async with make_client(settings.fetch_timeout, deadline=settings.fetch_deadline) as client:
            for url in urls:
                try:
                    record(IngestOutcome.of(url, await engine.add_url(url, client)))
                except IngestError as error:
                    record(IngestOutcome.of(url, error))
                except Exception as error:  # a bug met by one link must not cost the rest
                    log.info("Adding %s failed", url, exc_info=True)
                    failure = IngestError(f"internal error ({type(error).__name__}: {error})")
                    record(IngestOutcome.of(url, failure))

    if urls:
        asyncio.run(fetch_all())
    bar.close()
    print(f"added {len(added)}, duplicates {len(duplicates)}, failed {len(failed)}")
    for source, reason in failed:
        print(f"  failed: {source}: {reason}")
    if args.verbose:
        for source in duplicates:
            print(f"  duplicate: {source}")
    return 1 if failed and not added and not duplicates else 0


def day_argument(text: str) -> date:
    """An `--as-of` value: a day as YYYY-MM-DD."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2024-11-17") from None


def cmd_ask(engine: Engine, args: argparse.Namespace) -> int:
    """Answer each question in turn; one that fails gets an error of its own, the rest go on."""
    failures = 0
    if args.as_of is not None:
        engine.clock = as_of(args.as_of)
    for question in _questions(args.question, sys.stdin):
        try:
            answer = engine.ask(question, k=args.top)
        except NewsbotError as error:
            reason = str(error)
        except Exception as error:
            # A bug met by one question must not cost the answers to the rest of the batch.
            log.info("Answering %r failed", question, exc_info=True)  # traceback with -v
            reason = f"internal error ({type(error).__name__}: {error})"
        else:
            if args.json:
                print(json.dumps(answer_to_json(answer), ensure_ascii=False), flush=True)
            else:
                print_answer(answer, sys.stdout)
            continue
        failures += 1
        if args.json:
            failed = {"question": question, "error": reason}
            print(json.dumps(failed, ensure_ascii=False), flush=True)
        else:
            print(f"Q: {question}\n   error: {reason}\n", flush=True)
    return 1 if failures else 0


def cmd_articles(engine: Engine, args: argparse.Namespace) -> int:
    articles = engine.list_articles(args.offset, args.limit)
    if args.json:
        for a in articles:
            print(
                json.dumps(
                    {
                        "id": a.id,
                        "title": a.title,
                        "outlet": a.outlet,
                        "url": a.url,
                        "published_at": _iso(a.published_at),
                        "passages": a.chunk_count,
                    },
                    ensure_ascii=False,
                )
            )
        return 0
    if not articles:
        print("No articles yet. Add some with: newsbot ingest URL|FILE|DIR")
    for a in articles:
        print(f"{a.id:>6}  {_date(a.published_at) or 'undated':>17}  {a.outlet or '-'}: {a.title}")
    return 0


def cmd_remove(engine: Engine, args: argparse.Namespace) -> int:
    removed = engine.remove(args.article)
    print(f"Removed article {removed.id}: {removed.title}")
    return 0


def cmd_migrate(settings: Settings, args: argparse.Namespace) -> int:
    """Copy the embedded store (articles, passages, vectors, feeds) into PostgreSQL."""
    from index.migrate import migrate

    target = parse_database_url("--to", args.to.strip())
    enabled = args.progress or sys.stderr.isatty()
    report = migrate(settings.data_dir, target, lambda total: _progress(total, enabled))
    print(report.summary())
    print(
        "Start the bot (or newsbot) with NEWSBOT_DATABASE_URL set to that database to use it; "
        "running this again copies only what is missing."
    )
    return 0


def cmd_compact(settings: Settings, args: argparse.Namespace) -> int:
    """Give the disk back the database's free pages (run it while the bot is stopped)."""
    from index.library import DATABASE_FILE
    from index.store import Store

    if settings.database_url:
        print(
            "newsbot compact: works on the data directory's SQLite file; PostgreSQL reclaims "
            "its own space (VACUUM).",
            file=sys.stderr,
        )
        return 2
    path = settings.data_dir / DATABASE_FILE
    if not path.exists():
        print(f"newsbot compact: there is no database at {path}.", file=sys.stderr)
        return 1
    store = Store(path)
    try:
        before = store.size_bytes()
        store.compact()
        after = store.size_bytes()
    finally:
        store.close()
    print(f"Compacted {path}: {before:,} → {after:,} bytes.")
    return 0


def cmd_stats(engine: Engine, args: argparse.Namespace) -> int:
    stats = engine.stats()
    if args.json:
        print(
            json.dumps(
                {
                    "articles": stats.articles,
                    "chunks": stats.chunks,
                    "vectors": stats.vectors,
                    "index_type": stats.index_type,
                    "index_bytes": stats.index_bytes,
                    "database_bytes": stats.database_bytes,
                    "latest_published_at": _iso(stats.latest_published_at),
                }
            )
        )
    else:
        print(
            f"articles: {stats.articles}\npassages: {stats.chunks}\nvectors:  {stats.vectors} "
            f"({stats.index_type} index, {stats.index_bytes:,} bytes)\n"
            f"database: {stats.database_bytes:,} bytes\n"
            f"newest:   {_date(stats.latest_published_at) or 'undated'}"
        )
    return 0


def _add_global_options(parser: argparse.ArgumentParser) -> None:
    """The options that come before the command."""
    parser.add_argument(
        "--data-dir",
        type=Path,
        help="where the database and index live (default: $NEWSBOT_DATA_DIR or ./data)",
    )
    parser.add_argument(
        "--database-url",
        metavar="URL",
        help="a shared PostgreSQL database (with pgvector) instead of the data directory "
        "(default: $NEWSBOT_DATABASE_URL)",
    )
    parser.add_argument(
        "--model",
        help="sentence-transformers model name or path "
        "(default: $NEWSBOT_EMBEDDING_MODEL or the bundled all-MiniLM-L6-v2)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="more output")


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The command line. Given the `command` about to run, the developer tooling's `eval` and
    `bench` are added only when it is not one of the everyday commands: importing that tooling
    costs a tenth of a second that `newsbot ask` should not pay."""
    parser = argparse.ArgumentParser(
        prog="newsbot", description="Ingest news articles and answer questions with quotes."
    )
    _add_global_options(parser)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ingest = commands.add_parser("ingest", help="add articles from URLs, files or directories")
    ingest.add_argument(
        "sources",
        nargs="+",
        metavar="SOURCE",
        help="URL, .html/.txt file, JSON array or JSON Lines file, directory",
    )
    ingest.add_argument("--quiet", action="store_true", help="no progress bar")
    ingest.add_argument(
        "--progress",
        action="store_true",
        help="show the progress bar even when stderr is not a terminal",
    )
    ingest.add_argument(
        "--each",
        action="store_true",
        help="print a line for each article as soon as it is stored",
    )
    ingest.set_defaults(handler=cmd_ingest)

    ask = commands.add_parser("ask", help="answer a question (or one per line from FILE or -)")
    ask.add_argument("question", nargs="+", help="the question, or FILE, or - for stdin")
    ask.add_argument("--json", action="store_true", help="one JSON object per question per line")
    ask.add_argument("--top", type=int, default=10, help="passages to retrieve (default 10)")
    ask.add_argument(
        "--as-of",
        type=day_argument,
        metavar="YYYY-MM-DD",
        help="answer as if it were that day (the engine's clock reads its last moment, UTC)",
    )
    ask.set_defaults(handler=cmd_ask)

    articles = commands.add_parser("articles", help="list stored articles, newest first")
    articles.add_argument("--offset", type=int, default=0)
    articles.add_argument("--limit", type=int, default=20)
    articles.add_argument("--json", action="store_true")
    articles.set_defaults(handler=cmd_articles)

    remove = commands.add_parser("remove", help="remove an article by number or URL")
    remove.add_argument("article", metavar="ID|URL")
    remove.set_defaults(handler=cmd_remove)

    stats = commands.add_parser("stats", help="counts of articles, passages and vectors")
    stats.add_argument("--json", action="store_true")
    stats.set_defaults(handler=cmd_stats)

    compact = commands.add_parser(
        "compact", help="give the disk back the space of removed articles (bot stopped)"
    )
    compact.set_defaults(handler=cmd_compact, standalone=True)

    migrate = commands.add_parser(
        "migrate", help="copy the data directory into a shared PostgreSQL database"
    )
    migrate.add_argument(
        "--to", required=True, metavar="URL", help="postgresql://user:password@host/database"
    )
    migrate.add_argument(
        "--progress",
        action="store_true",
        help="show the progress bar even when stderr is not a terminal",
    )
    migrate.set_defaults(handler=cmd_migrate, standalone=True)

    register_feeds(commands)
    if command is None or command not in commands.choices:
        _register_optional(commands)
    return parser


def _command_in(argv: Sequence[str] | None) -> str | None:
    """The command word of a command line (after the global options), if there is one."""
    before_command = argparse.ArgumentParser(add_help=False, exit_on_error=False)
    _add_global_options(before_command)
    before_command.add_argument("command", nargs="?")
    try:
        known, _ = before_command.parse_known_args(argv)
    except argparse.ArgumentError:
        return None  # the whole parser reports it
    command: str | None = known.command
    return command


def _register_optional(commands: Any) -> None:
    """`eval` and `bench` come from the developer tooling in `bench/`, where it is installed."""
    try:
        from bench.cli import register_cli
    except ImportError:
        return
    register_cli(commands)


def main(
    argv: Sequence[str] | None = None,
    engine_factory: Callable[[Settings], Engine] = Engine,
) -> int:
    """Run one command; `engine_factory` lets tests swap in a fast encoder."""
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    args = build_parser(_command_in(argv)).parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        settings = Settings.from_env()
        if args.data_dir is not None:
            settings = replace(settings, data_dir=args.data_dir)
        if args.database_url:
            url = parse_database_url("--database-url", args.database_url.strip())
            settings = replace(settings, database_url=url)
        if args.model:
            settings = replace(settings, embedding_model=args.model)
        if getattr(args, "standalone", False):
            return int(args.handler(settings, args))
        engine = engine_factory(settings)
        try:
            # Listing, removing and counting never encode: skip the model's seconds of loading.
            engine.open(load_model=args.command in MODEL_COMMANDS)
            return int(args.handler(engine, args))
        finally:
            engine.close()
    except NewsbotError as error:
        print(f"newsbot: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def run() -> NoReturn:
    """The `newsbot` program: run the command, then exit without the interpreter's last
    collection walking every object the imports made (a tenth of a second for nothing; the
    process is ending). Only for a process of its own: in-process callers use `main`."""
    code = main()
    gc.freeze()
    sys.exit(code)
