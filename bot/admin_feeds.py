"""/feeds add|list|remove: the RSS and Atom feeds the bot follows on its own (admins only).

Admin gating happens in `bot.app`. Adding a feed checks it at once and edits the reply with
what that first check added; after that the feed poller in `bot.feed_jobs` keeps it current.
"""

from __future__ import annotations

import html

from telegram import Message, Update

from bot.messages import message_of
from bot.render_feeds import (
    FEEDS_USAGE,
    render_feed_added,
    render_feed_list,
    render_feed_poll,
    render_feed_removed,
)
from bot.services import BotData, Context
from index import FeedBusy, FeedError, NotFound

__all__ = ["feeds"]


async def feeds(update: Update, context: Context) -> None:
    """/feeds add URL [MINUTES] | list | remove ID|URL."""
    message = message_of(update)
    action, *args = context.args or ["help"]
    data = context.bot_data
    if action == "list" and not args:
        engine = await data.ready_engine()
        await message.reply_text(render_feed_list(await engine.list_feeds()))
    elif action == "add" and 1 <= len(args) <= 2:
        await _add(message, data, args)
    elif action == "remove" and len(args) == 1:
        engine = await data.ready_engine()
        try:
            await message.reply_text(render_feed_removed(await engine.remove_feed(args[0])))
        except NotFound as error:
            await message.reply_text(html.escape(str(error)))
    else:
        await message.reply_text(FEEDS_USAGE)


async def _add(message: Message, data: BotData, args: list[str]) -> None:
    """Subscribe, then check the feed now and show what the check added."""
    try:
        minutes = float(args[1]) if len(args) > 1 else None
    except ValueError:
        await message.reply_text(f"{html.escape(args[1])} is not a number of minutes.")
        return
    engine = await data.ready_engine()
    try:
        feed = await engine.add_feed(args[0], minutes)
    except FeedError as error:
        await message.reply_text(html.escape(str(error)))
        return
    status = await message.reply_text(render_feed_added(feed))
    try:
        poll = await engine.poll_feed(feed.id, data.http)
    except FeedBusy:  # the background poller got there first
        await status.edit_text(render_feed_added(feed, checking_here=False))
        return
    await status.edit_text(render_feed_poll(poll))
