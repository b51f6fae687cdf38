"""`newsbot bench stress`: many users asking at once through the real bot while articles are added.

The users and a fake Bot API server (`tests/support/fake_telegram.py`, on 127.0.0.1) run in this
process; the bot runs in a child process built exactly as `python -m bot` builds it
(`bot.app.build_application`, long polling, the flood limiter, the per-user limit), with a thread
adding generated articles to the same engine while the questions arrive. Questions arrive at
uniformly random moments over `--over` seconds, shared round-robin among `--users` people; one
more person floods the bot with `--flood` questions at once half-way through.

Latency is measured from the moment a user's message is queued for the bot's `getUpdates` to the
moment the bot's reply to it reaches the server, both on this process's monotonic clock. Every
question is accounted for: answered, turned away by the per-user limit ("please wait"), turned
away by the question gate ("ask again"), failed (the bot's error sentence), or lost (no reply).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.metrics import percentile
from bench.synthetic import generate, write_jsonl

__all__ = ["StressOptions", "format_report", "register_cli", "run_stress"]

REPO_ROOT = Path(__file__).resolve().parents[1]
ADMIN_ID = 1001
FIRST_USER_ID = 100_000
FLOODER_ID = 99_999
TOKEN = "123456789:AAF-stress-test-token-0123456789abcdefg"
HASHING_QUESTIONS = [
    "What was approved under the codename {code}?",
    "Where was the project {code} approved?",
    "What did officials say about {code}?",
    "Tell me about project {code}",
]


@dataclass(frozen=True)
class StressOptions:
    users: int = 200
    questions: int = 1000
    over: float = 100.0
    flood: int = 100
    ingest: int = 200
    encoder: str = "model"
    seed: int = 0
    drain: float = 120.0
    work_dir: Path = field(default_factory=lambda: REPO_ROOT / ".bench" / "stress")


def _fake_telegram() -> Any:
    """The fake Bot API server class, from the test support package of this checkout."""
    root = str(REPO_ROOT)
    if root not in sys.path:
        # Run as the `newsbot` script, the checkout is not on the path; `tests` lives there.
        sys.path.insert(0, root)
    from tests.support.fake_telegram import FakeTelegram

    class TimedTelegram(FakeTelegram):
        """Notes when each reply to a user's message arrives (the first one only)."""

        def __init__(self) -> None:
            super().__init__(TOKEN)
            self.replies: dict[tuple[int, int], tuple[float, str]] = {}
            self.extra_replies = 0
            self._replies_lock = threading.Lock()

        def _record(self, call: Any) -> None:
            if call.method == "sendMessage" and call.ok:
                reply = call.params.get("reply_parameters") or {}
                if "message_id" in reply:
                    key = (int(call.params["chat_id"]), int(reply["message_id"]))
                    with self._replies_lock:
                        if key in self.replies:
                            self.extra_replies += 1
                        else:
                            self.replies[key] = (time.monotonic(), call.text)
            super()._record(call)

    return TimedTelegram


# -- the bot, in its own process -------------------------------------------------------------


