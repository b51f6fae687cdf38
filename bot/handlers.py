"""Update handlers: parse the update, call the engine (in a worker thread), render, reply.

Which handler sees which update is decided in `bot.app.build_application`; admin commands are
gated there by a `filters.User` filter, so the admin handlers here can assume an admin.
"""

from __future__ import annotations

import asyncio
import html
import logging
import re
from collections.abc import Awaitable, Callable
from pathlib import PurePosixPath
from typing import cast

from telegram import (
    Document,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    MessageEntity,
    MessageOrigin,
    MessageOriginChannel,
    MessageOriginChat,
    Update,
)
from telegram.error import TelegramError

from bot import render
from bot.progress import ProgressMessage, typing
from bot.services import BotData, Context, EngineUnavailable
from index import (
    Article,
    DuplicateArticle,
    Engine,
    FetchError,
    IngestError,
    NotFound,
    ResponseTooLarge,
)

__all__ = [
    "add",
    "add_forwarded",
    "add_uploaded",
    "addressed_question",
    "articles",
    "articles_page",
    "ask",
    "ask_in_group",
    "ask_private",
    "help_command",
    "on_error",
    "parse_urls",
    "refuse",
    "remove",
    "start",
    "stats",
    "unknown_command",
]

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 1000
MAX_URLS_PER_ADD = 10
MAX_REMOVALS = 20
PAGE_SIZE = 10
ARTICLES_CALLBACK = "articles:"
DOCUMENT_SUFFIXES = {".html": "html", ".htm": "html", ".txt": "text"}
DOCUMENT_TYPES = {"text/html": "html", "application/xhtml+xml": "html", "text/plain": "text"}

ASK_USAGE = "Usage: /ask QUESTION, for example <code>/ask What did the council decide?</code>"
ADD_USAGE = (
    "Usage: /add URL… (one or more links), /add followed by pasted article text, "
    "or /add as a reply to a message, post or file."
)
REMOVE_USAGE = "Usage: /remove ID|URL (the number shown by /articles, or the article's link)."
ENGINE_DOWN = "My article index could not be loaded, so I can't do that now; the log says why."
SOMETHING_WRONG = "Sorry, something went wrong on my side while handling that. Please try again."

_URL = re.compile(r"^(?:https?://\S+|[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}(?:/\S*)?)$", re.IGNORECASE)


def _message(update: Update) -> Message:
    message = update.effective_message
    if message is None:
        raise ValueError("this handler needs an update with a message")
    return message


def _user_id(update: Update) -> int | None:
    return update.effective_user.id if update.effective_user else None


def _command_text(message: Message) -> str:
    """What follows the command in the message, line breaks kept (pasted articles need them)."""
    parts = (message.text or "").split(None, 1)
    return parts[1].strip() if len(parts) > 1 else ""


def parse_urls(text: str) -> list[str] | None:
    """The links in `text` if it is nothing but links (bare domains get https://), else None."""
    tokens = text.split()
    if not tokens or not all(_URL.match(token) for token in tokens):
        return None
    urls: list[str] = []
    for token in tokens:
        url = token if "://" in token else f"https://{token}"
        if url not in urls:
            urls.append(url)
    return urls


# -- readers ---------------------------------------------------------------------------------


async def start(update: Update, context: Context) -> None:
    """Greet and explain what the bot does and how to ask."""
    data = context.bot_data
    text = render.help_text(context.bot.username, data.is_admin(_user_id(update)))
    await _message(update).reply_text(text)


async def help_command(update: Update, context: Context) -> None:
    """Explain how to ask (and, for admins, how to add articles)."""
    await start(update, context)


async def ask(update: Update, context: Context) -> None:
    """/ask QUESTION, or /ask as a reply to a message holding the question."""
    message = _message(update)
    question = _command_text(message)
    if not question and message.reply_to_message is not None:
        question = message.reply_to_message.text or message.reply_to_message.caption or ""
    if not question.strip():
        await message.reply_text(ASK_USAGE)
        return
    await _answer(update, context, question)


async def ask_private(update: Update, context: Context) -> None:
    """In a private chat every text message is a question."""
    await _answer(update, context, _message(update).text or "")


