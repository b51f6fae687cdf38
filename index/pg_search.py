"""The vector and lexical indexes of the shared PostgreSQL backend: pgvector HNSW and BM25.

Both read the passage rows `index.pg_store.PostgresStore` writes (a `vector` column under an
HNSW index; a `tsvector` of passage, title and outlet under a GIN index), so what one worker
adds every other finds at once, and there is nothing to save or re-synchronise. PostgreSQL ranks
full-text matches with `ts_rank_cd`, which is not BM25; the lexical index takes its candidates
from PostgreSQL and re-scores them with BM25 here, from the same term counts tantivy and FTS5 use.
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections.abc import Iterable

import numpy as np

from index.embed import Vectors
from index.pg_store import PostgresStore
from index.text import STOPWORDS

__all__ = ["PgLexicalIndex", "PgVectorIndex", "tsquery"]

_WORD = re.compile(r"\w+", re.UNICODE)
# One lexeme and its positions in a tsvector's text form: 'word':3,17
_LEXEME = re.compile(r"'((?:[^']|'')*)':([0-9A-D,]+)")
# BM25's usual constants (tantivy's and FTS5's).
_K1, _B = 1.2, 0.75
# Candidates taken from PostgreSQL's own ranking for each BM25 re-score, per result wanted.
_RESCORE_FACTOR = 5
_RESCORE_MIN = 1_000
# The average passage length moves slowly: recomputed at most this often (seconds).
_AVERAGE_TTL = 300.0


def tsquery(text: str) -> str:
    """A tsquery OR-ing the informative words of `text`; only word characters pass, so no
    query syntax a user types is ever obeyed."""
    words: list[str] = []
    for word in _WORD.findall(text.lower()):
        if word not in STOPWORDS and word not in words and "_" not in word:
            words.append(word)
    return " | ".join(words)


class PgVectorIndex:
    """The `VectorIndexLike` of the shared backend: cosine search through pgvector's HNSW."""

    def __init__(self, store: PostgresStore, dim: int) -> None:
        self.dim = dim
        self._store = store
        store.ensure_vector_index(dim)
        self._order = f"embedding::vector({dim}) <=> ?::vector({dim})"

    @property
    def kind(self) -> str:
        return "pgvector-hnsw"

    def __len__(self) -> int:
        return self._store.count_chunks()

    # The store writes and deletes the vectors with their passages: nothing to do here.

    def add(self, ids: Iterable[int], vectors: Vectors) -> None:
        return None

    def remove(self, ids: Iterable[int]) -> int:
        return len(list(ids))

    def save(self, path: object) -> None:
        return None

    def ids(self) -> set[int]:
        return set(self._store.chunk_ids())

    def search(self, vector: Vectors, k: int) -> list[tuple[int, float]]:
        query = np.asarray(vector, dtype=np.float32).reshape(-1)
        rows = self._store.read(
            f"SELECT id, 1 - ({self._order}) FROM chunks ORDER BY {self._order} LIMIT ?",
            (query, query, k),
        )
        return [(int(r[0]), float(r[1])) for r in rows]

    def nearest(self, vectors: Vectors) -> list[tuple[int, float]]:
        found: list[tuple[int, float]] = []
        for row in np.asarray(vectors, dtype=np.float32):
            # A few, so that among equally close rows (copies of one text) the first stored
            # wins, as in the embedded index, rather than whichever the graph reaches first.
            close = self.search(row, 4)
            best = min(close, key=lambda pair: (-round(pair[1], 5), pair[0]), default=(-1, 0.0))
            found.append(best)
        return found


