"""Questions asking how something turned out, and sentences that only look ahead to it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from index.answer import AnswerParams, compose_answer
from index.models import Article, Chunk, Passage
from index.outcomes import anticipates, asks_outcome
from index.question import read_question


@pytest.mark.parametrize(
    "question",
    [
        "did the ferry union win the pay appeal",
        "who won the harbour derby",
        "harbour derby final score?",
        "what sentence did the mayor end up getting",
        "is the new bridge officially open yet",
        "ferry app finally out now?",
    ],
)
def test_a_question_about_how_it_turned_out_asks_an_outcome(question: str) -> None:
    assert asks_outcome(question)


@pytest.mark.parametrize(
    "question",
    [
        "harbour derby odds",
        "who will win the harbour derby",
        "when is the ferry vote",
        "why did the ferry union get a pay rise",
        "how much is the bridge toll",
    ],
)
def test_a_question_about_what_is_coming_or_why_does_not(question: str) -> None:
    assert not asks_outcome(question)


def test_a_sentence_looks_ahead_by_its_future_condition_or_plan() -> None:
    assert anticipates("The union will appeal the ruling in March.")
    assert anticipates("If the court rules against the city, the toll may be scrapped.")
    assert anticipates("The app is set to launch next year.")
    assert not anticipates("The union won its appeal on Monday.")
    # A name and a month, not the future.
    assert not anticipates("Will Jordan scored twice in May.")


WHEN = datetime(2024, 11, 17, tzinfo=UTC)


def _passage(text: str) -> Passage:
    article = Article(1, "Ferry union", "https://example.org/1", "Gazette", None, WHEN, WHEN, text)
    return Passage(Chunk(1, 1, 0, 0, len(text), text), article, 1.0, dense=0.7)


@pytest.mark.parametrize(
    ("text", "question", "declined"),
    [
        # Asked how it turned out, over a story written before: declined under the penalty.
        ("Ferry union\n\nThe ferry union will appeal the pay ruling next month.", True, True),
        # Over a story that reports the outcome: answered.
        ("Ferry union\n\nThe ferry union won its appeal of the pay ruling on Monday.", True, False),
        # Asked what is coming, the preview answers.
        ("Ferry union\n\nThe ferry union will appeal the pay ruling next month.", False, False),
    ],
)
def test_an_outcome_asked_of_a_story_that_looks_ahead_needs_more_evidence(
    text: str, question: bool, declined: bool
) -> None:
    asked = "did the ferry union win the pay appeal" if question else "will the ferry union appeal"
    passages = [_passage(text)]
    # A penalty far above any evidence shows where it applies.
    strict = AnswerParams(anticipating_penalty=10.0)
    answer = compose_answer(read_question(asked, ["Gazette"]), passages, strict)
    assert answer.answered is not declined
    assert compose_answer(
        read_question(asked, ["Gazette"]), passages, AnswerParams(anticipating_penalty=0.0)
    ).answered
    assert AnswerParams().anticipating_penalty == 0.15
