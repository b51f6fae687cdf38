"""Chat feedback while work runs: a status message edited in place, and the "typing" action."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator
from datetime import timedelta

from telegram import Message
from telegram.constants import ChatAction
from telegram.error import BadRequest, RetryAfter, TelegramError

__all__ = ["ProgressMessage", "typing"]

log = logging.getLogger(__name__)

# Telegram shows a chat action for about five seconds; renew it a little before that.
_TYPING_RENEWAL = 4.5


@contextlib.asynccontextmanager
async def typing(message: Message) -> AsyncIterator[None]:
    """Show "typing…" in the message's chat until the block ends."""

    async def show_typing() -> None:
        try:
            await message.reply_chat_action(ChatAction.TYPING)
        except TelegramError as error:
            # Cosmetic only: never let a failed chat action fail the answer.
            log.debug("Chat action failed: %s", error)

    async def keep_typing() -> None:
        while True:
            await asyncio.sleep(_TYPING_RENEWAL)
            await show_typing()

    # The first action is awaited, so it reaches the chat even when the work is quick.
    await show_typing()
    task = asyncio.create_task(keep_typing())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def _seconds(value: float | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class ProgressMessage:
    """One reply that is edited as work proceeds, at most once per `interval` seconds.

    Intermediate states arriving faster than that are coalesced into one delayed edit showing
    the latest; the final state is always shown, after any pending edit.
    """

    def __init__(self, reply_to: Message, interval: float = 1.0) -> None:
        self._reply_to = reply_to
        self._interval = interval
        self._message: Message | None = None
        self._shown = ""
        self._latest = ""
        self._last_edit = 0.0
        self._timer: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()

    async def show(self, text: str, *, final: bool = False) -> None:
        self._latest = text
        if self._message is None:
            async with self._lock:
                self._message = await self._reply_to.reply_text(text, do_quote=True)
                self._shown = text
                self._last_edit = time.monotonic()
            return
        if final:
            if self._timer is not None:
                self._timer.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._timer
                self._timer = None
            await self._edit(final=True)
            return
        wait = self._last_edit + self._interval - time.monotonic()
        if wait <= 0:
            await self._edit()
        elif self._timer is None:
            self._timer = asyncio.create_task(self._edit_later(wait))

    async def _edit_later(self, delay: float) -> None:
        await asyncio.sleep(delay)
        self._timer = None
        await self._edit()

    async def _edit(self, final: bool = False) -> None:
        async with self._lock:
            text = self._latest
            if self._message is None or text == self._shown:
                return
            try:
                await self._message.edit_text(text)
            except RetryAfter as error:
                if not final:
                    return
                # The last state matters (it says how the work ended): wait once and retry.
                await asyncio.sleep(_seconds(error.retry_after))
                await self._message.edit_text(text)
            except BadRequest as error:
                if "not modified" not in error.message.lower():
                    if final:
                        raise
                    log.warning("Progress edit failed: %s", error)
                    return
            except TelegramError as error:
                if final:
                    raise
                # A lost intermediate state is harmless; the work itself must go on.
                log.warning("Progress edit failed: %s", error)
                return
            self._shown = text
            self._last_edit = time.monotonic()
