"""Answer quality on the MultiHop-RAG news benchmark: `newsbot eval multihop`.

The corpus is ingested through the engine into a scratch directory (reused while the corpus,
the model and the chunking are unchanged), every question goes through `Engine.ask` exactly as
the bot's do, and the answers are scored against the gold evidence. The metric functions at the
top are small and pure so that tests can pin them down on hand-made cases.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import sys
import time
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from index import chunk as chunking
from index.engine import DATABASE_FILE, VECTORS_FILE, Engine
from index.errors import IngestError, NewsbotError
from index.extract import draft_from_record
from index.models import Answer, ArticleDraft
from index.settings import Settings

__all__ = [
    "QUESTION_TYPES",
    "EvalReport",
    "Group",
    "QuestionResult",
    "all_gold_found",
    "article_recall",
    "distinct",
    "hit_flags",
    "hits_at",
    "is_verbatim",
    "percentile",
    "reciprocal_rank",
    "register_cli",
    "run_multihop",
    "score_question",
    "squash",
    "summarise",
]

QUESTION_TYPES = ("inference_query", "comparison_query", "temporal_query", "null_query")
NULL_TYPE = "null_query"
TOP_K = 10
_PACKAGE_DIR = Path(__file__).resolve().parent


class EvalError(NewsbotError):
    """The benchmark files are missing or unreadable."""


# -- metrics: small pure functions ---------------------------------------------------------


def squash(text: str) -> str:
    """`text` with spaces and line breaks removed, as the paper compares facts with passages."""
    return "".join(text.split())


def hit_flags(passages: Sequence[str], facts: Iterable[str]) -> list[bool]:
    """For each passage in rank order: does it contain a gold fact (whitespace ignored)?"""
    squashed = [squash(f) for f in facts]
    squashed = [f for f in squashed if f]
    return [any(f in squash(p) for f in squashed) for p in passages]


def hits_at(flags: Sequence[bool], k: int) -> float:
    """1.0 when one of the first `k` passages is a hit, else 0.0."""
    return 1.0 if any(flags[:k]) else 0.0


def reciprocal_rank(flags: Sequence[bool], k: int = TOP_K) -> float:
    """1 / rank of the first hit among the first `k` passages, 0.0 when there is none."""
    for rank, flag in enumerate(flags[:k], start=1):
        if flag:
            return 1.0 / rank
    return 0.0


def distinct(keys: Iterable[str]) -> list[str]:
    """`keys` without repeats, first occurrence order kept."""
    return list(dict.fromkeys(keys))


def article_recall(retrieved: Iterable[str], gold: Collection[str]) -> float:
    """Share of the distinct gold articles found among the retrieved ones (1.0 with no gold)."""
    wanted = set(gold)
    if not wanted:
        return 1.0
    return len(wanted & set(retrieved)) / len(wanted)


def all_gold_found(retrieved: Iterable[str], gold: Collection[str]) -> bool:
    """Whether every gold article is among the retrieved ones."""
    return set(gold) <= set(retrieved)


def is_verbatim(quote: str, source: str) -> bool:
    """Whether a (non-empty) quote occurs word for word, character for character, in `source`."""
    return bool(quote) and quote in source


def percentile(values: Sequence[float], q: float) -> float:
    """The `q`-th percentile (0–100) by linear interpolation; 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100.0
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass(frozen=True)
class QuestionResult:
    """How one question was answered, reduced to what the metrics need."""

    qid: int
    question_type: str
    answerable: bool
    answered: bool
    flags: tuple[bool, ...]
    gold_articles: tuple[str, ...]
    retrieved_articles: tuple[str, ...]
    quotes: int
    quotes_from_gold: int
    quotes_verbatim: int
    seconds: float

    @property
    def article_recall(self) -> float:
        return article_recall(self.retrieved_articles, self.gold_articles)

    @property
    def all_gold(self) -> bool:
        return all_gold_found(self.retrieved_articles, self.gold_articles)


