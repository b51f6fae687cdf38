"""Shared pieces of the end-to-end tests: the people in the chats and how they talk to the bot."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

from bot.app import NewsbotApp, allowed_updates
from tests.support.fake_telegram import Call, FakeTelegram

__all__ = [
    "ADMIN",
    "OTHER_READER",
    "READER",
    "StartBot",
    "admin_sends",
    "ask",
    "is_final",
    "running",
]

ADMIN = FakeTelegram.user(1001, "Ada")
READER = FakeTelegram.user(2002, "Rita")
OTHER_READER = FakeTelegram.user(3003, "Otto")

# The `start_bot` fixture: start the real bot, keyword arguments overriding BotSettings fields.
StartBot = Callable[..., Awaitable[NewsbotApp]]


@asynccontextmanager
async def running(application: NewsbotApp) -> AsyncIterator[NewsbotApp]:
    """Run the application as `run_polling` does (same steps, same order), then stop it."""
    await application.initialize()
    if application.post_init is not None:
        await application.post_init(application)
    assert application.updater is not None
    await application.updater.start_polling(
        poll_interval=0, timeout=timedelta(seconds=1), allowed_updates=allowed_updates()
    )
    await application.start()
    try:
        yield application
    finally:
        await application.updater.stop()
        await application.stop()
        await application.shutdown()
        if application.post_shutdown is not None:
            await application.post_shutdown(application)


def is_final(call: Call) -> bool:
    """Whether a status message reached its end: every source added, duplicate or failed."""
    return "⏳" not in call.text and "· Waiting" not in call.text


async def admin_sends(telegram: FakeTelegram, text: str | None = None, **message: Any) -> Call:
    """The admin sends a message in private; returns the final form of the bot's status reply."""
    mark = telegram.mark()
    telegram.send(FakeTelegram.private_chat(ADMIN), ADMIN, text, **message)
    status = await telegram.wait_for("sendMessage", lambda c: c.chat_id == ADMIN["id"], after=mark)
    if is_final(status):
        return status
    message_id = status.result["message_id"]
    return await telegram.wait_for(
        "editMessageText",
        lambda c: c.params["message_id"] == message_id and is_final(c),
        after=mark,
    )


async def ask(telegram: FakeTelegram, user: dict[str, Any], question: str) -> list[Call]:
    """A reader asks in private; returns the reply's messages (all sent before the next step)."""
    mark = telegram.mark()
    chat = FakeTelegram.private_chat(user)
    telegram.send(chat, user, question)
    await telegram.wait_for("sendMessage", lambda c: c.chat_id == chat["id"], after=mark)
    return telegram.sent_to(chat["id"], after=mark)
