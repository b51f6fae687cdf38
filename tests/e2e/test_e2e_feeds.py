"""End to end: the bot follows feeds on a loopback site by itself, and /feeds and /latest.

The politeness floor is lowered to under a second, so the job queue polls within the test.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from dataclasses import replace

import pytest

from bot.app import ADMIN_COMMANDS, READER_COMMANDS, NewsbotApp
from index import Engine, HashingEncoder, Settings
from tests.e2e.harness import ADMIN, READER, StartBot, admin_sends, ask
from tests.support.fake_telegram import FakeTelegram
from tests.support.feeds import STORIES, FeedSite
from tests.support.telegram_html import html_problem, visible_text
from tests.support.web import LocalServer, serving

LIGHTHOUSE, FERRY, SALMON, TRAM = (STORIES[s] for s in STORIES)


@pytest.fixture
def site() -> Iterator[FeedSite]:
    with serving() as server:
        yield FeedSite(server)


async def wait_for_articles(engine: Engine, count: int, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while (await asyncio.to_thread(engine.stats)).articles < count:
        assert time.monotonic() < deadline, f"fewer than {count} articles after {timeout} s"
        await asyncio.sleep(0.1)


async def test_a_subscribed_bot_adds_new_items_by_itself_and_readers_get_them(
    start_bot: StartBot, telegram: FakeTelegram, site: FeedSite, engine_settings: Settings
) -> None:
    url = site.rss("/feed.xml", [LIGHTHOUSE])
    # NEWSBOT_FEEDS names the feed; checked every 0.6 s, so the test sees several polls.
    settings = replace(engine_settings, feeds=(url,), feed_interval=0.01, feed_min_interval=0.01)
    engine = Engine(settings, encoder=HashingEncoder())
    await start_bot(engine=engine)
    await wait_for_articles(engine, 1)

    site.rss("/feed.xml", [FERRY, LIGHTHOUSE])  # the site publishes a story
    await wait_for_articles(engine, 2)
    (reply,) = await ask(telegram, READER, "When does the night ferry to Skarholm leave?")
    assert "23:40" in reply.text
    assert "Skarholm Sentinel" in reply.text and "5 February 2025" in reply.text
    assert not [c for c in telegram.calls() if c.chat_id == ADMIN["id"]]  # no admin action
    (feed,) = await asyncio.to_thread(engine.list_feeds)
    assert feed.title == "Skarholm Sentinel" and feed.last_error is None
    # Unchanged polls since then were conditional requests answered with 304.
    await asyncio.sleep(1.5)
    assert site.conditional_requests("/feed.xml")


async def test_admins_follow_list_and_remove_feeds(
    bot: NewsbotApp, telegram: FakeTelegram, site: FeedSite, engine: Engine
) -> None:
    url = site.atom("/atom.xml", [SALMON, TRAM])
    final = await admin_sends(telegram, f"/feeds add {url} 30")
    assert html_problem(final.text) is None
    assert "added 2, already had 0, failed 0" in final.text
    assert SALMON.title in final.text and TRAM.title in final.text

    listing = await admin_sends(telegram, "/feeds list")
    assert "<code>1</code>" in listing.text and "Skarholm Sentinel" in listing.text
    assert "every 30 minutes" in listing.text

    again = await admin_sends(telegram, f"/feeds add {url}")
    assert "Already subscribed to that feed: feed 1" in again.text
    too_often = await admin_sends(telegram, f"/feeds add {url}x 1")
    assert "at most every 5 minutes" in too_often.text

    removed = await admin_sends(telegram, "/feeds remove 1")
    assert "Stopped following feed" in removed.text
    assert (await asyncio.to_thread(engine.list_feeds)) == []
    usage = await admin_sends(telegram, "/feeds")
    assert "/feeds add URL [MINUTES]" in usage.text


async def test_a_broken_feed_is_reported_with_its_next_attempt(
    bot: NewsbotApp, telegram: FakeTelegram, site: FeedSite
) -> None:
    server: LocalServer = site.server
    url = server.add("/news.html", "<!DOCTYPE html><html><body><p>Our news</p></body></html>")
    final = await admin_sends(telegram, f"/feeds add {url}")
    assert "❌ Could not read feed" in final.text
    assert "That link is a web page, not an RSS or Atom feed." in final.text
    listing = await admin_sends(telegram, "/feeds list")
    assert "⚠️ Failed once: That link is a web page" in listing.text
    assert "Next attempt" in listing.text


async def test_readers_cannot_follow_feeds(
    bot: NewsbotApp, telegram: FakeTelegram, site: FeedSite, engine: Engine
) -> None:
    url = site.rss("/feed.xml", [LIGHTHOUSE])
    (reply,) = await ask(telegram, READER, f"/feeds add {url}")
    assert "only this bot's admins" in reply.text
    assert (await asyncio.to_thread(engine.list_feeds)) == []
    assert not site.server.requests


async def test_latest_lists_the_newest_headlines_for_everyone(
    bot: NewsbotApp, telegram: FakeTelegram, engine: Engine
) -> None:
    default = await telegram.wait_for(
        "setMyCommands", lambda c: c.params["scope"]["type"] == "default"
    )
    assert "latest" in [c["command"] for c in default.params["commands"]]
    assert "latest" in {c.command for c in READER_COMMANDS}
    assert "feeds" in {c.command for c in ADMIN_COMMANDS}

    (empty,) = await ask(telegram, READER, "/latest")
    assert "I have no articles yet." in empty.text
    for story in (SALMON, LIGHTHOUSE, TRAM, FERRY):
        await asyncio.to_thread(
            engine.add_text,
            "\n\n".join(story.paragraphs),
            title=story.title,
            outlet="Skarholm <Sentinel>",
            url=f"https://sentinel.example{story.path}",
            published_at=story.published,
        )
    (latest,) = await ask(telegram, READER, "/latest")
    assert html_problem(latest.text) is None
    lines = visible_text(latest.text).splitlines()
    assert lines[0] == "Latest headlines:"
    assert lines[1] == f"• Skarholm <Sentinel>: {TRAM.title}, 9 February 2025"
    assert [line.split(": ", 1)[1].rsplit(",", 1)[0] for line in lines[1:]] == [
        TRAM.title,
        SALMON.title,
        FERRY.title,
        LIGHTHOUSE.title,
    ]
    assert '<a href="https://sentinel.example/news/tram-strike">' in latest.text

    (on_topic,) = await ask(telegram, READER, "/latest island")
    assert visible_text(on_topic.text).splitlines()[1:] == [
        f"• Skarholm <Sentinel>: {FERRY.title}, 5 February 2025",
        f"• Skarholm <Sentinel>: {LIGHTHOUSE.title}, 3 February 2025",
    ]
