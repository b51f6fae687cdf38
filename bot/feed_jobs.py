"""Polling feeds on their own: a job-queue tick starts a background poll for each due feed.

Each feed's schedule (its interval, or its back-off after failures) is kept by the engine in
the database, so one repeating job serves every feed and a restart picks up where it left off.
Polls run as tasks, one at a time per feed; the slow parts run in the engine's worker threads,
so questions are answered while feeds are read.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from index import FeedBusy, NotFound

if TYPE_CHECKING:
    from telegram.ext import JobQueue

    from bot.services import BotData

__all__ = ["MAX_TICK_SECONDS", "FeedPoller"]

log = logging.getLogger(__name__)

# Due feeds are looked for this often, or more often when the politeness floor is shorter.
MAX_TICK_SECONDS = 60.0


class FeedPoller:
    """Subscribes the configured feeds once the engine is ready, then polls whatever is due."""

    def __init__(self, data: BotData) -> None:
        self.data = data
        self._tasks: dict[int, asyncio.Task[None]] = {}
        self._subscribed = False

    def schedule(self, job_queue: JobQueue[Any]) -> None:
        floor = self.data.engine.settings.feed_min_interval * 60
        period = max(0.5, min(MAX_TICK_SECONDS, floor))
        job_queue.run_repeating(self.tick, interval=period, first=period, name="poll-feeds")

    async def tick(self, context: object) -> None:
        """Start a poll for every due feed not being polled (nothing while the engine loads)."""
        if not self.data.engine_ready:
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
