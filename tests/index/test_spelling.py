"""Typing slips in a question mended from the corpus's words, and only those."""

from __future__ import annotations

from collections.abc import Iterable

from index import Engine
from index.spelling import MIN_PASSAGES, mend_typos, one_slip_away
from tests.support.stories import numbered_drafts

# The engine test runs on the embedded store and on the shared PostgreSQL one (whose document
# frequencies of a slip's neighbours are counted in one query).
BOTH_BACKENDS = True

CORPUS_WORDS = {"world": 40, "chatgpt": 12, "mortgage": 9, "haaland": 5, "rates": 30, "cobalt": 1}


def _frequencies(words: Iterable[str]) -> dict[str, int]:
    return {word: CORPUS_WORDS.get(word, 0) for word in words}


def test_one_slip_is_a_letter_left_out_or_two_swapped_never_the_first_letter() -> None:
    assert {"world", "wrolds"} <= one_slip_away("wrold")
    assert "mortgage" in one_slip_away("mortage")
    assert "chatgpt" in one_slip_away("chatgtp")
    assert "wrold" not in one_slip_away("wrold")
    # Not a letter typed for another, one too many, or a changed first letter.
    assert not {"ticket", "icker", "sticker"} & one_slip_away("ticker")


def test_a_word_no_passage_uses_is_mended_to_its_common_neighbour() -> None:
    assert mend_typos("who won the rugby wrold cup?", _frequencies) == (
        "who won the rugby world cup?"
    )
    assert mend_typos("chatgtp was built on which model", _frequencies) == (
        "chatgpt was built on which model"
    )
    assert mend_typos("mortage rates now", _frequencies) == "mortgage rates now"
    assert mend_typos("is haland fit?", _frequencies) == "is haaland fit?"
    # A name typed with its possessive is mended, the possessive kept as typed.
    assert mend_typos("was haland's goal offside", _frequencies) == "was haaland's goal offside"
    assert mend_typos("haland’s contract", _frequencies) == "haaland’s contract"


def test_words_without_a_clear_neighbour_stay_as_typed() -> None:
    # A name the sources never mention, a capitalised word (a name someone took care to write),
    # a word whose neighbour is rare in the corpus, a short word, a number, parts of addresses
    # and handles, and an outlet's name are left alone.
    assert CORPUS_WORDS["cobalt"] < MIN_PASSAGES
    for text in [
        "what did zelensky say",
        "is Haland fit? WROLD cup",
        "coblat mines",
        "wrld cup",
        "iphone 16 price",
        "see https://wrold.example/wrold and @wrold",
        "the wrold-cup",
        "wrold't",
        "wrold'sy",
    ]:
        assert mend_typos(text, _frequencies) == text
    assert mend_typos("what did wrold say", _frequencies, keep=["Wrold Daily"]) == (
        "what did wrold say"
    )


MORTGAGE_STORIES = [
    "Mortgage rates rose for the sixth week in a row. The average 30-year mortgage rate "
    "reached 7.8 percent, the highest level since 2000, lenders said on Thursday.",
    "Buyers who need a mortgage now face monthly payments far above last year's, and many "
    "first-time buyers have left the market until borrowing costs come down.",
    "Banks tightened their lending rules again. A mortgage for a flat in the capital now needs "
    "a deposit of a fifth of the price, the central bank's survey found.",
]


def test_the_engine_mends_a_news_question_but_not_small_talk_or_other_languages(
    engine: Engine,
) -> None:
    assert len(MORTGAGE_STORIES) >= MIN_PASSAGES  # enough passages use "mortgage"
    engine.add_drafts(numbered_drafts(MORTGAGE_STORIES, "Housing report", "mortgage"))
    assert engine.read("mortage rates highest in how long").text == (
        "mortgage rates highest in how long"
    )
    answer = engine.ask("mortage rates highest in how long")
    assert answer.answered and "mortgage" in answer.quotes[0].text.lower()
    assert engine.read("what did zelensky say about mortgages").text == (
        "what did zelensky say about mortgages"
    )
    for text in ["hello there, thanks", "Что с ипотекой?"]:
        assert engine.read(text).text == text
