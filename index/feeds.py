"""Following RSS and Atom feeds: subscribing, and polling each feed for new items.

A feed is downloaded by the guarded `index.fetch.fetch` (with ETag / Last-Modified, so an
unchanged feed costs a 304) and read by `index.feeddoc`. Each new item's page is fetched and
extracted like an /add; when the page cannot be read, the item's own text stands in, attributed
to the feed. Items are recognised by GUID and by canonical link (recorded per feed), and the
ingest pipeline's own dedupe catches the same story arriving through another feed or under
another link.
"""

from __future__ import annotations

import asyncio
import logging
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from index.clock import Clock
from index.dedupe import canonical_url
from index.errors import FeedBusy, FeedError, IngestError, NotFound
from index.extract import extract_text
from index.feeddoc import FeedDocument, FeedItem, parse_feed
from index.feedstore import FeedStore
from index.ingest import Ingester
from index.library import Library
from index.models import Article, ArticleDraft, Feed, FeedPoll, IngestOutcome, Stage
from index.settings import Settings

if TYPE_CHECKING:
    import httpx

__all__ = [
    "FEED_TYPES",
    "MAX_BACKOFF",
    "MAX_INTERVAL_MINUTES",
    "MAX_ITEMS_PER_POLL",
    "FeedDocument",
    "FeedItem",
    "Feeds",
    "parse_feed",
]

log = logging.getLogger(__name__)

# Media types a feed may be served as (some servers call RSS text/html or text/plain).
FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/x-rss+xml",
    "application/xml",
    "text/xml",
    "text/html",
    "application/xhtml+xml",
    "text/plain",
)
_ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9"
# A first poll of a long feed adds this many items (the newest); the rest come next time.
MAX_ITEMS_PER_POLL = 50
# The longest interval a feed can ask for: a week.
MAX_INTERVAL_MINUTES = 7 * 24 * 60
# Back-off after failures doubles the interval, up to this (or the interval, if longer).
MAX_BACKOFF = timedelta(hours=24)


