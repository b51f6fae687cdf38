"""Split article text into sentences and into overlapping, sentence-aligned chunks with offsets."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Span", "chunk_spans", "sentence_spans"]

# Words after which a full stop does not end a sentence.
_ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof sr jr st mt vs etc inc ltd co corp gov gen sen rep rev col lt sgt capt
    cmdr adm maj jan feb mar apr jun jul aug sep sept oct nov dec no nos fig al approx dept
    est u.s u.k u.n e.g i.e a.m p.m d.c""".split()
)
# A candidate boundary: terminal punctuation, optional closing quotes/brackets, then whitespace.
_BOUNDARY = re.compile(r"""[.!?…]+["'”’)\]]*(?=\s)""")
_PARAGRAPH = re.compile(r"\n\s*\n")


@dataclass(frozen=True)
class Span:
    """A half-open character range `[start, end)` of a text."""

    start: int
    end: int


def _is_abbreviation(text: str, dot: int) -> bool:
    """Whether the full stop at `dot` closes an abbreviation or an initial, not a sentence."""
    word_start = dot
    while (
        word_start > 0
        and not text[word_start - 1].isspace()
        and text[word_start - 1] not in "(\"'“‘"
    ):
        word_start -= 1
    word = text[word_start:dot].lower()
    if word in _ABBREVIATIONS:
        return True
    # Single initials ("J. Smith") and dotted acronyms ("U.S.") are not sentence ends,
    # unless the next word starts like a new sentence after an acronym; keep it simple and
    # treat them as abbreviations only when followed by a capitalised name-like word.
    return len(word) == 1 and word.isalpha() and word.upper() == text[word_start:dot]


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[Span]:
    """Sentences of `text[start:end]` as spans of `text`, trimmed of surrounding whitespace.

    Paragraph breaks always end a sentence, so headlines and list items stay separate.
    """
    end = len(text) if end is None else end
    spans: list[Span] = []
    for block_start, block_end in _blocks(text, start, end):
        sentence_start = block_start
        for match in _BOUNDARY.finditer(text, block_start, block_end):
            stop = match.end()
            first_mark = match.start()
            if (
                text[first_mark] == "."
                and match.group().startswith(".")
                and len(match.group()) == 1
            ) and _is_abbreviation(text, first_mark):
                continue
            next_char = _next_visible(text, stop, block_end)
            if next_char is not None and next_char.islower():
                continue
            _append_trimmed(text, sentence_start, stop, spans)
            sentence_start = stop
        _append_trimmed(text, sentence_start, block_end, spans)
    return spans


def _blocks(text: str, start: int, end: int) -> list[tuple[int, int]]:
    blocks = []
    position = start
    for match in _PARAGRAPH.finditer(text, start, end):
        blocks.append((position, match.start()))
        position = match.end()
    blocks.append((position, end))
    return blocks


def _next_visible(text: str, position: int, end: int) -> str | None:
    while position < end and text[position].isspace():
        position += 1
    return text[position] if position < end else None


def _append_trimmed(text: str, start: int, end: int, spans: list[Span]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append(Span(start, end))


def chunk_spans(text: str, target_words: int = 200, overlap_sentences: int = 1) -> list[Span]:
    """Group consecutive sentences into chunks of about `target_words` words.

    Each chunk after the first repeats the last `overlap_sentences` sentences of the previous
    one, so a fact that straddles a boundary is whole in at least one chunk. A single sentence
    longer than the target becomes a chunk of its own.
    """
    sentences = sentence_spans(text)
    if not sentences:
        return []
    words = [len(text[s.start : s.end].split()) for s in sentences]
    chunks: list[Span] = []
    first = 0
    while first < len(sentences):
        last = first
        total = words[first]
        while last + 1 < len(sentences) and total + words[last + 1] <= target_words:
            last += 1
            total += words[last]
        chunks.append(Span(sentences[first].start, sentences[last].end))
        if last + 1 >= len(sentences):
            break
        # Step forward, keeping some sentences of overlap but always making progress.
        first = max(first + 1, last + 1 - overlap_sentences)
    return chunks