def score_question(
    query: Mapping[str, Any],
    answer: Answer,
    bodies: Mapping[str, str],
    seconds: float = 0.0,
    k: int = TOP_K,
) -> QuestionResult:
    """Score one answer against a MultiHop-RAG query record.

    Articles are identified by URL; `bodies` maps each corpus URL to its original `body`, the
    text every quote must be found in.
    """
    evidence = query.get("evidence_list") or []
    gold = distinct(str(e["url"]).strip() for e in evidence)
    passages = answer.passages[:k]
    flags = hit_flags([p.chunk.text for p in passages], [str(e["fact"]) for e in evidence])
    retrieved = distinct(p.article.url or f"#{p.article.id}" for p in passages)
    from_gold = verbatim = 0
    for quote in answer.quotes:
        url = quote.article.url or ""
        from_gold += url in gold
        # Both: the quote is the stored text it claims to be, and that is in the original body.
        verbatim += quote.article.text[quote.start : quote.end] == quote.text and is_verbatim(
            quote.text, bodies.get(url, "")
        )
    return QuestionResult(
        qid=int(query.get("qid", -1)),
        question_type=str(query["question_type"]),
        answerable=bool(gold),
        answered=answer.answered,
        flags=tuple(flags),
        gold_articles=tuple(gold),
        retrieved_articles=tuple(retrieved),
        quotes=len(answer.quotes),
        quotes_from_gold=from_gold,
        quotes_verbatim=verbatim,
        seconds=seconds,
    )


@dataclass(frozen=True)
class Group:
    """The figures of one set of questions (all of them, or one question type).

    Retrieval figures and quote precision cover answerable questions only; `null_declined`
    covers the null questions; `None` means the group has no question of that kind.
    """

    questions: int
    answerable: int
    hits_at_4: float | None
    hits_at_10: float | None
    mrr_at_10: float | None
    article_recall_at_10: float | None
    all_gold_at_10: float | None
    quotes: int
    quote_precision: float | None
    verbatim_rate: float | None
    answerable_answered: float | None
    null_questions: int
    null_declined: float | None
    p50_ms: float
    p95_ms: float


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def summarise(results: Sequence[QuestionResult]) -> Group:
    """Aggregate question results into the reported figures."""
    answerable = [r for r in results if r.answerable]
    nulls = [r for r in results if not r.answerable]
    answerable_quotes = sum(r.quotes for r in answerable)
    all_quotes = sum(r.quotes for r in results)
    millis = [r.seconds * 1000.0 for r in results]
    return Group(
        questions=len(results),
        answerable=len(answerable),
        hits_at_4=_mean([hits_at(r.flags, 4) for r in answerable]),
        hits_at_10=_mean([hits_at(r.flags, 10) for r in answerable]),
        mrr_at_10=_mean([reciprocal_rank(r.flags, 10) for r in answerable]),
        article_recall_at_10=_mean([r.article_recall for r in answerable]),
        all_gold_at_10=_mean([1.0 if r.all_gold else 0.0 for r in answerable]),
        quotes=all_quotes,
        quote_precision=(
            sum(r.quotes_from_gold for r in answerable) / answerable_quotes
            if answerable_quotes
            else None
        ),
        verbatim_rate=sum(r.quotes_verbatim for r in results) / all_quotes if all_quotes else None,
        answerable_answered=_mean([1.0 if r.answered else 0.0 for r in answerable]),
        null_questions=len(nulls),
        null_declined=_mean([0.0 if r.answered else 1.0 for r in nulls]),
        p50_ms=percentile(millis, 50),
        p95_ms=percentile(millis, 95),
    )


def summarise_by_type(results: Sequence[QuestionResult]) -> dict[str, Group]:
    """`all` first, then one group per question type present, in the benchmark's order."""
    groups = {"all": summarise(results)}
    present = {r.question_type for r in results}
    ordered = [t for t in QUESTION_TYPES if t in present] + sorted(present - set(QUESTION_TYPES))
    for question_type in ordered:
        groups[question_type] = summarise([r for r in results if r.question_type == question_type])
    return groups


# -- the benchmark files -------------------------------------------------------------------


def repo_root() -> Path:
    """The checkout this package runs from, or the working directory for an installed copy."""
    root = _PACKAGE_DIR.parent
    return root if (root / "pyproject.toml").is_file() else Path.cwd()


