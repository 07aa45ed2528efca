"""Where a redirect may send the browser: a path on this site, and nothing else.

Judged on what the browser will receive, not on the text as written: browsers drop tabs and
newlines from a URL before reading it (so ``/\\t/evil.com`` becomes ``//evil.com``, another
site), read a backslash as a slash, and Werkzeug drops some control characters from a header
while others make it refuse the header. A target with any of them is refused whole.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit


def local_path(target: str | None, default: str) -> str:
    """``target`` if it is a path on this site (``/contacts/...?x=1``), else ``default``."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target or any(
        char.isspace() or unicodedata.category(char) in ("Cc", "Cf") for char in target
    ):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return default
    return target
