"""The cross-lingual threshold is the one answering most questions right within the allowed
share of wrong answers."""

from __future__ import annotations

from bench.fit_languages import Point, choose_threshold, rows_at


def test_the_threshold_answers_most_right_within_the_allowed_wrong_answers() -> None:
    points = [
        Point("answerable", 0.86, True),
        Point("answerable", 0.84, True),
        Point("answerable", 0.83, False),  # another story's sentence
        Point("answerable", 0.81, True),
        Point("answerable", None, False),  # declined by a rule whatever the cosine
        Point("out_of_scope", 0.82, False),
        Point("out_of_scope", 0.79, False),
        Point("out_of_scope", None, False),
        Point("out_of_scope", 0.70, False),
        Point("out_of_scope", 0.75, False),
    ]
    rows = {r.threshold: r for r in rows_at(points, [0.80, 0.825, 0.835, 0.85])}
    assert (rows[0.80].right, rows[0.80].wrong, rows[0.80].out_of_scope_answered) == (3, 1, 1)
    assert (rows[0.835].right, rows[0.835].errors) == (2, 0)
    # At most one wrong answer in ten questions: 0.825 (two right, one wrong) and 0.835 (two
    # right, none wrong) tie on right answers; the higher threshold is taken.
    chosen = choose_threshold(list(rows.values()), max_errors=0.1)
    assert chosen is not None and chosen.threshold == 0.835
    # Allowing two, 0.80 answers three right.
    loose = choose_threshold(list(rows.values()), max_errors=0.2)
    assert loose is not None and loose.threshold == 0.80
    assert choose_threshold(rows_at(points, [0.70]), max_errors=0.0) is None
