"""What everyone can do: /start, /help, and asking, by /ask, in private, or addressed in a group.

Every question takes the same path (`answer`): the per-user rate limit, a length cap, the engine
awaited while "typing…" shows, then the quotes, split into as many messages as they need.
"""

from __future__ import annotations

from telegram import Message, Update

from bot import render
from bot.messages import addressed_question, command_text, message_of, sender_id
from bot.progress import typing
from bot.render_feeds import LATEST_COUNT, render_latest
from bot.services import Context

__all__ = [
    "ASK_USAGE",
    "BUSY",
    "MAX_QUESTION_CHARS",
    "answer",
    "ask",
    "ask_in_group",
    "ask_private",
    "help_command",
    "latest",
    "start",
]

MAX_QUESTION_CHARS = 1000
BUSY = "Many people are asking me questions right now; please ask again in a minute."
ASK_USAGE = "Usage: /ask QUESTION, for example <code>/ask What did the council decide?</code>"


async def start(update: Update, context: Context) -> None:
    """Greet and explain what the bot does and how to ask."""
    is_admin = context.bot_data.is_admin(sender_id(update))
    await message_of(update).reply_text(render.help_text(context.bot.username, is_admin))


async def help_command(update: Update, context: Context) -> None:
    """Explain how to ask (and, for admins, how to add articles)."""
    await start(update, context)


async def ask(update: Update, context: Context) -> None:
    """/ask QUESTION, or /ask as a reply to a message holding the question."""
    message = message_of(update)
    question = command_text(message)
    if not question and message.reply_to_message is not None:
        question = message.reply_to_message.text or message.reply_to_message.caption or ""
    if not question.strip():
        await message.reply_text(ASK_USAGE)
        return
    await answer(message, sender_id(update), context, question)


async def ask_private(update: Update, context: Context) -> None:
    """In a private chat every text message is a question."""
    message = message_of(update)
    await answer(message, sender_id(update), context, message.text or "")


async def ask_in_group(update: Update, context: Context) -> None:
    """In groups, answer only messages that mention the bot or reply to one of its messages."""
    message = message_of(update)
    question = addressed_question(message, context.bot.id, context.bot.username)
    if question is None:
        return
    if not question:
        await message.reply_text(ASK_USAGE, do_quote=True)
        return
    await answer(message, sender_id(update), context, question)


async def latest(update: Update, context: Context) -> None:
    """/latest [TOPIC]: the newest headlines, or the newest on a topic."""
    message = message_of(update)
    data = context.bot_data
    decision = data.limiter.check(sender_id(update) or message.chat_id)
    if not decision.allowed:
        if decision.warn:
            await message.reply_text(render.rate_limited(decision.retry_after), do_quote=True)
        return
    topic = " ".join(command_text(message).split())[:MAX_QUESTION_CHARS] or None
    engine = await data.ready_engine()
    await message.reply_text(render_latest(await engine.latest(topic, LATEST_COUNT), topic))


async def answer(message: Message, user_id: int | None, context: Context, question: str) -> None:
    """Rate-limit, search while "typing…" shows, reply with the quotes."""
    data = context.bot_data
    decision = data.limiter.check(user_id or message.chat_id)
    if not decision.allowed:
        if decision.warn:
            await message.reply_text(render.rate_limited(decision.retry_after), do_quote=True)
        return
    if len(question) > MAX_QUESTION_CHARS:
        await message.reply_text(
            f"Please ask a shorter question (at most {MAX_QUESTION_CHARS} characters).",
            do_quote=True,
        )
        return
    if data.gate.full:
        data.gate.turned_away += 1
        await message.reply_text(BUSY, do_quote=True)
        return
    async with typing(message):
        engine = await data.ready_engine()
        async with data.gate.slot():
            result = await engine.ask(question)
    for number, text in enumerate(render.render_answer(result)):
        # The first part replies to the question; the rest follow it in order.
        await message.reply_text(text, do_quote=number == 0)
