"""The long-lived services every handler reaches through a typed `context.bot_data`.

The engine opens in a worker thread after start-up (loading the model takes seconds), so the bot
polls at once; handlers that need the engine wait here until it is ready, and if it could not be
opened they get `EngineUnavailable`, which the error handler turns into one sentence.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING, Any

import httpx
from telegram.ext import CallbackContext, ExtBot

from bot.config import BotSettings
from bot.ratelimit import Limiter, QuestionGate
from index import AsyncEngine, make_client

if TYPE_CHECKING:
    from collections.abc import Coroutine

    from bot.feed_jobs import FeedPoller
    from bot.shared import SharedState

__all__ = ["BotData", "Context", "EngineUnavailable"]

log = logging.getLogger(__name__)


class EngineUnavailable(Exception):
    """The engine failed to open; the reason is in the log. Handlers let it propagate."""


class BotData:
    """Settings, engine, rate limiter and question gate; python-telegram-bot creates it, `setup`
    fills it."""

    settings: BotSettings
    engine: AsyncEngine
    limiter: Limiter
    gate: QuestionGate
    # With a shared database: what this worker shares with the others (else None).
    shared: SharedState | None

    def __init__(self) -> None:
        # python-telegram-bot instantiates bot_data without arguments.
        self._ready = asyncio.Event()
        self._open_task: asyncio.Task[None] | None = None
        self._open_error: BaseException | None = None
        self._http: httpx.AsyncClient | None = None
        # Set by `bot.app` when feeds are polled; stopped before the engine closes.
        self.poller: FeedPoller | None = None
        self._background: set[asyncio.Task[None]] = set()

    def setup(
        self,
        settings: BotSettings,
        engine: AsyncEngine,
        limiter: Limiter,
        gate: QuestionGate | None = None,
        shared: SharedState | None = None,
    ) -> None:
        self.settings = settings
        self.engine = engine
        self.shared = shared
        self.limiter = limiter
        self.gate = gate or QuestionGate(
            settings.max_running_questions, settings.max_waiting_questions
        )

    @property
    def http(self) -> httpx.AsyncClient:
        """The one HTTP client every /add shares (connection pooling, one set of limits)."""
        if self._http is None:
            engine = self.settings.engine
            self._http = make_client(engine.fetch_timeout, deadline=engine.fetch_deadline)
        return self._http

    def is_admin(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self.settings.admin_ids

    def background(self, work: Coroutine[Any, Any, None], name: str) -> None:
        """Run `work` beside the handlers; it is cancelled if still running at shutdown."""
        task = asyncio.create_task(work, name=name)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    # -- engine life cycle ---------------------------------------------------------------

    def start_opening(self) -> None:
        """Open the engine in a worker thread; returns at once."""
        if self._open_task is None:
            self._open_task = asyncio.create_task(self._open(), name="open-engine")

    async def _open(self) -> None:
        started = time.perf_counter()
        try:
            await self.engine.open()
        except Exception as error:
            log.exception("Could not open the engine in %s", self.engine.data_dir)
            self._open_error = error
        else:
            log.info("Engine ready in %.1f s", time.perf_counter() - started)
        finally:
            self._ready.set()

    @property
    def engine_ready(self) -> bool:
        return self._ready.is_set() and self._open_error is None

    async def ready_engine(self) -> AsyncEngine:
        """The engine once it is open; raises EngineUnavailable if opening failed."""
        self.start_opening()
        await self._ready.wait()
        if self._open_error is not None:
            raise EngineUnavailable(str(self._open_error))
        return self.engine

    async def close(self) -> None:
        """Wait for a pending open (a thread cannot be cancelled), then close the engine."""
        for task in list(self._background):
            task.cancel()
        await asyncio.gather(*self._background, return_exceptions=True)
        if self._open_task is not None:
            await self._open_task
        if self.poller is not None:
            await self.poller.stop()
        if self.shared is not None:
            await asyncio.to_thread(self.shared.close)
        if self._http is not None:
            await self._http.aclose()
            self._http = None
        await self.engine.close()


# The `context` type every handler receives: default user and chat data, typed bot data.
Context = CallbackContext[ExtBot[Any], dict[Any, Any], dict[Any, Any], BotData]
