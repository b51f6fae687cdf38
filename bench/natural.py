"""`newsbot eval natural`: answers to questions as people type them, scored per kind of question.

The questions (`bench/data/natural/questions.jsonl`, written by hand over the MultiHop-RAG
corpus) are answerable from one story, need two stories, or are out of scope in one of several
ways (near misses, other dates, small talk, live data, …); some are in Russian or Ukrainian.
Each goes through `Engine.ask` as the bot's questions do; the scoring below is pure.
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from bench.dataset import (
    EvalError,
    Ingest,
    load_corpus,
    newest_day,
    open_corpus_engine,
    repo_root,
    sample_corpus,
)
from bench.metrics import percentile, squash
from bench.report import cell, kept_notes
from bench.run import engine_description
from bench.written import rewritten
from index.clock import as_of
from index.engine import Engine
from index.models import Answer
from index.settings import Settings

__all__ = [
    "DEFAULT_QUESTIONS",
    "GoldFact",
    "NaturalGroup",
    "NaturalQuestion",
    "NaturalResult",
    "format_natural_markdown",
    "load_questions",
    "run_natural",
    "score_natural",
    "states_fact",
    "summarise_natural",
]

DEFAULT_QUESTIONS = repo_root() / "bench" / "data" / "natural" / "questions.jsonl"
KINDS = ("answerable", "two_story", "out_of_scope")
SUBKINDS = (
    "near_miss",
    "outside_dates",
    "unmentioned_topic",
    "general_knowledge",
    "howto",
    "smalltalk",
    "personal_advice",
    "live_data",
)
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
TOP_K = 10


@dataclass(frozen=True)
class GoldFact:
    """A supporting fact: an exact span of the article at `url`; `part` of a two-story question."""

    url: str
    fact: str
    part: int | None = None


@dataclass(frozen=True)
class NaturalQuestion:
    id: str
    kind: str
    subkind: str | None
    lang: str
    question: str
    gold: tuple[GoldFact, ...] = ()

    @property
    def answerable(self) -> bool:
        return self.kind != "out_of_scope"


def load_questions(path: Path) -> list[NaturalQuestion]:
    """The questions of a JSON Lines file; a malformed line stops with its line number."""
    if not path.is_file():
        raise EvalError(f"There is no {path}.")
    questions: list[NaturalQuestion] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            gold = tuple(
                GoldFact(str(g["url"]), str(g["fact"]), g.get("part")) for g in record["gold"]
            )
            questions.append(
                NaturalQuestion(
                    id=str(record["id"]),
                    kind=str(record["kind"]),
                    subkind=record.get("subkind"),
                    lang=str(record.get("lang", "en")),
                    question=str(record["question"]),
                    gold=gold,
                )
            )
        except (json.JSONDecodeError, KeyError, TypeError) as error:
            raise EvalError(f"{path} line {number} is not a question record ({error}).") from None
        if questions[-1].kind not in KINDS:
            raise EvalError(f"{path} line {number}: unknown kind {questions[-1].kind!r}.")
    return questions


@dataclass(frozen=True)
class NaturalResult:
    """How one natural question was answered, reduced to what the figures need."""

    id: str
    kind: str
    subkind: str | None
    lang: str
    answered: bool
    gold_quoted: bool  # a quote comes from a gold article
    fact_quoted: bool  # a quote states a gold fact (holds it, or is a sentence of a longer one)
    fact_in_top: bool  # a gold fact is inside one of the top passages
    parts_quoted: int  # distinct parts of a two-story question with a quote from their story
    parts: int
    quotes: int
    quotes_verbatim: int
    reply_in_language: bool  # a decline written in the question's language (ru/uk)
    seconds: float
    # Small talk, how-to, advice and live data: the reply was the one for that kind of message
    # (the small-talk greeting, not "my sources don't cover that"); None for other questions.
    replied_in_kind: bool | None = None


# The out-of-scope kinds the bot tells by their form and answers with their own reply
# (`index.intent`), and the intent that reply is for.
REPLY_KINDS = {
    "smalltalk": "small_talk",
    "howto": "how_to",
    "personal_advice": "advice",
    "live_data": "live_data",
}


def score_natural(
    question: NaturalQuestion, answer: Answer, bodies: Mapping[str, str], seconds: float = 0.0
) -> NaturalResult:
    """Score one answer; `bodies` maps corpus URLs to the original text quotes must be in."""
    gold_urls = {g.url for g in question.gold}
    quoted_urls = {q.article.url or "" for q in answer.quotes}
    passages = [squash(p.chunk.text) for p in answer.passages[:TOP_K]]
    facts = [squash(g.fact) for g in question.gold if squash(g.fact)]
    parts = {g.part for g in question.gold if g.part is not None}
    parts_quoted = {g.part for g in question.gold if g.part is not None and g.url in quoted_urls}
    verbatim = sum(
        q.article.text[q.start : q.end] == q.text and q.text in bodies.get(q.article.url or "", "")
        for q in answer.quotes
    )
    return NaturalResult(
        id=question.id,
        kind=question.kind,
        subkind=question.subkind,
        lang=question.lang,
        answered=answer.answered and bool(answer.quotes),
        gold_quoted=bool(gold_urls & quoted_urls),
        fact_quoted=any(states_fact(facts, squash(q.text)) for q in answer.quotes),
        fact_in_top=any(f in p for f in facts for p in passages),
        parts_quoted=len(parts_quoted),
        parts=len(parts),
        quotes=len(answer.quotes),
        quotes_verbatim=verbatim,
        reply_in_language=not answer.quotes and bool(_CYRILLIC.search(answer.reason)),
        seconds=seconds,
        replied_in_kind=(
            answer.intent == REPLY_KINDS[question.subkind]
            if question.subkind in REPLY_KINDS
            else None
        ),
    )


def states_fact(facts: Sequence[str], sentence: str) -> bool:
    """Whether `sentence` states one of `facts` (written alike, both squashed or neither): holds
    it, or is a whole sentence of a fact that runs over two (a fragment such as a quoted name is
    not). The "gold fact quoted" of an answer, and what the judge's picker learns to find."""
    return any(fact in sentence or (len(sentence) > 30 and sentence in fact) for fact in facts)


