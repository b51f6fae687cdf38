"""Shared word handling: the stop words, word tokens and light stemming every module agrees on.

Search (lexical queries), question cues and answer selection all ask "which words of this text
carry meaning?"; they import the answer from here rather than from each other or the store.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

__all__ = ["STOPWORDS", "WORD", "fold", "informative_words", "stem", "terms"]

WORD = re.compile(r"\w+")
# Words too common in questions to help ranking or to count as evidence.
STOPWORDS = frozenset(
    """a an and are as at be been being but by can could did do does doing for from had has have
    having how i if in into is it its of on or over so such than that the their them then
    there these they this those to under up was were what when where which while who whom
    whose why will with would about after before between both during each few more most other
    our out own same should some very you your he she his her we us me my not no nor only too
    just also any all again against because below down further once here off until above
    through yes""".split()
)
# Question words and negations typed in a chat without their apostrophe ("whats", "didnt"):
# stop words there, as they are with it.
UNAPOSTROPHED = frozenset(
    """whats hows whos wheres whens whys thats theres dont didnt doesnt isnt wasnt werent arent
    cant couldnt wont wouldnt shouldnt havent hasnt im ive youre""".split()
)
# Verbs that carry little of what a chat question asks ("go up", "got docked", "whats going
# on"): the words around them say it.
LIGHT_VERBS = frozenset("go goes went gone going get gets got gotten getting".split())
_SUFFIXES = ("ingly", "ings", "ing", "edly", "ed", "es", "s", "ly")


# Latin letters that are not a base letter with marks, spelt as people type them without.
_LIGATURES = {
    "ß": "ss",
    "æ": "ae",
    "Æ": "AE",
    "œ": "oe",
    "Œ": "OE",
    "ø": "o",
    "Ø": "O",
    "ł": "l",
    "Ł": "L",
    "đ": "d",
    "Đ": "D",
    "þ": "th",
    "Þ": "TH",
    "ð": "d",
    "Ð": "D",
}
_LATIN = (range(0xC0, 0x250), range(0x1E00, 0x1F00))


@cache
def _folding() -> dict[int, str]:
    table = {ord(letter): plain for letter, plain in _LIGATURES.items()}
    for block in _LATIN:
        for code in block:
            spelt = unicodedata.normalize("NFKD", chr(code))
            plain = "".join(c for c in spelt if not unicodedata.combining(c))
            if plain != chr(code) and plain.isascii() and plain.isalpha():
                table.setdefault(code, plain)
    return table


def fold(text: str) -> str:
    """`text` with Latin letters' accents left out ("Beyoncé" -> "Beyonce"), as people type
    them in a chat and as the lexical index folds them; other scripts are kept as they are."""
    return text if text.isascii() else text.translate(_folding())


def informative_words(text: str) -> list[str]:
    """Lower-cased words of `text` without Latin accents that are not stop words and longer
    than one character."""
    return [w for w in WORD.findall(fold(text.lower())) if w not in STOPWORDS and len(w) > 1]


_POSSESSIVE = re.compile(r"['’]s?$")


def without_possessive(word: str) -> str:
    """`word` without a final possessive: "everton's" and "rovers'" read "everton", "rovers"."""
    return _POSSESSIVE.sub("", word)


@lru_cache(maxsize=65_536)  # a question's answer stems thousands of words, mostly the same ones
def stem(word: str) -> str:
    """`word` without a common English suffix, when enough of it is left to stay distinctive.

    A final "e" goes and a final "y" after a consonant reads "i", so that "price", "prices"
    and "priced", or "company" and "companies", end alike."""
    root = word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            root = word[: -len(suffix)]
            # "banned" and "ban", "stopped" and "stop": an -ed or -ing doubles the consonant.
            if suffix[0] in "ei" and root[-1] == root[-2] and root[-1] not in "aeiouylsz":
                root = root[:-1]
            break
    if len(root) >= 5 and root.endswith("e"):
        return root[:-1]
    if len(root) >= 4 and root.endswith("y") and root[-2] not in "aeiouy":
        return root[:-1] + "i"
    return root


def terms(text: str) -> set[str]:
    """Informative, lightly stemmed words of a text."""
    return {stem(w) for w in informative_words(text)}