def serve(argv: list[str]) -> int:
    """`python -m bench.stress serve …`: run the real bot until SIGINT, adding articles meanwhile.

    Prints one JSON line at the end: how many articles the ingest thread added, and when.
    """
    from pydantic import SecretStr

    from bot.app import allowed_updates, build_application
    from bot.config import BotSettings, file_url_for
    from bot.logs import configure_logging
    from index.embed import HashingEncoder
    from index.engine import Engine
    from index.settings import Settings

    parser = argparse.ArgumentParser(prog="bench.stress serve")
    parser.add_argument("--encoder", choices=["hashing", "model"], required=True)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--api", required=True)
    parser.add_argument("--ingest-file", type=Path)
    args = parser.parse_args(argv)

    engine_settings = replace(Settings(data_dir=args.data_dir), encoder_threads=1)
    settings = BotSettings(
        token=SecretStr(TOKEN),
        admin_ids=frozenset({ADMIN_ID}),
        api_base_url=args.api,
        api_base_file_url=file_url_for(args.api),
        log_level="WARNING",
        engine=engine_settings,
    )
    configure_logging(TOKEN, settings.log_level)
    engine = Engine(engine_settings, HashingEncoder() if args.encoder == "hashing" else None)
    application = build_application(settings, engine)
    stop = threading.Event()
    ingest: dict[str, Any] = {"added": 0, "started": None, "finished": None}

    def add_articles() -> None:
        if args.ingest_file is None:
            return
        engine.open()  # idempotent: waits for (or does) the bot's own opening
        ingest["started"] = time.monotonic()
        drafts = [item for _, item in engine.ingest_paths([args.ingest_file])]
        for first in range(0, len(drafts), 4):
            if stop.is_set():
                break
            group = [d for d in drafts[first : first + 4] if not isinstance(d, Exception)]
            outcomes = engine.add_drafts(group, save=True)
            ingest["added"] += sum(1 for o in outcomes if o.article is not None)
        ingest["finished"] = time.monotonic()

    adder = threading.Thread(target=add_articles, name="bulk-ingest", daemon=True)

    async def start_adding(_: Any) -> None:
        adder.start()

    async def stop_adding(_: Any) -> None:
        # Before the engine closes (post_shutdown): let the current group finish.
        import asyncio

        stop.set()
        await asyncio.to_thread(adder.join, 300)

    application.post_stop = stop_adding
    # After the bot's own post_init (which starts opening the engine) has run.
    original_init = application.post_init

    async def post_init(app: Any) -> None:
        if original_init is not None:
            await original_init(app)
        await start_adding(app)

    application.post_init = post_init
    application.run_polling(allowed_updates=allowed_updates())
    ingest["gate_turned_away"] = application.bot_data.gate.turned_away
    print(json.dumps(ingest), flush=True)
    return 0


# -- the users -------------------------------------------------------------------------------


def _prepare(options: StressOptions, log: Any) -> tuple[Path, list[str], Path | None]:
    """A fresh data directory with a corpus, the questions to ask, the articles to add."""
    from index.embed import HashingEncoder
    from index.engine import Engine
    from index.settings import Settings

    work = options.work_dir
    shutil.rmtree(work / "data", ignore_errors=True)
    work.mkdir(parents=True, exist_ok=True)
    data_dir = work / "data"
    rng = random.Random(options.seed)
    questions: list[str]
    if options.encoder == "model":
        from bench.dataset import default_data_dir, load_corpus, load_json, open_corpus_engine

        multihop = default_data_dir()
        corpus_dir = REPO_ROOT / ".eval" / "multihop"
        engine, _ = open_corpus_engine(
            Settings(), load_corpus(multihop / "corpus.json"), corpus_dir, log=log
        )
        engine.close()
        shutil.copytree(corpus_dir, data_dir)
        queries = [str(q["query"]) for q in load_json(multihop / "queries-dev.json")]
        questions = [queries[n % len(queries)] for n in range(options.questions)]
    else:
        articles = generate(options.seed, 300)
        with Engine(Settings(data_dir=data_dir), HashingEncoder()) as engine:
            engine.add_drafts(
                [_draft(a.record()) for a in articles], save=True, sources=[a.url for a in articles]
            )
        questions = [
            rng.choice(HASHING_QUESTIONS).format(code=rng.choice(articles).phrase.split()[-1])
            for _ in range(options.questions)
        ]
    ingest_file = None
    if options.ingest:
        ingest_file = write_jsonl(
            generate(options.seed + 1000, options.ingest), work / "ingest.jsonl"
        )
    return data_dir, questions, ingest_file


def _draft(record: dict[str, str]) -> Any:
    from index.extract import draft_from_record

    return draft_from_record(record)


@dataclass
class _Asked:
    user: int
    message_id: int
    sent: float
    flooder: bool


