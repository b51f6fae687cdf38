"""`newsbot bench profile`: where a question's time goes, stage by stage, through `Engine.ask`.

Each stage is timed by wrapping the engine's own parts for one pass over the questions: the
encoder (the question and its parts; the sentences an answer weighs), the lexical and vector
indexes, the store's reads, the searcher and the answer. The report gives milliseconds per
question and each stage's share of the whole; the answers are the ones the bot would give.
"""

from __future__ import annotations

import platform
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.dataset import EvalError, default_data_dir, load_json, repo_root
from bench.metrics import percentile
from bench.natural import DEFAULT_QUESTIONS, load_questions
from bench.report import write_with_json
from index import engine as engine_module
from index.engine import Engine
from index.settings import Settings

__all__ = ["Profile", "format_profile", "profile_questions", "register_cli"]

# (key, label): the stages measured, nested ones after the stage they are part of.
STAGES = [
    ("ask", "whole question (`Engine.ask`)"),
    ("search", "search (`Searcher.search_and_encode`)"),
    ("lexical", "  lexical index queries"),
    ("encode_question", "  encoding the question (and a short question's parts)"),
    ("vectors", "  vector index queries"),
    ("read_candidates", "  reading candidates' vectors and articles"),
    ("read_passages", "  reading the returned passages' texts"),
    ("search_other", "  the rest: fusion, cues, spreading"),
    ("rarity", "rarity of the question's words"),
    ("answer", "answer (`compose_answer`)"),
    ("encode_sentences", "  encoding sentences for the 'said' signal"),
    ("answer_other", "  the rest: sentence splitting, ranking, quotes"),
    ("ask_other", "the rest: reading the question, later-year check, copies"),
]


@dataclass
class Profile:
    """Seconds spent in each stage over all questions, and each question's whole time."""

    questions: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    per_question: list[float] = field(default_factory=list)

    def add(self, stage: str, seconds: float) -> None:
        self.seconds[stage] = self.seconds.get(stage, 0.0) + seconds

    def with_remainders(self) -> dict[str, float]:
        """The stages with what each parent spent outside its measured parts."""
        found = dict(self.seconds)

        def rest(parent: str, parts: Sequence[str]) -> float:
            return max(0.0, found.get(parent, 0.0) - sum(found.get(p, 0.0) for p in parts))

        found["search_other"] = rest(
            "search", ["lexical", "encode_question", "vectors", "read_candidates", "read_passages"]
        )
        found["answer_other"] = rest("answer", ["encode_sentences"])
        found["ask_other"] = rest("ask", ["search", "rarity", "answer"])
        return found


