"""The /add workflow: links, pasted text, replies, forwarded posts and uploaded files, each
reported in one status message that is edited as the work proceeds.

Admin gating happens in `bot.app` (a `filters.User` filter), so these handlers assume an admin.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence

from telegram import Document, Message, MessageOrigin, Update
from telegram.error import TelegramError

from bot import render_admin
from bot.logs import redact
from bot.messages import command_text, message_of, origin_source, parse_urls
from bot.progress import ProgressMessage
from bot.services import BotData, Context
from index import (
    Article,
    AsyncEngine,
    FetchError,
    IngestError,
    IngestOutcome,
    ResponseTooLarge,
    Stage,
    StorageError,
)

__all__ = ["ADD_USAGE", "MAX_URLS_PER_ADD", "AddStatus", "add", "add_forwarded", "add_uploaded"]

log = logging.getLogger(__name__)

MAX_URLS_PER_ADD = 10
ADD_USAGE = (
    "Usage: /add URL… (one or more links), /add followed by pasted article text, "
    "or /add as a reply to a message, post or file."
)
UNEXPECTED = "something went wrong; the error is in the log."

Ingest = Callable[[AsyncEngine], Awaitable[Article]]


class AddStatus:
    """The status message of one /add: an outcome per source, re-rendered on every change."""

    def __init__(self, reply_to: Message, sources: Sequence[str], interval: float) -> None:
        self.outcomes = [IngestOutcome(source) for source in sources]
        self._progress = ProgressMessage(reply_to, interval)

    async def move(self, index: int, stage: Stage) -> None:
        """Source `index` reached `stage` (the first call posts the message)."""
        self.outcomes[index] = self.outcomes[index].at(stage)
        await self._progress.show(render_admin.render_ingest(self.outcomes))

    async def record(self, index: int, work: Awaitable[Article]) -> None:
        """Await one ingest and show how it ended; one failure never stops the others."""
        source = self.outcomes[index].source
        try:
            self.outcomes[index] = IngestOutcome.of(source, await work)
        except IngestError as error:
            self.outcomes[index] = IngestOutcome.of(source, error)
        except StorageError as error:
            # A failed write (disk full, read-only data directory): its sentence tells the
            # admin what to fix, and nothing of the article was stored.
            log.warning("Adding %s failed: %s", source, error)
            self.outcomes[index] = IngestOutcome(source).at(Stage.FAILED, str(error))
        except Exception:
            log.exception("Adding %s failed", source)
            self.outcomes[index] = IngestOutcome(source).at(Stage.FAILED, UNEXPECTED)
        final = index == len(self.outcomes) - 1
        await self._progress.show(render_admin.render_ingest(self.outcomes), final=final)


async def add(update: Update, context: Context) -> None:
    """/add URL…, /add TEXT, or /add as a reply to a message, forwarded post or file."""
    message = message_of(update)
    data = context.bot_data
    if rest := command_text(message):
        urls = parse_urls(rest)
        if urls is not None:
            await _add_urls(message, data, urls)
        else:
            await _add_text(message, data, rest)
    elif message.reply_to_message is not None:
        await _add_message(message, data, message.reply_to_message)
    else:
        await message.reply_text(ADD_USAGE)


async def add_forwarded(update: Update, context: Context) -> None:
    """A post an admin forwards to the bot in private is added, attributed to its channel."""
    message = message_of(update)
    await _add_message(message, context.bot_data, message)


async def add_uploaded(update: Update, context: Context) -> None:
    """A file an admin sends to the bot in private is added (the engine decides which types)."""
    message = message_of(update)
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
    elif (urls := parse_urls(text)) is not None:
        await _add_urls(reply_to, data, urls)
    elif target.forward_origin is not None:
        await _add_post(reply_to, data, text, target.forward_origin)
    else:
        await _add_text(reply_to, data, text)


async def _add_urls(reply_to: Message, data: BotData, urls: list[str]) -> None:
    """Fetch, extract and index each link in turn, editing one status message as it goes."""
    if len(urls) > MAX_URLS_PER_ADD:
        await reply_to.reply_text(
            f"I add at most {MAX_URLS_PER_ADD} links at a time; "
            "please send the others in another /add."
        )
        return
    engine = await data.ready_engine()
    status = AddStatus(reply_to, urls, data.settings.progress_interval)
    await status.move(0, Stage.FETCHING)
    for index, url in enumerate(urls):

        async def on_stage(stage: Stage, index: int = index) -> None:
            if not stage.done:
                await status.move(index, stage)

        await status.record(index, engine.add_url(url, data.http, on_stage=on_stage))


async def _ingest_one(reply_to: Message, data: BotData, label: str, work: Ingest) -> None:
    """Add one article (text, post or file) behind a single status message."""
    engine = await data.ready_engine()
    status = AddStatus(reply_to, [label], data.settings.progress_interval)
    await status.move(0, Stage.INDEXING)
    await status.record(0, work(engine))


async def _add_text(reply_to: Message, data: BotData, text: str) -> None:
    await _ingest_one(reply_to, data, "pasted text", lambda engine: engine.add_text(text))


async def _add_post(reply_to: Message, data: BotData, text: str, origin: MessageOrigin) -> None:
    outlet, url = origin_source(origin)
    label = f"the post from {outlet}" if outlet else "the forwarded message"

    def add(engine: AsyncEngine) -> Awaitable[Article]:
        return engine.add_text(text, outlet=outlet, url=url, published_at=origin.date)

    await _ingest_one(reply_to, data, label, add)


async def _add_document(reply_to: Message, data: BotData, document: Document) -> None:
    """Download an uploaded file (size-capped, checked before downloading) and add it."""
    name = document.file_name or "that file"
    cap = data.settings.engine.max_response_bytes
    too_large = f"{name} is too large (the limit is {cap:,} bytes)."

    async def add(engine: AsyncEngine) -> Article:
        if document.file_size is not None and document.file_size > cap:
            raise ResponseTooLarge(too_large)
        try:
            file = await document.get_file()
            content = bytes(await file.download_as_bytearray())
        except TelegramError as error:
            # A failed download may quote the file URL, which holds the token: never echo it.
            reason = redact(error.message, [data.settings.token.get_secret_value()])
            raise FetchError(f"Telegram would not give me {name} ({reason}).") from None
        if len(content) > cap:
            raise ResponseTooLarge(too_large)
        return await engine.add_file(name, content, document.mime_type)

    await _ingest_one(reply_to, data, name, add)
