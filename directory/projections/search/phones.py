"""A run of phone digits typed in a search ("448-2222", "767 448"), found in the contacts'
numbers.

Why our own: a run may start anywhere in a number, which no index of words answers. Each
number's runs of three digits are indexed as words (``phone_groups``): the numbers that have
every group of the query are the only ones that can hold it in a row, and only those are read
to check. Relied on of Whoosh: the ``phone_groups`` postings and the ``phones`` column, through
``segments.SegmentSets``.
"""

from __future__ import annotations

import bisect
import re
from typing import TYPE_CHECKING

from .bitsets import bits_of, docnums_of
from .segments import SegmentSets
from .text import DIGIT_GROUP, digit_groups

if TYPE_CHECKING:
    from .view import View

# A number's digits are read to check it when there are fewer candidates than a pass over all
# the segment's digits would read characters, divided by this (about a microsecond apiece).
VERIFY_COST = 1000


def in_segment(segment: SegmentSets, digits: str, candidates: int) -> int:
    """Documents among ``candidates`` (those with every group of three of ``digits``) with a
    phone number containing ``digits`` as typed, in a row."""
    if len(digits) <= DIGIT_GROUP or not candidates:
        return candidates  # the group is the whole of it
    text, starts = segment.phones()
    if candidates.bit_count() * VERIFY_COST < len(text):  # few: each one's numbers read
        found = []
        for docnum in docnums_of(candidates, 0, candidates.bit_count()):
            end = starts[docnum + 1] if docnum + 1 < len(starts) else len(text)
            if text.find(digits, starts[docnum], end) >= 0:
                found.append(docnum)
        return bits_of(found, segment.size)
    # Many: one pass over all the numbers costs less (a run never spans two numbers: the
    # separator is not a digit; a document found twice is one bit).
    after = bisect.bisect_right
    found = [after(starts, hit.start()) - 1 for hit in re.finditer(re.escape(digits), text)]
    return bits_of(found, segment.size) & candidates


def with_digits(view: View, digits: str) -> int:
    """Documents of ``view`` with a phone number containing ``digits`` in a row: those with
    each of its groups of three digits (bit sets, as for words), then their numbers checked."""
    candidates = view.live
    for group in sorted(digit_groups(digits)):
        candidates &= view.term("phone_groups", group)
        if not candidates:
            return 0
    bits = 0
    for segment, offset in view.segments:
        mine = (candidates >> offset) & ((1 << segment.size) - 1)
        bits |= in_segment(segment, digits, mine) << offset
    return bits