def addressed_question(message: Message, bot_id: int, bot_username: str | None) -> str | None:
    """The question in a group message if it mentions the bot or replies to it, else None."""
    text = message.text or ""
    mentioned = False
    # Cut mentions of the bot out of the question, from the end so offsets stay valid.
    entities = message.parse_entities([MessageEntity.MENTION, MessageEntity.TEXT_MENTION])
    for entity, entity_text in sorted(entities.items(), key=lambda item: -item[0].offset):
        is_bot = (
            entity.type == MessageEntity.TEXT_MENTION
            and entity.user is not None
            and entity.user.id == bot_id
        ) or (
            entity.type == MessageEntity.MENTION
            and bot_username is not None
            and entity_text.lower() == f"@{bot_username.lower()}"
        )
        if is_bot:
            mentioned = True
            text = _cut_utf16(text, entity.offset, entity.length)
    replied = message.reply_to_message
    # In forum topics every message "replies" to the topic's first message; that is no reply.
    is_topic_root = (
        replied is not None
        and bool(message.is_topic_message)
        and replied.message_id == message.message_thread_id
    )
    replied_to_bot = (
        replied is not None
        and not is_topic_root
        and replied.from_user is not None
        and replied.from_user.id == bot_id
    )
    if not (mentioned or replied_to_bot):
        return None
    return " ".join(text.split())


def _cut_utf16(text: str, offset: int, length: int) -> str:
    """`text` without the span that Telegram's entity offsets (UTF-16 units) describe."""
    encoded = text.encode("utf-16-le")
    space = " ".encode("utf-16-le")
    return (encoded[: offset * 2] + space + encoded[(offset + length) * 2 :]).decode("utf-16-le")


async def ask_in_group(update: Update, context: Context) -> None:
    """In groups, answer only messages that mention the bot or reply to one of its messages."""
    message = _message(update)
    question = addressed_question(message, context.bot.id, context.bot.username)
    if question is None:
        return
    if not question:
        await message.reply_text(ASK_USAGE, do_quote=True)
        return
    await _answer(update, context, question)


async def _answer(update: Update, context: Context, question: str) -> None:
    """Rate-limit, search in a worker thread while "typing…" shows, reply with the quotes."""
    message = _message(update)
    data = context.bot_data
    key = _user_id(update) or message.chat_id
    decision = data.limiter.check(key)
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
    async with typing(message):
        try:
            engine = await data.ready_engine()
        except EngineUnavailable:
            await message.reply_text(ENGINE_DOWN, do_quote=True)
            return
        answer = await asyncio.to_thread(engine.ask, question)
    for number, text in enumerate(render.render_answer(answer)):
        # The first part replies to the question; the rest follow it in order.
        await message.reply_text(text, do_quote=number == 0)


# -- admins: adding articles -----------------------------------------------------------------


async def add(update: Update, context: Context) -> None:
    """/add URL…, /add TEXT, or /add as a reply to a message, forwarded post or file."""
    message = _message(update)
    data = context.bot_data
    rest = _command_text(message)
    if rest:
        urls = parse_urls(rest)
        if urls is not None:
            await _add_urls(message, data, urls)
        else:
            await _add_text(message, data, rest)
        return
    if message.reply_to_message is None:
        await message.reply_text(ADD_USAGE)
        return
    await _add_message(message, data, message.reply_to_message)


async def add_forwarded(update: Update, context: Context) -> None:
    """A post an admin forwards to the bot in private is added, attributed to its channel."""
    message = _message(update)
    await _add_message(message, context.bot_data, message)


async def add_uploaded(update: Update, context: Context) -> None:
    """An .html, .htm or .txt file an admin sends to the bot in private is added."""
    message = _message(update)
    if message.document is not None:
        await _add_document(message, context.bot_data, message.document)


async def _add_message(reply_to: Message, data: BotData, target: Message) -> None:
    """Add whatever `target` carries: a file, links, a forwarded post or plain text."""
    if target.document is not None:
        await _add_document(reply_to, data, target.document)
        return
    text = target.text or target.caption or ""
    if not text.strip():
        await reply_to.reply_text("That message has no text or file I could add.")
        return
    urls = parse_urls(text)
    if urls is not None:
        await _add_urls(reply_to, data, urls)
        return
    origin = target.forward_origin
    if origin is not None:
        await _add_post(reply_to, data, text, origin)
        return
    await _add_text(reply_to, data, text)


