"""Feeds on the engine: RSS and Atom from a real loopback server into a real SQLite file.

The clock is fixed, so scheduling and back-off are checked to the second.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from index import Engine, HashingEncoder, Settings, Stage
from index.clock import FixedClock
from index.errors import DuplicateFeed, FeedBusy, FeedError, NotFound
from tests.support.feeds import STORIES, FeedSite
from tests.support.web import LocalServer, Route, serving

# Every engine test here runs on the embedded store and on the shared PostgreSQL one.
BOTH_BACKENDS = True

LIGHTHOUSE, FERRY, SALMON, TRAM = (STORIES[s] for s in STORIES)
START = datetime(2025, 2, 10, 12, 0, tzinfo=UTC)


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with serving() as local:
        yield local


@pytest.fixture
def site(server: LocalServer) -> FeedSite:
    return FeedSite(server)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", allow_private_urls=True, fetch_timeout=5.0)


def open_engine(settings: Settings, clock: FixedClock) -> Engine:
    return Engine(settings, encoder=HashingEncoder(), clock=clock).open()


@pytest.fixture
def engine(settings: Settings, clock: FixedClock) -> Iterator[Engine]:
    opened = open_engine(settings, clock)
    yield opened
    opened.close()


async def test_subscribing_adds_the_items_with_their_outlet_and_date(
    engine: Engine, site: FeedSite
) -> None:
    url = site.rss("/feed.xml", [FERRY, LIGHTHOUSE])
    feed = engine.add_feed(url)
    assert feed.interval_minutes == 15 and feed.next_poll_at == START
    assert [f.id for f in engine.due_feeds()] == [feed.id]

    poll = await engine.poll_feed(feed.id)
    assert poll.ok and (poll.added, poll.duplicates, poll.failed) == (2, 0, 0)
    # Added oldest first, so article numbers follow the news.
    titles = [o.article.title for o in poll.outcomes if o.article is not None]
    assert titles == [LIGHTHOUSE.title, FERRY.title]
    ferry = engine.find_article(site.server.url(FERRY.path))
    assert ferry.outlet == "Skarholm Sentinel"
    assert ferry.published_at == FERRY.published
    assert poll.feed.title == "Skarholm Sentinel"
    assert poll.feed.next_poll_at == START + timedelta(minutes=15)
    assert engine.due_feeds() == []
    answer = engine.ask("When does the night ferry to Skarholm leave the mainland?")
    assert any("23:40" in quote.text for quote in answer.quotes)


async def test_atom_feeds_work_too(engine: Engine, site: FeedSite) -> None:
    feed = engine.add_feed(site.atom("/atom.xml", [SALMON, TRAM]))
    poll = await engine.poll_feed(feed.id)
    assert poll.added == 2
    assert engine.find_article(site.server.url(SALMON.path)).published_at == SALMON.published


async def test_new_items_appear_on_the_next_poll_and_unchanged_feeds_cost_a_304(
    engine: Engine, site: FeedSite, clock: FixedClock
) -> None:
    feed = engine.add_feed(site.rss("/feed.xml", [LIGHTHOUSE]))
    await engine.poll_feed(feed.id)

    clock.advance(timedelta(minutes=15))
    unchanged = await engine.poll_feed(feed.id)
    assert unchanged.not_modified and unchanged.outcomes == []
    (conditional,) = site.conditional_requests("/feed.xml")
    assert conditional["if-none-match"] == unchanged.feed.etag
    assert conditional["if-modified-since"] == unchanged.feed.last_modified

    site.rss("/feed.xml", [FERRY, LIGHTHOUSE])
    clock.advance(timedelta(minutes=15))
    changed = await engine.poll_feed(feed.id)
    assert not changed.not_modified
    assert [o.source for o in changed.outcomes] == [site.server.url(FERRY.path)]
    assert changed.added == 1
    assert engine.stats().articles == 2


async def test_nothing_is_added_twice_across_restarts_reordering_and_feeds(
    settings: Settings, clock: FixedClock, site: FeedSite
) -> None:
    engine = open_engine(settings, clock)
    rss_feed = engine.add_feed(site.rss("/feed.xml", [FERRY, LIGHTHOUSE]))
    assert (await engine.poll_feed(rss_feed.id)).added == 2
    engine.close()

    # After a restart, with the items re-ordered (a changed feed, so no 304) ...
    engine = open_engine(settings, clock)
    (restored,) = engine.list_feeds()
    assert restored.etag is not None and restored.last_success_at == START
    site.rss("/feed.xml", [LIGHTHOUSE, FERRY])
    reordered = await engine.poll_feed(restored.id)
    assert not reordered.not_modified and reordered.outcomes == []

    # ... and the same stories in another feed of another format: duplicates, nothing added.
    atom_feed = engine.add_feed(site.atom("/atom.xml", [FERRY, LIGHTHOUSE]))
    other = await engine.poll_feed(atom_feed.id)
    assert (other.added, other.duplicates) == (0, 2)
    assert engine.stats().articles == 2
    engine.close()


async def test_items_without_guids_are_recognised_by_their_links(
    engine: Engine, site: FeedSite, server: LocalServer
) -> None:
    from tests.support.feeds import rss

    for story in (FERRY, LIGHTHOUSE):
        site.page(story)
    body = rss("Sentinel", server.base_url, [FERRY, LIGHTHOUSE], guids=False)
    feed = engine.add_feed(site.publish("/plain.xml", body))
    assert (await engine.poll_feed(feed.id)).added == 2
    site.publish("/plain.xml", rss("Sentinel", server.base_url, [LIGHTHOUSE, FERRY], False))
    assert (await engine.poll_feed(feed.id)).outcomes == []


async def test_a_broken_page_falls_back_to_the_items_own_text(
    engine: Engine, site: FeedSite, server: LocalServer
) -> None:
    url = site.rss("/feed.xml", [SALMON, TRAM])
    server.add(SALMON.path, "gone", status=404)
    server.add(TRAM.path, "<html><body><p>Cookies?</p></body></html>")
    poll = await engine.poll_feed(engine.add_feed(url).id)
    assert poll.added == 2
    salmon = engine.find_article(server.url(SALMON.path))
    assert salmon.title == SALMON.title
    assert salmon.outlet == "Skarholm Sentinel"  # the feed's title
    assert salmon.published_at == SALMON.published
    assert salmon.text.startswith("Wardens counted eleven thousand salmon")
    tram = engine.find_article(server.url(TRAM.path))
    assert "four per cent pay rise" in tram.text


async def test_one_bad_item_never_stops_the_rest(
    engine: Engine, site: FeedSite, server: LocalServer, clock: FixedClock
) -> None:
    from tests.support.feeds import Story, rss

    bare = Story("bare", "A headline and nothing else", START, ())
    site.page(LIGHTHOUSE)
    server.add(bare.path, "gone", status=500)
    feed = engine.add_feed(
        site.publish("/feed.xml", rss("Sentinel", server.base_url, [bare, LIGHTHOUSE]))
    )
    poll = await engine.poll_feed(feed.id)
    assert poll.ok and (poll.added, poll.failed) == (1, 1)
    (failed,) = [o for o in poll.outcomes if o.stage is Stage.FAILED]
    assert failed.source == server.url(bare.path)
    assert "HTTP 500" in failed.message and "no text of its own" in failed.message
    # Validators are dropped while an item waits for a retry, so the next poll reads the feed.
    assert poll.feed.etag is None
    clock.advance(timedelta(minutes=15))
    again = await engine.poll_feed(feed.id)
    assert [o.stage for o in again.outcomes] == [Stage.FAILED]


@pytest.mark.parametrize(
    ("body", "content_type", "reason"),
    [
        (b"<!DOCTYPE html><html><body><p>Our news</p></body></html>", "text/html", "web page"),
        (b"this is not xml at all", "application/xml", "not an RSS or Atom feed"),
        (b"", "application/rss+xml", "empty"),
    ],
)
async def test_malformed_feeds_are_a_clear_error_and_store_nothing(
    engine: Engine, server: LocalServer, body: bytes, content_type: str, reason: str
) -> None:
    url = server.add("/feed", body, content_type=content_type)
    poll = await engine.poll_feed(engine.add_feed(url).id)
    assert not poll.ok and poll.error is not None and reason in poll.error
    assert poll.outcomes == []
    assert engine.stats().articles == 0
    assert engine.list_feeds()[0].last_error == poll.error


async def test_a_failing_feed_backs_off_and_recovers(
    engine: Engine, site: FeedSite, server: LocalServer, clock: FixedClock
) -> None:
    server.add("/feed.xml", "down", status=503)
    feed = engine.add_feed(server.url("/feed.xml"), 10)
    waits = []
    for _ in range(3):
        poll = await engine.poll_feed(feed.id)
        waits.append(poll.feed.next_poll_at - clock.now())
        clock.set(poll.feed.next_poll_at)
    assert waits == [timedelta(minutes=20), timedelta(minutes=40), timedelta(minutes=80)]
    assert poll.feed.failures == 3 and "HTTP 503" in (poll.feed.last_error or "")

    site.rss("/feed.xml", [TRAM])
    recovered = await engine.poll_feed(feed.id)
    assert recovered.ok and recovered.added == 1
    assert recovered.feed.failures == 0 and recovered.feed.last_error is None
    assert recovered.feed.next_poll_at == clock.now() + timedelta(minutes=10)


async def test_one_poll_at_a_time_per_feed(engine: Engine, server: LocalServer) -> None:
    gate = threading.Event()
    server.add("/slow.xml", Route(b"", 503, gate=gate))
    feed = engine.add_feed(server.url("/slow.xml"))
    first = asyncio.create_task(engine.poll_feed(feed.id))
    await asyncio.to_thread(server.routes["/slow.xml"].requested.wait, 5)
    assert engine.due_feeds() == []  # being polled: not due again
    with pytest.raises(FeedBusy):
        await engine.poll_feed(feed.id)
    gate.set()
    assert not (await first).ok


def test_subscriptions_are_checked_listed_and_removed(engine: Engine) -> None:
    with pytest.raises(FeedError, match="at most every 5 minutes"):
        engine.add_feed("https://news.example/feed.xml", 2)
    with pytest.raises(FeedError, match="http or https"):
        engine.add_feed("ftp://news.example/feed.xml")
    feed = engine.add_feed("https://news.example/feed.xml?utm_source=x", 30)
    with pytest.raises(DuplicateFeed):
        engine.add_feed("https://NEWS.example/feed.xml")
    assert [f.id for f in engine.list_feeds()] == [feed.id]
    assert engine.remove_feed("https://news.example/feed.xml").id == feed.id
    with pytest.raises(NotFound):
        engine.remove_feed(str(feed.id))
    assert engine.list_feeds() == []


def test_configured_feeds_are_subscribed_once(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, clock: FixedClock
) -> None:
    monkeypatch.setenv("NEWSBOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("NEWSBOT_FEEDS", "https://a.example/rss.xml, https://b.example/atom")
    monkeypatch.setenv("NEWSBOT_FEED_INTERVAL", "30")
    settings = Settings.from_env(env_file=None)
    for _ in range(2):  # two starts
        engine = open_engine(settings, clock)
        engine.subscribe_configured()
        feeds = engine.list_feeds()
        engine.close()
    assert [(f.url, f.interval_minutes) for f in feeds] == [
        ("https://a.example/rss.xml", 30),
        ("https://b.example/atom", 30),
    ]


def test_latest_lists_the_newest_first_optionally_on_a_topic(engine: Engine) -> None:
    for story in (SALMON, LIGHTHOUSE, TRAM, FERRY):
        engine.add_text(
            "\n\n".join(story.paragraphs), title=story.title, published_at=story.published
        )
    # No date of its own: it counts as of when it was added (now, after all the others).
    undated = engine.add_text(
        "Skarholm ferry timetable notice\n\nThe harbour office reminds passengers that the "
        "Skarholm ferry timetable changes on Sunday, when the winter service with two fewer "
        "daily crossings ends and the spring service begins.",
        outlet="Harbour Office",
    )
    assert [a.title for a in engine.latest(limit=3)] == [undated.title, TRAM.title, SALMON.title]
    on_topic = engine.latest("Skarholm")
    assert [a.title for a in on_topic] == [undated.title, FERRY.title, LIGHTHOUSE.title]
    assert engine.latest("volcano eruption") == []
