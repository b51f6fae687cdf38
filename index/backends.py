"""The contracts of the engine's replaceable parts: a vector index and a lexical index.

Search, ingest and the library talk to these, never to FAISS or SQLite FTS5 directly, so a faster
or shared backend (an approximate index, a dedicated BM25 engine, PostgreSQL) can take over
without touching them. The shape follows txtai's ANN contract: ids and vectors or text in,
(id, score) pairs out; the texts, titles and dates themselves always live in the store.
The third replaceable part, the text encoder, has its contract in `index.embed.Encoder`.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

from index.embed import Vectors

__all__ = ["LexicalIndex", "VectorIndexLike"]


class VectorIndexLike(Protocol):
    """Nearest-neighbour search over chunk ids and their normalised vectors (cosine scores)."""

    dim: int

    @property
    def kind(self) -> str:
        """What kind of index this is ("exact", "ivf", …), for stats and benchmarks."""
        ...

    def __len__(self) -> int: ...

    def add(self, ids: Iterable[int], vectors: Vectors) -> None:
        """Hold these vectors under these ids."""
        ...

    def remove(self, ids: Iterable[int]) -> int:
        """Forget these ids; returns how many were held."""
        ...

    def ids(self) -> set[int]:
        """Every id held, to check the index against the store."""
        ...

    def search(self, vector: Vectors, k: int) -> list[tuple[int, float]]:
        """The `k` nearest ids to one query vector, best first."""
        ...

    def nearest(self, vectors: Vectors) -> list[tuple[int, float]]:
        """The single nearest (id, score) of each row; (-1, 0.0) when nothing is held."""
        ...

    def save(self, path: Path) -> None:
        """Persist atomically: after a crash the file is the old one or the new one."""
        ...


class LexicalIndex(Protocol):
    """Keyword (BM25-like) search over the chunks' text, title and outlet."""

    # Whether searches on several threads at once run side by side (the backend works outside
    # Python's lock, as tantivy does): a question's queries are then run together.
    concurrent: bool

    def search(self, query: str, k: int) -> list[tuple[int, float]]:
        """The `k` best chunk ids for the informative words of `query`; higher is better."""
        ...

    def document_frequency(self, words: Iterable[str]) -> dict[str, int]:
        """How many chunks contain each word: what makes a word rare (a name) or common."""
        ...

    def __len__(self) -> int:
        """How many chunks are searchable."""
        ...

    # Changes: the library calls these after the store has committed the chunks. A backend
    # inside the store's database (FTS5) was written in that transaction and does nothing.

    def add(self, rows: Iterable[tuple[int, str, str, str]]) -> None:
        """Hold these (chunk id, text, title, outlet) rows; searchable after `commit`."""
        ...

    def remove(self, ids: Iterable[int]) -> None:
        """Forget these chunk ids; gone after `commit`."""
        ...

    def commit(self) -> None:
        """Make the changes durable and searchable."""
        ...

    def close(self) -> None:
        """Release files and locks; the index is not used again."""
        ...
