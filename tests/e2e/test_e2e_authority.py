"""Who may do what: only admins change the corpus, in private, in groups and through buttons
whatever their data says; and the token never reaches a log line or a message.

Each test plays the conversation against the real bot and then checks that the stored articles
are exactly what they were.
"""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from telegram import File
from telegram.error import NetworkError

from bot.app import NewsbotApp
from bot.errors import SOMETHING_WRONG
from bot.logs import RedactingFormatter
from index import Engine
from tests.e2e.article_server import ARTICLE_HTML, ArticleServer, Page
from tests.e2e.harness import ADMIN, READER, admin_sends, ask
from tests.support.fake_telegram import BOT_USERNAME, TOKEN, Call, FakeTelegram
from tests.support.telegram_html import visible_text

REFUSAL = "only this bot's admins"
# Button data as a client could forge it: other prefixes, huge, negative, not numbers at all.
FORGED = [
    "articles:10",
    "articles:-10",
    "articles:" + "9" * 60,
    "articles:²",
    "articles:١٢",
    "articles:1e3",
    "articles:",
    "remove:1",
    "add:https://example.com/",
    "stats",
    "x" * 64,
    "",
]


async def _add_articles(engine: Engine, count: int) -> list[tuple[int, str]]:
    for number in range(count):
        words = " ".join(f"harbour{number}word{n}" for n in range(40))
        await asyncio.to_thread(
            engine.add_text, f"Harbour notice {number}\n\n{words}.", outlet="Harbour Office"
        )
    return await _corpus(engine)


async def _corpus(engine: Engine) -> list[tuple[int, str]]:
    articles = await asyncio.to_thread(engine.list_articles, 0, 1000)
    return [(a.id, a.text) for a in articles]


async def _press(
    telegram: FakeTelegram, user: dict[str, Any], message: dict[str, Any], data: str
) -> Call:
    mark = telegram.mark()
    telegram.press(user, message, data)
    return await telegram.wait_for("answerCallbackQuery", after=mark)


async def test_readers_in_a_group_cannot_change_the_corpus(
    bot: NewsbotApp, telegram: FakeTelegram, web: ArticleServer, engine: Engine
) -> None:
    before = await _add_articles(engine, 2)
    page = Page(ARTICLE_HTML.encode())
    url = web.add("/local/tidal-barrier", page)
    group = FakeTelegram.group_chat(-100777)
    commands = [
        f"/add {url}",
        f"/add@{BOT_USERNAME} {url}",
        "/remove 1",
        f"/remove@{BOT_USERNAME} 2",
        "/articles",
        "/stats",
    ]
    for command in commands:
        mark = telegram.mark()
        telegram.send(group, READER, command)
        reply = await telegram.wait_for(
            "sendMessage", lambda c: c.chat_id == group["id"], after=mark
        )
        assert REFUSAL in reply.text
        # In a group the refusal does not show the reader's id to everyone.
        assert str(READER["id"]) not in reply.text

    assert not page.requested.is_set()
    assert await _corpus(engine) == before


async def test_an_admin_in_a_group_is_still_an_admin(
    bot: NewsbotApp, telegram: FakeTelegram, engine: Engine
) -> None:
    await _add_articles(engine, 2)
    group = FakeTelegram.group_chat(-100778)
    mark = telegram.mark()
    telegram.send(group, ADMIN, "/remove 1")
    reply = await telegram.wait_for("sendMessage", lambda c: c.chat_id == group["id"], after=mark)
    assert visible_text(reply.text).startswith("Removed article 1")
    assert [article_id for article_id, _ in await _corpus(engine)] == [2]


async def test_forged_buttons_from_a_reader_change_nothing_and_are_refused(
    bot: NewsbotApp, telegram: FakeTelegram, engine: Engine
) -> None:
    before = await _add_articles(engine, 12)
    listing = await admin_sends(telegram, "/articles")
    shown = telegram.message(ADMIN["id"], listing.result["message_id"])

    for data in FORGED:
        answer = await _press(telegram, READER, listing.result, data)
        assert answer.params.get("show_alert") is True, data
        assert REFUSAL in answer.params["text"].lower(), data

    assert not telegram.calls("editMessageText")
    assert telegram.message(ADMIN["id"], listing.result["message_id"]) == shown
    assert await _corpus(engine) == before


