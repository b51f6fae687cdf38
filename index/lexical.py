"""The embedded lexical index: BM25 over SQLite FTS5, in the store's own database file.

Its rows are written and deleted by the store in the same transaction as their chunks, so the
two can never disagree after a crash; the store keeps them only while this index is in use.
Questions become FTS5 queries that OR their informative words, each quoted, so no query syntax
a user types is ever obeyed.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable

from index.store import Store
from index.text import STOPWORDS

__all__ = ["Fts5Index", "cached_counts", "fts_query"]

_FTS_TOKEN = re.compile(r"\w+", re.UNICODE)


def fts_query(text: str) -> str:
    """An FTS5 query OR-ing the informative words of `text`, each quoted so no syntax leaks in."""
    words: list[str] = []
    for word in _FTS_TOKEN.findall(text.lower()):
        if word not in STOPWORDS and word not in words:
            words.append(word)
    return " OR ".join(f'"{w}"' for w in words)


def cached_counts(
    cache: dict[str, int], words: Iterable[str], count: Callable[[str], int]
) -> dict[str, int]:
    """Each word's count, kept in `cache` under its lower-case form and counted when missing
    (the document frequencies every lexical index caches until the corpus changes)."""
    found: dict[str, int] = {}
    for word in words:
        key = word.lower()
        if key not in cache:
            cache[key] = count(key)
        found[word] = cache[key]
    return found


class Fts5Index:
    """The `LexicalIndex` of the embedded backend."""

    concurrent = False  # one SQLite connection, one query at a time

    def __init__(self, store: Store) -> None:
        """The index over `store`'s FTS5 rows, which it fills first if they are not kept."""
        store.keep_fts5_rows(True)
        self._store = store
        self._lock = threading.Lock()
        self._frequencies: dict[str, int] = {}
        self._generation = -1

    def search(self, query: str, k: int) -> list[tuple[int, float]]:
        """Top `k` chunk ids by BM25 over text, title and outlet; higher score is better."""
        match = fts_query(query)
        if not match:
            return []
        rows = self._store.read(
            "SELECT rowid, -bm25(chunks_fts, 1.0, 0.5, 0.5) AS score FROM chunks_fts "
            "WHERE chunks_fts MATCH ? ORDER BY score DESC LIMIT ?",
            (match, k),
        )
        return [(int(r[0]), float(r[1])) for r in rows]

    def document_frequency(self, words: Iterable[str]) -> dict[str, int]:
        """How many chunks' text contains each word (as the index tokenizes it, titles left
        out); cached until the store changes."""
        with self._lock:
            if self._generation != self._store.generation:
                self._frequencies.clear()
                self._generation = self._store.generation
            return cached_counts(self._frequencies, words, self._count)

    def _count(self, word: str) -> int:
        query = fts_query(word)
        if not query:
            return 0
        rows = self._store.read(
            "SELECT count(*) FROM chunks_fts WHERE chunks_fts MATCH ?", (f"text : ({query})",)
        )
        return int(rows[0][0])

    def __len__(self) -> int:
        return self._store.count_chunks()

    # The store writes and deletes the FTS5 rows in the chunks' own transaction: nothing to do.

    def add(self, rows: Iterable[tuple[int, str, str, str]]) -> None:
        return None

    def remove(self, ids: Iterable[int]) -> None:
        return None

    def commit(self) -> None:
        return None

    def close(self) -> None:
        return None
