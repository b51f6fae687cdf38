"""`newsbot eval judge`'s training pairs: the engine's candidate sentences labelled by the gold
facts, on hand-written stories (the corpus itself is never needed here)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from bench.judge import (
    HELD_OUT_SETS,
    NEGATIVES_PER_POSITIVE,
    QUESTION_SETS,
    Candidate,
    QuestionPairs,
    collect_pairs,
    ensure_judge,
    held_out_judges,
    picking_pairs,
    question_pairs,
    training_pairs,
)
from bench.natural import DEFAULT_QUESTIONS
from index import AnswerParams, Engine, HashingEncoder, Settings
from index.judge import PICKER_DIR, Judge

TRIAL = (
    "Doctors at Northvale General Hospital started a trial of a nasal flu vaccine on Monday. "
    "The trial enrolled forty volunteers in its first week. "
    "Dr. Priya Ramaswamy leads the study, which will follow eight hundred adults."
)
STRIKE = (
    "Dock workers at the Lindmark port walked out on Tuesday over pay. "
    "The strike has left grain silos full across the region, farm groups said."
)
TRIAL_URL = "https://example.org/trial"
STRIKE_URL = "https://example.org/strike"


def _engine(tmp_path: Path) -> Engine:
    # The short rule decides chat questions whatever the encoder (the fake's default is not to).
    engine = Engine(
        Settings(data_dir=tmp_path / "data"), HashingEncoder(), answer_params=AnswerParams()
    ).open()
    engine.add_text(TRIAL, title="Nasal flu vaccine trial begins", url=TRIAL_URL)
    engine.add_text(STRIKE, title="Lindmark dock strike", url=STRIKE_URL)
    return engine


def test_candidates_holding_the_gold_fact_answer_and_other_stories_do_not(tmp_path: Path) -> None:
    with _engine(tmp_path) as engine:
        gold = [(TRIAL_URL, "enrolled forty volunteers")]
        record = question_pairs(
            engine, "q1", "test", "answerable", "how many volunteers in the flu trial", gold
        )
        assert record is not None and record.facts == ("enrolled forty volunteers",)
        # The judge learns the whole sentence holding the fact, as it meets sentences.
        assert record.fact_sentences == ("The trial enrolled forty volunteers in its first week.",)
        answering = [c for c in record.candidates if c.answers]
        assert answering and all(c.gold_article for c in answering)
        assert any("forty volunteers" in c.text for c in answering)
        assert all(not c.gold_article for c in record.candidates if STRIKE.find(c.text) >= 0)
        assert record.candidates[0].quoted_article
        # An article may hold two of a question's facts: each labels its own sentences.
        both = question_pairs(
            engine,
            "q4",
            "test",
            "answerable",
            "who leads the flu trial and how many volunteers",
            [(TRIAL_URL, "enrolled forty volunteers"), (TRIAL_URL, "Dr. Priya Ramaswamy leads")],
        )
        assert both is not None and len(both.fact_sentences) == 2
        assert {c.text for c in both.candidates if c.answers} >= set(both.fact_sentences)
        # Small talk and questions in another language are not the short rule's to decide.
        assert question_pairs(engine, "q2", "test", "smalltalk", "hello there", []) is None
        assert (
            question_pairs(engine, "q3", "test", "answerable", "сколько добровольцев", []) is None
        )


def test_pairs_are_collected_per_question_file(tmp_path: Path) -> None:
    lines = [
        {
            "id": "a-1",
            "kind": "answerable",
            "question": "how many volunteers in the flu trial",
            "gold": [{"url": TRIAL_URL, "fact": "enrolled forty volunteers"}],
        },
        {
            "id": "o-1",
            "kind": "out_of_scope",
            "subkind": "near_miss",
            "question": "did the lindmark strike end",
            "gold": [],
        },
    ]
    path = tmp_path / "mine.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines), encoding="utf-8")
    with _engine(tmp_path) as engine:
        records = collect_pairs(engine, [path])
    assert [(r.id, r.set, r.kind) for r in records] == [
        ("a-1", "mine", "answerable"),
        ("o-1", "mine", "near_miss"),
    ]
    assert not any(c.answers or c.gold_article for c in records[1].candidates)


def _record(question: str, facts: tuple[str, ...], *candidates: Candidate) -> QuestionPairs:
    return QuestionPairs(question, "test", "answerable", question, facts, candidates, facts)


def test_training_pairs_take_every_positive_and_a_few_negatives_each() -> None:
    record = _record(
        "who leads the trial",
        ("Dr. Priya Ramaswamy leads the study, which will follow eight hundred adults.",),
        Candidate(
            "Dr. Priya Ramaswamy leads the study, which will follow eight hundred adults.",
            True,
            True,
            True,
        ),
        Candidate("Doctors at Northvale General Hospital started a trial.", True, True, True),
        # From the gold article without the fact: it may answer in other words, so left out.
        Candidate("The trial enrolled forty volunteers.", False, True, True),
        *(Candidate(f"Other story sentence {n}.", False, False, False) for n in range(20)),
    )
    out_of_scope = _record(
        "did the strike end",
        (),
        *(Candidate(f"Strike line {n}.", False, False, True) for n in range(5)),
    )
    pairs = training_pairs([record, out_of_scope])
    positives = [p for p in pairs if p[2] == 1.0]
    negatives = [p for p in pairs if p[2] == 0.0]
    # The sentence holding the fact is learnt once, though it is also a candidate.
    assert sorted(s for _, s, _ in positives) == [
        "Doctors at Northvale General Hospital started a trial.",
        "Dr. Priya Ramaswamy leads the study, which will follow eight hundred adults.",
    ]
    assert len(negatives) == NEGATIVES_PER_POSITIVE * len(positives)
    # The sentences of the article the answer would quote come first: all five are drawn.
    assert sum(s.startswith("Strike line") for _, s, _ in negatives) == 5
    assert all("forty volunteers" not in s for _, s, _ in pairs)
    # The draw is fixed: the same records give the same pairs in the same order.
    assert training_pairs([record, out_of_scope]) == pairs


def test_picking_pairs_set_the_sentences_stating_the_fact_against_the_rest_of_its_story() -> None:
    record = _record(
        "who leads the trial",
        ("Dr. Priya Ramaswamy leads the study",),
        Candidate("Dr. Priya Ramaswamy leads the study, which follows adults.", True, True, True),
        # Beside the fact (it "answers" with its neighbours) but not stating it: left out.
        Candidate("The trial enrolled forty volunteers.", True, True, True),
        Candidate("Northvale General Hospital opened in 1961 on the hill.", False, True, True),
        Candidate("Ramaswamy", False, True, True),  # a fragment of the fact states nothing
        Candidate("The strike left the silos full.", False, False, False),  # another story
    )
    no_story = _record(
        "how big is the trial",
        ("enrolled forty volunteers",),
        Candidate("The strike left the silos full.", False, False, True),
    )
    out_of_scope = QuestionPairs(
        "o", "test", "near_miss", "did the trial end", (),
        (Candidate("Northvale General Hospital opened in 1961.", False, True, True),), (),
    )  # fmt: skip
    pairs = picking_pairs([record, no_story, out_of_scope])
    assert sorted(pairs) == [
        ("who leads the trial", "Dr. Priya Ramaswamy leads the study, which follows adults.", 1.0),
        ("who leads the trial", "Northvale General Hospital opened in 1961 on the hill.", 0.0),
        ("who leads the trial", "Ramaswamy", 0.0),
    ]
    assert picking_pairs([record, no_story, out_of_scope]) == pairs  # the shuffle is fixed
    assert picking_pairs([no_story, out_of_scope]) == []


def test_an_evaluation_engine_without_a_judge_gets_one_made_once(tmp_path: Path) -> None:
    lines = [
        {
            "id": f"a-{n}",
            "kind": "answerable",
            "question": question,
            "gold": [{"url": TRIAL_URL, "fact": "enrolled forty volunteers"}],
        }
        for n, question in enumerate(("how many volunteers in the flu trial", "flu trial size?"))
    ]
    path = tmp_path / "mine.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines), encoding="utf-8")
    with _engine(tmp_path) as engine:
        assert engine.judge is None
        ensure_judge(engine, question_files=[path])
        made = engine.judge
        assert made is not None and made.path == engine.settings.judge_path
        assert made.about["sets"] == ["mine"] and made.about["questions"] == 2
        # Its picker is made from it, inside its directory.
        assert made.picker is not None and made.picker.path == made.path / PICKER_DIR
        assert made.picker.about["sets"] == ["mine"]
        ensure_judge(engine, question_files=[path])
        assert engine.judge is made  # never made twice
        # A judge without its picker (made before pickers were) gets only the picker made.
        shutil.rmtree(made.path / PICKER_DIR)
        engine.judge = Judge(made.path)
        said_first: list[str] = []
        ensure_judge(engine, said_first.append, question_files=[path])
        assert engine.judge is not None and engine.judge.picker is not None
        assert not any(line.startswith("Training a judge") for line in said_first)
        assert any("picker" in line for line in said_first)
        made = engine.judge
        # One made from pairs drawn another way (an older recipe) is made again.
        about_file = made.path / "judge.json"
        about = json.loads(about_file.read_text(encoding="utf-8"))
        about_file.write_text(json.dumps({**about, "pairs_version": 1}), encoding="utf-8")
        engine.judge = Judge(made.path)
        said: list[str] = []
        ensure_judge(engine, said.append, question_files=[path])
        assert engine.judge is not None and engine.judge.about["pairs_version"] > 1
        assert any("drawn another way" in line for line in said)
        # One that learnt from other sets is made again from these.
        other_path = tmp_path / "other.jsonl"
        other_path.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
        ensure_judge(engine, question_files=[other_path])
        assert engine.judge is not None and engine.judge.about["sets"] == ["other"]
    # The next engine over the same data directory finds it there.
    with _engine(tmp_path / "again") as other:
        assert other.judge is None
    settings = Settings(data_dir=tmp_path / "data")
    assert Engine(settings, HashingEncoder()).judge is not None


def _trial_question_files(tmp_path: Path, *questions: tuple[str, str]) -> list[Path]:
    """One question file per (set name, question), each asking about the flu trial story."""
    files = []
    for name, question in questions:
        path = tmp_path / f"{name}.jsonl"
        line = {
            "id": name,
            "kind": "answerable",
            "question": question,
            "gold": [{"url": TRIAL_URL, "fact": "enrolled forty volunteers"}],
        }
        path.write_text(json.dumps(line), encoding="utf-8")
        files.append(path)
    return files


def test_held_out_judges_learn_from_the_other_files_and_are_made_once(tmp_path: Path) -> None:
    files = _trial_question_files(
        tmp_path, ("one", "how many volunteers in the flu trial"), ("two", "flu trial size?")
    )
    work = tmp_path / "work"
    said: list[str] = []
    with _engine(tmp_path) as engine:
        judges = held_out_judges(engine, files, work, said.append)
        assert {name: j.about["sets"] for name, j in judges.items() if j} == {
            "one": ["two"],
            "two": ["one"],
            "multihop": ["one", "two"],
        }
        assert sum(line.startswith("Training a judge") for line in said) == 3
        # The fit weighs the judge alone: these go without a picker.
        assert all(j.picker is None for j in judges.values() if j)
        said.clear()
        again = held_out_judges(engine, files, work, said.append)
        assert sum(line.startswith("Reusing the judge") for line in said) == 3
        assert {name: j.path for name, j in again.items() if j} == {
            name: j.path for name, j in judges.items() if j
        }
        # A judge made from pairs drawn another way is made again.
        about_file = judges["one"].path / "judge.json"  # type: ignore[union-attr]
        about = json.loads(about_file.read_text(encoding="utf-8"))
        about_file.write_text(json.dumps({**about, "pairs_version": 1}), encoding="utf-8")
        said.clear()
        held_out_judges(engine, files, work, said.append)
        assert sum(line.startswith("Training a judge") for line in said) == 1


def test_held_out_judges_in_folds_learn_from_the_other_folds(tmp_path: Path) -> None:
    files = _trial_question_files(
        tmp_path,
        ("one", "how many volunteers in the flu trial"),
        ("two", "flu trial size?"),
        ("three", "how big was the flu trial"),
    )
    said: list[str] = []
    with _engine(tmp_path) as engine:
        judges = held_out_judges(engine, files, tmp_path / "work", said.append, folds=2)
    # The sets are dealt to the folds in turn: one and three, then two.
    assert {name: j.about["sets"] for name, j in judges.items() if j} == {
        "one": ["two"],
        "two": ["one", "three"],
        "three": ["two"],
        "multihop": ["one", "three", "two"],
    }
    assert sum(line.startswith("Training a judge") for line in said) == 3


def test_every_natural_set_is_learnt_from_or_held_out() -> None:
    learnt = {path.stem for path in QUESTION_SETS}
    assert all(path.exists() for path in QUESTION_SETS)
    assert not learnt & set(HELD_OUT_SETS)
    written = {path.stem for path in DEFAULT_QUESTIONS.parent.glob("*.jsonl")} - {
        "calibration-ru-uk"
    }  # Russian and Ukrainian: no English pairs to learn from
    assert written == learnt | set(HELD_OUT_SETS)
