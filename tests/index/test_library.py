"""The library keeps SQLite and the vector index consistent across adds, removals and restarts."""

from __future__ import annotations

from pathlib import Path

import pytest

from index import Engine, HashingEncoder, NotFound, Settings
from index import library as library_module
from index.library import VECTORS_FILE
from index.models import ArticleDraft


def _draft(number: int) -> ArticleDraft:
    # Words of their own per story, so that no story is a near-duplicate of another.
    own = " ".join(f"topic{number}w{i}" for i in range(8))
    text = (
        f"Story number {number} reports that the harbour board met about {own}. "
        f"Members discussed ferry route {number} and the lighthouse keeper number {number}."
    )
    return ArticleDraft(
        text=text, title=f"Harbour story {number}", url=f"https://x.example/{number}"
    )


def test_an_exact_index_grown_past_the_threshold_becomes_approximate_at_the_next_save(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(library_module, "APPROXIMATE_FROM", 300)
    with Engine(settings, encoder=HashingEncoder(dim=64)) as engine:
        added = engine.add_drafts([_draft(n) for n in range(250)])
        assert all(outcome.article for outcome in added)
        assert engine.stats().index_type == "exact"
        engine.add_drafts([_draft(n) for n in range(250, 400)])
        assert engine.stats().index_type == "ivf"
        assert engine.stats().vectors == engine.stats().chunks
        removed = engine.remove("3")
        assert removed.id == 3
        assert engine.stats().vectors == engine.stats().chunks
    with Engine(settings, encoder=HashingEncoder(dim=64)) as reopened:
        assert reopened.stats().index_type == "ivf"
        assert all(p.article.id != 3 for p in reopened.search("harbour story number 3", 20))


def test_a_deleted_index_file_is_rebuilt_from_the_database(settings: Settings) -> None:
    with Engine(settings, encoder=HashingEncoder()) as engine:
        engine.add_drafts([_draft(n) for n in range(5)])
        chunks = engine.stats().chunks
    (Path(settings.data_dir) / VECTORS_FILE).unlink()
    with Engine(settings, encoder=HashingEncoder()) as engine:
        assert engine.stats().vectors == chunks
        assert engine.search("ferry route 4", 1)[0].article.title == "Harbour story 4"


def test_variants_share_the_corpus_and_leave_the_original_untouched(engine: Engine) -> None:
    engine.add_drafts([_draft(n) for n in range(3)])
    variant = engine.with_params(search=type(engine.search_params)(dense_weight=1.0))
    assert variant.search_params.dense_weight == 1.0
    assert engine.search_params.dense_weight == 0.4
    assert variant.stats().articles == engine.stats().articles == 3


def test_a_malformed_link_to_remove_is_not_found_rather_than_a_crash(engine: Engine) -> None:
    with pytest.raises(NotFound, match="99x"):
        engine.remove("https://example.com:99x/")
