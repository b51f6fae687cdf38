"""The figures of `newsbot bench stress`: every question accounted for, latencies, the report.

Every question is answered, turned away by the per-user limit ("please wait"), turned away by
the question gate ("ask again"), failed (the bot's error sentence), or lost (no reply). Latency
runs from the moment a user's message is queued for the bot's `getUpdates` to the moment the
bot's reply to it reaches the server, both on the parent process's monotonic clock.
"""

from __future__ import annotations

import json
import os
import platform
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.metrics import percentile
from bench.stress_load import Asked, StressOptions

__all__ = ["build_report", "format_report", "write_report"]


def _kind(text: str) -> str:
    from bot.errors import ENGINE_DOWN, SOMETHING_WRONG
    from bot.readers import BUSY

    if text in (SOMETHING_WRONG, ENGINE_DOWN):
        return "failed"
    if text == BUSY:
        return "busy"
    if "please wait about" in text:
        return "rate_limited"
    return "answered"


def _latencies(values: list[float]) -> dict[str, float | None]:
    if not values:
        return {"p50": None, "p95": None, "p99": None, "max": None}
    ms = [v * 1000 for v in values]
    return {
        "p50": round(percentile(ms, 50)),
        "p95": round(percentile(ms, 95)),
        "p99": round(percentile(ms, 99)),
        "max": round(max(ms)),
    }


def build_report(
    options: StressOptions,
    asked: list[Asked],
    replies: dict[tuple[int, int], tuple[float, str]],
    served: dict[str, Any],
    ready: float,
    drained: float,
    extra: int,
) -> dict[str, Any]:
    """The report of one run: what became of every question, latencies, the flooder, the ingest."""
    counts = {"answered": 0, "rate_limited": 0, "busy": 0, "failed": 0, "lost": 0}
    flood = {"sent": 0, "answered": 0, "rate_limited": 0, "busy": 0, "failed": 0, "silent": 0}
    latencies: list[float] = []
    during_flood: list[float] = []
    during_ingest: list[float] = []
    flood_time = min((a.sent for a in asked if a.flooder), default=None)
    ingest_end = served.get("finished")
    for item in asked:
        reply = replies.get((item.user, item.message_id))
        if item.flooder:
            flood["sent"] += 1
            flood["silent" if reply is None else _kind(reply[1])] += 1
            continue
        if reply is None:
            counts["lost"] += 1
            continue
        kind = _kind(reply[1])
        counts[kind] += 1
        latency = reply[0] - item.sent
        latencies.append(latency)
        if flood_time is not None and flood_time <= item.sent <= flood_time + 10:
            during_flood.append(latency)
        if options.ingest and (ingest_end is None or item.sent <= ingest_end):
            during_ingest.append(latency)
    seconds = (max(a.sent for a in asked) - min(a.sent for a in asked)) if asked else 0.0
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()}",
        "options": {
            "users": options.users,
            "questions": options.questions,
            "over_seconds": options.over,
            "flood": options.flood,
            "ingest_articles": options.ingest,
            "encoder": options.encoder,
            "seed": options.seed,
        },
        "sent": sum(1 for a in asked if not a.flooder),
        **counts,
        "duplicate_replies": extra,
        "sending_seconds": round(seconds, 1),
        "drain_seconds": round(drained, 1),
        "ready_seconds": round(ready, 1),
        "latency_ms": _latencies(latencies),
        "latency_during_flood_ms": _latencies(during_flood),
        "questions_during_flood": len(during_flood),
        "latency_while_ingesting_ms": _latencies(during_ingest),
        "questions_while_ingesting": len(during_ingest),
        "flooder": flood,
        "ingest": {
            "added": served.get("added"),
            "seconds": (
                round(served["finished"] - served["started"], 1)
                if served.get("finished") and served.get("started")
                else None
            ),
            "still_running_at_end": served.get("finished") is None and bool(options.ingest),
        },
        "gate_turned_away": served.get("gate_turned_away"),
    }


def format_report(report: dict[str, Any]) -> str:
    o = report["options"]
    lat, flood, ingest = report["latency_ms"], report["flooder"], report["ingest"]
    during, busy_ingest = report["latency_during_flood_ms"], report["latency_while_ingesting_ms"]
    return "\n".join(
        [
            f"{report['sent']} questions from {o['users']} users over {o['over_seconds']:g} s "
            f"({o['encoder']} encoder, {o['ingest_articles']} articles added meanwhile):",
            f"  answered {report['answered']}, rate-limited {report['rate_limited']}, "
            f"busy {report['busy']}, failed {report['failed']}, lost {report['lost']}",
            f"  latency p50 {lat['p50']} ms, p95 {lat['p95']} ms, p99 {lat['p99']} ms, "
            f"max {lat['max']} ms",
            f"  while the flood was on (next 10 s, {report['questions_during_flood']} questions): "
            f"p50 {during['p50']} ms, p95 {during['p95']} ms",
            f"  while articles were being added ({report['questions_while_ingesting']} "
            f"questions): p50 {busy_ingest['p50']} ms, p95 {busy_ingest['p95']} ms",
            f"  flooder: sent {flood['sent']}, answered {flood['answered']}, told to wait "
            f"{flood['rate_limited']}, dropped silently {flood['silent']}, failed "
            f"{flood['failed']}",
            f"  ingest: {ingest['added']} articles added in {ingest['seconds']} s"
            + (" (still running at the end)" if ingest["still_running_at_end"] else ""),
        ]
    )


def write_report(report: dict[str, Any], path: Path) -> None:
    """`results/stress.md` and its JSON twin."""
    path.parent.mkdir(parents=True, exist_ok=True)
    o = report["options"]
    text = [
        "# Stress test",
        "",
        f"Measured {report['date']} on {report['machine']} with `newsbot bench stress "
        f"--users {o['users']} --questions {o['questions']} --over {o['over_seconds']:g} "
        f"--flood {o['flood']} --ingest {o['ingest_articles']} --encoder {o['encoder']}`.",
        "",
        "```",
        format_report(report),
        "```",
        "",
        "Method: the real bot (`bot.app.build_application`, long polling, python-telegram-bot's "
        "AIORateLimiter, the per-user limit of 5 questions a minute, the question gate) runs in "
        "its own process against a fake Bot API server on 127.0.0.1; the users and the server "
        "share the other process. A thread in the bot's process adds generated articles to the "
        "same engine while the questions arrive at uniformly random moments. Latency runs from "
        "the moment a message is queued for `getUpdates` to the moment the bot's reply reaches "
        "the server.",
        "",
    ]
    path.write_text("\n".join(text), encoding="utf-8")
    path.with_suffix(".json").write_text(json.dumps(report, indent=2), encoding="utf-8")
