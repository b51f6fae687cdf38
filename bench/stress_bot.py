"""The bot of `newsbot bench stress`, in its own process: the real bot, with articles being added.

`python -m bench.stress_bot --encoder … --data-dir … --api …` builds the bot exactly as
`python -m bot` does (`bot.app.build_application`, long polling, the flood limiter, the per-user
limit) against the given Bot API server, while a thread adds the articles of `--ingest-file` to
the same engine.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

__all__ = ["ADMIN_ID", "TOKEN", "serve"]

ADMIN_ID = 1001
TOKEN = "123456789:AAF-stress-test-token-0123456789abcdefg"


def serve(argv: list[str]) -> int:
    """`python -m bench.stress_bot …`: run the real bot until SIGINT, adding articles meanwhile.

    Prints one JSON line at the end: how many articles the ingest thread added, and when.
    """
    from pydantic import SecretStr

    from bot.app import allowed_updates, build_application
    from bot.config import BotSettings, file_url_for
    from bot.logs import configure_logging
    from index.embed import HashingEncoder
    from index.engine import Engine
    from index.settings import Settings

    parser = argparse.ArgumentParser(prog="bench.stress_bot")
    parser.add_argument("--encoder", choices=["hashing", "model"], required=True)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--api", required=True)
    parser.add_argument("--ingest-file", type=Path)
    args = parser.parse_args(argv)

    engine_settings = replace(Settings(data_dir=args.data_dir), encoder_threads=1)
    settings = BotSettings(
        token=SecretStr(TOKEN),
        admin_ids=frozenset({ADMIN_ID}),
        api_base_url=args.api,
        api_base_file_url=file_url_for(args.api),
        log_level="WARNING",
        engine=engine_settings,
    )
    configure_logging(TOKEN, settings.log_level)
    engine = Engine(engine_settings, HashingEncoder() if args.encoder == "hashing" else None)
    application = build_application(settings, engine)
    stop = threading.Event()
    ingest: dict[str, Any] = {"added": 0, "started": None, "finished": None}

    def add_articles() -> None:
        if args.ingest_file is None:
            return
        engine.open()  # idempotent: waits for (or does) the bot's own opening
        ingest["started"] = time.monotonic()
        drafts = [item for _, item in engine.ingest_paths([args.ingest_file])]
        for first in range(0, len(drafts), 4):
            if stop.is_set():
                break
            group = [d for d in drafts[first : first + 4] if not isinstance(d, Exception)]
            outcomes = engine.add_drafts(group, save=True)
            ingest["added"] += sum(1 for o in outcomes if o.article is not None)
        ingest["finished"] = time.monotonic()

    adder = threading.Thread(target=add_articles, name="bulk-ingest", daemon=True)

    async def start_adding(_: Any) -> None:
        adder.start()

    async def stop_adding(_: Any) -> None:
        # Before the engine closes (post_shutdown): let the current group finish.
        import asyncio

        stop.set()
        await asyncio.to_thread(adder.join, 300)

    application.post_stop = stop_adding
    # After the bot's own post_init (which starts opening the engine) has run.
    original_init = application.post_init

    async def post_init(app: Any) -> None:
        if original_init is not None:
            await original_init(app)
        await start_adding(app)

    application.post_init = post_init
    application.run_polling(allowed_updates=allowed_updates())
    ingest["gate_turned_away"] = application.bot_data.gate.turned_away
    print(json.dumps(ingest), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(serve(sys.argv[1:]))
