"""The tantivy lexical index: search, frequencies, removal, and staying in step with SQLite."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from index import Engine, HashingEncoder, Settings
from index.chunk import Span
from index.lexical import Fts5Index
from index.lexical_tantivy import LEXICAL_DIR, TantivyIndex
from index.models import ArticleDraft
from index.store import Store

STORIES = [
    (
        "Fed holds rates",
        "Reuters",
        "The Federal Reserve held interest rates steady on Wednesday. Officials said inflation "
        "was still too high and that further increases remained possible this year.",
    ),
    (
        "Ukraine strikes",
        "BBC",
        "Ukraine struck targets inside Russia with long-range missiles supplied by the United "
        "States. The strikes hit an airfield and an ammunition depot near the border.",
    ),
    (
        "Bankman-Fried verdict",
        "TechCrunch",
        "A jury in Manhattan found Sam Bankman-Fried guilty of fraud and conspiracy. The founder "
        "of the FTX exchange faces decades in prison when he is sentenced in March.",
    ),
    (
        "Markets rally",
        "CNN",
        "Stocks rallied after the central bank decision. Investors were relieved that interest "
        "rates were not raised again, and bond yields fell sharply on the news.",
    ),
    (
        "Election results",
        "The Guardian",
        "The opposition party won the election by a wide margin. Turnout was the highest in "
        "decades, and the new prime minister promised to rebuild public services.",
    ),
    (
        "Pokémon sales",
        "Reuters",
        "Sales of Pokémon Scarlet beat forecasts in Zürich and São Paulo, the company said.",
    ),
]


def _draft(number: int, title: str, outlet: str, text: str) -> ArticleDraft:
    return ArticleDraft(text=text, title=title, url=f"https://news.example/{number}", outlet=outlet)


@pytest.fixture
def tantivy_settings(settings: Settings) -> Settings:
    return replace(settings, lexical="tantivy")


def _fill(settings: Settings) -> None:
    with Engine(settings, encoder=HashingEncoder()) as engine:
        engine.add_drafts([_draft(n, *story) for n, story in enumerate(STORIES)])


def _top(engine: Engine, query: str) -> str:
    hits = engine.library.lexical.search(query, 3)
    chunk = engine.store.get_chunks([hits[0][0]])[hits[0][0]]
    return engine.store.get_article(chunk.article_id).title


def test_it_finds_passages_by_stemmed_words_title_and_outlet(tantivy_settings: Settings) -> None:
    _fill(tantivy_settings)
    with Engine(tantivy_settings, encoder=HashingEncoder()) as engine:
        lexical = engine.library.lexical
        assert isinstance(lexical, TantivyIndex)
        assert len(lexical) == engine.stats().chunks
        assert _top(engine, "Did the jury convict Bankman-Fried?") == "Bankman-Fried verdict"
        assert _top(engine, "missile strike on an airfield") == "Ukraine strikes"  # stemmed
        assert _top(engine, "what does the Guardian say") == "Election results"  # the outlet
        assert _top(engine, "pokemon in zurich") == "Pokémon sales"  # typed without accents
        assert lexical.search("the and of", 5) == []  # only stopwords: nothing to look for
        assert lexical.search('"fraud" OR title:(x) -- *', 5)  # syntax is never obeyed
        frequencies = lexical.document_frequency(["interest", "Rates", "prison", "zebra"])
        assert frequencies == {"interest": 2, "Rates": 2, "prison": 1, "zebra": 0}


def test_a_removed_article_vanishes_from_lexical_search_at_once(
    tantivy_settings: Settings,
) -> None:
    _fill(tantivy_settings)
    with Engine(tantivy_settings, encoder=HashingEncoder()) as engine:
        before = len(engine.library.lexical)
        removed = engine.remove("https://news.example/2")
        hits = engine.library.lexical.search("Bankman-Fried jury fraud", 10)
        owners = {c.article_id for c in engine.store.get_chunks(i for i, _ in hits).values()}
        assert removed.id not in owners
        assert len(engine.library.lexical) == before - removed.chunk_count


def test_both_backends_rank_a_small_corpus_alike(settings: Settings, tmp_path: Path) -> None:
    _fill(settings)
    store = Store(settings.data_dir / "newsbot.sqlite3")
    try:
        fts5 = Fts5Index(store)
        tantivy = TantivyIndex.build(tmp_path / "lexical", store)
        for query in [
            "Federal Reserve interest rates",
            "Ukraine long-range missiles Russia",
            "Sam Bankman-Fried fraud trial",
            "election turnout prime minister",
            "bond yields after the central bank decision",
        ]:
            assert [i for i, _ in tantivy.search(query, 2)] == [i for i, _ in fts5.search(query, 2)]
        tantivy.close()
    finally:
        store.close()


@pytest.mark.parametrize("damage", ["missing", "garbled", "unfinished"])
def test_a_missing_or_damaged_index_is_rebuilt_from_the_database(
    tantivy_settings: Settings, damage: str
) -> None:
    _fill(tantivy_settings)
    directory = tantivy_settings.data_dir / LEXICAL_DIR
    if damage == "missing":
        shutil.rmtree(directory)
    elif damage == "garbled":
        for path in directory.iterdir():
            if path.name == "meta.json" or path.suffix in {".idx", ".term"}:
                path.write_bytes(b"\x00garbage\xff" * 10)
    else:  # a build killed before it finished leaves no marker
        (directory / "newsbot-lexical").unlink()
    with Engine(tantivy_settings, encoder=HashingEncoder()) as engine:
        assert len(engine.library.lexical) == engine.stats().chunks
        assert _top(engine, "Federal Reserve interest rates") == "Fed holds rates"


def test_a_crash_between_the_two_commits_is_repaired_at_start(
    tantivy_settings: Settings,
) -> None:
    _fill(tantivy_settings)
    # The database commits, the process dies before tantivy does: one article added behind the
    # index's back, one removed.
    store = Store(tantivy_settings.data_dir / "newsbot.sqlite3")
    text = (
        "A volcano erupted in Iceland overnight. Lava reached the edge of the fishing town of "
        "Grindavik, which had been evacuated in November."
    )
    _, new_ids = store.add_article(
        _draft(9, "Volcano erupts", "AP", text),
        "https://news.example/9",
        "hash-9",
        [Span(0, len(text))],
        HashingEncoder().encode([text]),
    )
    _, gone_ids = store.remove_article(1)
    store.close()
    with Engine(tantivy_settings, encoder=HashingEncoder()) as engine:
        lexical = engine.library.lexical
        assert isinstance(lexical, TantivyIndex)
        assert lexical.ids() == set(engine.store.chunk_ids())
        assert _top(engine, "volcano lava Grindavik") == "Volcano erupts"
        assert not set(gone_ids) & {i for i, _ in lexical.search("Federal Reserve", 10)}
        assert new_ids


def test_a_failed_index_update_keeps_the_article_and_is_repaired_at_the_next_flush(
    tantivy_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill(tantivy_settings)
    with Engine(tantivy_settings, encoder=HashingEncoder()) as engine:

        def full_disk(self: TantivyIndex) -> None:
            raise OSError(28, "No space left on device")

        with monkeypatch.context() as patch:
            patch.setattr(TantivyIndex, "commit", full_disk)
            article = engine.add_draft(
                _draft(7, "Volcano erupts", "AP", STORIES[0][2].replace("Federal", "Volcanic")),
                save=False,
            )
        assert engine.get_article(article.id).title == "Volcano erupts"
        engine.flush()
        lexical = engine.library.lexical
        assert isinstance(lexical, TantivyIndex)
        assert lexical.ids() == set(engine.store.chunk_ids())
        assert _top(engine, "Volcanic Reserve") == "Volcano erupts"


def test_two_engines_on_one_data_directory_can_both_add(tantivy_settings: Settings) -> None:
    # The bot and `newsbot ingest` in another process: tantivy allows one writer per directory,
    # so each batch takes it and lets go at its commit; neither add fails or loses its passages.
    bot = Engine(tantivy_settings, encoder=HashingEncoder()).open()
    cli = Engine(tantivy_settings, encoder=HashingEncoder()).open()
    try:
        bot.add_drafts([_draft(n, *STORIES[n]) for n in (0, 1)])
        cli.add_drafts([_draft(n, *STORIES[n]) for n in (2, 3)])
        bot.add_drafts([_draft(4, *STORIES[4])])
    finally:
        bot.close()
        cli.close()
    with Engine(tantivy_settings, encoder=HashingEncoder()) as reopened:
        assert reopened.stats().articles == 5
        assert len(reopened.library.lexical) == reopened.stats().chunks
        assert _top(reopened, "Bankman-Fried jury verdict") == "Bankman-Fried verdict"
        assert _top(reopened, "opposition turnout prime minister") == "Election results"


def _fts5_row_count(engine: Engine) -> int:
    return int(engine.store.read("SELECT count(*) FROM chunks_fts")[0][0])


def test_switching_the_lexical_index_fills_or_empties_the_fts5_rows(
    tantivy_settings: Settings,
) -> None:
    fts5_settings = replace(tantivy_settings, lexical="fts5")
    _fill(fts5_settings)
    with Engine(fts5_settings, encoder=HashingEncoder()) as engine:
        assert _fts5_row_count(engine) == engine.stats().chunks
        assert _top(engine, "Federal Reserve interest rates") == "Fed holds rates"
    # tantivy takes over: the FTS5 rows, read by nothing now, are dropped, and new passages
    # get none.
    with Engine(tantivy_settings, encoder=HashingEncoder()) as engine:
        assert _fts5_row_count(engine) == 0
        engine.add_draft(_draft(9, "Volcano erupts", "AP", "Lava reached Grindavik overnight."))
        assert _top(engine, "lava Grindavik") == "Volcano erupts"
        assert _fts5_row_count(engine) == 0
    with Engine(fts5_settings, encoder=HashingEncoder()) as engine:
        assert _fts5_row_count(engine) == engine.stats().chunks
        assert _top(engine, "lava Grindavik") == "Volcano erupts"


def test_a_questions_parts_are_searched_side_by_side_with_the_same_hits(
    tantivy_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill(tantivy_settings)
    with Engine(tantivy_settings, encoder=HashingEncoder()) as engine:
        assert engine.library.lexical.concurrent  # searched outside Python's lock
        question = engine.read(
            "did the fed hold interest rates, and what did the jury decide about bankman-fried?"
        )
        queries = [question.text, *(part.text for part in question.parts)]
        assert len(queries) > 2
        side_by_side = engine.searcher.lexical_lists(queries)
        passages, vectors = engine.searcher.search_and_encode(question)
        monkeypatch.setattr(TantivyIndex, "concurrent", False)
        assert engine.searcher.lexical_lists(queries) == side_by_side
        assert [p.chunk.id for p in engine.searcher.search(question)] == [
            p.chunk.id for p in passages
        ]
    assert vectors is not None
    assert vectors.tolist() == engine.searcher.encode(question).tolist()
    assert {"Fed holds rates", "Bankman-Fried verdict"} <= {p.article.title for p in passages}
