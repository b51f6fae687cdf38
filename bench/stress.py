"""`newsbot bench stress`: many users asking at once through the real bot while articles are added.

The users (`bench.stress_load`) and a fake Bot API server (`tests/support/fake_telegram.py`, on
127.0.0.1) run in this process; the bot runs in a child process built exactly as `python -m bot`
builds it (`bench.stress_bot`), with a thread adding generated articles to the same engine while
the questions arrive. `bench.stress_report` turns what was sent and replied into the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.stress_bot import ADMIN_ID
from bench.stress_load import (
    REPO_ROOT,
    Asked,
    StressOptions,
    ask_all,
    fake_telegram,
    interrupt,
    prepare,
)
from bench.stress_report import build_report, format_report, write_report

__all__ = ["cmd_stress", "register_cli", "run_stress"]


def run_stress(options: StressOptions, log: Any = None) -> dict[str, Any]:
    """Run the whole stress test; returns the report (see `format_report`)."""
    say = log or (lambda message: None)
    data_dir, questions, ingest_file = prepare(options, say)
    rng = random.Random(options.seed)
    telegram_class = fake_telegram()
    asked: list[Asked] = []
    with telegram_class() as telegram:
        command = [sys.executable, "-m", "bench.stress_bot", "--encoder", options.encoder]
        command += ["--data-dir", str(data_dir), "--api", telegram.base_url]
        if ingest_file is not None:
            command += ["--ingest-file", str(ingest_file)]
        env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
        child = subprocess.Popen(
            command,
            cwd=REPO_ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            say("waiting for the bot to start and load its engine …")
            began = time.monotonic()
            warm_up = telegram.send(
                telegram.private_chat(telegram.user(ADMIN_ID, "Ada")),
                telegram.user(ADMIN_ID, "Ada"),
                "What is in the news?",
            )
            if not _wait(lambda: (ADMIN_ID, warm_up["message_id"]) in telegram.replies, 300):
                raise RuntimeError(f"the bot did not answer within 300 s: {_stderr(child)}")
            ready = time.monotonic() - began
            say(f"bot ready after {ready:.1f} s; asking {len(questions)} questions")
            asked = ask_all(telegram, options, questions, rng, say)
            last_sent = max(a.sent for a in asked) if asked else time.monotonic()
            # Until every question is replied to or the drain time passes; the flooder's
            # dropped questions (by design) are not waited for.
            ordinary = [a for a in asked if not a.flooder]
            _wait(
                lambda: all((a.user, a.message_id) in telegram.replies for a in ordinary),
                options.drain,
            )
            drained = time.monotonic() - last_sent
            time.sleep(1.0)  # the flooder's last replies, if any
        finally:
            stdout, stderr = interrupt(child, 120)
        replies = dict(telegram.replies)
        extra = telegram.extra_replies
    served = _last_json(stdout)
    report = build_report(options, asked, replies, served, ready, drained, extra)
    report["bot_exit"] = child.returncode
    report["bot_errors"] = [line for line in stderr.splitlines() if " ERROR " in line][:5]
    return report


def _wait(condition: Any, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return bool(condition())


def _stderr(child: subprocess.Popen[str]) -> str:
    if child.poll() is None:
        return "(still running)"
    return (child.stderr.read() if child.stderr else "")[-2000:]


def _last_json(text: str) -> dict[str, Any]:
    for line in reversed(text.strip().splitlines()):
        try:
            value = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(value, dict):
            return value
    return {}


def cmd_stress(settings: Any, args: argparse.Namespace) -> int:
    """The `bench stress` command: run, print, write the results; exit 1 if any was lost."""

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    options = StressOptions(
        users=args.users,
        questions=args.questions,
        over=args.over,
        flood=args.flood,
        ingest=args.ingest,
        encoder=args.encoder,
        seed=args.seed,
        drain=args.drain,
        work_dir=Path(args.work_dir),
    )
    report = run_stress(options, None if args.quiet else log)
    print(json.dumps(report) if args.json else format_report(report))
    if args.results:
        write_report(report, Path(args.results))
    return 1 if report["lost"] or report["failed"] else 0


def register_cli(commands: Any) -> None:
    """Add `bench stress` under the `bench` command's subcommands."""
    stress = commands.add_parser(
        "stress",
        help="many users asking through the real bot while articles are added",
        description="Run the real bot against a fake Bot API server on loopback, with many "
        "users asking at once, one user flooding and articles being added; report what was "
        "answered, limited, failed or lost and the latency percentiles.",
    )
    stress.add_argument("--users", type=int, default=200, help="users asking (default 200)")
    stress.add_argument("--questions", type=int, default=1000, help="questions (default 1000)")
    stress.add_argument(
        "--over", type=float, default=100.0, help="seconds the questions arrive over (default 100)"
    )
    stress.add_argument(
        "--flood", type=int, default=100, help="questions one user sends at once (default 100)"
    )
    stress.add_argument(
        "--ingest",
        type=int,
        default=200,
        help="articles a thread adds to the engine meanwhile (0: none; default 200)",
    )
    stress.add_argument(
        "--encoder",
        choices=["hashing", "model"],
        default="model",
        help="model: the real model over the MultiHop-RAG corpus (default); hashing: the fast "
        "test encoder over generated articles",
    )
    stress.add_argument("--seed", type=int, default=0)
    stress.add_argument(
        "--drain", type=float, default=120.0, help="seconds to wait for the last replies"
    )
    stress.add_argument(
        "--work-dir", default=str(REPO_ROOT / ".bench" / "stress"), help="scratch folder"
    )
    stress.add_argument(
        "--results",
        default="",
        help="write a Markdown report (and a .json twin) here, e.g. results/stress.md",
    )
    stress.add_argument("--json", action="store_true", help="print the report as JSON")
    stress.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    stress.set_defaults(handler=cmd_stress, standalone=True)