def default_data_dir() -> Path:
    value = os.environ.get("NEWSBOT_MULTIHOP_DIR", "").strip()
    if value:
        return Path(value).expanduser()
    return (repo_root() / ".." / "shared" / "data" / "multihop-rag").resolve()


def _load_json(path: Path) -> list[dict[str, Any]]:
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
        """Changes when the corpus file, the extracted text, the chunking or the model does."""
        digest = hashlib.sha256(self.sha256.encode())
        digest.update(model.encode())
        for draft in self.drafts:
            spans = chunking.chunk_spans(draft.text)
            digest.update(f"{len(draft.text)}:{[(s.start, s.end) for s in spans]}".encode())
        return digest.hexdigest()


def load_corpus(path: Path) -> Corpus:
    """The articles of a MultiHop-RAG `corpus.json`."""
    records = _load_json(path)
    drafts: list[ArticleDraft] = []
    bodies: dict[str, str] = {}
    for number, record in enumerate(records, start=1):
        try:
            drafts.append(draft_from_record(record))
        except IngestError as error:
            raise EvalError(f"{path} record {number}: {error}") from None
        bodies[str(record.get("url") or "").strip()] = str(record.get("body") or "")
    return Corpus(path, drafts, bodies, hashlib.sha256(path.read_bytes()).hexdigest())


# -- running -------------------------------------------------------------------------------


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
    if previous.get("fingerprint") == fingerprint and (work_dir / DATABASE_FILE).exists():
        engine.open()
        stats = engine.stats()
        if stats.articles == previous.get("articles"):
            log(f"Reusing the ingested corpus in {work_dir}")
            return engine, Ingest(
                True, float(previous.get("seconds", 0.0)), stats.articles, stats.chunks
            )
        engine.close()
    log(f"Ingesting {len(corpus.drafts)} articles into {work_dir} (takes a few minutes)")
    stamp.unlink(missing_ok=True)
    for name in (DATABASE_FILE, f"{DATABASE_FILE}-wal", f"{DATABASE_FILE}-shm", VECTORS_FILE):
        (work_dir / name).unlink(missing_ok=True)
    engine = engine_factory(replace(settings, data_dir=work_dir)).open()
    started = time.perf_counter()
    failures = [r for r in engine.add_drafts(corpus.drafts) if isinstance(r, IngestError)]
    seconds = time.perf_counter() - started
    if failures:
        log(f"{len(failures)} articles were not added, e.g.: {failures[0]}")
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
    return {f.name: getattr(value, f.name) for f in fields(value)}  # type: ignore[arg-type]


# Each idea switched off (or replaced) on its own, to show what it contributes (`--ablations`):
# (label, SearchParams changes, AnswerParams changes). Where a decline signal is dropped, the
# threshold is re-chosen so that about 98% of answerable development questions are answered,
# as at the defaults, so the null-declined figures compare like with like.
Variant = tuple[str, dict[str, Any], dict[str, Any]]
ABLATIONS: list[Variant] = [
    ("reciprocal-rank fusion instead of weighted scores", {"fusion": "rrf"}, {}),
    ("lexical only (BM25)", {"dense_weight": 0.0, "lexical_weight": 1.0}, {}),
    ("dense only (MiniLM cosine)", {"dense_weight": 1.0, "lexical_weight": 0.0}, {}),
    ("no outlet cue", {"outlet_boost": 0.0}, {}),
    ("no date / time cues", {"date_boost": 0.0, "time_boost": 0.0}, {}),
    ("no sub-queries for question parts", {"part_weight": 0.0}, {}),
    ("no per-article spreading", {"article_penalty": 0.0}, {}),
    ("spreading from rank 1 (keep_top 0)", {"keep_top": 0}, {}),
    (
        "decline on cosine alone",
        {},
        {
            "names_weight": 0.0,
            "coverage_weight": 0.0,
            "unknown_source_penalty": 0.0,
            "min_evidence": 0.43,
        },
    ),
    (
        "decline without the unknown-source cue",
        {},
        {"unknown_source_penalty": 0.0, "min_evidence": 0.92},
    ),
    ("decline without the names cue", {}, {"names_weight": 0.0, "min_evidence": 0.61}),
    ("decline without sentence coverage", {}, {"coverage_weight": 0.0, "min_evidence": 0.69}),
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
    base_search, base_answer = engine.search_params, engine.answer_params
    measured: list[tuple[str, Group]] = []
    try:
        for name, search_changes, answer_changes in variants:
            engine.search_params = replace(base_search, **search_changes)
            engine.answer_params = replace(base_answer, **answer_changes)
            measured.append((name, summarise(ask_all(engine, queries, bodies, progress))))
    finally:
        engine.search_params, engine.answer_params = base_search, base_answer
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
    queries = _load_json(data_dir / queries_name)
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
            model=settings.embedding_model,
            chunking=_chunking(),
            search_params=_params(engine.search_params),
            answer_params=_params(engine.answer_params),
            ingest=ingest,
            groups=summarise_by_type(results),
            ablations=[("full (defaults)", summarise(results)), *variants] if variants else [],
        )
    finally:
        engine.close()


