"""`newsbot eval fit`: fit the weights of the decision to answer, cross-validated, on the
development questions (MultiHop-RAG's and the natural ones), and report what each signal adds.

Every development question that is a news question goes through search; the evidence signals
of its best candidate article (`index.evidence`) are the features, and the label says whether
answering is right: MultiHop-RAG questions with evidence and natural questions whose best
article is a gold one are 1; null and out-of-scope questions, and natural questions whose best
article is not a gold one (an answer from it would be wrong), are 0. A logistic regression
(L2-regularised, fitted by Newton's method) is scored by 5-fold cross-validation over
questions, so no question judges weights it helped to fit. The printed weights are divided by
the cosine's weight so that the score reads as an adjusted cosine, as `AnswerParams` expects.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from bench.dataset import load_corpus, load_json, open_corpus_engine, repo_root
from bench.natural import DEFAULT_QUESTIONS, load_questions
from index.answer import weigh
from index.engine import Engine
from index.evidence import EvidenceWeights
from index.settings import Settings

__all__ = ["Sample", "collect", "cross_validate", "fit_logistic", "run_fit"]

FEATURES = [f.name for f in fields(EvidenceWeights)]
Matrix = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Sample:
    """One development question reduced to its evidence features and the right decision."""

    source: str  # "multihop" or "natural"
    kind: str  # question type or natural kind/subkind
    features: tuple[float, ...]
    label: int  # 1: answering is right; 0: declining is right


def _gold_best(engine: Engine, text: str, gold: set[str]) -> tuple[tuple[float, ...], bool]:
    """The evidence features of `text`, and whether the article it would quote is a gold one."""
    question = engine.read(text)
    passages = engine.searcher.search(question, 10)
    evidence = weigh(question, passages, engine.answer_params, engine.searcher.rarity(question))
    # What the answer would quote if it answered whatever the evidence.
    always = engine.with_params(answer=replace(engine.answer_params, min_evidence=-1e9))
    quoted = {q.article.url for q in always.ask(text).quotes}
    return evidence.features(), bool(quoted & gold)


def collect(
    engine: Engine,
    multihop: Sequence[dict[str, Any]],
    natural_file: Path,
    progress: Callable[[int, int], None] = lambda done, total: None,
) -> list[Sample]:
    """The samples of every news question the engine would search (small talk and the like
    are answered by rules and left out, as are questions in a language the model lacks)."""
    samples: list[Sample] = []
    natural = load_questions(natural_file)
    total = len(multihop) + len(natural)
    for number, query in enumerate(multihop, start=1):
        gold = {str(e["url"]).strip() for e in query.get("evidence_list") or []}
        features, _ = _gold_best(engine, str(query["query"]), gold)
        samples.append(Sample("multihop", str(query["question_type"]), features, int(bool(gold))))
        progress(number, total)
    for number, item in enumerate(natural, start=len(multihop) + 1):
        question = engine.read(item.question)
        if not question.is_news or (question.language != "en" and not engine.encoder.multilingual):
            continue
        gold = {g.url for g in item.gold}
        features, right = _gold_best(engine, item.question, gold)
        kind = item.subkind or item.kind
        samples.append(Sample("natural", kind, features, int(bool(gold) and right)))
        progress(number, total)
    return samples


def fit_logistic(x: Matrix, y: Matrix, l2: float = 1.0, steps: int = 50) -> Matrix:
    """Weights (last one the intercept) of an L2-regularised logistic regression."""
    design = np.hstack([x, np.ones((len(x), 1))])
    weights = np.zeros(design.shape[1])
    penalty = l2 * np.eye(design.shape[1])
    penalty[-1, -1] = 0.0  # the intercept is not shrunk
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(design @ weights)))
        gradient = design.T @ (p - y) + penalty @ weights
        hessian = design.T @ (design * (p * (1 - p))[:, None]) + penalty
        step = np.linalg.solve(hessian, gradient)
        weights -= step
        if np.max(np.abs(step)) < 1e-8:
            break
    result: Matrix = weights
    return result


def _decisions(samples: Sequence[Sample], scores: Matrix, threshold: float) -> dict[str, float]:
    """The figures the targets are about, for one threshold on the scores."""
    answer = scores >= threshold

    def share(chosen: Sequence[int], want_answer: bool) -> float:
        if not chosen:
            return float("nan")
        return float(np.mean([answer[i] == want_answer for i in chosen]))

    index = {
        "multihop answerable answered": [
            i for i, s in enumerate(samples) if s.source == "multihop" and s.label
        ],
        "multihop null declined": [
            i for i, s in enumerate(samples) if s.source == "multihop" and not s.label
        ],
        "natural right answers answered": [
            i for i, s in enumerate(samples) if s.source == "natural" and s.label
        ],
        "natural wrong answers declined": [
            i
            for i, s in enumerate(samples)
            if s.source == "natural" and not s.label and s.kind in ("answerable", "two_story")
        ],
        "natural out of scope declined": [
            i
            for i, s in enumerate(samples)
            if s.source == "natural" and s.kind not in ("answerable", "two_story")
        ],
        "natural near misses declined": [
            i for i, s in enumerate(samples) if s.source == "natural" and s.kind == "near_miss"
        ],
    }
    return {
        name: share(chosen, want_answer=name.endswith("answered")) for name, chosen in index.items()
    }


def cross_validate(
    samples: Sequence[Sample], columns: Sequence[int], folds: int = 5, l2: float = 1.0
) -> Matrix:
    """Out-of-fold scores (the linear part, before the logistic) of every sample."""
    x = np.array([[s.features[c] for c in columns] for s in samples], dtype=np.float64)
    y = np.array([s.label for s in samples], dtype=np.float64)
    fold_of = np.arange(len(samples)) % folds
    scores = np.zeros(len(samples))
    for fold in range(folds):
        train = fold_of != fold
        weights = fit_logistic(x[train], y[train], l2)
        scores[~train] = x[~train] @ weights[:-1] + weights[-1]
    return scores


def run_fit(
    settings: Settings,
    data_dir: Path,
    natural_file: Path = DEFAULT_QUESTIONS,
    work_dir: Path | None = None,
    log: Callable[[str], None] = lambda _: None,
) -> dict[str, Any]:
    """Collect the samples, cross-validate all signals and each left out, fit on everything."""
    corpus = load_corpus(data_dir / "corpus.json")
    multihop = load_json(data_dir / "queries-dev.json")
    engine, _ = open_corpus_engine(
        settings, corpus, work_dir or repo_root() / ".eval" / "multihop", log
    )
    try:
        samples = collect(engine, multihop, natural_file)
    finally:
        engine.close()
    every = list(range(len(FEATURES)))
    report: dict[str, Any] = {"samples": len(samples), "variants": {}}
    for name, columns in [("all signals", every)] + [
        (f"without {FEATURES[c]}", [k for k in every if k != c]) for c in every if c != 0
    ]:
        scores = cross_validate(samples, columns)
        report["variants"][name] = _decisions(samples, scores, 0.0)
    x = np.array([s.features for s in samples], dtype=np.float64)
    y = np.array([s.label for s in samples], dtype=np.float64)
    weights = fit_logistic(x, y)
    scale = weights[0]
    report["weights"] = {
        name: round(float(w / scale), 3) for name, w in zip(FEATURES, weights[:-1], strict=True)
    }
    # The logistic's 0.5 point, on the adjusted-cosine scale: score >= min_evidence answers.
    report["min_evidence"] = round(float(-weights[-1] / scale), 3)
    return report


def cmd_eval_fit(settings: Settings, args: Any) -> int:
    """The `eval fit` command."""

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    report = run_fit(settings, args.data, args.questions, args.work_dir, log)
    print(json.dumps(report, indent=2))
    return 0
