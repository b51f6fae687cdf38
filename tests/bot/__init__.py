"""Tests of the Telegram front end that need no Telegram: rendering, limits, settings."""
