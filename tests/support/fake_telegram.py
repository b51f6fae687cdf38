"""A small fake of the Telegram Bot API over real HTTP on 127.0.0.1, for end-to-end tests.

It implements the methods python-telegram-bot calls for this bot (getMe, deleteWebhook, getUpdates
long polling or setWebhook deliveries, sendMessage, editMessageText, sendChatAction, setMyCommands,
answerCallbackQuery, getFile and file downloads), records every call, and refuses what Telegram
would refuse (bad HTML, over 4096 characters, unchanged edits). Stricter than Telegram, it also
refuses any parameter its method does not define, so a misspelt or misplaced parameter fails the
test instead of being silently misread. Tests queue updates as a user would cause them and wait for
the bot's calls.

python-telegram-bot 22 posts `application/x-www-form-urlencoded` bodies in which strings are sent
as they are and every other value (ints, objects, lists) is JSON-encoded
(`RequestData.json_parameters`), so values are decoded by parameter name below.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any, Literal
from urllib.parse import parse_qsl, unquote, urlsplit

from tests.support.loopback import LoopbackServer
from tests.support.telegram_html import html_problem

__all__ = ["BOT_ID", "BOT_USERNAME", "TOKEN", "Call", "FakeTelegram"]

TOKEN = "123456789:AAF-fake-token-for-tests-0123456789abc"
BOT_ID = 123456789
BOT_USERNAME = "harbor_news_test_bot"

# How each parameter arrives in a form body: JSON-encoded (objects, lists, booleans), an integer,
# or a plain string. A name missing here is a string.
_Kind = Literal["json", "int", "str"]
_KINDS: dict[str, _Kind] = {
    **dict.fromkeys(
        [
            "allowed_updates",
            "commands",
            "disable_notification",
            "drop_pending_updates",
            "entities",
            "max_connections",
            "link_preview_options",
            "protect_content",
            "allow_paid_broadcast",
            "reply_markup",
            "reply_parameters",
            "scope",
            "show_alert",
            "suggested_post_parameters",
        ],
        "json",
    ),
    **dict.fromkeys(
        [
            "cache_time",
            "chat_id",
            "direct_messages_topic_id",
            "limit",
            "message_id",
            "message_thread_id",
            "offset",
            "timeout",
        ],
        "int",
    ),
}
# Per method (lower-cased, as Telegram matches method names), the parameters the Bot API defines.
_SEND_OPTIONS = {
    "business_connection_id",
    "chat_id",
    "message_thread_id",
    "direct_messages_topic_id",
    "disable_notification",
    "protect_content",
    "allow_paid_broadcast",
    "message_effect_id",
    "suggested_post_parameters",
    "reply_parameters",
    "reply_markup",
}
_PARAMETERS: dict[str, frozenset[str]] = {
    "getme": frozenset(),
    "deletewebhook": frozenset({"drop_pending_updates"}),
    "setwebhook": frozenset(
        {
            "url",
            "certificate",
            "ip_address",
            "max_connections",
            "allowed_updates",
            "drop_pending_updates",
            "secret_token",
        }
    ),
    "getupdates": frozenset({"offset", "limit", "timeout", "allowed_updates"}),
    "setmycommands": frozenset({"commands", "scope", "language_code"}),
    "sendchataction": frozenset(
        {"business_connection_id", "chat_id", "message_thread_id", "action"}
    ),
    "sendmessage": frozenset(
        _SEND_OPTIONS | {"text", "parse_mode", "entities", "link_preview_options"}
    ),
    "editmessagetext": frozenset(
        {
            "business_connection_id",
            "chat_id",
            "message_id",
            "inline_message_id",
            "text",
            "parse_mode",
            "entities",
            "link_preview_options",
            "reply_markup",
        }
    ),
    "answercallbackquery": frozenset(
        {"callback_query_id", "text", "show_alert", "url", "cache_time"}
    ),
    "getfile": frozenset({"file_id"}),
}
# The longest a getUpdates request is held, whatever timeout the bot asks for.
_MAX_POLL = 5.0

JSON = dict[str, Any]


@dataclass
class Call:
    """One Bot API request the bot made, with its decoded parameters and our answer."""

    method: str
    params: JSON
    ok: bool = True
    error: str = ""
    result: Any = None

    @property
    def text(self) -> str:
        return str(self.params.get("text", ""))

    @property
    def chat_id(self) -> int | None:
        value = self.params.get("chat_id")
        return int(value) if value is not None else None


@dataclass
class _State:
    lock: threading.Condition = field(default_factory=threading.Condition)
    calls: list[Call] = field(default_factory=list)
    updates: list[JSON] = field(default_factory=list)
    messages: dict[tuple[int, int], JSON] = field(default_factory=dict)
    chats: dict[int, JSON] = field(default_factory=dict)
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    # Set by setWebhook: updates are then posted there instead of held for getUpdates.
    webhook: tuple[str, str] | None = None  # (url, secret token)
    deliveries: list[tuple[int, int]] = field(default_factory=list)  # (update_id, HTTP status)


class FakeTelegram(LoopbackServer):
    """The fake Bot API server; use as a context manager, then point the bot at `base_url`."""

    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.bot_user: JSON = {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "Harbor News",
            "username": BOT_USERNAME,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        self._state = _State()
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._file_ids = itertools.count(1)
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                # The bot drops a pending long poll when it stops; that is not an error.
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    fake._handle_post(self)

            def do_GET(self) -> None:
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    fake._handle_get(self)

            def log_message(self, format: str, *args: object) -> None:
                return None

        super().__init__(Handler)

    # -- where the bot finds it ------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    # -- HTTP ------------------------------------------------------------------------------

    def _reply(self, handler: BaseHTTPRequestHandler, status: int, payload: JSON) -> None:
        body = json.dumps(payload).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    def _fail(self, handler: BaseHTTPRequestHandler, status: int, description: str) -> None:
        self._reply(
            handler, status, {"ok": False, "error_code": status, "description": description}
        )

    def _handle_post(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        match = re.fullmatch(r"/bot(?P<token>[^/]+)/(?P<method>\w+)", urlsplit(handler.path).path)
        if match is None or match["token"] != self.token:
            self._reply(
                handler, 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
            )
            return
        method = match["method"]
        allowed = _PARAMETERS.get(method.lower())
        endpoint = getattr(self, f"_api_{method.lower()}", None)
        if endpoint is None or allowed is None:
            self._fail(handler, 404, "Not Found")
            return
        params = self._decode(handler.headers.get("Content-Type", ""), body)
        try:
            unknown = sorted(set(params) - allowed)
            if unknown:
                raise _ApiError(f"unknown parameter {unknown[0]}")
            result = endpoint(params)
        except _ApiError as error:
            self._record(Call(method, params, ok=False, error=error.description))
            self._reply(
                handler,
                400,
                {
                    "ok": False,
                    "error_code": 400,
                    "description": f"Bad Request: {error.description}",
                },
            )
            return
        if method != "getUpdates":
            self._record(Call(method, params, result=result))
        self._reply(handler, 200, {"ok": True, "result": result})

    def _handle_get(self, handler: BaseHTTPRequestHandler) -> None:
        # python-telegram-bot percent-encodes the path, the token's colon included.
        path = unquote(urlsplit(handler.path).path)
        prefix = f"/file/bot{self.token}/"
        with self._state.lock:
            found = [content for p, content in self._state.files.values() if prefix + p == path]
        if not found:
            self._fail(handler, 404, "Not Found")
            return
        self._record(Call("downloadFile", {"path": path}))
        handler.send_response(200)
        handler.send_header("Content-Type", "application/octet-stream")
        handler.send_header("Content-Length", str(len(found[0])))
        handler.end_headers()
        handler.wfile.write(found[0])

    @staticmethod
    def _decode(content_type: str, body: bytes) -> JSON:
        if content_type.startswith("application/json"):
            decoded: JSON = json.loads(body or b"{}")
            return decoded
        params: JSON = {}
        for name, value in parse_qsl(body.decode(), keep_blank_values=True):
            kind = _KINDS.get(name, "str")
            if kind == "json":
                params[name] = json.loads(value)
            elif kind == "int" and re.fullmatch(r"-?\d+", value):
                params[name] = int(value)
            else:
                params[name] = value
        return params

    def _record(self, call: Call) -> None:
        with self._state.lock:
            self._state.calls.append(call)
            self._state.lock.notify_all()

    # -- Bot API methods -------------------------------------------------------------------

    def _api_getme(self, params: JSON) -> JSON:
        return self.bot_user

    def _api_deletewebhook(self, params: JSON) -> bool:
        with self._state.lock:
            self._state.webhook = None
        return True

    def _api_setwebhook(self, params: JSON) -> bool:
        url = str(params.get("url", ""))
        if not url.startswith(("http://127.", "https://127.")):
            raise _ApiError("bad webhook: tests deliver to loopback only")
        with self._state.lock:
            self._state.webhook = (url, str(params.get("secret_token", "")))
            pending, self._state.updates = self._state.updates, []
        for update in pending:
            self._deliver(update)
        return True

    def _api_setmycommands(self, params: JSON) -> bool:
        return True

    def _api_sendchataction(self, params: JSON) -> bool:
        return True

    def _api_answercallbackquery(self, params: JSON) -> bool:
        return True

    def _api_getupdates(self, params: JSON) -> list[JSON]:
        if self._state.webhook is not None:
            raise _ApiError("Conflict: can't use getUpdates method while webhook is active")
        offset = int(params.get("offset", 0))
        wait = min(float(params.get("timeout", 0)), _MAX_POLL)
        deadline = time.monotonic() + wait
        state = self._state
        with state.lock:
            # Telegram forgets updates below the offset: the bot has confirmed them.
            state.updates = [u for u in state.updates if u["update_id"] >= offset]
            while not state.updates and (remaining := deadline - time.monotonic()) > 0:
                state.lock.wait(remaining)
            return list(state.updates[: int(params.get("limit", 100))])

    def _check_text(self, params: JSON) -> str:
        text = str(params.get("text", ""))
        if params.get("parse_mode") == "HTML":
            problem = html_problem(text)
            if problem is not None:
                raise _ApiError(problem)
        elif not text.strip():
            raise _ApiError("message text is empty")
        return text

    def _api_sendmessage(self, params: JSON) -> JSON:
        text = self._check_text(params)
        chat_id = int(params["chat_id"])
        with self._state.lock:
            chat = self._state.chats.get(chat_id, {"id": chat_id, "type": "private"})
            message: JSON = {
                "message_id": next(self._message_ids),
                "from": self.bot_user,
                "chat": chat,
                "date": int(time.time()),
                "text": text,
            }
            reply = params.get("reply_parameters")
            if reply and (chat_id, reply["message_id"]) in self._state.messages:
                message["reply_to_message"] = self._state.messages[(chat_id, reply["message_id"])]
            if "reply_markup" in params:
                message["reply_markup"] = params["reply_markup"]
            self._state.messages[(chat_id, message["message_id"])] = message
        return message

    def _api_editmessagetext(self, params: JSON) -> JSON:
        text = self._check_text(params)
        key = (int(params["chat_id"]), int(params["message_id"]))
        with self._state.lock:
            message = self._state.messages.get(key)
            if message is None or message["from"]["id"] != BOT_ID:
                raise _ApiError("message to edit not found")
            markup = params.get("reply_markup")
            if message["text"] == text and message.get("reply_markup") == markup:
                raise _ApiError(
                    "message is not modified: specified new message content and reply markup "
                    "are exactly the same as a current content and reply markup of the message"
                )
            message = {**message, "text": text, "edit_date": int(time.time())}
            if markup is None:
                message.pop("reply_markup", None)
            else:
                message["reply_markup"] = markup
            self._state.messages[key] = message
        return message

    def _api_getfile(self, params: JSON) -> JSON:
        file_id = str(params["file_id"])
        with self._state.lock:
            if file_id not in self._state.files:
                raise _ApiError("invalid file_id")
            path, content = self._state.files[file_id]
        return {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_size": len(content),
            "file_path": path,
        }

    # -- what users do ---------------------------------------------------------------------

    @staticmethod
    def user(user_id: int, first_name: str = "Reader") -> JSON:
        return {"id": user_id, "is_bot": False, "first_name": first_name}

    @staticmethod
    def private_chat(user: JSON) -> JSON:
        return {"id": user["id"], "type": "private", "first_name": user["first_name"]}

    @staticmethod
    def group_chat(chat_id: int, title: str = "Newsroom") -> JSON:
        return {"id": chat_id, "type": "supergroup", "title": title}

    def _queue(self, update: JSON) -> None:
        with self._state.lock:
            update["update_id"] = next(self._update_ids)
            if self._state.webhook is None:
                self._state.updates.append(update)
                self._state.lock.notify_all()
                return
        self._deliver(update, copies=self.redeliver)

    # Each update is posted this many times to the webhook (Telegram retries a delivery it did
    # not see acknowledged, and a retry may reach another worker); tests raise it.
    redeliver = 1

    def _deliver(self, update: JSON, copies: int = 1) -> None:
        """Post `update` to the webhook in the background, as Telegram does, retrying (up to
        ten times, a little apart) until a delivery is answered with 200; then `copies - 1`
        more deliveries of it."""
        body = json.dumps(update).encode()

        def post() -> None:
            delivered = 0
            for _ in range(10 + copies):
                with self._state.lock:
                    if self._state.webhook is None:
                        return
                    url, secret = self._state.webhook
                request = urllib.request.Request(
                    url,
                    data=body,
                    headers={
                        "Content-Type": "application/json",
                        "X-Telegram-Bot-Api-Secret-Token": secret,
                    },
                )
                try:
                    with urllib.request.urlopen(request, timeout=10) as response:
                        status = int(response.status)
                except urllib.error.HTTPError as error:
                    status = error.code
                except OSError:
                    status = 0
                with self._state.lock:
                    self._state.deliveries.append((int(update["update_id"]), status))
                    self._state.lock.notify_all()
                if status == 200:
                    delivered += 1
                    if delivered >= copies:
                        return
                else:
                    time.sleep(0.2)

        threading.Thread(target=post, daemon=True).start()

    def deliveries(self) -> list[tuple[int, int]]:
        """Every webhook delivery so far: (update_id, HTTP status; 0 = no connection)."""
        with self._state.lock:
            return list(self._state.deliveries)

    def send(
        self,
        chat: JSON,
        user: JSON,
        text: str | None = None,
        *,
        reply_to: JSON | None = None,
        forward_origin: JSON | None = None,
        document: JSON | None = None,
        caption: str | None = None,
    ) -> JSON:
        """Queue a message from `user` in `chat`, with the entities Telegram would attach."""
        message: JSON = {
            "message_id": next(self._message_ids),
            "from": user,
            "chat": chat,
            "date": int(time.time()),
        }
        if text is not None:
            message["text"] = text
            entities = _entities(text)
            if entities:
                message["entities"] = entities
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        if forward_origin is not None:
            message["forward_origin"] = forward_origin
        if document is not None:
            message["document"] = document
        if caption is not None:
            message["caption"] = caption
        with self._state.lock:
            self._state.chats[chat["id"]] = chat
            self._state.messages[(chat["id"], message["message_id"])] = message
        self._queue({"message": message})
        return message

    def press(self, user: JSON, message: JSON, data: str) -> None:
        """Queue a press of an inline button with `data` under the bot's `message`."""
        self._queue(
            {
                "callback_query": {
                    "id": str(next(self._update_ids) * 7),
                    "from": user,
                    "chat_instance": "fake-chat-instance",
                    "message": message,
                    "data": data,
                }
            }
        )

    def upload(self, content: bytes, file_name: str, mime_type: str) -> JSON:
        """Store a file as if a user had sent it; returns the `document` object for `send`."""
        number = next(self._file_ids)
        file_id = f"file-{number}"
        with self._state.lock:
            self._state.files[file_id] = (f"documents/file_{number}{_suffix(file_name)}", content)
        return {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_name": file_name,
            "mime_type": mime_type,
            "file_size": len(content),
        }

    @staticmethod
    def channel_origin(
        title: str, username: str | None, message_id: int, date: int = 1731830400
    ) -> JSON:
        chat: JSON = {"id": -1001234567890, "type": "channel", "title": title}
        if username:
            chat["username"] = username
        return {"type": "channel", "chat": chat, "message_id": message_id, "date": date}

    # -- what tests observe ----------------------------------------------------------------

    def calls(self, method: str | None = None) -> list[Call]:
        with self._state.lock:
            return [c for c in self._state.calls if method is None or c.method == method]

    def mark(self) -> int:
        """A position in the call log; `wait_for(after=…)` only looks at later calls."""
        with self._state.lock:
            return len(self._state.calls)

    def message(self, chat_id: int, message_id: int) -> JSON:
        """A message as it is now (after any edits)."""
        with self._state.lock:
            return dict(self._state.messages[(chat_id, message_id)])

    def sent_to(self, chat_id: int, after: int = 0) -> list[Call]:
        """The messages the bot sent to a chat (successful sendMessage calls)."""
        with self._state.lock:
            return [
                c
                for c in self._state.calls[after:]
                if c.method == "sendMessage" and c.ok and c.chat_id == chat_id
            ]

    def _wait(self, condition: Callable[[], bool], timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        with self._state.lock:
            while not condition():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._state.lock.wait(remaining)
            return True

    async def wait_until(self, condition: Callable[[], bool], timeout: float = 30.0) -> None:
        """Return once `condition()` holds; it is re-checked after every recorded call."""
        # Wait in a thread: the bot under test runs on this event loop and must keep going.
        if not await asyncio.to_thread(self._wait, condition, timeout):
            seen = "\n".join(f"  {c.method} {c.params} {c.error}" for c in self.calls())
            raise AssertionError(f"condition not met within {timeout} s; calls:\n{seen}")

    async def wait_for(
        self,
        method: str,
        predicate: Callable[[Call], bool] = lambda call: True,
        *,
        after: int = 0,
        timeout: float = 30.0,
    ) -> Call:
        """The first successful call of `method` after position `after` matching `predicate`."""

        def find() -> Call | None:
            return next(
                (
                    c
                    for c in self._state.calls[after:]
                    if c.method == method and c.ok and predicate(c)
                ),
                None,
            )

        await self.wait_until(lambda: find() is not None, timeout)
        found = find()
        assert found is not None
        return found

    async def wait_for_messages(
        self, chat_id: int, count: int, *, after: int = 0, timeout: float = 30.0
    ) -> list[Call]:
        """The first `count` messages the bot sent to a chat after position `after`."""
        await self.wait_until(lambda: len(self.sent_to(chat_id, after)) >= count, timeout)
        return self.sent_to(chat_id, after)[:count]


class _ApiError(Exception):
    def __init__(self, description: str) -> None:
        super().__init__(description)
        self.description = description


def _suffix(file_name: str) -> str:
    match = re.search(r"\.\w+$", file_name)
    return match.group() if match else ""


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _entities(text: str) -> list[JSON]:
    """bot_command and mention entities, with offsets in UTF-16 units as Telegram counts."""
    entities: list[JSON] = []
    command = re.match(r"/\w+(@\w+)?", text)
    if command:
        entities.append({"type": "bot_command", "offset": 0, "length": _utf16_len(command[0])})
    for mention in re.finditer(r"(?<![\w@])@\w{5,32}", text):
        offset = _utf16_len(text[: mention.start()])
        entities.append({"type": "mention", "offset": offset, "length": _utf16_len(mention[0])})
    return entities
