"""`newsbot bench start`: the real `python -m bot` started on a small data directory, a question
waiting; the bench reports when it polled and what it answered. No timing is asserted."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bench.dataset import EvalError
from bench.start import format_start, run_start
from index import ArticleDraft, Engine, Settings

RULING = (
    "The appeals court decided on Tuesday that the harbour toll must be refunded to every "
    "driver who paid it since March. The city said it would comply within thirty days."
)


@pytest.mark.slow
def test_bench_start_reports_polling_and_the_waiting_questions_answer(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    engine = Engine(Settings(data_dir=data_dir))  # the real model, as the bot will load it
    engine.open()
    engine.add_draft(
        ArticleDraft(
            text=RULING,
            title="Court orders harbour toll refunds",
            url="https://example.org/toll-ruling",
            outlet="Harbour Herald",
            published_at=datetime(2023, 10, 3, tzinfo=UTC),
        )
    )
    engine.close()
    lines: list[str] = []
    report = run_start(
        data_dir,
        runs=1,
        question="what did the court decide about the harbour toll",
        log=lines.append,
        # The bench passes its whole environment: a real token or server in it must not win.
        env={"TELEGRAM_BOT_TOKEN": "123:real", "TELEGRAM_API_BASE_URL": "https://127.0.0.2/"},
    )
    (run,) = report["runs"]
    assert "appeals court decided" in run["answer"]
    assert run["exit_code"] == 0
    assert 0 < run["polling_seconds"] <= run["answer_seconds"]
    assert run["rss_peak_mb"] > 0 and report["rss_peak_mb_median"] == run["rss_peak_mb"]
    assert report["passages"] == 1
    assert len(lines) == 2  # the warm-up start and the measured one
    assert "| median |" in format_start(report)


def test_bench_start_needs_a_data_directory(tmp_path: Path) -> None:
    with pytest.raises(EvalError, match="There is no data directory"):
        run_start(tmp_path / "nothing", runs=1)
