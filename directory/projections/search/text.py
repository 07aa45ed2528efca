"""Text as search sees it: folded (case and accents), split into words, phone digits.

Shared by the documents the index keeps and the queries read from what users type, so that
both split and fold text alike. Relies on nothing of Whoosh.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from ...text import fold, near_spellings

PHONE_SEPARATOR = "|"  # between two numbers' digits: a run of digits never spans two
JOINERS = re.compile(r"['’‘`´\-‐‑‒–—.\s]+")


def joined(text: str) -> str:
    """O'Neil -> oneil, Hernández-Ruiz -> hernandezruiz: names as people also type them."""
    return fold(JOINERS.sub("", text or ""))


def phone_digits(value: str) -> str:
    """A phone number's digits, in any script, as ASCII: "+1 (767) 448-2222" -> "17674482222".
    A run typed as 448-2222, 767 448 or 7674482222 is found in them."""
    return "".join(str(unicodedata.digit(char, 0)) for char in value or "" if char.isdigit())


DIGIT_GROUP = 3  # digits typed to look for a phone number: at least three, the index's groups


def digit_groups(digits: str) -> set[str]:
    """The runs of three digits in ``digits`` (one number's, or a query's): a number with all
    the groups of a query is the only kind that can hold the query's digits in a row."""
    return {digits[at : at + DIGIT_GROUP] for at in range(len(digits) - DIGIT_GROUP + 1)}


@dataclass
class Lexicon:
    """The words of one field of an index, in order, with how many documents have each: the
    words an unfinished or misspelt word may stand for are looked up here."""

    texts: list[str] = field(default_factory=list)  # sorted
    counts: list[int] = field(default_factory=list)

    def has(self, word: str) -> bool:
        at = bisect.bisect_left(self.texts, word)
        return at < len(self.texts) and self.texts[at] == word

    def _starting(self, prefix: str) -> range:
        start = bisect.bisect_left(self.texts, prefix)
        return range(start, bisect.bisect_left(self.texts, prefix + "\U0010ffff", start))

    def completions(self, prefix: str, limit: int) -> list[tuple[str, int, int]]:
        """(word, 0, documents) of the ``limit`` most frequent words beginning with ``prefix``."""
        chosen: Sequence[int] = self._starting(prefix)
        if len(chosen) > limit:
            chosen = sorted(chosen, key=lambda at: -self.counts[at])[:limit]
        return [(self.texts[at], 0, self.counts[at]) for at in chosen]

    def near(self, word: str) -> list[tuple[str, int, int]]:
        """(word, edits, documents) of the words near ``word`` (``text.near_spellings``) that
        share its first letter, not the word itself."""
        same_start = self._starting(word[0])
        found = near_spellings(word, self.texts[same_start.start : same_start.stop])
        return [
            (text, edits, self.counts[same_start.start + at])
            for text, edits, at in found
            if edits > 0
        ]
