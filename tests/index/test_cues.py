"""Question cues: outlets, dates, times, sources and parts read from a question's text."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from index.cues import (
    date_matches,
    named_outlets,
    named_sources,
    outlet_aliases,
    outlet_name,
    outlets_by_name,
    question_parts,
    read_cues,
    time_matches,
)
from index.question import read_question

OUTLETS = [
    "Cnbc | World Business News Leader",
    "Fortune",
    "The Age",
    "The Independent - Life and Style",
    "The Independent - Sports",
    "The Verge",
    "TechCrunch",
    "CBSSports.com",
]


def test_outlet_aliases_drop_subtitles_a_leading_the_and_dot_com() -> None:
    assert outlet_aliases("Cnbc | World Business News Leader") == {
        "Cnbc | World Business News Leader",
        "Cnbc",
    }
    assert "Independent - Sports" in outlet_aliases("The Independent - Sports")
    assert "The Independent" in outlet_aliases("The Independent - Sports")
    assert "CBSSports" in outlet_aliases("CBSSports.com")
    # "Age" alone would match too much; "Verge" is left whole as well.
    assert outlet_aliases("The Age") == {"The Age"}
    assert outlet_aliases("The Verge") == {"The Verge"}


def test_an_outlet_named_in_capitals_is_known_by_that_name_alone() -> None:
    houses = ["BBC News - Technology", "FOX News - Health", "The Verge"]
    assert "BBC" in outlet_aliases("BBC News - Technology")
    bbc = {"BBC News - Technology"}
    assert named_outlets("What did the BBC say the deal cost?", houses) == bbc
    assert named_outlets("how much was the deal according to the bbc", houses) == bbc
    # Typed in lower case, it names the outlet only as a source after a word leading to one.
    assert named_outlets("that pastor on fox said what", houses) == {"FOX News - Health"}
    assert named_outlets("what did michael j fox say", houses) == set()
    assert named_outlets("what did Michael J. Fox say", houses) == set()
    assert named_outlets("bbc ferry strike", houses) == set()
    # Another outlet of the same house is not this one.
    assert named_outlets("What did BBC Sport say about the final?", houses) == set()


def test_an_outlets_sections_are_one_outlet_by_name() -> None:
    sections = {"FOX News - Health", "FOX News - Lifestyle", "TechCrunch", "Fox News"}
    assert outlets_by_name(sections) == {
        "FOX News": frozenset({"FOX News - Health", "FOX News - Lifestyle", "Fox News"}),
        "TechCrunch": frozenset({"TechCrunch"}),
    }
    assert outlet_name("Cnbc | World Business News Leader") == "Cnbc"
    assert outlets_by_name(()) == {}


def test_outlets_are_named_by_alias_and_capitals() -> None:
    assert named_outlets("Did CNBC and The Verge both report it?", OUTLETS) == {
        "Cnbc | World Business News Leader",
        "The Verge",
    }
    assert named_outlets("According to 'Fortune', was it a fortune?", OUTLETS) == {"Fortune"}
    assert named_outlets("He made a fortune in the age of AI.", OUTLETS) == set()
    # The longest name wins: the Life and Style desk, not every Independent desk.
    assert named_outlets("The Independent - Life and Style report", OUTLETS) == {
        "The Independent - Life and Style"
    }
    assert named_outlets("an article in The Independent", OUTLETS) == {
        "The Independent - Life and Style",
        "The Independent - Sports",
    }
    assert named_outlets("anything", []) == set()


def test_dates_and_times_are_read_in_common_spellings() -> None:
    cues = read_cues(
        "Between the report on October 7, 2023, the one of 30 Oct 2023, the 2023-12-01 post "
        "published at 13:41:30 and one from Nov. 2, was anything new?"
    )
    assert set(cues.dates) == {(2023, 10, 7), (2023, 10, 30), (2023, 12, 1), (None, 11, 2)}
    assert cues.times == ((13, 41),)
    assert not cues.recent
    assert read_cues("What is the latest on the strike?").recent


def test_sources_the_question_names_but_the_corpus_lacks() -> None:
    question = (
        "Considering a Bloomberg report and an article from The Verge, and what Reuters "
        "reported, which company led the market?"
    )
    assert named_sources(question, OUTLETS) == ["Bloomberg"]
    assert named_sources("the TechCrunch article on October 7", OUTLETS) == []
    assert named_sources("according to The Wall Street Journal and CNN", OUTLETS) == [
        "The Wall Street Journal",
        "CNN",
    ]


def test_multi_part_questions_are_split_without_cutting_names_or_dates() -> None:
    question = (
        "Who is the individual accused of fraud by prosecutors, who told a trader that "
        "withdrawals were fine, and who was once compared to Warren Buffett by Fortune?"
    )
    parts = question_parts(question, OUTLETS)
    assert len(parts) == 3
    assert parts[1] == "who told a trader that withdrawals were fine"
    assert parts[2].endswith("compared to Warren Buffett by Fortune")

    comparison = (
        "Does the TechCrunch article on October 7, 2023 about layoffs agree with "
        "The Verge article about hiring plans at the same company?"
    )
    parts = question_parts(comparison, OUTLETS)
    assert parts == [
        "Does the TechCrunch article on October 7, 2023 about layoffs agree",
        "with The Verge article about hiring plans at the same company",
    ]
    assert question_parts("Did the Fed raise rates?", OUTLETS) == []


def test_a_named_date_matches_a_day_either_side_and_ignores_impossible_days() -> None:
    published = datetime(2023, 11, 2, 13, 41, tzinfo=UTC)
    assert date_matches(published, [(None, 11, 1)])
    assert date_matches(published, [(2023, 11, 3)])
    assert not date_matches(published, [(2023, 11, 5)])
    assert not date_matches(published, [(2023, 2, 30)])
    assert not date_matches(None, [(2023, 11, 2)])
    assert time_matches(published, [(13, 41)])
    assert not time_matches(published, [(13, 40)])


def test_a_question_without_cues_reads_as_empty() -> None:
    cues = read_cues("what happened with the harbour strike", OUTLETS)
    assert cues.outlets == frozenset()
    assert cues.dates == ()
    assert cues.times == ()
    assert not cues.recent
    assert question_parts("what happened with the harbour strike", OUTLETS) == []


@pytest.mark.parametrize(
    ("question", "parts"),
    [
        # "and", "+", "but" join two things asked at once; a part needs two informative words.
        (
            "ferry strike pay deal and did they accept the offer",
            ["ferry strike pay deal", "ferry did they accept the offer"],
        ),
        ("bridge tolls + library hours", ["bridge tolls", "library hours"]),
        # A topic before a colon or a dash belongs to every part.
        (
            "harbour festival: who headlines and what do tickets cost",
            ["harbour festival who headlines", "harbour festival what do tickets cost"],
        ),
        # Two names before it each get the rest.
        (
            "ruiz vs okafor - what did each promise",
            ["ruiz what did each promise", "okafor what did each promise"],
        ),
        # Two sides before a result asked are one match.
        ("rovers vs united - who won n how", []),
        ("rovers vs united: result?", []),
        # A closing "what happened with both" asks for the parts; it is not one.
        (
            "ferry strike and the bridge vote, what happened w both",
            ["ferry strike", "the bridge vote"],
        ),
        # A question asked of each of two names before it: one part for each, a noun after
        # the names shared by both.
        (
            "ruiz and okafor pay plans, did either back down",
            ["ruiz pay plans did either back down", "okafor pay plans did either back down"],
        ),
        (
            "ruiz and okafor, did either back down",
            ["ruiz did either back down", "okafor did either back down"],
        ),
        # A question joined on needs one word of its own ("whos" typed without its apostrophe).
        (
            "who did the harbour board hire and whos in the final",
            ["who did the harbour board hire", "whos in the final"],
        ),
        # A second and last question joined with "and" needs only one: its asking words say
        # it is a question; in the middle such a piece still joins its neighbour.
        (
            "why did the ferry board sack ruiz and where was she headed after",
            ["why did the ferry board sack ruiz", "ferry where was she headed after"],
        ),
        (
            "harbour ferry strike started when and why no deal",
            ["harbour ferry strike started when", "why no deal"],
        ),
        ("did the ferry union strike and why", []),
        # "know each other" asks about two people, not about each part.
        (
            "who won the regatta, and how do ruiz and okafor know each other",
            ["who won the regatta", "how do ruiz okafor know each other"],
        ),
        # Two long things set against each other are two stories; two teams are one match.
        (
            "harbour ferry strike pay offer vs city bridge toll rise, numbers?",
            ["harbour ferry strike pay offer", "city bridge toll rise, numbers?"],
        ),
        # Two things weighed against each other are two stories, each with what is weighed.
        (
            "which ferry fare is cheaper, the harbour line or the river bus",
            [
                "which ferry fare is cheaper the harbour line",
                "which ferry fare is cheaper the river bus",
            ],
        ),
        (
            "compare the harbour toll rise with what the bridge charges now",
            ["the harbour toll rise", "what the bridge charges now"],
        ),
        # Years before a shared noun each get the noun; two bare names are one comparison.
        (
            "compare the 2019 and 2023 harbour festival crowds",
            ["2019 harbour festival crowds", "2023 harbour festival crowds"],
        ),
        ("compare rovers and united", []),
        ("whats the verdict, guilty or not", []),
        # A chat "n" joins two questions as "and" does; "rock n roll" is one thing.
        (
            "who scored the late pen vs rovers n how much did united win by",
            ["who scored the late pen vs rovers", "how much did united win by"],
        ),
        ("rock n roll hall of fame inductees", []),
        # ... and between two phrases long enough to be questions of their own.
        (
            "harbour ferry strike vote n city bridge toll rise",
            ["harbour ferry strike vote", "city bridge toll rise"],
        ),
        ("rovers n united highlights", []),
        ("salt n pepa reunion tour dates", []),
        ("rovers vs united score", []),
        ("grimsby town vs port vale cup tie result", []),
        # A later part naming only the other side plays the first part's subject.
        (
            "rovers result at united in may and vs city in june",
            ["rovers result at united in may", "rovers vs city in june"],
        ),
        (
            "how did rovers do vs united on friday and then against city on monday",
            ["how did rovers do vs united on friday", "rovers against city on monday"],
        ),
        # Who said it is no part of its own.
        ("how much did the ferry cost, according to the gazette", []),
        # One match, one pair of names, one outlet pair: one part.
        ("who scored for rovers vs united on saturday", []),
        ("ruiz and okafor debate", []),
        ("did CNN and the Verge cover the ferry strike", []),
        # Names joined as one subject after the asking words are one question; an "and" before
        # asking words still starts a second.
        ("how long have ana ruiz and lena okafor been married", []),
        ("did mayor ruiz and okafor get engaged", []),
        (
            "did the ferry union strike and how long did it last",
            ["did the ferry union strike", "ferry how long did it last"],
        ),
        # A colon between two capitalised words is a title's ("Harbour: The Musical"); a
        # topic's colon is followed by its question.
        ("When does season 2 of Harbour: Nocturne come out?", []),
        ("How much did Harbour: A Film by Ana Ruiz make in its second weekend?", []),
        (
            "Harbour: The Musical: who plays the lead and when does it open",
            [
                "Harbour: The Musical who plays the lead",
                "Harbour: The Musical when does it open",
            ],
        ),
    ],
)
def test_short_casual_questions_are_cut_where_people_join_two_questions(
    question: str, parts: list[str]
) -> None:
    assert question_parts(question, OUTLETS, casual=True) == parts


@pytest.mark.parametrize(
    ("question", "topic_first"),
    [
        ("harbour ferry strike, how many crossings were cancelled", True),
        ("island bridge vote - how many councillors backed it?", True),
        ("ferry app: how many users", True),
        ("ferry strike — did the union win", True),
        ("ferry strike, and how many crossings were cancelled", False),
        ("ferry strike tally + who won the bridge vote", False),
        ("how many crossings were cancelled, who called the strike", False),
        ("ferries raised how much, and who founded the app", False),
        ("who won the regatta, rovers or united", False),
        ("how many crossings were cancelled", False),
    ],
)
def test_a_topic_then_its_question_is_one_question(question: str, topic_first: bool) -> None:
    read = read_question(question)
    assert read.topic_first is topic_first
    if topic_first:
        assert len(read.parts) == 2
