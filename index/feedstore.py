"""The feed tables: subscriptions with their polling state, and the items each feed has seen.

They live in the articles' SQLite database (created by the store's migrations) and are reached
through the `Store`'s connection and lock, so a feed's state and the articles its poll added are
written by one connection and survive a restart together.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import UTC, datetime

from index.errors import DuplicateFeed, NotFound
from index.models import Feed, Stage
from index.store import Store

__all__ = ["MAX_ITEM_ATTEMPTS", "FeedStore"]

# An item that failed this many polls (page and item content both unusable) is given up on.
MAX_ITEM_ATTEMPTS = 3

_COLUMNS = (
    "id, url, title, interval_minutes, added_at, next_poll_at, last_polled_at, last_success_at, "
    "last_error, failures, etag, last_modified"
)


def _iso(value: datetime | None) -> str | None:
    # One fixed width, so that stored times compare correctly as text in SQL.
    return None if value is None else value.astimezone(UTC).isoformat(timespec="microseconds")


def _time(value: object) -> datetime | None:
    return None if value is None else datetime.fromisoformat(str(value))


def _feed(row: Sequence[object]) -> Feed:
    return Feed(
        id=int(str(row[0])),
        url=str(row[1]),
        title=None if row[2] is None else str(row[2]),
        interval_minutes=float(str(row[3])),
        added_at=_time(row[4]) or datetime.now(UTC),
        next_poll_at=_time(row[5]) or datetime.now(UTC),
        last_polled_at=_time(row[6]),
        last_success_at=_time(row[7]),
        last_error=None if row[8] is None else str(row[8]),
        failures=int(str(row[9])),
        etag=None if row[10] is None else str(row[10]),
        last_modified=None if row[11] is None else str(row[11]),
    )


class FeedStore:
    """Subscriptions and seen items over the store's database; thread-safe."""

    def __init__(self, store: Store) -> None:
        self._store = store

    # -- subscriptions --------------------------------------------------------------------

    def add(self, url: str, canonical_url: str, interval_minutes: float, now: datetime) -> Feed:
        """Subscribe; the first poll is due at once. Raises DuplicateFeed if subscribed."""
        with self._store.writing() as db:
            existing = self.find(canonical_url)
            if existing is not None:
                raise DuplicateFeed(
                    f"Already subscribed to that feed: feed {existing.id}, {existing.name}.",
                    existing.id,
                )
            cursor = db.execute(
                "INSERT INTO feeds(url, canonical_url, interval_minutes, added_at, next_poll_at) "
                "VALUES (?, ?, ?, ?, ?) RETURNING id",
                (url, canonical_url, interval_minutes, _iso(now), _iso(now)),
            )
            feed_id = int(cursor.fetchone()[0])
        return self.get(feed_id)

    def get(self, feed_id: int) -> Feed:
        with self._store.reading() as db:
            row = db.execute(f"SELECT {_COLUMNS} FROM feeds WHERE id = ?", (feed_id,)).fetchone()
        if row is None:
            raise NotFound(f"There is no feed {feed_id}.")
        return _feed(row)

    def find(self, canonical_url: str) -> Feed | None:
        with self._store.reading() as db:
            row = db.execute(
                f"SELECT {_COLUMNS} FROM feeds WHERE canonical_url = ?", (canonical_url,)
            ).fetchone()
        return None if row is None else _feed(row)

    def all(self) -> list[Feed]:
        """Every subscription, oldest first."""
        with self._store.reading() as db:
            rows = db.execute(f"SELECT {_COLUMNS} FROM feeds ORDER BY id").fetchall()
        return [_feed(row) for row in rows]

    def due(self, now: datetime) -> list[Feed]:
        """Feeds whose next poll is due at `now`, the longest-waiting first."""
        with self._store.reading() as db:
            rows = db.execute(
                f"SELECT {_COLUMNS} FROM feeds WHERE next_poll_at <= ? ORDER BY next_poll_at, id",
                (_iso(now),),
            ).fetchall()
        return [_feed(row) for row in rows]

    def remove(self, feed_id: int) -> Feed:
        """Unsubscribe; the feed's articles stay, its seen items go with it."""
        with self._store.writing() as db:
            feed = self.get(feed_id)
            db.execute("DELETE FROM feed_items WHERE feed_id = ?", (feed_id,))
            db.execute("DELETE FROM feeds WHERE id = ?", (feed_id,))
        return feed

    # -- polling state --------------------------------------------------------------------

    def record_success(
        self,
        feed_id: int,
        now: datetime,
        next_poll_at: datetime,
        *,
        title: str | None = None,
        validators: tuple[str | None, str | None] | None = None,
    ) -> Feed:
        """A poll that read the feed (or got 304); `validators` = new (ETag, Last-Modified)."""
        with self._store.writing() as db:
            db.execute(
                "UPDATE feeds SET last_polled_at = ?, last_success_at = ?, next_poll_at = ?, "
                "last_error = NULL, failures = 0, title = COALESCE(?, title) WHERE id = ?",
                (_iso(now), _iso(now), _iso(next_poll_at), title, feed_id),
            )
            if validators is not None:
                db.execute(
                    "UPDATE feeds SET etag = ?, last_modified = ? WHERE id = ?",
                    (*validators, feed_id),
                )
        return self.get(feed_id)

    def record_failure(
        self, feed_id: int, now: datetime, next_poll_at: datetime, error: str
    ) -> Feed:
        """A poll that could not read the feed: one more failure in a row, and why."""
        with self._store.writing() as db:
            db.execute(
                "UPDATE feeds SET last_polled_at = ?, next_poll_at = ?, last_error = ?, "
                "failures = failures + 1 WHERE id = ?",
                (_iso(now), _iso(next_poll_at), error, feed_id),
            )
        return self.get(feed_id)

    # -- seen items -----------------------------------------------------------------------

    def done_keys(self, feed_id: int, keys: Collection[str]) -> set[str]:
        """Those of `keys` this feed has finished with: added, duplicate, or given up on."""
        if not keys:
            return set()
        marks = ",".join("?" * len(keys))
        with self._store.reading() as db:
            rows = db.execute(
                f"SELECT key FROM feed_items WHERE feed_id = ? AND key IN ({marks}) "
                "AND (outcome != ? OR attempts >= ?)",
                (feed_id, *keys, Stage.FAILED.value, MAX_ITEM_ATTEMPTS),
            ).fetchall()
        return {str(row[0]) for row in rows}

    def mark(
        self,
        feed_id: int,
        keys: Collection[str],
        outcome: Stage,
        now: datetime,
        article_id: int | None = None,
    ) -> None:
        """Remember an item under each of its keys; a repeated failure counts one more attempt."""
        with self._store.writing() as db:
            db.executemany(
                "INSERT INTO feed_items(feed_id, key, outcome, article_id, seen_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT(feed_id, key) DO UPDATE SET "
                "outcome = excluded.outcome, article_id = excluded.article_id, "
                "seen_at = excluded.seen_at, attempts = feed_items.attempts + 1",
                [(feed_id, key, outcome.value, article_id, _iso(now)) for key in keys],
            )
