"""Decoding a downloaded body to text when its declared charset may be missing, unknown or wrong."""

from __future__ import annotations

import codecs

__all__ = ["decode_text", "known_charset"]


def decode_text(content: bytes, charset: str | None) -> str:
    """Text of a body whose declared charset may be missing, unknown or wrong, as browsers read it:
    the declared charset if it decodes cleanly, else a detected one, else UTF-8 with
    replacement characters."""
    if charset:
        try:
            return content.decode(charset)
        except (LookupError, UnicodeError):  # "x-bogus", "rot13" (not a text codec), lies
            pass
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(content).best()
    if best is not None:
        return str(best)
    return content.decode("utf-8", errors="replace")


def known_charset(name: str | None) -> str | None:
    """The Python codec for a declared charset, or None when Python has no text codec for it."""
    if not name:
        return None
    try:
        info = codecs.lookup(name.strip().strip("\"'"))
    except (LookupError, ValueError):
        return None
    return info.name if getattr(info, "_is_text_encoding", True) else None
