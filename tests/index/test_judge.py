"""The answer judge: made from the bundled model by `bench.judge.train_judge`, kept in the data
directory, loaded by the engine, and asked only about questions in its language."""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Sequence
from pathlib import Path

import pytest

from bench.judge import train_judge
from index import AnswerParams, Engine, HashingEncoder, Settings
from index.embed_onnx import cpu_session
from index.evidence import EvidenceWeights
from index.judge import (
    ABOUT_FILE,
    JUDGE_DIR,
    ONNX_FILE,
    PICKER_DIR,
    Judge,
    JudgeError,
    load_judge,
)

# Pairs written for this test: what a story says answers the question, the rest does not.
PAIRS = [
    ("how many volunteers joined the flu trial", "The trial enrolled forty volunteers.", 1.0),
    ("how many volunteers joined the flu trial", "The port strike entered a third day.", 0.0),
    ("who leads the flu vaccine trial", "Dr. Priya Ramaswamy leads the trial.", 1.0),
    ("who leads the flu vaccine trial", "Farm groups warned the silos were full.", 0.0),
    ("how long is the lindmark strike", "The strike at Lindmark is in its third day.", 1.0),
    ("how long is the lindmark strike", "Volunteers will be paid for their time.", 0.0),
    ("did the hospital close its ward", "The hospital opened a new car park.", 0.0),
    ("did the hospital close its ward", "The ward closed on Friday, the hospital said.", 1.0),
]


