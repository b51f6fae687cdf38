"""`newsbot bench crash`: a few killed ingests find no broken invariant, and the checker does
find each kind of damage it is meant to find."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bench.crash import DATABASE_FILE, VECTORS_FILE, check_data_dir, run_crash_test
from bench.synthetic import generate
from index import Engine, HashingEncoder, Settings
from index.cli import main
from index.extract import draft_from_record


def test_a_short_crash_run_kills_restarts_and_finds_nothing_broken(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # One damage per round: the index deleted, a damaged database checked, the index garbled.
    code = main(
        [
            "bench",
            "crash",
            "--rounds",
            "3",
            "--articles",
            "40",
            "--damage-every",
            "1",
            "--seed",
            "7",
            "--quiet",
            "--work-dir",
            str(tmp_path / "crash"),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    assert out.startswith("rounds 3, kills ")
    assert "violations 0" in out
    assert "index files damaged or deleted 2 (rebuilt 2)" in out
    assert "damaged-database checks 1" in out


def test_the_report_counts_what_happened(tmp_path: Path) -> None:
    report = run_crash_test(tmp_path / "crash", rounds=2, articles=30, seed=1, damage_every=0)
    assert report.violations == []
    assert report.rounds == 2 and report.kills + report.finished_before_kill == 2
    assert report.articles >= report.reported_added
    assert report.searches == report.reported_added


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    settings = Settings(data_dir=tmp_path / "data")
    with Engine(settings, HashingEncoder()) as engine:
        for article in generate(seed=3, count=5):
            engine.add_draft(draft_from_record(article.record()))
    return settings.data_dir


def test_a_sound_data_directory_passes(data_dir: Path) -> None:
    problems, articles, passages = check_data_dir(data_dir)
    assert problems == [] and articles == 5 and passages >= 5


def _execute(data_dir: Path, *statements: str) -> None:
    db = sqlite3.connect(data_dir / DATABASE_FILE)
    try:
        for statement in statements:
            db.execute(statement)
        db.commit()
    finally:
        db.close()


@pytest.mark.parametrize(
    ("statements", "found"),
    [
        (["DELETE FROM chunks WHERE article_id = 2"], "article 2 has no passages"),
        (["UPDATE chunks SET start = start + 1 WHERE id = 1"], "passage 1 is not article 1"),
        (["DELETE FROM chunks_fts WHERE rowid = 1"], "lexical rows differ from passages"),
    ],
)
def test_the_checker_finds_each_kind_of_damage(
    data_dir: Path, statements: list[str], found: str
) -> None:
    _execute(data_dir, "PRAGMA foreign_keys = OFF", *statements)
    problems, _, _ = check_data_dir(data_dir)
    assert any(found in problem for problem in problems), problems


def test_the_checker_finds_vectors_that_do_not_match(data_dir: Path) -> None:
    _execute(data_dir, "DELETE FROM chunks_fts WHERE rowid = 1", "DELETE FROM chunks WHERE id = 1")
    problems, _, _ = check_data_dir(data_dir)
    assert "vectors differ from passages: 1 extra, 0 missing" in problems
    (data_dir / VECTORS_FILE).unlink()
    problems, _, _ = check_data_dir(data_dir)
    assert any("vector index not usable" in problem for problem in problems)
