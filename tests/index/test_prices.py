"""Questions asking a sum of money, and answers that must state one."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from index.answer import AnswerParams, compose_answer
from index.prices import (
    MONEY_STATED,
    RATE_STATED,
    VALUATION_STATED,
    asks_money,
    money_asked,
    states_money,
)
from index.question import read_question
from tests.support.stories import one_passage

WHEN = datetime(2023, 11, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("how much did the ferry firm pay for the marina", True),
        ("how much is the new island pass", True),
        ("ferry firm - how much r the new tickets", True),
        ("island pass price?", True),
        ("whats the price of a night crossing", True),
        ("what valuation did the ferry startup get", True),
        ("ferry captain net worth", True),
        ("what did the new ferry cost", True),
        ("how much money is the council putting into the harbour", True),
        # A sum named: takings, revenue, a salary by "getting paid", a settlement.
        ("the ferry documentary - opening weekend box office?", True),
        ("ferry firm q3 revenue", True),
        ("whats the new harbour master getting paid per year", True),
        ("what was the ferry crash settlement", True),
        # "How much" asked of a thing with nothing after it but a place or a time.
        ("harbour island pass - how much in the US", True),
        ("the new night ferry, how much tho", True),
        ("rovers lost the final by how much", False),  # a margin
        # Not a sum: a change, a share, a quantity in another unit, whether a price moved.
        ("how much faster is the new ferry", False),
        # A quantity of a thing, though "make" may ask money
        ("how much water a day is the harbour device supposed to make", False),
        ("how much electricity does the harbour dam make", False),
        ("how much of the ferry firm does the council own", False),
        ("how much is the harbour index up this year", False),
        ("how much diesel does the ferry burn in litres", False),
        ("how much does the new ferry weigh", False),
        ("did the ferry firm raise ticket prices?", False),
        ("ferry deal: did they cut the price", False),
        ("does the ferry do price matching", False),
        ("when does the night ferry start", False),
        ("why did ferry shares jump after earnings", False),  # a reason, not a sum
        ("whats the ferry app's revenue split with skippers", False),  # a share
    ],
)
def test_a_question_asking_a_sum_of_money_is_told_apart(question: str, asks: bool) -> None:
    assert asks_money(question) is asks


def test_a_sum_of_money_is_stated_as_articles_write_it() -> None:
    for sentence in [
        "The marina changed hands for $69bn.",
        "Tickets cost £12 each.",
        "He went for Rs 24.75 crore at the auction.",
        "The round raised 1.7 million from local investors.",
        "The island pass is free for residents.",
        "Fares rise by 25 cents in March.",
    ]:
        assert states_money([sentence]), sentence
    for sentence in [
        "The ferry firm bought a 49.9% stake in the marina.",
        "The crossing takes ninety minutes and carries 300 passengers.",
        "The firm was founded in 2016.",
    ]:
        assert not states_money([sentence]), sentence


MARINA = (
    "Ferry firm buys the marina\n\n"
    "Harbour Ferries has bought the old marina on the island, the company said on Monday. "
    "Harbour Ferries will rename the marina after its founder. "
    "The deal for the marina was worth $4.5 million, the filing shows."
)
MARINA_WITHOUT_SUM = (
    "Ferry firm buys the marina\n\n"
    "Harbour Ferries has bought the old marina on the island, the company said on Monday. "
    "The marina will get a new pier for night crossings next spring."
)


def test_a_sum_asked_of_a_story_that_states_none_is_declined() -> None:
    question = read_question("how much did harbour ferries pay for the old marina", ["Gazette"])
    lenient = AnswerParams(min_short_evidence=-10.0)
    answer = compose_answer(question, [one_passage(MARINA_WITHOUT_SUM)], lenient)
    assert not answer.answered
    assert answer.reason == "My sources don't cover that."
    # The story that states it is answered, its sentence with the sum quoted beside the best
    # though another sentence ranks above it.
    answer = compose_answer(question, [one_passage(MARINA)], lenient)
    assert answer.answered
    assert [q.text[:40] for q in answer.quotes] == [
        "Harbour Ferries has bought the old marin",
        "The deal for the marina was worth $4.5 m",
    ]
    # A question that asks no sum is answered from the story without one.
    asked = read_question("did harbour ferries buy the marina", ["Gazette"])
    assert compose_answer(asked, [one_passage(MARINA_WITHOUT_SUM)], lenient).answered


def test_a_valuation_asked_needs_a_valuation_not_the_sum_raised() -> None:
    assert money_asked("ferry startup valuation after the 3m round?") is VALUATION_STATED
    assert money_asked("whats the ferry startup valued at") is VALUATION_STATED
    assert money_asked("how much did the ferry startup raise") is MONEY_STATED
    # A topic before its question is not the sum asked.
    assert money_asked("relative valuation: what share of analysts use it") is None
    raised = ["The ferry startup has raised $3 million in seed funding."]
    assert states_money(raised) and not states_money(raised, VALUATION_STATED)
    assert states_money(["The round values the startup at $40 million."], VALUATION_STATED)
    assert states_money(["It raised $3 million at a $40 million valuation."], VALUATION_STATED)
    stake = ["The port is taking a 51% stake in the startup, valuing it at $40 million."]
    assert states_money(stake, VALUATION_STATED)


def test_a_sum_asked_for_a_stretch_of_time_needs_one_stated_so() -> None:
    assert money_asked("ferry captain wages, how much a week") is RATE_STATED
    assert money_asked("how much is the port paying per year for the ferries") is RATE_STATED
    assert money_asked("how much did the port pay for the ferries") is MONEY_STATED
    assert states_money(["The captain earns £35,000-a-week at the port."], RATE_STATED)
    assert states_money(["The pass costs €9.99/month on the web."], RATE_STATED)
    assert states_money(["The port will pay $1.1 billion per year."], RATE_STATED)
    # A total is no rate.
    assert not states_money(["The port signed a $7.7 billion ferry deal."], RATE_STATED)
