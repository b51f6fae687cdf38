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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, astuple, dataclass, fields, replace
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from bench.dataset import load_corpus, load_json, newest_day, open_corpus_engine, repo_root
from bench.judge import held_out_judges, set_name
from bench.natural import DEFAULT_QUESTIONS, load_questions
from index.answer import AnswerParams, weigh
from index.clock import as_of
from index.engine import Engine
from index.evidence import EvidenceWeights
from index.judge import Judge
from index.settings import Settings

__all__ = [
    "Sample",
    "collect",
    "collect_samples",
    "cross_validate",
    "fit_logistic",
    "nested_cross_validation",
    "report_fit",
    "short_threshold",
]

FEATURES = [f.name for f in fields(EvidenceWeights)]
Matrix = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Sample:
    """One development question reduced to its evidence features and the right decision."""

    source: str  # "multihop" or "natural"
    kind: str  # question type or natural kind/subkind
    features: tuple[float, ...]
    label: int  # 1: answering is right; 0: declining is right
    terms: int = 0  # informative words of the question: short casual or long detailed
    set: str = ""  # "multihop", or the natural question file's set ("questions", "second", …)


def _terms(engine: Engine, text: str) -> int:
    return len(engine.read(text).wanted)


def _gold_best(engine: Engine, text: str, gold: set[str]) -> tuple[tuple[float, ...], bool]:
    """The evidence features of `text`, and whether the article it would quote is a gold one."""
    question = engine.read(text)
    passages = engine.searcher.search(question, 10)
    # Every signal is measured, whatever weight the current rule gives it.
    params = engine.answer_params
    measured = replace(
        params,
        weights=replace(params.weights, said=1.0),
        short_weights=replace(params.short_weights, said=1.0),
        judged_short_weights=replace(params.judged_short_weights, said=1.0, judged=1.0),
    )
    rarity = engine.searcher.rarity(question)
    evidence = weigh(
        question,
        passages,
        measured,
        rarity,
        engine.similarity_to(question),
        engine.judgement_of(question),
    )
    # What the answer would quote if it answered whatever the evidence.
    always = engine.with_params(
        answer=replace(
            engine.answer_params,
            min_evidence=-1e9,
            min_short_evidence=-1e9,
            min_judged_short_evidence=-1e9,
        )
    )
    quoted = {q.article.url for q in always.ask(text).quotes}
    return evidence.features(), bool(quoted & gold)


def collect(
    engine: Engine,
    multihop: Sequence[dict[str, Any]],
    natural_files: Sequence[Path],
    judges: Mapping[str, Judge | None] | None = None,
) -> list[Sample]:
    """The samples of every news question the engine would search (small talk and the like
    are answered by rules and left out, as are questions in a language the model lacks).

    With `judges`, each set's questions ("multihop", or a question file's name) are judged by
    that set's judge: one that never saw them; without, by none.
    """
    samples: list[Sample] = []
    loaded = engine.judge
    judges = judges or {}
    try:
        engine.judge = judges.get("multihop")
        for query in multihop:
            gold = {str(e["url"]).strip() for e in query.get("evidence_list") or []}
            features, _ = _gold_best(engine, str(query["query"]), gold)
            terms = _terms(engine, str(query["query"]))
            kind = str(query["question_type"])
            samples.append(Sample("multihop", kind, features, int(bool(gold)), terms, "multihop"))
        for path in natural_files:
            engine.judge = judges.get(set_name(path))
            for item in load_questions(path):
                question = engine.read(item.question)
                if not question.is_news or (
                    question.language != "en" and not engine.encoder.multilingual
                ):
                    continue
                gold = {g.url for g in item.gold}
                features, right = _gold_best(engine, item.question, gold)
                kind = item.subkind or item.kind
                terms = _terms(engine, item.question)
                label = int(bool(gold) and right)
                samples.append(Sample("natural", kind, features, label, terms, set_name(path)))
    finally:
        engine.judge = loaded
    return samples


def fit_logistic(
    x: Matrix, y: Matrix, l2: float = 1.0, steps: int = 50, sample_weight: Matrix | None = None
) -> Matrix:
    """Weights (last one the intercept) of an L2-regularised logistic regression."""
    design = np.hstack([x, np.ones((len(x), 1))])
    weights = np.zeros(design.shape[1])
    penalty = l2 * np.eye(design.shape[1])
    penalty[-1, -1] = 0.0  # the intercept is not shrunk
    counts = np.ones(len(x)) if sample_weight is None else sample_weight
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(design @ weights)))
        gradient = design.T @ (counts * (p - y)) + penalty @ weights
        hessian = design.T @ (design * (counts * p * (1 - p))[:, None]) + penalty
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


