"""The newsbot engine: ingest news articles, index them, answer questions with verbatim quotes."""

from __future__ import annotations

from index.answer import AnswerParams
from index.embed import Encoder, HashingEncoder, SentenceTransformerEncoder
from index.engine import Engine, IngestOutcome
from index.errors import (
    BlockedURL,
    DuplicateArticle,
    ExtractError,
    FetchError,
    IndexFileError,
    IngestError,
    InvalidURL,
    NewsbotError,
    NotFound,
    ResponseTooLarge,
    SettingsError,
    StorageError,
    UnsupportedContent,
)
from index.fetch import make_client
from index.models import Answer, Article, ArticleDraft, Chunk, Passage, Quote, Stats
from index.search import SearchParams
from index.settings import Settings

__all__ = [
    "Answer",
    "AnswerParams",
    "Article",
    "ArticleDraft",
    "BlockedURL",
    "Chunk",
    "DuplicateArticle",
    "Encoder",
    "Engine",
    "ExtractError",
    "FetchError",
    "HashingEncoder",
    "IndexFileError",
    "IngestError",
    "IngestOutcome",
    "InvalidURL",
    "NewsbotError",
    "NotFound",
    "Passage",
    "Quote",
    "ResponseTooLarge",
    "SearchParams",
    "SentenceTransformerEncoder",
    "Settings",
    "SettingsError",
    "Stats",
    "StorageError",
    "UnsupportedContent",
    "make_client",
]
