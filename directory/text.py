"""Text as the directory compares it: without case or accents. Pure; used by the pages, the
read models and the search index alike."""

from __future__ import annotations

import re
import unicodedata

WORD = re.compile(r"\w+")


def fold(text: str) -> str:
    """Case- and accent-insensitive form: "Protección" -> "proteccion", "Straße" -> "strasse"."""
    text = text or ""
    if text.isascii():  # most text: nothing to decompose
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def words(text: str) -> list[str]:
    """The folded words of a text: "São João" -> ["sao", "joao"]."""
    return WORD.findall(fold(text))
