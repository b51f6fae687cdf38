"""When the bot will not or cannot help: admin refusals, unknown commands, the error handler.

Handlers let failures propagate; `on_error` is the one place that turns them into a sentence for
the user: `EngineUnavailable` into `ENGINE_DOWN`, anything else into `SOMETHING_WRONG`.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError

from bot import render
from bot.messages import message_of, sender_id
from bot.services import Context, EngineUnavailable

__all__ = [
    "ENGINE_DOWN",
    "SOMETHING_WRONG",
    "on_error",
    "refuse",
    "unknown_button",
    "unknown_command",
]

log = logging.getLogger(__name__)

ENGINE_DOWN = "My article index could not be loaded, so I can't do that now; the log says why."
SOMETHING_WRONG = "Sorry, something went wrong on my side while handling that. Please try again."


async def refuse(update: Update, context: Context) -> None:
    """The short refusal for anyone not in NEWSBOT_ADMIN_IDS who tries an admin action."""
    message = message_of(update)
    private = message.chat.type == "private"
    # Showing the id in private helps an operator find theirs for the admin list.
    await message.reply_text(render.admin_only(sender_id(update) if private else None))


async def unknown_button(update: Update, context: Context) -> None:
    """A button press no handler knows (forged, or from an older version): it does nothing."""
    query = update.callback_query
    if query is None:
        return
    if context.bot_data.is_admin(query.from_user.id):
        await query.answer("That button no longer does anything; send the command again.")
    else:
        # Buttons carry no authority of their own: whatever one says, only admins change things.
        await query.answer(render.admin_only(None), show_alert=True)


async def unknown_command(update: Update, context: Context) -> None:
    """A command the bot does not know, in a private chat."""
    await message_of(update).reply_text("I don't know that command; /help lists what I can do.")


async def on_error(update: object, context: Context) -> None:
    """Tell the user why their update failed, so the bot keeps running and nobody waits."""
    if isinstance(context.error, EngineUnavailable):
        # Opening the engine failed once, with a traceback in the log already.
        log.warning("Could not handle an update: the engine is unavailable")
        text = ENGINE_DOWN
    else:
        log.error("Handling an update failed", exc_info=context.error)
        text = SOMETHING_WRONG
    if not isinstance(update, Update):
        return
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(text, show_alert=True)
        elif update.effective_message is not None:
            await update.effective_message.reply_text(text)
    except TelegramError as error:
        log.warning("Could not tell the user about the failure: %s", error)