# -- reporting -----------------------------------------------------------------------------

_COLUMNS: list[tuple[str, str]] = [
    ("questions", "questions"),
    ("hits_at_4", "Hits@4"),
    ("hits_at_10", "Hits@10"),
    ("mrr_at_10", "MRR@10"),
    ("article_recall_at_10", "article recall@10"),
    ("all_gold_at_10", "all gold in top 10"),
    ("quote_precision", "quote precision"),
    ("verbatim_rate", "verbatim"),
    ("answerable_answered", "answerable answered"),
    ("null_declined", "null declined"),
    ("p50_ms", "p50 ms"),
    ("p95_ms", "p95 ms"),
]


def _cell(value: object) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.3f}" if value <= 1.0 else f"{value:.1f}"
    return str(value)


def _table(rows: Sequence[tuple[str, Group]], first: str) -> list[str]:
    header = [first, *[label for _, label in _COLUMNS]]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for name, group in rows:
        cells = [name, *[_cell(getattr(group, key)) for key, _ in _COLUMNS]]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def format_text(report: EvalReport) -> str:
    """The figures as a plain-text block for the terminal."""
    ingest = report.ingest
    lines = [
        f"MultiHop-RAG {report.queries_file}: {report.questions} questions, "
        f"{ingest.articles} articles, {ingest.passages} passages",
        f"ingest: {ingest.seconds:.1f} s"
        + (" (reused from an earlier run)" if ingest.reused else ""),
    ]
    width = max(len(label) for _, label in _COLUMNS)
    names = list(report.groups)
    lines.append(" " * width + "".join(f"{n.replace('_query', ''):>12}" for n in names))
    for key, label in _COLUMNS:
        values = [_cell(getattr(report.groups[n], key)) for n in names]
        lines.append(f"{label:<{width}}" + "".join(f"{v:>12}" for v in values))
    return "\n".join(lines)


def format_markdown(report: EvalReport, command: str, notes: str = "") -> str:
    """The results file: figures, the settings they were measured with, and ablations."""
    ingest = report.ingest
    lines = [
        "# MultiHop-RAG: answer quality on the development questions",
        "",
        f"Measured {report.date} with `{command}`.",
        "",
        f"- Questions: `{report.queries_file}`, {report.questions} questions; corpus "
        f"{ingest.articles} articles, {ingest.passages} passages.",
        f"- Machine: {report.machine}.",
        f"- Model: {report.model}; chunking: {report.chunking}.",
        f"- Ingest: {ingest.seconds:.1f} s"
        + (
            " (measured when the scratch corpus was built; reused for this run)."
            if ingest.reused
            else "."
        ),
        f"- SearchParams: `{_compact(report.search_params)}`",
        f"- AnswerParams: `{_compact(report.answer_params)}`",
        "",
        "Hits@k and MRR@10 in the paper's sense over the top-10 passages (a passage is a hit when",
        "a gold fact, whitespace removed, is a substring of it likewise); article recall@10 over",
        "the distinct articles of the top-10 passages; retrieval figures and quote precision over",
        "answerable questions only; verbatim = quotes found character for character in the",
        "original `corpus.json` body; times are per question through `Engine.ask`, model loaded.",
        "",
        *_table([(n, g) for n, g in report.groups.items()], "question type"),
        "",
    ]
    if report.ablations:
        lines += [
            "## Ablations",
            "",
            "Overall figures with one idea switched off (or changed) at a time, everything else",
            "at the defaults above.",
            "",
            *_table(report.ablations, "variant"),
            "",
        ]
    if notes:
        lines += [notes.rstrip(), ""]
    return "\n".join(lines)


