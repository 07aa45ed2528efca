"""Text as the directory compares it: without case or accents. Pure; used by the pages, the
read models and the search index alike."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Case- and accent-insensitive form: "Protección" -> "proteccion", "Straße" -> "strasse"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()
