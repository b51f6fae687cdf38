"""A write that fails (the disk full, simulated by a file-size limit) is one clear sentence and
leaves what was stored before intact; a save killed half-way leaves no file behind for good."""

from __future__ import annotations

import json
import resource
import signal
import subprocess
import sys
from pathlib import Path

from index import Engine, HashingEncoder, Settings
from index.library import DATABASE_FILE, VECTORS_FILE
from index.vectors import VectorIndex

# The real command line, with the fast encoder the other tests use.
CLI = (
    "import sys; from index import Engine, HashingEncoder; from index.cli import main; "
    "sys.exit(main(sys.argv[1:], engine_factory=lambda s: Engine(s, HashingEncoder())))"
)
FILE_SIZE_LIMIT = 48 * 1024


def _record(number: int) -> dict[str, str]:
    words = " ".join(f"word{number}x{n}" for n in range(300))
    return {
        "url": f"https://news.example/story/{number}",
        "title": f"Story number {number}",
        "text": f"Story {number} begins with a sentence. {words}.",
    }


def _state(data_dir: Path) -> dict[int, tuple[str, str, int]]:
    with Engine(Settings(data_dir=data_dir), HashingEncoder()) as engine:
        articles = engine.list_articles(0, 1000)
        state = {a.id: (a.title, a.text, a.chunk_count) for a in articles}
        stats = engine.stats()
        assert stats.chunks == stats.vectors == sum(a.chunk_count for a in articles)
        assert all(a.chunk_count > 0 for a in articles)
    return state


def _limit_file_size() -> None:
    # Writing past the limit fails with EFBIG, as a full disk fails with ENOSPC; without the
    # signal ignored the kernel would kill the process instead.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_SIZE_LIMIT, FILE_SIZE_LIMIT))


def test_a_full_disk_is_one_sentence_and_the_stored_articles_survive(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    with Engine(Settings(data_dir=data_dir), HashingEncoder()) as engine:
        for number in range(3):
            record = _record(number)
            engine.add_text(record["text"], title=record["title"], url=record["url"])
    before = _state(data_dir)
    source = tmp_path / "more.jsonl"
    source.write_text("\n".join(json.dumps(_record(n)) for n in range(3, 60)) + "\n")

    done = subprocess.run(
        [sys.executable, "-c", CLI, "--data-dir", str(data_dir), "ingest", "--each", str(source)],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=_limit_file_size,
    )

    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    (message,) = done.stderr.strip().splitlines()
    assert message.startswith("newsbot: Could not ")
    assert "File too large" in message or "disk" in message
    after = _state(data_dir)
    # Everything stored before is still there, unchanged; whatever the failing run managed to
    # add is whole (and was reported); nothing half-written.
    assert {key: after[key] for key in before} == before
    reported = done.stdout.count("added: article")
    assert len(after) - len(before) == reported


def test_a_temporary_file_of_a_killed_save_is_removed_at_the_next_start(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    with Engine(settings, HashingEncoder()) as engine:
        record = _record(1)
        engine.add_text(record["text"], title=record["title"])
    # What a process killed while saving leaves: `.vectors.faiss.PID.tmp` of a dead process.
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    stale = settings.data_dir / f".{VECTORS_FILE}.{dead.stdout.strip()}.tmp"
    stale.write_bytes(b"half an index")
    with Engine(settings, HashingEncoder()) as engine:
        vectors = engine.stats().vectors
    assert not stale.exists()
    assert vectors > 0 and len(VectorIndex.load(settings.data_dir / VECTORS_FILE)) == vectors
    assert (settings.data_dir / DATABASE_FILE).exists()
