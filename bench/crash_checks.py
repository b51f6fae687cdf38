"""The invariants `newsbot bench crash` checks in a data directory after each restart.

- no half article: every article has passages, and each passage's offsets slice its article;
- passages = vectors = lexical entries: the chunk ids in SQLite, the ids in the FAISS file and
  the FTS5 rows are the same set;
- nothing reported is lost: every article a killed run printed as added is still stored and a
  search for its code word finds it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench.synthetic import Generated

__all__ = ["DATABASE_FILE", "VECTORS_FILE", "check_data_dir", "unfound_articles"]

DATABASE_FILE = "newsbot.sqlite3"
VECTORS_FILE = "vectors.faiss"


def check_data_dir(data_dir: Path) -> tuple[list[str], int, int]:
    """Invariant violations of a closed data directory; also its article and passage counts."""
    import sqlite3

    from index.errors import StorageError
    from index.vectors import VectorIndex

    problems: list[str] = []
    db = sqlite3.connect(data_dir / DATABASE_FILE)
    try:
        texts = dict(db.execute("SELECT id, text FROM articles"))
        chunks = db.execute("SELECT id, article_id, start, end, text FROM chunks").fetchall()
        fts = {int(row[0]) for row in db.execute("SELECT rowid FROM chunks_fts")}
    finally:
        db.close()
    owners = {int(row[1]) for row in chunks}
    for article_id in sorted(set(texts) - owners):
        problems.append(f"article {article_id} has no passages (half an article)")
    for chunk_id, article_id, start, end, text in chunks:
        if article_id not in texts:
            problems.append(f"passage {chunk_id} belongs to missing article {article_id}")
        elif texts[article_id][start:end] != text:
            problems.append(f"passage {chunk_id} is not article {article_id}[{start}:{end}]")
    chunk_ids = {int(row[0]) for row in chunks}
    if fts != chunk_ids:
        problems.append(
            f"lexical rows differ from passages: {len(fts - chunk_ids)} extra, "
            f"{len(chunk_ids - fts)} missing"
        )
    try:
        held = VectorIndex.load(data_dir / VECTORS_FILE).ids()
    except StorageError as error:
        problems.append(f"vector index not usable after restart: {error}")
    else:
        if held != chunk_ids:
            problems.append(
                f"vectors differ from passages: {len(held - chunk_ids)} extra, "
                f"{len(chunk_ids - held)} missing"
            )
    leftovers = sorted(p.name for p in data_dir.glob(f".{VECTORS_FILE}.*.tmp"))
    if leftovers:
        problems.append(f"temporary index files left behind: {', '.join(leftovers)}")
    return problems, len(texts), len(chunks)


def unfound_articles(
    engine: Any, reported: dict[int, Generated], checked: dict[int, Generated]
) -> tuple[list[str], int]:
    """Reported articles that are gone or that a search for their code word does not find."""
    problems: list[str] = []
    searches = 0
    for article_id, article in reported.items():
        if article_id in checked:
            continue
        try:
            stored = engine.get_article(article_id)
        except Exception as error:
            problems.append(f"article {article_id} ({article.url}) was reported added: {error}")
            continue
        if stored.url != article.url:
            problems.append(f"article {article_id} is {stored.url}, reported as {article.url}")
            continue
        searches += 1
        found = {p.article.id for p in engine.search(article.phrase, 10)}
        if article_id not in found:
            problems.append(f"a search for {article.phrase!r} does not find article {article_id}")
            continue
        checked[article_id] = article
    return problems, searches
