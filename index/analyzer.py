"""The one analyzer of the full-text indexes: text to stemmed terms without Latin accents.

Both backends index and query with it (tantivy through a tokenizer registered under
`TOKENIZER`, PostgreSQL's postings through `passage_terms`), so BM25 sees the same terms,
counts and lengths on either.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import tantivy

from index.text import STOPWORDS

__all__ = ["TOKENIZER", "PassageTerms", "analyzer", "passage_terms", "query_terms", "word_terms"]

# The analyzer's name in a tantivy index's schema.
TOKENIZER = "newsbot_en"

_WORD = re.compile(r"\w+", re.UNICODE)


@lru_cache(maxsize=1)
def analyzer() -> tantivy.TextAnalyzer:
    """tantivy's `en_stem` with accents folded: its simple tokenizer, tokens over 40 bytes
    dropped, lower case, Latin letters without their accents ("pokemon" finds "Pokémon", as
    people type it and as SQLite FTS5 folds it), the English Snowball stemmer."""
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(40))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.ascii_fold())
        .filter(tantivy.Filter.stemmer("english"))
        .build()
    )


@dataclass(frozen=True)
class PassageTerms:
    """What a passage contributes to BM25: each term's count over passage, title and outlet,
    the terms of the passage text itself, and the length in tokens."""

    counts: Counter[str]
    in_body: frozenset[str]
    length: int


def passage_terms(text: str, title: str, outlet: str | None) -> PassageTerms:
    """The terms of a passage as tantivy indexes its three searched values together."""
    body = analyzer().analyze(text)
    counts = Counter(body)
    length = len(body)
    for value in (title, outlet or ""):
        tokens = analyzer().analyze(value)
        counts.update(tokens)
        length += len(tokens)
    return PassageTerms(counts, frozenset(body), length)


@lru_cache(maxsize=65_536)  # a typing slip's few hundred neighbours are analysed twice
def word_terms(word: str) -> tuple[str, ...]:
    """The terms one word becomes (none, one, or several for "covid-19")."""
    return tuple(analyzer().analyze(word.lower()))


def query_terms(text: str) -> list[str]:
    """The terms of the informative words of `text` (stop words left out), each once, in order."""
    found: list[str] = []
    for word in _WORD.findall(text.lower()):
        if word in STOPWORDS:
            continue
        for term in analyzer().analyze(word):
            if term not in found:
                found.append(term)
    return found
