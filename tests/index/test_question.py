"""A question read once: what search and answers receive instead of the raw text."""

from __future__ import annotations

import pytest

from index import ArticleDraft, Engine
from index.intent import Intent
from index.question import read_question

OUTLETS = ["The Verge", "TechCrunch", "Harbour Herald"]


def test_a_question_is_read_into_words_names_numbers_outlets_and_parts() -> None:
    question = read_question(
        "Did TechCrunch report that Apple sold 16 million iPhone 15 units on October 3, "
        "and what did The Verge say about the Pixel 8?",
        OUTLETS,
    )
    assert question.intent is Intent.NEWS and question.language == "en"
    assert question.cues.outlets == {"TechCrunch", "The Verge"}
    assert question.cues.dates == ((None, 10, 3),)
    assert "techcrunch" not in question.wanted and "appl" in question.wanted  # stemmed
    assert {"apple", "pixel"} <= set(question.names)
    assert ("15", "iphone") in question.numbers and ("8", "pixel") in question.numbers
    assert len(question.parts) == 2
    assert question.parts[1].cues.outlets == {"The Verge"}


def test_asking_what_an_outlet_reported_leaves_the_reporting_out_of_the_topic() -> None:
    # "cover" here says what the outlets did, as their names say who: a sentence with the word
    # "covers" is no closer to the topic (the SBF testimony).
    question = read_question("did techcrunch and the verge both cover sbf testifying", OUTLETS)
    assert question.wanted == {"sbf", "testifi"}  # "testified" and "testifies" alike
    said = read_question("what did The Verge say about the Pixel 8 review?", OUTLETS)
    assert said.wanted == {"pixel", "review"}
    # Without an outlet the same words may be the topic.
    assert "cover" in read_question("who designed the album cover", OUTLETS).wanted
    # Nothing but the outlet and its reporting: nothing is left out.
    assert read_question("what did techcrunch report", OUTLETS).wanted == {"techcrunch", "report"}


def test_a_chat_question_asking_for_a_result_leaves_the_word_out_of_its_topic() -> None:
    # The answer says "won 42-19", not "result": in a typed question the word asks, as "how
    # much" does. A long question keeps it, where it may be part of the claim.
    assert read_question("49ers eagles result", OUTLETS).wanted == {"49er", "eagl"}
    assert read_question("cop28 outcome?", OUTLETS).wanted == {"cop28"}
    long = read_question(
        "Which team, according to a report on the result of the Sunday night match between "
        "the San Francisco 49ers and the Philadelphia Eagles, scored four touchdowns?",
        OUTLETS,
    )
    assert "result" in long.wanted


def test_a_longer_question_typed_in_lower_case_is_still_read_as_a_chat_question() -> None:
    # Twelve informative words set two stories side by side: typed in a chat, two parts.
    typed = "harbour ferry strike pay offer size vs city council bridge toll rise, numbers?"
    question = read_question(typed, OUTLETS)
    assert len(question.wanted) > 10 and question.typed_in_chat
    assert [p.text for p in question.parts] == [
        "harbour ferry strike pay offer size",
        "city council bridge toll rise, numbers?",
    ]
    # Written with capitals it reads as one detailed question, as the benchmark's long ones.
    detailed = read_question(
        "Which harbour firm, according to the Harbour Herald, also runs the Bridge ferries?",
        OUTLETS,
    )
    assert not detailed.typed_in_chat
    written = read_question(
        "Harbour ferry strike pay offer size vs City Council bridge toll rise, numbers?", OUTLETS
    )
    assert not written.typed_in_chat and written.parts == ()


@pytest.mark.parametrize(
    "typed",
    [
        # Initials in capitals, and the capital a phone puts first, are still chat typing.
        "harbour ferry strike pay offer size vs city council bridge toll rise, numbers? AI",
        "when did the harbour AI lab open, and how many GPUs does the MIT lab have",
        "Harbour ferry strike pay offer size vs city council bridge toll rise, numbers?",
        # Written with capitals, several questions sent as one message read so too.
        "Who won the Harbour Cup final at Bridge Park? also when does the Ferry Show start",
        "How big was the Harbour Ferries strike pay offer + when does the Bridge toll rise",
    ],
)
def test_initials_and_a_first_capital_still_read_as_typed_in_a_chat(typed: str) -> None:
    question = read_question(typed, OUTLETS)
    assert question.typed_in_chat
    assert len(question.parts) == 2


def test_chat_shorthand_and_emphasis_are_not_words_an_answer_must_have() -> None:
    # No article writes "lol" or "rn": an answer need not cover them.
    assert read_question("harbour bridge toll lol", OUTLETS).wanted == {"harbour", "bridg", "toll"}
    assert read_question("is the ferry actually closing rn", OUTLETS).wanted == {"ferri", "clos"}
    # Nor asides: "stuff" before a colon, "or nah", "ok so", "kinda".
    assert read_question("ferry stuff: is the toll staying or nah", OUTLETS).wanted == {
        "ferri",
        "toll",
        "stay",
    }
    assert read_question("ok so the ferry kinda broke down?", OUTLETS).wanted == {
        "ferri",
        "brok",
    }
    # Question words and negations typed without their apostrophe are stop words as with it,
    # and make no part of their own.
    assert read_question("why didnt the ferry run", OUTLETS).wanted == {"ferri", "run"}
    fares = read_question("ferry fares went up to like 5 quid? whats going on", OUTLETS)
    assert "what" not in fares.wanted and "like" not in fares.wanted and fares.parts == ()
    # "go up", "got docked": light verbs that find "let go of 1,300 employees", not the rise.
    assert read_question("how much did ferry fares go up", OUTLETS).wanted == {"ferri", "fare"}
    assert read_question("how many days did the strike get", OUTLETS).wanted == {"days", "strik"}


def test_a_measure_asked_with_how_is_not_part_of_the_topic() -> None:
    # An article counting the layoffs answers "how bad were they" without the word "bad".
    assert read_question("how bad were the ferry layoffs", OUTLETS).wanted == {"ferri", "layoff"}
    assert read_question("how serious is the bridge crack", OUTLETS).wanted == {"bridg", "crack"}
    # Elsewhere the word is what is asked about.
    assert "bad" in read_question("bad weather closes the bridge", OUTLETS).wanted


def test_control_characters_never_reach_search() -> None:
    question = read_question("what\x00 happened\x00-1\x00 to\tftx", OUTLETS)
    assert question.text == "what happened -1 to ftx"


def test_engine_replies_to_small_talk_without_searching(engine: Engine) -> None:
    engine.add_draft(
        ArticleDraft(
            text="Thanks to new funding, the harbour ferry will run every hour. It starts Monday.",
            title="Ferry every hour",
            outlet="Harbour Herald",
        )
    )
    for message, intent in [
        ("thanks!", "small_talk"),
        ("how do i tie a tie", "how_to"),
        ("should i buy a boat", "advice"),
        ("ferry price right now", "live_data"),
    ]:
        answer = engine.ask(message)
        assert not answer.answered and not answer.quotes and not answer.passages, message
        assert answer.intent == intent
        assert "news" in answer.reason
    assert engine.ask("will the harbour ferry run every hour?").answered


def test_a_question_in_russian_is_declined_in_russian_when_the_model_is_english_only(
    engine: Engine,
) -> None:
    assert not engine.encoder.multilingual
    answer = engine.ask("что случилось с паромом?")
    assert not answer.answered and answer.language == "ru"
    assert "по-английски" in answer.reason
    assert "Привет" in engine.ask("привет!").reason
