"""Small dataclasses passed between the engine's modules and its front ends."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from index.errors import IngestError

__all__ = [
    "Answer",
    "Article",
    "ArticleDraft",
    "Chunk",
    "Feed",
    "FeedPoll",
    "Holdings",
    "IngestOutcome",
    "Passage",
    "Quote",
    "Stage",
    "Stats",
]


@dataclass(frozen=True)
class ArticleDraft:
    """An article's text and metadata before it is stored (output of extraction)."""

    text: str
    title: str
    url: str | None = None
    outlet: str | None = None
    author: str | None = None
    published_at: datetime | None = None


@dataclass(frozen=True)
class Article:
    """A stored article; `text` is the exact text quotes are taken from."""

    id: int
    title: str
    url: str | None
    outlet: str | None
    author: str | None
    published_at: datetime | None
    added_at: datetime
    text: str
    chunk_count: int = 0
    # The first stored article of the same story when this one is a copy from another outlet
    # (a wire story, syndication); None for an article that stands alone or came first.
    story_id: int | None = None
    # The older version of this article (same outlet, same story) that this one replaced.
    replaces: int | None = None

    @property
    def story(self) -> int:
        """The key shared by every outlet's copy of one story."""
        return self.story_id if self.story_id is not None else self.id

    @property
    def dated(self) -> datetime:
        """When it was published, else when it was added: what "this week" is judged by."""
        return self.published_at or self.added_at


@dataclass(frozen=True)
class Chunk:
    """A passage of an article: `text == article.text[start:end]`."""

    id: int
    article_id: int
    seq: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk with its article and its fused relevance score."""

    chunk: Chunk
    article: Article
    score: float
    dense: float = 0.0
    lexical: float = 0.0
    # The passage's relevance to each part of a multi-part question, in the question's order.
    part_scores: tuple[float, ...] = ()


@dataclass(frozen=True)
class Quote:
    """A verbatim span of an article: `text == article.text[start:end]`."""

    text: str
    article: Article
    start: int
    end: int


@dataclass(frozen=True)
class Holdings:
    """What the library holds, for a decline to say: how many articles, from which dates."""

    articles: int
    first_published: datetime | None = None
    last_published: datetime | None = None


@dataclass(frozen=True)
class Answer:
    """What the engine says to a question: quotes with sources, or a decline with a reason."""

    question: str
    answered: bool
    quotes: list[Quote] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)
    reason: str = ""
    confidence: float = 0.0
    # What the message was ("news", "small_talk", "how_to", "advice", "live_data": see
    # `index.intent`) and the language to reply in; only news questions are searched.
    intent: str = "news"
    language: str = "en"
    # Parts of a multi-part question that no stored story covers (the others are quoted).
    uncovered: tuple[str, ...] = ()
    # With a decline: the stories that came close enough to be worth naming, and what the
    # library holds (so the reader knows what can be asked).
    suggestions: tuple[Article, ...] = ()
    holdings: Holdings | None = None
    # With quotes: for a quoted article, the other outlets' copies of the same story.
    also_in: Mapping[int, tuple[Article, ...]] = field(default_factory=dict)

    def quotes_by_article(self) -> list[tuple[Article, list[Quote]]]:
        """Quotes grouped by article, in order of each article's first quote."""
        groups: dict[int, tuple[Article, list[Quote]]] = {}
        for quote in self.quotes:
            groups.setdefault(quote.article.id, (quote.article, []))[1].append(quote)
        return list(groups.values())

    def closest_headlines(self, limit: int = 3) -> list[Article]:
        """Distinct articles of the best passages, for a decline that suggests what is there."""
        seen: dict[int, Article] = {}
        for passage in self.passages:
            seen.setdefault(passage.article.id, passage.article)
            if len(seen) >= limit:
                break
        return list(seen.values())


@dataclass(frozen=True)
class Stats:
    """Counts describing the stored corpus and its index."""

    articles: int
    chunks: int
    vectors: int
    index_type: str
    index_bytes: int
    database_bytes: int
    latest_published_at: datetime | None = None


class Stage(StrEnum):
    """Where the ingest of one source stands; the last three are final."""

    WAITING = "waiting"
    FETCHING = "fetching"
    EXTRACTING = "extracting"
    INDEXING = "indexing"
    ADDED = "added"
    DUPLICATE = "duplicate"
    FAILED = "failed"

    @property
    def done(self) -> bool:
        return self in (Stage.ADDED, Stage.DUPLICATE, Stage.FAILED)


@dataclass(frozen=True)
class IngestOutcome:
    """What happened (or is happening) to one ingest source: a link, a file, a record, a text.

    The one shape every front end reports: the CLI's summary lines and the bot's status
    message are both rendered from these.
    """

    source: str
    stage: Stage = Stage.WAITING
    article: Article | None = None
    message: str = ""

    @classmethod
    def of(cls, source: str, result: Article | IngestError) -> IngestOutcome:
        """The final outcome of `source`: its stored article, or why it was not added."""
        from index.errors import DuplicateArticle

        if isinstance(result, Article):
            return cls(source, Stage.ADDED, article=result)
        stage = Stage.DUPLICATE if isinstance(result, DuplicateArticle) else Stage.FAILED
        return cls(source, stage, message=str(result))

    def at(self, stage: Stage, message: str = "") -> IngestOutcome:
        """This outcome moved on to `stage`."""
        return replace(self, stage=stage, message=message)


@dataclass(frozen=True)
class Feed:
    """An RSS or Atom feed the engine follows, with the state of its polling.

    `etag` and `last_modified` are what the server sent with the last full response, sent back
    on the next poll so an unchanged feed costs a 304. After `failures` failed polls in a row
    the next one waits longer (back-off); `last_error` says why the last one failed.
    """

    id: int
    url: str
    title: str | None
    interval_minutes: float
    added_at: datetime
    next_poll_at: datetime
    last_polled_at: datetime | None = None
    last_success_at: datetime | None = None
    last_error: str | None = None
    failures: int = 0
    etag: str | None = None
    last_modified: str | None = None

    @property
    def name(self) -> str:
        """The feed's own title, or its URL until the first poll has read the title."""
        return self.title or self.url


@dataclass(frozen=True)
class FeedPoll:
    """What one poll of a feed did: one outcome per new item, or why the feed was not read.

    `feed` is the feed's state after the poll (its next poll, its error if any).
    """

    feed: Feed
    outcomes: list[IngestOutcome] = field(default_factory=list)
    not_modified: bool = False
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def count(self, stage: Stage) -> int:
        return sum(outcome.stage is stage for outcome in self.outcomes)

    @property
    def added(self) -> int:
        return self.count(Stage.ADDED)

    @property
    def duplicates(self) -> int:
        return self.count(Stage.DUPLICATE)

    @property
    def failed(self) -> int:
        return self.count(Stage.FAILED)
