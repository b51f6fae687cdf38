"""Reading what a message asks for: links to add, and whether a group message addresses the bot."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from telegram import Chat, Message, MessageEntity, User

from bot.messages import addressed_question, parse_urls

BOT = User(id=42, is_bot=True, first_name="Harbor News", username="harbor_news_bot")
READER = User(id=7, is_bot=False, first_name="Rita")
GROUP = Chat(id=-100, type=Chat.SUPERGROUP)
WHEN = datetime(2025, 1, 1, tzinfo=UTC)


def group_message(
    text: str,
    entities: list[MessageEntity] | None = None,
    reply_to: Message | None = None,
    **extra: object,
) -> Message:
    return Message(
        message_id=10,
        date=WHEN,
        chat=GROUP,
        from_user=READER,
        text=text,
        entities=entities,
        reply_to_message=reply_to,
        api_kwargs=None,
        **extra,  # type: ignore[arg-type]
    )


def mention(text: str, handle: str) -> MessageEntity:
    offset = len(text[: text.index(handle)].encode("utf-16-le")) // 2
    return MessageEntity(MessageEntity.MENTION, offset, len(handle))


@pytest.mark.parametrize(
    ("text", "urls"),
    [
        ("https://a.example/x", ["https://a.example/x"]),
        (
            "https://a.example/x\nhttp://b.example/y https://a.example/x",
            ["https://a.example/x", "http://b.example/y"],
        ),
        ("news.example.com/story/1", ["https://news.example.com/story/1"]),
        ("Council approves barrier\n\nThe council voted on Saturday.", None),
        ("see https://a.example/x", None),
        ("", None),
    ],
)
def test_links_are_recognised_only_when_the_text_is_nothing_else(
    text: str, urls: list[str] | None
) -> None:
    assert parse_urls(text) == urls


def test_a_group_message_without_mention_or_reply_is_not_for_the_bot() -> None:
    assert (
        addressed_question(group_message("What did the council decide?"), 42, BOT.username) is None
    )


def test_a_mention_of_the_bot_is_cut_out_of_the_question() -> None:
    text = "🌊 @Harbor_News_Bot what did the council decide?"
    message = group_message(text, [mention(text, "@Harbor_News_Bot")])
    assert addressed_question(message, 42, BOT.username) == "🌊 what did the council decide?"


def test_a_mention_of_someone_else_is_not_for_the_bot() -> None:
    text = "@somebody what did the council decide?"
    message = group_message(text, [mention(text, "@somebody")])
    assert addressed_question(message, 42, BOT.username) is None


def test_a_text_mention_of_the_bot_counts() -> None:
    text = "Harbor News, what did the council decide?"
    entity = MessageEntity(MessageEntity.TEXT_MENTION, 0, len("Harbor News"), user=BOT)
    question = addressed_question(group_message(text, [entity]), 42, BOT.username)
    assert question == ", what did the council decide?"


def test_a_reply_to_the_bot_is_for_the_bot() -> None:
    answer = Message(message_id=9, date=WHEN, chat=GROUP, from_user=BOT, text="<quote>")
    message = group_message("And what will it cost?", reply_to=answer)
    assert addressed_question(message, 42, BOT.username) == "And what will it cost?"


def test_a_reply_to_someone_else_is_not() -> None:
    other = Message(message_id=9, date=WHEN, chat=GROUP, from_user=READER, text="hi")
    assert addressed_question(group_message("Me too", reply_to=other), 42, BOT.username) is None


def test_in_a_forum_topic_the_implicit_reply_to_the_topic_start_is_no_reply() -> None:
    topic_start = Message(message_id=5, date=WHEN, chat=GROUP, from_user=BOT, text="Topic")
    message = group_message(
        "Anyone know?", reply_to=topic_start, is_topic_message=True, message_thread_id=5
    )
    assert addressed_question(message, 42, BOT.username) is None
