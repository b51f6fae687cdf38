"""End to end: the real Application talks HTTP to a fake Bot API; articles come from a local server.

Each test plays a conversation a user would have and checks what the bot sends back.
"""

from __future__ import annotations

import asyncio
import html
import socket
import threading

from bot.app import NewsbotApp
from index import Engine
from tests.e2e.article_server import ARTICLE_HTML, FERRY_HTML, ArticleServer, Page
from tests.e2e.harness import ADMIN, OTHER_READER, READER, admin_sends, ask
from tests.support.fake_telegram import BOT_USERNAME, FakeTelegram
from tests.support.telegram_html import visible_text

QUESTION = "What did the Port Ellery council decide about the tidal barrier?"
ANSWER_SENTENCE = (
    "The Port Ellery city council voted nine to two on Saturday to build a movable tidal "
    "barrier across the mouth of the Sable River"
)


async def test_admin_adds_a_link_and_a_reader_gets_a_quote_with_a_link(
    bot: NewsbotApp, telegram: FakeTelegram, web: ArticleServer
) -> None:
    url = web.add("/local/tidal-barrier", Page(ARTICLE_HTML.encode()))

    mark = telegram.mark()
    final = await admin_sends(telegram, f"/add {url}")

    # One status message, edited through the stages, ending with what was added.
    sent = telegram.sent_to(ADMIN["id"], after=mark)
    assert len(sent) == 1
    assert "Fetching" in sent[0].text
    edits = [c.text for c in telegram.calls("editMessageText")]
    assert any("Extracting" in text for text in edits)
    assert any("Indexing" in text for text in edits)
    assert "✅ Indexed 2 passages" in final.text
    assert "Port Ellery council approves tidal barrier after decade of floods" in final.text
    assert "Harbor Daily" in final.text
    assert "17 November 2024" in final.text

    mark = telegram.mark()
    chat = FakeTelegram.private_chat(READER)
    question = telegram.send(chat, READER, QUESTION)
    reply = await telegram.wait_for("sendMessage", lambda c: c.chat_id == READER["id"], after=mark)

    assert reply.params["reply_parameters"]["message_id"] == question["message_id"]
    assert reply.params["parse_mode"] == "HTML"
    assert reply.text.startswith("<blockquote>")
    assert ANSWER_SENTENCE in reply.text
    assert f'<a href="{html.escape(url)}">' in reply.text
    assert "<b>Harbor Daily</b>" in reply.text
    assert "17 November 2024" in reply.text
    typing = [c for c in telegram.calls("sendChatAction") if c.chat_id == READER["id"]]
    assert typing and typing[0].params["action"] == "typing"


async def test_a_reader_cannot_add_and_nothing_is_added(
    bot: NewsbotApp, telegram: FakeTelegram, web: ArticleServer, engine: Engine
) -> None:
    page = Page(ARTICLE_HTML.encode())
    url = web.add("/local/tidal-barrier", page)
    chat = FakeTelegram.private_chat(READER)

    for command in (f"/add {url}", "/remove 1", "/stats", "/articles"):
        mark = telegram.mark()
        telegram.send(chat, READER, command)
        reply = await telegram.wait_for(
            "sendMessage", lambda c: c.chat_id == chat["id"], after=mark
        )
        assert "only this bot's admins" in reply.text
        assert str(READER["id"]) in reply.text

    assert not page.requested.is_set()
    assert (await asyncio.to_thread(engine.stats)).articles == 0


async def test_small_talk_gets_a_friendly_reply_in_the_persons_language_and_no_quote(
    bot: NewsbotApp, telegram: FakeTelegram, web: ArticleServer, engine: Engine
) -> None:
    url = web.url("/local/tidal-barrier")
    await asyncio.to_thread(engine.add_html, ARTICLE_HTML, url)
    for message, opening, about in [
        ("hello there", "Hi!", "I answer questions about the news"),
        ("thanks a lot!!", "You're welcome!", "I answer questions about the news"),
        ("привет, ты кто", "Привет!", "Я отвечаю на вопросы о новостях"),
        ("дякую", "Будь ласка!", "Я відповідаю на запитання про новини"),
    ]:
        (reply,) = await ask(telegram, READER, message)
        text = visible_text(reply.text)
        assert text.startswith(opening), message
        assert about in text and "<blockquote>" not in reply.text, message

    # In a group, small talk not addressed to the bot gets nothing; addressed, a reply.
    group = FakeTelegram.group_chat(-100501)
    mark = telegram.mark()
    unaddressed = telegram.send(group, READER, "thanks everyone")
    addressed = telegram.send(group, OTHER_READER, f"@{BOT_USERNAME} thanks!")
    reply = await telegram.wait_for("sendMessage", lambda c: c.chat_id == group["id"], after=mark)
    assert reply.params["reply_parameters"]["message_id"] == addressed["message_id"]
    assert visible_text(reply.text).startswith("You're welcome!")
    replied_to = {
        c.params["reply_parameters"]["message_id"]
        for c in telegram.sent_to(group["id"], after=mark)
    }
    assert unaddressed["message_id"] not in replied_to


