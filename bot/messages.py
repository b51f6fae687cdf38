"""Reading what an update says, without I/O: command text, links, addressed questions, origins."""

from __future__ import annotations

import re

from telegram import (
    Message,
    MessageEntity,
    MessageOrigin,
    MessageOriginChannel,
    MessageOriginChat,
    Update,
)

__all__ = [
    "MAX_NUMBER",
    "addressed_question",
    "command_text",
    "message_of",
    "origin_source",
    "page_offset",
    "parse_urls",
    "sender_id",
    "whole_number",
]

_URL = re.compile(r"^(?:https?://\S+|[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}(?:/\S*)?)$", re.IGNORECASE)


def message_of(update: Update) -> Message:
    """The update's message; the handlers that call this are only registered for messages."""
    message = update.effective_message
    if message is None:
        raise ValueError("this handler needs an update with a message")
    return message


def sender_id(update: Update) -> int | None:
    return update.effective_user.id if update.effective_user else None


def command_text(message: Message) -> str:
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


# No listing is longer than this; larger numbers are read as this one (the last page).
MAX_NUMBER = 10**9


def whole_number(text: str | None) -> int | None:
    """A non-negative number written in ASCII digits, at most MAX_NUMBER; else None.

    `str.isdigit` also accepts "²" or "١٢", which `int` refuses or reads unexpectedly, and a
    hundred digits would overflow SQLite: user text and button data are read only through here.
    """
    if text is None or not text.isascii() or not text.isdigit():
        return None
    return min(int(text), MAX_NUMBER) if len(text) <= 12 else MAX_NUMBER


def page_offset(page: str | None, page_size: int) -> int:
    """The offset of a 1-based page number typed by a user; anything else is the first page."""
    number = whole_number(page)
    if number is None or number <= 0:
        return 0
    return (number - 1) * page_size


def addressed_question(message: Message, bot_id: int, bot_username: str | None) -> str | None:
    """The question in a group message if it mentions the bot or replies to it, else None."""
    text = message.text or ""
    mentioned = False
    # Cut mentions of the bot out of the question, from the end so offsets stay valid.
    entities = message.parse_entities([MessageEntity.MENTION, MessageEntity.TEXT_MENTION])
    for entity, entity_text in sorted(entities.items(), key=lambda item: -item[0].offset):
        if _mentions_bot(entity, entity_text, bot_id, bot_username):
            mentioned = True
            text = _cut_utf16(text, entity.offset, entity.length)
    if not (mentioned or _replies_to_bot(message, bot_id)):
        return None
    return " ".join(text.split())


def _mentions_bot(
    entity: MessageEntity, entity_text: str, bot_id: int, bot_username: str | None
) -> bool:
    if entity.type == MessageEntity.TEXT_MENTION:
        return entity.user is not None and entity.user.id == bot_id
    return bot_username is not None and entity_text.lower() == f"@{bot_username.lower()}"


def _replies_to_bot(message: Message, bot_id: int) -> bool:
    replied = message.reply_to_message
    if replied is None or replied.from_user is None:
        return False
    # In forum topics every message "replies" to the topic's first message; that is no reply.
    if message.is_topic_message and replied.message_id == message.message_thread_id:
        return False
    return replied.from_user.id == bot_id


def _cut_utf16(text: str, offset: int, length: int) -> str:
    """`text` without the span that Telegram's entity offsets (UTF-16 units) describe."""
    encoded = text.encode("utf-16-le")
    space = " ".encode("utf-16-le")
    return (encoded[: offset * 2] + space + encoded[(offset + length) * 2 :]).decode("utf-16-le")


def origin_source(origin: MessageOrigin) -> tuple[str | None, str | None]:
    """Outlet and link of a forwarded post: the channel's title and its public t.me link."""
    if isinstance(origin, MessageOriginChannel):
        chat = origin.chat
        url = f"https://t.me/{chat.username}/{origin.message_id}" if chat.username else None
        return chat.title or chat.username, url
    if isinstance(origin, MessageOriginChat):
        return origin.sender_chat.title, None
    # Forwarded from a person: no outlet to credit beyond the admin's choice to add it.
    return None, None