@dataclass(frozen=True)
class NaturalGroup:
    """The figures of one group of questions; None where the group has no such question."""

    questions: int
    gold_quoted: float | None  # answerable or two-story answered with a gold-story quote
    fact_quoted: float | None  # … with a quote stating a gold fact (`states_fact`)
    fact_at_10: float | None
    both_stories: float | None  # two-story questions with every part's story quoted
    wrong: float | None  # answerable or two-story answered without any gold quote
    declined: float | None  # out-of-scope questions given no quote
    right_or_in_language: float | None  # ru/uk: gold quoted, or declined in that language
    replied_in_kind: float | None  # small talk, how-to, advice, live data: that kind's reply
    verbatim: float | None
    p50_ms: float


def _share(flags: Iterable[bool]) -> float | None:
    values = list(flags)
    return sum(values) / len(values) if values else None


def summarise_natural(results: Sequence[NaturalResult]) -> NaturalGroup:
    answerable = [r for r in results if r.kind != "out_of_scope"]
    two_story = [r for r in results if r.kind == "two_story"]
    out = [r for r in results if r.kind == "out_of_scope"]
    foreign = [r for r in results if r.lang != "en"]
    quotes = sum(r.quotes for r in results)
    return NaturalGroup(
        questions=len(results),
        gold_quoted=_share(r.gold_quoted for r in answerable),
        fact_quoted=_share(r.fact_quoted for r in answerable),
        fact_at_10=_share(r.fact_in_top for r in answerable),
        both_stories=_share(r.parts_quoted >= max(r.parts, 2) for r in two_story),
        wrong=_share(r.answered and not r.gold_quoted for r in answerable),
        declined=_share(not r.answered for r in out),
        right_or_in_language=_share(
            (r.gold_quoted and r.kind != "out_of_scope") or (not r.answered and r.reply_in_language)
            for r in foreign
        ),
        replied_in_kind=_share(r.replied_in_kind for r in results if r.replied_in_kind is not None),
        verbatim=sum(r.quotes_verbatim for r in results) / quotes if quotes else None,
        p50_ms=percentile([r.seconds * 1000 for r in results], 50),
    )


def groups_of(results: Sequence[NaturalResult]) -> dict[str, NaturalGroup]:
    """`all`, each kind, each out-of-scope subkind, and each non-English language."""
    named: dict[str, list[NaturalResult]] = {"all": list(results)}
    for kind in KINDS:
        named[kind] = [r for r in results if r.kind == kind]
    for subkind in SUBKINDS:
        named[f"out_of_scope: {subkind}"] = [r for r in results if r.subkind == subkind]
    named["lang en, answerable"] = [r for r in results if r.lang == "en" and r.kind == "answerable"]
    for lang in sorted({r.lang for r in results} - {"en"}):
        named[f"lang {lang}"] = [r for r in results if r.lang == lang]
        named[f"lang {lang}, answerable"] = [
            r for r in results if r.lang == lang and r.kind != "out_of_scope"
        ]
    return {name: summarise_natural(group) for name, group in named.items() if group}


