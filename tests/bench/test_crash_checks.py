"""The crash test's checker finds each kind of damage it is meant to find, and passes a sound
data directory."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bench.crash_checks import DATABASE_FILE, VECTORS_FILE, check_data_dir
from bench.synthetic import generate
from index import Engine, HashingEncoder, Settings
from index.extract import draft_from_record


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