class Feeds:
    """The engine's feeds: subscribe, list, remove, and poll (one poll at a time per feed)."""

    def __init__(
        self, library: Library, ingester: Ingester, settings: Settings, clock: Clock
    ) -> None:
        self.library = library
        self.ingester = ingester
        self.settings = settings
        self.clock = clock
        self._busy: set[int] = set()
        self._busy_lock = threading.Lock()

    @property
    def db(self) -> FeedStore:
        return FeedStore(self.library.store)

    # -- subscriptions --------------------------------------------------------------------

    def add(self, url: str, minutes: float | None = None) -> Feed:
        """Subscribe to a feed polled every `minutes` (default: the setting); first poll now."""
        url = url.strip()
        if not re.match(r"^https?://[^\s/]+", url, re.IGNORECASE):
            raise FeedError(f"A feed must be an http or https link; {url!r} is not one.")
        floor = self.settings.feed_min_interval
        minutes = self.settings.feed_interval if minutes is None else minutes
        if not floor <= minutes <= MAX_INTERVAL_MINUTES:
            if minutes > MAX_INTERVAL_MINUTES:
                raise FeedError("Feeds are checked at least once a week; ask for fewer minutes.")
            raise FeedError(
                f"Feeds are checked at most every {floor:g} minutes, to be polite to the sites; "
                f"ask for {floor:g} minutes or more."
            )
        return self.db.add(url, canonical_url(url), minutes, self.clock.now())

    def ensure_configured(self) -> list[Feed]:
        """Subscribe to the feeds in the settings (NEWSBOT_FEEDS) that are not yet followed."""
        added: list[Feed] = []
        for url in self.settings.feeds:
            if self.db.find(canonical_url(url)) is None:
                added.append(self.add(url))
        return added

    def all(self) -> list[Feed]:
        return self.db.all()

    def find(self, id_or_url: str) -> Feed:
        """A feed by its number or by any spelling of its link; raises NotFound."""
        key = id_or_url.strip()
        if key.isdigit():
            return self.db.get(int(key))
        found = self.db.find(canonical_url(key)) if "://" in key else None
        if found is None:
            raise NotFound(f"There is no feed {key!r}. Use a feed number or its link.")
        return found

    def remove(self, id_or_url: str) -> Feed:
        """Unsubscribe; the articles it brought stay."""
        return self.db.remove(self.find(id_or_url).id)

    def due(self, now: datetime | None = None) -> list[Feed]:
        """Feeds whose next poll is due (and not being polled right now)."""
        due = self.db.due(now or self.clock.now())
        with self._busy_lock:
            return [feed for feed in due if feed.id not in self._busy]

    # -- polling --------------------------------------------------------------------------

    @contextmanager
    def _claim(self, feed_id: int) -> Iterator[None]:
        with self._busy_lock:
            if feed_id in self._busy:
                raise FeedBusy(f"Feed {feed_id} is being checked right now.")
            self._busy.add(feed_id)
        try:
            yield
        finally:
            with self._busy_lock:
                self._busy.discard(feed_id)

    async def poll(self, feed_id: int, client: httpx.AsyncClient | None = None) -> FeedPoll:
        """Check one feed now and add its new items; a feed that fails backs off.

        Raises NotFound or FeedBusy; every other failure is in the returned `FeedPoll`.
        """
        # Imported here: httpx costs a tenth of a second that asking and listing never need.
        from index.fetch import make_client

        with self._claim(feed_id):
            if client is None:
                async with make_client(self.settings.fetch_timeout) as owned:
                    return await self._poll(feed_id, owned)
            return await self._poll(feed_id, client)

    async def _poll(self, feed_id: int, client: httpx.AsyncClient) -> FeedPoll:
        from index.fetch import fetch

        db = self.db
        feed = await asyncio.to_thread(db.get, feed_id)
        try:
            page = await fetch(
                feed.url,
                client,
                allow_private=self.settings.allow_private_urls,
                max_bytes=self.settings.max_response_bytes,
                accept=FEED_TYPES,
                headers=_conditional(feed),
            )
            document = None
            if page.status != 304:
                document = await asyncio.to_thread(
                    parse_feed, page.content, page.url, page.content_type
                )
        except Exception as error:  # a feed that fails must not be retried at every tick
            if isinstance(error, IngestError):
                reason = str(error)
            else:
                log.exception("Feed %d (%s): unexpected failure", feed.id, feed.url)
                reason = f"Reading the feed failed unexpectedly ({type(error).__name__})."
            now = self.clock.now()
            wait = _backoff(feed)
            log.warning("Feed %d (%s) failed: %s; next try in %s", feed.id, feed.url, reason, wait)
            feed = await asyncio.to_thread(db.record_failure, feed.id, now, now + wait, reason)
            return FeedPoll(feed, error=reason)
        if document is None:
            now = self.clock.now()
            feed = await asyncio.to_thread(db.record_success, feed.id, now, now + _every(feed))
            return FeedPoll(feed, not_modified=True)
        # The feed's own title is the outlet of items it has to stand in for, from the first poll.
        feed = replace(feed, title=document.title or feed.title)
        outcomes, finished = await self._add_items(feed, document, client)
        now = self.clock.now()
        # Validators are kept only when every item was dealt with: a 304 next time would
        # otherwise hide the items still to be retried.
        validators = (page.etag, page.last_modified) if finished else (None, None)
        feed = await asyncio.to_thread(
            lambda: db.record_success(
                feed.id, now, now + _every(feed), title=document.title, validators=validators
            )
        )
        return FeedPoll(feed, outcomes)

    async def _add_items(
        self, feed: Feed, document: FeedDocument, client: httpx.AsyncClient
    ) -> tuple[list[IngestOutcome], bool]:
        """Add the items this feed has not finished with; whether none is left for later."""
        db = self.db
        every_key = [key for item in document.items for key in item.keys]
        done = await asyncio.to_thread(db.done_keys, feed.id, every_key)
        new: list[FeedItem] = []
        for item in document.items:
            if not done.intersection(item.keys):
                new.append(item)
                done.update(item.keys)  # the same item twice in one feed counts once
        finished = len(new) <= MAX_ITEMS_PER_POLL
        outcomes: list[IngestOutcome] = []
        # Feeds list the newest first: keep the newest, add them oldest first.
        for item in reversed(new[:MAX_ITEMS_PER_POLL]):
            try:
                outcome = await self._add_item(feed, item, client)
            except Exception as error:  # one bad item never stops the rest
                log.exception("Feed %d: adding %s failed", feed.id, item.label)
                outcome = IngestOutcome(item.label, Stage.FAILED, message=f"Unexpected: {error}")
            article_id = outcome.article.id if outcome.article is not None else None
            now = self.clock.now()
            await asyncio.to_thread(db.mark, feed.id, item.keys, outcome.stage, now, article_id)
            finished = finished and outcome.stage is not Stage.FAILED
            outcomes.append(outcome)
        return outcomes, finished

    async def _add_item(
        self, feed: Feed, item: FeedItem, client: httpx.AsyncClient
    ) -> IngestOutcome:
        """The item's page as an article, or else the item's own text."""
        page_error: IngestError | None = None
        draft: ArticleDraft | None = None
        if item.link is not None:
            store = self.library.store
            existing = await asyncio.to_thread(store.find_by_url, canonical_url(item.link))
            if existing is not None:
                return _duplicate(item, existing)
            try:
                draft = await self.ingester.fetch_draft(item.link, client)
            except IngestError as error:
                page_error = error
            else:
                draft = replace(
                    draft,
                    title=draft.title or item.title,
                    outlet=draft.outlet or feed.title,
                    published_at=_when(draft.published_at, item.published_at),
                )
        if draft is None:
            try:
                draft = await asyncio.to_thread(self._item_draft, feed, item)
            except IngestError as error:
                reason = f"{page_error} The feed's own text: {error}" if page_error else str(error)
                return IngestOutcome(item.label, Stage.FAILED, message=reason)
        try:
            article = await asyncio.to_thread(self.ingester.add_draft, draft)
        except IngestError as error:
            return IngestOutcome.of(item.label, error)
        return IngestOutcome.of(item.label, article)

    @staticmethod
    def _item_draft(feed: Feed, item: FeedItem) -> ArticleDraft:
        if not item.content:
            raise FeedError("The item has no text of its own.")
        return extract_text(
            item.content,
            title=item.title or None,
            url=item.link,
            outlet=feed.title,
            published_at=item.published_at,
        )


def _conditional(feed: Feed) -> dict[str, str]:
    headers = {"Accept": _ACCEPT}
    if feed.etag:
        headers["If-None-Match"] = feed.etag
    if feed.last_modified:
        headers["If-Modified-Since"] = feed.last_modified
    return headers


def _every(feed: Feed) -> timedelta:
    return timedelta(minutes=feed.interval_minutes)


def _backoff(feed: Feed) -> timedelta:
    """The wait after one more failure: the interval doubled per failure in a row, capped."""
    every = _every(feed)
    return min(every * (1 << min(feed.failures + 1, 20)), max(every, MAX_BACKOFF))


def _when(page: datetime | None, item: datetime | None) -> datetime | None:
    """The page's publication date, or the item's when the page has none or only its day."""
    if page is None or (item is not None and page.time() == time() and page.date() == item.date()):
        return item
    return page


def _duplicate(item: FeedItem, existing: Article) -> IngestOutcome:
    message = f"Already have it: article {existing.id}, “{existing.title}”."
    return IngestOutcome(item.label, Stage.DUPLICATE, article=existing, message=message)
