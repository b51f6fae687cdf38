"""`newsbot bench stress`, tiny: the real bot in its own process, a few users, a flooder and an
ingest on the fast encoder; every question is accounted for and none is lost. No timings are
asserted (they depend on the machine)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.stress_report import format_report
from index.cli import main


def test_a_tiny_stress_run_loses_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "bench",
            "stress",
            "--encoder",
            "hashing",
            "--users",
            "5",
            "--questions",
            "20",
            "--over",
            "2",
            "--flood",
            "12",
            "--ingest",
            "12",
            "--drain",
            "60",
            "--quiet",
            "--json",
            "--work-dir",
            str(tmp_path / "stress"),
            "--results",
            str(tmp_path / "stress.md"),
        ]
    )
    report = json.loads(capsys.readouterr().out)
    assert code == 0, report
    assert report["sent"] == 20
    # Four questions per user fit the per-user limit: all answered, none lost or failed.
    assert report["answered"] == 20 and report["lost"] == report["failed"] == 0
    assert report["bot_exit"] == 0 and report["bot_errors"] == []
    flood = report["flooder"]
    # The flooder gets the per-user allowance, one "please wait", and silence for the rest.
    assert flood["sent"] == 12 and flood["answered"] == 5 and flood["rate_limited"] == 1
    assert flood["silent"] == 6 and flood["failed"] == 0
    assert report["ingest"]["added"] == 12
    assert report["latency_ms"]["p95"] is not None
    assert "answered 20" in format_report(report)
    assert "answered 20" in (tmp_path / "stress.md").read_text()
