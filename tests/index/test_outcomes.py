"""Questions asking how something turned out, and sentences that only look ahead to it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from index.answer import AnswerParams, compose_answer
from index.outcomes import (
    anticipates,
    asks_decision,
    asks_outcome,
    asks_result,
    asks_statement,
    asks_successor,
    names_sides,
    tells_appointment,
    tells_decision,
    tells_result,
    tells_statement,
    versus_sides,
)
from index.question import read_question
from tests.support.stories import one_passage


@pytest.mark.parametrize(
    "question",
    [
        "did the ferry union win the pay appeal",
        "who won the harbour derby",
        "harbour derby final score?",
        "what sentence did the mayor end up getting",
        "is the new bridge officially open yet",
        "ferry app finally out now?",
        # Whether something was done, whatever the verb.
        "did the harbour master actually show up at the hearing",
        "did judge ruiz rule the toll unlawful?",
        "when did the council hold the final vote on the toll",
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
    passages = [one_passage(text)]
    # A penalty far above any evidence shows where it applies.
    strict = AnswerParams(anticipating_penalty=10.0)
    answer = compose_answer(read_question(asked, ["Gazette"]), passages, strict)
    assert answer.answered is not declined
    assert compose_answer(
        read_question(asked, ["Gazette"]), passages, AnswerParams(anticipating_penalty=0.0)
    ).answered
    assert AnswerParams().anticipating_penalty == 0.15


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("how many years did the mayor get", False),  # no word of a sentence or verdict
        # The time given after a plea, in a criminal case.
        ("the mayor who pleaded guilty to fraud - how many years did he get", True),
        ("how long did it take the jury to get there", False),
        ("how long did the mayor get in prison", True),
        ("what sentence did the mayor end up getting", True),
        ("harbour fraud trial — was the mayor found guilty?", True),
        ("ferry fraud verdict??", True),
        ("how much was the ferry firm fined", True),
        ("how much did the judge make the ferry firm pay", True),
        ("how much did the ferry firm pay for the dock", False),  # a price, not a penalty
        # What could be given, when, or a plea, are other questions.
        ("how many years could the mayor face", False),
        ("mayor pleaded guilty?", False),
        ("mayor pleaded guilty.. when's sentencing", False),
        # A penalty kick is no punishment.
        ("did rovers score the penalty", False),
        # A ruling on a case, asked of a court or a regulator.
        ("what did the supreme court end up ruling on the harbour laws", True),
        ("ferry case - what did the high court decide", True),
        ("what did the judge rule in the ferry case", True),
        ("ferry firm lost in court, what remedies did the judge order", True),
        ("when will the court rule on the ferry case", False),
        ("what did rovers decide about the coach", False),  # no court
    ],
)
def test_a_question_asking_a_sentence_or_verdict_asks_a_decision(question: str, asks: bool) -> None:
    assert asks_decision(question) is asks


def test_a_decision_is_told_only_when_it_was_given() -> None:
    prison = "how long did the mayor get in prison"
    assert tells_decision(prison, ["The mayor was sentenced to six years on Friday."])
    assert tells_decision(prison, ["The mayor spent eight months in prison last year."])
    # Possible, agreed or sought punishments are not given ones; a plea is not a sentence.
    assert not tells_decision(prison, ["The mayor faces up to 20 years in prison."])
    assert not tells_decision(prison, ["Under the deal he agreed to serve a prison term."])
    assert not tells_decision(prison, ["The mayor pleaded guilty to three counts on Monday."])
    assert not tells_decision(prison, ["The mayor is scheduled to be sentenced in March."])
    # "May" the month is no hedge.
    assert tells_decision(prison, ["In May the mayor was sentenced to six years."])
    fine = "how much was the ferry firm fined"
    assert tells_decision(fine, ["The ferry firm agreed to pay about $4.3 billion to settle."])
    assert tells_decision(fine, ["Its season will not be derailed by their 10-point penalty."])
    repaid = "how much did the regulator make the ferry firm pay back"
    assert tells_decision(repaid, ["The bureau ordered the ferry firm to refund $3 million."])
    assert not tells_decision(repaid, ["The bureau could order the firm to pay refunds."])
    # A finding of the judge's is not the sum ordered paid.
    ordered = "how much did the judge order the ferry firm to pay"
    finding = ["The judge, ruling in the regulator's suit, found that the firm misled riders."]
    assert not tells_decision(ordered, finding)
    assert tells_decision(ordered, ["The judge ordered the firm to pay $2 million."])
    verdict = "was the mayor found guilty"
    assert tells_decision(verdict, ["A jury found the mayor guilty of fraud."])
    assert tells_decision(verdict, ["The mayor was acquitted on all counts."])
    assert not tells_decision(verdict, ["The mayor, charged with fraud, pleaded not guilty."])
    ruling = "what did the judge rule in the ferry case"
    assert tells_decision(ruling, ["The judge ruled that the ferry firm broke the law."])
    assert tells_decision(ruling, ["The high court sided with the ferry firm on Tuesday."])
    # A ruling ahead, or only possible, is not one made.
    assert not tells_decision(ruling, ["If the judge rules against the firm, it will appeal."])
    assert not tells_decision(ruling, ["The judge is expected to rule by June."])
    assert not tells_decision(ruling, ["The ferry case went to trial in Harbour City."])


@pytest.mark.parametrize(
    ("text", "declined"),
    [
        # The story stops at the plea: the sentence asked is not in it.
        ("Mayor case\n\nThe harbour mayor pleaded guilty to fraud charges on Monday.", True),
        ("Mayor case\n\nThe harbour mayor was sentenced to six years in prison for fraud.", False),
    ],
)
def test_a_sentence_asked_of_a_story_before_it_is_declined(text: str, declined: bool) -> None:
    passages = [one_passage(text)]
    answer = compose_answer(
        read_question("how long did the harbour mayor get in prison for fraud", ["Gazette"]),
        passages,
        AnswerParams(min_short_evidence=-10.0, anticipating_penalty=0.0),
    )
    assert answer.answered is not declined


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("harbour derby result?", True),
        ("rovers vs united - who won", True),
        ("harbour derby final score", True),
        ("rovers united score?", True),
        ("who beat rovers in the cup", True),
        # The odds, a preview, when it is, a scorer, a count, a person who lost something.
        ("harbour derby odds", False),
        ("who will win the harbour derby", False),
        ("when is the harbour derby", False),
        ("who scored the winner in the derby", False),
        ("how many points did the captain score", False),
        ("the sailor who lost his boat in the storm", False),
        ("ferry firm quarterly earnings results", False),
        # A score that is no match's.
        ("harbour quest ranger - whats the main ability score", False),
        ("ferry firm credit score?", False),
    ],
)
def test_a_question_asking_a_match_result_is_told_apart(question: str, asks: bool) -> None:
    assert asks_result(question) is asks


@pytest.mark.parametrize(
    ("question", "sides"),
    [
        ("who won the harbour cup final, rovers or united?", True),
        ("harbour derby who won, rovers or city fc", True),
        # Two matches, or another question after the result, are parts of their own.
        ("who won by more, rovers over city or united over town", False),
        ("who won the harbour cup + who took the ferry race", False),
        ("who won the harbour cup and who scored", False),
    ],
)
def test_who_won_between_two_named_sides_is_one_result(question: str, sides: bool) -> None:
    assert names_sides(question) is sides


def test_a_result_is_told_only_when_it_was_reported() -> None:
    who = "rovers vs united who won"
    assert tells_result(who, ["Rovers beat United in extra time on Saturday."])
    assert tells_result(who, ["It finished 2-1 to Rovers."])
    assert not tells_result(who, ["Rovers face United at the harbour ground on Saturday."])
    assert not tells_result(who, ["Rovers will have to beat United to stay up."])
    # Winners and champions named are not a result told: "the winners will advance".
    assert not tells_result(who, ["The winners in three days' time will advance to the final."])
    assert not tells_result(who, ["Rovers could meet the champions in May."])
    score = "rovers vs united final score"
    assert tells_result(score, ["Rovers won 3-1 at home."])
    assert not tells_result(score, ["Rovers won at home."])
    assert tells_result(score, ["United led 2-1 (3-1 on aggregate) at the break."])


def test_a_result_told_must_be_of_the_match_the_question_names() -> None:
    score = "rovers vs united final score"
    # Another match's result, in a story about another match.
    assert not tells_result(score, ["City won the cup final that year 5-0."])
    assert not tells_result(
        score, ["City won the cup final that year 5-0."], headlines=["Cup odds"]
    )
    # A sentence naming neither side tells this match's score in a story headlined with it.
    penalty = ["A late penalty took the score to 28-24."]
    assert not tells_result(score, penalty)
    assert tells_result(score, penalty, headlines=["Rovers v United: the match report"])
    # ... unless it names another opponent: a preview's word on another match.
    earlier = ["The Magpies are in form, defeating Harbour Athletic 4-1 in the cup."]
    assert not tells_result(score, earlier, headlines=["Rovers v United: the preview"])
    assert tells_result(
        score, ["The home side won 2-1 against United."], headlines=["Rovers v United report"]
    )
    # Sides asked in the question's topic; written longer in the story ("utd" as "Utd.").
    assert tells_result(
        "who won", ["Utd. won 2-1 at the harbour ground."], sides_from="utd v rovers - who won"
    )
    assert versus_sides("man utd v the rovers' result") == ("utd", "rovers")
    assert versus_sides("who won the harbour derby") == ()


@pytest.mark.parametrize(
    "sentence",
    [
        "The Harbour Rovers (8-6) will be the first foes United (5-9) face on Saturday.",
        "The loss dropped United's record to 3-4.",
        "Rovers improved to 9-4, a game behind United, who are also 10-3.",
        "Rovers bring a 10-3 record to the harbour ground.",
    ],
)
def test_a_teams_record_is_no_score(sentence: str) -> None:
    assert not tells_result("rovers vs united final score", [sentence])


@pytest.mark.parametrize(
    ("text", "declined"),
    [
        # The story is the preview: the result asked is not in it.
        ("Derby preview\n\nRovers face United in the harbour derby on Saturday night.", True),
        ("Derby report\n\nRovers beat United 2-1 in the harbour derby on Saturday night.", False),
    ],
)
def test_a_result_asked_of_a_preview_is_declined(text: str, declined: bool) -> None:
    answer = compose_answer(
        read_question("rovers vs united harbour derby result?", ["Gazette"]),
        [one_passage(text)],
        AnswerParams(min_short_evidence=-10.0, anticipating_penalty=0.0),
    )
    assert answer.answered is not declined


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("who replaced the harbour master", True),
        ("rovers new head coach after smith", True),
        ("who did rovers hire after firing smith", True),
        ("who'd the council hire to run the port", True),
        ("who's the new ferry ceo", True),
        ("why did rovers fire smith", False),
        ("who is the harbour master", False),
    ],
)
def test_a_question_asking_who_was_appointed_is_told_apart(question: str, asks: bool) -> None:
    assert asks_successor(question) is asks


def test_an_appointment_is_told_only_when_it_was_made() -> None:
    assert tells_appointment(["Rovers have hired Ana Ruiz as their new head coach."])
    assert tells_appointment(["The club will be naming Ana Ruiz as Smith's successor."])
    assert not tells_appointment(["Rovers relieved head coach Smith of his duties on Monday."])
    assert not tells_appointment(["If the owner loses patience, he could bring a new coach."])
    assert not tells_appointment(["Here are the options should Rovers replace Smith."])
    # A new one still to be found is no appointment.
    assert not tells_appointment(["The board has no plan to unite and elect a new speaker."])
    assert tells_appointment(["Ana Ruiz is the board's new speaker."])


def test_who_was_appointed_asked_of_a_story_that_tells_none_is_declined() -> None:
    fired = (
        "Rovers fire Smith\n\nRovers relieved head coach Tom Smith of his duties on Monday. "
        "Smith had led Rovers to the harbour cup final."
    )
    hired = fired + " Rovers have hired Ana Ruiz, the harbour academy coach, to replace Smith."
    question = read_question("who did rovers hire after firing smith", ["Gazette"])
    lenient = AnswerParams(min_short_evidence=-10.0, anticipating_penalty=0.0)
    assert not compose_answer(question, [one_passage(fired)], lenient).answered
    answer = compose_answer(question, [one_passage(hired)], lenient)
    assert answer.answered
    assert any("Ana Ruiz" in q.text for q in answer.quotes)


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("what did ana ruiz say about the ferry strike", True),
        ("what did the harbour master tweet after the storm", True),
        ("wat did the study say about ferry fares", True),
        ("what did ana ruiz do about the ferry strike", False),
        ("who said the ferries would stop", False),
    ],
)
def test_a_question_asking_what_someone_said_is_told_apart(question: str, asks: bool) -> None:
    assert asks_statement(question) is asks


def test_what_someone_said_is_told_by_speech_a_quotation_or_a_finding() -> None:
    assert tells_statement(["Ruiz said the strike would end by Friday."])
    assert tells_statement(["“We will not back down,” the mayor told reporters."])
    assert tells_statement(["The study suggested fares would rise by a tenth."])
    assert not tells_statement(["Ana Ruiz is a proud champion of the harbour ferries."])


def test_what_someone_said_asked_of_a_story_that_reports_none_is_declined() -> None:
    profile = (
        "Harbour mayor profile\n\nAna Ruiz is a proud champion of the harbour ferries. "
        "She grew up on the island and ran the ferry firm for a decade."
    )
    spoke = profile + " Ruiz said on Monday the strike must end before the festival."
    question = read_question("what did ana ruiz say about the ferry strike", ["Gazette"])
    lenient = AnswerParams(min_short_evidence=-10.0, anticipating_penalty=0.0)
    assert not compose_answer(question, [one_passage(profile)], lenient).answered
    answer = compose_answer(question, [one_passage(spoke)], lenient)
    assert answer.answered
    assert any("strike must end" in q.text for q in answer.quotes)
    # Asked of an outlet, the story is what it said.
    outlet = read_question("what did the gazette say about ana ruiz", ["Gazette"])
    assert compose_answer(outlet, [one_passage(profile)], lenient).answered
