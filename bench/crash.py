"""`newsbot bench crash`: kill a bulk ingest with SIGKILL at random moments, restart, check.

Each round writes a JSON Lines file of new generated articles, runs `newsbot ingest --each` on
it in a child process and kills it (SIGKILL) at a random moment: during start-up, between
batches, while encoding, while saving. Some rounds then delete or damage the vector index file,
or check a damaged copy of the database. The data directory is then opened again through the
same command line (`newsbot stats --json`, which repairs what a crash left behind) and checked:

- no half article: every article has passages, and each passage's offsets slice its article;
- passages = vectors = lexical entries: the chunk ids in SQLite, the ids in the FAISS file and
  the FTS5 rows are the same set;
- nothing reported is lost: every article any killed run printed as added is still stored and a
  search for its code word finds it;
- a deleted or damaged index file is rebuilt; a damaged database is one sentence, no traceback.

The child runs the real `index.cli.main`; `--encoder hashing` (the default, for speed) only swaps
the encoder, exactly as the tests do. The harm is done in `bench.crash_kill`, the invariants are
checked in `bench.crash_checks`; this module runs the rounds, counts, and is the command.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.crash_checks import VECTORS_FILE, check_data_dir, unfound_articles
from bench.crash_kill import (
    ADDED,
    DAMAGES,
    calibrate,
    check_damaged_database,
    damage_index,
    killed_run,
    restart,
)
from bench.synthetic import Generated, generate, write_jsonl

__all__ = ["CrashReport", "cmd_crash", "register_cli", "run_crash_test"]


@dataclass
class CrashReport:
    """What a crash test did and every invariant it found broken."""

    rounds: int = 0
    kills: int = 0
    finished_before_kill: int = 0
    reported_added: int = 0
    articles: int = 0
    passages: int = 0
    index_damaged: int = 0
    index_rebuilt: int = 0
    database_damage_checks: int = 0
    searches: int = 0
    seconds: float = 0.0
    violations: list[str] = field(default_factory=list)

    def summary(self) -> str:
        lines = [
            f"rounds {self.rounds}, kills {self.kills} "
            f"(+{self.finished_before_kill} runs that finished first), "
            f"articles {self.articles} ({self.passages} passages; "
            f"{self.reported_added} reported added by killed runs, all searched: "
            f"{self.searches} searches), index files damaged or deleted {self.index_damaged} "
            f"(rebuilt {self.index_rebuilt}), damaged-database checks "
            f"{self.database_damage_checks}, violations {len(self.violations)}, "
            f"{self.seconds:.0f} s"
        ]
        lines += [f"  violation: {v}" for v in self.violations]
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        return {**self.__dict__}


# -- the whole test --------------------------------------------------------------------------


def run_crash_test(
    work: Path,
    rounds: int = 20,
    articles: int = 100,
    seed: int = 0,
    encoder: str = "hashing",
    damage_every: int = 3,
    log: Any = None,
    lexical: str = "tantivy",
) -> CrashReport:
    """Run `rounds` killed ingests of `articles` new articles each into `work/data`.

    `lexical` is the lexical index the checks open, which must be the one the killed runs
    use (they read NEWSBOT_LEXICAL, as `newsbot bench crash` does)."""
    from index.embed import Encoder, HashingEncoder, SentenceTransformerEncoder
    from index.engine import Engine
    from index.settings import Settings

    say = log or (lambda message: None)
    rng = random.Random(seed)
    report = CrashReport()
    started = time.monotonic()
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    data_dir = work / "data"
    by_url: dict[str, Generated] = {}
    previous: list[Generated] = []
    reported: dict[int, Generated] = {}
    verified: dict[int, Generated] = {}
    settings = Settings(data_dir=data_dir, lexical=lexical)
    estimate = calibrate(encoder, work, seed, 2 * articles)
    # One encoder for every check, so the real model loads once.
    checker: Encoder = (
        HashingEncoder()
        if encoder == "hashing"
        else SentenceTransformerEncoder(settings.model_name_or_path)
    )
    for number in range(rounds):
        report.rounds += 1
        batch = generate(seed, articles, first=number * articles)
        by_url.update((a.url, a) for a in batch)
        # The run restarts the interrupted one: the last round's articles again (those stored
        # come back as duplicates, the rest are added), then new ones.
        source = write_jsonl(previous + batch, work / f"round-{number}.jsonl")
        in_file, previous = len(previous) + articles, batch
        took, lines, stderr = killed_run(encoder, data_dir, source, rng, in_file, estimate)
        killed = took is None
        if took is not None:
            # A run that outlived its kill time shows how long a whole run takes now.
            estimate = max(estimate, took)
        report.kills += killed
        report.finished_before_kill += not killed
        if "Traceback" in stderr:
            report.violations.append(f"round {number}: the ingest crashed: {stderr[-500:]}")
        for line in lines:
            match = ADDED.match(line)
            if match and match[2] in by_url:
                reported[int(match[1])] = by_url[match[2]]
        damage = ""
        if damage_every and number % damage_every == damage_every - 1:
            damage = DAMAGES[(number // damage_every) % len(DAMAGES)]
            if damage == "damaged-database":
                problem = check_damaged_database(encoder, data_dir, work, rng)
                report.database_damage_checks += 1
                if problem:
                    report.violations.append(f"round {number}: {problem}")
            else:
                damage_index(data_dir / VECTORS_FILE, damage, rng)
                report.index_damaged += 1
        stats, problem = restart(encoder, data_dir)
        if stats is None:
            report.violations.append(f"round {number}: {problem}")
            break
        problems, report.articles, report.passages = check_data_dir(data_dir)
        if damage.endswith("-index") and not any("vector index" in p for p in problems):
            report.index_rebuilt += 1
        if stats["chunks"] != stats["vectors"]:
            problems.append(f"stats: {stats['chunks']} passages but {stats['vectors']} vectors")
        engine = Engine(settings, checker)
        try:
            engine.open()
            unfound, searches = unfound_articles(engine, reported, verified)
        finally:
            engine.close()
        report.searches += searches
        problems += unfound
        report.violations += [f"round {number}: {p}" for p in problems]
        say(
            f"round {number + 1}/{rounds}: {'killed' if killed else 'finished'}"
            f"{', ' + damage if damage else ''}; {report.articles} articles, "
            f"{len(reported)} reported, {len(problems)} violations"
        )
    report.reported_added = len(reported)
    report.seconds = time.monotonic() - started
    return report


def cmd_crash(settings: Any, args: argparse.Namespace) -> int:
    """The `bench crash` command: run, print the summary, exit 1 on any violation."""

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    report = run_crash_test(
        Path(args.work_dir),
        rounds=args.rounds,
        articles=args.articles,
        seed=args.seed,
        encoder=args.encoder,
        damage_every=args.damage_every,
        log=None if args.quiet else log,
        lexical=settings.lexical,
    )
    print(json.dumps(report.to_json()) if args.json else report.summary())
    return 1 if report.violations else 0


def register_cli(commands: Any) -> None:
    """Add `bench crash` under the `bench` command's subcommands."""
    crash = commands.add_parser(
        "crash",
        help="kill bulk ingests with SIGKILL at random moments and check nothing is lost",
        description="Ingest generated articles with `newsbot ingest`, SIGKILL it at random "
        "moments, sometimes damage the index or database, restart, and check every invariant.",
    )
    crash.add_argument("--rounds", type=int, default=20, help="killed runs (default 20)")
    crash.add_argument(
        "--articles", type=int, default=100, help="new articles per round (default 100)"
    )
    crash.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    crash.add_argument(
        "--encoder",
        choices=["hashing", "model"],
        default="hashing",
        help="hashing: the fast test encoder (default); model: the configured model",
    )
    crash.add_argument(
        "--damage-every",
        type=int,
        default=3,
        help="damage the index or check a damaged database every N rounds (0: never; default 3)",
    )
    crash.add_argument(
        "--work-dir", default=".bench/crash", help="scratch folder (default .bench/crash)"
    )
    crash.add_argument("--json", action="store_true", help="print the report as JSON")
    crash.add_argument("--quiet", action="store_true", help="no per-round lines on stderr")
    crash.set_defaults(handler=cmd_crash, standalone=True)