def run_stress(options: StressOptions, log: Any = None) -> dict[str, Any]:
    """Run the whole stress test; returns the report (see `format_report`)."""
    say = log or (lambda message: None)
    data_dir, questions, ingest_file = _prepare(options, say)
    rng = random.Random(options.seed)
    telegram_class = _fake_telegram()
    asked: list[_Asked] = []
    with telegram_class() as telegram:
        command = [sys.executable, "-m", "bench.stress", "serve", "--encoder", options.encoder]
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
            asked = _ask_all(telegram, options, questions, rng, say)
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
            child.send_signal(signal.SIGINT)
            try:
                stdout, stderr = child.communicate(timeout=120)
            except subprocess.TimeoutExpired:
                child.kill()
                stdout, stderr = child.communicate()
        replies = dict(telegram.replies)
        extra = telegram.extra_replies
    served = _last_json(stdout)
    report = _report(options, asked, replies, served, ready, drained, extra)
    report["bot_exit"] = child.returncode
    report["bot_errors"] = [line for line in stderr.splitlines() if " ERROR " in line][:5]
    return report


def _ask_all(
    telegram: Any, options: StressOptions, questions: list[str], rng: random.Random, say: Any
) -> list[_Asked]:
    """Send every question at its moment; the flooder's all at once half-way through."""
    users = [telegram.user(FIRST_USER_ID + n, f"User {n}") for n in range(options.users)]
    moments = sorted(rng.uniform(0, options.over) for _ in questions)
    plan: list[tuple[float, dict[str, Any], str, bool]] = [
        (moment, users[n % len(users)], question, False)
        for n, (moment, question) in enumerate(zip(moments, questions, strict=True))
    ]
    flooder = telegram.user(FLOODER_ID, "Flo")
    plan += [
        (options.over / 2, flooder, questions[n % len(questions)], True)
        for n in range(options.flood)
    ]
    plan.sort(key=lambda item: item[0])
    asked: list[_Asked] = []
    start = time.monotonic()
    reported = 0
    for moment, user, question, flooding in plan:
        delay = start + moment - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        now = time.monotonic()
        message = telegram.send(telegram.private_chat(user), user, question)
        asked.append(_Asked(user["id"], message["message_id"], now, flooding))
        if now - start >= reported + 10:
            reported += 10
            say(f"{reported} s: {len(asked)} sent, {len(telegram.replies)} replied")
    return asked


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


# -- the figures -----------------------------------------------------------------------------


def _kind(text: str) -> str:
    from bot.errors import ENGINE_DOWN, SOMETHING_WRONG
    from bot.readers import BUSY

    if text in (SOMETHING_WRONG, ENGINE_DOWN):
        return "failed"
    if text == BUSY:
        return "busy"
    if "please wait about" in text:
        return "rate_limited"
    return "answered"


def _latencies(values: list[float]) -> dict[str, float | None]:
    if not values:
        return {"p50": None, "p95": None, "p99": None, "max": None}
    ms = [v * 1000 for v in values]
    return {
        "p50": round(percentile(ms, 50)),
        "p95": round(percentile(ms, 95)),
        "p99": round(percentile(ms, 99)),
        "max": round(max(ms)),
    }


def _report(
    options: StressOptions,
    asked: list[_Asked],
    replies: dict[tuple[int, int], tuple[float, str]],
    served: dict[str, Any],
    ready: float,
    drained: float,
    extra: int,
) -> dict[str, Any]:
    counts = {"answered": 0, "rate_limited": 0, "busy": 0, "failed": 0, "lost": 0}
    flood = {"sent": 0, "answered": 0, "rate_limited": 0, "busy": 0, "failed": 0, "silent": 0}
    latencies: list[float] = []
    during_flood: list[float] = []
    during_ingest: list[float] = []
    flood_time = min((a.sent for a in asked if a.flooder), default=None)
    ingest_end = served.get("finished")
    for item in asked:
        reply = replies.get((item.user, item.message_id))
        if item.flooder:
            flood["sent"] += 1
            flood["silent" if reply is None else _kind(reply[1])] += 1
            continue
        if reply is None:
            counts["lost"] += 1
            continue
        kind = _kind(reply[1])
        counts[kind] += 1
        latency = reply[0] - item.sent
        latencies.append(latency)
        if flood_time is not None and flood_time <= item.sent <= flood_time + 10:
            during_flood.append(latency)
        if options.ingest and (ingest_end is None or item.sent <= ingest_end):
            during_ingest.append(latency)
    seconds = (max(a.sent for a in asked) - min(a.sent for a in asked)) if asked else 0.0
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()}",
        "options": {
            "users": options.users,
            "questions": options.questions,
            "over_seconds": options.over,
            "flood": options.flood,
            "ingest_articles": options.ingest,
            "encoder": options.encoder,
            "seed": options.seed,
        },
        "sent": sum(1 for a in asked if not a.flooder),
        **counts,
        "duplicate_replies": extra,
        "sending_seconds": round(seconds, 1),
        "drain_seconds": round(drained, 1),
        "ready_seconds": round(ready, 1),
        "latency_ms": _latencies(latencies),
        "latency_during_flood_ms": _latencies(during_flood),
        "questions_during_flood": len(during_flood),
        "latency_while_ingesting_ms": _latencies(during_ingest),
        "questions_while_ingesting": len(during_ingest),
        "flooder": flood,
        "ingest": {
            "added": served.get("added"),
            "seconds": (
                round(served["finished"] - served["started"], 1)
                if served.get("finished") and served.get("started")
                else None
            ),
            "still_running_at_end": served.get("finished") is None and bool(options.ingest),
        },
        "gate_turned_away": served.get("gate_turned_away"),
    }


