"""A lexical index on tantivy (a Rust search engine): BM25 top-k with pruning, in the data dir.

SQLite FTS5 scores every row that matches any word of a question before it can keep the best
(~57 ms a query at 100k passages); tantivy's top-k search skips blocks of postings that cannot
reach the current k-th score. The index holds each passage's id, text, title and outlet; it is
not the source of truth: the library rebuilds it from the database when it is missing or
unreadable and re-synchronises it at start after a crash between the two commits.
"""

from __future__ import annotations

import logging
import shutil
import threading
import time
from collections.abc import Iterable
from operator import itemgetter
from pathlib import Path
from typing import Any, cast

import tantivy

from index.analyzer import TOKENIZER, analyzer, query_terms, word_terms
from index.store import Store

__all__ = ["LEXICAL_DIR", "LexicalRow", "TantivyIndex"]

log = logging.getLogger(__name__)

LEXICAL_DIR = "lexical.tantivy"
# (chunk id, passage text, article title, outlet)
LexicalRow = tuple[int, str, str, str]
# What is searched: one field holding the passage, its article's title and outlet, so that a
# passage's length, a word's frequency and its rarity are counted over the whole row, as FTS5's
# bm25() counts them (scoring fields separately, each with its own length norm and rarity,
# ranked MultiHop-RAG's gold passages 0.02 lower). "text" alone gives words' document
# frequencies (how rare a word is in passages, titles left out).
SEARCHED = "all"
FIELDS = ("text", SEARCHED)
_WRITER_HEAP = 50_000_000
# How long a change waits for another process's writer (its batch) before failing.
_LOCK_WAIT_SECONDS = 10.0
# A file saying the index was built completely, and in which layout (bumped when it changes).
_MARKER = "newsbot-lexical"
_FORMAT = "3"  # 3: accents folded (`index.analyzer`)


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("id", stored=True, indexed=True, fast=True)
    builder.add_text_field("text", stored=False, tokenizer_name=TOKENIZER, index_option="basic")
    builder.add_text_field(SEARCHED, stored=False, tokenizer_name=TOKENIZER, index_option="freq")
    return builder.build()


