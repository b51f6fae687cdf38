"""`newsbot bench crash`: a few killed ingests, some with a damaged index or database, find no
broken invariant. The checker itself is tested in `test_crash_checks`."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.crash import run_crash_test
from index.cli import main


def test_a_short_crash_run_kills_restarts_and_finds_nothing_broken(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # One damage per round: the index deleted, a damaged database checked, the index garbled.
    code = main(
        [
            "bench",
            "crash",
            "--rounds",
            "3",
            "--articles",
            "40",
            "--damage-every",
            "1",
            "--seed",
            "7",
            "--quiet",
            "--work-dir",
            str(tmp_path / "crash"),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    assert out.startswith("rounds 3, kills ")
    assert "violations 0" in out
    assert "index files damaged or deleted 2 (rebuilt 2)" in out
    assert "damaged-database checks 1" in out


def test_the_report_counts_what_happened(tmp_path: Path) -> None:
    report = run_crash_test(tmp_path / "crash", rounds=2, articles=30, seed=1, damage_every=0)
    assert report.violations == []
    assert report.rounds == 2 and report.kills + report.finished_before_kill == 2
    assert report.articles >= report.reported_added
    assert report.searches == report.reported_added
