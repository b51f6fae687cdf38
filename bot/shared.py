"""What several bot workers on one PostgreSQL share besides the corpus.

Each update is handled by one worker even when Telegram delivers it twice (the first to record
its `update_id` takes it); the periodic jobs (feed polling) run in one worker at a time, the
holder of a lease that it renews and that another worker takes over once it lapses; and a
reader's rate limit is one bucket however the reverse proxy spreads their messages.

A short outage of the database must not silence the bot: if the state cannot be read, an update
is handled (better twice than never), a question is allowed, and the jobs pause.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import threading
import uuid
from collections.abc import Hashable
from typing import TYPE_CHECKING, Any

import psycopg
from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot.ratelimit import Decision
from index.pg_store import PostgresStore

if TYPE_CHECKING:
    from bot.services import Context

__all__ = ["SharedRateLimiter", "SharedState", "take_update"]

log = logging.getLogger(__name__)

# Updates remembered this long: Telegram gives up redelivering an update within a day.
UPDATE_MEMORY_HOURS = 24


class SharedState:
    """One worker's view of the shared bot tables; thread-safe (one connection, one lock)."""

    def __init__(self, database_url: str, worker: str | None = None) -> None:
        # Opening the store runs its migrations, which create these tables.
        PostgresStore(database_url).close()
        self.url = database_url
        self.worker = worker or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self._lock = threading.Lock()
        self._connection: Any = None

    def _run(self, sql: str, parameters: tuple[object, ...] | dict[str, object] = ()) -> Any:
        """One statement in its own transaction; one reconnect if the connection was lost."""
        with self._lock:
            for attempt in (1, 2):
                try:
                    if self._connection is None or self._connection.closed:
                        self._connection = psycopg.connect(
                            self.url, autocommit=True, connect_timeout=5
                        )
                    return self._connection.execute(sql, parameters).fetchall()
                except psycopg.OperationalError:
                    if self._connection is not None:
                        self._connection.close()
                    self._connection = None
                    if attempt == 2:
                        raise
        raise AssertionError("unreachable")

    def take_update(self, update_id: int) -> bool:
        """Whether this worker is the one to handle the update (False: another already is)."""
        try:
            rows = self._run(
                "INSERT INTO bot_updates(update_id, worker) VALUES (%s, %s) "
                "ON CONFLICT (update_id) DO NOTHING RETURNING update_id",
                (update_id, self.worker),
            )
        except psycopg.Error as error:
            log.warning("Cannot record update %d (%s); handling it anyway", update_id, error)
            return True
        return bool(rows)

    def hold_lease(self, name: str, seconds: float) -> bool:
        """Take or renew the lease `name` for `seconds`; False while another worker holds it."""
        try:
            rows = self._run(
                "INSERT INTO bot_leases(name, holder, expires_at) "
                "VALUES (%s, %s, now() + make_interval(secs => %s)) "
                "ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, "
                "expires_at = excluded.expires_at "
                "WHERE bot_leases.holder = excluded.holder OR bot_leases.expires_at < now() "
                "RETURNING holder",
                (name, self.worker, seconds),
            )
        except psycopg.Error as error:
            log.warning("Cannot renew the %s lease (%s); pausing those jobs", name, error)
            return False
        return bool(rows)

    def release_lease(self, name: str) -> None:
        """Give the lease up at a clean stop, so another worker need not wait for it to lapse."""
        try:
            self._run(
                "DELETE FROM bot_leases WHERE name = %s AND holder = %s RETURNING name",
                (name, self.worker),
            )
        except psycopg.Error as error:
            log.warning("Cannot release the %s lease (%s); it lapses by itself", name, error)

    def forget_old_updates(self) -> None:
        try:
            self._run(
                "DELETE FROM bot_updates WHERE taken_at < now() - make_interval(hours => %s) "
                "RETURNING update_id",
                (UPDATE_MEMORY_HOURS,),
            )
        except psycopg.Error as error:
            log.warning("Cannot prune the handled updates (%s)", error)

    def take_token(self, key: str, capacity: int, period: float) -> Decision:
        """The shared token bucket of `key` (see `bot.ratelimit.RateLimiter`): every worker
        updates the same row, timed by the database's clock."""
        rate = capacity / period
        parameters = {"key": key, "capacity": float(capacity), "rate": rate}
        try:
            self._run(_NEW_BUCKET, parameters)
            (row,) = self._run(_TAKE_TOKEN, parameters)
        except psycopg.Error as error:
            log.warning("Cannot read the rate limit (%s); allowing the question", error)
            return Decision(True)
        tokens, allowed, warn = float(row[0]), bool(row[1]), bool(row[2])
        if allowed:
            return Decision(True)
        return Decision(False, retry_after=(1.0 - tokens) / rate, warn=warn)

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None


# Refill the bucket for the time since its last use, take a token if there is one, and say
# whether this refusal is the first since an allowed request (the only one worth a message).
# The row lock makes concurrent takes from several workers queue, not race; the row exists
# (created full by _NEW_BUCKET) before this runs.
_NEW_BUCKET = """
INSERT INTO bot_rate_buckets(key, tokens, updated_at) VALUES (%(key)s, %(capacity)s, now())
ON CONFLICT (key) DO NOTHING RETURNING key
"""
_TAKE_TOKEN = """
WITH refilled AS (
    SELECT least(%(capacity)s,
        tokens + extract(epoch FROM clock_timestamp() - updated_at)::float8 * %(rate)s) AS tokens,
        warned
    FROM bot_rate_buckets WHERE key = %(key)s FOR UPDATE
)
UPDATE bot_rate_buckets b
SET tokens = CASE WHEN r.tokens >= 1 THEN r.tokens - 1 ELSE r.tokens END,
    updated_at = clock_timestamp(), warned = r.tokens < 1
FROM refilled r WHERE b.key = %(key)s
RETURNING b.tokens, r.tokens >= 1, r.tokens < 1 AND NOT r.warned
"""


class SharedRateLimiter:
    """`RateLimiter`'s interface over the shared buckets: one limit per reader across workers."""

    def __init__(self, state: SharedState, capacity: int, period: float) -> None:
        if capacity <= 0 or period <= 0:
            raise ValueError("capacity and period must be positive")
        self.capacity = capacity
        self.period = period
        self._state = state

    def check(self, key: Hashable) -> Decision:
        return self._state.take_token(str(key), self.capacity, self.period)


async def take_update(update: object, context: Context) -> None:
    """Handler of group -1: stop here unless this worker is the first to take the update (a
    delivery Telegram retried, or the reverse proxy sent to two workers)."""
    shared = context.bot_data.shared
    if shared is None or not isinstance(update, Update):
        return
    if not await asyncio.to_thread(shared.take_update, update.update_id):
        log.info("Update %d is another worker's; skipping it", update.update_id)
        raise ApplicationHandlerStop
