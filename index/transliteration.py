"""Names compared across scripts: a Russian or Ukrainian word and an English name match when
their consonants, transliterated, agree ("Альтманом" and "Altman", "Блекберна" and
"Blackburn").

A question in Cyrillic shares no words with English articles, but it shares names. Each word
becomes a key: the Cyrillic word loses a case ending ("альтманом" → "альтман"), is spelt in
Latin letters ("altman") and keeps only its consonants, with the letters that spell one sound
several ways merged ("c", "k", "q" → k; "w", "v" → v; "x" → ks; "z", "s" → s: "Israel" is
"Израиль"), doubled letters once and
"h" dropped, so "Chelsea" and "челсі" both give "kls". Keys shorter than three letters are
left out: two consonants match too much. English text gives keys for its capitalised words
only (names), so a Russian word that happens to share an English common word's consonants
does not count.
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["english_name_keys", "name_keys"]

_LATIN_OF = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
    "є": "ye", "і": "i", "ї": "yi", "ґ": "g",
}  # fmt: skip
# Case and number endings of Russian and Ukrainian nouns and adjectives (Ukrainian "Японією",
# "Маскові", "інвесторів"), longest first; one
# is taken off a word that keeps at least three letters.
_ENDINGS = sorted(
    (
        "ами ями ого его ому ему ыми ими ой ей ом ем ым им ах ях ов ев ам ям ую юю ая яя ое ее "
        "ые ие ою ею ові еві ів їв а я о е у ю ы и і ї ь й"
    ).split(),
    key=len,
    reverse=True,
)
_MIN_STEM = 3
_MIN_KEY = 3
# One sound, several spellings: merged before the vowels go.
_SAME_SOUND = (
    ("shch", "sh"), ("dzh", "j"), ("zh", "j"), ("ph", "f"), ("ck", "k"), ("kh", "h"),
    ("ts", "s"), ("tz", "s"), ("x", "ks"), ("w", "v"), ("c", "k"), ("q", "k"), ("z", "s"),
)  # fmt: skip
_NOT_CONSONANT = re.compile(r"[aeiouyh]|[^a-z]")
_DOUBLED = re.compile(r"(.)\1+")
_WORD = re.compile(r"[а-яёєіїґ]+|[a-z]+", re.IGNORECASE)
_CAPITALISED = re.compile(r"\b[A-Z][A-Za-z]+")


def _without_ending(word: str) -> str:
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= _MIN_STEM:
            return word[: -len(ending)]
    return word


@lru_cache(maxsize=65_536)  # names recur across articles and questions
def _key(latin: str) -> str:
    key = latin.lower()
    for spelling, sound in _SAME_SOUND:
        key = key.replace(spelling, sound)
    return _DOUBLED.sub(r"\1", _NOT_CONSONANT.sub("", key))


def name_keys(text: str) -> frozenset[str]:
    """The keys of a question's words: Cyrillic words without their ending, transliterated;
    Latin words (a typed "sbf", "chatgpt") as they are. A Cyrillic "г" spells an English "g"
    ("Гугл") or "h" ("Гарбо" for Harbaugh, "Гамільтон"): such a word has a key for each."""
    keys: set[str] = set()
    for word in _WORD.findall(text.lower()):
        spellings = [word]
        if not word.isascii():
            stem = _without_ending(word)
            spellings = ["".join(_LATIN_OF.get(ch, ch) for ch in stem)]
            if "г" in stem:
                spellings.append("".join(_LATIN_OF.get(ch, ch) for ch in stem.replace("г", "х")))
        for spelling in spellings:
            key = _key(spelling)
            if len(key) >= _MIN_KEY:
                keys.add(key)
    return frozenset(keys)


def english_name_keys(text: str) -> frozenset[str]:
    """The keys of the capitalised words of English `text`. A name with a "w" has two: Russian
    writes it as a consonant in some names ("Swift", "Свифт") and as a vowel in others
    ("Wilson", "Уилсон"; "Newcastle", "Ньюкасл")."""
    keys: set[str] = set()
    for word in _CAPITALISED.findall(text):
        keys.add(_key(word))
        if "w" in word.lower():
            keys.add(_key(re.sub("w", "", word, flags=re.IGNORECASE)))
    return frozenset(key for key in keys if len(key) >= _MIN_KEY)
