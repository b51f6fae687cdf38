"""`newsbot eval fit`'s report on hand-made samples: the short rule, and what each of its
signals adds when left out."""

from __future__ import annotations

import numpy as np

from bench.fit import FEATURES, SHORT_FEATURES, Sample, report_fit


def _sample(kind: str, label: int, **signals: float) -> Sample:
    features = [0.0] * (len(FEATURES))
    for name, value in signals.items():
        features[FEATURES.index(name)] = value
    return Sample("natural", kind, tuple(features), label, terms=4)


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
