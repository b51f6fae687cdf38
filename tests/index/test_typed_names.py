"""A question's names, typed in lower case or with capitals, are told by how the passages found
write them, and a story that never names them is not quoted for it (`index.typed_names`)."""

from __future__ import annotations

import pytest

from index.answer import AnswerParams, compose_answer
from index.question import read_question
from index.typed_names import names_typed, naming
from tests.support.stories import article_passage

CRICKET = (
    "India clinched their first World Cup title in 1983 at Lord's. The final drew a full house "
    "to the ground. Cup holders have struggled to defend the title since."
)
RACING = (
    "Ryan Blaney won the Cup Series championship at Phoenix on Sunday. Blaney finished second "
    "in the race, enough for the title. It was the first for Blaney, who drives for Penske. "
    "In November, the series moves to its winter break, said Blaney."
)


def test_names_are_words_the_passages_write_with_capitals_and_never_without() -> None:
    passages = [article_passage(1, CRICKET, "Cricket"), article_passage(2, RACING, "Racing")]
    question = read_question("where did ryan blaney clinch his first cup title in november")
    # "Blaney" three times with a capital; "ryan" only once; "cup" also written "Cup holders"
    # at a sentence's start, which says nothing; "november" is a month.
    assert names_typed(question, passages) == ("blaney",)
    # A question with capitals tells its names by them: "Ryan" is written once in the
    # passages, too seldom to tell; "Cup" opens a sentence there and is left out by its capital
    # only where it is not a name.
    assert names_typed(read_question("Where did Ryan Blaney win the Cup?"), passages) == ("blaney",)
    assert names_typed(read_question("Where did ryan blaney win?"), passages) == ("blaney",)


def test_a_word_also_written_in_lower_case_is_not_a_name() -> None:
    lower = RACING + " The blaney family runs a farm."
    question = read_question("where did ryan blaney clinch his first cup title")
    assert names_typed(question, [article_passage(2, lower, "Racing")]) == ()


def test_a_story_names_a_name_in_any_of_its_forms() -> None:
    racing = article_passage(2, RACING, "Racing").article
    assert naming(racing, ["blaney", "penske"])
    assert not naming(racing, ["blaney", "hendrick"])


@pytest.mark.parametrize(
    "asked",
    [
        "where did ryan blaney clinch his first cup title",
        # Written with capitals, it had quoted the cricket story, which shares most of its
        # words: only a question typed in lower case had its names checked.
        "Where did Ryan Blaney clinch his first Cup title?",
    ],
)
def test_a_story_that_never_names_who_is_asked_about_is_not_quoted(asked: str) -> None:
    lenient = AnswerParams(min_short_evidence=-10.0, anticipating_penalty=0.0)
    question = read_question(asked)
    cricket = article_passage(1, CRICKET, "Cricket", dense=0.8)
    racing = article_passage(2, RACING, "Racing", dense=0.6)
    answer = compose_answer(question, [cricket, racing], lenient)
    assert not answer.answered
    assert all("Blaney" in q.article.text for q in answer.quotes)
