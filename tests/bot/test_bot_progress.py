"""A status message edited in place: quick intermediate states are coalesced, the last is shown."""

from __future__ import annotations

import asyncio
from typing import Any, cast

from telegram import Message

from bot.progress import ProgressMessage


class StatusStub:
    """Stands in for the bot's status message; records each edit."""

    def __init__(self, edits: list[str]) -> None:
        self.edits = edits

    async def edit_text(self, text: str, **kwargs: Any) -> None:
        self.edits.append(text)


class QuestionStub:
    """Stands in for the admin's message the status replies to."""

    def __init__(self) -> None:
        self.sent: list[str] = []
        self.edits: list[str] = []

    async def reply_text(self, text: str, **kwargs: Any) -> StatusStub:
        self.sent.append(text)
        return StatusStub(self.edits)


async def test_fast_states_are_coalesced_and_the_final_state_always_shows() -> None:
    question = QuestionStub()
    progress = ProgressMessage(cast(Message, question), interval=60)
    await progress.show("fetching")
    await progress.show("extracting")
    await progress.show("indexing")
    await progress.show("done", final=True)
    assert question.sent == ["fetching"]
    assert question.edits == ["done"]


async def test_a_pending_state_is_shown_once_the_interval_has_passed() -> None:
    question = QuestionStub()
    progress = ProgressMessage(cast(Message, question), interval=0.05)
    await progress.show("fetching")
    await progress.show("extracting")
    await progress.show("indexing")
    await asyncio.sleep(0.2)  # let the delayed edit run; the assertion is on what it showed
    assert question.edits == ["indexing"]
    await progress.show("indexing", final=True)
    assert question.edits == ["indexing"]  # unchanged text is not sent again