@pytest.fixture(scope="module")
def judge_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A judge fine-tuned for a few steps: enough to be a real model directory, not a good
    judge."""
    path = tmp_path_factory.mktemp("judge") / JUDGE_DIR
    from bench.judge import Training

    return train_judge(
        PAIRS, path, Training(epochs=1, batch_size=4, warmup_steps=1), about={"sets": ["test"]}
    )


def test_a_trained_judge_is_a_whole_model_directory_that_scores_sentences(
    judge_dir: Path,
) -> None:
    about = json.loads((judge_dir / ABOUT_FILE).read_text(encoding="utf-8"))
    assert about["sets"] == ["test"] and about["pairs"] == len(PAIRS)
    assert about["positives"] == 4 and about["languages"] == ["en"]
    assert about["onnx"] is True and (judge_dir / ONNX_FILE).is_file()
    assert not judge_dir.with_name(judge_dir.name + ".partial").exists()
    judge = load_judge(judge_dir)
    assert judge is not None and judge.languages == ("en",)
    assert judge.runtime == "onnx"
    sentences = ["The trial enrolled forty volunteers.", "Farm groups warned the silos were full."]
    scores = judge.score("how many volunteers joined the flu trial", sentences)
    assert len(scores) == 2 and all(0.0 < s < 1.0 for s in scores)
    # The same weights score the same way, loaded again.
    again = load_judge(judge_dir)
    assert again is not None
    assert again.score("how many volunteers joined the flu trial", sentences) == pytest.approx(
        scores
    )
    assert judge.score("anything", []) == []


def test_torch_runs_the_judge_where_its_onnx_file_is_missing_or_broken(
    judge_dir: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    question = "who leads the flu vaccine trial"
    sentences = ["Dr. Priya Ramaswamy leads the trial.", "The port strike entered a third day."]
    onnx = load_judge(judge_dir)
    assert onnx is not None
    without = tmp_path / "without"
    shutil.copytree(judge_dir, without)
    (without / ONNX_FILE).unlink()
    torch_judge = load_judge(without)
    assert torch_judge is not None and torch_judge.runtime == "torch"
    assert torch_judge.score(question, sentences) == pytest.approx(
        onnx.score(question, sentences), abs=1e-4
    )
    (without / ONNX_FILE).write_bytes(b"not a model")
    broken = load_judge(without)
    assert broken is not None
    with caplog.at_level(logging.WARNING, logger="index.judge"):
        assert broken.runtime == "torch"
    assert "ONNX file cannot run" in caplog.text


def test_training_again_replaces_the_judge_whole(judge_dir: Path, tmp_path: Path) -> None:
    from bench.judge import Training

    target = tmp_path / JUDGE_DIR
    target.mkdir()
    (target / "stale.bin").write_bytes(b"old")
    # A crash while writing leaves a .partial directory, never half a judge in place.
    target.with_name(target.name + ".partial").mkdir()
    train_judge(PAIRS[:4], target, Training(epochs=1, batch_size=4, warmup_steps=1))
    assert not (target / "stale.bin").exists()
    assert (target / "config.json").is_file()
    assert not target.with_name(target.name + ".partial").exists()


def test_an_engine_with_a_broken_judge_answers_without_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    data = tmp_path / "data"
    (data / JUDGE_DIR).mkdir(parents=True)
    (data / JUDGE_DIR / "config.json").write_text("{}", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="index.engine"):
        with Engine(Settings(data_dir=data), encoder=HashingEncoder()) as engine:
            assert engine.judge is None
            engine.add_text(STORY, title="Harbour bridge wins approval")
            assert engine.ask("harbour bridge cost?").answered
        (data / JUDGE_DIR / ABOUT_FILE).write_text("{not json", encoding="utf-8")
        assert Engine(Settings(data_dir=data), encoder=HashingEncoder()).judge is None
    assert caplog.text.count("answering without the judge") == 2


def test_no_judge_or_a_broken_one(tmp_path: Path) -> None:
    assert load_judge(tmp_path / "missing") is None
    empty = tmp_path / "empty"
    empty.mkdir()
    assert load_judge(empty) is None
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "config.json").write_text("{}", encoding="utf-8")
    judge = load_judge(broken)
    assert judge is not None
    with pytest.raises(JudgeError, match="cannot be loaded"):
        judge.warm_up()
    (broken / ABOUT_FILE).write_text("{not json", encoding="utf-8")
    with pytest.raises(JudgeError, match="cannot be read"):
        load_judge(broken)


class FixedJudge(Judge):
    """Scores every sentence the same, and records what it was asked."""

    def __init__(self, score: float) -> None:
        super().__init__(Path("fixed"))
        self.fixed = score
        self.asked: list[tuple[str, list[str]]] = []

    def warm_up(self) -> None:
        pass

    def score(self, question: str, sentences: Sequence[str]) -> list[float]:
        self.asked.append((question, list(sentences)))
        return [self.fixed] * len(sentences)


STORY = (
    "Harbour bridge wins approval\n\n"
    "The city council approved the new harbour bridge on Monday after a four-hour debate. "
    "The bridge will cost 40 million dollars and is due to open in 2026."
)


def test_the_engine_loads_the_judge_in_its_data_directory(judge_dir: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / JUDGE_DIR).symlink_to(judge_dir, target_is_directory=True)
    with Engine(Settings(data_dir=data), encoder=HashingEncoder()) as engine:
        assert engine.judge is not None and engine.judge.path == data / JUDGE_DIR
        assert engine.judgement_of(engine.read("harbour bridge cost?")) is not None
        # The judge reads English only: a Russian question goes without it.
        assert engine.judgement_of(engine.read("сколько стоит мост?")) is None
        # A part of a question is read by the same judge, as a question of its own.
        judging = engine.judging_of(engine.read("harbour bridge cost and when does it open?"))
        assert judging is not None
        sentences = ["The bridge will cost 40 million dollars.", "The port strike entered a day."]
        assert list(judging("harbour bridge cost")(sentences)) == pytest.approx(
            engine.judge.score("harbour bridge cost", sentences)
        )
        assert engine.judging_of(engine.read("сколько стоит мост и когда откроют?")) is None
        # A variant for an evaluation shares it.
        assert engine.with_params().judge is engine.judge
    elsewhere = Settings(data_dir=tmp_path / "other", judge_dir=data / JUDGE_DIR)
    assert Engine(elsewhere, encoder=HashingEncoder()).judge is not None
    assert Engine(Settings(data_dir=tmp_path / "none"), encoder=HashingEncoder()).judge is None


def test_a_judge_with_a_picker_in_its_directory_gives_the_engine_both(
    judge_dir: Path, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    shutil.copytree(judge_dir, data / JUDGE_DIR)
    with Engine(Settings(data_dir=data), encoder=HashingEncoder()) as engine:
        assert engine.judge is not None and engine.judge.picker is None
        assert engine.picking_of(engine.read("harbour bridge cost?")) is None
    # Any cross-encoder directory serves as a picker here (`bench.judge.make_picker` makes it).
    shutil.copytree(judge_dir, data / JUDGE_DIR / PICKER_DIR)
    with Engine(Settings(data_dir=data), encoder=HashingEncoder()) as engine:
        judge = engine.judge
        assert judge is not None and judge.picker is not None
        assert judge.picker.path == data / JUDGE_DIR / PICKER_DIR and judge.picker.picker is None
        picking = engine.picking_of(engine.read("how many volunteers joined the flu trial?"))
        assert picking is not None
        sentences = ["The trial enrolled forty volunteers.", "The port strike entered a day."]
        assert list(picking(sentences)) == pytest.approx(
            judge.picker.score("how many volunteers joined the flu trial", sentences)
        )
        # Like the judge, it reads English only.
        assert engine.picking_of(engine.read("сколько стоит мост?")) is None
        engine.add_text(STORY, title="Harbour bridge wins approval")
        assert engine.ask("harbour bridge cost?").answered


def test_a_broken_picker_is_left_out_and_the_judge_kept(
    judge_dir: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    data = tmp_path / "data"
    shutil.copytree(judge_dir, data / JUDGE_DIR)
    picker = data / JUDGE_DIR / PICKER_DIR
    picker.mkdir()
    (picker / "config.json").write_text("{}", encoding="utf-8")  # no weights to load
    with caplog.at_level(logging.WARNING, logger="index.judge"):
        with Engine(Settings(data_dir=data), encoder=HashingEncoder()) as engine:
            assert engine.judge is not None and engine.judge.picker is None
            engine.add_text(STORY, title="Harbour bridge wins approval")
            assert engine.ask("harbour bridge cost?").answered
        (picker / ABOUT_FILE).write_text("{not json", encoding="utf-8")  # cannot even be read
        judge = load_judge(data / JUDGE_DIR)
        assert judge is not None and judge.picker is None
    assert caplog.text.count("quoting without the picker") == 2


# The decision left to the judge alone (the fitted weights suit the bundled model's cosines,
# not the fake encoder's).
JUDGE_ALONE = AnswerParams(
    judged_short_weights=EvidenceWeights(
        dense=0.0, names=0.0, coverage=0.0, said=0.0, judged=1.0, unknown_source=0.0
    ),
    min_judged_short_evidence=0.5,
)


def test_a_judge_that_finds_no_answer_declines_a_short_question(tmp_path: Path) -> None:
    for score, answered in ((0.95, True), (0.001, False)):
        judge = FixedJudge(score)
        data = tmp_path / f"data-{score}"
        settings = Settings(data_dir=data)
        with Engine(settings, HashingEncoder(), answer_params=JUDGE_ALONE, judge=judge) as engine:
            engine.add_text(STORY, title="Harbour bridge wins approval")
            answer = engine.ask("harbour bridge cost?")
            assert answer.answered is answered
            # The judge reads a chat question without the mark that ends it.
            assert judge.asked and judge.asked[0][0] == "harbour bridge cost"
            assert all(sentence in STORY for sentence in judge.asked[0][1])


def test_onnx_sessions_let_their_idle_threads_sleep(judge_dir: Path) -> None:
    # The encoder and the judge share two cores: a session spinning after its run slows the
    # other's (see `index.embed_onnx.cpu_session`).
    session = cpu_session(judge_dir / ONNX_FILE, threads=1)
    options = session.get_session_options()
    assert options.get_session_config_entry("session.intra_op.allow_spinning") == "0"
    assert options.intra_op_num_threads == 1
