"""The `newsbot` command line, in process on the fake encoder, and once for real in a subprocess."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from index import Answer, Article, Engine, HashingEncoder, Settings
from index.cli import main
from index.store import Store
from tests.conftest import SEED_ARTICLE, require
from tests.localserver import serving


def fake_engine(settings: Settings) -> Engine:
    return Engine(settings, encoder=HashingEncoder())


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv), engine_factory=fake_engine)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def data_dir(tmp_path: Path) -> str:
    return str(tmp_path / "data")


def test_ingest_reports_added_duplicates_and_failures(
    capsys: pytest.CaptureFixture[str], data_dir: str, fixtures: Path
) -> None:
    code, out, _ = run(capsys, "--data-dir", data_dir, "ingest", "--quiet", str(fixtures))
    assert code == 0
    assert out.splitlines()[0] == "added 6, duplicates 0, failed 2"
    assert "not valid JSON" in out and "no article text" in out
    code, out, _ = run(capsys, "--data-dir", data_dir, "ingest", "--quiet", str(fixtures))
    assert out.splitlines()[0] == "added 0, duplicates 6, failed 2"


def test_ask_json_lines_hold_quotes_and_ranked_passages(
    capsys: pytest.CaptureFixture[str],
    data_dir: str,
    fixtures: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    run(capsys, "--data-dir", data_dir, "ingest", "--quiet", str(fixtures))
    questions = "When does the harbour bridge open?\nWhat is the weather on Mars tomorrow?\n"
    monkeypatch.setattr(sys, "stdin", io.StringIO(questions))
    code, out, _ = run(capsys, "--data-dir", data_dir, "ask", "--json", "-")
    assert code == 0
    first, second = (json.loads(line) for line in out.splitlines())
    assert first["question"] == "When does the harbour bridge open?"
    assert first["answered"] is True
    quote = first["quotes"][0]
    assert set(quote) >= {"text", "url", "title", "outlet", "published_at", "article_id"}
    assert quote["outlet"] == "The Aldwin Courier"
    assert quote["published_at"].startswith("2025-03-14")
    assert len(first["passages"]) >= 4  # every chunk in this small corpus, best first
    scores = [p["score"] for p in first["passages"]]
    assert scores == sorted(scores, reverse=True)
    assert set(first["passages"][0]) >= {"text", "url", "title", "score", "article_id"}
    assert second["answered"] is False and second["quotes"] == []


def test_ask_reads_questions_from_a_file(
    capsys: pytest.CaptureFixture[str], data_dir: str, fixtures: Path, tmp_path: Path
) -> None:
    run(capsys, "--data-dir", data_dir, "ingest", "--quiet", str(fixtures))
    questions = tmp_path / "questions.txt"
    questions.write_text(
        "Which immunologist leads the trial?\n\nWhen will the central library stay open until?\n"
    )
    code, out, _ = run(capsys, "--data-dir", data_dir, "ask", str(questions))
    assert code == 0
    assert out.count("Q: ") == 2
    assert "Priya Ramaswamy" in out and "The Northvale Gazette" in out
    assert "ten o'clock at night" in out and "Example Daily" in out


def test_ask_shows_links_without_tracking_parameters(
    capsys: pytest.CaptureFixture[str], data_dir: str, fixtures: Path, tmp_path: Path
) -> None:
    record = json.loads((fixtures / "records.jsonl").read_text().splitlines()[0])
    record["url"] += "?utm_source=rss&utm_medium=feed&page=2"
    feed = tmp_path / "tracked.jsonl"
    feed.write_text(json.dumps(record) + "\n")
    run(capsys, "--data-dir", data_dir, "ingest", "--quiet", str(feed))
    question = "solar farm on the old airfield?"
    code, out, _ = run(capsys, "--data-dir", data_dir, "ask", question)
    assert code == 0
    assert "https://example.org/news/solar-farm?page=2" in out and "utm_" not in out
    # What is stored stays as given.
    _, out, _ = run(capsys, "--data-dir", data_dir, "ask", "--json", question)
    assert json.loads(out)["quotes"][0]["url"] == record["url"]


def test_stats_articles_and_remove(
    capsys: pytest.CaptureFixture[str], data_dir: str, fixtures: Path
) -> None:
    run(capsys, "--data-dir", data_dir, "ingest", "--quiet", str(fixtures / "records.jsonl"))
    _, out, _ = run(capsys, "--data-dir", data_dir, "stats", "--json")
    stats = json.loads(out)
    assert stats["articles"] == 2 and stats["chunks"] == stats["vectors"] >= 2
    _, out, _ = run(capsys, "--data-dir", data_dir, "articles")
    assert "Example Daily: City library extends opening hours" in out
    code, out, _ = run(capsys, "--data-dir", data_dir, "remove", "https://example.org/news/library")
    assert code == 0 and "Removed article" in out
    code, _, err = run(capsys, "--data-dir", data_dir, "remove", "999")
    assert code == 1 and "no article 999" in err
    _, out, _ = run(capsys, "--data-dir", data_dir, "stats", "--json")
    assert json.loads(out)["articles"] == 1


def test_compact_gives_back_the_space_of_removed_articles(
    capsys: pytest.CaptureFixture[str], data_dir: str, fixtures: Path
) -> None:
    code, _, err = run(capsys, "--data-dir", data_dir, "compact")
    assert code == 1 and "there is no database" in err  # nothing created by asking
    run(capsys, "--data-dir", data_dir, "ingest", "--quiet", str(fixtures))
    for line in run(capsys, "--data-dir", data_dir, "articles")[1].splitlines()[:-1]:
        assert run(capsys, "--data-dir", data_dir, "remove", line.split()[0])[0] == 0
    store = Store(Path(data_dir) / "newsbot.sqlite3")
    freed, before = store.free_bytes(), store.size_bytes()
    store.close()
    assert freed > 0
    code, out, _ = run(capsys, "--data-dir", data_dir, "compact")
    assert code == 0 and out.startswith("Compacted")
    store = Store(Path(data_dir) / "newsbot.sqlite3")
    assert store.free_bytes() == 0 and store.size_bytes() <= before - freed
    assert store.count_articles() == 1
    store.close()
    code, out, _ = run(capsys, "--data-dir", data_dir, "stats", "--json")
    assert json.loads(out)["articles"] == 1


def test_missing_source_is_a_failure_not_a_traceback(
    capsys: pytest.CaptureFixture[str], data_dir: str
) -> None:
    code, out, _ = run(capsys, "--data-dir", data_dir, "ingest", "--quiet", "/no/such/file.txt")
    assert code == 1
    assert "failed 1" in out and "There is no file" in out


@pytest.mark.slow
def test_real_model_answers_the_seed_question_from_the_story(tmp_path: Path) -> None:
    """The whole path with the bundled all-MiniLM-L6-v2, as a user runs it."""
    seed = require(SEED_ARTICLE)
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "NEWSBOT_DATA_DIR": str(tmp_path / "data")}
    cli = [sys.executable, "-m", "index"]
    ingest = subprocess.run(
        [*cli, "ingest", str(seed)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    assert "added 1, duplicates 0, failed 0" in ingest.stdout
    asked = subprocess.run(
        [
            *cli,
            "ask",
            "--json",
            "Did Biden authorize Ukraine to use long-range missiles inside Russia?",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    answer = json.loads(asked.stdout)
    assert answer["answered"] is True
    story = seed.read_text()
    appeal = story[story.index("A Message from The Moscow Times") :]
    for quote in answer["quotes"]:
        assert quote["text"] in story  # verbatim
        assert quote["text"] not in appeal
        assert quote["outlet"] == "The Moscow Times"
        assert quote["published_at"].startswith("2024-11-17")
    assert any("authorized Ukraine" in q["text"] for q in answer["quotes"])
    again = subprocess.run(
        [*cli, "ingest", str(seed)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    assert "added 0, duplicates 1, failed 0" in again.stdout


def test_ingest_links_from_a_local_server(
    capsys: pytest.CaptureFixture[str],
    data_dir: str,
    fixtures: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NEWSBOT_ALLOW_PRIVATE_URLS", "true")
    with serving() as server:
        good = server.add("/bridge", (fixtures / "harbour-bridge.html").read_bytes())
        image = server.add("/photo.jpg", b"\xff\xd8\xff", content_type="image/jpeg")
        code, out, _ = run(
            capsys, "--data-dir", data_dir, "ingest", "--quiet", good, image, server.url("/gone")
        )
    assert code == 0
    assert out.splitlines()[0] == "added 1, duplicates 0, failed 2"
    assert f"failed: {image}: That link is an image (image/jpeg), not an article page." in out
    assert "HTTP 404" in out


def test_private_links_are_refused_by_default(
    capsys: pytest.CaptureFixture[str], data_dir: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NEWSBOT_ALLOW_PRIVATE_URLS", raising=False)
    with serving() as server:
        url = server.add("/story", "<p>hello</p>")
        code, out, _ = run(capsys, "--data-dir", data_dir, "ingest", "--quiet", url)
        assert server.requests == []
    assert code == 1 and "non-public address 127.0.0.1" in out


def test_each_record_of_a_file_is_its_own_outcome(
    capsys: pytest.CaptureFixture[str], data_dir: str, tmp_path: Path
) -> None:
    topics = ["harbour bridge", "library hours", "solar farm", "ferry fares"]
    texts = [" ".join([f"The council met about the {t} and voted on it."] * 4) for t in topics]
    records = tmp_path / "mixed.jsonl"
    lines = [
        json.dumps({"url": "https://a.example/1", "text": texts[0]}),
        json.dumps({"url": "https://a.example/2", "text": texts[1], "date": "2023-02-30"}),
        json.dumps({"url": "https://example.com:99x/", "text": texts[2]}),
        json.dumps({"url": "https://a.example/4", "text": texts[3], "date": "0000-01-01"}),
        "[" * 100_000,
        "1" * 5000,
    ]
    records.write_bytes("\n".join(lines).encode() + b"\n\xff\xfe not utf-8\n" + lines[0].encode())
    code, out, err = run(capsys, "--data-dir", data_dir, "ingest", "--quiet", str(records))
    assert "Traceback" not in err
    assert code == 0
    assert out.splitlines()[0] == "added 3, duplicates 1, failed 4"
    assert "https://example.com:99x/: That is not a valid link" in out
    assert "not UTF-8" in out and out.count("cannot be read as JSON") == 2


class _FlakyEngine(Engine):
    """The real engine, except that questions mentioning "explode" hit a bug."""

    def ask(self, question: str, k: int = 10) -> Answer:
        if "explode" in question:
            raise IndexError("list index out of range")
        return super().ask(question, k)


def test_one_failing_question_does_not_cost_the_rest_of_the_batch(
    capsys: pytest.CaptureFixture[str],
    data_dir: str,
    fixtures: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    run(capsys, "--data-dir", data_dir, "ingest", "--quiet", str(fixtures))
    questions = "When does the harbour bridge open?\nWhy does it explode?\nWho leads the trial?\n"

    def ask(*flags: str) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "stdin", io.StringIO(questions))
        code = main(
            ["--data-dir", data_dir, "ask", *flags, "-"],
            engine_factory=lambda s: _FlakyEngine(s, encoder=HashingEncoder()),
        )
        return code, *capsys.readouterr()

    code, out, err = ask("--json")
    assert code == 1 and "Traceback" not in err
    first, second, third = (json.loads(line) for line in out.splitlines())
    assert first["answered"] is True and third["answered"] is True
    assert second == {"question": "Why does it explode?", "error": second["error"]}
    assert "IndexError" in second["error"]
    code, out, err = ask()
    assert code == 1 and "Traceback" not in err
    assert out.count("Q: ") == 3
    assert "Q: Why does it explode?\n   error: internal error (IndexError" in out


def test_questions_that_look_like_the_parsers_placeholders_are_answered(
    capsys: pytest.CaptureFixture[str],
    data_dir: str,
    fixtures: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    run(capsys, "--data-dir", data_dir, "ingest", "--quiet", str(fixtures))
    questions = (
        "What did \x001\x00 say, and \x005\x00 report on the Example Daily library?\n"
        "\x00-1\x00 The Aldwin Courier, \x000\x00 and \x009\x00 harbour bridge\n"
    )
    monkeypatch.setattr(sys, "stdin", io.StringIO(questions))
    code, out, err = run(capsys, "--data-dir", data_dir, "ask", "--json", "-")
    assert code == 0, err
    assert [("error" in json.loads(line)) for line in out.splitlines()] == [False, False]


class _BuggyLinkEngine(Engine):
    """The real engine, except that links ending in /bug hit a bug."""

    async def add_url(self, url: str, *args: Any, **kwargs: Any) -> Article:
        if url.endswith("/bug"):
            raise KeyError("charset")
        return await super().add_url(url, *args, **kwargs)


def test_each_link_is_its_own_outcome(
    capsys: pytest.CaptureFixture[str],
    data_dir: str,
    fixtures: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NEWSBOT_ALLOW_PRIVATE_URLS", "true")
    with serving() as server:
        good = server.add("/bridge", (fixtures / "harbour-bridge.html").read_bytes())
        links = [server.url("/bug"), "https://example.com:99x/", good]
        code = main(
            ["--data-dir", data_dir, "ingest", "--quiet", *links],
            engine_factory=lambda s: _BuggyLinkEngine(s, encoder=HashingEncoder()),
        )
    out, err = capsys.readouterr()
    assert code == 0 and "Traceback" not in err
    assert out.splitlines()[0] == "added 1, duplicates 0, failed 2"
    assert "/bug: internal error (KeyError: 'charset')" in out
    assert "https://example.com:99x/: That is not a valid link" in out


def test_everyday_commands_leave_the_fetching_stack_and_developer_tools_unloaded(
    tmp_path: Path,
) -> None:
    """`newsbot ask` starts in a new process each time: what it never uses, it never imports
    (httpx and the `bench` tooling are a quarter of a second of imports together)."""
    script = (
        "import sys; from index import HashingEncoder, Engine; from index.cli import main; "
        "code = main(sys.argv[1:], engine_factory=lambda s: Engine(s, encoder=HashingEncoder())); "
        "loaded = sorted(m for m in ('httpx', 'bench', 'bench.cli') if m in sys.modules); "
        "print(code, *loaded)"
    )
    data = str(tmp_path / "data")
    for command in (["ask", "when does the bridge open?"], ["stats"], ["articles"]):
        done = subprocess.run(
            [sys.executable, "-c", script, "--data-dir", data, *command],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        assert done.stdout.splitlines()[-1] == "0", (command, done.stdout)


def test_help_and_mistyped_commands_still_list_the_developer_tools(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "eval" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["evl"])
    error = capsys.readouterr().err
    assert "invalid choice: 'evl'" in error and "'bench', 'eval'" in error
    with pytest.raises(SystemExit):
        main(["--data-dir", "somewhere", "eval", "--help"])
    assert "multihop" in capsys.readouterr().out
