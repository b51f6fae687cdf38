"""The loopback test server under its old import path; it lives in `tests.support.web` now."""

from __future__ import annotations

from tests.support.web import LocalServer, Route, serving

__all__ = ["LocalServer", "Route", "serving"]
