"""The invariants `newsbot bench crash` checks in a data directory after each restart.

- no half article: every article has passages, and each passage's offsets lie inside its
  article and slice a trimmed, non-empty text;
- passages = vectors = lexical entries: the chunk ids in SQLite, the ids in the FAISS file and
  those of the lexical index in use (the FTS5 rows, or the tantivy index) are the same set;
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
        chunks = db.execute("SELECT id, article_id, start, end FROM chunks").fetchall()
        keeps_fts5 = db.execute("SELECT 1 FROM meta WHERE key = 'fts5_rows' AND value = '1'")
        lexical = (
            {int(row[0]) for row in db.execute("SELECT rowid FROM chunks_fts")}
            if keeps_fts5.fetchone()
            else None
        )
    finally:
        db.close()
    owners = {int(row[1]) for row in chunks}
    for article_id in sorted(set(texts) - owners):
        problems.append(f"article {article_id} has no passages (half an article)")
    for chunk_id, article_id, start, end in chunks:
        if article_id not in texts:
            problems.append(f"passage {chunk_id} belongs to missing article {article_id}")
            continue
        passage = texts[article_id][start:end]
        if not 0 <= start < end <= len(texts[article_id]) or passage != passage.strip():
            problems.append(f"passage {chunk_id} is not a passage of article {article_id}")
    chunk_ids = {int(row[0]) for row in chunks}
    if lexical is None:
        lexical = _tantivy_ids(data_dir, problems)
    if lexical is not None and lexical != chunk_ids:
        problems.append(
            f"lexical rows differ from passages: {len(lexical - chunk_ids)} extra, "
            f"{len(chunk_ids - lexical)} missing"
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


def _tantivy_ids(data_dir: Path, problems: list[str]) -> set[int] | None:
    """The passage ids the tantivy index holds, if the data directory has one."""
    import tantivy

    from index.lexical_tantivy import LEXICAL_DIR, TantivyIndex

    path = data_dir / LEXICAL_DIR
    if not path.is_dir():
        return None
    try:
        return TantivyIndex(path, tantivy.Index.open(str(path))).ids()
    except Exception as error:  # tantivy raises ValueError or its own errors
        problems.append(f"lexical index not usable after restart: {error}")
        return None


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
