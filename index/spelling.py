"""Typing slips in a question, mended from the corpus's own words: a word no stored passage
uses that is one slip away from a word many do ("wrold" -> "world", "chatgtp" -> "chatgpt").

People type questions quickly on a phone. A misspelt word finds nothing in the lexical index,
and the model reads it as an unknown word, so the question misses the story it asks about or is
declined for a word its sources "never mention". Only a word typed in lower case, at least
`MIN_LENGTH` letters long, that no passage uses is looked at (a short word has too many
neighbours to guess from), and it is replaced only by a word that at least `MIN_PASSAGES`
passages use, one slip away: a letter left out or two letters swapped. A name the sources never
mention seldom has such a neighbour and stays as typed, so a question about it is still
declined.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from string import ascii_lowercase

from index.analyzer import word_terms
from index.text import STOPWORDS

__all__ = ["MIN_LENGTH", "MIN_PASSAGES", "mend_typos", "one_slip_away"]

MIN_LENGTH = 5
MIN_PASSAGES = 3
# A word of letters only: not part of a number, a hyphenated or contracted word, a web address
# or a handle; a name's possessive ("haland's") leaves the name to be mended.
_LETTERS_ONLY = re.compile(r"(?<![\w'’./@#-])[A-Za-z]+(?![\w/@-]|['’](?!s\b)|\.\w)")

# How many passages use each word (as the lexical index counts them).
Frequencies = Callable[[Iterable[str]], dict[str, int]]


def one_slip_away(word: str) -> set[str]:
    """Every word `word` could be with one slip of the kinds people make typing fast: a letter
    left out ("mortage") or two neighbouring letters swapped ("wrold"), the first letter as
    typed. A letter typed for another or one too many are not guessed at: between real words
    ("ticker" and "ticket", "readership" and "leadership", "Osman" and "Oman") they would mend
    what was meant, as a changed first letter would ("aution": "caution" or "auction")."""
    first, rest = word[:1], word[1:]
    splits = [(rest[:i], rest[i:]) for i in range(len(rest) + 1)]
    swapped = {first + a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    left_out = {first + a + c + b for a, b in splits for c in ascii_lowercase}
    return (swapped | left_out) - {word}


def mend_typos(text: str, frequencies: Frequencies, keep: Iterable[str] = ()) -> str:
    """`text` with each slip replaced by the corpus word it most likely meant; the rest of the
    text, the words of `keep` (the stored outlets' names), and every word the corpus uses or
    that has no clear neighbour, as typed."""
    kept = {word.lower() for name in keep for word in re.findall(r"\w+", name)}
    found = [
        m
        for m in _LETTERS_ONLY.finditer(text)
        if _worth_checking(m.group()) and m.group().lower() not in kept
    ]
    if not found:
        return text
    words = {m.group().lower() for m in found}
    unknown = {word for word, count in frequencies(words).items() if count == 0}
    if not unknown:
        return text
    mended: dict[str, str] = {}
    for word in unknown:
        # A neighbour the index's stemmer cuts shorter than the typed word is matched by its
        # stem alone ("fisherlies" is counted as "fisher"): not a word anyone wrote.
        length = _stemmed_length(word)
        neighbours = [w for w in sorted(one_slip_away(word)) if _stemmed_length(w) >= length]
        counts = frequencies(neighbours)
        best = max(counts.items(), key=lambda pair: (pair[1], pair[0]), default=("", 0))
        if best[1] >= MIN_PASSAGES:
            mended[word] = best[0]
    if not mended:
        return text
    pieces: list[str] = []
    end = 0
    for match in found:
        replacement = mended.get(match.group().lower())
        if replacement is not None:
            pieces += [text[end : match.start()], replacement]
            end = match.end()
    return "".join(pieces) + text[end:]


def _stemmed_length(word: str) -> int:
    return sum(len(term) for term in word_terms(word))


def _worth_checking(word: str) -> bool:
    """Long enough to guess from, not a stop word, and typed in lower case: a capitalised word
    is a name someone took care to write, often one the sources never mention."""
    return len(word) >= MIN_LENGTH and word.islower() and word not in STOPWORDS
