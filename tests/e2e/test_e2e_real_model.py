"""End to end with the real embedding model: the bot polls at once while the model loads."""

from __future__ import annotations

from pathlib import Path

import pytest

from index import Engine, Settings
from tests.e2e.article_server import ARTICLE_HTML, ArticleServer, Page
from tests.e2e.harness import READER, StartBot, admin_sends, ask
from tests.support.fake_telegram import FakeTelegram

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.mark.slow
async def test_with_the_real_model_a_reader_gets_a_quote(
    start_bot: StartBot, telegram: FakeTelegram, web: ArticleServer, engine_settings: Settings
) -> None:
    engine = Engine(engine_settings)  # the default all-MiniLM-L6-v2, loaded in a worker thread
    await start_bot(engine=engine)

    # Help needs no model: it is answered even while the model is still loading.
    (welcome,) = await ask(telegram, READER, "/help")
    assert "exact quotes" in welcome.text

    url = web.add("/local/tidal-barrier", Page(ARTICLE_HTML.encode()))
    final = await admin_sends(telegram, f"/add {url}")
    assert "✅ Indexed" in final.text

    replies = await ask(telegram, READER, "How much will the barrier cost?")
    assert "240 million crowns" in replies[0].text
    assert "<b>Harbor Daily</b>" in replies[0].text

    (decline,) = await ask(telegram, READER, "Who won the chess championship in Reykjavik?")
    assert "<blockquote>" not in decline.text
    # Far from anything stored: no headlines are suggested, but the reader learns what is held.
    assert "Port Ellery council approves tidal barrier" not in decline.text
    assert "I have 1 article, from 17 November 2024." in decline.text


@pytest.mark.slow
async def test_with_the_real_model_a_two_part_question_gets_both_stories(
    start_bot: StartBot, telegram: FakeTelegram, engine_settings: Settings
) -> None:
    engine = Engine(engine_settings).open()
    engine.add_html(ARTICLE_HTML, url="https://example.com/news/port-ellery-tidal-barrier")
    engine.add_file("vaccine-trial.txt", (FIXTURES / "vaccine-trial.txt").read_bytes())
    await start_bot(engine=engine)

    replies = await ask(
        telegram, READER, "how much will the barrier cost and who leads the flu vaccine trial"
    )
    text = "".join(reply.text for reply in replies)
    assert "240 million crowns" in text
    assert "led by immunologist Dr. Priya Ramaswamy" in text
    assert "<b>Harbor Daily</b>" in text and "<b>The Northvale Gazette</b>" in text
    assert "don't cover" not in text

    (partly,) = await ask(telegram, READER, "barrier cost and who won the chess final in reykjavik")
    assert "240 million crowns" in partly.text
    assert "My sources don't cover" in partly.text and "chess final" in partly.text
