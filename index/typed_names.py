"""Names a question asks about: the words of a chat question that the passages found for it
write as a name, which the story quoted for it must have.

A question typed in a chat has no capitals to tell its names by ("where did ryan blaney clinch
his first cup title"), so an answer may quote a story that matches its other words ("… India's
first taste of glory came when they clinched the trophy in 1983") and never mentions the person
asked about. The passages search found tell which words are names: a word they write with a
capital wherever it is not a sentence's first, at least `MIN_NAMED` times and never in lower
case, is a name ("Blaney", "Bayern", "Villa"). Words three letters long or shorter are left
out (initials and shorthand such as "snf" or "eps" are matched elsewhere), as are months and
days, which are capitalised without being what a question is about.

A question written with capitals is held to the same: its capitalised words that the passages
write as names ("Where did Ryan Blaney clinch his first Cup title?" had quoted the cricket story
too).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from index.models import Article, Passage
from index.question import CALENDAR, Question
from index.text import STOPWORDS, stem, terms, without_possessive

__all__ = ["MIN_NAMED", "Capitals", "names_typed", "naming", "written_capitals"]

# A name is written so at least this many times in the passages found, and never in lower case.
MIN_NAMED = 3
_MIN_LETTERS = 4
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_SENTENCE_START = re.compile(r"(?:^|[.!?\"“”:\n]\s*)$")


def names_typed(question: Question, passages: Sequence[Passage]) -> tuple[str, ...]:
    """The words of `question` that `passages` write as names, in the question's order: any
    word of a question typed in a chat, where it has no capitals to tell its names by; the
    words written with a capital (not the first) of another question."""
    texts = [p.chunk.text for p in passages]
    found: list[str] = []
    for match in _WORD.finditer(question.text):
        typed = match.group()
        if not question.typed_in_chat and (match.start() == 0 or not typed[0].isupper()):
            continue
        word = without_possessive(typed.lower())
        if (
            len(word) < _MIN_LETTERS
            or word in STOPWORDS
            or word in CALENDAR
            or stem(word) not in question.wanted
            or word in found
        ):
            continue
        if _written_as_name(word, texts):
            found.append(word)
    return tuple(found)


def naming(article: Article, names: Iterable[str]) -> bool:
    """Whether `article` has every one of `names` (as the same word or one of its forms)."""
    words = terms(f"{article.title}\n{article.text}")
    return all(stem(name) in words for name in names)


@dataclass(frozen=True)
class Capitals:
    """How `texts` write a word: with a capital, in lower case (both counted where it is not a
    sentence's first word, which has a capital whatever it is), and opening a sentence."""

    named: int
    plain: int
    opening: int


def written_capitals(word: str, texts: Iterable[str]) -> Capitals:
    """How often `texts` write `word` with a capital, in lower case, and opening a sentence."""
    named = plain = opening = 0
    pattern = re.compile(rf"(?<![\w'’-]){re.escape(word)}(?![\w-])", re.I)
    for text in texts:
        for found in pattern.finditer(text):
            if _SENTENCE_START.search(text[max(0, found.start() - 3) : found.start()]):
                opening += 1
            elif any(c.isupper() for c in found.group()):
                named += 1
            else:
                plain += 1
    return Capitals(named, plain, opening)


def _written_as_name(word: str, texts: Sequence[str]) -> bool:
    capitals = written_capitals(word, texts)
    return capitals.plain == 0 and capitals.named >= MIN_NAMED