async def test_forged_buttons_from_an_admin_never_crash(
    bot: NewsbotApp, telegram: FakeTelegram, engine: Engine
) -> None:
    before = await _add_articles(engine, 12)
    listing = await admin_sends(telegram, "/articles")

    for data in FORGED:
        answer = await _press(telegram, ADMIN, listing.result, data)
        assert answer.params.get("text") != SOMETHING_WRONG, data
        page = visible_text(telegram.message(ADMIN["id"], listing.result["message_id"])["text"])
        # Whatever the data, the message still shows a real page of the list.
        assert page.startswith("Articles 1\N{EN DASH}10 of 12") or page.startswith(
            "Articles 11\N{EN DASH}12 of 12"
        ), (data, page)

    # A huge offset shows the last page rather than an empty one or an error.
    def showing(first: str) -> bool:
        shown = telegram.message(ADMIN["id"], listing.result["message_id"])["text"]
        return visible_text(shown).startswith(f"Articles {first}")

    await _press(telegram, ADMIN, listing.result, "articles:0")
    await telegram.wait_until(lambda: showing("1\N{EN DASH}10 of 12"))
    await _press(telegram, ADMIN, listing.result, "articles:" + "9" * 60)
    await telegram.wait_until(lambda: showing("11\N{EN DASH}12 of 12"))
    assert not [c for c in telegram.calls("sendMessage") if c.text == SOMETHING_WRONG]
    assert await _corpus(engine) == before


async def test_odd_numbers_typed_by_an_admin_never_crash(
    bot: NewsbotApp, telegram: FakeTelegram, engine: Engine
) -> None:
    before = await _add_articles(engine, 3)
    for command in ("/articles ²", "/articles 99999999999999999999999", "/articles -2"):
        reply = await admin_sends(telegram, command)
        assert visible_text(reply.text).startswith("Articles 1\N{EN DASH}3 of 3"), command
    removed = await admin_sends(telegram, "/remove ² ١ 99999999999999999999999 -1 0")
    lines = visible_text(removed.text).splitlines()
    assert len(lines) == 5 and all("There is no article" in line for line in lines), lines
    assert await _corpus(engine) == before


# -- the token -------------------------------------------------------------------------------


@pytest.fixture
def bot_log() -> Iterator[io.StringIO]:
    """The log as `python -m bot` writes it (the redacting formatter), captured."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(RedactingFormatter([TOKEN]))
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield stream
    finally:
        root.removeHandler(handler)


async def test_a_network_error_quoting_the_token_reaches_neither_log_nor_chat(
    bot: NewsbotApp,
    telegram: FakeTelegram,
    engine: Engine,
    bot_log: io.StringIO,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # httpx errors can quote the request URL, and Bot API URLs hold the token (the colon
    # percent-encoded in file URLs).
    file_url = f"{telegram.base_file_url}{TOKEN.replace(':', '%3A')}/documents/file_1.txt"
    api_url = f"{telegram.base_url}{TOKEN}/sendMessage"

    async def failing_download(self: File, *args: object, **kwargs: object) -> bytearray:
        raise NetworkError(f"httpx.ConnectError: could not download {file_url}")

    def failing_ask(question: str, k: int = 10) -> None:
        raise httpx.ConnectError(f"Could not reach {api_url}")

    monkeypatch.setattr(File, "download_as_bytearray", failing_download)
    monkeypatch.setattr(engine, "ask", failing_ask)
    upload = telegram.upload(b"Ferry news\n\nThe ferry runs again.", "ferry.txt", "text/plain")
    status = await admin_sends(telegram, document=upload)
    assert "Telegram would not give me ferry.txt" in status.text
    (sorry,) = await ask(telegram, READER, "When does the ferry run again?")
    assert sorry.text == SOMETHING_WRONG

    secret = TOKEN.split(":")[1]
    log = bot_log.getvalue()
    assert "Could not reach" in log and "[REDACTED]" in log  # the failure was logged ...
    assert secret not in log  # ... without the token
    for call in telegram.calls():
        assert secret not in str(call.params), call.method
