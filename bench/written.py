"""Natural questions written another way than their writers typed them: with the capital a
phone puts first, with every name written as the articles write it, or with a question mark
where there was none and none where there was one.

The sets were typed in lower case, as many people chat; others' phones capitalise the first
letter, and careful writers type names with capitals ("Who won the Davis Cup? also when's the
Crown finale"). `newsbot eval natural --written …` asks the same questions so, to show whether
an answer depends on how a question was typed. Only English questions are rewritten.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bench.natural import NaturalQuestion

__all__ = ["WRITTEN", "rewritten"]

WRITTEN = ("as-typed", "first-capital", "with-capitals", "other-question-mark")

# A word is written as the articles mostly write it when they use it at least this often
# inside sentences, and this share of those uses is one spelling (such as "Apple", "FTX").
_MIN_USES = 5
_MIN_SHARE = 0.8
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_SENTENCE_START = re.compile(r"(?:^|[.!?\"“:]\s*)$")


def rewritten(
    questions: Sequence[NaturalQuestion], written: str, bodies: Iterable[str] = ()
) -> list[NaturalQuestion]:
    """`questions` as `written`: unchanged ("as-typed"), with their first letter capitalised
    ("first-capital"), or also with each word as `bodies` mostly write it ("with-capitals"), or
    ending with a question mark where they had none and without one where they had it
    ("other-question-mark")."""
    if written not in WRITTEN:
        raise ValueError(f"unknown way of writing {written!r}; one of {', '.join(WRITTEN)}")
    if written == "as-typed":
        return list(questions)
    if written == "other-question-mark":
        return [
            replace(q, question=_other_question_mark(q.question)) if q.lang == "en" else q
            for q in questions
        ]
    spelling = _spellings(bodies) if written == "with-capitals" else {}
    return [
        replace(q, question=_write(q.question, spelling)) if q.lang == "en" else q
        for q in questions
    ]


def _other_question_mark(text: str) -> str:
    text = text.rstrip()
    return text.rstrip("?!. ") if text.endswith("?") else f"{text}?"


def _write(text: str, spelling: Mapping[str, str]) -> str:
    text = _WORD.sub(lambda m: spelling.get(m.group().lower(), m.group()), text)
    return text[:1].upper() + text[1:]


def _spellings(bodies: Iterable[str]) -> dict[str, str]:
    """Lower-case word -> the spelling the texts mostly give it inside sentences, where that
    spelling has a capital."""
    seen: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for body in bodies:
        for found in _WORD.finditer(body):
            if _SENTENCE_START.search(body[max(0, found.start() - 3) : found.start()]):
                continue
            word = found.group()
            seen[word.lower()][word] += 1
    spelling: dict[str, str] = {}
    for lower, forms in seen.items():
        total = sum(forms.values())
        best, uses = forms.most_common(1)[0]
        if total >= _MIN_USES and uses >= _MIN_SHARE * total and best != lower:
            spelling[lower] = best
    return spelling
