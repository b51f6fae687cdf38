"""Pure functions turning feeds and the newest headlines into Telegram HTML (no I/O).

The same rules as `bot.render`: everything from a feed, an article or a user is escaped, and
every message stays within Telegram's 4096 characters.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import datetime

from bot.render import MESSAGE_LIMIT, attribution, clip, format_date, source_line, telegram_length
from index import Article, Feed, FeedPoll, Stage

__all__ = [
    "FEEDS_USAGE",
    "LATEST_COUNT",
    "render_feed_added",
    "render_feed_list",
    "render_feed_poll",
    "render_feed_removed",
    "render_latest",
]

LATEST_COUNT = 10
FEEDS_USAGE = (
    "Usage:\n"
    "/feeds add URL [MINUTES] follows an RSS or Atom feed, checked every MINUTES (default 15)\n"
    "/feeds list shows the feeds, when each was checked and any error\n"
    "/feeds remove ID|URL stops following one (its articles stay)"
)
_MAX_ERROR = 300
_MAX_ITEMS = 10


def _escape(text: str) -> str:
    return html.escape(text, quote=False)


def _moment(value: datetime | None) -> str:
    """ "10 February 2025 12:15 UTC", or "never"."""
    return f"{format_date(value)} {value:%H:%M} UTC" if value else "never"


def _every(feed: Feed) -> str:
    minutes = feed.interval_minutes
    return "every minute" if minutes == 1 else f"every {minutes:g} minutes"


def _name(feed: Feed) -> str:
    """The feed's title linked to the feed, numbered for /feeds remove."""
    name = _escape(clip(feed.name, 100))
    href = html.escape(feed.url, quote=True)
    return f'<code>{feed.id}</code> <a href="{href}">{name}</a>'


def _fit(lines: Sequence[str], limit: int) -> str:
    """The lines, or as many whole ones as fit in `limit` followed by how many were left out."""
    text = "\n".join(lines)
    if telegram_length(text) <= limit:
        return text
    kept: list[str] = []
    for number, line in enumerate(lines):
        after = len(lines) - number - 1
        if telegram_length("\n".join([*kept, line, f"…and {after} more."])) > limit:
            return "\n".join([*kept, f"…and {after + 1} more."])
        kept.append(line)
    return text  # unreachable: the whole text did not fit


def render_feed_added(feed: Feed, checking_here: bool = True) -> str:
    """The reply to /feeds add while its first check runs (here, or already in the background)."""
    text = f"Following feed {_name(feed)}, checked {_every(feed)}."
    if checking_here:
        return f"⏳ {text} Checking it now…"
    return f"{text} It is being checked right now; /feeds list shows how that went."


def render_feed_removed(feed: Feed) -> str:
    return f"Stopped following feed {_name(feed)}. Its articles stay; /remove deletes one."


def render_feed_list(feeds: Sequence[Feed], limit: int = MESSAGE_LIMIT) -> str:
    """Every feed with its interval, last and next check, and its last error if it failed."""
    if not feeds:
        return "No feeds yet. Follow one with /feeds add followed by its link."
    lines = [f"<b>Feeds</b> ({len(feeds)}):"]
    for feed in feeds:
        entry = (
            f"{_name(feed)} · {_every(feed)}\n"
            f"    last checked {_moment(feed.last_polled_at)}, next {_moment(feed.next_poll_at)}"
        )
        if feed.last_error:
            times = "once" if feed.failures == 1 else f"{feed.failures} times in a row"
            error = _escape(clip(feed.last_error, _MAX_ERROR))
            entry += f"\n    ⚠️ Failed {times}: {error} Next attempt {_moment(feed.next_poll_at)}."
        lines.append(entry)
    lines.append("Stop following one with /feeds remove followed by its number.")
    return _fit(lines, limit)


def render_feed_poll(poll: FeedPoll, limit: int = MESSAGE_LIMIT) -> str:
    """What a check of a feed found: the articles it added and the items that failed."""
    feed = poll.feed
    if not poll.ok:
        error = _escape(clip(poll.error or "", _MAX_ERROR))
        return (
            f"❌ Could not read feed {_name(feed)}: {error}\n"
            f"I'll try again {_moment(feed.next_poll_at)}; /feeds remove {feed.id} stops that."
        )
    if poll.not_modified or not poll.outcomes:
        return f"☑️ Feed {_name(feed)} has nothing new. Next check {_moment(feed.next_poll_at)}."
    lines = [
        f"Feed {_name(feed)}: added {poll.added}, already had {poll.duplicates}, "
        f"failed {poll.failed}."
    ]
    for outcome in poll.outcomes[:_MAX_ITEMS]:
        if outcome.stage is Stage.ADDED and outcome.article is not None:
            lines.append(f"✅ {source_line(outcome.article)}")
        elif outcome.stage is Stage.FAILED:
            source = _escape(clip(outcome.source, 80))
            lines.append(f"❌ {source}: {_escape(clip(outcome.message, _MAX_ERROR))}")
    return _fit(lines, limit)


def render_latest(
    articles: Sequence[Article], topic: str | None, limit: int = MESSAGE_LIMIT
) -> str:
    """The newest headlines (outlet, linked headline, date), newest first."""
    about = f" on “{_escape(clip(topic, 100))}”" if topic else ""
    if not articles:
        return f"I have no articles{about} yet." if topic else "I have no articles yet."
    lines = [f"<b>Latest headlines{about}</b>:"]
    lines.extend(f"• {attribution(article).removeprefix('— ')}" for article in articles)
    return _fit(lines, limit)
