"""Matched words wrapped in <mark>, everything else escaped: the `highlight` template filter.

A word is marked when its folded form starts with one of the searched words (the last word
of an as-you-type search may be unfinished) or is one of the indexed words a typo was taken
for. Text is escaped piece by piece and only our own <mark> tags are added, so a stored
``<script>`` stays text however the words fall. Beside the search it marks: the result cards
and the API's highlighted fields both show a search's words this way.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from markupsafe import Markup, escape

from ..projections.search.text import JOINERS, joined
from ..text import fold

# Words joined by an apostrophe or a hyphen, as in O'Neil or Hernández-Ruiz: the index also
# knows them joined up ("oneil"), so the group is marked whole when only that form matched.
GROUP = re.compile(r"\w+(?:['’‘`´\-‐‑]\w+)*")
WORD = re.compile(r"\w+")
MIN_PREFIX = 2  # a one-letter word is only matched whole, as the index does


def _prepared(text: str) -> tuple[str, str, str]:
    """``text`` composed, folded, and folded without joiners."""
    composed = unicodedata.normalize("NFC", text)
    folded = fold(composed)
    return composed, folded, JOINERS.sub("", folded)


def _marked_spans(text: str, exact: set[str], prefixes: tuple[str, ...]) -> list[tuple[int, int]]:
    def matches(piece: str) -> bool:
        folded = fold(piece)
        return folded in exact or folded.startswith(prefixes)

    spans = []
    for group in GROUP.finditer(text):
        inner = list(WORD.finditer(group.group()))
        found = [word.span() for word in inner if matches(word.group())]
        if found:
            spans += [(group.start() + start, group.start() + end) for start, end in found]
        elif len(inner) > 1 and matches(joined(group.group())):
            spans.append(group.span())
    return spans


class Marker:
    """Marks the words of one search in any number of texts: a page of results marks a hundred."""

    def __init__(self, words: Iterable[str] | None = (), expanded: Iterable[str] | None = ()):
        words = [word for word in words or () if word]
        self.exact = set(words) | set(expanded or ())
        self.prefixes = tuple(word for word in words if len(word) >= MIN_PREFIX)
        # Whether a text has any of the words at all, in one pass: most texts have none.
        self.anywhere = re.compile("|".join(map(re.escape, sorted(self.exact))))

    def __call__(self, text: object) -> Markup:
        """``text`` escaped, with the words matching the search in <mark>."""
        if text is None:
            return Markup("")
        if isinstance(text, Markup):
            text = text.unescape()  # marked up already: read it as the text it shows
        if not self.exact:
            return escape(str(text))
        # Composed, so that an accent typed as a separate mark stays inside its word.
        text, folded, squeezed = _prepared(str(text))
        if not self.anywhere.search(folded) and not self.anywhere.search(squeezed):
            return escape(text)  # most fields of most cards: nothing to mark, one escape
        parts: list[Markup] = []
        position = 0
        for start, end in _marked_spans(text, self.exact, self.prefixes):
            parts.append(escape(text[position:start]))
            parts.append(Markup("<mark>%s</mark>") % text[start:end])
            position = end
        parts.append(escape(text[position:]))
        return Markup("").join(parts)


def highlight(
    text: object, words: Iterable[str] | None = (), expanded: Iterable[str] | None = ()
) -> Markup:
    """``text`` escaped, with the words matching ``words`` or ``expanded`` in <mark>."""
    return Marker(words, expanded)(text)
