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
the encoder, exactly as the tests do.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.synthetic import Generated, generate, write_jsonl

__all__ = ["CrashReport", "register_cli", "run_crash_test"]

REPO_ROOT = Path(__file__).resolve().parents[1]
DATABASE_FILE = "newsbot.sqlite3"
VECTORS_FILE = "vectors.faiss"
_ADDED = re.compile(r"^\s*added: article (\d+) from (\S+)\s*$")
# What a round may do to the data directory after the kill, besides nothing.
# Taken in turn, so a short run already meets the first few.
DAMAGES = ("delete-index", "damaged-database", "garbage-index", "truncate-index", "empty-index")


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


# -- the child: the real command line with a chosen encoder ----------------------------------


def child_main(argv: list[str]) -> int:
    """`python -m bench.crash ENCODER NEWSBOT-ARGS…`: run `newsbot` with that encoder."""
    from index.cli import main
    from index.engine import Engine

    encoder, args = argv[0], argv[1:]
    if encoder == "hashing":
        from index.embed import HashingEncoder

        return main(args, engine_factory=lambda settings: Engine(settings, HashingEncoder()))
    return main(args)


def _newsbot(encoder: str, *args: str) -> list[str]:
    return [sys.executable, "-m", "bench.crash", encoder, *args]


# -- one killed run --------------------------------------------------------------------------


class _Lines:
    """Reads a child's stdout in a thread so the parent can wait for the n-th line."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.lines: list[str] = []
        self._changed = threading.Condition()
        self._process = process
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        assert self._process.stdout is not None
        for line in self._process.stdout:
            with self._changed:
                self.lines.append(line)
                self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    def wait_for_added(self, count: int, timeout: float) -> None:
        """Until `count` articles were reported, the child exits, or `timeout` passes."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while sum(1 for line in self.lines if _ADDED.match(line)) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not self._thread.is_alive():
                    return
                self._changed.wait(min(remaining, 0.05))

    def finish(self) -> list[str]:
        self._thread.join(timeout=30)
        return list(self.lines)


