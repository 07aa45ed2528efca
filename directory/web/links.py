"""The addresses a page repeats: each card's contact, state and area, each filter of a search."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import request, url_for

from ..caches import link_memo


def link(endpoint: str, _query: dict[str, str] | None = None, **values: Any) -> str:
    """``url_for(endpoint, **values)`` plus ``_query`` as its query string (its empty values
    left out). The address comes from the process's memo of links (see caches.py)."""
    known = link_memo()
    key = (request.script_root, endpoint, *values.items())
    address = known.get(key)
    if address is None:
        address = known.put(key, url_for(endpoint, **values))
    query = {name: value for name, value in (_query or {}).items() if value}
    return f"{address}?{urlencode(query)}" if query else address
