"""The harm a round of `newsbot bench crash` does: an ingest killed at a random moment, and damage.

The child is the real command line (`python -m bench.crash_kill ENCODER NEWSBOT-ARGS…` runs
`index.cli.main`); `hashing` only swaps the encoder, exactly as the tests do. Besides the
SIGKILL, a round may delete or damage the vector index file, or check that a damaged copy of
the database is refused in one sentence; `restart` then opens the data directory through the
same command line (`newsbot stats --json`, which repairs what a crash left behind).
"""

from __future__ import annotations

import json
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from bench.crash_checks import DATABASE_FILE
from bench.synthetic import generate, write_jsonl

__all__ = [
    "ADDED",
    "DAMAGES",
    "calibrate",
    "check_damaged_database",
    "child_main",
    "damage_index",
    "killed_run",
    "restart",
]

REPO_ROOT = Path(__file__).resolve().parents[1]
# A line `newsbot ingest --each` prints for each article it added.
ADDED = re.compile(r"^\s*added: article (\d+) from (\S+)\s*$")
# What a round may do to the data directory after the kill, besides nothing.
# Taken in turn, so a short run already meets the first few.
DAMAGES = ("delete-index", "damaged-database", "garbage-index", "truncate-index", "empty-index")


# -- the child: the real command line with a chosen encoder ----------------------------------


def child_main(argv: list[str]) -> int:
    """`python -m bench.crash_kill ENCODER NEWSBOT-ARGS…`: run `newsbot` with that encoder."""
    from index.cli import main
    from index.engine import Engine

    encoder, args = argv[0], argv[1:]
    if encoder == "hashing":
        from index.embed import HashingEncoder

        return main(args, engine_factory=lambda settings: Engine(settings, HashingEncoder()))
    return main(args)


def _newsbot(encoder: str, *args: str) -> list[str]:
    return [sys.executable, "-m", "bench.crash_kill", encoder, *args]


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
            while sum(1 for line in self.lines if ADDED.match(line)) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not self._thread.is_alive():
                    return
                self._changed.wait(min(remaining, 0.05))

    def finish(self) -> list[str]:
        self._thread.join(timeout=30)
        return list(self.lines)


def killed_run(
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


def calibrate(encoder: str, work: Path, seed: int, articles: int) -> float:
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


def damage_index(path: Path, how: str, rng: random.Random) -> None:
    if how == "delete-index":
        path.unlink(missing_ok=True)
    elif how == "empty-index":
        path.write_bytes(b"")
    elif how == "truncate-index" and path.exists():
        content = path.read_bytes()
        path.write_bytes(content[: len(content) // 2])
    elif how == "garbage-index":
        path.write_bytes(rng.randbytes(max(64, path.stat().st_size if path.exists() else 4096)))


def check_damaged_database(encoder: str, data_dir: Path, work: Path, rng: random.Random) -> str:
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


# -- opening it again ------------------------------------------------------------------------


def restart(encoder: str, data_dir: Path) -> tuple[dict[str, Any] | None, str]:
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


if __name__ == "__main__":
    sys.exit(child_main(sys.argv[1:]))