def _killed_run(
    encoder: str,
    data_dir: Path,
    source: Path,
    rng: random.Random,
    articles: int,
    estimate: float,
) -> tuple[float | None, list[str], str]:
    """Ingest `source`, SIGKILL it at a random moment within about `estimate` seconds.

    Returns how long the run took if it finished before the kill (None if it was killed),
    the lines it printed and its stderr.
    """
    began = time.monotonic()
    process = subprocess.Popen(
        _newsbot(encoder, "--data-dir", str(data_dir), "ingest", "--each", "--quiet", str(source)),
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines = _Lines(process)
    # Half the kills land just after some articles were reported (the next batch being encoded
    # or committed, the index being saved); the rest at a uniformly random time of the run
    # (imports, opening and repairing, any batch).
    if rng.random() < 0.5:
        lines.wait_for_added(rng.randint(1, articles), timeout=60)
        time.sleep(rng.uniform(0, 0.05))
    else:
        time.sleep(rng.uniform(0, estimate))
    killed = process.poll() is None
    if killed:
        process.send_signal(signal.SIGKILL)
    try:
        _, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    took = None if killed else time.monotonic() - began
    return took, lines.finish(), stderr or ""


def _calibrate(encoder: str, work: Path, seed: int, articles: int) -> float:
    """Seconds a whole unkilled run of `articles` new articles takes (kill times spread over it);
    later runs that finish before their kill raise the estimate as the corpus grows."""
    scratch = work / "calibrate"
    source = write_jsonl(generate(seed + 1, articles), work / "calibrate.jsonl")
    began = time.monotonic()
    subprocess.run(
        _newsbot(encoder, "--data-dir", str(scratch), "ingest", "--quiet", str(source)),
        cwd=REPO_ROOT,
        capture_output=True,
        check=True,
        timeout=600,
    )
    took = time.monotonic() - began
    shutil.rmtree(scratch, ignore_errors=True)
    return took


# -- what a round may break ------------------------------------------------------------------


def _damage_index(path: Path, how: str, rng: random.Random) -> None:
    if how == "delete-index":
        path.unlink(missing_ok=True)
    elif how == "empty-index":
        path.write_bytes(b"")
    elif how == "truncate-index" and path.exists():
        content = path.read_bytes()
        path.write_bytes(content[: len(content) // 2])
    elif how == "garbage-index":
        path.write_bytes(rng.randbytes(max(64, path.stat().st_size if path.exists() else 4096)))


def _check_damaged_database(encoder: str, data_dir: Path, work: Path, rng: random.Random) -> str:
    """A damaged copy of the database must give one sentence and exit 1; '' when it does."""
    copy = work / "damaged-copy"
    shutil.rmtree(copy, ignore_errors=True)
    copy.mkdir(parents=True)
    database = data_dir / DATABASE_FILE
    if not database.exists():
        return ""
    shutil.copyfile(database, copy / DATABASE_FILE)
    content = bytearray((copy / DATABASE_FILE).read_bytes())
    # Keep SQLite's 100-byte header so the damage is found inside, not at the door.
    content[100:] = rng.randbytes(len(content) - 100)
    (copy / DATABASE_FILE).write_bytes(bytes(content))
    done = subprocess.run(
        _newsbot(encoder, "--data-dir", str(copy), "stats", "--json"),
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    message = done.stderr.strip()
    shutil.rmtree(copy, ignore_errors=True)
    if done.returncode != 1 or "Traceback" in message or "\n" in message:
        return f"damaged database: exit {done.returncode}, stderr {message[:300]!r}"
    if not message.startswith("newsbot: The database") or "damaged" not in message:
        return f"damaged database: unclear message {message[:300]!r}"
    return ""


# -- the checks after a restart --------------------------------------------------------------


def _restart(encoder: str, data_dir: Path) -> tuple[dict[str, Any] | None, str]:
    """Open the data directory through the command line, as the next run would."""
    done = subprocess.run(
        _newsbot(encoder, "--data-dir", str(data_dir), "stats", "--json"),
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if done.returncode != 0:
        return None, f"restart failed (exit {done.returncode}): {done.stderr.strip()[-500:]}"
    stats: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return stats, ""


def check_data_dir(data_dir: Path) -> tuple[list[str], int, int]:
    """Invariant violations of a closed data directory; also its article and passage counts."""
    import sqlite3

    from index.errors import StorageError
    from index.vectors import VectorIndex

    problems: list[str] = []
    db = sqlite3.connect(data_dir / DATABASE_FILE)
    try:
        texts = dict(db.execute("SELECT id, text FROM articles"))
        chunks = db.execute("SELECT id, article_id, start, end, text FROM chunks").fetchall()
        fts = {int(row[0]) for row in db.execute("SELECT rowid FROM chunks_fts")}
    finally:
        db.close()
    owners = {int(row[1]) for row in chunks}
    for article_id in sorted(set(texts) - owners):
        problems.append(f"article {article_id} has no passages (half an article)")
    for chunk_id, article_id, start, end, text in chunks:
        if article_id not in texts:
            problems.append(f"passage {chunk_id} belongs to missing article {article_id}")
        elif texts[article_id][start:end] != text:
            problems.append(f"passage {chunk_id} is not article {article_id}[{start}:{end}]")
    chunk_ids = {int(row[0]) for row in chunks}
    if fts != chunk_ids:
        problems.append(
            f"lexical rows differ from passages: {len(fts - chunk_ids)} extra, "
            f"{len(chunk_ids - fts)} missing"
        )
    try:
        held = VectorIndex.load(data_dir / VECTORS_FILE).ids()
    except StorageError as error:
        problems.append(f"vector index not usable after restart: {error}")
    else:
        if held != chunk_ids:
            problems.append(
                f"vectors differ from passages: {len(held - chunk_ids)} extra, "
                f"{len(chunk_ids - held)} missing"
            )
    leftovers = sorted(p.name for p in data_dir.glob(f".{VECTORS_FILE}.*.tmp"))
    if leftovers:
        problems.append(f"temporary index files left behind: {', '.join(leftovers)}")
    return problems, len(texts), len(chunks)


def _unfound(
    engine: Any, reported: dict[int, Generated], checked: dict[int, Generated]
) -> tuple[list[str], int]:
    """Reported articles that are gone or that a search for their code word does not find."""
    problems: list[str] = []
    searches = 0
    for article_id, article in reported.items():
        if article_id in checked:
            continue
        try:
            stored = engine.get_article(article_id)
        except Exception as error:
            problems.append(f"article {article_id} ({article.url}) was reported added: {error}")
            continue
        if stored.url != article.url:
            problems.append(f"article {article_id} is {stored.url}, reported as {article.url}")
            continue
        searches += 1
        found = {p.article.id for p in engine.search(article.phrase, 10)}
        if article_id not in found:
            problems.append(f"a search for {article.phrase!r} does not find article {article_id}")
            continue
        checked[article_id] = article
    return problems, searches


# -- the whole test --------------------------------------------------------------------------


def run_crash_test(
    work: Path,
    rounds: int = 20,
    articles: int = 100,
    seed: int = 0,
    encoder: str = "hashing",
    damage_every: int = 3,
    log: Any = None,
) -> CrashReport:
    """Run `rounds` killed ingests of `articles` new articles each into `work/data`."""
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
    settings = Settings(data_dir=data_dir)
    estimate = _calibrate(encoder, work, seed, 2 * articles)
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
        took, lines, stderr = _killed_run(encoder, data_dir, source, rng, in_file, estimate)
        killed = took is None
        if took is not None:
            # A run that outlived its kill time shows how long a whole run takes now.
            estimate = max(estimate, took)
        report.kills += killed
        report.finished_before_kill += not killed
        if "Traceback" in stderr:
            report.violations.append(f"round {number}: the ingest crashed: {stderr[-500:]}")
        for line in lines:
            match = _ADDED.match(line)
            if match and match[2] in by_url:
                reported[int(match[1])] = by_url[match[2]]
        damage = ""
        if damage_every and number % damage_every == damage_every - 1:
            damage = DAMAGES[(number // damage_every) % len(DAMAGES)]
            if damage == "damaged-database":
                problem = _check_damaged_database(encoder, data_dir, work, rng)
                report.database_damage_checks += 1
                if problem:
                    report.violations.append(f"round {number}: {problem}")
            else:
                _damage_index(data_dir / VECTORS_FILE, damage, rng)
                report.index_damaged += 1
        stats, problem = _restart(encoder, data_dir)
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
            unfound, searches = _unfound(engine, reported, verified)
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


if __name__ == "__main__":
    sys.exit(child_main(sys.argv[1:]))
