"""Text as the directory compares it: without case or accents. Pure; used by the pages, the
read models and the search index alike."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from rapidfuzz import process
from rapidfuzz.distance import OSA

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


def typo_distance(word: str) -> int:
    """Edits forgiven in a misspelt word: one from 4 letters, two from 8."""
    return 2 if len(word) >= 8 else 1


def near_spellings(word: str, candidates: Sequence[str]) -> list[tuple[str, int, int]]:
    """(candidate, edits, position) of the candidates within ``typo_distance(word)`` edits of
    ``word``, a swap of neighbours counting as one (optimal string alignment), the word itself
    included. The one place the edit distance is computed (rapidfuzz, in C++)."""
    return process.extract(  # (choice, score, index): the score is the distance here
        word, candidates, scorer=OSA.distance, score_cutoff=typo_distance(word), limit=None
    )
