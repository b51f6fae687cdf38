"""Damaged files on disk: a clear error for the database, a rebuild for the vector index, and
no temporary file left behind by a failed save. Real SQLite and FAISS files throughout."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import faiss
import numpy as np
import pytest

from index import Engine, HashingEncoder, Settings
from index.cli import main
from index.errors import IndexFileError, StorageError
from index.library import DATABASE_FILE, VECTORS_FILE
from index.store import Store
from index.vectors import APPROXIMATE_FROM, VectorIndex


def _garbage(path: Path, size: int = 8192, keep: int = 0) -> None:
    """Overwrite `path` (or create it) with random bytes, keeping its first `keep` bytes."""
    head = path.read_bytes()[:keep] if keep else b""
    path.write_bytes(head + np.random.default_rng(7).bytes(size - len(head)))


def _vectors(count: int, dim: int = 16, approximate_from: int = APPROXIMATE_FROM) -> VectorIndex:
    rows = np.random.default_rng(0).normal(size=(count, dim)).astype(np.float32)
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    return VectorIndex.build(dim, [(list(range(1, count + 1)), rows)], approximate_from)


# -- the database ----------------------------------------------------------------------------


def test_a_database_file_of_garbage_is_a_clear_storage_error(tmp_path: Path) -> None:
    path = tmp_path / "newsbot.sqlite3"
    _garbage(path)
    with pytest.raises(StorageError) as raised:
        Store(path)
    message = str(raised.value)
    assert str(path) in message and "damaged" in message and "move it aside" in message


def test_a_database_damaged_after_its_header_is_a_clear_storage_error(tmp_path: Path) -> None:
    path = tmp_path / "newsbot.sqlite3"
    Store(path).close()
    _garbage(path, size=path.stat().st_size, keep=100)  # the 100-byte header survives
    with pytest.raises(StorageError, match="damaged"):
        Store(path)


def test_the_cli_reports_a_damaged_database_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    _garbage(data / DATABASE_FILE)
    code = main(
        ["--data-dir", str(data), "stats"], engine_factory=lambda s: Engine(s, HashingEncoder())
    )
    _, err = capsys.readouterr()
    assert code == 1
    assert err.startswith(f"newsbot: The database {data / DATABASE_FILE} is damaged")
    assert "Traceback" not in err


# -- the vector index ------------------------------------------------------------------------


@pytest.mark.parametrize("size", [0, 7, 4096])
def test_an_unreadable_index_file_is_an_index_file_error(tmp_path: Path, size: int) -> None:
    path = tmp_path / VECTORS_FILE
    if size:
        _garbage(path, size=size)
    else:
        path.write_bytes(b"")
    with pytest.raises(IndexFileError, match="cannot be read") as raised:
        VectorIndex.load(path)
    # Still a RuntimeError, which is what the engine rebuilds on.
    assert isinstance(raised.value, RuntimeError) and str(path) in str(raised.value)


def test_a_truncated_index_file_is_an_index_file_error(tmp_path: Path) -> None:
    path = tmp_path / VECTORS_FILE
    _vectors(50).save(path)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(IndexFileError):
        VectorIndex.load(path)


@pytest.mark.parametrize(
    "foreign",
    [
        lambda: faiss.IndexFlatL2(16),
        lambda: faiss.IndexFlatIP(16),  # no ids
        lambda: faiss.IndexHNSWFlat(16, 8),
        lambda: faiss.IndexIDMap2(faiss.IndexFlatL2(16)),
        lambda: faiss.IndexIDMap(faiss.IndexHNSWFlat(16, 8)),
        lambda: faiss.IndexIDMap(
            faiss.IndexHNSWSQ(16, faiss.ScalarQuantizer.QT_8bit, 8)  # type: ignore[arg-type]
        ),
    ],
    ids=["flat-l2", "flat-ip-without-ids", "hnsw", "id-map-l2", "id-map-hnsw-l2", "hnsw-sq"],
)
def test_a_valid_faiss_file_of_the_wrong_kind_is_an_index_file_error(
    tmp_path: Path, foreign: Callable[[], Any]
) -> None:
    path = tmp_path / VECTORS_FILE
    faiss.write_index(foreign(), str(path))
    with pytest.raises(IndexFileError, match="not the inner-product index"):
        VectorIndex.load(path)


@pytest.mark.parametrize("count", [5, 300])
def test_the_indexes_newsbot_writes_load_back(tmp_path: Path, count: int) -> None:
    path = tmp_path / VECTORS_FILE
    saved = _vectors(count, approximate_from=100)
    saved.save(path)
    loaded = VectorIndex.load(path)
    assert loaded.kind == saved.kind and loaded.ids() == set(range(1, count + 1))


def test_the_engine_rebuilds_a_wrong_kind_of_index_from_the_database(
    settings: Settings, fixtures: Path
) -> None:
    with Engine(settings, encoder=HashingEncoder()) as engine:
        engine.add_text((fixtures / "vaccine-trial.txt").read_text())
        dim = engine.vectors.dim
    faiss.write_index(faiss.IndexFlatL2(dim), str(settings.data_dir / VECTORS_FILE))
    with Engine(settings, encoder=HashingEncoder()) as engine:
        assert engine.stats().vectors == engine.stats().chunks > 0
        assert engine.search("vaccine")
    assert VectorIndex.load(settings.data_dir / VECTORS_FILE).kind == "exact"


def test_a_failed_save_leaves_no_temporary_file_and_keeps_the_old_index(tmp_path: Path) -> None:
    path = tmp_path / VECTORS_FILE
    path.mkdir()  # the rename over it fails after the whole index has been written
    with pytest.raises(StorageError, match="Could not save the vector index"):
        _vectors(200).save(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [VECTORS_FILE]


_SAVE_ON_A_FULL_DISK = """
import resource, signal, sys
from pathlib import Path
from tests.index.test_storage import _vectors
from index.errors import StorageError
vectors = _vectors(4000, dim=64)  # about 1 MB on disk
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, resource.RLIM_INFINITY))
try:
    vectors.save(Path(sys.argv[1]))
except StorageError as error:
    print("StorageError:", error)
"""


@pytest.mark.skipif(sys.platform != "linux", reason="uses RLIMIT_FSIZE")
def test_a_save_that_runs_out_of_space_leaves_no_temporary_file(tmp_path: Path) -> None:
    path = tmp_path / VECTORS_FILE
    _vectors(3).save(path)
    before = path.read_bytes()
    root = str(Path(__file__).parents[2])
    result = subprocess.run(
        [sys.executable, "-c", _SAVE_ON_A_FULL_DISK, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": root},
    )
    assert result.stdout.startswith("StorageError: Could not save"), result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [VECTORS_FILE]
    assert path.read_bytes() == before
