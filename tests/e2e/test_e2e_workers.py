"""End to end: three `python -m bot` workers in webhook mode behind one entry point, one database.

The fake Bot API delivers every update twice (as Telegram retries a delivery it did not see
acknowledged) through a round-robin reverse proxy; the workers share one PostgreSQL with
pgvector. Every question must be answered exactly once, an article added through one worker
must be answered from by the others, and when the worker polling the feeds is killed another
must take the polls over. Real processes, the real model, real HTTP on loopback.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from tests.e2e.harness import ADMIN, admin_sends
from tests.support.fake_telegram import TOKEN, FakeTelegram
from tests.support.feeds import STORIES, FeedSite
from tests.support.proxy import RoundRobinProxy
from tests.support.web import serving

LIGHTHOUSE, FERRY = STORIES["lighthouse-museum"], STORIES["night-ferry"]
SECRET = "webhook-secret-for-tests_1"
ARTICLE = (
    "Port Ellery council approves harbour wall repairs\n\n"
    "The Port Ellery council voted on Tuesday to spend 3.2 million euros repairing the harbour "
    "wall that storms breached in January. Work will start in May and should take eleven weeks, "
    "the council's engineer, Mira Dahl, told the meeting. Fishing boats will moor at the north "
    "quay while the wall is closed."
)
QUESTIONS = [
    "how much will the harbour wall repairs in Port Ellery cost?",
    "when do the Port Ellery harbour wall repairs start?",
    "who is the council engineer for the harbour wall repairs?",
    "where will fishing boats moor while the Port Ellery harbour wall is closed?",
    "how long will the harbour wall repairs take?",
    "did Port Ellery council vote on the harbour wall?",
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _reader(number: int) -> dict[str, object]:
    return FakeTelegram.user(5000 + number, f"Reader {number}")


class Workers:
    """The bot processes, started with one environment and a listening port each."""

    def __init__(self, env: dict[str, str], ports: list[int], folder: Path) -> None:
        self.processes: dict[int, subprocess.Popen[str]] = {}
        for port in ports:
            worker_env = {
                **env,
                "NEWSBOT_WEBHOOK_LISTEN": f"127.0.0.1:{port}",
                "NEWSBOT_DATA_DIR": str(folder / f"worker-{port}"),
            }
            self.processes[port] = subprocess.Popen(
                [sys.executable, "-m", "bot"],
                cwd=folder,
                env=worker_env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )

    def exited(self) -> str:
        """What the workers that have stopped wrote to stderr (for a failing wait)."""
        logs = []
        for process in self.processes.values():
            if process.poll() is not None and process.returncode != -signal.SIGKILL:
                logs.append(f"worker {process.pid} exited {process.returncode}:\n")
                logs.append(process.stderr.read()[-3000:] if process.stderr else "")
        return "".join(logs)

    def pid_of(self, worker: str) -> int:
        """The process id in a worker name (host:pid:suffix)."""
        return int(worker.split(":")[-2])

    def kill(self, pid: int) -> None:
        for process in self.processes.values():
            if process.pid == pid:
                process.kill()
                process.wait(timeout=30)
                return
        raise AssertionError(f"no worker with pid {pid}")

    def stop(self) -> dict[int, tuple[int, str]]:
        """Ctrl-C every live worker; (exit code, stderr) of each."""
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
        finished: dict[int, tuple[int, str]] = {}
        for process in self.processes.values():
            try:
                _, stderr = process.communicate(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                _, stderr = process.communicate()
            finished[process.pid] = (process.returncode, stderr)
        return finished


def _rows(url: str, sql: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(url, autocommit=True) as db:
        return list(db.execute(sql).fetchall())


def _articles(url: str) -> int:
    return int(_rows(url, "SELECT count(*) FROM articles")[0][0])


async def _until(
    condition: Callable[[], bool], timeout: float, what: str, workers: Workers
) -> None:
    deadline = time.monotonic() + timeout
    while not await asyncio.to_thread(condition):
        assert time.monotonic() < deadline, f"{what} within {timeout} s\n{workers.exited()}"
        await asyncio.sleep(0.2)


@pytest.fixture
def site() -> Iterator[FeedSite]:
    with serving() as server:
        yield FeedSite(server)


@pytest.mark.slow
async def test_three_webhook_workers_answer_each_question_once_and_take_over_jobs(
    telegram: FakeTelegram, database_url: str, site: FeedSite, tmp_path: Path
) -> None:
    feed_url = site.rss("/feed.xml", [LIGHTHOUSE])
    ports = [_free_port() for _ in range(3)]
    telegram.redeliver = 2  # every update arrives twice
    with RoundRobinProxy([f"http://127.0.0.1:{port}" for port in ports]) as proxy:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "NEWSBOT_"))}
        env.update(
            HF_HUB_OFFLINE="1",
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_API_BASE_URL=telegram.base_url,
            NEWSBOT_ADMIN_IDS=str(ADMIN["id"]),
            NEWSBOT_DATABASE_URL=database_url,
            NEWSBOT_WEBHOOK_URL=f"{proxy.base_url}/telegram",
            NEWSBOT_WEBHOOK_SECRET=SECRET,
            # torch in each process: three processes exporting the ONNX model at once would
            # race for its cache on a fresh machine.
            NEWSBOT_ENCODER="torch",
            NEWSBOT_ALLOW_PRIVATE_URLS="true",
            NEWSBOT_FEEDS=feed_url,
            NEWSBOT_FEED_INTERVAL="0.01",
            NEWSBOT_FEED_MIN_INTERVAL="0.01",
            NEWSBOT_RATE_LIMIT_QUESTIONS="1000",
        )
        workers = Workers(env, ports, tmp_path)
        try:
            await _until(
                lambda: len(telegram.calls("setWebhook")) >= 3,
                120,
                "every worker set the webhook",
                workers,
            )
            # A post without the secret is refused by whichever worker gets it.
            forged = urllib.request.Request(f"{proxy.base_url}/telegram", data=b"{}", method="POST")
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(forged, timeout=10)
            assert refused.value.code == 403

            # The admin adds an article through one worker ...
            status = await admin_sends(telegram, f"/add {ARTICLE}")
            assert "Indexed" in status.text, status.text
            # ... and readers' questions, spread over the workers, are answered from it once each.
            marks: dict[int, int] = {}
            for number, question in enumerate(QUESTIONS):
                reader = _reader(number)
                marks[number] = telegram.mark()
                telegram.send(FakeTelegram.private_chat(reader), reader, question)
            chats = {int(str(_reader(number)["id"])) for number in range(len(QUESTIONS))}
            await telegram.wait_until(
                lambda: chats <= {c.chat_id for c in telegram.calls("sendMessage")}, timeout=120
            )
            await asyncio.sleep(2.0)  # room for a duplicate answer to show up
            for number in range(len(QUESTIONS)):
                chat = int(str(_reader(number)["id"]))
                replies = telegram.sent_to(chat, after=marks[number])
                assert len(replies) == 1, [r.text for r in replies]
                assert "Port Ellery council" in replies[0].text or "harbour" in replies[0].text
            delivered = [u for u, status in telegram.deliveries() if status == 200]
            assert len(delivered) >= 2 * (len(QUESTIONS) + 1)  # each delivered twice
            handled = _rows(database_url, "SELECT update_id, worker FROM bot_updates")
            assert len(handled) == len({u for u, _ in handled})
            assert len({worker for _, worker in handled}) >= 2  # the work was shared

            # One worker polls the feed; kill it, and another takes the polls over.
            await _until(
                lambda: _articles(database_url) >= 2,
                60,
                "the feed's first story added",
                workers,
            )
            ((holder,),) = _rows(database_url, "SELECT holder FROM bot_leases")
            workers.kill(workers.pid_of(str(holder)))
            site.rss("/feed.xml", [FERRY, LIGHTHOUSE])
            await _until(
                lambda: _articles(database_url) >= 3,
                60,
                "a surviving worker polled the feed",
                workers,
            )
            ((successor,),) = _rows(database_url, "SELECT holder FROM bot_leases")
            assert successor != holder

            # Questions still get exactly one answer with a worker gone.
            reader = _reader(99)
            chat = int(str(reader["id"]))
            mark = telegram.mark()
            telegram.send(FakeTelegram.private_chat(reader), reader, "when is the night ferry?")
            await telegram.wait_for("sendMessage", lambda c: c.chat_id == chat, timeout=60)
            await asyncio.sleep(1.5)
            (reply,) = telegram.sent_to(chat, after=mark)
            assert "23:40" in reply.text
        finally:
            finished = workers.stop()
    for pid, (code, stderr) in finished.items():
        if code != -signal.SIGKILL:
            assert code == 0, f"worker {pid}: {stderr[-2000:]}"
            assert "Traceback" not in stderr, stderr[-3000:]
            assert TOKEN not in stderr
