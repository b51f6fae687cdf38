"""The benchmark's corpus builder and report, on the fast fake encoder."""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pytest

from bench.hnsw_recall import jittered_copies
from bench.speed import (
    _backends,
    _name_vectors,
    _recall_at_10,
    build_synthetic,
    format_report,
    measure_ask_marginal,
)
from index import Engine, HashingEncoder, Settings
from index.embed import Vectors
from index.library import DATABASE_FILE, VECTORS_FILE
from index.settings import DEFAULT_MODEL
from index.store import Store
from index.vectors import VectorIndex


def test_synthetic_corpus_reaches_the_size_asked_for(tmp_path: Path, fixtures: Path) -> None:
    source = Settings(data_dir=tmp_path / "source")
    with Engine(source, encoder=HashingEncoder()) as engine:
        for _, draft in engine.ingest_paths([fixtures]):
            if not isinstance(draft, Exception):
                engine.add_draft(draft)
        real = engine.stats().chunks
    build_synthetic(source.data_dir, tmp_path / "big", passages=real * 5)
    store = Store(tmp_path / "big" / DATABASE_FILE)
    try:
        assert store.count_chunks() >= real * 5
        assert store.count_articles() > 4
        assert len(VectorIndex.load(tmp_path / "big" / VECTORS_FILE)) == store.count_chunks()
    finally:
        store.close()


def test_report_lists_every_size() -> None:
    size = {
        "passages": 10_000,
        "index_type": "exact",
        "cold_start_seconds": 3.4,
        "rss_after_open_mb": 975,
        "rss_peak_mb": 975,
        "p50_ms": 71.1,
        "p95_ms": 98.0,
        "questions": 200,
        "database_mb": 69,
        "index_mb": 15,
    }
    report = {
        "date": "2026-11-25",
        "machine": "2 cores",
        "model": "m",
        "load": "3.10 / 3.50 / 3.40",
        "ingest": [
            {
                "encoder": "onnx",
                "articles": 2,
                "passages": 9,
                "seconds": 1.0,
                "articles_per_second": 2.0,
                "passages_per_second": 9.0,
                "model_load_seconds": 3.0,
            }
        ],
        "sizes": [
            {
                **size,
                "encoder": "onnx",
                "lexical": "tantivy",
                "torch_imported": False,
                "bot_polling_seconds": 0.4,
                "bot_answer_seconds": 0.8,
                "bot_rss_peak_mb": 250,
            },
            {**size, "passages": 100_000, "p50_ms": 300.0, "encoder": "torch", "lexical": "fts5"},
        ],
    }
    text = format_report(report)
    assert "| 10,000 | onnx | tantivy | no | 3.4 |" in text
    assert "| `newsbot ask` ms a further question |" in text and "a further question = " in text
    assert "| bot to polling s | bot to first answer s | bot peak RSS MiB |" in text
    assert "| 100,000 | torch | fts5 |" in text
    assert "| 0.4 | 0.8 | 250 |" in text
    assert "| onnx | 2 | 9 |" in text and "3.10 / 3.50 / 3.40" in text and "noisy" in text
    quiet = format_report({**report, "load": "0.20 / 0.40 / 0.50"})
    assert "noisy" not in quiet and "idle" in quiet


def test_each_run_names_its_model_as_the_synthetic_corpus_s(tmp_path: Path) -> None:
    """The jittered copies serve every encoder's timing; under another model's name the
    library would re-embed them all when the run opens the corpus."""
    store = Store(tmp_path / DATABASE_FILE)
    store.set_meta("embedding_model", DEFAULT_MODEL)
    store.close()
    _name_vectors(tmp_path, Settings(encoder="onnx-int8"))
    store = Store(tmp_path / DATABASE_FILE)
    try:
        assert store.get_meta("embedding_model") == f"{DEFAULT_MODEL} (int8)"
    finally:
        store.close()


