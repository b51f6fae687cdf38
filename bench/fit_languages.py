"""`newsbot eval fit-languages`: the cosine at which a question in another language than the
articles' is answered, fitted for the configured multilingual model on development questions.

Each question set is a question file and a scratch directory holding a sample of the corpus (its
questions' gold articles and N others, as `eval natural --corpus-sample N` builds it). Every
Russian or Ukrainian news question is asked once with no threshold, and the cosine of the
sentence the answer would quote is recorded with whether that sentence is from a gold story
(questions a rule declines whatever the cosine, such as a figure no story states, count as
declined). The threshold chosen answers the most questions right while giving a wrong answer
(another story's quote, or any quote to an out-of-scope question) to at most `max_errors` of
the news questions asked.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from bench.dataset import load_corpus, open_corpus_engine, sample_corpus
from bench.natural import load_questions
from index.settings import Settings

__all__ = ["Point", "Row", "choose_threshold", "cmd_eval_fit_languages", "rows_at"]

LANGUAGES = ("ru", "uk")
GRID = [round(0.76 + 0.005 * step, 3) for step in range(23)]  # 0.76 … 0.87


@dataclass(frozen=True)
class Point:
    """One news question: its kind, the quoted sentence's cosine (None: declined by a rule or
    nothing found) and whether that sentence is from a gold story."""

    kind: str
    closeness: float | None
    gold: bool


@dataclass(frozen=True)
class Row:
    threshold: float
    answerable: int
    right: int
    wrong: int
    out_of_scope: int
    out_of_scope_answered: int

    @property
    def errors(self) -> int:
        return self.wrong + self.out_of_scope_answered


def rows_at(points: Sequence[Point], thresholds: Sequence[float] = GRID) -> list[Row]:
    """What answering at each threshold would give over `points`."""
    rows: list[Row] = []
    for threshold in thresholds:

        def answered(point: Point, threshold: float = threshold) -> bool:
            return point.closeness is not None and point.closeness >= threshold

        answerable = [p for p in points if p.kind == "answerable"]
        others = [p for p in points if p.kind != "answerable"]
        rows.append(
            Row(
                threshold,
                len(answerable),
                sum(1 for p in answerable if answered(p) and p.gold),
                sum(1 for p in answerable if answered(p) and not p.gold),
                len(others),
                sum(1 for p in others if answered(p)),
            )
        )
    return rows


def choose_threshold(rows: Sequence[Row], max_errors: float) -> Row | None:
    """The row with the most right answers whose wrong answers stay within `max_errors` of the
    questions (the higher threshold on a tie); None when none does."""
    allowed = [r for r in rows if r.errors <= max_errors * (r.answerable + r.out_of_scope)]
    if not allowed:
        return None
    return max(allowed, key=lambda r: (r.right, r.threshold))


def collect(
    settings: Settings,
    data_dir: Path,
    questions_file: Path,
    work_dir: Path,
    corpus_sample: int,
    log: Callable[[str], None] = lambda _: None,
) -> list[Point]:
    """Ask every Russian/Ukrainian question of `questions_file` once over its corpus sample."""
    questions = [q for q in load_questions(questions_file) if q.lang in LANGUAGES]
    corpus = load_corpus(data_dir / "corpus.json")
    corpus = sample_corpus(corpus, {g.url for q in questions for g in q.gold}, corpus_sample)
    engine, _ = open_corpus_engine(settings, corpus, work_dir, log)
    points: list[Point] = []
    try:
        if not engine.encoder.multilingual:
            raise SystemExit(f"{engine.encoder.name} is not multilingual: nothing to fit.")
        # No threshold: every question is answered unless a rule declines it, and the
        # confidence (a logistic of the margin) gives the quoted sentence's cosine back.
        params = replace(engine.answer_params, min_cross_lingual_dense=0.0)
        asking = engine.with_params(answer=params)
        for question in questions:
            answer = asking.ask(question.question)
            if answer.intent != "news":
                continue
            closeness = None
            gold = False
            if answer.answered and answer.quotes:
                c = min(max(answer.confidence, 1e-12), 1 - 1e-12)
                closeness = math.log(c / (1 - c)) / params.confidence_slope
                gold = answer.quotes[0].article.url in {g.url for g in question.gold}
            points.append(Point(question.kind, closeness, gold))
    finally:
        engine.close()
    return points


def format_rows(title: str, rows: Sequence[Row]) -> str:
    lines = [
        title,
        f"{'threshold':>9} {'right':>7} {'wrong':>6} {'out of scope answered':>22}",
    ]
    for r in rows:
        lines.append(
            f"{r.threshold:>9.3f} {r.right:>3}/{r.answerable:<3} {r.wrong:>6} "
            f"{r.out_of_scope_answered:>18}/{r.out_of_scope:<3}"
        )
    return "\n".join(lines)


def cmd_eval_fit_languages(settings: Settings, args: Any) -> int:
    """The `eval fit-languages` command."""

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    everything: list[Point] = []
    for spec in args.set:
        questions, _, work_dir = spec.partition(":")
        if not work_dir:
            raise SystemExit(f"--set {spec!r}: write QUESTIONS:WORK_DIR")
        points = collect(
            settings, args.data, Path(questions), Path(work_dir), args.corpus_sample, log
        )
        everything.extend(points)
        print(format_rows(f"\n{questions} ({work_dir})", rows_at(points)))
    rows = rows_at(everything)
    print(format_rows("\nall sets", rows))
    chosen = choose_threshold(rows, args.max_errors)
    if chosen is None:
        print(f"\nNo threshold keeps wrong answers within {args.max_errors:.0%}.")
        return 1
    print(
        f"\nChosen: {chosen.threshold:.3f} (right {chosen.right}/{chosen.answerable}, "
        f"wrong answers {chosen.errors} of {chosen.answerable + chosen.out_of_scope} news "
        f"questions, at most {args.max_errors:.0%} allowed)"
    )
    return 0