def balanced(samples: Sequence[Sample]) -> Matrix:
    """Sample weights giving each source (MultiHop-RAG, natural) the same total weight: the
    1,789 long benchmark questions must not drown the few hundred that people type."""
    sources = [s.source for s in samples]
    totals = {name: sources.count(name) for name in set(sources)}
    return np.array([len(samples) / (len(totals) * totals[name]) for name in sources])


def cross_validate(
    samples: Sequence[Sample], columns: Sequence[int], folds: int = 5, l2: float = 1.0
) -> Matrix:
    """Out-of-fold scores (the linear part, before the logistic) of every sample."""
    x = np.array([[s.features[c] for c in columns] for s in samples], dtype=np.float64)
    y = np.array([s.label for s in samples], dtype=np.float64)
    counts = balanced(samples)
    fold_of = np.arange(len(samples)) % folds
    scores = np.zeros(len(samples))
    for fold in range(folds):
        train = fold_of != fold
        weights = fit_logistic(x[train], y[train], l2, sample_weight=counts[train])
        scores[~train] = x[~train] @ weights[:-1] + weights[-1]
    return scores


def collect_samples(
    settings: Settings,
    data_dir: Path,
    natural_files: Sequence[Path] = (DEFAULT_QUESTIONS,),
    work_dir: Path | None = None,
    log: Callable[[str], None] = lambda _: None,
    judged: bool = False,
    judge_folds: int = 0,
) -> list[Sample]:
    """The samples of every development question, through the engine over the corpus; with
    `judged`, each question's `judged` signal comes from a judge that never saw its set
    (`bench.judge.held_out_judges`, trained where missing; with `judge_folds`, one judge per
    fold of sets)."""
    corpus = load_corpus(data_dir / "corpus.json")
    multihop = load_json(data_dir / "queries-dev.json")
    work_dir = work_dir or repo_root() / ".eval" / "multihop"
    engine, _ = open_corpus_engine(settings, corpus, work_dir, log)
    asked_on = newest_day(corpus)  # as `newsbot eval natural` asks them
    if asked_on is not None:
        engine.clock = as_of(asked_on)
    try:
        judges = (
            held_out_judges(engine, natural_files, work_dir, log, judge_folds) if judged else None
        )
        log("Asking every development question (takes minutes)")
        return collect(engine, multihop, natural_files, judges)
    finally:
        engine.close()


# Short questions (people's) get their own decision: casual questions of a few words and the
# benchmark's long, detailed ones need different cut points (measured: one linear rule for both
# declined about half of the natural out-of-scope questions at the benchmark's answered rate).
SHORT_FEATURES = ("dense", "coverage", "said")
SHORT_RIGHT_ANSWERED = 0.92


def short_threshold(scores: Matrix, labels: Matrix) -> float:
    """The highest cut that still answers SHORT_RIGHT_ANSWERED of the right answers: the
    target, never single questions, sets it."""
    right = np.sort(scores[labels == 1])
    if len(right) == 0:
        return 0.0
    keep = int(np.floor((1 - SHORT_RIGHT_ANSWERED) * len(right)))
    return float(right[keep])


def _short_matrix(
    samples: Sequence[Sample], features: Sequence[str] = SHORT_FEATURES
) -> tuple[Matrix, Matrix]:
    columns = [FEATURES.index(name) for name in features]
    x = np.array([[s.features[c] for c in columns] for s in samples], dtype=np.float64)
    return x, np.array([s.label for s in samples], dtype=np.float64)


def nested_cross_validation(
    samples: Sequence[Sample],
    repeats: int = 10,
    folds: int = 5,
    features: Sequence[str] = SHORT_FEATURES,
) -> dict[str, float]:
    """Held-out figures of the short-question rule (on `features`), weights and cut both
    fitted on the other folds, averaged over `repeats` shuffles."""
    x, y = _short_matrix(samples, features)
    rng = np.random.default_rng(0)
    figures: list[tuple[float, ...]] = []
    for _ in range(repeats):
        fold_of = np.empty(len(samples), dtype=int)
        fold_of[rng.permutation(len(samples))] = np.arange(len(samples)) % folds
        answered = np.zeros(len(samples), dtype=bool)
        for fold in range(folds):
            train = fold_of != fold
            answered[~train] = _fitted_rule(x[train], y[train])(x[~train])
        figures.append(tuple(_short_figures(samples, answered).values()))
    mean = np.mean(figures, axis=0)
    return {name: round(float(value), 3) for name, value in zip(_FIGURES, mean, strict=True)}


