"""The one wiring place: build the python-telegram-bot Application with every handler in order."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from telegram import (
    BotCommand,
    BotCommandScopeChat,
    BotCommandScopeDefault,
    LinkPreviewOptions,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackContext,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    ExtBot,
    JobQueue,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import admin_add, admin_feeds, admin_manage, errors, readers
from bot.config import BotSettings
from bot.feed_jobs import FeedPoller
from bot.ratelimit import RateLimiter
from bot.services import BotData, Context
from index import AsyncEngine

if TYPE_CHECKING:
    from index import Engine

__all__ = [
    "ADMIN_COMMANDS",
    "READER_COMMANDS",
    "NewsbotApp",
    "allowed_updates",
    "build_application",
]

log = logging.getLogger(__name__)

# What ApplicationBuilder produces with our bot_data type and AIORateLimiter (whose per-call
# argument, max retries, is an int); its job queue keeps the default context type, since
# python-telegram-bot's typing does not carry custom types over to it.
NewsbotApp = Application[
    ExtBot[int],
    Context,
    dict[Any, Any],
    dict[Any, Any],
    BotData,
    JobQueue[CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]],
]

READER_COMMANDS = [
    BotCommand("ask", "Ask a question about the news"),
    BotCommand("latest", "The newest headlines, optionally on a topic"),
    BotCommand("help", "What I do and how to ask"),
    BotCommand("start", "Start here"),
]
ADMIN_COMMANDS = [
    BotCommand("add", "Add articles: links, pasted text, or reply to a post"),
    BotCommand("articles", "List the stored articles"),
    BotCommand("feeds", "Follow RSS/Atom feeds: add, list, remove"),
    BotCommand("remove", "Remove an article by number or link"),
    BotCommand("stats", "Counts and index size"),
]


async def _post_init(application: NewsbotApp) -> None:
    """Start loading the engine in the background, schedule feed polls, publish the menus."""
    data = application.bot_data
    # Loading the model takes seconds: do it in a worker thread so polling starts now.
    data.start_opening()
    if application.job_queue is not None:
        data.poller = FeedPoller(data)
        data.poller.schedule(application.job_queue)
    else:
        log.warning("No job queue (python-telegram-bot[job-queue]): feeds are not polled.")
    # One request per admin: published beside polling rather than before it.
    data.background(_publish_menus(application), "publish-menus")
    log.info(
        "Starting as @%s with %d admin(s); the engine loads in the background",
        application.bot.username,
        len(data.settings.admin_ids),
    )
    if not data.settings.admin_ids:
        log.warning("NEWSBOT_ADMIN_IDS is empty: nobody can add articles through Telegram.")


async def _publish_menus(application: NewsbotApp) -> None:
    """The command menus: readers' commands for everyone, admin commands in admins' chats."""
    bot = application.bot
    try:
        await bot.set_my_commands(READER_COMMANDS, scope=BotCommandScopeDefault())
    except TelegramError as error:
        log.warning("Could not publish the command menu: %s", error)
        return
    for admin_id in sorted(application.bot_data.settings.admin_ids):
        try:
            await bot.set_my_commands(
                READER_COMMANDS + ADMIN_COMMANDS, scope=BotCommandScopeChat(admin_id)
            )
        except TelegramError as error:
            # Telegram refuses until that admin has opened a chat with the bot; harmless.
            log.info("No admin command menu for %s yet: %s", admin_id, error)


async def _post_shutdown(application: NewsbotApp) -> None:
    """Save and close the engine."""
    await application.bot_data.close()


def build_application(
    settings: BotSettings, engine: Engine | AsyncEngine | None = None
) -> NewsbotApp:
    """The bot, ready for `run_polling()`; `engine` defaults to one built from the settings."""
    builder = (
        ApplicationBuilder()
        .token(settings.token.get_secret_value())
        .context_types(ContextTypes(bot_data=BotData))
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                # Answers carry several links; previews of them would bury the quotes.
                link_preview_options=LinkPreviewOptions(is_disabled=True),
                # A question deleted while being answered must not make the answer fail.
                allow_sending_without_reply=True,
            )
        )
        # Each update in its own task: one chat's ingest never delays another chat's answer.
        .concurrent_updates(True)
        # Telegram's flood limits (about 30 messages a second overall, 20 a minute per group):
        # the parts of a long answer and the edits of status messages queue up instead of
        # failing with "Too Many Requests" in a busy group.
        .rate_limiter(AIORateLimiter())
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
    )
    if settings.api_base_url:
        builder = builder.base_url(settings.api_base_url)
    if settings.api_base_file_url:
        builder = builder.base_file_url(settings.api_base_file_url)
    application: NewsbotApp = builder.build()
    if engine is None:
        # Built in the thread that opens it: the bot polls before the engine's modules load.
        engine = AsyncEngine.deferred(settings.engine)
    elif not isinstance(engine, AsyncEngine):
        engine = AsyncEngine(engine)
    capacity, period = settings.rate_limit_questions, settings.rate_limit_seconds
    if settings.engine.database_url:
        # Several workers may share this database: one limit per reader among them all, and
        # each update handled by the first worker to take it (group -1 runs before the rest).
        # Imported here: a bot on the embedded store need not load the database driver.
        from bot.shared import SharedRateLimiter, SharedState, take_update

        shared = SharedState(settings.engine.database_url)
        application.bot_data.setup(
            settings, engine, SharedRateLimiter(shared, capacity, period), shared=shared
        )
        application.add_handler(TypeHandler(Update, take_update), group=-1)
    else:
        application.bot_data.setup(settings, engine, RateLimiter(capacity, period))
    _add_handlers(application, settings.admin_ids)
    application.add_error_handler(errors.on_error)
    return application


def _add_handlers(application: NewsbotApp, admin_ids: frozenset[int]) -> None:
    """Register every handler in one group: the first that matches an update handles it."""
    add = application.add_handler
    admin = filters.User(user_id=admin_ids)
    # Edited messages are not new questions or new articles: only fresh messages count.
    fresh = filters.UpdateType.MESSAGE
    private = fresh & filters.ChatType.PRIVATE
    by_admin = fresh & admin
    by_admin_in_private = private & admin
    text = filters.TEXT & ~filters.COMMAND

    # 1. Everyone: the introduction and explicit questions.
    add(CommandHandler("start", readers.start, filters=fresh))
    add(CommandHandler("help", readers.help_command, filters=fresh))
    add(CommandHandler("ask", readers.ask, filters=fresh))
    add(CommandHandler("latest", readers.latest, filters=fresh))
    # 2. Admin commands, declaratively gated by user id ...
    add(CommandHandler("add", admin_add.add, filters=by_admin))
    add(CommandHandler("remove", admin_manage.remove, filters=by_admin))
    add(CommandHandler("articles", admin_manage.articles, filters=by_admin))
    add(CommandHandler("stats", admin_manage.stats, filters=by_admin))
    add(CommandHandler("feeds", admin_feeds.feeds, filters=by_admin))
    # ... and the same commands from anyone else get a short refusal.
    admin_only = ["add", "remove", "articles", "stats", "feeds"]
    add(CommandHandler(admin_only, errors.refuse, filters=fresh))
    # 3. Paging buttons of /articles (the handler checks the presser is an admin).
    paging = f"^{admin_manage.ARTICLES_CALLBACK}"
    add(CallbackQueryHandler(admin_manage.articles_page, pattern=paging))
    # ... and any other button data (forged, stale) changes nothing and is answered.
    add(CallbackQueryHandler(errors.unknown_button))
    # 4. Private chat with an admin: uploaded files and forwarded posts are articles to add ...
    add(MessageHandler(by_admin_in_private & filters.Document.ALL, admin_add.add_uploaded))
    forwarded_post = filters.FORWARDED & (filters.TEXT | filters.CAPTION)
    add(MessageHandler(by_admin_in_private & forwarded_post, admin_add.add_forwarded))
    # ... while readers who try the same are told it is for admins.
    add(
        MessageHandler(private & ~admin & (filters.Document.ALL | filters.FORWARDED), errors.refuse)
    )
    # 5. Questions: any text in private; in groups only when addressed (the handler checks).
    add(MessageHandler(private & text, readers.ask_private))
    add(MessageHandler(fresh & filters.ChatType.GROUPS & text, readers.ask_in_group))
    # 6. Anything else that looks like a command in private gets a pointer to /help.
    add(MessageHandler(private & filters.COMMAND, errors.unknown_command))


def allowed_updates() -> list[str]:
    """The update types the handlers use; Telegram need not send the others."""
    return [Update.MESSAGE, Update.CALLBACK_QUERY]