class TantivyIndex:
    """The `LexicalIndex` on tantivy; searches are thread-safe, changes go through the library
    (`add`, `remove`, then `commit`, which makes them searchable)."""

    concurrent = True  # tantivy searches outside Python's lock, each on its own thread

    def __init__(self, path: Path, index: tantivy.Index) -> None:
        self.path = path
        index.register_tokenizer(TOKENIZER, analyzer())
        self._index = index
        self._schema = index.schema
        self._writer: Any = None
        self._lock = threading.RLock()
        self._frequencies: dict[str, int] = {}

    # -- opening ------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path, store: Store, stored: set[int] | None = None) -> TantivyIndex:
        """The index at `path`, rebuilt from `store` if missing or unreadable, re-synchronised
        with it otherwise (`stored`: the store's passage ids, if the caller has read them)."""
        index: tantivy.Index | None = None
        if path.is_dir() and any(path.iterdir()):
            try:
                marker = path / _MARKER
                if not marker.is_file() or marker.read_text().strip() != _FORMAT:
                    raise ValueError("it was not written, or not finished, by this version")
                index = tantivy.Index.open(str(path))
                for field in ("id", *FIELDS):  # raises ValueError for a missing field
                    tantivy.Query.term_query(index.schema, field, 0 if field == "id" else "x")
                index.searcher().num_docs  # noqa: B018 - reads the segments: fails if damaged
            except Exception as error:  # tantivy raises ValueError or its own errors
                log.warning("Lexical index %s is unreadable (%s); rebuilding it", path, error)
                index = None
        if index is None:
            return cls.build(path, store)
        lexical = cls(path, index)
        lexical.resync(store, stored)
        return lexical

    @classmethod
    def build(cls, path: Path, store: Store) -> TantivyIndex:
        """A new index at `path` holding every passage of `store`."""
        shutil.rmtree(path, ignore_errors=True)
        path.mkdir(parents=True, exist_ok=True)
        lexical = cls(path, tantivy.Index(_schema(), path=str(path)))
        for rows in store.iter_lexical_rows():
            lexical.add(rows)
        lexical.commit()
        # Written last: a build interrupted before this line is started again at the next open.
        (path / _MARKER).write_text(_FORMAT)
        log.info("Lexical index built: %d passages", len(lexical))
        return lexical

    def resync(self, store: Store, stored: set[int] | None = None) -> None:
        """Repair the index after a crash between a database commit and this index's commit
        (`stored`: the store's passage ids, read here if not given)."""
        stored = set(store.chunk_ids()) if stored is None else stored
        held = self.ids()
        if stored == held:
            return
        self.remove(held - stored)
        missing = stored - held
        for rows in store.iter_lexical_rows(missing):
            self.add(rows)
        self.commit()
        log.info(
            "Lexical index re-synchronised: %d added, %d removed", len(missing), len(held - stored)
        )

    # -- changes --------------------------------------------------------------------------

    def _writer_(self) -> Any:
        """The writer of this batch of changes. tantivy lets one writer at a time hold the
        directory, across processes (the bot, and `newsbot ingest` on the same data directory):
        a writer is taken for a batch and let go at its commit, and one held elsewhere is
        waited for (a few seconds at most) rather than failing at once."""
        if self._writer is None:
            deadline = time.monotonic() + _LOCK_WAIT_SECONDS
            while True:
                try:
                    self._writer = self._index.writer(_WRITER_HEAP, 1)
                    break
                except ValueError as error:
                    if "LockBusy" not in str(error) or time.monotonic() > deadline:
                        raise
                    time.sleep(0.05)
        return self._writer

    def add(self, rows: Iterable[LexicalRow]) -> None:
        """Hold these passages (searchable after `commit`)."""
        with self._lock:
            writer = self._writer_()
            for chunk_id, text, title, outlet in rows:
                document = tantivy.Document(id=chunk_id, text=text)
                # Three values of one field: tantivy counts them as one row's words.
                document.add_text(SEARCHED, text)
                document.add_text(SEARCHED, title)
                document.add_text(SEARCHED, outlet or "")
                writer.add_document(document)

    def remove(self, ids: Iterable[int]) -> None:
        """Forget these passages (after `commit`)."""
        with self._lock:
            writer = None
            for chunk_id in ids:
                writer = writer or self._writer_()
                writer.delete_documents_by_term("id", int(chunk_id))

    def commit(self) -> None:
        """Make the changes since the last commit durable and searchable."""
        with self._lock:
            if self._writer is None:
                return
            self._writer.commit()
            self._writer.wait_merging_threads()  # lets go of the directory's writer lock
            self._writer = None
            self._index.reload()
            self._frequencies.clear()

    def close(self) -> None:
        """Let go of the writer (and its lock on the directory)."""
        with self._lock:
            if self._writer is not None:
                self._writer.wait_merging_threads()
                self._writer = None

    # -- reading --------------------------------------------------------------------------

    def terms(self, text: str) -> list[str]:
        """The index terms of the informative words of `text`, each once, in order."""
        return query_terms(text)

    def search(self, query: str, k: int) -> list[tuple[int, float]]:
        """Top `k` chunk ids by BM25 over text, title and outlet; higher score is better."""
        terms = self.terms(query)
        if not terms or k <= 0:
            return []
        clauses = [
            (
                tantivy.Occur.Should,
                tantivy.Query.term_query(self._schema, SEARCHED, term, index_option="freq"),
            )
            for term in terms
        ]
        searcher = self._index.searcher()
        result = searcher.search(tantivy.Query.boolean_query(clauses), limit=k, count=False)
        if not result.hits:
            return []
        addresses = [address for _, address in result.hits]
        ids = searcher.fast_field_values("id", addresses)
        return [
            (int(i), float(s))
            for (s, _), i in zip(result.hits, ids, strict=True)
            if isinstance(i, int)
        ]

    def document_frequency(self, words: Iterable[str]) -> dict[str, int]:
        """How many passages' text contains each word (as the index stems it, titles left out);
        cached until the next commit. Removed passages count until their segment is merged."""
        with self._lock:
            searcher = self._index.searcher()
            found: dict[str, int] = {}
            for word in words:
                key = word.lower()
                if key not in self._frequencies:
                    tokens = word_terms(key)
                    self._frequencies[key] = (
                        min(searcher.doc_freq("text", token) for token in tokens) if tokens else 0
                    )
                found[word] = self._frequencies[key]
            return found

    def ids(self) -> set[int]:
        """Every chunk id held, to check the index against the store."""
        searcher = self._index.searcher()
        total = searcher.num_docs
        if total == 0:
            return set()
        result = searcher.search(tantivy.Query.all_query(), limit=total, count=False)
        values = searcher.fast_field_values("id", list(map(itemgetter(1), result.hits)))
        return set(cast("list[int]", values))  # every document is written with an integer id

    def __len__(self) -> int:
        return int(self._index.searcher().num_docs)