def _compact(params: Mapping[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in params.items())


NOTES_MARKER = "<!-- notes: kept when the file is rewritten -->"


def _kept_notes(path: Path) -> str:
    """Hand-written notes below the marker in an existing results file survive a rewrite."""
    if not path.is_file():
        return ""
    text = path.read_text(encoding="utf-8")
    position = text.find(NOTES_MARKER)
    return text[position:] if position >= 0 else ""


def write_results(report: EvalReport, path: Path, command: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    markdown = format_markdown(report, command, _kept_notes(path))
    path.write_text(markdown, encoding="utf-8")
    path.with_suffix(".json").write_text(
        json.dumps(report.to_json(), indent=2) + "\n", encoding="utf-8"
    )


def cmd_eval_multihop(settings: Settings, args: Any) -> int:
    """The `eval multihop` command."""
    progress = sys.stderr.isatty() and not args.json

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    report = run_multihop(
        settings,
        args.data,
        queries_name=args.queries,
        work_dir=args.work_dir,
        limit=args.limit,
        ablations=args.ablations,
        progress=progress,
        log=log,
    )
    if args.json:
        print(json.dumps(report.to_json(), indent=2))
    else:
        print(format_text(report))
    if args.results is not None and str(args.results) != "-":
        command = "newsbot eval multihop" + "".join(
            f" {a}" for a in sys.argv[3:] if sys.argv[1:3] == ["eval", "multihop"]
        )
        write_results(report, args.results, command)
        log(f"Results written to {args.results} and {args.results.with_suffix('.json')}")
    return 0


def register_cli(commands: Any) -> None:
    """Add `eval multihop` to the `newsbot` command line."""
    evaluate = commands.add_parser("eval", help="measure answer quality on a benchmark")
    benchmarks = evaluate.add_subparsers(dest="benchmark", required=True, metavar="BENCHMARK")
    multihop = benchmarks.add_parser(
        "multihop",
        help="MultiHop-RAG: retrieval, quotes and declines on news questions",
        description="Ingest the MultiHop-RAG corpus into a scratch directory (reused while "
        "unchanged), ask every question as the bot would, and report Hits@4/10, MRR@10, "
        "article recall, quote precision, verbatim rate, declines and latency.",
    )
    multihop.add_argument(
        "--data",
        type=Path,
        default=default_data_dir(),
        help="directory with corpus.json and the query files "
        "(default: $NEWSBOT_MULTIHOP_DIR or ../shared/data/multihop-rag)",
    )
    multihop.add_argument(
        "--queries",
        default="queries-dev.json",
        help="query file name inside --data (default: queries-dev.json)",
    )
    multihop.add_argument(
        "--work-dir",
        type=Path,
        default=repo_root() / ".eval" / "multihop",
        help="scratch data directory for the ingested corpus "
        "(default: .eval/multihop in the checkout)",
    )
    multihop.add_argument("--limit", type=int, help="only the first N questions")
    multihop.add_argument(
        "--results",
        type=Path,
        default=repo_root() / "results" / "multihop-dev.md",
        help="Markdown results file, with a .json twin; - to write none "
        "(default: results/multihop-dev.md)",
    )
    multihop.add_argument(
        "--ablations",
        action="store_true",
        help="also measure each tuning idea switched off (slower)",
    )
    multihop.add_argument("--json", action="store_true", help="print the figures as JSON")
    multihop.set_defaults(handler=cmd_eval_multihop, standalone=True)
