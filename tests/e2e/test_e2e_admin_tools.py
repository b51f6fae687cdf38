"""End to end: other ways to add articles, the management commands, and the bot's manners."""

from __future__ import annotations

import asyncio
import random
import re
from pathlib import Path

import pytest

from bot.app import ADMIN_COMMANDS, READER_COMMANDS, NewsbotApp
from bot.errors import ENGINE_DOWN, SOMETHING_WRONG
from index import AnswerParams, Engine, HashingEncoder, Settings
from tests.e2e.article_server import ARTICLE_HTML, FERRY_HTML, ArticleServer, Page
from tests.e2e.harness import ADMIN, OTHER_READER, READER, StartBot, admin_sends, ask
from tests.support.fake_telegram import FakeTelegram
from tests.support.telegram_html import visible_text

PASTED = """Skarholm lighthouse to reopen as a museum
By Island Post | Published on 2025-02-03

The Skarholm lighthouse, dark since its lamp was automated in 1987, will reopen in June as a
museum of the island's fishing history, the island council said on Monday.

Volunteers from the Skarholm heritage society have restored the keeper's cottage and the
brass lens, which was found in a barn on the mainland two years ago.
"""


async def test_pasted_text_is_added_with_its_headline(
    bot: NewsbotApp, telegram: FakeTelegram
) -> None:
    final = await admin_sends(telegram, f"/add {PASTED}")
    assert "✅ Indexed" in final.text
    assert "Skarholm lighthouse to reopen as a museum" in final.text

    replies = await ask(telegram, READER, "When will the Skarholm lighthouse museum open?")
    assert "will reopen in June as a" in replies[0].text
    assert "Skarholm lighthouse to reopen as a museum" in replies[0].text


async def test_add_as_a_reply_adds_the_replied_message(
    bot: NewsbotApp, telegram: FakeTelegram
) -> None:
    chat = FakeTelegram.private_chat(ADMIN)
    original = telegram.send(chat, ADMIN, PASTED)
    # The admin's own text message is a question to the bot first; wait for that answer.
    await telegram.wait_for("sendMessage", lambda c: c.chat_id == ADMIN["id"])
    final = await admin_sends(telegram, "/add", reply_to=original)
    assert "✅ Indexed" in final.text
    assert "Skarholm lighthouse to reopen as a museum" in final.text


async def test_a_forwarded_channel_post_is_attributed_to_the_channel(
    bot: NewsbotApp, telegram: FakeTelegram
) -> None:
    post = (
        "Harbour dues to double for cruise ships\n\n"
        "Port Ellery will double the harbour dues paid by cruise ships from next season, the "
        "port authority said, to pay for the new tidal barrier and for shore power at the quay."
    )
    origin = FakeTelegram.channel_origin("Ellery Herald", "elleryherald", 42)
    final = await admin_sends(telegram, post, forward_origin=origin)
    assert "✅ Indexed" in final.text
    assert "Ellery Herald" in final.text

    replies = await ask(telegram, READER, "Will the harbour dues for cruise ships change?")
    assert "double the harbour dues paid by cruise ships" in replies[0].text
    assert "<b>Ellery Herald</b>" in replies[0].text
    assert '<a href="https://t.me/elleryherald/42">' in replies[0].text
    assert "17 November 2024" in replies[0].text  # the post's own date


async def test_a_forward_from_a_private_channel_has_no_link(
    bot: NewsbotApp, telegram: FakeTelegram, engine: Engine
) -> None:
    post = (
        "Night ferry tickets go on sale\n\nTickets for the night ferry to Skarholm go on sale "
        "on Friday at the harbour office and online, with discounts for island residents."
    )
    origin = FakeTelegram.channel_origin("Skarholm Notices", None, 7)
    final = await admin_sends(telegram, post, forward_origin=origin)
    assert "✅ Indexed" in final.text
    (article,) = await asyncio.to_thread(engine.list_articles, 0, 10)
    assert article.outlet == "Skarholm Notices"
    assert article.url is None


async def test_uploaded_files_are_added_and_other_files_refused(
    bot: NewsbotApp, telegram: FakeTelegram
) -> None:
    page = telegram.upload(ARTICLE_HTML.encode(), "barrier.html", "text/html")
    final = await admin_sends(telegram, document=page)
    assert "✅ Indexed" in final.text
    assert "Harbor Daily" in final.text
    assert any(c.method == "downloadFile" for c in telegram.calls())

    text = telegram.upload(PASTED.encode(), "lighthouse.txt", "text/plain")
    final = await admin_sends(telegram, document=text)
    assert "Skarholm lighthouse to reopen as a museum" in final.text

    image = telegram.upload(b"\x89PNG\r\n", "photo.png", "image/png")
    reply = await admin_sends(telegram, document=image)
    assert "I can add .html, .htm and .txt files" in reply.text


