"""The engine on the fast fake encoder: every ingest source, dedupe, persistence, removal."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

import pytest

from index import (
    ArticleDraft,
    DuplicateArticle,
    Engine,
    ExtractError,
    HashingEncoder,
    NotFound,
    Settings,
    Stage,
)
from index.embed import Vectors
from index.library import VECTORS_FILE
from tests.conftest import MULTIHOP_CORPUS, require
from tests.localserver import serving

# Every test here runs on the embedded store and on the shared PostgreSQL one.
BOTH_BACKENDS = True


def _reopen(settings: Settings) -> Engine:
    return Engine(settings, encoder=HashingEncoder()).open()


def test_text_article_is_stored_with_exact_chunk_offsets(engine: Engine, fixtures: Path) -> None:
    article = engine.add_text((fixtures / "vaccine-trial.txt").read_text())
    assert article.chunk_count >= 1
    passages = engine.search("nasal spray flu vaccine trial", k=5)
    assert passages and passages[0].article.id == article.id
    for passage in passages:
        chunk = passage.chunk
        assert passage.article.text[chunk.start : chunk.end] == chunk.text


def test_answer_quotes_are_verbatim_with_attribution(engine: Engine, fixtures: Path) -> None:
    engine.add_html(
        (fixtures / "harbour-bridge.html").read_bytes(), "https://courier.example/bridge"
    )
    engine.add_text((fixtures / "vaccine-trial.txt").read_text())
    answer = engine.ask("How much will the harbour bridge cost and when will it open?")
    assert answer.answered, answer.reason
    assert answer.quotes
    for quote in answer.quotes:
        assert quote.article.text[quote.start : quote.end] == quote.text
    assert answer.quotes[0].article.outlet == "The Aldwin Courier"
    assert any("240 million crowns" in q.text for q in answer.quotes)


def test_unrelated_question_is_declined(engine: Engine, fixtures: Path) -> None:
    engine.add_text((fixtures / "vaccine-trial.txt").read_text())
    answer = engine.ask("Who won the football cup final in Brazil?")
    assert not answer.answered
    assert answer.quotes == []
    assert answer.reason


def test_empty_question_is_declined_without_searching(engine: Engine) -> None:
    answer = engine.ask("   ")
    assert not answer.answered and answer.reason


def test_same_text_or_same_url_is_not_stored_twice(engine: Engine, fixtures: Path) -> None:
    text = (fixtures / "vaccine-trial.txt").read_text()
    first = engine.add_text(text, url="https://gazette.example/vaccine?utm_source=x")
    with pytest.raises(DuplicateArticle) as caught:
        engine.add_text(text.replace("\n\n", "\n"))  # same words, other spacing
    assert caught.value.article_id == first.id
    with pytest.raises(DuplicateArticle):
        engine.add_text(text, url="https://gazette.example/vaccine#top")
    stats = engine.stats()
    assert (stats.articles, stats.chunks, stats.vectors) == (
        1,
        first.chunk_count,
        first.chunk_count,
    )


def test_other_text_at_a_known_link_is_the_pages_new_version(
    engine: Engine, fixtures: Path
) -> None:
    first = engine.add_text(
        (fixtures / "vaccine-trial.txt").read_text(), url="https://gazette.example/vaccine"
    )
    second = engine.add_html(
        (fixtures / "harbour-bridge.html").read_bytes(), "https://gazette.example/vaccine#top"
    )
    assert second.replaces == first.id
    assert [a.id for a in engine.list_articles()] == [second.id]
    stats = engine.stats()
    assert (stats.articles, stats.chunks, stats.vectors) == (
        1,
        second.chunk_count,
        second.chunk_count,
    )


def test_empty_text_is_refused_and_stores_nothing(engine: Engine) -> None:
    with pytest.raises(ExtractError):
        engine.add_text("  \n ")
    assert engine.stats().articles == 0


def test_everything_survives_a_restart(settings: Settings, fixtures: Path) -> None:
    with _reopen(settings) as engine:
        article = engine.add_text((fixtures / "vaccine-trial.txt").read_text())
        before = engine.ask("nasal spray vaccine trial volunteers")
    with _reopen(settings) as engine:
        assert engine.get_article(article.id).title == article.title
        after = engine.ask("nasal spray vaccine trial volunteers")
        assert [p.chunk.id for p in after.passages] == [p.chunk.id for p in before.passages]
        assert engine.stats().vectors == article.chunk_count


@pytest.mark.embedded_only
def test_vector_index_is_rebuilt_from_the_database(settings: Settings, fixtures: Path) -> None:
    with _reopen(settings) as engine:
        engine.add_text((fixtures / "vaccine-trial.txt").read_text())
    (settings.data_dir / VECTORS_FILE).unlink()
    with _reopen(settings) as engine:
        assert engine.stats().vectors == engine.stats().chunks > 0
        assert engine.search("vaccine")


@pytest.mark.embedded_only
def test_crash_between_database_and_index_save_is_repaired(
    settings: Settings, fixtures: Path
) -> None:
    with _reopen(settings) as engine:
        engine.add_text((fixtures / "vaccine-trial.txt").read_text())
        saved = settings.data_dir / "saved.faiss"
        shutil.copy(settings.data_dir / VECTORS_FILE, saved)
        second = engine.add_html((fixtures / "harbour-bridge.html").read_bytes())
    # Put back the index as it was before the second article: as if the process died mid-ingest.
    shutil.copy(saved, settings.data_dir / VECTORS_FILE)
    with _reopen(settings) as engine:
        stats = engine.stats()
        assert stats.vectors == stats.chunks
        assert engine.search("harbour bridge council vote")[0].article.id == second.id


def test_removed_article_vanishes_from_answers_at_once(engine: Engine, fixtures: Path) -> None:
    article = engine.add_html(
        (fixtures / "harbour-bridge.html").read_bytes(), "https://courier.example/bridge"
    )
    assert engine.search("harbour bridge")[0].article.id == article.id
    removed = engine.remove("https://courier.example/bridge/")
    assert removed.id == article.id
    assert engine.search("harbour bridge") == []
    assert engine.stats().vectors == 0
    with pytest.raises(NotFound):
        engine.remove(str(article.id))


def test_files_records_and_directories_are_read(
    engine: Engine, fixtures: Path, tmp_path: Path
) -> None:
    items = list(engine.ingest_paths([fixtures]))
    drafts = [item for _, item in items if not isinstance(item, Exception)]
    errors = [str(item) for _, item in items if isinstance(item, Exception)]
    titles = {d.title for d in drafts}
    assert {
        "Port Aldwin council approves new harbour bridge",
        "Northvale hospital begins trial of nasal flu vaccine",
        "Solar farm opens on former airfield",
        "City library extends opening hours",
    } <= titles
    assert any("not valid JSON" in e for e in errors)
    assert any("no article text" in e for e in errors)
    binary = tmp_path / "photo.txt"
    binary.write_bytes(b"\x00\x01\x02")
    [(_, error)] = list(engine.ingest_paths([binary]))
    assert isinstance(error, ExtractError)


async def test_url_ingest_from_a_local_server_reports_stages(
    engine: Engine, fixtures: Path
) -> None:
    stages: list[str] = []

    async def on_stage(stage: str) -> None:
        stages.append(stage)

    with serving() as server:
        url = server.add("/bridge", (fixtures / "harbour-bridge.html").read_bytes())
        article = await engine.add_url(url, on_stage=on_stage)
        assert stages == ["fetching", "extracting", "indexing"]
        assert article.url == url and article.outlet == "The Aldwin Courier"
        with pytest.raises(DuplicateArticle):
            await engine.add_url(url + "?utm_campaign=again")
        assert len(server.requests) == 1  # the duplicate link was not even fetched


def test_multihop_corpus_ingests_once(tmp_path: Path) -> None:
    corpus = require(MULTIHOP_CORPUS)
    settings = Settings(data_dir=tmp_path / "corpus")
    with _reopen(settings) as engine:
        drafts = [d for _, d in engine.ingest_paths([corpus]) if isinstance(d, ArticleDraft)]
        first = engine.add_drafts(drafts)
        # One article is an older version of another (Engadget's Black Friday deals list,
        # republished for Cyber Monday under a new link), stored after its newer version.
        refused = [o for o in first if o.stage is not Stage.ADDED]
        assert [(o.stage, "newer version" in o.message) for o in refused] == [
            (Stage.DUPLICATE, True)
        ]
        assert "black-friday" in refused[0].source
        second = engine.add_drafts(drafts)
        assert all(o.stage is Stage.DUPLICATE for o in second)
        assert engine.stats().articles == 608


def test_changing_the_model_re_embeds_every_passage(settings: Settings, fixtures: Path) -> None:
    with Engine(settings, encoder=HashingEncoder(dim=256)) as engine:
        article = engine.add_text((fixtures / "vaccine-trial.txt").read_text())
    with Engine(settings, encoder=HashingEncoder(dim=64)) as engine:
        stats = engine.stats()
        assert stats.vectors == stats.chunks == article.chunk_count
        assert engine.vectors.dim == 64
        assert engine.search("nasal flu vaccine")[0].article.id == article.id


def test_listing_does_not_need_the_model(settings: Settings, fixtures: Path) -> None:
    with _reopen(settings) as engine:
        engine.add_text((fixtures / "vaccine-trial.txt").read_text())

    class Unloadable(HashingEncoder):
        def warm_up(self) -> None:
            raise AssertionError("the model was loaded")

        @property
        def dim(self) -> int:
            raise AssertionError("the model was asked for its size")

    engine = Engine(settings, encoder=Unloadable()).open(load_model=False)
    try:
        assert [a.title for a in engine.list_articles()] == [
            "Northvale hospital begins trial of nasal flu vaccine"
        ]
        assert engine.stats().articles == 1
    finally:
        engine.close()


class _RecordingEncoder(HashingEncoder):
    """The fake encoder, remembering the questions it was asked to encode."""

    def __init__(self) -> None:
        super().__init__()
        self.queries: list[str] = []

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        self.queries.extend(texts)
        return super().encode_queries(texts)


def test_a_chat_question_is_read_the_same_with_or_without_a_question_mark(
    settings: Settings, fixtures: Path
) -> None:
    encoder = _RecordingEncoder()
    with Engine(settings, encoder=encoder) as engine:
        engine.add_html(
            (fixtures / "harbour-bridge.html").read_bytes(), "https://courier.example/bridge"
        )
        marked = engine.ask("when does the harbour bridge open??")
        plain = engine.ask("when does the harbour bridge open")
        assert [q.text for q in marked.quotes] == [q.text for q in plain.quotes]
        assert marked.question == "when does the harbour bridge open??"  # echoed as typed
        assert "when does the harbour bridge open??" not in encoder.queries
        # A long, detailed question is read as written, its question mark too.
        detailed = (
            "According to The Aldwin Courier, how much will the new suspension bridge across the "
            "northern estuary cost the regional city council, and when will the first commuter "
            "cars and delivery lorries drive over it?"
        )
        engine.ask(detailed)
        assert detailed in encoder.queries