async def _add_urls(reply_to: Message, data: BotData, urls: list[str]) -> None:
    """Fetch, extract and index each link in turn, editing one status message as it goes."""
    if len(urls) > MAX_URLS_PER_ADD:
        await reply_to.reply_text(
            f"I add at most {MAX_URLS_PER_ADD} links at a time; "
            "please send the others in another /add."
        )
        return
    statuses = [render.IngestStatus(url) for url in urls]
    statuses[0].stage = "fetching"
    progress = ProgressMessage(reply_to, data.settings.progress_interval)
    await progress.show(render.render_ingest(statuses))
    try:
        engine = await data.ready_engine()
    except EngineUnavailable:
        for status in statuses:
            status.stage, status.message = "failed", ENGINE_DOWN
        await progress.show(render.render_ingest(statuses), final=True)
        return
    for status in statuses:

        async def on_stage(stage: str, status: render.IngestStatus = status) -> None:
            if stage in ("fetching", "extracting", "indexing"):
                status.stage = cast(render.Stage, stage)
                await progress.show(render.render_ingest(statuses))

        await _record(status, engine.add_url(status.source, data.http, on_stage=on_stage))
        await progress.show(render.render_ingest(statuses), final=status is statuses[-1])


async def _record(status: render.IngestStatus, work: Awaitable[Article]) -> None:
    """Run one ingest and note its outcome on `status`; one failure never stops the others."""
    try:
        status.article = await work
        status.stage = "added"
    except DuplicateArticle as error:
        status.stage, status.message = "duplicate", str(error)
    except IngestError as error:
        status.stage, status.message = "failed", str(error)
    except EngineUnavailable:
        status.stage, status.message = "failed", ENGINE_DOWN
    except Exception:
        log.exception("Adding %s failed", status.source)
        status.stage, status.message = "failed", "something went wrong; the error is in the log."


async def _ingest_one(
    reply_to: Message,
    data: BotData,
    label: str,
    work: Callable[[Engine], Awaitable[Article]],
) -> None:
    """Add one article (text, post or file) behind a single status message."""
    status = render.IngestStatus(label, "indexing")
    progress = ProgressMessage(reply_to, data.settings.progress_interval)
    await progress.show(render.render_ingest([status]))

    async def run() -> Article:
        return await work(await data.ready_engine())

    await _record(status, run())
    await progress.show(render.render_ingest([status]), final=True)


async def _add_text(reply_to: Message, data: BotData, text: str) -> None:
    await _ingest_one(reply_to, data, "pasted text", lambda e: asyncio.to_thread(e.add_text, text))


def _origin_source(origin: MessageOrigin) -> tuple[str | None, str | None]:
    """Outlet and link of a forwarded post: the channel's title and its public t.me link."""
    if isinstance(origin, MessageOriginChannel):
        chat = origin.chat
        url = f"https://t.me/{chat.username}/{origin.message_id}" if chat.username else None
        return chat.title or chat.username, url
    if isinstance(origin, MessageOriginChat):
        return origin.sender_chat.title, None
    # Forwarded from a person: no outlet to credit beyond the admin's choice to add it.
    return None, None


async def _add_post(reply_to: Message, data: BotData, text: str, origin: MessageOrigin) -> None:
    outlet, url = _origin_source(origin)
    label = f"the post from {outlet}" if outlet else "the forwarded message"

    def add(engine: Engine) -> Awaitable[Article]:
        return asyncio.to_thread(
            engine.add_text, text, outlet=outlet, url=url, published_at=origin.date
        )

    await _ingest_one(reply_to, data, label, add)


def _document_kind(document: Document) -> str | None:
    suffix = PurePosixPath(document.file_name or "").suffix.lower()
    return DOCUMENT_SUFFIXES.get(suffix) or DOCUMENT_TYPES.get(document.mime_type or "")


async def _add_document(reply_to: Message, data: BotData, document: Document) -> None:
    """Download an uploaded .html/.htm/.txt file (size-capped) and add it."""
    name = document.file_name or "that file"
    kind = _document_kind(document)
    if kind is None:
        await reply_to.reply_text(
            f"I can add .html, .htm and .txt files; {html.escape(name)} is not one of those."
        )
        return
    cap = data.settings.engine.max_response_bytes
    too_large = f"{name} is too large (the limit is {cap:,} bytes)."

    async def add(engine: Engine) -> Article:
        if document.file_size is not None and document.file_size > cap:
            raise ResponseTooLarge(too_large)
        try:
            file = await document.get_file()
            content = bytes(await file.download_as_bytearray())
        except TelegramError as error:
            raise FetchError(f"Telegram would not give me {name} ({error.message}).") from None
        if len(content) > cap:
            raise ResponseTooLarge(too_large)
        if kind == "html":
            return await asyncio.to_thread(engine.add_html, content)
        text = content.decode("utf-8-sig", errors="replace")
        return await asyncio.to_thread(engine.add_text, text)

    await _ingest_one(reply_to, data, name, add)


# -- admins: managing articles ---------------------------------------------------------------