def held_out_sets(
    samples: Sequence[Sample], features: Sequence[str] = SHORT_FEATURES
) -> dict[str, dict[str, float]]:
    """The short rule's figures on each natural set, weights and cut fitted on the others (the
    benchmark's short questions among them): how it fares on questions written apart."""
    x, y = _short_matrix(samples, features)
    sets = np.array([s.set for s in samples])
    report: dict[str, dict[str, float]] = {}
    for name in sorted({s.set for s in samples if s.source == "natural" and s.set}):
        test = sets == name
        if test.all():
            continue  # nothing else to fit on
        answered = _fitted_rule(x[~test], y[~test])(x[test])
        chosen = [s for s, t in zip(samples, test, strict=True) if t]
        report[name] = {k: round(v, 3) for k, v in _short_figures(chosen, answered).items()}
    return report


_FIGURES = (
    "right answers answered",
    "out of scope declined (news-like only)",
    "near misses declined",
    "wrong answers declined",
)


def _fitted_rule(x: Matrix, y: Matrix) -> Callable[[Matrix], npt.NDArray[np.bool_]]:
    """The short rule fitted on `x`, `y`: whether it answers each row of another matrix."""
    weights = fit_logistic(x, y)
    cut = short_threshold(x @ weights[:-1] + weights[-1], y)

    def answers(rows: Matrix) -> npt.NDArray[np.bool_]:
        result: npt.NDArray[np.bool_] = rows @ weights[:-1] + weights[-1] >= cut
        return result

    return answers


def _short_figures(samples: Sequence[Sample], answered: npt.NDArray[np.bool_]) -> dict[str, float]:
    y = np.array([s.label for s in samples])
    kinds = np.array([s.kind for s in samples])
    out_of_scope = ~np.isin(kinds, ["answerable", "two_story"])
    wrong = (y == 0) & ~out_of_scope

    def share(values: npt.NDArray[np.bool_]) -> float:
        return float(values.mean()) if len(values) else float("nan")

    return dict(
        zip(
            _FIGURES,
            (
                share(answered[y == 1]),
                share(~answered[out_of_scope]),
                share(~answered[kinds == "near_miss"]),
                share(~answered[wrong]),
            ),
            strict=True,
        )
    )


def report_fit(
    samples: Sequence[Sample], short_terms: int = 10, features: Sequence[str] = SHORT_FEATURES
) -> dict[str, Any]:
    """The short-question rule on `features` fitted on the short development questions, its
    nested cross-validated figures (and each natural set's, fitted on the others), and how
    the long-question weights (the defaults) fare."""
    short = [s for s in samples if s.terms <= short_terms]
    long = [s for s in samples if s.terms > short_terms]
    x, y = _short_matrix(short, features)
    weights = fit_logistic(x, y)
    cut = short_threshold(x @ weights[:-1] + weights[-1], y)
    scale = weights[0]
    report: dict[str, Any] = {
        "short questions": len(short),
        "long questions": len(long),
        "short rule": list(features),
        "short rule, nested cross-validation": nested_cross_validation(short, features=features),
        # What each signal adds: the same rule fitted and cut without it.
        **{
            f"short rule without {name}": nested_cross_validation(
                short, features=[f for f in features if f != name]
            )
            for name in features
        },
        "short rule, each natural set fitted on the others": held_out_sets(short, features),
        "short weights": {
            name: round(float(w / scale), 3) for name, w in zip(features, weights[:-1], strict=True)
        },
        # On the adjusted-cosine scale: a short question is answered when weights · signals
        # reach this.
        "short min_evidence": round(float((cut - weights[-1]) / scale), 3),
    }
    if long:
        defaults = AnswerParams()
        scores = np.array([_long_score(s, defaults) for s in long])
        report["long questions at the defaults"] = _decisions(long, scores, 0.0)
    return report


def _long_score(sample: Sample, params: AnswerParams) -> float:
    weights = astuple(params.weights)
    return float(np.dot(weights, sample.features)) - params.min_evidence


def cmd_eval_fit(settings: Settings, args: Any) -> int:
    """The `eval fit` command."""

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    if args.samples is not None and args.samples.is_file():
        records = json.loads(args.samples.read_text(encoding="utf-8"))
        samples = [
            Sample(r["source"], r["kind"], tuple(r["features"]), r["label"], r["terms"], r["set"])
            for r in records
        ]
    else:
        samples = collect_samples(
            settings,
            args.data,
            args.questions,
            args.work_dir,
            log,
            judged=args.judge,
            judge_folds=args.judge_folds,
        )
        if args.samples is not None:
            args.samples.write_text(json.dumps([asdict(s) for s in samples]), encoding="utf-8")
    if args.judge:
        report = {
            "without the judge": report_fit(samples),
            "with the judge": report_fit(samples, features=(*SHORT_FEATURES, "judged")),
        }
    else:
        report = report_fit(samples)
    print(json.dumps(report, indent=2))
    return 0