class PgLexicalIndex:
    """The `LexicalIndex` of the shared backend: PostgreSQL full-text candidates, BM25 scores."""

    def __init__(self, store: PostgresStore) -> None:
        self._store = store
        self._lock = threading.Lock()
        self._generation = -1
        self._frequencies: dict[str, int] = {}  # body (passage text) document frequencies
        self._lexeme_frequencies: dict[str, int] = {}  # over passage + title + outlet
        self._average: tuple[float, float, int] = (0.0, 0.0, 0)  # (when, average, count)

    def _refresh(self) -> None:
        generation = self._store.generation
        if generation != self._generation:
            self._frequencies.clear()
            self._lexeme_frequencies.clear()
            self._generation = generation

    def search(self, query: str, k: int) -> list[tuple[int, float]]:
        """Top `k` chunk ids by BM25 over passage, title and outlet; higher is better."""
        match = tsquery(query)
        if not match or k <= 0:
            return []
        limit = max(k * _RESCORE_FACTOR, _RESCORE_MIN)
        rows = self._store.read(
            "SELECT c.id, c.words::text, c.word_count, q::text FROM chunks c, "
            "to_tsquery('english', ?) q WHERE c.words @@ q "
            "ORDER BY ts_rank_cd(c.words, q) DESC LIMIT ?",
            (match, limit),
        )
        if not rows:
            return []
        lexemes = _query_lexemes(str(rows[0][3]))
        with self._lock:
            self._refresh()
            count, average = self._statistics()
            weights = {
                lexeme: _idf(count, frequency)
                for lexeme, frequency in self._lexeme_counts(lexemes).items()
            }
        scored: list[tuple[int, float]] = []
        for chunk_id, vector_text, length, _ in rows:
            positions = _positions(str(vector_text))
            norm = _K1 * (1 - _B + _B * int(length) / average) if average else _K1
            score = 0.0
            for lexeme, weight in weights.items():
                tf = positions.get(lexeme, 0)
                if tf:
                    score += weight * tf * (_K1 + 1) / (tf + norm)
            scored.append((int(chunk_id), score))
        scored.sort(key=lambda pair: (-pair[1], pair[0]))
        return scored[:k]

    def _statistics(self) -> tuple[int, float]:
        """How many passages there are and their average length in words (cached a while)."""
        when, average, count = self._average
        if time.monotonic() - when > _AVERAGE_TTL or not count:
            row = self._store.read("SELECT count(*), coalesce(avg(word_count), 0) FROM chunks")[0]
            count, average = int(row[0]), float(row[1])
            self._average = (time.monotonic(), average, count)
        return count, average

    def _lexeme_counts(self, lexemes: Iterable[str]) -> dict[str, int]:
        missing = [x for x in lexemes if x not in self._lexeme_frequencies]
        for lexeme in missing:
            rows = self._store.read(
                "SELECT count(*) FROM chunks WHERE words @@ ?::tsquery", (_quoted(lexeme),)
            )
            self._lexeme_frequencies[lexeme] = int(rows[0][0])
        return {x: self._lexeme_frequencies[x] for x in lexemes}

    def document_frequency(self, words: Iterable[str]) -> dict[str, int]:
        """How many passages' text contains each word (stemmed as the index stems it, titles
        left out); cached until any process changes the articles."""
        with self._lock:
            self._refresh()
            found: dict[str, int] = {}
            for word in words:
                key = word.lower()
                if key not in self._frequencies:
                    match = tsquery(key)
                    rows = (
                        self._store.read(
                            "SELECT count(*) FROM chunks WHERE body @@ to_tsquery('english', ?)",
                            (match,),
                        )
                        if match
                        else [(0,)]
                    )
                    self._frequencies[key] = int(rows[0][0])
                found[word] = self._frequencies[key]
            return found

    def __len__(self) -> int:
        return self._store.count_chunks()

    # The store writes the full-text columns with the passages: nothing to do here.

    def add(self, rows: Iterable[tuple[int, str, str, str]]) -> None:
        return None

    def remove(self, ids: Iterable[int]) -> None:
        return None

    def commit(self) -> None:
        return None

    def close(self) -> None:
        return None


def _idf(count: int, frequency: int) -> float:
    return math.log(1 + (count - frequency + 0.5) / (frequency + 0.5))


def _quoted(lexeme: str) -> str:
    return "'" + lexeme.replace("'", "''") + "'"


def _query_lexemes(query_text: str) -> list[str]:
    """The lexemes of a tsquery's text form ('word' | 'other')."""
    return [m.replace("''", "'") for m in re.findall(r"'((?:[^']|'')*)'", query_text)]


def _positions(vector_text: str) -> dict[str, int]:
    """Each lexeme of a tsvector's text form with how many times it occurs."""
    return {
        match.group(1).replace("''", "'"): match.group(2).count(",") + 1
        for match in _LEXEME.finditer(vector_text)
    }