async def test_an_oversized_file_is_refused_without_downloading(
    start_bot: StartBot, telegram: FakeTelegram, tmp_path: Path
) -> None:
    small = Settings(data_dir=tmp_path / "small", max_response_bytes=1000)
    await start_bot(engine=Engine(small, encoder=HashingEncoder()))
    page = telegram.upload(ARTICLE_HTML.encode(), "barrier.html", "text/html")
    final = await admin_sends(telegram, document=page)
    assert "❌" in final.text and "too large" in final.text
    assert not any(c.method == "downloadFile" for c in telegram.calls())


async def test_readers_cannot_add_by_forwarding_or_uploading(
    bot: NewsbotApp, telegram: FakeTelegram, engine: Engine
) -> None:
    chat = FakeTelegram.private_chat(READER)
    origin = FakeTelegram.channel_origin("Ellery Herald", "elleryherald", 43)
    mark = telegram.mark()
    telegram.send(chat, READER, "Some channel post text", forward_origin=origin)
    telegram.send(chat, READER, document=telegram.upload(b"<p>x</p>", "a.html", "text/html"))
    replies = await telegram.wait_for_messages(chat["id"], 2, after=mark)
    assert len(replies) == 2
    assert all("only this bot's admins" in c.text for c in replies)
    assert (await asyncio.to_thread(engine.stats)).articles == 0


async def test_articles_are_listed_paged_removed_and_counted(
    bot: NewsbotApp, telegram: FakeTelegram, web: ArticleServer, engine: Engine
) -> None:
    for number in range(12):
        text = f"Harbour notice {number}\n\n{made_up_words(number, 40)}."
        await asyncio.to_thread(engine.add_text, text, outlet="Harbour Office")
    listing = await admin_sends(telegram, "/articles")
    assert "Articles 1\N{EN DASH}10 of 12" in listing.text
    assert "<code>12</code>" in listing.text and "<code>3</code>" in listing.text
    assert "<code>2</code>" not in listing.text
    (buttons,) = listing.params["reply_markup"]["inline_keyboard"]
    assert [b["callback_data"] for b in buttons] == ["articles:10"]

    # A reader pressing the button (say, in a group) is turned away and nothing changes.
    mark = telegram.mark()
    telegram.press(OTHER_READER, listing.result, "articles:10")
    refusal = await telegram.wait_for("answerCallbackQuery", after=mark)
    assert refusal.params["show_alert"] is True
    assert not telegram.calls("editMessageText")

    mark = telegram.mark()
    telegram.press(ADMIN, listing.result, "articles:10")
    page_two = await telegram.wait_for("editMessageText", after=mark)
    assert "Articles 11\N{EN DASH}12 of 12" in page_two.text
    assert "<code>1</code>" in page_two.text and "<code>2</code>" in page_two.text
    (buttons,) = page_two.params["reply_markup"]["inline_keyboard"]
    assert [b["callback_data"] for b in buttons] == ["articles:0"]

    removed = await admin_sends(telegram, "/remove 1 999")
    lines = visible_text(removed.text).splitlines()
    assert lines[0].startswith("Removed article 1: Harbour notice 0")
    assert "There is no article" in lines[1]

    counted = await admin_sends(telegram, "/stats")
    assert "Articles: 11" in counted.text
    assert "Passages: 11" in counted.text


async def test_malformed_commands_get_a_usage_line(bot: NewsbotApp, telegram: FakeTelegram) -> None:
    assert (await admin_sends(telegram, "/add")).text.startswith("Usage: /add URL")
    assert (await admin_sends(telegram, "/remove")).text.startswith("Usage: /remove ID|URL")
    assert (await admin_sends(telegram, "/ask")).text.startswith("Usage: /ask QUESTION")
    unknown = await admin_sends(telegram, "/frobnicate")
    assert "/help" in unknown.text


async def test_start_help_and_the_command_menus(bot: NewsbotApp, telegram: FakeTelegram) -> None:
    # Published beside polling, not before it: wait for them.
    default = await telegram.wait_for(
        "setMyCommands", lambda c: c.params["scope"]["type"] == "default"
    )
    assert [c["command"] for c in default.params["commands"]] == [
        c.command for c in READER_COMMANDS
    ]
    admin_menu = await telegram.wait_for(
        "setMyCommands", lambda c: c.params["scope"]["type"] == "chat"
    )
    assert admin_menu.params["scope"]["chat_id"] == ADMIN["id"]
    assert {c["command"] for c in admin_menu.params["commands"]} >= {
        c.command for c in ADMIN_COMMANDS
    }

    (reader_help,) = await ask(telegram, READER, "/start")
    assert "exact quotes" in reader_help.text
    assert "/add" not in reader_help.text
    admin_help = await admin_sends(telegram, "/help")
    assert "Admin commands" in admin_help.text


async def test_one_user_cannot_flood_the_bot(start_bot: StartBot, telegram: FakeTelegram) -> None:
    await start_bot(rate_limit_questions=2, rate_limit_seconds=3600)
    chat = FakeTelegram.private_chat(READER)
    answered = [await ask(telegram, READER, f"Question number {n} about ferries?") for n in (1, 2)]
    assert all("My sources" in replies[0].text for replies in answered)

    slow_down = await ask(telegram, READER, "And a third one?")
    assert "please wait about" in slow_down[0].text
    # Further messages in the same flood are dropped silently; someone else is still answered.
    mark = telegram.mark()
    telegram.send(chat, READER, "A fourth one?")
    other = await ask(telegram, OTHER_READER, "Is anyone there?")
    assert "My sources" in other[0].text
    assert telegram.sent_to(chat["id"], after=mark) == []


