"""Text as search sees it: folded (case and accents), split into words, phone digits."""

from __future__ import annotations

import re

from ..text import fold

JOINERS = re.compile(r"['’‘`´\-‐‑‒–—.\s]+")


def joined(text: str) -> str:
    """O'Neil -> oneil, Hernández-Ruiz -> hernandezruiz: names as people also type them."""
    return fold(JOINERS.sub("", text or ""))


def digit_runs(value: str) -> list[str]:
    """A phone number's digits as overlapping three-digit groups, in order: a run of digits
    typed as 448-2222, 767 448 or 7674482222 is a phrase of these groups. At most a thousand
    such words exist, which keeps the index small."""
    digits = "".join(char for char in value if char.isdigit())
    return [digits[start : start + 3] for start in range(len(digits) - 2)]
