"""`python -m index` runs the `newsbot` command line."""

from __future__ import annotations

from index.cli import run

run()