@dataclass
class NaturalReport:
    questions_file: str
    model: str
    ingest: Ingest
    groups: dict[str, NaturalGroup]
    results: list[NaturalResult]
    date: str = field(default_factory=lambda: datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"))
    # What was asked over what, when not every question over the whole corpus.
    languages: tuple[str, ...] = ()
    corpus_sample: int | None = None
    # The day the questions were asked as if on (YYYY-MM-DD).
    asked_on: str | None = None
    # How the English questions were written (`bench.written`).
    written: str = "as-typed"

    def to_json(self) -> dict[str, Any]:
        return {
            "benchmark": "natural questions",
            "questions_file": self.questions_file,
            "date": self.date,
            "model": self.model,
            "ingest": asdict(self.ingest),
            "languages": list(self.languages),
            "corpus_sample": self.corpus_sample,
            "asked_on": self.asked_on,
            "written": self.written,
            "groups": {name: asdict(group) for name, group in self.groups.items()},
            "results": [asdict(r) for r in self.results],
        }


def run_natural(
    settings: Settings,
    data_dir: Path,
    questions_file: Path = DEFAULT_QUESTIONS,
    work_dir: Path | None = None,
    log: Callable[[str], None] = lambda _: None,
    engine_factory: Callable[[Settings], Engine] = Engine,
    languages: Collection[str] = (),
    corpus_sample: int | None = None,
    asked_on: date | None = None,
    judge: bool = True,
    written: str = "as-typed",
) -> NaturalReport:
    """Ingest (or reuse) the MultiHop-RAG corpus, ask every natural question, score answers.

    `languages` keeps only the questions in those languages; `corpus_sample` keeps only their
    gold articles and that many others drawn at random, for a model too slow to embed the whole
    corpus (compare models on the same sample, not with whole-corpus figures). The questions
    are asked as if on `asked_on` (by default the day of the corpus's newest article: they were
    written about its stories as current news). Over the whole corpus, the answer judge is
    made where missing (`bench.judge.ensure_judge`) unless `judge` is False, which asks without.
    `written` asks the English questions written another way (`bench.written`).
    """
    questions = load_questions(questions_file)
    if languages:
        questions = [q for q in questions if q.lang in languages]
    corpus = load_corpus(data_dir / "corpus.json")
    asked_on = asked_on or newest_day(corpus)
    questions = rewritten(questions, written, corpus.bodies.values())
    if corpus_sample is not None:
        gold = {g.url for q in questions for g in q.gold}
        corpus = sample_corpus(corpus, gold, corpus_sample)
    work_dir = work_dir or repo_root() / ".eval" / "multihop"
    engine, ingest = open_corpus_engine(settings, corpus, work_dir, log, engine_factory)
    results: list[NaturalResult] = []
    try:
        if not judge:
            engine.judge = None
        elif corpus_sample is None:
            from bench.judge import ensure_judge  # bench.judge reads this module's questions

            # The judge learns from the sets as they are asked: on the corpus's newest day.
            newest = newest_day(corpus)
            if newest is not None:
                engine.clock = as_of(newest)
            ensure_judge(engine, log)
        if asked_on is not None:
            engine.clock = as_of(asked_on)
        engine.ask("warm up")
        for question in questions:
            started = time.perf_counter()
            answer = engine.ask(question.question, k=TOP_K)
            seconds = time.perf_counter() - started
            results.append(score_natural(question, answer, corpus.bodies, seconds))
    finally:
        engine.close()
    return NaturalReport(
        questions_file=str(questions_file.relative_to(repo_root()))
        if questions_file.is_relative_to(repo_root())
        else str(questions_file),
        model=engine_description(settings, engine.judge),
        ingest=ingest,
        groups=groups_of(results),
        results=results,
        languages=tuple(languages),
        corpus_sample=corpus_sample,
        asked_on=asked_on.isoformat() if asked_on else None,
        written=written,
    )


_COLUMNS = [
    ("questions", "questions"),
    ("gold_quoted", "gold story quoted"),
    ("fact_quoted", "gold fact quoted"),
    ("fact_at_10", "gold fact in top 10"),
    ("both_stories", "both stories quoted"),
    ("wrong", "wrong answers"),
    ("declined", "declined"),
    ("right_or_in_language", "right or in-language decline"),
    ("replied_in_kind", "replied in kind"),
    ("verbatim", "verbatim"),
    ("p50_ms", "p50 ms"),
]


def _selection(report: NaturalReport) -> str:
    said = ""
    if report.languages:
        said += f" Only the questions in {', '.join(report.languages)}."
    if report.written == "other-question-mark":
        said += (
            " The English questions were asked with a question mark where they had none and"
            " without one where they had it (`--written other-question-mark`)."
        )
    if report.written == "first-capital":
        said += " The English questions were asked with their first letter capitalised."
    elif report.written == "with-capitals":
        said += (
            " The English questions were asked with their first letter capitalised and each"
            " word written as the articles mostly write it (`--written with-capitals`)."
        )
    if report.corpus_sample is not None:
        said += (
            f" The corpus is a sample: these questions' gold articles and "
            f"{report.corpus_sample} others drawn at random (`--corpus-sample`); compare "
            "models on the same sample, not with whole-corpus figures."
        )
    return said


def format_natural_markdown(report: NaturalReport, command: str, notes: str = "") -> str:
    header = ["group", *[label for _, label in _COLUMNS]]
    lines = [
        "# Natural questions: answers to questions as people type them",
        "",
        f"Measured {report.date} with `{command}`; questions `{report.questions_file}`; "
        f"model {report.model}; corpus {report.ingest.articles} articles, "
        f"{report.ingest.passages} passages; asked as if on {report.asked_on or 'the day run'}."
        f"{_selection(report)}",
        "",
        "Gold story quoted, gold fact quoted (a quote states it), gold fact in top 10 and wrong",
        "answers are over answerable and two-story questions; both stories over two-story",
        "questions; declined (no quote given)",
        "over out-of-scope questions; right or in-language decline over Russian/Ukrainian",
        "questions (a gold-story quote, or no quote and a reply in Cyrillic); replied in kind",
        "over small talk, how-to, personal advice and live data (the reply for that kind of",
        "message, such as the small-talk greeting, not a news decline).",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
    ]
    for name, group in report.groups.items():
        cells = [name, *[cell(getattr(group, key)) for key, _ in _COLUMNS]]
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    if notes:
        lines += [notes.rstrip(), ""]
    return "\n".join(lines)


def format_natural_text(report: NaturalReport) -> str:
    width = max(len(name) for name in report.groups)
    lines = [f"{'':<{width}}" + "".join(f"{label[:12]:>14}" for _, label in _COLUMNS)]
    for name, group in report.groups.items():
        values = [cell(getattr(group, key)) for key, _ in _COLUMNS]
        lines.append(f"{name:<{width}}" + "".join(f"{v:>14}" for v in values))
    return "\n".join(lines)


def cmd_eval_natural(settings: Settings, args: Any) -> int:
    """The `eval natural` command."""

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    languages = [part.strip() for part in (args.languages or "").split(",") if part.strip()]
    report = run_natural(
        settings,
        args.data,
        args.questions,
        args.work_dir,
        log,
        languages=languages,
        corpus_sample=args.corpus_sample,
        asked_on=args.as_of,
        judge=not args.no_judge,
        written=args.written,
    )
    print(format_natural_text(report))
    if args.results is not None and str(args.results) != "-":
        path: Path = args.results
        path.parent.mkdir(parents=True, exist_ok=True)
        command = "newsbot eval natural"
        if args.questions != DEFAULT_QUESTIONS:
            command += f" --questions {report.questions_file}"
        if languages:
            command += f" --languages {','.join(languages)}"
        if args.corpus_sample is not None:
            command += f" --corpus-sample {args.corpus_sample}"
        if args.as_of is not None:
            command += f" --as-of {args.as_of.isoformat()}"
        if args.no_judge:
            command += " --no-judge"
        if args.written != "as-typed":
            command += f" --written {args.written}"
        markdown = format_natural_markdown(report, command, kept_notes(path))
        path.write_text(markdown, encoding="utf-8")
        path.with_suffix(".json").write_text(
            json.dumps(report.to_json(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        log(f"Results written to {path} and {path.with_suffix('.json')}")
    return 0
