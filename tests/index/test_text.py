"""Word handling shared by search, questions and answers: accents and light stemming."""

from __future__ import annotations

import pytest

from index.text import fold, stem, terms


@pytest.mark.parametrize(
    "forms",
    [
        "price prices priced pricing",
        "release releases released releasing",
        "company companies",
        "story stories",
        "movie movies",
        "agree agreed",
        "ban banned",
        "play plays played",
        "match matches",
    ],
)
def test_a_words_forms_stem_alike(forms: str) -> None:
    assert len({stem(word) for word in forms.split()}) == 1, forms


def test_short_words_keep_their_ending() -> None:
    assert stem("game") == stem("games") == "game"
    assert stem("rate") == "rate" and stem("play") == "play"


def test_latin_accents_are_left_out_and_other_scripts_kept() -> None:
    assert fold("Beyoncé, Pokémon, Straße, Łódź") == "Beyonce, Pokemon, Strasse, Lodz"
    assert fold("Что случилось с Сэмом? Й") == "Что случилось с Сэмом? Й"
    assert terms("Beyoncé’s new film") == terms("beyonces new film")
    assert terms("how did beyonces movie open") >= {stem("beyonce"), "movi"}
