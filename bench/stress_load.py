"""The users of `newsbot bench stress`: the corpus and questions, and asking them at their moments.

Questions arrive at uniformly random moments over `--over` seconds, shared round-robin among
`--users` people; one more person floods the bot with `--flood` questions at once half-way
through. Each message is noted with the moment it was queued for the bot's `getUpdates`, and
the fake Bot API server notes when the bot's first reply to it arrives.
"""

from __future__ import annotations

import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.stress_bot import TOKEN
from bench.synthetic import generate, write_jsonl

__all__ = ["Asked", "StressOptions", "ask_all", "fake_telegram", "prepare"]

REPO_ROOT = Path(__file__).resolve().parents[1]
FIRST_USER_ID = 100_000
FLOODER_ID = 99_999
HASHING_QUESTIONS = [
    "What was approved under the codename {code}?",
    "Where was the project {code} approved?",
    "What did officials say about {code}?",
    "Tell me about project {code}",
]


@dataclass(frozen=True)
class StressOptions:
    """How many users ask how many questions over how long, the flood, and the articles added."""

    users: int = 200
    questions: int = 1000
    over: float = 100.0
    flood: int = 100
    ingest: int = 200
    encoder: str = "model"
    seed: int = 0
    drain: float = 120.0
    work_dir: Path = field(default_factory=lambda: REPO_ROOT / ".bench" / "stress")


def interrupt(child: subprocess.Popen[str], timeout: float) -> tuple[str, str]:
    """Stop the bot process as Ctrl-C does (killed if it has not exited within `timeout`);
    its stdout and stderr."""
    child.send_signal(signal.SIGINT)
    try:
        return child.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        child.kill()
        return child.communicate()


def fake_telegram() -> Any:
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


def prepare(options: StressOptions, log: Any) -> tuple[Path, list[str], Path | None]:
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
class Asked:
    """One question sent: by whom, its message id, when it was queued, whether by the flooder."""

    user: int
    message_id: int
    sent: float
    flooder: bool


def ask_all(
    telegram: Any, options: StressOptions, questions: list[str], rng: random.Random, say: Any
) -> list[Asked]:
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
    asked: list[Asked] = []
    start = time.monotonic()
    reported = 0
    for moment, user, question, flooding in plan:
        delay = start + moment - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        now = time.monotonic()
        message = telegram.send(telegram.private_chat(user), user, question)
        asked.append(Asked(user["id"], message["message_id"], now, flooding))
        if now - start >= reported + 10:
            reported += 10
            say(f"{reported} s: {len(asked)} sent, {len(telegram.replies)} replied")
    return asked
