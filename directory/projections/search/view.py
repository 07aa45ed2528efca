"""The index as one searcher sees it: its segments side by side, as one numbering of documents.

Why: Whoosh numbers a searcher's documents segment after segment (a segment's document n is
document offset + n of the searcher); shifting each segment's bit sets by its offset makes one
set per word for the whole index, and the segments' deletions, masked once, hide old versions
of edited contacts. Relied on of Whoosh: a searcher's ``leaf_searchers()`` (segment and offset,
read by ``storage``) and ``reader().doc_count_all()``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from ...models.hours import is_open_at
from . import phones
from .query import DIGITS, PREFIX, TYPO, Option
from .segments import SegmentSets, Stored

MAX_PREFIX_TERMS = 64  # an unfinished word stands for its 64 most frequent completions
MAX_TYPO_TERMS = 32  # a misspelt word for its 32 nearest spellings


class View:
    """The segments of one searcher, deleted documents masked. Made again when the index
    changes; what it works out (each filter value's documents, the calling orders, who is
    reachable this minute) is kept for its life."""

    def __init__(self, searcher: Any, segments: list[tuple[SegmentSets, int]]) -> None:
        self.searcher = searcher  # whoosh.searching.Searcher
        self.segments = segments
        self.size = searcher.reader().doc_count_all()
        live = (1 << self.size) - 1
        for segment, offset in segments:
            live &= ~(segment.deleted() << offset)
        self.live = live
        self._orders: list[tuple[int, int]] | None = None
        self._open: tuple[int, int] | None = None
        self._values: dict[str, list[tuple[str, int]]] = {}

    def combine(self, per_segment: Callable[[SegmentSets], int]) -> int:
        """One set for the whole view, of a set per segment."""
        bits = 0
        for segment, offset in self.segments:
            bits |= per_segment(segment) << offset
        return bits & self.live

    def term(self, fieldname: str, text: str) -> int:
        return self.combine(lambda segment: segment.postings(fieldname, text))

    def _locate(self, docnum: int) -> tuple[SegmentSets, int]:
        """The segment of a document, and its number there."""
        for segment, offset in reversed(self.segments):
            if docnum >= offset:
                return segment, docnum - offset
        raise IndexError(docnum)

    def stored(self, docnum: int) -> Stored:
        """What the index stores of a document."""
        segment, number = self._locate(docnum)
        return segment.stored(number)

    def calling_order(self, docnum: int) -> int:
        segment, number = self._locate(docnum)
        return segment.calling_orders()[number]

    def has(self, fieldname: str, text: str) -> bool:
        return any(segment.terms(fieldname).has(text) for segment, _ in self.segments)

    def option(self, option: Option, expanded: set[str]) -> int:
        """The documents an option of a clause matches; a typo's words go into ``expanded``."""
        if option.kind == DIGITS:
            return phones.with_digits(self, option.text)
        if option.kind in (PREFIX, TYPO):
            words = self.expand(option)
            if option.kind == TYPO:
                expanded.update(words)

            def either(segment: SegmentSets) -> int:
                bits = 0
                for text in words:
                    if segment.terms(option.field).has(text):
                        bits |= segment.postings(option.field, text)
                return bits

            return self.combine(either)
        return self.term(option.field, option.text)  # EXACT, COUNTRY, AREA

    def expand(self, option: Option) -> list[str]:
        """The words an unfinished word (its 64 most frequent completions) or a misspelt one
        (its 32 nearest spellings, the most frequent first) stands for, in the whole index."""
        found: dict[str, tuple[int, int]] = {}
        for segment, _ in self.segments:
            if option.kind == PREFIX:
                candidates = segment.terms(option.field).completions(option.text, MAX_PREFIX_TERMS)
            else:
                candidates = segment.terms(option.field).near(option.text)
            for text, edits, documents in candidates:
                _, before = found.get(text, (edits, 0))
                found[text] = (edits, before + documents)
        limit = MAX_PREFIX_TERMS if option.kind == PREFIX else MAX_TYPO_TERMS
        ranked = sorted(found, key=lambda text: (found[text][0], -found[text][1], text))
        return ranked[:limit]

    def values(self, fieldname: str) -> list[tuple[str, int]]:
        """Each value of a filter field (few: states, areas, languages, schedules) and its
        documents."""
        if fieldname not in self._values:
            found: set[str] = set()
            for segment, _ in self.segments:
                found.update(segment.terms(fieldname).texts)
            self._values[fieldname] = [
                (value, self.term(fieldname, value)) for value in sorted(found)
            ]
        return self._values[fieldname]

    def orders(self) -> list[tuple[int, int]]:
        """(calling order, documents), the first to call first."""
        if self._orders is None:
            combined: dict[int, int] = {}
            for segment, offset in self.segments:
                for order, bits in segment.orders().items():
                    combined[order] = combined.get(order, 0) | (bits << offset)
            self._orders = sorted((order, bits & self.live) for order, bits in combined.items())
        return self._orders

    def open_now(self, now: datetime) -> int:
        """Documents whose contact is reachable at ``now``; worked out once a minute."""
        minute = int(now.timestamp() // 60)
        if self._open and self._open[0] == minute:
            return self._open[1]
        bits = 0
        for key, documents in self.values("schedule"):
            if key == "always":
                bits |= documents
                continue
            time_zone, hours = json.loads(key)
            if is_open_at(False, hours, time_zone, now):  # as each card's badge decides
                bits |= documents
        self._open = (minute, bits)
        return bits
