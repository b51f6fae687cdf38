"""`newsbot migrate --to postgresql://…`: an embedded data directory copied into PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from index import ArticleDraft, Engine, HashingEncoder, Settings, Stage
from index.cli import main
from index.pg_store import PostgresStore

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
WIRE = (FIXTURES / "lindmark-wire.txt").read_text().strip()
VACCINE = (FIXTURES / "vaccine-trial.txt").read_text().strip()
FERRY = "The ferry to Port Ellery resumed on Monday. Storm damage closed the pier for a week."
QUESTION = "why are the Lindmark dockworkers on strike?"


def _draft(text: str, outlet: str, url: str, day: int) -> ArticleDraft:
    return ArticleDraft(
        text=text,
        title=text.split(".")[0][:80],
        url=url,
        outlet=outlet,
        published_at=datetime(2025, 3, day, 8, tzinfo=UTC),
    )


def _fill(settings: Settings) -> list[int]:
    with Engine(settings, encoder=HashingEncoder()).open() as engine:
        ids = [
            engine.add_draft(_draft(WIRE, "Northern Wire", "https://wire.example/lindmark", 8)).id,
            # A copy of the same story from another outlet, grouped under the first.
            engine.add_draft(_draft(WIRE, "The Valley Ledger", "https://ledger.example/l", 8)).id,
            engine.add_draft(_draft(VACCINE, "Health Desk", "https://health.example/v", 9)).id,
            engine.add_draft(_draft(FERRY, "Harbour Herald", "https://herald.example/f", 10)).id,
        ]
        engine.remove(str(ids.pop(2)))  # numbering has a gap the copy must keep
        feed = engine.add_feed("https://feeds.example/rss.xml", 30)
        engine.feeds.db.mark(feed.id, ["guid-1"], Stage.ADDED, datetime.now(UTC), ids[0])
        return ids


def _run(settings: Settings, url: str) -> int:
    return main(["--data-dir", str(settings.data_dir), "migrate", "--to", url])


def _answer(settings: Settings) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """The passages found for the question and the quotes answered with."""
    with Engine(settings, encoder=HashingEncoder()).open() as engine:
        found = [(p.article.id, p.chunk.text) for p in engine.search(QUESTION, k=5)]
        answer = engine.ask(QUESTION)
        return found, [(quote.article.id, quote.text) for quote in answer.quotes]


def test_a_data_directory_moves_with_its_numbers_answers_and_feeds(
    settings: Settings, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = _fill(settings)
    before = _answer(settings)
    assert _run(settings, database_url) == 0
    assert "Copied 3 articles" in capsys.readouterr().out
    shared = replace(settings, database_url=database_url)
    assert before[0] and _answer(shared) == before
    with Engine(shared, encoder=HashingEncoder()).open() as engine:
        assert [a.id for a in engine.list_articles(0, 10)] == sorted(ids, reverse=True)
        copy = engine.get_article(ids[1])
        assert copy.story_id == ids[0]  # still the same story
        (feed,) = engine.list_feeds()
        assert feed.url == "https://feeds.example/rss.xml" and feed.interval_minutes == 30
        assert engine.feeds.db.done_keys(feed.id, ["guid-1", "guid-2"]) == {"guid-1"}
        # New articles are numbered after the copied ones.
        later = "The pier at Port Ellery reopened on Friday after repairs costing two million."
        added = engine.add_draft(_draft(later, "Harbour Herald", "https://herald.example/p", 11))
        assert added.id == max(ids) + 1


def test_running_it_again_or_after_an_interruption_copies_only_what_is_missing(
    settings: Settings,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _fill(settings)
    monkeypatch.setattr("index.migrate.BATCH", 1)
    real = PostgresStore.import_article
    calls = 0

    def failing(self: PostgresStore, *args: object) -> None:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise ConnectionResetError("the network went away")
        real(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(PostgresStore, "import_article", failing)
    with pytest.raises(ConnectionResetError):
        _run(settings, database_url)
    monkeypatch.setattr(PostgresStore, "import_article", real)
    capsys.readouterr()
    assert _run(settings, database_url) == 0
    out = capsys.readouterr().out
    assert "Copied 2 articles" in out and "1 articles were already there" in out
    assert _run(settings, database_url) == 0
    out = capsys.readouterr().out
    assert "Copied 0 articles" in out and "3 articles were already there" in out
    store = PostgresStore(database_url)
    try:
        assert store.count_articles() == 3
        assert len(store.read("SELECT id FROM feeds")) == 1
    finally:
        store.close()


def test_a_bad_target_or_missing_source_is_one_clear_line(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(settings, "mysql://x") == 1
    assert "--to must be a PostgreSQL URL" in capsys.readouterr().err
    empty = replace(settings, data_dir=tmp_path / "nothing")
    assert _run(empty, "postgresql://u@/db?host=/nonexistent") == 1
    assert "no newsbot database" in capsys.readouterr().err
