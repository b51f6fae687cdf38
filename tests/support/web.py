"""A real HTTP server on loopback for tests: serves canned responses per path, in a thread."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler

from tests.support.loopback import LoopbackServer

__all__ = ["LocalServer", "Route", "serving"]


@dataclass
class Route:
    """One canned response; `body` may be a callable run per request.

    A `gate` holds the response until the test sets it (an ingest can be kept "fetching" for as
    long as a test likes); `requested` is set when the path is first asked for. With `drip`
    the body goes out one byte every `drip` seconds (a slow server that never quite stalls).
    With an `etag` or `last_modified` the route answers conditional requests as a web server
    does: 304 and no body when the request's If-None-Match / If-Modified-Since matches.
    """

    body: bytes | Callable[[], bytes] = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/html"})
    gate: threading.Event | None = None
    requested: threading.Event = field(default_factory=threading.Event)
    drip: float = 0.0
    etag: str | None = None
    last_modified: str | None = None

    def unchanged_for(self, headers: dict[str, str]) -> bool:
        """Whether a request with these headers already holds the current version."""
        if self.etag is not None and "if-none-match" in headers:
            return headers["if-none-match"] == self.etag
        if self.last_modified is not None and "if-modified-since" in headers:
            return headers["if-modified-since"] == self.last_modified
        return False


class LocalServer(LoopbackServer):
    """Routes by path; records every request path and Host header it saw, and each request's
    headers."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[str] = []
        self.hosts: list[str] = []
        stopping = self._stopping = threading.Event()
        # (path, headers with lower-case names) of every request, in order.
        self.request_headers: list[tuple[str, dict[str, str]]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests.append(self.path)
                server.hosts.append(self.headers.get("Host", ""))
                headers = {name.lower(): value for name, value in self.headers.items()}
                server.request_headers.append((self.path, headers))
                route = server.routes.get(self.path)
                if route is None:
                    self.send_response(404)
                    self.send_header("Content-Type", "text/plain")
                    self.end_headers()
                    self.wfile.write(b"not found")
                    return
                route.requested.set()
                if route.gate is not None:
                    # Bounded, so a failing test can never hang the whole run.
                    route.gate.wait(timeout=30)
                if route.unchanged_for(headers):
                    self.send_response(304)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body = route.body() if callable(route.body) else route.body
                self.send_response(route.status)
                for name, value in route.headers.items():
                    if value != "none":
                        self.send_header(name, value)
                if route.etag is not None:
                    self.send_header("ETag", route.etag)
                if route.last_modified is not None:
                    self.send_header("Last-Modified", route.last_modified)
                # "Content-Length: none" means: send no length, stream until the connection closes.
                if route.headers.get("Content-Length") != "none":
                    if "Content-Length" not in route.headers:
                        self.send_header("Content-Length", str(len(body)))
                else:
                    self.close_connection = True
                self.end_headers()
                with suppress(BrokenPipeError, ConnectionResetError):
                    if not route.drip:
                        self.wfile.write(body)
                    for index in range(len(body) if route.drip else 0):
                        self.wfile.write(body[index : index + 1])
                        self.wfile.flush()
                        if stopping.wait(route.drip):
                            break

            def log_message(self, format: str, *args: object) -> None:
                return None

        super().__init__(Handler, host)

    def url(self, path: str) -> str:
        return self.base_url + path

    def add(
        self,
        path: str,
        body: bytes | str | Callable[[], bytes] | Route,
        status: int = 200,
        content_type: str = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
        **more_headers: str,
    ) -> str:
        """Serve `body` (or a ready Route) at `path`; a header value "none" leaves it out."""
        if isinstance(body, Route):
            self.routes[path] = body
            return self.url(path)
        data = body.encode() if isinstance(body, str) else body
        self.routes[path] = Route(
            data, status, {"Content-Type": content_type, **(headers or {}), **more_headers}
        )
        return self.url(path)

    def stop(self) -> None:
        self._stopping.set()
        # Release held responses first, or shutting down would wait for their gates.
        for route in self.routes.values():
            if route.gate is not None:
                route.gate.set()
        super().stop()


@contextmanager
def serving(host: str = "127.0.0.1") -> Iterator[LocalServer]:
    server = LocalServer(host)
    server.start()
    try:
        yield server
    finally:
        server.stop()
