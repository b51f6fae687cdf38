"""One story, several outlets: wire copies are kept and grouped (quoted once, every outlet
named), an edited version from the same outlet replaces the older one, and own-words reports
of the same event stay separate stories."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.render import render_answer
from index import ArticleDraft, DuplicateArticle, Engine, HashingEncoder, Settings
from index.database import MIGRATIONS
from index.dedupe import content_hash
from index.library import DATABASE_FILE

# Every engine test here runs on the embedded store and on the shared PostgreSQL one.
BOTH_BACKENDS = True

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
# A wire story, and another outlet's report of the same event in its own words.
WIRE = (FIXTURES / "lindmark-wire.txt").read_text().strip()
OWN_WORDS = (FIXTURES / "lindmark-own-words.txt").read_text().strip()


def _draft(text: str, outlet: str, url: str, day: int, title: str | None = None) -> ArticleDraft:
    return ArticleDraft(
        text=text,
        title=title or "Lindmark dockworkers strike over night-shift pay",
        url=url,
        outlet=outlet,
        published_at=datetime(2024, 10, day, 9, tzinfo=UTC),
    )


def test_a_wire_copy_from_another_outlet_is_kept_and_grouped(engine: Engine) -> None:
    first = engine.add_draft(_draft(WIRE, "Northern Wire", "https://wire.example/lindmark", 8))
    copy = engine.add_draft(
        _draft(WIRE, "The Valley Ledger", "https://ledger.example/port-strike", 8)
    )
    assert copy.story_id == first.id and copy.replaces is None
    assert engine.stats().articles == 2


def test_an_edited_copy_with_its_own_lead_is_the_same_story(engine: Engine) -> None:
    first = engine.add_draft(_draft(WIRE, "Northern Wire", "https://wire.example/lindmark", 8))
    lead = "VALLEY LEDGER — Our region's farmers are watching the coast nervously this week.\n\n"
    trimmed = WIRE.rsplit("\n\n", 1)[0]  # the syndicating paper dropped the last paragraph
    copy = engine.add_draft(
        _draft(lead + trimmed, "The Valley Ledger", "https://ledger.example/strike", 9)
    )
    assert copy.story_id == first.id


def test_a_report_in_its_own_words_is_a_separate_story(engine: Engine) -> None:
    engine.add_draft(_draft(WIRE, "Northern Wire", "https://wire.example/lindmark", 8))
    other = engine.add_draft(
        _draft(OWN_WORDS, "Coast Radio", "https://radio.example/grain", 9, "Grain exports halt")
    )
    assert other.story_id is None


def test_an_answer_quotes_the_story_once_and_names_every_outlet(engine: Engine) -> None:
    first = engine.add_draft(_draft(WIRE, "Northern Wire", "https://wire.example/lindmark", 8))
    engine.add_draft(_draft(WIRE, "The Valley Ledger", "https://ledger.example/port-strike", 8))
    engine.add_draft(_draft(WIRE, "Harbour Times", "https://times.example/strike", 8))
    answer = engine.ask("How many members joined the Lindmark dockworkers strike?")
    assert answer.answered, answer.reason
    quoted = {quote.article.id for quote in answer.quotes}
    assert quoted == {first.id}
    assert not any(p.article.story_id == first.id for p in answer.passages)
    assert {a.outlet for a in answer.also_in[first.id]} == {"The Valley Ledger", "Harbour Times"}
    [message] = render_answer(answer)
    assert message.count("1,400 members") == 1
    assert "also in: " in message
    assert '<a href="https://ledger.example/port-strike">The Valley Ledger</a>' in message


def test_a_question_naming_the_copys_outlet_quotes_that_copy(engine: Engine) -> None:
    first = engine.add_draft(_draft(WIRE, "Northern Wire", "https://wire.example/lindmark", 8))
    copy = engine.add_draft(
        _draft(WIRE, "The Valley Ledger", "https://ledger.example/port-strike", 8)
    )
    answer = engine.ask("What did The Valley Ledger report about the Lindmark strike pay offer?")
    assert answer.answered, answer.reason
    assert {quote.article.id for quote in answer.quotes} == {copy.id}
    assert [a.id for a in answer.also_in[copy.id]] == [first.id]


def test_an_update_from_the_same_outlet_replaces_the_older_version(engine: Engine) -> None:
    first = engine.add_draft(_draft(WIRE, "Northern Wire", "https://wire.example/lindmark", 8))
    copy = engine.add_draft(
        _draft(WIRE, "The Valley Ledger", "https://ledger.example/port-strike", 8)
    )
    corrected = WIRE.replace("about 1,400 members", "about 1,700 members").replace(
        "Four grain ships", "Six grain ships"
    )
    update = engine.add_draft(
        _draft(corrected, "Northern Wire", "https://wire.example/lindmark-updated", 9)
    )
    assert update.replaces == first.id
    assert {a.id for a in engine.list_articles()} == {copy.id, update.id}
    # The copy still belongs to the story, now under its new version.
    assert engine.get_article(copy.id).story == update.story
    answer = engine.ask("How many members joined the Lindmark dockworkers strike?")
    assert answer.answered, answer.reason
    assert all(quote.article.id in (update.id, copy.id) for quote in answer.quotes)
    stats = engine.stats()
    assert stats.chunks == stats.vectors == update.chunk_count + copy.chunk_count


def test_an_older_version_arriving_late_is_refused(engine: Engine) -> None:
    newer = engine.add_draft(_draft(WIRE, "Northern Wire", "https://wire.example/v2", 9))
    older = WIRE.replace("about 1,400 members", "about 1,000 members")
    with pytest.raises(DuplicateArticle, match="newer version") as caught:
        engine.add_draft(_draft(older, "Northern Wire", "https://wire.example/v1", 8))
    assert caught.value.article_id == newer.id
    assert engine.stats().articles == 1


def test_a_short_teaser_does_not_replace_the_full_article(engine: Engine) -> None:
    full = engine.add_draft(_draft(WIRE, "Northern Wire", "https://wire.example/lindmark", 8))
    teaser = WIRE.split("\n\n")[0]
    short = engine.add_draft(_draft(teaser, "Northern Wire", "https://wire.example/brief", 9))
    assert short.replaces is None
    assert {a.id for a in engine.list_articles()} == {full.id, short.id}


def test_removing_the_first_copy_keeps_the_others_grouped(engine: Engine) -> None:
    first = engine.add_draft(_draft(WIRE, "Northern Wire", "https://wire.example/lindmark", 8))
    second = engine.add_draft(_draft(WIRE, "The Valley Ledger", "https://ledger.example/a", 8))
    third = engine.add_draft(_draft(WIRE, "Harbour Times", "https://times.example/a", 8))
    engine.remove(str(first.id))
    answer = engine.ask("How many members joined the Lindmark dockworkers strike?")
    assert answer.answered, answer.reason
    [(quoted, _)] = answer.quotes_by_article()
    others = {second.id, third.id} - {quoted.id}
    assert [a.id for a in answer.also_in[quoted.id]] == sorted(others)


def test_a_database_from_before_stories_keeps_its_articles(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    settings.data_dir.mkdir()
    encoder = HashingEncoder()
    vector = encoder.encode([WIRE])[0]
    # A version-2 database, as the previous release wrote it, holding one article.
    old = sqlite3.connect(settings.data_dir / DATABASE_FILE)
    for script in MIGRATIONS[:2]:
        old.executescript(script)
    old.execute(
        "INSERT INTO articles(id, url, canonical_url, title, outlet, published_at, added_at, "
        "text, content_hash) VALUES (7, ?, ?, 'Strike', 'Northern Wire', NULL, ?, ?, ?)",
        (
            "https://wire.example/a",
            "https://wire.example/a",
            "2024-10-08T09:00:00+00:00",
            WIRE,
            content_hash(WIRE),
        ),
    )
    old.execute(
        "INSERT INTO chunks(id, article_id, seq, start, end, text, embedding) "
        "VALUES (1, 7, 0, 0, ?, ?, ?)",
        (len(WIRE), WIRE, vector.tobytes()),
    )
    old.execute(
        "INSERT INTO chunks_fts(rowid, text, title, outlet) VALUES (1, ?, 'Strike', '')", (WIRE,)
    )
    old.execute("PRAGMA user_version = 2")
    old.commit()
    old.close()
    with Engine(settings, encoder=encoder) as engine:
        article = engine.get_article(7)
        assert (article.text, article.story_id, article.chunk_count) == (WIRE, None, 1)
        assert engine.stats().chunks == 1
        # The same text from another outlet can now be stored beside it, grouped.
        copy = engine.add_draft(_draft(WIRE, "Harbour Times", "https://times.example/a", 8))
        assert copy.story_id == 7
        answer = engine.ask("How many members joined the Lindmark dockworkers strike?")
        assert answer.answered, answer.reason
