"""`newsbot feeds add|list|remove|poll`, `newsbot latest` and `ask --as-of`, in process."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from index import Engine, HashingEncoder, Settings
from index.cli import main
from tests.support.feeds import STORIES, FeedSite
from tests.support.web import serving

LIGHTHOUSE, FERRY = STORIES["lighthouse-museum"], STORIES["night-ferry"]


@pytest.fixture(autouse=True)
def loopback_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSBOT_ALLOW_PRIVATE_URLS", "true")
    monkeypatch.delenv("NEWSBOT_FEEDS", raising=False)


def run(capsys: pytest.CaptureFixture[str], data_dir: Path, *argv: str) -> tuple[int, str]:
    code = main(
        ["--data-dir", str(data_dir), *argv],
        engine_factory=lambda s: Engine(s, encoder=HashingEncoder()),
    )
    out, err = capsys.readouterr()
    return code, out + err


def test_feeds_are_added_listed_polled_and_removed(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    with serving() as server:
        site = FeedSite(server)
        url = site.rss("/feed.xml", [FERRY, LIGHTHOUSE])
        code, out = run(capsys, tmp_path, "feeds", "add", url, "2")
        assert code == 1 and "at most every 5 minutes" in out
        code, out = run(capsys, tmp_path, "feeds", "add", url, "30")
        assert code == 0 and "Subscribed to feed 1" in out and "every 30 minutes" in out

        code, out = run(capsys, tmp_path, "feeds", "poll")
        assert code == 0
        assert "feed 1 Skarholm Sentinel: added 2, duplicates 0, failed 0" in out
        assert f"added: article 2: {FERRY.title}" in out
        # `poll` checks every feed now, whatever its interval: unchanged, so a 304.
        code, out = run(capsys, tmp_path, "feeds", "poll")
        assert "feed 1 Skarholm Sentinel: not modified" in out

        code, out = run(capsys, tmp_path, "feeds", "list", "--json")
        (record,) = (json.loads(line) for line in out.splitlines())
        assert record["title"] == "Skarholm Sentinel" and record["interval_minutes"] == 30
        assert record["last_error"] is None and record["next_poll_at"]

        server.add("/feed.xml", "<html><body>Moved</body></html>")
        code, out = run(capsys, tmp_path, "feeds", "poll")
        assert code == 1 and "failed: That link is a web page, not an RSS or Atom feed." in out
        code, out = run(capsys, tmp_path, "feeds", "list")
        assert "failed 1x in a row: That link is a web page" in out

        code, out = run(capsys, tmp_path, "feeds", "remove", url)
        assert code == 0 and "Unsubscribed from feed 1" in out
        code, out = run(capsys, tmp_path, "feeds", "list")
        assert "No feeds yet" in out
        code, out = run(capsys, tmp_path, "articles")
        assert FERRY.title in out  # the feed's articles stay


def test_latest_lists_headlines_newest_first_and_on_a_topic(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, fixtures: Path
) -> None:
    run(capsys, tmp_path, "ingest", "--quiet", str(fixtures))
    code, out = run(capsys, tmp_path, "latest", "--limit", "2")
    assert code == 0 and len(out.splitlines()) == 2
    dates = [line.split()[0] for line in out.splitlines()]
    assert dates == sorted(dates, reverse=True)
    code, out = run(capsys, tmp_path, "latest", "harbour", "bridge")
    assert "The Aldwin Courier" in out and "bridge" in out.lower()
    code, out = run(capsys, tmp_path, "latest", "volcano")
    assert out.strip() == "Nothing on 'volcano' yet."


def test_ask_as_of_sets_the_engines_clock(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    engines: list[Engine] = []

    def factory(settings: Settings) -> Engine:
        engines.append(Engine(settings, encoder=HashingEncoder()))
        return engines[-1]

    argv = ["--data-dir", str(tmp_path), "ask", "--as-of", "2024-11-17", "What happened?"]
    assert main(argv, engine_factory=factory) == 0
    now = engines[0].clock.now()
    assert now.date() == datetime(2024, 11, 17).date() and now.tzinfo == UTC
    with pytest.raises(SystemExit):
        main(["--data-dir", str(tmp_path), "ask", "--as-of", "17/11/2024", "What?"])
    assert "not a date like 2024-11-17" in capsys.readouterr().err
