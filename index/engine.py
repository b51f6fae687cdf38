"""The engine facade: one object that ingests, searches, answers and manages the stored corpus.

Every method except `add_url` is synchronous and may be slow (model, disk); front ends call them
from a worker thread. Methods are thread-safe: questions are answered while an ingest runs.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx
import numpy as np

from index import chunk as chunking
from index.answer import AnswerParams, compose_answer
from index.async_engine import StageCallback
from index.dedupe import canonical_url, content_hash
from index.embed import Encoder, SentenceTransformerEncoder, Vectors
from index.errors import DuplicateArticle, IngestError, NotFound, UnsupportedContent
from index.extract import extract_html, extract_text
from index.fetch import fetch, make_client
from index.models import Answer, Article, ArticleDraft, Passage, Stage, Stats
from index.search import Searcher, SearchParams
from index.settings import Settings
from index.store import Store
from index.vectors import VectorIndex

__all__ = ["Engine"]

log = logging.getLogger(__name__)

DATABASE_FILE = "newsbot.sqlite3"
# An article whose passages nearly all have a twin this similar in one stored article is that
# article again (a re-publication with a changed byline, a fixed typo, tracking junk in the text).
NEAR_DUPLICATE_COSINE = 0.98
NEAR_DUPLICATE_SHARE = 0.9
VECTORS_FILE = "vectors.faiss"


@dataclass(frozen=True)
class _Prepared:
    """An article checked for duplicates and chunked, waiting for its batch to be encoded."""

    slot: int
    draft: ArticleDraft
    url_key: str | None
    text_key: str
    spans: list[chunking.Span]


class Engine:
    """Articles in SQLite, their vectors in FAISS, and the search and answer logic over them."""

    def __init__(
        self,
        settings: Settings,
        encoder: Encoder | None = None,
        search_params: SearchParams | None = None,
        answer_params: AnswerParams | None = None,
    ) -> None:
        self.settings = settings
        self.encoder: Encoder = encoder or SentenceTransformerEncoder(
            settings.model_name_or_path, threads=settings.encoder_threads
        )
        self.search_params = search_params or SearchParams()
        self.answer_params = answer_params or AnswerParams()
        self._open_lock = threading.Lock()
        self._write_lock = threading.RLock()
        self._store: Store | None = None
        self._vectors: VectorIndex | None = None
        self._dirty = False

    # -- life cycle -----------------------------------------------------------------------

    @property
    def data_dir(self) -> Path:
        return self.settings.data_dir

    @property
    def is_open(self) -> bool:
        return self._store is not None and self._vectors is not None

    def open(self, load_model: bool = True) -> Engine:
        """Open the database and the vector index, and load the model (slow; idempotent).

        With `load_model=False` the model loads on first use instead, so commands that only
        list or remove articles start in a fraction of a second.
        """
        with self._open_lock:
            if self.is_open:
                return self
            if load_model:
                self.encoder.warm_up()
            store = Store(self.data_dir / DATABASE_FILE)
            self._vectors = self._load_vectors(store)
            self._store = store
        return self

    def _dim(self, store: Store) -> int:
        """Vector length, from the database when it was written by this model (no model load)."""
        recorded = store.get_meta("embedding_dim")
        if recorded is not None and store.get_meta("embedding_model") == self.encoder.name:
            return int(recorded)
        dim = self.encoder.dim
        store.set_meta("embedding_dim", str(dim))
        return dim

    def _load_vectors(self, store: Store) -> VectorIndex:
        """The saved index, re-synchronised with the database; rebuilt if missing or stale."""
        path = self.data_dir / VECTORS_FILE
        model = store.get_meta("embedding_model")
        if model is not None and model != self.encoder.name:
            self._reembed(store, model)
        store.set_meta("embedding_model", self.encoder.name)
        dim = self._dim(store)
        vectors: VectorIndex | None = None
        if path.exists():
            try:
                vectors = VectorIndex.load(path)
            except RuntimeError as error:
                log.warning("Vector index %s is unreadable (%s); rebuilding it", path, error)
            if vectors is not None and vectors.dim != dim:
                vectors = None
        if vectors is None:
            vectors = VectorIndex.build(dim, store.iter_embeddings())
            vectors.save(path)
            return vectors
        stored = set(store.chunk_ids())
        held = vectors.ids()
        if stored != held:
            # A crash between the database commit and the index save: repair from the database.
            vectors.remove(held - stored)
            missing = store.get_embeddings(stored - held)
            if missing:
                vectors.add(list(missing), _stack(list(missing.values()), dim))
            log.info(
                "Vector index re-synchronised: %d added, %d removed",
                len(missing),
                len(held - stored),
            )
            vectors.save(path)
        return vectors

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

    def flush(self) -> None:
        """Save the vector index if it changed since the last save."""
        with self._write_lock:
            if self._dirty and self._vectors is not None:
                self._vectors.save(self.data_dir / VECTORS_FILE)
                self._dirty = False

    def close(self) -> None:
        with self._open_lock:
            if self._store is None:
                return
            self.flush()
            self._store.close()
            self._store = None
            self._vectors = None

    def __enter__(self) -> Engine:
        return self.open()

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def store(self) -> Store:
        if self._store is None:
            self.open()
        assert self._store is not None
        return self._store

    @property
    def vectors(self) -> VectorIndex:
        if self._vectors is None:
            self.open()
        assert self._vectors is not None
        return self._vectors

    # -- ingest ---------------------------------------------------------------------------

    def add_draft(self, draft: ArticleDraft, *, save: bool = True) -> Article:
        """Chunk, embed and store one article; raises DuplicateArticle if it is already here."""
        [result] = self.add_drafts([draft], save=save)
        if isinstance(result, IngestError):
            raise result
        return result

    def add_drafts(
        self, drafts: Sequence[ArticleDraft], *, save: bool = True, batch_passages: int = 64
    ) -> list[Article | IngestError]:
        """Add many articles, one result per draft; passages of several articles share a batch.

        Encoding is the slow part: it runs outside the write lock, so questions keep flowing.
        """
        results: list[Article | IngestError | None] = [None] * len(drafts)
        batch: list[_Prepared] = []
        for slot, draft in enumerate(drafts):
            url_key = canonical_url(draft.url) if draft.url else None
            text_key = content_hash(draft.text)
            existing = self.store.find_duplicate(url_key, text_key)
            if existing is not None:
                results[slot] = _duplicate(existing)
                continue
            batch.append(
                _Prepared(slot, draft, url_key, text_key, chunking.chunk_spans(draft.text))
            )
            if sum(len(p.spans) for p in batch) >= batch_passages:
                self._store_batch(batch, results)
                batch = []
        if batch:
            self._store_batch(batch, results)
        if save:
            self.flush()
        return [r if r is not None else IngestError("Not processed.") for r in results]

    def _store_batch(
        self, batch: list[_Prepared], results: list[Article | IngestError | None]
    ) -> None:
        texts = [p.draft.text[s.start : s.end] for p in batch for s in p.spans]
        embeddings = self.encoder.encode(texts)
        offset = 0
        for prepared in batch:
            vectors = embeddings[offset : offset + len(prepared.spans)]
            offset += len(prepared.spans)
            twin = self._near_duplicate(vectors)
            if twin is not None:
                results[prepared.slot] = _duplicate(twin, near=True)
                continue
            try:
                with self._write_lock:
                    article, chunk_ids = self.store.add_article(
                        prepared.draft, prepared.url_key, prepared.text_key, prepared.spans, vectors
                    )
                    self.vectors.add(chunk_ids, vectors)
                    self._dirty = True
            except IngestError as error:  # a duplicate within the batch, or a concurrent add
                results[prepared.slot] = error
            else:
                results[prepared.slot] = article

    def _near_duplicate(self, vectors: Vectors) -> Article | None:
        """The stored article that this one's passages almost all repeat, if there is one."""
        if len(vectors) == 0:
            return None
        nearest = self.vectors.nearest(vectors)
        close = [chunk_id for chunk_id, score in nearest if score >= NEAR_DUPLICATE_COSINE]
        if len(close) < NEAR_DUPLICATE_SHARE * len(vectors):
            return None
        owners = {c.article_id for c in self.store.get_chunks(close).values()}
        if len(owners) != 1:
            return None
        return self.store.get_articles(owners).get(owners.pop())

    def add_text(
        self,
        text: str,
        *,
        title: str | None = None,
        url: str | None = None,
        outlet: str | None = None,
        author: str | None = None,
        published_at: object = None,
    ) -> Article:
        """Add pasted or forwarded text; without a title its first line is the headline."""
        from index.extract import parse_date

        draft = extract_text(
            text,
            title=title,
            url=url,
            outlet=outlet,
            author=author,
            published_at=parse_date(published_at),
        )
        return self.add_draft(draft)

    def add_html(self, content: str | bytes, url: str | None = None) -> Article:
        """Add an HTML page (downloaded or uploaded)."""
        return self.add_draft(extract_html(content, url))

    async def add_url(
        self,
        url: str,
        client: httpx.AsyncClient | None = None,
        on_stage: StageCallback | None = None,
    ) -> Article:
        """Fetch, extract and index one link; CPU work runs in a worker thread."""
        import asyncio

        async def stage(name: Stage) -> None:
            if on_stage is not None:
                await on_stage(name)

        key = canonical_url(url)
        existing = await asyncio.to_thread(self.store.find_by_url, key)
        if existing is not None:
            raise _duplicate(existing)
        await stage(Stage.FETCHING)
        owned = client is None
        client = client or make_client(self.settings.fetch_timeout)
        try:
            page = await fetch(
                url,
                client,
                allow_private=self.settings.allow_private_urls,
                max_bytes=self.settings.max_response_bytes,
            )
        finally:
            if owned:
                await client.aclose()
        await stage(Stage.EXTRACTING)
        if page.is_html:
            draft = await asyncio.to_thread(extract_html, page.content, page.url)
        else:
            text = page.content.decode(page.charset or "utf-8", errors="replace")
            draft = await asyncio.to_thread(extract_text, text, url=page.url)
        if page.url != url:
            # Keep the link the admin gave as the article's identity as well as the final one.
            draft = ArticleDraft(**{**draft.__dict__, "url": url})
        await stage(Stage.INDEXING)
        return await asyncio.to_thread(self.add_draft, draft)

    def add_file(self, name: str, content: bytes, mime_type: str | None = None) -> Article:
        """Add an uploaded file holding one article (.html or .txt, or by its media type)."""
        from index.sources import SINGLE_ARTICLE_KINDS, decode_text, file_kind

        kind = file_kind(name, mime_type)
        if kind not in SINGLE_ARTICLE_KINDS:
            raise UnsupportedContent(
                f"I can add .html, .htm and .txt files; {name} is not one of those."
            )
        if kind == "html":
            return self.add_html(content)
        return self.add_draft(extract_text(decode_text(content, name)))

    def ingest_paths(
        self, sources: Iterable[str | Path]
    ) -> Iterator[tuple[str, ArticleDraft | IngestError]]:
        """Drafts read from files, JSON / JSON Lines records and directories, one per article."""
        from index.sources import iter_path_drafts

        for source in sources:
            yield from iter_path_drafts(Path(source))

    # -- questions ------------------------------------------------------------------------

    def search(self, question: str, k: int = 10) -> list[Passage]:
        searcher = Searcher(self.store, self.vectors, self.encoder, self.search_params)
        return searcher.search(question, k)

    def ask(self, question: str, k: int = 10) -> Answer:
        """Quotes that answer `question` with their sources, or a decline with its reason."""
        question = " ".join(question.split())
        if not question:
            return Answer(question, False, reason="Ask me a question about the news.")
        passages = self.search(question, k)
        return compose_answer(question, passages, self.answer_params)

    # -- management -----------------------------------------------------------------------

    def list_articles(self, offset: int = 0, limit: int = 10) -> list[Article]:
        return self.store.list_articles(offset, limit)

    def get_article(self, article_id: int) -> Article:
        return self.store.get_article(article_id)

    def find_article(self, id_or_url: str) -> Article:
        """An article by its number or by any spelling of its URL; raises NotFound."""
        key = id_or_url.strip()
        if key.isdigit():
            return self.store.get_article(int(key))
        if "://" in key:
            found = self.store.find_by_url(canonical_url(key))
            if found is not None:
                return found
        raise NotFound(f"There is no article {key!r}. Use an article number or its link.")

    def remove(self, id_or_url: str) -> Article:
        """Delete an article and its passages; they vanish from answers at once."""
        article = self.find_article(id_or_url)
        with self._write_lock:
            removed, chunk_ids = self.store.remove_article(article.id)
            self.vectors.remove(chunk_ids)
            self._dirty = True
        self.flush()
        return removed

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


def _duplicate(existing: Article, near: bool = False) -> DuplicateArticle:
    what = "an almost identical article" if near else "it"
    return DuplicateArticle(
        f"Already have {what}: article {existing.id}, “{existing.title}”.", existing.id
    )


def _stack(rows: list[Vectors], dim: int) -> Vectors:
    return np.stack(rows) if rows else np.zeros((0, dim), dtype=np.float32)
