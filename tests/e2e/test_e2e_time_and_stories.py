"""End to end: a reader asks the real bot about a period ("this week", "today") with the engine's
clock fixed, about how an event later than every article went (declined, saying where the sources
end), and about a story two outlets carried (quoted once, both named)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from index import ArticleDraft, Engine, HashingEncoder, Settings
from index.clock import as_of
from tests.e2e.harness import READER, StartBot, ask
from tests.support.fake_telegram import FakeTelegram
from tests.support.feeds import STORIES
from tests.support.telegram_html import html_problem, visible_text

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _engine(settings: Settings, day: date) -> Engine:
    engine = Engine(settings, encoder=HashingEncoder(), clock=as_of(day)).open()
    for story in STORIES.values():
        engine.add_text(
            "\n\n".join(story.paragraphs),
            title=story.title,
            url=f"https://news.example{story.path}",
            outlet="Skarholm Sentinel",
            published_at=story.published,
        )
    return engine


async def test_what_happened_this_week_lists_the_weeks_stories_newest_first(
    start_bot: StartBot, telegram: FakeTelegram, engine_settings: Settings
) -> None:
    await start_bot(engine=_engine(engine_settings, date(2025, 2, 9)))
    (reply,) = await ask(telegram, READER, "what happened this week?")
    assert html_problem(reply.text) is None
    shown = visible_text(reply.text)
    titles = [story.title for story in STORIES.values()]
    positions = [shown.index(title) for title in reversed(titles)]
    assert positions == sorted(positions), "newest story first"
    assert reply.text.count("<blockquote>") == len(titles)


async def test_a_day_with_no_news_is_declined_naming_the_dates_held(
    start_bot: StartBot, telegram: FakeTelegram, engine_settings: Settings
) -> None:
    await start_bot(engine=_engine(engine_settings, date(2025, 3, 20)))
    (reply,) = await ask(telegram, READER, "any news today?")
    shown = visible_text(reply.text)
    assert "My sources have nothing from today." in shown
    assert "I have 4 articles, from 3 February 2025 to 9 February 2025." in shown
    assert "<blockquote>" not in reply.text


async def test_how_an_event_after_the_newest_article_went_is_declined_saying_so(
    start_bot: StartBot, telegram: FakeTelegram, engine_settings: Settings
) -> None:
    await start_bot(engine=_engine(engine_settings, date(2026, 12, 3)))
    (reply,) = await ask(telegram, READER, "who won the 2026 skarholm ferry race?")
    shown = visible_text(reply.text)
    assert "My newest article is from 9 February 2025" in shown
    assert "can't say how anything in 2026 went" in shown
    assert "<blockquote>" not in reply.text


async def test_a_story_two_outlets_carried_is_quoted_once_naming_both(
    start_bot: StartBot, telegram: FakeTelegram, engine_settings: Settings
) -> None:
    engine = Engine(engine_settings, encoder=HashingEncoder()).open()
    wire = (FIXTURES / "lindmark-wire.txt").read_text().strip()
    for outlet, url in (
        ("Northern Wire", "https://wire.example/lindmark"),
        ("The Valley Ledger", "https://ledger.example/port-strike"),
    ):
        engine.add_draft(ArticleDraft(wire, "Lindmark dockworkers strike", url=url, outlet=outlet))
    await start_bot(engine=engine)
    (reply,) = await ask(telegram, READER, "How many members joined the Lindmark strike?")
    assert html_problem(reply.text) is None
    shown = visible_text(reply.text)
    assert shown.count("1,400 members") == 1
    assert "Northern Wire" in shown
    assert "also in: The Valley Ledger" in shown