async def test_a_failing_handler_is_reported_and_the_bot_carries_on(
    bot: NewsbotApp, telegram: FakeTelegram, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(question: str, k: int = 10) -> None:
        raise RuntimeError("index on fire")

    monkeypatch.setattr(engine, "ask", broken)
    (sorry,) = await ask(telegram, READER, "What happened at the harbour?")
    assert sorry.text == SOMETHING_WRONG
    monkeypatch.undo()
    (answer,) = await ask(telegram, READER, "What happened at the harbour?")
    assert answer.text.startswith("My sources")


def made_up_words(seed: int, count: int) -> str:
    """Words of no language: each seed's vocabulary is its own, so texts are not near-duplicates."""
    rng = random.Random(seed)
    return " ".join(
        "".join(rng.choice("aeioulmnrstkpv") for _ in range(rng.randint(4, 9)))
        for _ in range(count)
    )


def _long_article(seed: int) -> str:
    """Three paragraphs, each one very long sentence that answers the test question (made-up
    nouns joined by function words: it reads as prose, not as a list or a score line)."""
    opening = "At the grounding inquiry the harbour pilots said they had warned the port authority"
    paragraphs = [
        f"{opening} about the " + " and the ".join(made_up_words(seed * 10 + n, 115).split()) + "."
        for n in range(3)
    ]
    return f"Grounding inquiry, day {seed}\n\n" + "\n\n".join(paragraphs)


async def test_a_long_answer_is_split_between_quotes(
    start_bot: StartBot, telegram: FakeTelegram, engine_settings: Settings
) -> None:
    # Made-up words share no meaning with the question, so let any evidence through, and quote
    # every article so the answer is long enough to need splitting.
    lenient_params = AnswerParams(
        min_evidence=-10.0, min_short_evidence=-10.0, max_articles=3, relative_article_score=0.0
    )
    lenient = Engine(engine_settings, HashingEncoder(), answer_params=lenient_params)
    await start_bot(engine=lenient)
    for seed in range(3):
        upload = telegram.upload(_long_article(seed).encode(), f"day{seed}.txt", "text/plain")
        assert "✅ Indexed" in (await admin_sends(telegram, document=upload)).text

    question = "What did the harbour pilots warn the port authority about in the grounding inquiry?"
    mark = telegram.mark()
    asked = telegram.send(FakeTelegram.private_chat(READER), READER, question)

    def quotes_sent() -> int:
        return sum(c.text.count("<blockquote>") for c in telegram.sent_to(READER["id"], mark))

    # The engine quotes every article (three long sentences at least); wait until they arrive.
    await telegram.wait_until(lambda: quotes_sent() >= 3)
    parts = telegram.sent_to(READER["id"], after=mark)

    assert len(parts) >= 2
    assert parts[0].params["reply_parameters"]["message_id"] == asked["message_id"]
    assert all("reply_parameters" not in part.params for part in parts[1:])
    for part in parts:
        # The fake refuses what Telegram refuses, so each part was accepted as valid HTML.
        assert len(visible_text(part.text)) <= 4096
        # Each part is whole article groups: quotes first, an attribution line last.
        assert part.text.startswith("<blockquote>")
        assert part.text.splitlines()[-1].startswith("— Grounding inquiry, day")
        # Every quote is whole and verbatim: an article paragraph, not a fragment of one.
        for quote in re.findall(r"<blockquote>(.*?)</blockquote>", part.text, re.S):
            assert quote.startswith("At the grounding inquiry") and quote.endswith(".")


async def test_duplicates_are_reported_not_added_twice(
    bot: NewsbotApp, telegram: FakeTelegram, web: ArticleServer
) -> None:
    url = web.add("/ferry", Page(FERRY_HTML.encode()))
    assert "✅ Indexed" in (await admin_sends(telegram, f"/add {url}")).text
    again = await admin_sends(telegram, f"/add {url}?utm_source=telegram")
    assert "☑️ Already have it: article 1" in again.text


async def test_when_the_index_cannot_be_opened_each_request_gets_one_sentence(
    start_bot: StartBot, telegram: FakeTelegram, web: ArticleServer, tmp_path: Path
) -> None:
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("the data directory cannot be created here")
    await start_bot(engine=Engine(Settings(data_dir=blocked), encoder=HashingEncoder()))

    (reply,) = await ask(telegram, READER, "What did the council decide?")
    assert reply.text == ENGINE_DOWN
    assert (await admin_sends(telegram, "/stats")).text == ENGINE_DOWN
    url = web.add("/ferry", Page(FERRY_HTML.encode()))
    assert (await admin_sends(telegram, f"/add {url}")).text == ENGINE_DOWN
    # Nothing that needs no index is affected.
    (welcome,) = await ask(telegram, READER, "/start")
    assert "exact quotes" in welcome.text
