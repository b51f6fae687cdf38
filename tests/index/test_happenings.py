"""A yes/no question asking whether something happened is answered only by a sentence saying
it happened (`index.happenings`)."""

from __future__ import annotations

import pytest

from index.answer import AnswerParams, compose_answer
from index.happenings import Act, asked_act, tells_act
from index.question import read_question
from tests.support.stories import one_passage

PICKUP = (
    "Harbour Motors launched the Tidewater pickup on Monday, four years after it was first "
    "shown. Harbour Motors chief executive Ana Ruiz said the Tidewater would reach buyers in "
    "March. Critics of the pickup say it is too heavy for city streets."
)


def act_in(question: str) -> Act | None:
    return asked_act(question, PICKUP, read_question(question, ["Gazette"]).wanted)


def act_of(question: str) -> str | None:
    act = act_in(question)
    return None if act is None else act.asked


@pytest.mark.parametrize(
    ("question", "act"),
    [
        ("did harbour motors recall the tidewater", "recall"),
        ("wait did ana ruiz actually step down", "step"),
        ("has harbour motors dropped the tidewater yet", "dropped"),
        ("did harbour motors end up scrapping the pickup", "scrapping"),
        ("did ruiz and the critics get engaged", "engaged"),  # "get" passes the act on
        ("did the critics ever try to block it", "block"),  # the verb after "try to"
        ("tidewater pickup - did harbour motors cancel it", "cancel"),
        ("is harbour motors recalling the tidewater??", "recalling"),  # an act under way
        ("r ruiz and the critics engaged", "engaged"),  # "r" typed for "are"
        # A name joined on is the subject's, though shortened past what the story writes.
        ("did ruiz n harb actually meet", "meet"),
        # An adverb, typed wrong or not, is not the act; a verb ending in "ly" is.
        ("did ana ruiz actualy recall the tidewater", "recall"),
        ("did harbour motors quietly drop the tidewater", "drop"),
        ("did ana ruiz rly recall the tidewater", "recall"),
        ("did ana ruiz reply to the critics", "reply"),
        ("did ana ruiz & harb ever meet", "meet"),
        ("has anyone been charged over the tidewater crash", "charged"),
        ("did ana ruiz found the tidewater works", "found"),  # bare after "did": not "find"
        ("tidewater launch - where is it being held", None),  # an arrangement, not an act
        # "when" and "where" take the act as done: the story may tell it in its own words.
        ("when did harbour motors finally recall the tidewater", None),
        ("where did ana ruiz start her career", None),
        # Not whether something happened, or told by a verb too light to check.
        ("is the tidewater working again", None),
        ("are they expected to launch another pickup", None),
        ("did harbour motors make the shortlist", None),
        ("did the gazette cover the tidewater launch", None),  # a question about an outlet
        ("Did the Gazette fail to report the Tidewater launch?", None),
        ("when does the tidewater reach buyers", None),
    ],
)
def test_the_act_a_question_asks_about_is_the_word_after_its_subject(
    question: str, act: str | None
) -> None:
    assert act_of(question) == act


def test_the_act_is_told_by_its_forms_and_close_words_only_when_done() -> None:
    recall = act_in("did harbour motors recall the tidewater")
    buy = act_in("did harbour motors buy tidewater")
    block = act_in("did harbour motors block the app")
    assert recall is not None and buy is not None and block is not None
    assert tells_act(recall, ["Harbour Motors recalled 2,000 Tidewater pickups in May."])
    assert tells_act(recall, ["The recall covers every pickup built before March."])
    assert tells_act(buy, ["Harbour Motors acquired Tidewater for $40 million."])
    assert tells_act(block, ["Harbour Motors shut the app down on Friday."])
    started = act_in("did ana ruiz start the tidewater works")
    assert started is not None
    assert tells_act(started, ["Ruiz began the works in a garage in 1998."])
    # Only possible, ahead, or meant: not done.
    assert not tells_act(recall, ["Harbour Motors could recall the pickup, analysts say."])
    assert not tells_act(buy, ["Harbour Motors is set to buy Tidewater next year."])
    assert not tells_act(block, ["It may not be able to simply block the app for long."])
    assert not tells_act(block, ["It sued the app's maker to block it from its network."])
    close = act_in("did harbour motors close the tidewater deal")
    assert close is not None
    assert not tells_act(close, ["Regulatory snags delayed closing the deal until spring."])
    assert tells_act(close, ["Harbour Motors closed the deal in March."])
    # Another act about the same things.
    assert not tells_act(recall, ["Harbour Motors launched the Tidewater pickup on Monday."])
    # The act done by a doer the question does not name; a pronoun or a description may be it.
    won = act_in("did harbour rovers win the cup after signing ruiz")
    assert won is not None
    assert not tells_act(won, ["Ruiz signed for Rovers, and City win the league at a canter."])
    assert tells_act(won, ["Harbour Rovers won the cup in May."])
    assert tells_act(won, ["They won the cup in May, a year after signing Ruiz."])
    assert tells_act(won, ["The club won the cup in May."])
    quit_ = act_in("did the boss quit")
    assert quit_ is not None and tells_act(quit_, ["The Boss quit on Friday."])
    # Done to a thing the question does not name ("sued spyware maker NSO Group" for "has
    # apple sued beeper"); a description, a time or a place after the act may be it.
    assert not tells_act(buy, ["Harbour Motors previously bought parts maker Lindmark Axles."])
    assert tells_act(buy, ["Harbour Motors bought the maker of Tidewater pickups."])
    assert tells_act(buy, ["Harbour Motors bought Tidewater Monday in Lisbon."])
    assert tells_act(buy, ["Harbour Motors bought it in Lisbon, Tidewater said."])
    # Wall Street is the market's expectations, not a thing the act is done to.
    missed = act_in("did harbour motors miss revenue expectations")
    assert missed is not None
    assert tells_act(missed, ["Harbour Motors fell short of Wall Street's sales expectations."])
    assert not tells_act(missed, ["Harbour Motors missed Lindmark's expectations."])
    # Missing something is failing to make it.
    assert tells_act(missed, ["Harbour Motors failed to meet revenue expectations."])


def test_an_act_asked_by_the_whole_question_is_told_from_its_part() -> None:
    whole = act_in("did ruiz and the critics get engaged")
    part = act_in("tidewater price and did ruiz quit")
    assert whole is not None and whole.whole
    assert part is not None and not part.whole


def test_whether_it_happened_asked_of_a_story_that_never_says_it_is_declined() -> None:
    lenient = AnswerParams(min_short_evidence=-10.0, anticipating_penalty=0.0)
    question = read_question("did harbour motors recall the tidewater pickup", ["Gazette"])
    assert not compose_answer(question, [one_passage(PICKUP)], lenient).answered
    recalled = (
        PICKUP + " In May Harbour Motors recalled 2,000 Tidewater pickups over a loose pedal."
    )
    answer = compose_answer(question, [one_passage(recalled)], lenient)
    assert answer.answered
    assert any("recalled 2,000" in q.text for q in answer.quotes)
