"""Text as search sees it: folded (case and accents), split into words, phone digits."""

from __future__ import annotations

import re
import unicodedata

from ..text import fold

PHONE_SEPARATOR = "|"  # between two numbers' digits: a run of digits never spans two
JOINERS = re.compile(r"['’‘`´\-‐‑‒–—.\s]+")


def joined(text: str) -> str:
    """O'Neil -> oneil, Hernández-Ruiz -> hernandezruiz: names as people also type them."""
    return fold(JOINERS.sub("", text or ""))


def phone_digits(value: str) -> str:
    """A phone number's digits, in any script, as ASCII: "+1 (767) 448-2222" -> "17674482222".
    A run typed as 448-2222, 767 448 or 7674482222 is found in them."""
    return "".join(str(unicodedata.digit(char, 0)) for char in value or "" if char.isdigit())
