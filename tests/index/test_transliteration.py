"""Names matched across scripts: Russian and Ukrainian words against English capitalised names."""

from __future__ import annotations

import pytest

from index.transliteration import english_name_keys, name_keys


@pytest.mark.parametrize(
    ("question", "english"),
    [
        ("что там с сэмом альтманом", "Sam Altman"),  # instrumental case
        ("хто забив за челсі проти блекберна", "Chelsea beat Blackburn"),
        ("чому єгипет закрив кордон", "Egypt"),
        ("какую долю покупает ратклифф", "Sir Jim Ratcliffe"),
        ("сколько беккер сидел в тюрьме", "Boris Becker"),
        ("хто батько мікаели шиффрін", "Mikaela Shiffrin"),
        ("когда приговор sbf", "SBF"),  # a Latin word typed in the question
        ("что с уилсоном", "Russell Wilson"),  # "w" written as a vowel
        ("уайлдер проиграл", "Deontay Wilder"),
        ("що написав свіфт", "Taylor Swift"),  # and as a consonant
        ("що сказав гамільтон", "Lewis Hamilton"),  # "г" for an English "h"
        ("новости про гугл и нвидиа", "Nvidia"),
        ("когда израиль закрыл границу", "Israel"),  # an English "s" said as "z"
        ("що єс закидає маскові", "Elon Musk"),  # a Ukrainian dative
    ],
)
def test_a_name_written_in_cyrillic_matches_the_english_name(question: str, english: str) -> None:
    assert name_keys(question) & english_name_keys(english)


def test_english_common_words_and_short_names_give_no_keys() -> None:
    # Lower-case words are not names; "Xi" and "Li" are too short to match safely.
    assert english_name_keys("the court said it would rule soon") == frozenset()
    assert english_name_keys("Xi met Li") == frozenset()
    assert not name_keys("что сказал си") & english_name_keys("Xi Jinping said")


def test_different_names_do_not_match() -> None:
    assert not name_keys("что сказал байден") & english_name_keys("Donald Trump said")
    assert not name_keys("новости про маска") & english_name_keys("Mark Zuckerberg")
