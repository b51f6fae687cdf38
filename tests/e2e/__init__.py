"""End-to-end tests: the real bot against a fake Bot API server and a local article server."""
