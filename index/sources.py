"""Read article drafts from local files: .html, .txt, JSON arrays, JSON Lines, and directories."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal, cast

from index.errors import ExtractError, IngestError
from index.extract import draft_from_record, extract_html, extract_text
from index.models import ArticleDraft

__all__ = [
    "SINGLE_ARTICLE_KINDS",
    "SUPPORTED_SUFFIXES",
    "FileKind",
    "decode_text",
    "file_kind",
    "iter_path_drafts",
    "read_records",
]

HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
TEXT_SUFFIXES = {".txt", ".text", ".md"}
JSON_SUFFIXES = {".json"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
SUPPORTED_SUFFIXES = HTML_SUFFIXES | TEXT_SUFFIXES | JSON_SUFFIXES | JSONL_SUFFIXES
# Media types of uploads whose name says nothing (Telegram passes the sender's MIME type on).
_MIME_KINDS = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/plain": "text",
    "text/markdown": "text",
    "application/json": "json",
    "application/x-ndjson": "jsonl",
    "application/jsonl": "jsonl",
}
_SUFFIX_KINDS = {
    **dict.fromkeys(HTML_SUFFIXES, "html"),
    **dict.fromkeys(TEXT_SUFFIXES, "text"),
    **dict.fromkeys(JSON_SUFFIXES, "json"),
    **dict.fromkeys(JSONL_SUFFIXES, "jsonl"),
}
FileKind = Literal["html", "text", "json", "jsonl"]
# Kinds that hold exactly one article (an upload in Telegram); JSON files hold records.
SINGLE_ARTICLE_KINDS: frozenset[FileKind] = frozenset({"html", "text"})

Item = tuple[str, ArticleDraft | IngestError]


def file_kind(name: str, mime_type: str | None = None) -> FileKind | None:
    """What a file holds, by its name's suffix, else by its media type; None if unsupported.

    The one table of file types: the CLI (paths) and the bot (uploads) both decide here.
    """
    suffix = Path(name).suffix.lower()
    kind = _SUFFIX_KINDS.get(suffix)
    if kind is None and mime_type:
        kind = _MIME_KINDS.get(mime_type.split(";")[0].strip().lower())
    return cast(FileKind | None, kind)


def read_records(path: Path) -> Iterator[tuple[str, dict[str, Any] | IngestError]]:
    """Records of a JSON array (or single object) or of a JSON Lines file, labelled by position.

    In JSON Lines every line stands alone: a line that is not UTF-8 or not JSON is reported and
    the lines after it are still read.
    """
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        with path.open("rb") as handle:
            for number, raw in enumerate(handle, start=1):
                if not raw.strip():
                    continue
                label = f"{path}:{number}"
                try:
                    record = json.loads(raw.decode("utf-8"))
                except UnicodeDecodeError:
                    yield label, ExtractError(f"Line {number} is not UTF-8 text.")
                    continue
                except json.JSONDecodeError as error:
                    yield label, ExtractError(f"Line {number} is not valid JSON ({error.msg}).")
                    continue
                except (ValueError, RecursionError) as error:  # 5000-digit numbers, deep nesting
                    yield label, ExtractError(f"Line {number} cannot be read as JSON ({error}).")
                    continue
                yield label, _as_record(record, label)
        return
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        yield (
            str(path),
            ExtractError(f"{path.name} is not valid JSON ({error.msg}, line {error.lineno})."),
        )
        return
    except (ValueError, RecursionError) as error:
        yield str(path), ExtractError(f"{path.name} cannot be read as JSON ({error}).")
        return
    items = data if isinstance(data, list) else [data]
    for number, record in enumerate(items, start=1):
        label = f"{path}[{number}]"
        yield label, _as_record(record, label)


def _as_record(record: object, label: str) -> dict[str, Any] | IngestError:
    if not isinstance(record, dict):
        return ExtractError(f"{label} is not an article record (expected a JSON object).")
    return record


def decode_text(data: bytes, name: str) -> str:
    """A text file's content; binary files are refused, a UTF-8 byte-order mark dropped."""
    if b"\x00" in data[:4096]:
        raise ExtractError(f"{name} is a binary file, not an article.")
    return data.decode("utf-8-sig", errors="replace")


def iter_path_drafts(path: Path) -> Iterator[Item]:
    """Every article draft found at `path`, or the error that stopped each one."""
    if path.is_dir():
        for child in sorted(p for p in path.rglob("*") if p.is_file()):
            if file_kind(child.name) is not None and not child.name.startswith("."):
                yield from iter_path_drafts(child)
        return
    label = str(path)
    if not path.exists():
        yield label, IngestError(f"There is no file {path}.")
        return
    kind = file_kind(path.name)
    try:
        if kind in ("json", "jsonl"):
            for record_label, record in read_records(path):
                if isinstance(record, IngestError):
                    yield record_label, record
                    continue
                url = record.get("url")
                source = url if isinstance(url, str) and url.strip() else record_label
                try:
                    yield source, draft_from_record(record)
                except IngestError as error:
                    yield source, error
        elif kind == "html":
            yield label, extract_html(path.read_bytes())
        elif kind == "text":
            yield label, extract_text(decode_text(path.read_bytes(), path.name))
        else:
            yield (
                label,
                ExtractError(
                    f"{path.name}: unsupported file type; use .html, .txt, .json or .jsonl."
                ),
            )
    except IngestError as error:
        yield label, error
    except (OSError, UnicodeError) as error:
        yield label, IngestError(f"{path.name} could not be read ({error}).")
