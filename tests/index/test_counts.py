"""Questions asking a count of something, and answers that must state it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from index.answer import AnswerParams, compose_answer
from index.counts import count_asked, share_asked
from index.question import read_question
from tests.support.stories import one_passage

WHEN = datetime(2023, 11, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("question", "sentence", "states"),
    [
        (
            "how many weekly users does the ferry app have",
            "It has 120,000 weekly active users.",
            True,
        ),
        ("how many weekly users does the ferry app have", "All users can now book seats.", False),
        ("how many subs does the harbour channel have", "It passed two million subscribers.", True),
        ("how many ppl did the ferry firm lay off", "The firm cut roughly 830 people.", True),
        ("how many ppl did the ferry firm lay off", "People were angry at the ferry firm.", False),
        # People are counted by what they were to the story: a study's participants, a
        # survey's respondents, a ferry's passengers.
        (
            "how many people were in the harbour diet study",
            "It followed more than 110,000 participants for ten years.",
            True,
        ),
        ("how many ppl took the survey", "Some 2,400 adults responded to it.", True),
        ("how many people were on the ferry", "The ferry carried 312 passengers.", True),
        ("how many people were in the harbour diet study", "The study ran for ten years.", False),
        # A share of the people asked about counts them too.
        ("how many ppl are hooked on the ferry app", "It found 14% of adults hooked.", True),
        ("how many users does the ferry app have", "It found 14% of users unhappy.", False),
        ("how many island passes has the council sold", "The council sold 40,000 passes.", True),
        ("how many island passes has the council sold", "Passes cost $12 each.", False),
        # A sale of another counted thing is not the count asked.
        ("how many copies did the harbour album sell", "The album sold 80,000 copies.", True),
        ("how many copies did the harbour album sell", "Its tour sold 2.2m tickets.", False),
        ("how many copies did the harbour album sell", "The tour had 2.2m tickets sold.", False),
        ("how many copies did the harbour album sell", "It has sold 80,000 so far.", True),
        # A year is no count: "1989" is the album's name.
        ("how many copies did 1989 sell", "Swift's 1989 tour sold 2.2m tickets.", False),
        ("how many copies did 1989 sell", "Swift's 1989 sold 1.2m copies.", True),
        ("how many units has the ferry yard sold", "The yard sold 12 e-ferries.", True),
        ("how many units did the harbour game sell", "It sold 1.2 million copies.", True),
        ("how many e-ferries did the yard deliver", "It delivered 12 e-ferries this year.", True),
        ("how many goals did rovers score", "Rovers scored three goals after the break.", True),
        ("how many points did rovers get docked", "Their 10-point penalty stands.", True),
        ("how many points did rovers get docked", "Rovers will appeal the penalty.", False),
        ("harbour council vote, what was the tally", "The plan passed 31-12 on Monday.", True),
        ("how many councillors voted against the plan", "Twelve opposed the plan.", False),
        (
            "how many councillors voted against the plan",
            "It passed with 12 members voting no.",
            True,
        ),
        ("how many oscars did the harbour film win", "The film won seven Oscars.", True),
        ("how many oscars did the harbour film win", "It is an early Oscar favourite.", False),
        ("how many ferry reservations are there", "It has over 2 million reservations.", True),
        (
            "how many ferry reservations are there",
            "Ferry reservations appeared on eBay for $10,000.",
            False,
        ),
        ("the harbour storm, how many died", "At least 64 people died in the storm.", True),
        # An age is no count of the dead.
        ("the harbour storm, how many died", "Jo Smith, 17, died at her home.", False),
        # A crowd is stated with its size, before or after the word.
        ("what was the attendance at rovers v united", "It drew 18,000 fans.", True),
        ("how big was the crowd at the derby", "A crowd of 20,000 saw Rovers win.", True),
        ("rovers average crowd this season", "Average attendance is 4,365.", True),
        (
            "what was the attendance at rovers v united",
            "Rovers won in front of a sold-out stadium.",
            False,
        ),
    ],
)
def test_a_count_asked_is_stated_with_the_thing_counted(
    question: str, sentence: str, states: bool
) -> None:
    counted = count_asked(question)
    assert counted is not None
    assert bool(counted.search(sentence)) is states


@pytest.mark.parametrize(
    "question",
    [
        "how many times did the mayor say ferry",
        "how many games was he banned for",
        "ferry app users",
    ],
)
def test_other_questions_ask_no_count_of_a_thing(question: str) -> None:
    assert count_asked(question) is None


APP = (
    "Ferry app launches\n\n"
    "Harbour Ferries launched its booking app on the island last month, the company said. "
    "The ferry app will get night crossings next spring. "
    "The app already has 120,000 weekly users, the company said."
)
APP_WITHOUT_COUNT = (
    "Ferry app launches\n\n"
    "Harbour Ferries launched its booking app on the island last month, the company said. "
    "The ferry app will get night crossings next spring."
)


def test_a_count_asked_of_a_story_that_states_none_is_declined() -> None:
    question = read_question("how many users does the harbour ferries app have", ["Gazette"])
    lenient = AnswerParams(min_short_evidence=-10.0)
    assert not compose_answer(question, [one_passage(APP_WITHOUT_COUNT)], lenient).answered
    answer = compose_answer(question, [one_passage(APP)], lenient)
    assert answer.answered
    assert any("120,000 weekly users" in q.text for q in answer.quotes)


@pytest.mark.parametrize(
    ("question", "sentence", "states"),
    [
        ("how much of the ferry firm does the mayor own", "He owns 17 percent of it.", True),
        ("what % of islanders take the ferry", "Some 41 per cent of islanders do.", True),
        ("how big a stake did the port buy", "The port bought a majority of the firm.", True),
        ("what share of crossings run late", "Half of the crossings run late.", True),
        ("how much of the ferry firm does the mayor own", "The mayor testified on Monday.", False),
        # ... or as so many of so many.
        (
            "how much of the rovers attack is okafor responsible for",
            "Okafor has scored 24 of the team's 28 goals.",
            True,
        ),
        ("what share of crossings run late", "Nine out of 10 crossings run late.", True),
        ("what share of crossings run late", "Of the 40 ferries, 12 are new.", False),
    ],
)
def test_a_share_asked_is_stated_as_a_percentage_or_a_fraction(
    question: str, sentence: str, states: bool
) -> None:
    share = share_asked(question)
    assert share is not None
    assert bool(share.search(sentence)) is states


def test_a_question_asking_no_share_asks_none() -> None:
    assert share_asked("how much did the port pay for the ferry firm") is None
    assert share_asked("how many ferries run at night") is None


def test_a_count_asked_of_a_topic_must_be_stated_though_searched_in_parts() -> None:
    # A topic, then the one question asked of it: its parts are searched apart, and the
    # topic's story is still no answer without the count.
    question = read_question("harbour ferries app - how many users does it have", ["Gazette"])
    assert question.topic_first
    lenient = AnswerParams(min_short_evidence=-10.0)
    assert not compose_answer(question, [one_passage(APP_WITHOUT_COUNT)], lenient).answered
    answer = compose_answer(question, [one_passage(APP)], lenient)
    assert answer.answered
    assert any("120,000 weekly users" in q.text for q in answer.quotes)
