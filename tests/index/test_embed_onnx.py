"""The onnxruntime encoder: the same vectors as torch, and torch whenever it cannot be used."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from index import embed_onnx
from index.embed import HashingEncoder, SentenceTransformerEncoder, Vectors
from index.embed_onnx import OnnxUnavailable, RuntimeEncoder, encoder_for, ensure_export
from index.errors import SettingsError
from index.settings import DEFAULT_MODEL, Settings, default_model_path

REPO = Path(__file__).resolve().parents[2]


class FakeTorchEncoder(HashingEncoder):
    """Stands in for sentence-transformers so the fallback tests load no model."""

    def __init__(self, model: str, threads: int | None = None, name: str | None = None) -> None:
        super().__init__()
        self.model = model

    def encode(self, texts: Sequence[str]) -> Vectors:
        return super().encode(texts)


@pytest.fixture
def fake_torch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embed_onnx, "SentenceTransformerEncoder", FakeTorchEncoder)


@pytest.mark.parametrize("choice", ["auto", "onnx"])
def test_a_failed_export_falls_back_to_torch_with_the_reason_logged(
    fake_torch: None,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    tmp_path: Path,
    choice: embed_onnx.EncoderChoice,
) -> None:
    def failing_export(model_dir: Path, cache_dir: Path, timeout: float = 0) -> Path:
        raise OnnxUnavailable("the ONNX export failed (simulated)")

    monkeypatch.setattr(embed_onnx, "ensure_export", failing_export)
    encoder = RuntimeEncoder("/models/minilm", choice=choice, cache_dir=tmp_path)
    assert encoder.runtime == "undecided"  # nothing is decided or loaded before it is needed
    with caplog.at_level(logging.INFO, logger="index.embed_onnx"):
        vectors = encoder.encode(["interest rates", "missile strikes"])
    assert encoder.runtime == "torch"
    assert vectors.shape == (2, encoder.dim)
    assert encoder.name == "/models/minilm"  # the model's name, whatever runs it
    assert encoder.fallback_reason == "the ONNX export failed (simulated)"
    record = next(r for r in caplog.records if "Encoding with torch" in r.getMessage())
    assert "simulated" in record.getMessage()
    assert record.levelno == (logging.WARNING if choice == "onnx" else logging.INFO)


def test_a_broken_onnx_file_also_falls_back(fake_torch: None, tmp_path: Path) -> None:
    model = Path(default_model_path())
    cache = tmp_path / "cache"
    cache.mkdir()
    # A cached file that is not a model: loading it fails, and torch takes over.
    (cache / f"{model.name}-{embed_onnx._fingerprint(model)}.onnx").write_bytes(b"not onnx")
    encoder = RuntimeEncoder(str(model), choice="auto", cache_dir=cache)
    encoder.warm_up()
    assert encoder.runtime == "torch"
    assert encoder.fallback_reason


def test_models_onnx_cannot_run_are_named_with_the_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(OnnxUnavailable, match="not a local model directory"):
        ensure_export(tmp_path / "nowhere", tmp_path)
    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # as if it were not installed
    with pytest.raises(OnnxUnavailable, match="onnxruntime is not installed"):
        ensure_export(Path(default_model_path()), tmp_path)


def test_another_installation_of_the_same_model_reuses_the_export(tmp_path: Path) -> None:
    """The cached export is named by the model's content: a new virtual environment (another
    path, other file times) finds it instead of adding another 90 MB file to the cache."""
    first, second = tmp_path / "venv-a" / "model", tmp_path / "venv-b" / "model"
    shutil.copytree(default_model_path(), first)
    shutil.copytree(default_model_path(), second)
    os.utime(second / "model.safetensors", (1_000_000_000, 1_000_000_000))
    assert embed_onnx._fingerprint(first) == embed_onnx._fingerprint(second)
    # Other weights of the same size (a fine-tune changes every tensor), or another
    # configuration, are another export.
    weights = second / "model.safetensors"
    with weights.open("r+b") as file:
        for offset in range(4096, weights.stat().st_size, 1 << 16):
            file.seek(offset)
            file.write(b"tuned")
    changed = embed_onnx._fingerprint(second)
    assert changed != embed_onnx._fingerprint(first)
    config = first / "config.json"
    config.write_text(config.read_text().replace('"hidden_act"', '"hidden_act" '))
    assert embed_onnx._fingerprint(first) not in {changed, embed_onnx._fingerprint(tmp_path)}


def test_the_setting_chooses_the_encoder() -> None:
    assert isinstance(encoder_for(Settings(encoder="torch")), SentenceTransformerEncoder)
    auto = encoder_for(Settings())
    assert isinstance(auto, RuntimeEncoder) and auto.runtime == "undecided"


@pytest.mark.slow
def test_an_export_that_fails_in_the_child_is_reported(tmp_path: Path) -> None:
    model = tmp_path / "model"
    shutil.copytree(default_model_path(), model)
    (model / "model.safetensors").write_bytes(b"these are not weights")
    with pytest.raises(OnnxUnavailable, match="export failed"):
        ensure_export(model, tmp_path / "cache")
    assert not list((tmp_path / "cache").glob("*.onnx"))  # nothing half-written is kept


SENTENCES = [
    "The Federal Reserve left interest rates unchanged on Wednesday.",
    "Did the US let Ukraine strike inside Russia?",
    "What did the Fed decide this week?",
    "Sam Bankman-Fried was convicted of fraud by a jury in Manhattan.",
    "Apple unveiled a new iPhone with a titanium frame and a faster chip.",
    "Hello!",
    "The opposition party won the election by a wide margin, and turnout was the highest in "
    "decades; the new prime minister promised to rebuild public services and cut waiting lists.",
    "OpenAI's board fired Sam Altman, then brought him back days later after staff threatened "
    "to quit.",
    "Wildfires forced thousands to evacuate on the Greek island of Rhodes.",
    "Nvidia's quarterly revenue tripled on demand for its AI chips.",
]


@pytest.fixture(scope="module")
def onnx_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    cache = tmp_path_factory.mktemp("onnx-cache")
    ensure_export(Path(default_model_path()), cache)
    return cache


@pytest.mark.slow
def test_onnx_and_torch_give_the_same_vectors(onnx_cache: Path) -> None:
    torch_vectors = SentenceTransformerEncoder(default_model_path()).encode(SENTENCES)
    encoder = RuntimeEncoder(default_model_path(), choice="onnx", cache_dir=onnx_cache)
    onnx_vectors = encoder.encode(SENTENCES)
    assert encoder.runtime == "onnx" and encoder.fallback_reason is None
    assert onnx_vectors.shape == torch_vectors.shape == (len(SENTENCES), 384)
    assert np.allclose(np.linalg.norm(onnx_vectors, axis=1), 1.0, atol=1e-5)
    cosines = (onnx_vectors * torch_vectors).sum(axis=1)
    assert float(np.min(cosines)) > 1 - 1e-5
    # One at a time (no padding) gives the same vectors as in a batch.
    assert np.allclose(encoder.encode(SENTENCES[:1])[0], onnx_vectors[0], atol=1e-5)
    # Questions are encoded one by one (a question and its parts differ in length): same vectors.
    assert np.allclose(encoder.encode_queries(SENTENCES), onnx_vectors, atol=1e-5)


@pytest.mark.slow
def test_with_a_cached_export_torch_is_never_imported(onnx_cache: Path) -> None:
    script = (
        "import sys; from pathlib import Path; from index.embed_onnx import RuntimeEncoder; "
        "from index.settings import default_model_path; "
        f"cache = Path({str(onnx_cache)!r}); "
        "e = RuntimeEncoder(default_model_path(), choice='onnx', cache_dir=cache); "
        "e.encode(['What did the Fed decide?']); "
        "print(e.fallback_reason, file=sys.stderr); "
        "print(e.runtime, 'torch' in sys.modules, 'sentence_transformers' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.split() == ["onnx", "False", "False"], done.stderr


@pytest.mark.slow
def test_int8_finds_the_same_nearest_sentences_under_a_name_of_its_own(onnx_cache: Path) -> None:
    full = RuntimeEncoder(default_model_path(), choice="onnx", cache_dir=onnx_cache, name="m")
    small = RuntimeEncoder(default_model_path(), choice="onnx-int8", cache_dir=onnx_cache, name="m")
    assert small.name == "m (int8)" and full.name == "m"  # its vectors are not the model's own
    want, got = full.encode(SENTENCES), small.encode(SENTENCES)
    assert small.runtime == "onnx"
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
    # Close to the full-precision vectors, and each question's nearest statement is the same.
    assert float(np.min((want * got).sum(axis=1))) > 0.9
    statements = [0, 3, 4, 6, 7, 8, 9]
    questions = {
        "what did the fed do with rates": 0,
        "sbf verdict": 3,
        "is the new iphone titanium": 4,
        "who won the election": 6,
        "altman fired and rehired": 7,
        "why did people leave rhodes": 8,
        "nvidia revenue growth": 9,
    }
    for encoder, vectors in ((full, want), (small, got)):
        asked = encoder.encode_queries(list(questions))
        nearest = [statements[int(np.argmax(vectors[statements] @ q))] for q in asked]
        assert nearest == list(questions.values()), encoder.name
    exports = sorted(onnx_cache.glob("*.onnx"), key=lambda p: p.stat().st_size)
    assert len(exports) == 2 and exports[0].name.endswith("-int8.onnx")
    assert exports[0].stat().st_size < exports[1].stat().st_size / 3  # 8-bit weights


def test_int8_that_cannot_run_is_an_error_not_a_torch_fallback(
    fake_torch: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """torch would give the full-precision vectors under the int8 name: refused, not mixed."""

    def failing_export(model_dir: Path, cache_dir: Path) -> Path:
        raise OnnxUnavailable("the ONNX export failed (simulated)")

    monkeypatch.setattr(embed_onnx, "ensure_export", failing_export)
    encoder = encoder_for(Settings(encoder="onnx-int8", cache_dir=tmp_path))
    assert encoder.name == f"{DEFAULT_MODEL} (int8)"
    with pytest.raises(SettingsError, match=r"onnx-int8 cannot run here.*simulated"):
        encoder.warm_up()
