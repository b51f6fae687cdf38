"""`newsbot feeds …` and `newsbot latest`: follow feeds, and list the newest headlines."""

from __future__ import annotations

import argparse
import asyncio
import json
from datetime import datetime
from typing import Any

from index.engine import Engine
from index.models import Article, Feed, FeedPoll, Stage

__all__ = ["feed_to_json", "register"]


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "never"


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def feed_to_json(feed: Feed) -> dict[str, Any]:
    """The `feeds list --json` record of one feed."""
    return {
        "id": feed.id,
        "url": feed.url,
        "title": feed.title,
        "interval_minutes": feed.interval_minutes,
        "last_polled_at": _iso(feed.last_polled_at),
        "last_success_at": _iso(feed.last_success_at),
        "next_poll_at": _iso(feed.next_poll_at),
        "failures": feed.failures,
        "last_error": feed.last_error,
    }


def cmd_feeds_add(engine: Engine, args: argparse.Namespace) -> int:
    feed = engine.add_feed(args.url, args.minutes)
    print(f"Subscribed to feed {feed.id}: {feed.url}, every {feed.interval_minutes:g} minutes.")
    print("Check it now with: newsbot feeds poll")
    return 0


def cmd_feeds_list(engine: Engine, args: argparse.Namespace) -> int:
    engine.subscribe_configured()
    feeds = engine.list_feeds()
    if args.json:
        for feed in feeds:
            print(json.dumps(feed_to_json(feed), ensure_ascii=False))
        return 0
    if not feeds:
        print("No feeds yet. Subscribe with: newsbot feeds add URL [MINUTES]")
    for feed in feeds:
        print(f"{feed.id:>4}  {feed.name}  (every {feed.interval_minutes:g} min)")
        print(f"      {feed.url}")
        print(f"      last checked {_when(feed.last_polled_at)}, next {_when(feed.next_poll_at)}")
        if feed.last_error:
            print(f"      failed {feed.failures}x in a row: {feed.last_error}")
    return 0


def cmd_feeds_remove(engine: Engine, args: argparse.Namespace) -> int:
    feed = engine.remove_feed(args.feed)
    print(f"Unsubscribed from feed {feed.id}: {feed.name} (its articles stay).")
    return 0


def print_poll(poll: FeedPoll) -> None:
    feed = poll.feed
    if not poll.ok:
        print(f"feed {feed.id} {feed.name}: failed: {poll.error}")
        print(f"  next attempt {_when(feed.next_poll_at)}")
        return
    if poll.not_modified:
        print(f"feed {feed.id} {feed.name}: not modified")
        return
    print(
        f"feed {feed.id} {feed.name}: added {poll.added}, duplicates {poll.duplicates}, "
        f"failed {poll.failed}"
    )
    for outcome in poll.outcomes:
        if outcome.stage is Stage.ADDED and outcome.article is not None:
            print(f"  added: article {outcome.article.id}: {outcome.article.title}")
        elif outcome.stage is Stage.FAILED:
            print(f"  failed: {outcome.source}: {outcome.message}")


def cmd_feeds_poll(engine: Engine, args: argparse.Namespace) -> int:
    """Check every feed once, now, whatever its interval; exit 1 if a feed could not be read."""
    engine.subscribe_configured()
    feeds = engine.list_feeds()
    if not feeds:
        print("No feeds yet. Subscribe with: newsbot feeds add URL [MINUTES]")
        return 0

    from index.fetch import make_client  # httpx: only the commands that fetch pay its import

    async def poll_all() -> list[FeedPoll]:
        async with make_client(engine.settings.fetch_timeout) as client:
            return [await engine.poll_feed(feed.id, client) for feed in feeds]

    polls = asyncio.run(poll_all())
    for poll in polls:
        print_poll(poll)
    return 0 if all(poll.ok for poll in polls) else 1


def _date(article: Article) -> str:
    return (article.published_at or article.added_at).strftime("%Y-%m-%d")


def cmd_latest(engine: Engine, args: argparse.Namespace) -> int:
    topic = " ".join(args.topic) or None
    articles = engine.latest(topic, args.limit)
    if args.json:
        for a in articles:
            when = a.published_at or a.added_at
            record = {"id": a.id, "title": a.title, "outlet": a.outlet, "url": a.url}
            print(json.dumps({**record, "date": when.isoformat()}, ensure_ascii=False))
        return 0
    if not articles:
        print(f"Nothing on {topic!r} yet." if topic else "No articles yet.")
    for a in articles:
        print(f"{_date(a)}  {a.outlet or '-'}: {a.title}" + (f"  {a.url}" if a.url else ""))
    return 0


def register(commands: Any) -> None:
    """Add `feeds` and `latest` to the `newsbot` sub-commands."""
    feeds = commands.add_parser("feeds", help="follow RSS and Atom feeds: add, list, remove, poll")
    actions = feeds.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = actions.add_parser("add", help="subscribe to a feed")
    add.add_argument("url", metavar="URL")
    add.add_argument("minutes", nargs="?", type=float, help="minutes between polls (default 15)")
    add.set_defaults(handler=cmd_feeds_add)
    listing = actions.add_parser("list", help="the feeds, their last poll, next poll and error")
    listing.add_argument("--json", action="store_true", help="one JSON object per feed")
    listing.set_defaults(handler=cmd_feeds_list)
    remove = actions.add_parser("remove", help="unsubscribe (the articles stay)")
    remove.add_argument("feed", metavar="ID|URL")
    remove.set_defaults(handler=cmd_feeds_remove)
    poll = actions.add_parser("poll", help="check every feed once, now, and print what it added")
    poll.set_defaults(handler=cmd_feeds_poll)

    latest = commands.add_parser("latest", help="the newest headlines, optionally on a topic")
    latest.add_argument("topic", nargs="*", help="words the articles must mention")
    latest.add_argument("--limit", type=int, default=10, help="at most this many (default 10)")
    latest.add_argument("--json", action="store_true", help="one JSON object per article")
    latest.set_defaults(handler=cmd_latest)
