"""Whether a question asks how something turned out, and whether a sentence only looks ahead
to it: a story written before its outcome cannot tell it.

People ask for the sequel of stories the sources saw coming: "did everton win the appeal"
over "Everton will appeal", "did judge mehta end up ruling google a monopoly" over "If Judge
Amit Mehta rules against Google, …", "gemini ultra out now?" over "Gemini Ultra is set to
launch next year". The sentence has every name of the question and reads close to it; what it
says is that the event has not happened yet. The answer asks for more evidence then
(`AnswerParams.anticipating_penalty`).
"""

from __future__ import annotations

import re

__all__ = ["anticipates", "asks_outcome"]

# A question asking how something turned out: who won, the score or result, a verdict or a
# sentence, or whether something has happened ("did they win the appeal", "out now?").
_OUTCOME = re.compile(
    r"\b(?:who\s+(?:won|win|wins|beat|lost)|winners?|final\s+scores?|results?|outcome|verdict"
    r"|sentenced?|sentence|ruled|ruling|end(?:ed)?\s+up|turn(?:ed)?\s+out|yet|finally"
    r"|officially|out\s+now|already"
    r"|did\b.*\b(?:win|won|beat|lose|lost|break|pass|happen|sign|get|launch|release|close"
    r"|announce|buy))\b",
    re.I | re.S,
)
# A question about what is coming asks what a preview says; one asking why asks a reason.
_NOT_OUTCOME = re.compile(
    r"\b(?:will|gonna|going\s+to|odds|predict\w*|preview|expected|upcoming|next|when\s+is"
    r"|when\s+does|when\s+will|why|how\s+come)\b",
    re.I,
)
# Words of a sentence that looks ahead: the future, a condition, a plan, a schedule. Modal verbs
# in lower case only ("Will Jordan" is a name, "May" a month).
_AHEAD_SAID = re.compile(
    r"\b(?:will|would|could|may|might|[Ss]et to|poised to|expected to|scheduled to"
    r"|(?:is|are) due to|plans? to|planning to|[Ii]f|likely|moving closer|yet to|not yet"
    r"|ahead of|upcoming|later this|next (?:year|month|week)|hopes? to|aims? to"
    r"|speculat\w*|rumou?r\w*)\b"
)


def asks_outcome(question: str) -> bool:
    """Whether `question` asks how something turned out (not what is expected, nor why)."""
    return bool(_OUTCOME.search(question)) and not _NOT_OUTCOME.search(question)


def anticipates(sentence: str) -> bool:
    """Whether `sentence` looks ahead (will, may, if, set to, …) rather than only reporting."""
    return bool(_AHEAD_SAID.search(sentence))
