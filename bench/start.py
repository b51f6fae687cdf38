"""`newsbot bench start`: how soon the real bot polls and answers after it is started.

Each run starts `python -m bot` (the command users run) against a fake Bot API server on
loopback, with a reader's question already waiting, and notes three moments from the spawn:
the first `getUpdates` (the bot is polling), the first reply to the question (it waited for the
engine, never answered from a half-loaded index) and the process's own log line saying the
engine is open. The median of several runs goes to `results/bench-start.md`.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.dataset import EvalError, repo_root
from bench.report import write_with_json
from bench.stress_load import fake_telegram, interrupt

__all__ = ["StartRun", "format_start", "measure_start", "register_cli", "run_start"]

QUESTION = "What did the court decide?"
READER_ID = 4242


# One start: seconds from the spawn to polling and to the answer, the answer's first line.
StartRun = dict[str, Any]


def _telegram_class() -> Any:
    base = fake_telegram()

    class StartTelegram(base):  # type: ignore[misc, valid-type]
        """Also notes when the bot first asks for updates."""

        def __init__(self) -> None:
            super().__init__()
            self.first_poll: float | None = None
            self._poll_lock = threading.Lock()

        def _api_getupdates(self, params: Any) -> Any:
            with self._poll_lock:
                if self.first_poll is None:
                    self.first_poll = time.monotonic()
            return super()._api_getupdates(params)

    return StartTelegram


def measure_start(
    data_dir: Path,
    question: str = QUESTION,
    timeout: float = 300.0,
    env: Mapping[str, str] | None = None,
) -> StartRun:
    """Start the bot on `data_dir` once, a question waiting; stop it after it answers. `env`:
    more variables for the bot (its encoder, its lexical index)."""
    telegram_class = _telegram_class()
    with telegram_class() as telegram:
        reader = telegram.user(READER_ID, "Reader")
        message = telegram.send(telegram.private_chat(reader), reader, question)
        # The bot's own database unless `env` names a shared one; always the fake server.
        variables = {
            **{k: v for k, v in os.environ.items() if k != "NEWSBOT_DATABASE_URL"},
            **(env or {}),
            "TELEGRAM_BOT_TOKEN": telegram.token,
            "TELEGRAM_API_BASE_URL": telegram.base_url,
            "TELEGRAM_API_BASE_FILE_URL": telegram.base_file_url,
            "NEWSBOT_DATA_DIR": str(data_dir),
            "NEWSBOT_LOG_LEVEL": "INFO",
            "HF_HUB_OFFLINE": "1",
        }
        # The warm-up run leaves Python's bytecode cache, as any earlier start on a user's
        # machine has; this machine's PYTHONDONTWRITEBYTECODE would recompile every start.
        variables.pop("PYTHONDONTWRITEBYTECODE", None)
        spawned = time.monotonic()
        child = subprocess.Popen(
            [sys.executable, "-m", "bot"],
            cwd=repo_root(),
            env=variables,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        key = (READER_ID, message["message_id"])
        try:
            deadline = spawned + timeout
            while key not in telegram.replies and time.monotonic() < deadline:
                if child.poll() is not None:
                    break
                time.sleep(0.01)
            peak = _peak_rss_mb(child.pid)
        finally:
            _, stderr = interrupt(child, 60)
        if key not in telegram.replies:
            tail = "\n".join(stderr.splitlines()[-5:])
            raise EvalError(f"The bot did not answer within {timeout:.0f} s:\n{tail}")
        answered, text = telegram.replies[key]
        polled = telegram.first_poll
    return dict(
        polling_seconds=round(polled - spawned, 3) if polled is not None else None,
        answer_seconds=round(answered - spawned, 3),
        answer=text.splitlines()[0][:120] if text else "",
        exit_code=child.returncode,
        rss_peak_mb=peak,
    )


def _peak_rss_mb(pid: int) -> float | None:
    """A running process's peak resident size (Linux's VmHWM), None where it cannot be read."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024)
    return None


