"""The library of the shared backend: store, vectors and full-text search in one PostgreSQL.

It keeps the embedded `Library`'s contract (add, remove, find, holdings, stats) with nothing
outside the database: no index file to save, re-synchronise or compact, so any number of
processes can open it at once and each sees every other's changes as soon as they commit.
"""

from __future__ import annotations

from pathlib import Path

from index.embed import Encoder
from index.library import Library, same_model
from index.models import Stats
from index.pg_search import PgLexicalIndex, PgVectorIndex
from index.pg_store import PostgresStore, _redacted

__all__ = ["SharedLibrary"]


class SharedLibrary(Library):
    """Articles, vectors and full-text rows in PostgreSQL with pgvector; thread-safe."""

    def __init__(self, database_url: str, encoder: Encoder, data_dir: Path) -> None:
        super().__init__(data_dir, encoder, lexical="postgresql")
        self.database_url = database_url

    def __repr__(self) -> str:
        return f"SharedLibrary({_redacted(self.database_url)!r})"

    def open(self) -> None:
        with self._open_lock:
            if self.is_open:
                return
            store = PostgresStore(self.database_url)
            try:
                model = store.get_meta("embedding_model")
                if model is not None and not same_model(model, self.encoder.name):
                    store.drop_vector_index()  # rebuilt below at the new model's length
                    self._reembed(store, model)
                store.set_meta("embedding_model", self.encoder.name)
                self._vectors = PgVectorIndex(store, self._dim(store))
                self._lexical = PgLexicalIndex(store)
            except BaseException:
                store.close()
                raise
            self._store = store

    def flush(self, *, force: bool = False) -> None:
        """Nothing to save: every change is in the database when its transaction commits."""
        self._dirty = False

    def stats(self) -> Stats:
        store = self.store
        vector_bytes = store.read(
            "SELECT coalesce(sum(pg_relation_size(indexrelid)), 0) FROM pg_index "
            "JOIN pg_class c ON c.oid = indexrelid WHERE c.relname LIKE 'chunks_embedding_%'"
        )[0][0]
        return Stats(
            articles=store.count_articles(),
            chunks=store.count_chunks(),
            vectors=len(self.vectors),
            index_type=self.vectors.kind,
            index_bytes=int(vector_bytes),
            database_bytes=store.size_bytes(),
            latest_published_at=store.latest_published_at(),
        )
