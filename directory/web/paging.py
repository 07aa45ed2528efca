"""The page number of a listing, read from the request."""

from __future__ import annotations

from flask import request


def page_number(maximum: int = 100_000) -> int:
    """The ?page= of a listing: a whole number from 1, anything else is page 1."""
    raw = request.args.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < int(raw) <= maximum else 1
