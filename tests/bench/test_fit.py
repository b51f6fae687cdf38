"""`newsbot eval fit`'s report on hand-made samples: the short rule, and what each of its
signals adds when left out."""

from __future__ import annotations

import numpy as np

from bench.fit import FEATURES, SHORT_FEATURES, Sample, report_fit


def _sample(kind: str, label: int, set_name: str = "questions", **signals: float) -> Sample:
    features = [0.0] * (len(FEATURES))
    for name, value in signals.items():
        features[FEATURES.index(name)] = value
    return Sample("natural", kind, tuple(features), label, terms=4, set=set_name)


def test_the_report_shows_what_leaving_each_short_signal_out_costs() -> None:
    rng = np.random.default_rng(1)
    samples = []
    for _ in range(60):
        # Right answers: a close sentence says it. Near misses: close passages, far sentences.
        samples.append(
            _sample("answerable", 1, dense=0.6, coverage=0.6, said=rng.uniform(0.6, 0.8))
        )
        samples.append(_sample("near_miss", 0, dense=0.6, coverage=0.6, said=rng.uniform(0.2, 0.4)))
        # An answerable question whose best article is not a gold one: a wrong answer.
        samples.append(
            _sample("answerable", 0, dense=0.5, coverage=0.4, said=rng.uniform(0.3, 0.5))
        )
    report = report_fit(samples)
    assert report["short questions"] == 180
    assert set(report["short weights"]) == set(SHORT_FEATURES)
    with_all = report["short rule, nested cross-validation"]
    without_said = report["short rule without said"]
    for name in SHORT_FEATURES:
        assert set(report[f"short rule without {name}"]) == set(with_all)
    # Only `said` tells these near misses apart.
    assert with_all["near misses declined"] > 0.9
    assert without_said["near misses declined"] < with_all["near misses declined"] - 0.5


def test_the_judge_is_one_more_signal_and_each_set_is_scored_by_a_rule_fitted_on_the_others() -> (
    None
):
    rng = np.random.default_rng(2)
    samples = []
    for n in range(90):
        set_name = ("questions", "second", "third")[n % 3]
        # Near misses a close sentence nearly says: only the judge tells them apart.
        said = rng.uniform(0.5, 0.8)
        samples.append(
            _sample(
                "answerable",
                1,
                set_name,
                dense=rng.uniform(0.55, 0.75),
                coverage=0.6,
                said=said,
                judged=rng.uniform(0.7, 1.0),
            )
        )
        samples.append(
            _sample(
                "near_miss",
                0,
                set_name,
                dense=rng.uniform(0.5, 0.7),
                coverage=0.6,
                said=said,
                judged=rng.uniform(0.0, 0.3),
            )
        )
    without = report_fit(samples)
    judged = report_fit(samples, features=(*SHORT_FEATURES, "judged"))
    assert set(judged["short weights"]) == {*SHORT_FEATURES, "judged"}
    assert judged["short weights"]["judged"] > 0
    assert "short rule without judged" in judged
    near = "near misses declined"
    assert judged["short rule, nested cross-validation"][near] > 0.9
    assert without["short rule, nested cross-validation"][near] < 0.5
    held_out = judged["short rule, each natural set fitted on the others"]
    assert set(held_out) == {"questions", "second", "third"}
    assert all(figures[near] > 0.9 for figures in held_out.values())