def format_report(report: dict[str, Any]) -> str:
    o = report["options"]
    lat, flood, ingest = report["latency_ms"], report["flooder"], report["ingest"]
    during, busy_ingest = report["latency_during_flood_ms"], report["latency_while_ingesting_ms"]
    return "\n".join(
        [
            f"{report['sent']} questions from {o['users']} users over {o['over_seconds']:g} s "
            f"({o['encoder']} encoder, {o['ingest_articles']} articles added meanwhile):",
            f"  answered {report['answered']}, rate-limited {report['rate_limited']}, "
            f"busy {report['busy']}, failed {report['failed']}, lost {report['lost']}",
            f"  latency p50 {lat['p50']} ms, p95 {lat['p95']} ms, p99 {lat['p99']} ms, "
            f"max {lat['max']} ms",
            f"  while the flood was on (next 10 s, {report['questions_during_flood']} questions): "
            f"p50 {during['p50']} ms, p95 {during['p95']} ms",
            f"  while articles were being added ({report['questions_while_ingesting']} "
            f"questions): p50 {busy_ingest['p50']} ms, p95 {busy_ingest['p95']} ms",
            f"  flooder: sent {flood['sent']}, answered {flood['answered']}, told to wait "
            f"{flood['rate_limited']}, dropped silently {flood['silent']}, failed "
            f"{flood['failed']}",
            f"  ingest: {ingest['added']} articles added in {ingest['seconds']} s"
            + (" (still running at the end)" if ingest["still_running_at_end"] else ""),
        ]
    )


def write_report(report: dict[str, Any], path: Path) -> None:
    """`results/stress.md` and its JSON twin."""
    path.parent.mkdir(parents=True, exist_ok=True)
    o = report["options"]
    text = [
        "# Stress test",
        "",
        f"Measured {report['date']} on {report['machine']} with `newsbot bench stress "
        f"--users {o['users']} --questions {o['questions']} --over {o['over_seconds']:g} "
        f"--flood {o['flood']} --ingest {o['ingest_articles']} --encoder {o['encoder']}`.",
        "",
        "```",
        format_report(report),
        "```",
        "",
        "Method: the real bot (`bot.app.build_application`, long polling, python-telegram-bot's "
        "AIORateLimiter, the per-user limit of 5 questions a minute, the question gate) runs in "
        "its own process against a fake Bot API server on 127.0.0.1; the users and the server "
        "share the other process. A thread in the bot's process adds generated articles to the "
        "same engine while the questions arrive at uniformly random moments. Latency runs from "
        "the moment a message is queued for `getUpdates` to the moment the bot's reply reaches "
        "the server.",
        "",
    ]
    path.write_text("\n".join(text), encoding="utf-8")
    path.with_suffix(".json").write_text(json.dumps(report, indent=2), encoding="utf-8")


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


if __name__ == "__main__" and sys.argv[1:2] == ["serve"]:
    sys.exit(serve(sys.argv[2:]))
