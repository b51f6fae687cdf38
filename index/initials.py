"""Initials typed for a name ("sbf" for Sam Bankman-Fried), spelt out from the passages that
use them.

People type the initials the news uses for a person, a body or a team, in lower case; an
article that spells the name out ("Bankman-Fried was found guilty") does not have them, so
search misses it and the answer's words do not cover it. A short word of the question that the
passages using it write in capitals ("SBF", "DSA", "USMNT") is looked up in their articles: the
name whose words start with its letters ("Sam Bankman-Fried", "Digital Services Act"), the most
frequent there and found at least `MIN_NAMES` times, is added after it in the question, and
search and the answer look for both. A word the passages write in lower case ("won", "vs") is a
word, not initials, and is left alone.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, MutableMapping, Sequence
from typing import TYPE_CHECKING, Protocol

from index.text import STOPWORDS

if TYPE_CHECKING:
    from index.library import Library

__all__ = [
    "MAX_LOOKUPS",
    "MIN_NAMES",
    "Corpus",
    "LibraryCorpus",
    "find_initials",
    "initials_of",
    "names_for",
    "spell_out",
]

# Two letters stand for too many names ("AG": an attorney general, or a critic's byline).
MIN_LETTERS = 3
MAX_LETTERS = 5
# At most this many words of one question are looked up (each is one lexical search).
MAX_LOOKUPS = 2
# A name must be found this many times in the articles that write the initials in capitals.
MIN_NAMES = 2
# Initials are written in capitals at least this share of the times the passages use them.
CAPITALS_SHARE = 0.8
# A word more than this share of passages use (and more than `MAX_COMMON` of them) is a
# common word, not initials: it is not looked up.
MAX_SHARE = 0.01
MAX_COMMON = 50
# How many looked-up words a library remembers.
_REMEMBERED = 4096

_TYPED = re.compile(r"(?<![\w'’./@#$-])[A-Za-z]+(?![\w'’/@-])")
# A run of capitalised words, with the small words names have inside ("Department of Justice").
_NAME_RUN = re.compile(r"[A-Z][\w'’.]*(?:(?:\s+|-)(?:(?:of|the|and|for|on|de)\s+)?[A-Z][\w'’.]*)*")
_NAME_WORD = re.compile(r"[A-Za-z]+(?:['’][a-z]+)?")
_POSSESSIVE = re.compile(r"['’]s$")
_VOWELS = frozenset("aeiou")


class Corpus(Protocol):
    """What spelling out initials reads from the stored articles."""

    def frequencies(self, words: Iterable[str]) -> dict[str, int]:
        """How many passages use each word."""
        ...

    def passages(self) -> int:
        """How many passages there are."""
        ...

    def passages_using(self, word: str) -> list[tuple[int, str]]:
        """(article id, text) of the passages that best match `word`, best first."""
        ...

    def article_texts(self, ids: Sequence[int]) -> list[str]:
        """The texts of these articles."""
        ...

    def remembered(self) -> MutableMapping[str, str | None]:
        """Words already looked up, with the name found (None for none), while still valid."""
        ...


class LibraryCorpus:
    """The `Corpus` of a library: its lexical index and store; the names found are remembered
    until the store changes."""

    def __init__(self, library: Library, passages_read: int = 20, articles_read: int = 6):
        self.library = library
        self.passages_read = passages_read
        self.articles_read = articles_read
        self._found: dict[str, str | None] = {}
        self._generation: int | None = None

    def frequencies(self, words: Iterable[str]) -> dict[str, int]:
        return self.library.lexical.document_frequency(words)

    def passages(self) -> int:
        return len(self.library.lexical)

    def passages_using(self, word: str) -> list[tuple[int, str]]:
        hits = self.library.lexical.search(word, self.passages_read)
        chunks = self.library.store.get_chunks(i for i, _ in hits)
        return [(chunks[i].article_id, chunks[i].text) for i, _ in hits if i in chunks]

    def article_texts(self, ids: Sequence[int]) -> list[str]:
        found = self.library.store.get_articles(ids[: self.articles_read])
        return [found[i].text for i in ids[: self.articles_read] if i in found]

    def remembered(self) -> MutableMapping[str, str | None]:
        generation = self.library.store.generation
        if generation != self._generation or len(self._found) > _REMEMBERED:
            self._found, self._generation = {}, generation
        return self._found


def initials_of(words: Sequence[str]) -> str:
    """The lower-case initials of a name's words ("U", "S", "Men's", "National", "Team" ->
    "usmnt")."""
    return "".join(word[0].lower() for word in words)


def names_for(initials: str, texts: Iterable[str]) -> Counter[str]:
    """The names in `texts` whose words start with the letters of `initials` (with or without
    their small words: "Department of Justice" is "doj"), counted."""
    found: Counter[str] = Counter()
    for text in texts:
        for run in _NAME_RUN.finditer(text):
            words = list(_NAME_WORD.finditer(run.group()))
            for start, first in enumerate(words):
                if not first.group()[:1].isupper():
                    continue
                for end in range(start, min(len(words), start + 2 * len(initials))):
                    window = [m.group() for m in words[start : end + 1]]
                    if not window[-1][:1].isupper():
                        continue
                    if any(sum(c.isupper() for c in word) > 1 for word in window):
                        break  # initials themselves ("FTX CEO", "ETFs") are not a name's words
                    capitalised = [word for word in window if word[:1].isupper()]
                    if initials in (initials_of(capitalised), initials_of(window)):
                        name = run.group()[first.start() : words[end].end()]
                        found[_POSSESSIVE.sub("", " ".join(name.split()))] += 1
    return found


def _written_in_capitals(word: str, texts: Iterable[str]) -> bool:
    pattern = re.compile(rf"(?<![\w-]){re.escape(word)}(?![\w-])", re.I)
    uses = [m.group() for text in texts for m in pattern.finditer(text)]
    capitals = sum(use.isupper() for use in uses)
    return bool(uses) and capitals >= CAPITALS_SHARE * len(uses)


def find_initials(text: str, corpus: Corpus, keep: Iterable[str] = ()) -> dict[str, str]:
    """The words of `text` typed as initials, each with the name it stands for: "sbf trial
    verdict" -> {"sbf": "Sam Bankman-Fried"}. The words of `keep` (the stored outlets' names),
    words the corpus never uses, uses widely or writes in lower case are not initials."""
    kept = {word.lower() for name in keep for word in re.findall(r"\w+", name)}
    typed = {
        m.group().lower()
        for m in _TYPED.finditer(text)
        if MIN_LETTERS <= len(m.group()) <= MAX_LETTERS
        and (m.group().islower() or m.group().isupper())
        and m.group().lower() not in STOPWORDS
        and m.group().lower() not in kept
    }
    if not typed:
        return {}
    used = corpus.frequencies(typed)
    most = max(MAX_COMMON, MAX_SHARE * corpus.passages())
    # Initials have few vowels: ordinary short words are looked up last, if at all.
    candidates = sorted(
        (w for w, count in used.items() if 0 < count <= most),
        key=lambda w: (sum(c in _VOWELS for c in w), used[w], w),
    )
    remembered = corpus.remembered()
    names = {}
    for word in candidates[:MAX_LOOKUPS]:
        if word not in remembered:
            remembered[word] = _name_for(word, corpus)
        name = remembered[word]
        if name:
            names[word] = name
    return names


def spell_out(text: str, names: Mapping[str, str]) -> str:
    """`text` with each of `names`' initials followed by its name, once: "sbf trial verdict"
    -> "sbf (Sam Bankman-Fried) trial verdict"."""
    if not names:
        return text
    left = dict(names)
    out: list[str] = []
    last = 0
    for match in _TYPED.finditer(text):
        name = left.pop(match.group().lower(), None)
        if name:
            out.append(f"{text[last : match.end()]} ({name})")
            last = match.end()
    out.append(text[last:])
    return "".join(out)


def _name_for(word: str, corpus: Corpus) -> str | None:
    """The name `word` is the initials of in the articles that write it in capitals, if one is
    found there at least `MIN_NAMES` times and twice as often as any other."""
    passages = corpus.passages_using(word)
    if not _written_in_capitals(word, [text for _, text in passages]):
        return None
    owners = list(dict.fromkeys(article for article, _ in passages))
    found: Counter[str] = Counter()
    for text in corpus.article_texts(owners):
        if _written_in_capitals(word, [text]):
            found.update(names_for(word, [text]))
    best = found.most_common(2)
    if not best or best[0][1] < MIN_NAMES:
        return None
    if len(best) > 1 and best[0][1] < 2 * best[1][1]:
        return None
    return best[0][0]
