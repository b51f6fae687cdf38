"""`newsbot bench profile`: every stage of a question is timed, and the engine is left as it was."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bench.profile import STAGES, format_profile, profile_questions
from bench.report import NOTES_MARKER, write_with_json
from index import ArticleDraft, Engine, HashingEncoder, Settings, answer
from index import engine as engine_module
from index.cli import main


def _engine(tmp_path: Path) -> Engine:
    engine = Engine(Settings(data_dir=tmp_path / "data"), encoder=HashingEncoder()).open()
    engine.add_draft(
        ArticleDraft(
            text="The harbour bridge will close for repairs in March, the council said.\n\n"
            "Ferries will run every twenty minutes while the bridge is shut.",
            title="Harbour bridge to close",
            url="https://example.org/bridge",
            outlet="Harbour Herald",
            published_at=datetime(2023, 10, 3, tzinfo=UTC),
        )
    )
    return engine


def test_each_stage_is_timed_and_the_engine_is_put_back(tmp_path: Path) -> None:
    engine = _engine(tmp_path)
    compose = answer.compose_answer
    questions = ["when does the harbour bridge close", "how often will ferries run"]
    with engine:
        before = engine.ask(questions[0])
        profile = profile_questions(engine, questions, warm_up=1)
        # The answers are the bot's: timing changes nothing, and nothing stays wrapped.
        assert engine.ask(questions[0]) == before
        assert "encode_queries" not in vars(engine.encoder)
        assert "lexical_lists" not in vars(engine.searcher)
    assert vars(engine_module)["compose_answer"] is compose
    assert profile.questions == 2 and len(profile.per_question) == 2
    for stage in ("ask", "search", "encode_question", "lexical", "vectors", "answer"):
        assert profile.seconds[stage] > 0
    stages = profile.with_remainders()
    assert stages["search"] <= stages["ask"]
    assert stages["encode_question"] + stages["lexical"] <= stages["search"]
    assert stages["ask_other"] >= 0 and stages["search_other"] >= 0
    text = format_profile(profile, "two questions", ["A hand-made corpus."])
    assert "over 2 questions" in text
    for _, label in STAGES:
        assert label.strip() in text


def test_the_command_needs_a_corpus(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        ["--data-dir", str(tmp_path / "empty"), "bench", "profile", "--questions", "natural"]
    )
    assert code == 1
    assert "There is no corpus" in capsys.readouterr().err


def test_a_rewritten_results_file_keeps_its_hand_written_notes(tmp_path: Path) -> None:
    path = tmp_path / "results" / "profile-x.md"
    write_with_json(path, "# First run\n\n| a |\n", {"run": 1})
    notes = f"{NOTES_MARKER}\n## Notes\n\nWhy the first run was slow.\n"
    path.write_text(path.read_text(encoding="utf-8") + "\n" + notes, encoding="utf-8")
    write_with_json(path, "# Second run\n\n| b |\n", {"run": 2})
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Second run") and "| a |" not in text
    assert text.endswith(notes)
    assert path.with_suffix(".json").read_text(encoding="utf-8").strip().endswith("}")
