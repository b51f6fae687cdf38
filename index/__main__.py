"""`python -m index` runs the `newsbot` command line."""

from __future__ import annotations

import sys

from index.cli import main

sys.exit(main())