def run_start(
    data_dir: Path,
    runs: int,
    question: str = QUESTION,
    log: Any = print,
    env: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """`runs` starts in a row after an uncounted one (which warms the page cache, as any
    restart finds it); `env` as for `measure_start`."""
    if not (data_dir / "newsbot.sqlite3").is_file():
        raise EvalError(
            f"There is no data directory at {data_dir}: ingest some articles into it first "
            "(`newsbot eval multihop` makes one from the MultiHop-RAG corpus)."
        )
    measured: list[StartRun] = []
    for number in range(runs + 1):
        run = measure_start(data_dir, question, env=env)
        kind = "warm-up" if number == 0 else f"run {number}"
        log(
            f"{kind}: polling after {run['polling_seconds']} s, answer after "
            f"{run['answer_seconds']} s"
        )
        if number:
            measured.append(run)
    return {
        "measured_at": datetime.now(UTC).isoformat(timespec="minutes"),
        "data_dir": str(data_dir),
        "passages": _passages(data_dir),
        "question": question,
        "load": os.getloadavg(),
        "runs": measured,
        "polling_seconds_median": statistics.median(
            r["polling_seconds"] for r in measured if r["polling_seconds"] is not None
        ),
        "answer_seconds_median": statistics.median(r["answer_seconds"] for r in measured),
        "rss_peak_mb_median": _median_or_none([r.get("rss_peak_mb") for r in measured]),
    }


def _median_or_none(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return statistics.median(known) if known else None


def _passages(data_dir: Path) -> int:
    import sqlite3

    with sqlite3.connect(f"file:{data_dir / 'newsbot.sqlite3'}?mode=ro", uri=True) as db:
        return int(db.execute("SELECT count(*) FROM chunks").fetchone()[0])


def format_start(report: dict[str, Any]) -> str:
    load = ", ".join(f"{value:.2f}" for value in report["load"])
    lines = [
        "# Bot start: from `python -m bot` to polling and to the first answer",
        "",
        f"Measured {report['measured_at']} with `newsbot bench start` on "
        f"{report['passages']:,} passages; load averages at the start {load}. The question: "
        f'"{report["question"]}".',
        "",
        "Each run starts `python -m bot` against a fake Bot API server on loopback with a "
        "question already waiting; seconds are from the spawn. The bot polls at once and "
        "loads the engine in a thread; the waiting question is answered once the engine is "
        "open. An uncounted warm-up start comes first: it fills the page cache and leaves "
        "Python's bytecode cache, as any earlier start on a user's machine has.",
        "",
        "| run | to polling s | to the first answer s | peak resident MiB | answer (first line) |",
        "|---|---|---|---|---|",
    ]
    for number, run in enumerate(report["runs"], start=1):
        lines.append(
            f"| {number} | {run['polling_seconds']} | {run['answer_seconds']} | "
            f"{run.get('rss_peak_mb') or ''} | {run['answer'].replace('|', '/')} |"
        )
    lines += [
        f"| median | {report['polling_seconds_median']} | {report['answer_seconds_median']} | "
        f"{report.get('rss_peak_mb_median') or ''} | |",
        "",
        "Peak resident = the bot process's peak resident size (VmHWM) once it has answered.",
        "",
    ]
    return "\n".join(lines)


def cmd_start(_settings: Any, args: Any) -> int:
    """The `bench start` command; the bot's data directory is `newsbot --data-dir`, by default
    the evaluation corpus (.eval/multihop)."""
    data_dir = args.data_dir or repo_root() / ".eval" / "multihop"
    try:
        report = run_start(
            data_dir, args.runs, args.question, log=lambda line: print(line, flush=True)
        )
    except EvalError as error:
        print(error, file=sys.stderr)
        return 1
    text = format_start(report)
    print(text)
    if args.results != "-":
        write_with_json(Path(args.results), text, report)
    return 0


def register_cli(commands: Any) -> None:
    """Add `bench start` under the `bench` command's subcommands."""
    start = commands.add_parser(
        "start",
        help="seconds from starting the bot to polling and to its first answer",
        description="Start `python -m bot` several times against a fake Bot API server on "
        "loopback, a question already waiting, and report the seconds to polling and to the "
        "first answer. The bot's data directory is newsbot's --data-dir (default: the "
        "evaluation corpus, .eval/multihop).",
    )
    start.add_argument("--runs", type=int, default=5, help="measured starts (default 5)")
    start.add_argument("--question", default=QUESTION, help=f"the waiting question ({QUESTION!r})")
    start.add_argument(
        "--results",
        default=str(repo_root() / "results" / "bench-start.md"),
        help="Markdown results file, with a .json twin; - to write none",
    )
    start.set_defaults(handler=cmd_start, standalone=True)
