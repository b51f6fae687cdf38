"""The engine's exception hierarchy; each error carries one sentence a user can be shown.

NewsbotError
├── SettingsError            a setting is missing or malformed
├── IngestError              an article could not be added
│   ├── FetchError           the URL could not be downloaded
│   │   ├── BlockedURL       scheme or address not allowed (private, loopback, …)
│   │   ├── ResponseTooLarge body over the size cap
│   │   └── UnsupportedContent not HTML or text (images, PDFs, binaries)
│   ├── InvalidURL           the link is malformed (bad port, broken brackets, …)
│   ├── ExtractError         no article text could be found
│   ├── DuplicateArticle     the same URL or text is already stored
│   └── FeedError            a feed cannot be subscribed to or read
│       ├── NotAFeed         the document is not RSS or Atom (a web page, not XML, empty)
│       ├── DuplicateFeed    already subscribed to that feed
│       └── FeedBusy         that feed is being polled right now
├── StorageError             the database or the vector index file cannot be used
│   └── IndexFileError       the vector index file is unreadable or of the wrong kind
└── NotFound                 no article or feed with that id or URL
"""

from __future__ import annotations

__all__ = [
    "BlockedURL",
    "DuplicateArticle",
    "DuplicateFeed",
    "ExtractError",
    "FeedBusy",
    "FeedError",
    "FetchError",
    "IndexFileError",
    "IngestError",
    "InvalidURL",
    "NewsbotError",
    "NotAFeed",
    "NotFound",
    "ResponseTooLarge",
    "SettingsError",
    "StorageError",
    "UnsupportedContent",
]


class NewsbotError(Exception):
    """Base class: str(error) is a sentence fit to show a user."""


class SettingsError(NewsbotError):
    """A setting is missing or cannot be parsed."""


class IngestError(NewsbotError):
    """An article could not be added; nothing was stored."""


class FetchError(IngestError):
    """The URL could not be downloaded (unreachable, timed out, HTTP error)."""


class BlockedURL(FetchError):
    """The URL's scheme or address is not allowed."""


class ResponseTooLarge(FetchError):
    """The response body is over the configured size cap."""


class UnsupportedContent(FetchError):
    """The response is not an HTML or text document."""


class InvalidURL(IngestError):
    """The link cannot be parsed (a port that is not a number, an unclosed IPv6 bracket, …)."""


class ExtractError(IngestError):
    """The document has no article text worth indexing."""


class DuplicateArticle(IngestError):
    """The article is already stored; `article_id` names the stored copy."""

    def __init__(self, message: str, article_id: int) -> None:
        super().__init__(message)
        self.article_id = article_id


class StorageError(NewsbotError):
    """The database or the vector index file is damaged, unreadable or cannot be written."""


class IndexFileError(StorageError, RuntimeError):
    """The vector index file is unreadable or holds an index of the wrong kind.

    Also a RuntimeError, the error faiss itself raises, so code that rebuilds the index on
    `RuntimeError` keeps working; the index can always be rebuilt from the database.
    """


class FeedError(IngestError):
    """A feed cannot be subscribed to (bad link, too short an interval) or read."""


class NotAFeed(FeedError):
    """The document at a feed's link is not an RSS or Atom feed; nothing was stored."""


class DuplicateFeed(FeedError):
    """Already subscribed to that feed; `feed_id` names the subscription."""

    def __init__(self, message: str, feed_id: int) -> None:
        super().__init__(message)
        self.feed_id = feed_id


class FeedBusy(FeedError):
    """The feed is being polled right now; one poll at a time per feed."""


class NotFound(NewsbotError):
    """No stored article (or feed) matches the given id or URL."""
