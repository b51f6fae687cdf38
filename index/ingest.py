"""The ingest pipeline: article drafts from links, files, texts and records, deduplicated,
chunked, embedded in shared batches and stored in the library.

An article is new unless its canonical URL, its normalised-text hash, or nearly all of its
passages' vectors match a stored one; re-adding is a no-op that says which article it repeats.
Encoding, the slow part, runs outside the library's write lock, so questions keep flowing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import httpx

from index import chunk as chunking
from index.async_engine import StageCallback
from index.dedupe import canonical_url, content_hash
from index.embed import Encoder
from index.errors import DuplicateArticle, IngestError, UnsupportedContent
from index.extract import extract_html, extract_text, parse_date
from index.fetch import fetch, make_client
from index.library import Library
from index.models import Article, ArticleDraft, IngestOutcome, Stage
from index.settings import Settings
from index.sources import SINGLE_ARTICLE_KINDS, decode_text, file_kind, iter_path_drafts

__all__ = ["NEAR_DUPLICATE_COSINE", "NEAR_DUPLICATE_SHARE", "Ingester"]

# An article whose passages nearly all have a twin this similar in one stored article is that
# article again (a re-publication with a changed byline, a fixed typo, tracking junk in the text).
NEAR_DUPLICATE_COSINE = 0.98
NEAR_DUPLICATE_SHARE = 0.9


@dataclass(frozen=True)
class _Prepared:
    """An article checked for duplicates and chunked, waiting for its batch to be encoded."""

    slot: int
    draft: ArticleDraft
    url_key: str | None
    text_key: str
    spans: list[chunking.Span]


class Ingester:
    """Adds articles to a library: one at a time from the bot, in batches from the CLI."""

    def __init__(self, library: Library, encoder: Encoder, settings: Settings) -> None:
        self.library = library
        self.encoder = encoder
        self.settings = settings

    def add_drafts(
        self,
        drafts: Sequence[ArticleDraft],
        *,
        sources: Sequence[str] | None = None,
        save: bool = True,
    ) -> list[IngestOutcome]:
        """Add many articles, one outcome per draft; passages of several share a batch.

        `sources` labels the outcomes (a path, a record's position); by default each draft's
        URL or title.
        """
        labels = list(sources) if sources is not None else [d.url or d.title for d in drafts]
        results = self._add_all(drafts, save=save)
        return [IngestOutcome.of(label, r) for label, r in zip(labels, results, strict=True)]

    def add_draft(self, draft: ArticleDraft, *, save: bool = True) -> Article:
        """Chunk, embed and store one article; raises DuplicateArticle if it is already here."""
        [result] = self._add_all([draft], save=save)
        if isinstance(result, IngestError):
            raise result
        return result

    def _add_all(
        self, drafts: Sequence[ArticleDraft], *, save: bool, batch_passages: int = 64
    ) -> list[Article | IngestError]:
        results: list[Article | IngestError | None] = [None] * len(drafts)
        batch: list[_Prepared] = []
        for slot, draft in enumerate(drafts):
            url_key = canonical_url(draft.url) if draft.url else None
            text_key = content_hash(draft.text)
            existing = self.library.store.find_duplicate(url_key, text_key)
            if existing is not None:
                results[slot] = _duplicate(existing)
                continue
            spans = chunking.chunk_spans(draft.text)
            batch.append(_Prepared(slot, draft, url_key, text_key, spans))
            if sum(len(p.spans) for p in batch) >= batch_passages:
                self._store_batch(batch, results)
                batch = []
        if batch:
            self._store_batch(batch, results)
        if save:
            self.library.flush()
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
            twin = self.library.near_duplicate(vectors, NEAR_DUPLICATE_COSINE, NEAR_DUPLICATE_SHARE)
            if twin is not None:
                results[prepared.slot] = _duplicate(twin, near=True)
                continue
            try:
                results[prepared.slot] = self.library.add(
                    prepared.draft,
                    prepared.url_key,
                    prepared.text_key,
                    prepared.spans,
                    vectors,
                    commit=False,
                )
            except IngestError as error:  # a duplicate within the batch, or a concurrent add
                results[prepared.slot] = error
        self.library.commit_lexical()

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

    def add_file(self, name: str, content: bytes, mime_type: str | None = None) -> Article:
        """Add an uploaded file holding one article (.html or .txt, or by its media type)."""
        kind = file_kind(name, mime_type)
        if kind not in SINGLE_ARTICLE_KINDS:
            raise UnsupportedContent(
                f"I can add .html, .htm and .txt files; {name} is not one of those."
            )
        if kind == "html":
            return self.add_html(content)
        return self.add_draft(extract_text(decode_text(content, name)))

    async def add_url(
        self,
        url: str,
        client: httpx.AsyncClient | None = None,
        on_stage: StageCallback | None = None,
    ) -> Article:
        """Fetch, extract and index one link; CPU work runs in a worker thread."""
        existing = await asyncio.to_thread(self.library.store.find_by_url, canonical_url(url))
        if existing is not None:
            raise _duplicate(existing)
        draft = await self.fetch_draft(url, client, on_stage)
        if on_stage is not None:
            await on_stage(Stage.INDEXING)
        return await asyncio.to_thread(self.add_draft, draft)

    async def fetch_draft(
        self,
        url: str,
        client: httpx.AsyncClient | None = None,
        on_stage: StageCallback | None = None,
    ) -> ArticleDraft:
        """Fetch one link and extract its article, without storing it (feeds add their items'
        dates and outlets before it is stored); raises FetchError or ExtractError."""

        async def stage(name: Stage) -> None:
            if on_stage is not None:
                await on_stage(name)

        await stage(Stage.FETCHING)
        owned = client is None
        # A caller's client keeps its own deadline; ours takes the configured one.
        client = client or make_client(
            self.settings.fetch_timeout, deadline=self.settings.fetch_deadline
        )
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
            draft = await asyncio.to_thread(extract_text, page.text(), url=page.url)
        if page.url != url:
            # Keep the link the admin gave as the article's identity as well as the final one.
            draft = replace(draft, url=url)
        return draft

    @staticmethod
    def read_paths(
        sources: Iterable[str | Path],
    ) -> Iterator[tuple[str, ArticleDraft | IngestError]]:
        """Drafts read from files, JSON / JSON Lines records and directories, one per article."""
        for source in sources:
            yield from iter_path_drafts(Path(source))


def _duplicate(existing: Article, near: bool = False) -> DuplicateArticle:
    what = "an almost identical article" if near else "it"
    return DuplicateArticle(
        f"Already have {what}: article {existing.id}, “{existing.title}”.", existing.id
    )
