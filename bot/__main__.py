"""`python -m bot`: run the bot until Ctrl-C, by long polling or (NEWSBOT_WEBHOOK_URL) webhook."""

from __future__ import annotations

import sys
from urllib.parse import urlsplit

from telegram.error import InvalidToken, NetworkError

from bot.app import allowed_updates, build_application
from bot.config import BotSettings
from bot.logs import configure_logging, redact
from index import NewsbotError, SettingsError


def main() -> int:
    """Read the settings, start polling; configuration problems end in one sentence, exit 2."""
    try:
        settings = BotSettings.from_env()
    except SettingsError as error:
        print(error, file=sys.stderr)
        return 2
    configure_logging(settings.token.get_secret_value(), settings.log_level)
    try:
        application = build_application(settings)
    except NewsbotError as error:  # the shared database cannot be reached, say
        print(error, file=sys.stderr)
        return 1
    try:
        if settings.webhook_url and settings.webhook_secret is not None:
            host, port = settings.webhook_listen
            application.run_webhook(
                listen=host,
                port=port,
                url_path=urlsplit(settings.webhook_url).path.lstrip("/"),
                webhook_url=settings.webhook_url,
                secret_token=settings.webhook_secret.get_secret_value(),
                allowed_updates=allowed_updates(),
            )
        else:
            application.run_polling(allowed_updates=allowed_updates())
    except InvalidToken:
        print(
            "Telegram rejected TELEGRAM_BOT_TOKEN; copy the token again from @BotFather "
            "(/mybots → your bot → API Token) into .env.",
            file=sys.stderr,
        )
        return 2
    except NetworkError as error:
        where = settings.api_base_url or "https://api.telegram.org"
        # Network errors may quote the request URL, and Bot API URLs contain the token.
        reason = redact(error.message, [settings.token.get_secret_value()])
        print(f"Could not reach the Telegram Bot API at {where}: {reason}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
