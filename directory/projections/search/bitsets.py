"""Sets of documents as Python ints (bit n set for document n), and the cache of posting lists
read as such sets.

Why: a search is a few operations on sets of documents (each word's matches, their
intersection with the filters, the count beside each filter value); on ints those run in C,
over 5,000 documents in microseconds. Whoosh's own query API answered the same searches in
50-114 ms p95 at 5,000 contacts (README, "How search answers"). Relies on nothing of Whoosh:
``segments`` reads the posting lists and hands the document numbers over.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterable

CACHED_BYTES = 64 * 1024 * 1024  # posting bit sets kept per process, all segments together


def bits_of(docnums: Iterable[int], size: int) -> int:
    """A set of document numbers as an int whose bit n is set for document n."""
    buffer = bytearray((size + 7) // 8)
    for docnum in docnums:
        buffer[docnum >> 3] |= 1 << (docnum & 7)
    return int.from_bytes(buffer, "little")


def docnums_of(bits: int, skip: int, count: int) -> list[int]:
    """``count`` document numbers of ``bits`` in ascending order, after the first ``skip``."""
    if skip:
        # The lowest position below which ``skip`` documents lie: a binary search on counts.
        low, high = 0, bits.bit_length()
        while low < high:
            middle = (low + high) // 2
            if (bits & ((1 << middle) - 1)).bit_count() < skip:
                low = middle + 1
            else:
                high = middle
        bits >>= low
        offset = low
    else:
        offset = 0
    found: list[int] = []
    while bits and len(found) < count:
        lowest = bits & -bits
        position = lowest.bit_length() - 1
        found.append(offset + position)
        bits >>= position + 1
        offset += position + 1
    return found


def _cost(bits: int) -> int:
    return bits.bit_length() // 8 + 32


class BitSetCache:
    """Posting bit sets by (segment number, field, word), the least recently used dropped first
    once they hold more than ``limit`` bytes.

    When an entry is stale: never while its segment is in the index. A Whoosh segment is
    written once and never changed (an edit adds a new segment and marks the old document
    deleted, which the view masks with the segment's deletions), so a word's postings in a
    segment stay true for the segment's life. A segment leaves the index when a merge replaces
    it, a rebuild swaps the folder, or the index is reset: ``forget`` then drops its entries,
    and each segment object has a number of its own (never reused within the process), so an
    entry of a segment gone can never be read for another.

    Measured at 5,000 contacts (bench/search.py, its 23 queries, in process): with it, p95
    0.1-0.5 ms for every query; keeping no sets (each search reads the posting lists of every
    word and completion it touches from the segment files again), p95 0.1-13.5 ms, and 10 of
    the 23 queries miss the 5 ms target."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.held = 0
        self._sets: OrderedDict[tuple[Hashable, ...], int] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[Hashable, ...]) -> int | None:
        with self._lock:
            found = self._sets.get(key)
            if found is not None:
                self._sets.move_to_end(key)
            return found

    def put(self, key: tuple[Hashable, ...], bits: int) -> None:
        with self._lock:
            if key in self._sets:
                return
            self._sets[key] = bits
            self.held += _cost(bits)
            while self.held > self.limit and len(self._sets) > 1:
                _, dropped = self._sets.popitem(last=False)
                self.held -= _cost(dropped)

    def forget(self, segment_number: int) -> None:
        """Drop the sets of a segment that left the index."""
        with self._lock:
            for key in [key for key in self._sets if key[0] == segment_number]:
                self.held -= _cost(self._sets.pop(key))


SETS = BitSetCache(CACHED_BYTES)  # one per process: the views of every index share it
