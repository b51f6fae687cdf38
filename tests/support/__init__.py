"""Test doubles shared by every test package: loopback HTTP servers and a fake Bot API."""