def _timed(profile: Profile, stage: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """`function` timed into `stage`."""

    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            profile.add(stage, time.perf_counter() - started)

    return timed


@contextmanager
def _instrumented(engine: Engine, profile: Profile) -> Iterator[None]:
    """`engine` with its parts timed into `profile`; put back as they were on exit."""
    library, store = engine.library, engine.library.store
    wrapped: list[tuple[object, str]] = []

    def wrap(owner: object, name: str, stage: str) -> None:
        setattr(owner, name, _timed(profile, stage, getattr(owner, name)))
        wrapped.append((owner, name))

    wrap(engine.searcher, "encode", "encode_question")
    wrap(engine.encoder, "encode", "encode_sentences")
    # The searcher's lexical stage, not each query: a question's queries may run side by side.
    wrap(engine.searcher, "lexical_lists", "lexical")
    wrap(library.vectors, "search", "vectors")
    wrap(store, "get_owners_and_vectors", "read_candidates")
    wrap(store, "get_article_heads", "read_candidates")
    wrap(store, "get_chunks", "read_passages")
    wrap(store, "get_articles", "read_passages")
    wrap(engine.searcher, "search_and_encode", "search")
    wrap(engine.searcher, "rarity", "rarity")
    # The engine calls the answer's module-level function by the name it imported.
    name = "compose_answer"
    compose = vars(engine_module)[name]
    setattr(engine_module, name, _timed(profile, "answer", compose))
    try:
        yield
    finally:
        setattr(engine_module, name, compose)
        for owner, name in reversed(wrapped):
            delattr(owner, name)  # the instance attribute goes; the method shows again


def profile_questions(engine: Engine, questions: Sequence[str], warm_up: int = 5) -> Profile:
    """Ask every question once with each stage timed (after `warm_up` untimed questions)."""
    for question in questions[:warm_up]:
        engine.ask(question)
    profile = Profile(questions=len(questions))
    with _instrumented(engine, profile):
        for question in questions:
            started = time.perf_counter()
            engine.ask(question)
            elapsed = time.perf_counter() - started
            profile.add("ask", elapsed)
            profile.per_question.append(elapsed)
    return profile


def format_profile(profile: Profile, heading: str, details: Sequence[str]) -> str:
    stages = profile.with_remainders()
    whole = stages.get("ask", 0.0) or 1.0
    count = profile.questions or 1
    times = [t * 1000 for t in profile.per_question]
    lines = [
        f"# Where a question's time goes: {heading}",
        "",
        *details,
        "",
        f"Whole question: p50 {percentile(times, 50):.1f} ms, p95 {percentile(times, 95):.1f} ms, "
        f"mean {statistics.fmean(times) if times else 0.0:.1f} ms over {profile.questions} "
        "questions.",
        "",
        "| stage | ms per question | share of the whole |",
        "|---|---:|---:|",
    ]
    for key, label in STAGES:
        seconds = stages.get(key, 0.0)
        shown = label.replace("  ", "&nbsp;&nbsp;&nbsp;", 1) if label.startswith("  ") else label
        lines.append(f"| {shown} | {seconds / count * 1000:.1f} | {seconds / whole:.2f} |")
    lines += [
        "",
        "Each stage is timed around the engine's own method for it (indented stages are parts "
        "of the stage above them; 'the rest' is that stage's time outside its measured parts). "
        "The timers add a few microseconds per call.",
        "",
    ]
    return "\n".join(lines)


def _question_texts(kind: str, data: Path, count: int) -> list[str]:
    if kind == "natural":
        return [q.question for q in load_questions(DEFAULT_QUESTIONS)][:count]
    queries = load_json(data / "queries-dev.json")
    return [str(q["query"]) for q in queries[:count]]


def cmd_profile(settings: Settings, args: Any) -> int:
    """The `bench profile` command, on newsbot's --data-dir (default: the evaluation corpus)."""
    data_dir = args.data_dir or repo_root() / ".eval" / "multihop"
    settings = replace(settings, data_dir=data_dir)
    try:
        questions = _question_texts(args.questions, Path(args.data), args.count)
    except EvalError as error:
        print(error, file=sys.stderr)
        return 1
    if settings.database_url is None and not (data_dir / "newsbot.sqlite3").is_file():
        print(
            f"There is no corpus in {data_dir}: run `newsbot eval multihop` first (it ingests "
            "the evaluation corpus there) or pass --data-dir.",
            file=sys.stderr,
        )
        return 1
    with Engine(settings) as engine:
        profile = profile_questions(engine, questions)
        runtime = getattr(engine.encoder, "runtime", type(engine.encoder).__name__)
        stats = engine.stats()
        backend = "PostgreSQL" if settings.database_url else f"{settings.lexical} lexical index"
        details = [
            f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC with `newsbot bench profile "
            f"--questions {args.questions}` on {platform.machine()}, Python "
            f"{platform.python_version()}; model {settings.embedding_model} ({runtime}), "
            f"{backend}; corpus {stats.articles} articles, {stats.chunks} passages.",
        ]
    text = format_profile(profile, f"{args.questions} questions", details)
    print(text)
    if args.results != "-":
        path = Path(args.results or repo_root() / "results" / f"profile-{args.questions}.md")
        summary = {
            "questions": profile.questions,
            "ms_per_question": {
                key: round(seconds / (profile.questions or 1) * 1000, 2)
                for key, seconds in profile.with_remainders().items()
            },
        }
        write_with_json(path, text, summary)
    return 0


def register_cli(commands: Any) -> None:
    """Add `bench profile` under the `bench` command's subcommands."""
    profile = commands.add_parser(
        "profile",
        help="where a question's time goes, stage by stage",
        description="Ask questions through Engine.ask with each stage timed (encoding, "
        "lexical and vector search, reads, answer) and report ms per question and each "
        "stage's share. The corpus is newsbot's --data-dir (default: the evaluation corpus, "
        ".eval/multihop, as `newsbot eval multihop` builds it).",
    )
    profile.add_argument(
        "--questions",
        choices=["multihop", "natural"],
        default="multihop",
        help="MultiHop-RAG development questions (long) or the natural ones (short, typed)",
    )
    profile.add_argument("--count", type=int, default=200, help="questions asked (default 200)")
    profile.add_argument(
        "--data",
        default=str(default_data_dir()),
        help="MultiHop-RAG folder with queries-dev.json",
    )
    profile.add_argument(
        "--results",
        default=None,
        help="Markdown results file, with a .json twin (default "
        "results/profile-QUESTIONS.md); - to write none",
    )
    profile.set_defaults(handler=cmd_profile, standalone=True)
