"""Telegram's rules for HTML-formatted messages, as the Bot API enforces them, for test checks.

Only a handful of tags and four named entities are allowed, tags must nest properly, and the
visible text (after parsing) must fit in 4096 UTF-16 code units.
"""

from __future__ import annotations

from html.parser import HTMLParser

__all__ = ["MAX_MESSAGE", "html_problem", "visible_text"]

MAX_MESSAGE = 4096
ALLOWED_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "span",
    "tg-spoiler",
    "a",
    "code",
    "pre",
    "blockquote",
    "tg-emoji",
}
NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.text: list[str] = []
        self.problem: str | None = None

    def _fail(self, problem: str) -> None:
        if self.problem is None:
            self.problem = problem

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self._fail(f"Unsupported start tag {tag!r}")
        if tag == "a" and not any(name == "href" and value for name, value in attrs):
            self._fail("<a> without href")
        self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._fail(f"Self-closing tag {tag!r}")

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self._fail(f"Unmatched end tag {tag!r}")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        for char in "<>&":
            if char in data:
                self._fail(f"Unescaped {char!r} in text")
        self.text.append(data)

    def handle_entityref(self, name: str) -> None:
        if name not in NAMED_ENTITIES:
            self._fail(f"Unsupported entity &{name};")
        self.text.append(NAMED_ENTITIES.get(name, "?"))

    def handle_charref(self, name: str) -> None:
        self.text.append("?")

    def handle_comment(self, data: str) -> None:
        self._fail("Comments are not supported")


def _parse(text: str) -> _Parser:
    parser = _Parser()
    parser.feed(text)
    parser.close()
    if parser.stack:
        parser._fail(f"Unclosed tag {parser.stack[-1]!r}")
    return parser


def visible_text(text: str) -> str:
    """The text a reader sees once Telegram has parsed the HTML."""
    return "".join(_parse(text).text)


def html_problem(text: str) -> str | None:
    """Why Telegram would refuse `text` as an HTML message, or None if it would accept it."""
    parser = _parse(text)
    if parser.problem is not None:
        return f"can't parse entities: {parser.problem}"
    shown = "".join(parser.text)
    if not shown.strip():
        return "message text is empty"
    if len(shown.encode("utf-16-le")) // 2 > MAX_MESSAGE:
        return "message is too long"
    return None
