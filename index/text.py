"""Shared word handling: the stop words, word tokens and light stemming every module agrees on.

Search (lexical queries), question cues and answer selection all ask "which words of this text
carry meaning?"; they import the answer from here rather than from each other or the store.
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["STOPWORDS", "WORD", "informative_words", "stem", "terms"]

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
_SUFFIXES = ("ingly", "ings", "ing", "edly", "ed", "es", "s", "ly")


def informative_words(text: str) -> list[str]:
    """Lower-cased words of `text` that are not stop words and longer than one character."""
    return [w for w in WORD.findall(text.lower()) if w not in STOPWORDS and len(w) > 1]


@lru_cache(maxsize=65_536)  # a question's answer stems thousands of words, mostly the same ones
def stem(word: str) -> str:
    """`word` without a common English suffix, when enough of it is left to stay distinctive."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            root = word[: -len(suffix)]
            # "banned" and "ban", "stopped" and "stop": an -ed or -ing doubles the consonant.
            if suffix[0] in "ei" and root[-1] == root[-2] and root[-1] not in "aeiouylsz":
                root = root[:-1]
            return root
    return word


def terms(text: str) -> set[str]:
    """Informative, lightly stemmed words of a text."""
    return {stem(w) for w in informative_words(text)}
