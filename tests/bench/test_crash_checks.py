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
from index.lexical import Fts5Index
from index.lexical_tantivy import LEXICAL_DIR, TantivyIndex
from index.store import Store


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
        (['UPDATE chunks SET "end" = 1000000 WHERE id = 1'], "passage 1 is not a passage of"),
        (["UPDATE chunks SET start = start - 1 WHERE id = 2"], "passage 2 is not a passage of"),
    ],
)
def test_the_checker_finds_each_kind_of_damage(
    data_dir: Path, statements: list[str], found: str
) -> None:
    _execute(data_dir, "PRAGMA foreign_keys = OFF", *statements)
    problems, _, _ = check_data_dir(data_dir)
    assert any(found in problem for problem in problems), problems


def _unindex_from_tantivy(data_dir: Path, chunk_id: int) -> None:
    store = Store(data_dir / DATABASE_FILE)
    try:
        lexical = TantivyIndex.open(data_dir / LEXICAL_DIR, store)
        lexical.remove([chunk_id])
        lexical.commit()
        lexical.close()
    finally:
        store.close()


def test_the_checker_compares_the_lexical_index_in_use(data_dir: Path) -> None:
    _unindex_from_tantivy(data_dir, 1)
    problems, _, _ = check_data_dir(data_dir)
    assert "lexical rows differ from passages: 0 extra, 1 missing" in problems
    # With FTS5 in use, its rows are the ones compared.
    store = Store(data_dir / DATABASE_FILE)
    Fts5Index(store)
    store.close()
    assert check_data_dir(data_dir)[0] == []
    _execute(
        data_dir, "INSERT INTO chunks_fts(rowid, text, title, outlet) VALUES (99, 'x', '', '')"
    )
    problems, _, _ = check_data_dir(data_dir)
    assert "lexical rows differ from passages: 1 extra, 0 missing" in problems


def test_the_checker_finds_vectors_that_do_not_match(data_dir: Path) -> None:
    _execute(data_dir, "DELETE FROM chunks WHERE id = 1")
    problems, _, _ = check_data_dir(data_dir)
    assert "vectors differ from passages: 1 extra, 0 missing" in problems
    (data_dir / VECTORS_FILE).unlink()
    problems, _, _ = check_data_dir(data_dir)
    assert any("vector index not usable" in problem for problem in problems)
