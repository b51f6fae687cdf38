"""Chat shorthand in a question spelt out when the corpus writes the words in full."""

from __future__ import annotations

from collections.abc import Iterable

from index import Engine
from index.question import read_question
from index.shorthand import MIN_PASSAGES, SHORTHAND, spell_out_shorthand
from tests.support.stories import numbered_drafts

# The engine test runs on the embedded store and on the shared PostgreSQL one.
BOTH_BACKENDS = True

CORPUS_WORDS = {
    "united": 100,
    "penalty": 50,
    "pen": 2,
    "world": 40,
    "cup": 30,
    "microsoft": 60,
    "president": 80,
    "wc": 1,
    "points": 90,
    "season": 70,
    "account": 40,
    "market": 120,
    "chemistry": 5,
    "disinformation": 8,
    "quarterback": 30,
    "qb": 45,
    "49ers": 98,
    "niners": 17,
    "what": 900,
    "about": 700,
    "where": 300,
    "through": 200,
    "going": 250,
    "to": 990,
}


def _frequencies(words: Iterable[str]) -> dict[str, int]:
    return {word: CORPUS_WORDS.get(word, 0) for word in words}


def test_shorthand_is_spelt_out_when_the_sources_write_it_in_full() -> None:
    assert spell_out_shorthand("man utd out of europe?", _frequencies) == (
        "man united out of europe?"
    )
    assert spell_out_shorthand("who scored the late pen", _frequencies) == (
        "who scored the late penalty"
    )
    assert spell_out_shorthand("cricket wc final", _frequencies) == "cricket world cup final"
    assert spell_out_shorthand("how much did msft pay", _frequencies) == (
        "how much did microsoft pay"
    )
    assert spell_out_shorthand("how many pts did they get docked this szn", _frequencies) == (
        "how many points did they get docked this season"
    )
    assert spell_out_shorthand("do u need an acct for the mkt data", _frequencies) == (
        "do u need an account for the market data"
    )
    assert spell_out_shorthand("chem nobel winners + eu disinfo report", _frequencies) == (
        "chemistry nobel winners + eu disinformation report"
    )
    # A team by its nickname, where the sources write its name.
    assert spell_out_shorthand("how long was the niners win streak", _frequencies) == (
        "how long was the 49ers win streak"
    )


def test_little_words_typed_short_are_spelt_out_and_no_longer_asked_for() -> None:
    # "wat", "abt", "thru" and "gonna" are no words of a story: kept, they were words an
    # answer had to cover ("bg3 wher do i find art cullagh" fell short of the bar for "wher").
    typed = "wat did cole palmer say abt moving south, wher is he gonna live thru the winter"
    spelt = spell_out_shorthand(typed, _frequencies)
    assert spelt == (
        "what did cole palmer say about moving south, where is he going to live through the winter"
    )
    assert read_question(spelt).wanted == {
        "cole",
        "palmer",
        "say",
        "moving",
        "south",
        "live",
        "winter",
    }
    assert {"wat", "abt", "thru", "gonna"} <= read_question(typed).wanted


def test_typed_in_capitals_or_as_part_of_a_word_it_stays() -> None:
    # Capitals are a name someone took care to write; inside a word or a handle it is no word.
    assert spell_out_shorthand("UTD board meets", _frequencies) == "UTD board meets"
    assert spell_out_shorthand("the utd-led bid", _frequencies) == "the utd-led bid"
    assert spell_out_shorthand("@utd fans", _frequencies) == "@utd fans"
    assert spell_out_shorthand("penalty shootout", _frequencies) == "penalty shootout"


def test_shorthand_the_sources_use_as_much_as_the_full_words_stays() -> None:
    # The sources write "pen" more often than "penalty": here it is their word.
    def pens_common(words: Iterable[str]) -> dict[str, int]:
        return {word: {"pen": 90, "penalty": 5}.get(word, 0) for word in words}

    assert spell_out_shorthand("who scored the late pen", pens_common) == (
        "who scored the late pen"
    )
    # Words the sources never use are not guessed at.
    assert spell_out_shorthand("bday plans", _frequencies) == "bday plans"
    # Sports pages write "QB" more than "quarterback": lower-cased, it is their word.
    assert spell_out_shorthand("browns starting qb", _frequencies) == "browns starting qb"


def test_every_shorthand_is_lower_case_and_spelt_out_in_words() -> None:
    for short, full in SHORTHAND.items():
        assert short.islower() and short.isalnum()
        assert full and all(word.isalnum() for word in full.split())  # "49ers"


CLUB_STORIES = [
    "Manchester United beat Chelsea 2-1 at Old Trafford on Wednesday night. Scott McTominay "
    "scored both goals for United in the first half.",
    "United were knocked out of the Champions League after a 1-0 defeat to Bayern Munich, "
    "finishing bottom of their group.",
    "Erik ten Hag said United must recover quickly after the European exit, with Liverpool "
    "next up in the Premier League on Sunday.",
]


def test_the_engine_spells_out_shorthand_in_a_news_question(engine: Engine) -> None:
    assert len(CLUB_STORIES) >= MIN_PASSAGES  # enough passages use "united"
    engine.add_drafts(numbered_drafts(CLUB_STORIES, "Football report", "united"))
    assert engine.read("man utd out of the champions league?").text == (
        "man united out of the champions league?"
    )
    answer = engine.ask("man utd out of the champions league?")
    assert answer.answered and "knocked out" in answer.quotes[0].text
    # In capitals it is a name the sources might use as written.
    assert engine.read("UTD results").text == "UTD results"
