"""`AsyncEngine`: the engine for asyncio front ends, every slow call run in a worker thread.

The pairing follows httpx's `Client` / `AsyncClient`: `Engine` is the synchronous API (the CLI,
the evaluations), `AsyncEngine` wraps one and is what the bot awaits, so the threads that keep
the event loop free live here and nowhere else.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import httpx

from index.models import Answer, Article, Feed, FeedPoll, Stage, Stats

if TYPE_CHECKING:
    from index.clock import Clock
    from index.engine import Engine
    from index.settings import Settings

__all__ = ["AsyncEngine", "StageCallback"]

StageCallback = Callable[[Stage], Awaitable[None]]


class AsyncEngine:
    """Awaitable versions of the `Engine` methods a chat front end needs."""

    def __init__(self, engine: Engine) -> None:
        self._engine: Engine | None = engine
        self._settings = engine.settings
        self._lock = threading.Lock()

    @classmethod
    def deferred(cls, settings: Settings) -> AsyncEngine:
        """An engine built when first used, by `open` in its worker thread: importing the
        engine's modules (numpy, search, answers, ingest) takes a good part of a second, which
        a bot should spend polling rather than waiting."""
        self = cls.__new__(cls)
        self._engine = None
        self._settings = settings
        self._lock = threading.Lock()
        return self

    @property
    def sync(self) -> Engine:
        """The synchronous engine (built now if it was deferred)."""
        with self._lock:
            if self._engine is None:
                from index.engine import Engine

                self._engine = Engine(self._settings)
            return self._engine

    @property
    def data_dir(self) -> Path:
        return self._settings.data_dir

    @property
    def clock(self) -> Clock:
        return self.sync.clock

    @property
    def settings(self) -> Settings:
        return self._settings

    async def open(self) -> AsyncEngine:
        """Open the database and the index and load the model (seconds; idempotent)."""
        await asyncio.to_thread(lambda: self.sync.open())
        return self

    async def close(self) -> None:
        with self._lock:
            engine = self._engine
        if engine is not None:  # a deferred engine never built has nothing to close
            await asyncio.to_thread(engine.close)

    async def ask(self, question: str) -> Answer:
        return await asyncio.to_thread(self.sync.ask, question)

    async def add_url(
        self,
        url: str,
        client: httpx.AsyncClient | None = None,
        on_stage: StageCallback | None = None,
    ) -> Article:
        """Fetch, extract and index one link (the network part is async, the rest threaded)."""
        return await self.sync.add_url(url, client, on_stage=on_stage)

    async def add_text(
        self,
        text: str,
        *,
        title: str | None = None,
        url: str | None = None,
        outlet: str | None = None,
        author: str | None = None,
        published_at: datetime | None = None,
    ) -> Article:
        return await asyncio.to_thread(
            lambda: self.sync.add_text(
                text, title=title, url=url, outlet=outlet, author=author, published_at=published_at
            )
        )

    async def add_file(self, name: str, content: bytes, mime_type: str | None = None) -> Article:
        return await asyncio.to_thread(self.sync.add_file, name, content, mime_type)

    async def remove(self, id_or_url: str) -> Article:
        return await asyncio.to_thread(self.sync.remove, id_or_url)

    async def list_articles(self, offset: int = 0, limit: int = 10) -> list[Article]:
        return await asyncio.to_thread(self.sync.list_articles, offset, limit)

    async def stats(self) -> Stats:
        return await asyncio.to_thread(self.sync.stats)

    async def latest(self, topic: str | None = None, limit: int = 10) -> list[Article]:
        return await asyncio.to_thread(self.sync.latest, topic, limit)

    # -- feeds ----------------------------------------------------------------------------

    async def add_feed(self, url: str, minutes: float | None = None) -> Feed:
        return await asyncio.to_thread(self.sync.add_feed, url, minutes)

    async def subscribe_configured(self) -> list[Feed]:
        return await asyncio.to_thread(self.sync.subscribe_configured)

    async def list_feeds(self) -> list[Feed]:
        return await asyncio.to_thread(self.sync.list_feeds)

    async def remove_feed(self, id_or_url: str) -> Feed:
        return await asyncio.to_thread(self.sync.remove_feed, id_or_url)

    async def due_feeds(self, now: datetime | None = None) -> list[Feed]:
        return await asyncio.to_thread(self.sync.due_feeds, now)

    async def poll_feed(self, feed_id: int, client: httpx.AsyncClient | None = None) -> FeedPoll:
        """Check one feed now; one poll at a time per feed (FeedBusy otherwise)."""
        return await self.sync.poll_feed(feed_id, client)
