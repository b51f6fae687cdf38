"""Polling feeds on their own: a job-queue tick starts a background poll for each due feed.

Each feed's schedule (its interval, or its back-off after failures) is kept by the engine in
the database, so one repeating job serves every feed and a restart picks up where it left off.
Polls run as tasks, one at a time per feed; the slow parts run in the engine's worker threads,
so questions are answered while feeds are read. With several workers on one shared database,
only the holder of the "jobs" lease polls; another takes over once the holder stops renewing.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING, Any

from index import FeedBusy, NotFound

if TYPE_CHECKING:
    from telegram.ext import JobQueue

    from bot.services import BotData

__all__ = ["MAX_TICK_SECONDS", "FeedPoller"]

log = logging.getLogger(__name__)

# Due feeds are looked for this often, or more often when the politeness floor is shorter.
MAX_TICK_SECONDS = 60.0
# The jobs lease lasts this many ticks (at least LEASE_MIN_SECONDS): a holder that misses a
# couple of ticks keeps it, one that died loses it to another worker within that time.
LEASE_TICKS = 3
LEASE_MIN_SECONDS = 5.0
JOBS_LEASE = "jobs"
# How often the jobs' holder forgets updates handled more than a day ago.
PRUNE_SECONDS = 3600.0


class FeedPoller:
    """Subscribes the configured feeds once the engine is ready, then polls whatever is due."""

    def __init__(self, data: BotData) -> None:
        self.data = data
        self._tasks: dict[int, asyncio.Task[None]] = {}
        self._subscribed = False
        self._leading = False
        self._pruned = -PRUNE_SECONDS
        floor = self.data.engine.settings.feed_min_interval * 60
        self.period = max(0.5, min(MAX_TICK_SECONDS, floor))

    def schedule(self, job_queue: JobQueue[Any]) -> None:
        job_queue.run_repeating(
            self.tick, interval=self.period, first=self.period, name="poll-feeds"
        )

    async def _may_run_jobs(self) -> bool:
        """Whether this worker runs the periodic jobs now (always, without a shared database)."""
        shared = self.data.shared
        if shared is None:
            return True
        seconds = max(LEASE_MIN_SECONDS, LEASE_TICKS * self.period)
        leading = await asyncio.to_thread(shared.hold_lease, JOBS_LEASE, seconds)
        if leading and not self._leading:
            log.info("This worker (%s) now runs the feed polls", shared.worker)
        if leading and time.monotonic() - self._pruned > PRUNE_SECONDS:
            self._pruned = time.monotonic()
            await asyncio.to_thread(shared.forget_old_updates)
        self._leading = leading
        return leading

    async def tick(self, context: object) -> None:
        """Start a poll for every due feed not being polled (nothing while the engine loads)."""
        if not self.data.engine_ready or not await self._may_run_jobs():
            return
        engine = self.data.engine
        if not self._subscribed:
            self._subscribed = True
            for feed in await engine.subscribe_configured():
                log.info("Following feed %d from NEWSBOT_FEEDS: %s", feed.id, feed.url)
        for feed in await engine.due_feeds():
            if feed.id not in self._tasks:
                task = asyncio.create_task(self._poll(feed.id), name=f"poll-feed-{feed.id}")
                self._tasks[feed.id] = task

    async def _poll(self, feed_id: int) -> None:
        try:
            await self._poll_once(feed_id)
        finally:
            self._tasks.pop(feed_id, None)

    async def _poll_once(self, feed_id: int) -> None:
        try:
            poll = await self.data.engine.poll_feed(feed_id, self.data.http)
        except (FeedBusy, NotFound):
            return  # an admin's /feeds add is polling it, or it was just removed
        except Exception:
            log.exception("Polling feed %d failed", feed_id)
            return
        if poll.ok:
            log.info(
                "Feed %d: added %d, duplicates %d, failed %d%s",
                feed_id,
                poll.added,
                poll.duplicates,
                poll.failed,
                " (not modified)" if poll.not_modified else "",
            )

    async def stop(self) -> None:
        """Cancel the polls under way (what they stored is committed; the rest comes later)."""
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        shared = self.data.shared
        if shared is not None and self._leading:
            await asyncio.to_thread(shared.release_lease, JOBS_LEASE)
            self._leading = False
