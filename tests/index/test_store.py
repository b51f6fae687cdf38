"""The SQLite store on a real file: migrations, duplicates, removal, lexical search, export."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from index.chunk import Span
from index.database import PAGE_SIZE
from index.errors import DuplicateArticle, NotFound
from index.lexical import Fts5Index, fts_query
from index.models import ArticleDraft
from index.store import MIGRATIONS, Store

TEXT = "The ferry to Port Ellery resumed on Monday. Storm damage closed the pier for a week."
SPANS = [Span(0, 43), Span(44, len(TEXT))]


def _vectors(count: int, dim: int = 4) -> np.ndarray:
    return np.eye(count, dim, dtype=np.float32)


def _draft(text: str = TEXT, url: str | None = "https://x.example/ferry") -> ArticleDraft:
    return ArticleDraft(
        text=text,
        title="Ferry back after storm",
        url=url,
        outlet="Harbour Herald",
        published_at=datetime(2024, 11, 4, 9, 30, tzinfo=UTC),
    )


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "db" / "newsbot.sqlite3")


def test_a_new_file_runs_every_migration_once(tmp_path: Path) -> None:
    path = tmp_path / "newsbot.sqlite3"
    Store(path).close()
    again = Store(path)  # reopening must not re-run a migration
    again.close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_an_article_is_stored_with_exact_offsets_and_found_again(store: Store) -> None:
    article, chunk_ids = store.add_article(_draft(), "x.example/ferry", "hash1", SPANS, _vectors(2))
    assert article.chunk_count == 2
    chunks = store.get_chunks(chunk_ids)
    assert [c.text for c in chunks.values()] == [TEXT[s.start : s.end] for s in SPANS]
    assert store.get_article(article.id).published_at == datetime(2024, 11, 4, 9, 30, tzinfo=UTC)
    found = store.find_by_url("x.example/ferry")
    assert found is not None and found.id == article.id
    assert store.outlets() == ["Harbour Herald"]


def test_the_same_url_or_text_is_refused_and_nothing_half_stored(store: Store) -> None:
    store.add_article(_draft(), "x.example/ferry", "hash1", SPANS, _vectors(2))
    with pytest.raises(DuplicateArticle):
        store.add_article(_draft(url="https://y.example"), "y.example", "hash1", SPANS, _vectors(2))
    with pytest.raises(DuplicateArticle):
        store.add_article(_draft(), "x.example/ferry", "hash2", SPANS, _vectors(2))
    assert store.count_articles() == 1
    assert store.count_chunks() == 2
    assert len(Fts5Index(store)) == 2


def test_removal_takes_chunks_vectors_and_lexical_rows_with_it(store: Store) -> None:
    assert store.chunk_ids() == []
    article, chunk_ids = store.add_article(_draft(), None, "hash1", SPANS, _vectors(2))
    assert sorted(store.chunk_ids()) == sorted(chunk_ids)
    assert {i for i, _ in Fts5Index(store).search("ferry pier", 10)} == set(chunk_ids)
    removed, removed_ids = store.remove_article(article.id)
    assert removed.id == article.id
    assert removed_ids == chunk_ids
    assert Fts5Index(store).search("ferry pier", 10) == []
    assert store.get_embeddings(chunk_ids) == {}
    assert store.chunk_ids() == []
    with pytest.raises(NotFound):
        store.get_article(article.id)


def test_lexical_search_ranks_the_chunk_with_more_matching_words_first(store: Store) -> None:
    _, chunk_ids = store.add_article(_draft(), None, "hash1", SPANS, _vectors(2))
    hits = Fts5Index(store).search("storm damage at the pier", 10)
    assert hits[0][0] == chunk_ids[1]
    assert all(score > 0 for _, score in hits)


def test_query_syntax_in_a_question_is_quoted_not_obeyed() -> None:
    assert (
        fts_query('NEAR(ferry pier) OR "storm" AND *') == '"near" OR "ferry" OR "pier" OR "storm"'
    )
    assert fts_query("what is the and of it") == ""


def test_export_gives_every_article_with_its_spans_and_vectors(store: Store) -> None:
    store.add_article(_draft(), None, "hash1", SPANS, _vectors(2))
    other = TEXT.replace("Monday", "Friday")
    store.add_article(_draft(other, "https://x.example/2"), None, "hash2", SPANS, _vectors(2))
    exported = list(store.export_articles())
    assert [a.text for a, _, _ in exported] == [TEXT, other]
    _, spans, vectors = exported[0]
    assert spans == SPANS
    np.testing.assert_array_equal(vectors, _vectors(2))


def test_document_frequency_counts_chunks_and_follows_changes(store: Store) -> None:
    lexical = Fts5Index(store)
    article, _ = store.add_article(_draft(), None, "hash1", SPANS, _vectors(2))
    assert lexical.document_frequency(["ferry", "pier", "Storm", "zeppelin", "the"]) == {
        "ferry": 1,
        "pier": 1,
        "Storm": 1,
        "zeppelin": 0,
        "the": 0,  # a stop word is never searched, so it counts as absent
    }
    store.remove_article(article.id)
    assert lexical.document_frequency(["ferry"]) == {"ferry": 0}


def _fts5_rows(store: Store) -> list[int]:
    return [int(r[0]) for r in store.read("SELECT rowid FROM chunks_fts ORDER BY rowid")]


def _fts5_is_sound(store: Store) -> None:
    # Raises "database disk image is malformed" if a row was deleted with other values than
    # it was made from (the table keeps no copy to check against).
    store.read("INSERT INTO chunks_fts(chunks_fts, rank) VALUES ('integrity-check', 0)")


def test_a_passage_text_is_read_from_its_article_not_stored_again(store: Store) -> None:
    store.add_article(_draft(), None, "hash1", SPANS, _vectors(2))
    columns = {str(r[1]) for r in store.read("PRAGMA table_info(chunks)")}
    assert "text" not in columns
    assert [text for batch in store.iter_chunk_texts() for _, text in batch] == [
        TEXT[s.start : s.end] for s in SPANS
    ]
    assert _fts5_rows(store) == []  # no lexical index has asked for them


def test_fts5_rows_are_kept_only_while_the_fts5_index_is_in_use(store: Store) -> None:
    _, first = store.add_article(_draft(), None, "hash1", SPANS, _vectors(2))
    lexical = Fts5Index(store)  # fills them from the stored passages
    assert _fts5_rows(store) == first
    other = TEXT.replace("ferry", "tram").replace("pier", "depot")
    article, second = store.add_article(_draft(other, None), None, "hash2", SPANS, _vectors(2))
    assert _fts5_rows(store) == first + second  # written with each passage from then on
    assert {i for i, _ in lexical.search("tram depot", 10)} == set(second)
    store.remove_article(article.id)
    assert lexical.search("tram depot", 10) == []
    _fts5_is_sound(store)
    store.keep_fts5_rows(False)  # another lexical index took over
    assert _fts5_rows(store) == []
    store.add_article(_draft(other, None), None, "hash2", SPANS, _vectors(2))
    assert _fts5_rows(store) == []
    assert len(Fts5Index(store).search("tram depot ferry", 10)) == 4  # filled again, all of it
    _fts5_is_sound(store)


def test_a_database_from_before_passages_shared_their_text_opens_with_it(tmp_path: Path) -> None:
    path = tmp_path / "newsbot.sqlite3"
    old = sqlite3.connect(path)
    for script in MIGRATIONS[:3]:
        old.executescript(script)
    old.execute(
        "INSERT INTO articles(id, title, outlet, added_at, text, content_hash) "
        "VALUES (5, 'Ferry back after storm', 'Harbour Herald', ?, ?, 'h')",
        ("2024-11-04T09:30:00+00:00", TEXT),
    )
    for seq, span in enumerate(SPANS):
        old.execute(
            "INSERT INTO chunks(id, article_id, seq, start, end, text, embedding) "
            "VALUES (?, 5, ?, ?, ?, ?, ?)",
            (seq + 1, seq, span.start, span.end, TEXT[span.start : span.end], _vectors(2)[seq]),
        )
        old.execute(
            "INSERT INTO chunks_fts(rowid, text, title, outlet) VALUES (?, ?, ?, ?)",
            (seq + 1, TEXT[span.start : span.end], "Ferry back after storm", "Harbour Herald"),
        )
    old.execute("PRAGMA user_version = 3")
    old.commit()
    old.close()
    store = Store(path)
    try:
        assert [c.text for c in store.get_chunks([1, 2]).values()] == [
            TEXT[s.start : s.end] for s in SPANS
        ]
        assert {i for i, _ in Fts5Index(store).search("storm damage pier", 10)} == {1, 2}
        store.remove_article(5)
        _fts5_is_sound(store)
        assert _fts5_rows(store) == []
    finally:
        store.close()


def test_compact_gives_an_older_file_larger_pages_and_keeps_everything(tmp_path: Path) -> None:
    path = tmp_path / "newsbot.sqlite3"
    old = sqlite3.connect(path)  # a file made before new ones got 8 KiB pages
    old.execute("PRAGMA page_size = 4096")
    old.execute("PRAGMA journal_mode = WAL")
    old.close()
    store = Store(path)
    try:
        article, _ = store.add_article(_draft(), None, "hash1", SPANS, _vectors(2))
        other = _draft(TEXT.replace("ferry", "tram") * 40, "https://x.example/2")
        gone, _ = store.add_article(other, None, "hash2", [Span(0, 80)], _vectors(1))
        store.remove_article(gone.id)
        assert store.read("PRAGMA page_size")[0][0] == 4096 and store.free_bytes() > 0
        store.compact()
        assert store.read("PRAGMA page_size")[0][0] == PAGE_SIZE
        assert store.read("PRAGMA journal_mode")[0][0] == "wal"
        assert store.free_bytes() == 0
        chunks = store.get_chunks(store.chunk_ids())
        assert sorted(c.text for c in chunks.values()) == sorted(
            TEXT[s.start : s.end] for s in SPANS
        )
        assert store.get_article(article.id).text == TEXT
    finally:
        store.close()


def test_compact_beside_another_process_keeps_the_pages_and_still_compacts(
    tmp_path: Path,
) -> None:
    path = tmp_path / "newsbot.sqlite3"
    old = sqlite3.connect(path)
    old.execute("PRAGMA page_size = 4096")
    old.execute("PRAGMA journal_mode = WAL")
    old.close()
    store = Store(path)
    bot = sqlite3.connect(path)  # e.g. a bot left running: WAL mode cannot be left
    try:
        gone, _ = store.add_article(_draft(TEXT * 40), None, "hash1", [Span(0, 80)], _vectors(1))
        store.add_article(_draft(url="https://x.example/2"), None, "hash2", SPANS, _vectors(2))
        store.remove_article(gone.id)
        bot.execute("SELECT count(*) FROM articles").fetchone()
        store.compact()
        assert store.read("PRAGMA page_size")[0][0] == 4096
        assert store.read("PRAGMA journal_mode")[0][0] == "wal"
        assert store.free_bytes() == 0 and store.count_chunks() == 2
    finally:
        bot.close()
        store.close()


def test_the_stored_outlets_are_read_from_their_index_not_the_articles(store: Store) -> None:
    # Read for every question: scanning the articles' rows (text and all) took 0.2 s at 85k.
    store.add_article(_draft(), None, "hash1", SPANS, _vectors(2))
    assert store.outlets() == [_draft().outlet]
    plan = " ".join(
        str(row[-1])
        for row in store.read(
            "EXPLAIN QUERY PLAN SELECT DISTINCT outlet FROM articles "
            "WHERE outlet IS NOT NULL AND outlet != ''"
        )
    )
    assert "COVERING INDEX articles_outlet" in plan, plan


def test_article_heads_are_remembered_until_this_or_another_connection_changes_them(
    tmp_path: Path,
) -> None:
    path = tmp_path / "newsbot.sqlite3"
    store, other = Store(path), Store(path)
    first, _ = store.add_article(_draft(), "x.example/ferry", "hash1", SPANS, _vectors(2))
    heads = store.get_article_heads([first.id, 999])
    assert list(heads) == [first.id] and heads[first.id].title == "Ferry back after storm"
    assert heads[first.id].text == ""  # a head is read without the article's text
    assert store.get_article_heads([first.id]) == heads  # the second time from memory
    # Another process's change is seen at once, as this connection's own is.
    other.remove_article(first.id)
    assert store.get_article_heads([first.id]) == {}
    second, _ = other.add_article(
        _draft("A new pier opens in May.", url="https://x.example/pier"),
        "x.example/pier",
        "hash2",
        [Span(0, 24)],
        _vectors(1),
    )
    assert store.get_article_heads([second.id])[second.id].url == "https://x.example/pier"
    store.remove_article(second.id)
    assert store.get_article_heads([second.id]) == {}
    store.close()
    other.close()
