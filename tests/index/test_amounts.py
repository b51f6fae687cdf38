"""Figures a question states, found in the sources however they are written."""

from __future__ import annotations

import pytest

from index.amounts import missing_amounts, stated_amounts
from index.answer import AnswerParams, compose_answer
from index.question import read_question
from tests.support.stories import one_passage


@pytest.mark.parametrize(
    ("question", "figures"),
    [
        ("google 700m settlement with states", ["700m"]),
        ("is microsoft laying off 1900 people", ["1900"]),
        ("x $1 fee", ["$1"]),
        ("did rates hit 7.5%", ["7.5%"]),
        ("2,000 layoffs at the port", ["2,000"]),
        # Years, small counts and names with a number apart are not figures; nor are bounds.
        ("who won the 2023 final", []),
        ("world series game 3 result", []),
        ("iphone 16 price", []),
        ("amassed over 800 yards", []),
        ("a welcome bonus of up to $2000", []),
        # Names with a number glued or hyphenated to it, in a question in any language.
        ("when does gpt-5 drop", ["gpt-5"]),
        ("ps5 pro specs", ["ps5"]),
        ("nvidia h200 and gpt-5", ["h200", "gpt-5"]),
        ("чем кончился cop28", ["cop28"]),
        ("an under-30 founder in the top-10", []),
        # Chat words spelt with a digit for its sound.
        ("how long was he at the club b4 the move", []),
        ("gr8 game, who scored", []),
        # A size or spec with its unit: a model is sold by it.
        ("price of the 2tb handheld?", ["2tb"]),
        ("does the 16in laptop run two monitors", ["16in"]),
        ("is the 120 hz screen worth it", ["120 hz"]),
        ("the 6.1-inch phone", ["6.1-inch"]),
        ("a 48mp camera and a 5000mah battery", ["48mp", "5000mah"]),
        # Not a unit: a score with "w" (with) spaced, a year before "in".
        ("the 2-2 w bayern", []),
        ("most downloaded app 2023 in us", []),
    ],
)
def test_a_question_states_figures_and_numbered_names_not_years_counts_or_bounds(
    question: str, figures: list[str]
) -> None:
    assert [a.text for a in stated_amounts(question)] == figures


def test_a_figure_is_found_however_the_story_writes_it() -> None:
    def missing(question: str, text: str) -> list[str]:
        return [a.text for a in missing_amounts(stated_amounts(question), [text])]

    assert missing("google 700m settlement", "Google will pay $700 million to the states.") == []
    assert missing("laying off 1900", "Microsoft is cutting 1,900 jobs.") == []
    assert missing("a $69bn deal", "the $69 billion deal closed") == []
    assert missing("rates at 7.5%", "rates reached 7.5 percent") == []
    assert missing("google 700m settlement", "Google settled for $70 million.") == ["700m"]
    # A percentage is not the plain number.
    assert missing("a 12% rise", "12 new stores opened") == ["12%"]
    assert missing("what happened", "nothing stated") == []
    assert missing("when does gpt-5 drop", "OpenAI is training GPT-5 now.") == []
    assert missing("when does gpt-5 drop", "OpenAI released GPT-4 Turbo.") == ["gpt-5"]
    # A name shortened to the initials of its capitalised words: "s6", "ta-35", "ps5".
    assert missing("harbour tales s6 release", "Harbour Tales Season 6 lands in May.") == []
    assert missing("how far did the ta-35 fall", "The Tel Aviv 35 index fell 4%.") == []
    assert missing("ps5 sales", "Sony sold 40 million PlayStation 5 consoles.") == []
    assert missing("harbour tales s6 release", "Ruiz scored 6 goals this season.") == ["s6"]
    # A season or an episode written out in lower case, its number in words or digits.
    assert missing("harbour tales s6 release", "The show's season six lands in May.") == []
    assert missing("harbour tales s6 release", "Its series 6 lands in May.") == []
    assert missing("harbour tales ep3 recap", "In episode three, the harbour floods.") == []
    assert missing("harbour tales s5 release", "The show's season six lands in May.") == ["s5"]
    # A size with its unit, however it is spaced or spelt; another size is another model.
    assert missing("price of the 2tb handheld", "The 2 TB model costs $799.") == []
    assert missing("price of the 2tb handheld", "a 2-terabyte model") == []
    assert missing("the 512gb model", "Storage: 512 gigabytes, or 1 terabyte.") == []
    assert missing("the 16in laptop", "a laptop of 16 inches") == []
    assert missing("the 16in laptop", "The 16-inch model runs two displays.") == []
    assert missing("price of the 2tb handheld", "The 1 TB model costs $649.") == ["2tb"]
    assert missing("price of the 2tb handheld", "It sold 2 units in TB stores.") == ["2tb"]


def test_a_quarter_named_q1_is_found_written_out() -> None:
    asked = stated_amounts("ferry firm q1 earnings vs estimates")
    assert missing_amounts(asked, ["The ferry firm's fiscal first-quarter results beat."]) == []
    assert missing_amounts(asked, ["Ferry firm 1Q profit rose."]) == []
    # Another quarter is another name: "uber q4" is not answered by its third quarter.
    assert missing_amounts(asked, ["The ferry firm's second quarter was its best."]) == list(asked)


FERRY_RESULTS = (
    "Ferry results\n\n"
    "Harbour Ferries reported third-quarter revenue of $12 million on Tuesday. "
    "Demand stayed strong through the autumn, chief executive Ana Ruiz said.\n\n"
    "Q4 outlook\n\n"
    "Bookings for the winter crossings open next week."
)


def test_a_quarter_asked_must_be_said_by_a_quote_not_only_by_the_story() -> None:
    # The story names the fourth quarter only in a heading: it reports the third.
    lenient = AnswerParams(min_short_evidence=-10.0, anticipating_penalty=0.0)
    passages = [one_passage(FERRY_RESULTS)]
    asked = read_question("harbour ferries q4 revenue", ["Gazette"])
    assert not compose_answer(asked, passages, lenient).answered
    answer = compose_answer(
        read_question("harbour ferries q3 revenue", ["Gazette"]), passages, lenient
    )
    assert answer.answered
    assert any("third-quarter revenue" in q.text for q in answer.quotes)
