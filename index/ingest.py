"""The ingest pipeline: article drafts from links, files, texts and records, deduplicated,
chunked, embedded in shared batches and stored in the library.

An article is new unless its canonical URL, or its normalised text from the same outlet, is
stored already; re-adding is a no-op that says which article it repeats. An article sharing most
of its wording with a stored one is the same story: from the same outlet it is an update and
replaces the older version; from another outlet it is a copy (a wire story, syndication), kept
and grouped with it so answers quote the text once and name every outlet that carried it.
Encoding, the slow part, runs outside the library's write lock, so questions keep flowing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from index import chunk as chunking
from index.dedupe import canonical_url, content_hash, same_outlet, shared_wording
from index.embed import Encoder, Vectors
from index.errors import DuplicateArticle, IngestError, UnsupportedContent
from index.extract import extract_html, extract_text, parse_date
from index.library import Library
from index.models import Article, ArticleDraft, IngestOutcome, Stage
from index.settings import Settings
from index.sources import SINGLE_ARTICLE_KINDS, decode_text, file_kind, iter_path_drafts

if TYPE_CHECKING:
    import httpx

    from index.async_engine import StageCallback

__all__ = ["SAME_STORY_COSINE", "SAME_STORY_WORDING", "Ingester"]

# Stored articles with a passage this close to one of a new article's are compared word by word.
SAME_STORY_COSINE = 0.85
# Share of the shorter text's five-word runs the other has: at least this, the same story (own
# wording of one event shares a few per cent; a wire copy with its own lead nearly all).
SAME_STORY_WORDING = 0.6
# An update is about as long as what it replaces; a short item wholly inside a long article
# from the same outlet (a summary, a teaser) is a copy, not its replacement.
UPDATE_LENGTH_RATIO = 0.5


@dataclass(frozen=True)
class _Prepared:
    """An article checked for duplicates and chunked, waiting for its batch to be encoded."""

    slot: int
    draft: ArticleDraft
    url_key: str | None
    text_key: str
    spans: list[chunking.Span]
    # A stored article at the same link with other text: this one is its new version.
    same_link: Article | None = None


@dataclass(frozen=True)
class _Story:
    """Where a new article belongs: the story it joins and the older version it replaces."""

    story_id: int | None = None
    replaces: int | None = None


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
            existing = self.library.store.find_duplicate(url_key, text_key, draft.outlet)
            same_link = None
            if existing is not None:
                if content_hash(existing.text) == text_key or _is_older(draft, existing):
                    results[slot] = _duplicate(existing)
                    continue
                same_link = existing  # the page at a known link changed: an update
            spans = chunking.chunk_spans(draft.text)
            batch.append(_Prepared(slot, draft, url_key, text_key, spans, same_link))
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
            story = self._story_of(prepared, vectors)
            if isinstance(story, IngestError):
                results[prepared.slot] = story
                continue
            try:
                results[prepared.slot] = self.library.add(
                    prepared.draft,
                    prepared.url_key,
                    prepared.text_key,
                    prepared.spans,
                    vectors,
                    story_id=story.story_id,
                    replaces=story.replaces,
                    commit=False,
                )
            except IngestError as error:  # a duplicate within the batch, or a concurrent add
                results[prepared.slot] = error
        self.library.commit_lexical()

    def _story_of(self, prepared: _Prepared, vectors: Vectors) -> _Story | IngestError:
        """The story a new article joins, the version it replaces, or why it is not new."""
        draft = prepared.draft
        # An earlier article of the same batch may have been this one.
        repeated = self.library.store.find_duplicate(
            prepared.url_key, prepared.text_key, draft.outlet
        )
        if repeated is not None and (
            prepared.same_link is None or repeated.id != prepared.same_link.id
        ):
            return _duplicate(repeated)
        if prepared.same_link is not None:
            old = prepared.same_link
            return _Story(old.story_id, old.id)
        candidates = self.library.similar_articles(vectors, SAME_STORY_COSINE)
        copy = self.library.store.find_copy(prepared.text_key)
        if copy is not None:
            candidates.insert(0, copy)
        for stored in candidates:
            if shared_wording(draft.text, stored.text) < SAME_STORY_WORDING:
                continue
            if not same_outlet(draft.outlet, draft.url, stored.outlet, stored.url):
                return _Story(story_id=stored.story)
            shorter, longer = sorted((len(draft.text), len(stored.text)))
            if shorter < UPDATE_LENGTH_RATIO * longer:
                return _Story(story_id=stored.story)
            if _is_older(draft, stored):
                return _duplicate(stored, newer=True)
            return _Story(stored.story_id, stored.id)
        return _Story()

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
        # Imported here: httpx costs a tenth of a second that asking and listing never need.
        from index.fetch import fetch, make_client

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


def _is_older(draft: ArticleDraft, stored: Article) -> bool:
    """Whether the draft was published before the stored version (unknown: it is newer)."""
    if draft.published_at is None or stored.published_at is None:
        return False
    return _aware(draft.published_at) < _aware(stored.published_at)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _duplicate(existing: Article, newer: bool = False) -> DuplicateArticle:
    what = "a newer version of it" if newer else "it"
    return DuplicateArticle(
        f"Already have {what}: article {existing.id}, “{existing.title}”.", existing.id
    )
