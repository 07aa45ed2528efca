"""The best page of a search's matches: by the weight of the options each matched through
(summed over the clauses), then calling order (primaries first, a 24/7 line first among
equals), then index order.

Why our own: ranking by groups of equal weight, each split by calling order, is a few
operations on bit sets; Whoosh's scoring reads each match's postings and field lengths, and
its ``sortedby`` lost boosts and ignored constant scores in the cases the search issue measured.
Relied on of Whoosh: the ``calling_order`` column and index order (a rebuild adds documents in
calling order), through ``view.View``.
"""

from __future__ import annotations

from .bitsets import docnums_of
from .query import Option
from .view import View

# The matches of each option of each clause: the engine works them out once for both ways.
Clauses = list[list[tuple[Option, int]]]


def ranked(view: View, clauses: Clauses, matched: int, skip: int, count: int) -> list[int]:
    """``count`` of the matches, best first, after the first ``skip``."""
    groups = {0.0: matched}
    for options in clauses:
        for option, bits in options:
            bits &= matched
            if not bits:
                continue
            split: dict[float, int] = {}
            for weight, members in groups.items():
                inside = members & bits
                if inside:
                    key = round(weight + option.weight, 3)
                    split[key] = split.get(key, 0) | inside
                outside = members & ~bits
                if outside:
                    split[weight] = split.get(weight, 0) | outside
            groups = split
    page: list[int] = []
    for _, members in sorted(groups.items(), reverse=True):
        for _, ordered in view.orders():
            bits = members & ordered
            if not bits:
                continue
            size = bits.bit_count()
            if skip >= size:
                skip -= size
                continue
            page += docnums_of(bits, skip, count - len(page))
            skip = 0
            if len(page) >= count:
                return page
    return page


def few_ranked(
    view: View, clauses: Clauses, docnums: list[int], skip: int, count: int
) -> list[int]:
    """``ranked`` for a few documents (``docnums``, all the matches), one by one."""
    weights = dict.fromkeys(docnums, 0.0)
    for options in clauses:
        for option, bits in options:
            for docnum in docnums:
                if bits >> docnum & 1:  # one bit looked at: cheap for a few documents
                    weights[docnum] = round(weights[docnum] + option.weight, 3)

    def rank(docnum: int) -> tuple[float, int, int]:
        return (-weights[docnum], view.calling_order(docnum), docnum)

    return sorted(docnums, key=rank)[skip : skip + count]
