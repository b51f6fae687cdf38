"""The newsbot engine: ingest news articles, index them, answer questions with verbatim quotes.

The public API is re-exported here. Heavy parts (FAISS, the engine facade, fetching) are imported
on first use, so `from index import Answer` stays light: the bot's pure rendering module and the
CLI's listing commands never load FAISS or torch just to name a dataclass.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from index.clock import Clock, FixedClock, SystemClock
from index.errors import (
    BlockedURL,
    DuplicateArticle,
    DuplicateFeed,
    ExtractError,
    FeedBusy,
    FeedError,
    FetchError,
    IndexFileError,
    IngestError,
    InvalidURL,
    NewsbotError,
    NotAFeed,
    NotFound,
    ResponseTooLarge,
    SettingsError,
    StorageError,
    UnsupportedContent,
)
from index.models import (
    Answer,
    Article,
    ArticleDraft,
    Chunk,
    Feed,
    FeedPoll,
    Holdings,
    IngestOutcome,
    Passage,
    Quote,
    Stage,
    Stats,
)

if TYPE_CHECKING:
    from index.answer import AnswerParams
    from index.async_engine import AsyncEngine
    from index.embed import Encoder, HashingEncoder, SentenceTransformerEncoder
    from index.embed_onnx import OnnxEncoder, RuntimeEncoder
    from index.engine import Engine
    from index.fetch import make_client
    from index.search import SearchParams
    from index.settings import Settings

# Name → module for the parts imported on first use.
_LAZY = {
    "AnswerParams": "index.answer",
    "AsyncEngine": "index.async_engine",
    "Encoder": "index.embed",
    "HashingEncoder": "index.embed",
    "SentenceTransformerEncoder": "index.embed",
    "OnnxEncoder": "index.embed_onnx",
    "RuntimeEncoder": "index.embed_onnx",
    "Engine": "index.engine",
    "make_client": "index.fetch",
    "SearchParams": "index.search",
    "Settings": "index.settings",
}

__all__ = [
    "Answer",
    "AnswerParams",
    "Article",
    "ArticleDraft",
    "AsyncEngine",
    "BlockedURL",
    "Chunk",
    "Clock",
    "DuplicateArticle",
    "DuplicateFeed",
    "Encoder",
    "Engine",
    "ExtractError",
    "Feed",
    "FeedBusy",
    "FeedError",
    "FeedPoll",
    "FetchError",
    "FixedClock",
    "HashingEncoder",
    "Holdings",
    "IndexFileError",
    "IngestError",
    "IngestOutcome",
    "InvalidURL",
    "NewsbotError",
    "NotAFeed",
    "NotFound",
    "OnnxEncoder",
    "Passage",
    "Quote",
    "ResponseTooLarge",
    "RuntimeEncoder",
    "SearchParams",
    "SentenceTransformerEncoder",
    "Settings",
    "SettingsError",
    "Stage",
    "Stats",
    "StorageError",
    "SystemClock",
    "UnsupportedContent",
    "make_client",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'index' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value
