"""Natural questions written another way than typed: a first capital, names with capitals."""

from __future__ import annotations

import pytest

from bench.natural import NaturalQuestion
from bench.written import rewritten

BODIES = [
    "The Harbour Ferries strike ended. Talks at Harbour Ferries broke down twice. "
    "Harbour Ferries and the FTX-style app FTX met. the FTX deal, then FTX again, and FTX. "
    "A strike is rare; the strike held.",
    "Workers at Harbour Ferries said the strike was over.",
] * 2  # each word used often enough for its spelling to count


def _question(text: str, lang: str = "en") -> NaturalQuestion:
    return NaturalQuestion(id="t-1", kind="answerable", subkind=None, lang=lang, question=text)


def test_questions_are_asked_as_typed_with_a_first_capital_or_with_names_written() -> None:
    typed = [_question("harbour ferries strike, did ftx pay?"), _question("что с ftx", "ru")]
    assert rewritten(typed, "as-typed", BODIES) == typed
    first = rewritten(typed, "first-capital", BODIES)
    assert [q.question for q in first] == ["Harbour ferries strike, did ftx pay?", "что с ftx"]
    named = rewritten(typed, "with-capitals", BODIES)
    # Words the articles mostly write with capitals get them; "strike" stays as typed, and
    # the Russian question is left alone.
    assert [q.question for q in named] == ["Harbour Ferries strike, did FTX pay?", "что с ftx"]


def test_a_question_mark_is_added_where_there_was_none_and_taken_away_where_there_was() -> None:
    typed = [
        _question("did ftx pay?"),
        _question("harbour ferries strike"),
        _question("что?", "ru"),
    ]
    asked = rewritten(typed, "other-question-mark")
    assert [q.question for q in asked] == ["did ftx pay", "harbour ferries strike?", "что?"]


def test_an_unknown_way_of_writing_is_refused() -> None:
    with pytest.raises(ValueError, match="one of as-typed"):
        rewritten([], "shouting")
