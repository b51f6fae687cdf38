"""The MultiHop-RAG files and the scratch corpus: loading, fingerprinting, ingesting once.

The corpus is read in place from `../shared/data/multihop-rag` (or `--data`), never copied into
the repository; its ingested copy lives in `.eval/` and is reused while the corpus file, the
extracted text, the chunking and the model are unchanged.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date
from pathlib import Path
from typing import Any

from index import chunk as chunking
from index.database import MIGRATIONS
from index.engine import Engine
from index.errors import IngestError, NewsbotError
from index.extract import draft_from_record
from index.library import DATABASE_FILE, VECTORS_FILE
from index.models import ArticleDraft, Stage
from index.settings import Settings

__all__ = [
    "Corpus",
    "EvalError",
    "Ingest",
    "default_data_dir",
    "load_corpus",
    "load_json",
    "newest_day",
    "open_corpus_engine",
    "repo_root",
    "sample_corpus",
]

_PACKAGE_DIR = Path(__file__).resolve().parent


class EvalError(NewsbotError):
    """The benchmark files are missing or unreadable."""


def repo_root() -> Path:
    """The checkout this package runs from, or the working directory for an installed copy."""
    root = _PACKAGE_DIR.parent
    return root if (root / "pyproject.toml").is_file() else Path.cwd()


def default_data_dir() -> Path:
    value = os.environ.get("NEWSBOT_MULTIHOP_DIR", "").strip()
    if value:
        return Path(value).expanduser()
    return (repo_root() / ".." / "shared" / "data" / "multihop-rag").resolve()


def load_json(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        raise EvalError(
            f"There is no {path}. Point --data (or NEWSBOT_MULTIHOP_DIR) at the MultiHop-RAG "
            "directory holding corpus.json and the query files."
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeError, json.JSONDecodeError) as error:
        raise EvalError(f"{path} could not be read ({error}).") from None
    if not isinstance(data, list):
        raise EvalError(f"{path} is not a JSON array.")
    return data


@dataclass(frozen=True)
class Corpus:
    """The benchmark's articles as drafts, and their original bodies by URL."""

    path: Path
    drafts: list[ArticleDraft]
    bodies: dict[str, str]
    sha256: str

    def fingerprint(self, model: str) -> str:
        """Changes when the corpus file, the extracted text, the chunking, the model or the
        database schema (and with it what ingest keeps: story copies, updates) does."""
        digest = hashlib.sha256(self.sha256.encode())
        digest.update(model.encode())
        digest.update(f"schema {len(MIGRATIONS)}".encode())
        for draft in self.drafts:
            spans = chunking.chunk_spans(draft.text)
            digest.update(f"{len(draft.text)}:{[(s.start, s.end) for s in spans]}".encode())
        return digest.hexdigest()


def newest_day(corpus: Corpus) -> date | None:
    """The day the corpus's newest article was published: when questions written about its
    stories are asked ("this week", "this year" and "latest" read from that day, not today)."""
    days = [d.published_at for d in corpus.drafts if d.published_at is not None]
    return max(days).astimezone(UTC).date() if days else None


def sample_corpus(corpus: Corpus, keep: set[str], others: int, seed: int = 0) -> Corpus:
    """The articles at the URLs in `keep` plus `others` more drawn at random (fixed `seed`):
    a smaller corpus for a slow model, still with distractors around every gold article."""
    kept = [d for d in corpus.drafts if (d.url or "") in keep]
    rest = [d for d in corpus.drafts if (d.url or "") not in keep]
    drawn = random.Random(seed).sample(rest, min(others, len(rest)))
    chosen = {id(d) for d in (*kept, *drawn)}
    drafts = [d for d in corpus.drafts if id(d) in chosen]  # in the corpus's order
    urls = {d.url or "" for d in drafts}
    digest = hashlib.sha256(f"{corpus.sha256} sample {sorted(urls)}".encode()).hexdigest()
    bodies = {url: body for url, body in corpus.bodies.items() if url in urls}
    return Corpus(corpus.path, drafts, bodies, digest)


def load_corpus(path: Path) -> Corpus:
    """The articles of a MultiHop-RAG `corpus.json`."""
    records = load_json(path)
    drafts: list[ArticleDraft] = []
    bodies: dict[str, str] = {}
    for number, record in enumerate(records, start=1):
        try:
            drafts.append(draft_from_record(record))
        except IngestError as error:
            raise EvalError(f"{path} record {number}: {error}") from None
        bodies[str(record.get("url") or "").strip()] = str(record.get("body") or "")
    return Corpus(path, drafts, bodies, hashlib.sha256(path.read_bytes()).hexdigest())


@dataclass
class Ingest:
    """How the scratch corpus was obtained: ingested now, or reused from an earlier run."""

    reused: bool
    seconds: float
    articles: int
    passages: int


def open_corpus_engine(
    settings: Settings,
    corpus: Corpus,
    work_dir: Path,
    log: Callable[[str], None] = lambda _: None,
    engine_factory: Callable[[Settings], Engine] = Engine,
) -> tuple[Engine, Ingest]:
    """An engine over the benchmark corpus in `work_dir`, ingesting it unless already there."""
    work_dir.mkdir(parents=True, exist_ok=True)
    stamp = work_dir / "fingerprint.json"
    previous: dict[str, Any] = {}
    if stamp.is_file():
        try:
            previous = json.loads(stamp.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            previous = {}
    engine = engine_factory(replace(settings, data_dir=work_dir))
    fingerprint = corpus.fingerprint(engine.encoder.name)
    held = settings.database_url or (work_dir / DATABASE_FILE).exists()
    if previous.get("fingerprint") == fingerprint and held:
        engine.open()
        stats = engine.stats()
        if stats.articles == previous.get("articles"):
            log(f"Reusing the ingested corpus in {work_dir}")
            return engine, Ingest(
                True, float(previous.get("seconds", 0.0)), stats.articles, stats.chunks
            )
        engine.close()
    if settings.database_url:
        # A shared database is never emptied here: it may be someone's bot. Fill an empty one.
        engine.open()
        if engine.stats().articles:
            engine.close()
            raise NewsbotError(
                "The database at NEWSBOT_DATABASE_URL holds articles but not this corpus as "
                f"ingested in {work_dir}; evaluate on an empty database, or copy the corpus "
                f"there with: newsbot --data-dir {work_dir} migrate --to URL"
            )
        engine.close()
        log(f"Ingesting {len(corpus.drafts)} articles into the database (takes a few minutes)")
    else:
        log(f"Ingesting {len(corpus.drafts)} articles into {work_dir} (takes a few minutes)")
        for name in (DATABASE_FILE, f"{DATABASE_FILE}-wal", f"{DATABASE_FILE}-shm", VECTORS_FILE):
            (work_dir / name).unlink(missing_ok=True)
    stamp.unlink(missing_ok=True)
    engine = engine_factory(replace(settings, data_dir=work_dir)).open()
    started = time.perf_counter()
    failures = [o for o in engine.add_drafts(corpus.drafts) if o.stage is not Stage.ADDED]
    seconds = time.perf_counter() - started
    if failures:
        log(f"{len(failures)} articles were not added, e.g.: {failures[0].message}")
    stats = engine.stats()
    stamp.write_text(
        json.dumps(
            {
                "fingerprint": fingerprint,
                "seconds": round(seconds, 2),
                "articles": stats.articles,
                "passages": stats.chunks,
            }
        ),
        encoding="utf-8",
    )
    return engine, Ingest(False, seconds, stats.articles, stats.chunks)