async def remove(update: Update, context: Context) -> None:
    """/remove ID|URL…: delete articles; their passages vanish from answers at once."""
    message = _message(update)
    keys = context.args or []
    if not keys:
        await message.reply_text(REMOVE_USAGE)
        return
    try:
        engine = await context.bot_data.ready_engine()
    except EngineUnavailable:
        await message.reply_text(ENGINE_DOWN)
        return
    lines: list[str] = []
    for key in keys[:MAX_REMOVALS]:
        try:
            article = await asyncio.to_thread(engine.remove, key)
        except NotFound as error:
            lines.append(html.escape(str(error)))
        else:
            lines.append(render.render_removed(article))
    await message.reply_text("\n".join(lines))


async def _article_page(data: BotData, offset: int) -> tuple[str, InlineKeyboardMarkup | None]:
    engine = await data.ready_engine()

    def load() -> tuple[list[Article], int]:
        return engine.list_articles(offset, PAGE_SIZE), engine.stats().articles

    page, total = await asyncio.to_thread(load)
    buttons: list[InlineKeyboardButton] = []
    if offset > 0:
        newer = max(0, offset - PAGE_SIZE)
        buttons.append(
            InlineKeyboardButton(
                "\N{SINGLE LEFT-POINTING ANGLE QUOTATION MARK} Newer",
                callback_data=f"{ARTICLES_CALLBACK}{newer}",
            )
        )
    if offset + len(page) < total:
        older = offset + PAGE_SIZE
        buttons.append(
            InlineKeyboardButton(
                "Older \N{SINGLE RIGHT-POINTING ANGLE QUOTATION MARK}",
                callback_data=f"{ARTICLES_CALLBACK}{older}",
            )
        )
    keyboard = InlineKeyboardMarkup([buttons]) if buttons else None
    return render.render_article_list(page, offset, total), keyboard


async def articles(update: Update, context: Context) -> None:
    """/articles [PAGE]: the stored articles, newest first, with buttons to page through."""
    message = _message(update)
    page = context.args[0] if context.args else "1"
    offset = (int(page) - 1) * PAGE_SIZE if page.isdigit() and int(page) > 0 else 0
    try:
        text, keyboard = await _article_page(context.bot_data, offset)
    except EngineUnavailable:
        await message.reply_text(ENGINE_DOWN)
        return
    await message.reply_text(text, reply_markup=keyboard)


async def articles_page(update: Update, context: Context) -> None:
    """An /articles button: show that page in the same message (admins only)."""
    query = update.callback_query
    if query is None:
        return
    data = context.bot_data
    if not data.is_admin(query.from_user.id):
        await query.answer("Only this bot's admins can browse its articles.", show_alert=True)
        return
    offset_text = (query.data or "").removeprefix(ARTICLES_CALLBACK)
    offset = int(offset_text) if offset_text.isdigit() else 0
    try:
        text, keyboard = await _article_page(data, offset)
    except EngineUnavailable:
        await query.answer(ENGINE_DOWN, show_alert=True)
        return
    await query.answer()
    await query.edit_message_text(text, reply_markup=keyboard)


async def stats(update: Update, context: Context) -> None:
    """/stats: how many articles and passages are stored, and how big the index is."""
    message = _message(update)
    try:
        engine = await context.bot_data.ready_engine()
    except EngineUnavailable:
        await message.reply_text(ENGINE_DOWN)
        return
    await message.reply_text(render.render_stats(await asyncio.to_thread(engine.stats)))


# -- everyone else, and failures -------------------------------------------------------------


async def refuse(update: Update, context: Context) -> None:
    """The short refusal for anyone not in NEWSBOT_ADMIN_IDS who tries an admin action."""
    message = _message(update)
    private = message.chat.type == "private"
    # Showing the id in private helps an operator find theirs for the admin list.
    await message.reply_text(render.admin_only(_user_id(update) if private else None))


async def unknown_command(update: Update, context: Context) -> None:
    """A command the bot does not know, in a private chat."""
    await _message(update).reply_text("I don't know that command; /help lists what I can do.")


async def on_error(update: object, context: Context) -> None:
    """Log any handler failure and tell the user, so the bot keeps running and nobody waits."""
    log.error("Handling an update failed", exc_info=context.error)
    if not isinstance(update, Update):
        return
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(SOMETHING_WRONG, show_alert=True)
        elif update.effective_message is not None:
            await update.effective_message.reply_text(SOMETHING_WRONG)
    except TelegramError as error:
        log.warning("Could not tell the user about the failure: %s", error)