def test_backends_are_read_as_encoder_and_lexical_pairs() -> None:
    assert _backends("torch+fts5, onnx+tantivy") == [("torch", "fts5"), ("onnx", "tantivy")]
    assert _backends("onnx-int8+tantivy") == [("onnx-int8", "tantivy")]
    with pytest.raises(argparse.ArgumentTypeError):
        _backends("onnx+lucene")


def test_recall_is_measured_against_brute_force_on_an_approximate_index(
    tmp_path: Path, fixtures: Path
) -> None:
    source = Settings(data_dir=tmp_path / "source")
    with Engine(source, encoder=HashingEncoder()) as engine:
        for _, draft in engine.ingest_paths([fixtures]):
            if not isinstance(draft, Exception):
                engine.add_draft(draft)
    questions = ["who won the vaccine trial", "what did the council decide", "harbour strike"]
    big = Settings(data_dir=tmp_path / "big")
    build_synthetic(source.data_dir, big.data_dir, passages=2_000)
    with Engine(big, encoder=HashingEncoder()) as engine:
        assert engine.stats().index_type == "exact"
        assert _recall_at_10(engine, questions) == (1.0, 1.0)  # exact: nothing to miss
    store = Store(big.data_dir / DATABASE_FILE)
    try:
        dim = VectorIndex.load(big.data_dir / VECTORS_FILE).dim
        graph = VectorIndex.build(dim, store.iter_embeddings(), approximate_from=1)
        graph.save(big.data_dir / VECTORS_FILE)
    finally:
        store.close()
    exact = VectorIndex.build(dim, store_embeddings(big.data_dir))
    with Engine(big, encoder=HashingEncoder()) as engine:
        assert engine.stats().index_type == "hnsw"
        overlaps = []
        for vector in engine.encoder.encode(questions):
            truth = {i for i, _ in exact.search(vector, 10)}
            got = {i for i, _ in engine.library.vectors.search(vector, 10)}
            overlaps.append(len(truth & got) / 10)
        by_id, by_text = _recall_at_10(engine, questions)
        assert by_id == round(sum(overlaps) / len(overlaps), 3)
        assert by_text is not None and 0.0 < by_text <= 1.0


def store_embeddings(data_dir: Path) -> list[tuple[list[int], Vectors]]:
    store = Store(data_dir / DATABASE_FILE)
    try:
        return list(store.iter_embeddings())
    finally:
        store.close()


def test_jittered_copies_reach_the_size_asked_for_as_unit_vectors() -> None:
    base = np.eye(4, dtype=np.float32)
    copies = jittered_copies(base, 10)
    assert copies.shape == (10, 4)
    assert np.allclose(copies[:4], base)  # the originals first, then jittered copies
    assert np.allclose(np.linalg.norm(copies, axis=1), 1.0, atol=1e-5)
    assert not np.allclose(copies[4:8], base)


def test_a_further_question_costs_the_many_file_less_the_one_file_over_the_rest(
    tmp_path: Path,
) -> None:
    asked: list[list[str]] = []

    def ask(env: dict[str, str], arguments: list[str]) -> float:
        assert "PYTHONDONTWRITEBYTECODE" not in env  # runs keep the bytecode cache
        (path,) = arguments
        lines = Path(path).read_text(encoding="utf-8").splitlines()
        asked.append(lines)
        return 0.5 + 0.02 * (len(lines) - 1)  # half a second to start, 20 ms a further question

    questions = ["Who won?", "What did the\ncourt decide?", "Why?"]
    env = {"PYTHONDONTWRITEBYTECODE": "1", "NEWSBOT_DATA_DIR": "x"}
    assert measure_ask_marginal(env, questions, tmp_path, runs=2, ask=ask) == 20.0
    # one question per line, each as asked (a line break in one would split it in two)
    assert asked[-1] == ["Who won?", "What did the court decide?", "Why?"]
    assert asked[0] == ["Who won?"] and len(asked) == 5  # one uncounted run, then two each
    assert measure_ask_marginal(env, questions[:1], tmp_path, ask=ask) is None
