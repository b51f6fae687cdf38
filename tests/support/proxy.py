"""A round-robin reverse proxy on loopback: the one entry point in front of several bot workers.

Like nginx with `proxy_next_upstream error`, a request goes to the next worker in turn, and to
the one after it when a worker does not take the connection (stopped, killed). It records which
worker each Telegram update went to.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler

from tests.support.loopback import LoopbackServer

__all__ = ["RoundRobinProxy"]


class RoundRobinProxy(LoopbackServer):
    """Forwards each POST to one of `upstreams` (base URLs), in turn."""

    def __init__(self, upstreams: list[str]) -> None:
        self.upstreams = upstreams
        self._turn = itertools.count()
        self._lock = threading.Lock()
        self.routes: list[tuple[int, str]] = []  # (update_id, upstream that answered)
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    proxy._forward(self)

            def log_message(self, format: str, *args: object) -> None:
                return None

        super().__init__(Handler)

    def _forward(self, handler: BaseHTTPRequestHandler) -> None:
        body = handler.rfile.read(int(handler.headers.get("Content-Length") or 0))
        headers = {k: v for k, v in handler.headers.items() if k.lower() != "host"}
        first = next(self._turn)
        status, reply = 502, b"no worker answered"
        for offset in range(len(self.upstreams)):
            upstream = self.upstreams[(first + offset) % len(self.upstreams)]
            request = urllib.request.Request(
                upstream + handler.path, data=body, headers=headers, method="POST"
            )
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    status, reply = int(response.status), response.read()
            except urllib.error.HTTPError as error:
                status, reply = error.code, error.read()
            except OSError:
                continue  # that worker is down: the next one
            with contextlib.suppress(ValueError, KeyError, TypeError):
                update_id = int(json.loads(body)["update_id"])
                with self._lock:
                    self.routes.append((update_id, upstream))
            break
        handler.send_response(status)
        handler.send_header("Content-Length", str(len(reply)))
        handler.end_headers()
        handler.wfile.write(reply)