async def test_in_groups_the_bot_answers_only_when_addressed(
    bot: NewsbotApp, telegram: FakeTelegram, web: ArticleServer, engine: Engine
) -> None:
    url = web.url("/local/tidal-barrier")
    await asyncio.to_thread(engine.add_html, ARTICLE_HTML, url)
    group = FakeTelegram.group_chat(-100500)

    mark = telegram.mark()
    ignored = [
        telegram.send(group, READER, QUESTION),
        telegram.send(group, READER, f"@someone_else {QUESTION}"),
    ]
    mentioned = telegram.send(group, OTHER_READER, f"@{BOT_USERNAME} {QUESTION}")
    first = await telegram.wait_for("sendMessage", lambda c: c.chat_id == group["id"], after=mark)
    assert first.params["reply_parameters"]["message_id"] == mentioned["message_id"]
    assert ANSWER_SENTENCE in first.text

    # A reply to one of the bot's messages is addressed to it.
    follow_up = telegram.send(
        group, READER, "How much will the barrier cost?", reply_to=first.result
    )
    second = await telegram.wait_for(
        "sendMessage",
        lambda c: (
            c.chat_id == group["id"]
            and c.params["reply_parameters"]["message_id"] == follow_up["message_id"]
        ),
        after=mark,
    )
    assert "240 million crowns" in second.text

    # So is /ask.
    asked = telegram.send(group, READER, "/ask Why did the Green Coast councillors vote against?")
    third = await telegram.wait_for(
        "sendMessage",
        lambda c: (
            c.chat_id == group["id"]
            and c.params["reply_parameters"]["message_id"] == asked["message_id"]
        ),
        after=mark,
    )
    assert "salmon run" in third.text

    # By now the unaddressed messages, sent first, would have been answered if they were going
    # to be: nothing in the group replies to them.
    replied_to = {
        c.params["reply_parameters"]["message_id"]
        for c in telegram.sent_to(group["id"], after=mark)
    }
    assert replied_to == {mentioned["message_id"], follow_up["message_id"], asked["message_id"]}
    assert not {m["message_id"] for m in ignored} & replied_to


async def test_a_failing_fetch_gives_a_clear_reason(
    bot: NewsbotApp, telegram: FakeTelegram, web: ArticleServer, engine: Engine
) -> None:
    missing = web.url("/no/such/article")
    with socket.socket() as probe:
        # A port that was free a moment ago: nothing listens there.
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    unreachable = f"http://127.0.0.1:{closed_port}/story"

    final = await admin_sends(telegram, f"/add {missing} {unreachable}")

    lines = visible_text(final.text).splitlines()
    assert lines[0] == "Adding 2 links (2 done):"
    assert lines[1].startswith(f"1. ❌ Could not add {missing}")
    assert "HTTP 404" in lines[1]
    assert lines[2].startswith(f"2. ❌ Could not add {unreachable}")
    assert "Could not connect to 127.0.0.1" in lines[2]
    assert (await asyncio.to_thread(engine.stats)).articles == 0


async def test_the_bot_keeps_answering_while_an_article_is_being_added(
    bot: NewsbotApp, telegram: FakeTelegram, web: ArticleServer, engine: Engine
) -> None:
    await asyncio.to_thread(engine.add_html, ARTICLE_HTML, web.url("/local/tidal-barrier"))
    slow = Page(FERRY_HTML.encode(), gate=threading.Event())
    slow_url = web.add("/slow/story", slow)

    mark = telegram.mark()
    telegram.send(FakeTelegram.private_chat(ADMIN), ADMIN, f"/add {slow_url}")
    status = await telegram.wait_for("sendMessage", lambda c: c.chat_id == ADMIN["id"], after=mark)
    # The article server now holds the response: the ingest is stuck in "fetching".
    assert await asyncio.to_thread(slow.requested.wait, 10)

    replies = await ask(telegram, READER, QUESTION)
    assert ANSWER_SENTENCE in replies[0].text
    # The reader was answered while the admin's status still says it is fetching.
    current = telegram.message(ADMIN["id"], status.result["message_id"])
    assert "Fetching" in current["text"]

    assert slow.gate is not None
    slow.gate.set()
    await telegram.wait_for(
        "editMessageText",
        lambda c: c.params["message_id"] == status.result["message_id"] and "✅" in c.text,
        after=mark,
    )
