"""One threaded HTTP server on loopback that test doubles build on; tests never leave loopback."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Self

__all__ = ["LoopbackServer"]


class LoopbackServer:
    """Serves `handler` on a free port of a loopback address in a daemon thread; a context manager.

    `host` may be any address of 127.0.0.0/8 (127.0.0.2, …) to stand for a second machine.
    """

    def __init__(self, handler: type[BaseHTTPRequestHandler], host: str = "127.0.0.1") -> None:
        if not host.startswith("127."):
            raise ValueError(f"test servers listen on loopback only, not {host}")
        self.host = host
        self._server = ThreadingHTTPServer((host, 0), handler)
        # Request threads must never keep a finished test run alive.
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
