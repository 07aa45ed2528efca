"""The count beside each filter value (state, area, language, 24/7) for a search's matches.

Why our own: counts are exact, and with each value's documents as a bit set a count is one
``&`` and ``bit_count``; Whoosh's ``groupedby`` facets were 75-85% of the time of its own
query API on the same searches. Relied on of Whoosh: the filter fields' postings and their
stored values (``storage.FACETS``), through ``view.View``.
"""

from __future__ import annotations

from .storage import FACETS
from .view import View


def facets(view: View, matched: int) -> dict[str, dict[str, int]]:
    """How many of the matches have each value of each filter."""
    counts: dict[str, dict[str, int]] = {}
    for name in FACETS:
        counts[name] = {}
        for value, documents in view.values(name):
            count = (matched & documents).bit_count()
            if count:
                counts[name][value] = count
    return counts


def few_facets(view: View, docnums: list[int]) -> dict[str, dict[str, int]]:
    """``facets`` for a few documents, counted one by one from what the index stores."""
    counts: dict[str, dict[str, int]] = {name: {} for name in FACETS}
    for docnum in docnums:
        for name, values in view.stored(docnum).facets:
            for value in values:
                counts[name][value] = counts[name].get(value, 0) + 1
    return counts
