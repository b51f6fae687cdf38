"""Feeds and the newest headlines as Telegram HTML: escaped, complete, within the limit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.render import MESSAGE_LIMIT, telegram_length
from bot.render_feeds import (
    render_feed_list,
    render_feed_poll,
    render_feed_removed,
    render_latest,
)
from index import Article, Feed, FeedPoll, IngestOutcome, Stage
from tests.support.telegram_html import html_problem, visible_text

NOW = datetime(2025, 2, 10, 12, 0, tzinfo=UTC)


def feed(feed_id: int = 1, **changes: object) -> Feed:
    values: dict[str, object] = {
        "id": feed_id,
        "url": "https://sentinel.example/feed.xml?a=1&b=2",
        "title": "Skarholm <Sentinel> & Co",
        "interval_minutes": 15.0,
        "added_at": NOW,
        "next_poll_at": NOW + timedelta(minutes=15),
        "last_polled_at": NOW,
    }
    values.update(changes)
    return Feed(**values)  # type: ignore[arg-type]


def article(article_id: int, title: str, published_at: datetime | None = NOW) -> Article:
    return Article(
        id=article_id,
        title=title,
        url=f"https://sentinel.example/news/{article_id}",
        outlet="Skarholm Sentinel",
        author=None,
        published_at=published_at,
        added_at=NOW,
        text="",
    )


def test_the_feed_list_shows_schedule_and_errors_escaped() -> None:
    broken = feed(2, title=None, failures=3, last_error="HTTP 503 <Service Unavailable>.")
    text = render_feed_list([feed(), broken])
    assert html_problem(text) is None
    visible = visible_text(text)
    assert "1 Skarholm <Sentinel> & Co · every 15 minutes" in visible
    assert "last checked 10 February 2025 12:00 UTC, next 10 February 2025 12:15 UTC" in visible
    assert "2 https://sentinel.example/feed.xml?a=1&b=2" in visible  # no title yet: its link
    assert "⚠️ Failed 3 times in a row: HTTP 503 <Service Unavailable>. Next attempt" in visible
    assert render_feed_list([]).startswith("No feeds yet.")


def test_a_long_feed_list_is_cut_between_feeds_and_says_how_many_more() -> None:
    feeds = [feed(i, title="Very long feed title " * 10, last_error="x" * 500) for i in range(60)]
    text = render_feed_list(feeds)
    assert telegram_length(text) <= MESSAGE_LIMIT
    assert html_problem(text) is None
    assert text.rsplit("\n", 1)[1].startswith("…and ") and text.endswith(" more.")


def test_a_poll_reports_what_was_added_and_what_failed() -> None:
    added = IngestOutcome("https://s.example/1", Stage.ADDED, article(7, "Ferry <night> crossing"))
    failed = IngestOutcome("https://s.example/2", Stage.FAILED, message="HTTP 404 & gone.")
    duplicate = IngestOutcome("https://s.example/3", Stage.DUPLICATE, message="Already have it.")
    text = render_feed_poll(FeedPoll(feed(), [added, failed, duplicate]))
    assert html_problem(text) is None
    visible = visible_text(text)
    assert "added 1, already had 1, failed 1." in visible
    assert "✅ Ferry <night> crossing (Skarholm Sentinel, 10 February 2025)" in visible
    assert "❌ https://s.example/2: HTTP 404 & gone." in visible

    unchanged = render_feed_poll(FeedPoll(feed(), not_modified=True))
    assert "has nothing new" in unchanged
    failure = render_feed_poll(FeedPoll(feed(failures=1), error="Not a <feed>."))
    assert html_problem(failure) is None and "Not a &lt;feed&gt;." in failure
    assert "/feeds remove 1" in failure
    assert "Stopped following feed" in render_feed_removed(feed())


def test_latest_headlines_are_linked_dated_and_fit_one_message() -> None:
    articles = [article(i, f"Headline {i} " + "word " * 60) for i in range(10)]
    undated = article(11, "No date", published_at=None)
    text = render_latest([*articles, undated], "tram <strike>")
    assert telegram_length(text) <= MESSAGE_LIMIT
    assert html_problem(text) is None
    assert text.startswith("<b>Latest headlines on “tram &lt;strike&gt;”</b>:")
    assert '<a href="https://sentinel.example/news/0">' in text
    short = render_latest([undated], None)
    assert visible_text(short).splitlines()[1] == (
        "• Skarholm Sentinel: No date, added 10 February 2025"
    )
    assert render_latest([], "volcano") == "I have no articles on “volcano” yet."
