"""Running the MultiHop-RAG evaluation: every question through `Engine.ask`, scored, with variants.

Variants (the ablations) are engines made by `Engine.with_params`, sharing the ingested corpus;
the engine under test is never changed in place.
"""

from __future__ import annotations

import os
import platform
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.dataset import Ingest, load_corpus, load_json, open_corpus_engine, repo_root
from bench.metrics import (
    TOP_K,
    Group,
    QuestionResult,
    score_question,
    summarise,
    summarise_by_type,
)
from index import chunk as chunking
from index.engine import Engine
from index.judge import Judge
from index.settings import Settings

__all__ = ["ABLATIONS", "EvalReport", "Variant", "ask_all", "run_multihop", "run_variants"]


def ask_all(
    engine: Engine,
    queries: Sequence[Mapping[str, Any]],
    bodies: Mapping[str, str],
    progress: bool = False,
) -> list[QuestionResult]:
    """Every question through `engine.ask` (the bot's code path), timed and scored."""
    from tqdm import tqdm

    results: list[QuestionResult] = []
    for query in tqdm(queries, unit="question", disable=not progress, file=sys.stderr):
        started = time.perf_counter()
        answer = engine.ask(str(query["query"]), k=TOP_K)
        seconds = time.perf_counter() - started
        results.append(score_question(query, answer, bodies, seconds))
    return results


def engine_description(settings: Settings, judge: Judge | None = None) -> str:
    """The model, the backends and the answer judge a run used, for the results file's header."""
    if settings.database_url:
        backends = "PostgreSQL: pgvector HNSW and full-text candidates re-scored with BM25"
    else:
        backends = f"{settings.lexical} lexical index"
    judged = ""
    if judge is not None:
        sets = ", ".join(judge.about.get("sets", ())) or "unknown questions"
        judged = f"; answer judge trained on {sets}"
    return f"{settings.embedding_model} ({settings.encoder} encoder, {backends}){judged}"


@dataclass
class EvalReport:
    """Everything one evaluation run measured, with the settings it ran under."""

    queries_file: str
    questions: int
    model: str
    chunking: str
    search_params: dict[str, Any]
    answer_params: dict[str, Any]
    ingest: Ingest
    groups: dict[str, Group]
    date: str = field(default_factory=lambda: datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"))
    machine: str = field(default_factory=lambda: _machine())
    ablations: list[tuple[str, Group]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "benchmark": "MultiHop-RAG",
            "queries_file": self.queries_file,
            "questions": self.questions,
            "date": self.date,
            "machine": self.machine,
            "model": self.model,
            "chunking": self.chunking,
            "search_params": self.search_params,
            "answer_params": self.answer_params,
            "ingest": asdict(self.ingest),
            "groups": {name: asdict(group) for name, group in self.groups.items()},
            "ablations": [{"variant": name, **asdict(group)} for name, group in self.ablations],
        }


def _chunking() -> str:
    """The chunker's defaults (the engine calls it with them), read rather than restated."""
    import inspect

    defaults = inspect.signature(chunking.chunk_spans).parameters
    words = defaults["target_words"].default
    overlap = defaults["overlap_sentences"].default
    return f"sentence-aligned chunks of about {words} words, {overlap} sentence(s) of overlap"


def _machine() -> str:
    return (
        f"{os.cpu_count()} CPU cores, {platform.machine()}, {platform.system()}, Python "
        f"{platform.python_version()}, no GPU"
    )


def _params(value: object) -> dict[str, Any]:
    """A parameter dataclass as plain values (nested ones, like evidence weights, as dicts)."""
    return asdict(value)  # type: ignore[call-overload, no-any-return]


# Each idea switched off (or replaced) on its own, to show what it contributes (`--ablations`):
# (label, SearchParams changes, AnswerParams changes). What each decline signal contributes is
# measured by `newsbot eval fit` (cross-validated, each signal left out in turn), where the
# threshold is re-chosen for each variant so that the figures compare like with like.
Variant = tuple[str, dict[str, Any], dict[str, Any]]
ABLATIONS: list[Variant] = [
    ("reciprocal-rank fusion instead of weighted scores", {"fusion": "rrf"}, {}),
    ("lexical only (BM25)", {"dense_weight": 0.0, "lexical_weight": 1.0}, {}),
    ("dense only (MiniLM cosine)", {"dense_weight": 1.0, "lexical_weight": 0.0}, {}),
    ("no outlet cue", {"outlet_boost": 0.0}, {}),
    ("no date / time cues", {"date_boost": 0.0, "time_boost": 0.0}, {}),
    ("no sub-queries for question parts", {"part_weight": 0.0}, {}),
    ("parts of long questions searched by meaning too", {"part_vector_terms": 1_000}, {}),
    ("no per-article spreading", {"article_penalty": 0.0}, {}),
    ("spreading from rank 1 (keep_top 0)", {"keep_top": 0}, {}),
    ("quotes from up to 3 articles (relative score 0.9)", {}, {"max_articles": 3}),
    (
        "quotes from up to 3 articles (relative score 0.97)",
        {},
        {"max_articles": 3, "relative_article_score": 0.97},
    ),
    ("one quote per answer", {}, {"second_quote_ratio": 2.0, "relative_article_score": 2.0}),
]


def run_variants(
    engine: Engine,
    queries: Sequence[Mapping[str, Any]],
    bodies: Mapping[str, str],
    variants: Sequence[Variant],
    progress: bool = False,
) -> list[tuple[str, Group]]:
    """The overall figures with each variant's parameter changes applied in turn."""
    measured: list[tuple[str, Group]] = []
    for name, search_changes, answer_changes in variants:
        variant = engine.with_params(
            search=replace(engine.search_params, **search_changes),
            answer=replace(engine.answer_params, **answer_changes),
        )
        measured.append((name, summarise(ask_all(variant, queries, bodies, progress))))
    return measured


def run_multihop(
    settings: Settings,
    data_dir: Path,
    queries_name: str = "queries-dev.json",
    work_dir: Path | None = None,
    limit: int | None = None,
    ablations: bool = False,
    progress: bool = False,
    log: Callable[[str], None] = lambda _: None,
    engine_factory: Callable[[Settings], Engine] = Engine,
) -> EvalReport:
    """Ingest (or reuse) the corpus, ask every question, and measure the answers."""
    work_dir = work_dir or repo_root() / ".eval" / "multihop"
    queries = load_json(data_dir / queries_name)
    if limit is not None:
        queries = queries[:limit]
    corpus = load_corpus(data_dir / "corpus.json")
    engine, ingest = open_corpus_engine(settings, corpus, work_dir, log, engine_factory)
    try:
        results = ask_all(engine, queries, corpus.bodies, progress)
        variants = (
            run_variants(engine, queries, corpus.bodies, ABLATIONS, progress) if ablations else []
        )
        return EvalReport(
            queries_file=queries_name,
            questions=len(queries),
            model=engine_description(settings, engine.judge),
            chunking=_chunking(),
            search_params=_params(engine.search_params),
            answer_params=_params(engine.answer_params),
            ingest=ingest,
            groups=summarise_by_type(results),
            ablations=[("full (defaults)", summarise(results)), *variants] if variants else [],
        )
    finally:
        engine.close()
