"""The MultiHop-RAG results as a terminal block, and as `results/multihop-dev.md` + `.json`."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from bench.metrics import Group
from bench.run import EvalReport

__all__ = [
    "NOTES_MARKER",
    "cell",
    "format_markdown",
    "format_text",
    "kept_notes",
    "write_results",
    "write_with_json",
]


_COLUMNS: list[tuple[str, str]] = [
    ("questions", "questions"),
    ("hits_at_4", "Hits@4"),
    ("hits_at_10", "Hits@10"),
    ("mrr_at_10", "MRR@10"),
    ("article_recall_at_10", "article recall@10"),
    ("all_gold_at_10", "all gold in top 10"),
    ("quote_precision", "quote precision"),
    ("verbatim_rate", "verbatim"),
    ("answerable_answered", "answerable answered"),
    ("null_declined", "null declined"),
    ("p50_ms", "p50 ms"),
    ("p95_ms", "p95 ms"),
]


def cell(value: object) -> str:
    """A figure as the results tables show it: three decimals for shares, – for none."""
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.3f}" if value <= 1.0 else f"{value:.1f}"
    return str(value)


def _table(rows: Sequence[tuple[str, Group]], first: str) -> list[str]:
    header = [first, *[label for _, label in _COLUMNS]]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for name, group in rows:
        cells = [name, *[cell(getattr(group, key)) for key, _ in _COLUMNS]]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def format_text(report: EvalReport) -> str:
    """The figures as a plain-text block for the terminal."""
    ingest = report.ingest
    lines = [
        f"MultiHop-RAG {report.queries_file}: {report.questions} questions, "
        f"{ingest.articles} articles, {ingest.passages} passages",
        f"ingest: {ingest.seconds:.1f} s"
        + (" (reused from an earlier run)" if ingest.reused else ""),
    ]
    width = max(len(label) for _, label in _COLUMNS)
    names = list(report.groups)
    lines.append(" " * width + "".join(f"{n.replace('_query', ''):>12}" for n in names))
    for key, label in _COLUMNS:
        values = [cell(getattr(report.groups[n], key)) for n in names]
        lines.append(f"{label:<{width}}" + "".join(f"{v:>12}" for v in values))
    return "\n".join(lines)


def format_markdown(report: EvalReport, command: str, notes: str = "") -> str:
    """The results file: figures, the settings they were measured with, and ablations."""
    ingest = report.ingest
    lines = [
        "# MultiHop-RAG: answer quality on the development questions",
        "",
        f"Measured {report.date} with `{command}`.",
        "",
        f"- Questions: `{report.queries_file}`, {report.questions} questions; corpus "
        f"{ingest.articles} articles, {ingest.passages} passages.",
        f"- Machine: {report.machine}.",
        f"- Model: {report.model}; chunking: {report.chunking}.",
        f"- Ingest: {ingest.seconds:.1f} s"
        + (
            " (measured when the scratch corpus was built; reused for this run)."
            if ingest.reused
            else "."
        ),
        f"- SearchParams: `{_compact(report.search_params)}`",
        f"- AnswerParams: `{_compact(report.answer_params)}`",
        "",
        "Hits@k and MRR@10 in the paper's sense over the top-10 passages (a passage is a hit when",
        "a gold fact, whitespace removed, is a substring of it likewise); article recall@10 over",
        "the distinct articles of the top-10 passages; retrieval figures and quote precision over",
        "answerable questions only; verbatim = quotes found character for character in the",
        "original `corpus.json` body; times are per question through `Engine.ask`, model loaded.",
        "",
        *_table([(n, g) for n, g in report.groups.items()], "question type"),
        "",
    ]
    if report.ablations:
        lines += [
            "## Ablations",
            "",
            "Overall figures with one idea switched off (or changed) at a time, everything else",
            "at the defaults above.",
            "",
            *_table(report.ablations, "variant"),
            "",
        ]
    if notes:
        lines += [notes.rstrip(), ""]
    return "\n".join(lines)


def _compact(params: Mapping[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in params.items())


NOTES_MARKER = "<!-- notes: kept when the file is rewritten -->"


def kept_notes(path: Path) -> str:
    """Hand-written notes below the marker in an existing results file survive a rewrite."""
    if not path.is_file():
        return ""
    text = path.read_text(encoding="utf-8")
    position = text.find(NOTES_MARKER)
    return text[position:] if position >= 0 else ""


def write_results(report: EvalReport, path: Path, command: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    markdown = format_markdown(report, command, kept_notes(path))
    path.write_text(markdown, encoding="utf-8")
    path.with_suffix(".json").write_text(
        json.dumps(report.to_json(), indent=2) + "\n", encoding="utf-8"
    )


def write_with_json(path: Path, text: str, data: object) -> None:
    """A results file: `text` (Markdown) at `path`, with the hand-written notes it already had
    (`kept_notes`), and `data` as its .json twin; says where."""
    notes = kept_notes(path)
    if notes:
        text = f"{text.rstrip()}\n\n{notes}"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    path.with_suffix(".json").write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    print(f"Results written to {path}")
