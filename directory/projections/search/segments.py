"""One segment of the index as searches read it: posting lists as bit sets, the words of a
field in order, stored fields, and the column values ranking and phone runs need.

Why: a Whoosh segment is written once and never changed, so what a search reads of it can be
read once and kept for as long as the segment is in the index (``storage`` makes a new
``SegmentSets`` for a new segment and forgets the ones that left). Relied on of Whoosh, through
a segment's reader (``whoosh.reading.SegmentReader``), all public: ``(field, word) in reader``,
``postings(field, word).all_ids()``, ``iter_field(field)`` with ``doc_frequency()``,
``stored_fields(docnum)``, ``column_reader(field)`` iterated in document order, and
``doc_count_all()`` (deleted documents included: the view masks them).
"""

from __future__ import annotations

import itertools
import threading
from typing import Any, NamedTuple

from .bitsets import SETS, bits_of
from .storage import FACETS
from .text import PHONE_SEPARATOR, Lexicon

ORDER_SETS = 64  # calling orders told apart when ranking (the 31st alternate and beyond share)

_SEGMENT_NUMBERS = itertools.count()


class Stored(NamedTuple):
    """What the index stores of a document."""

    public_id: str
    version: int
    facets: tuple[tuple[str, tuple[str, ...]], ...]  # (filter field, its values), as FACETS


class SegmentSets:
    """What one segment of the index holds, as bit sets of its own document numbers (deleted
    documents included: the view masks them). Everything here is read from the segment once,
    when a search first needs it, and kept while the segment lasts: a segment never changes."""

    def __init__(self, reader: Any) -> None:
        self.reader = reader  # whoosh.reading.SegmentReader
        self.number = next(_SEGMENT_NUMBERS)  # its key in the cache of bit sets
        self.size = reader.doc_count_all()
        self._terms: dict[str, Lexicon] = {}
        self._phones: tuple[str, list[int]] | None = None
        self._calling_orders: list[int] | None = None
        self._orders: dict[int, int] | None = None
        self._stored: dict[int, Stored] = {}
        self._facets: dict[tuple, tuple] = {}
        self._lock = threading.Lock()

    def postings(self, fieldname: str, text: str) -> int:
        """The segment's documents with ``text`` in ``fieldname``."""
        key = (self.number, fieldname, text)
        found = SETS.get(key)
        if found is None:
            docnums = ()
            if (fieldname, text) in self.reader:
                docnums = self.reader.postings(fieldname, text).all_ids()
            found = bits_of(docnums, self.size)
            SETS.put(key, found)
        return found

    def terms(self, fieldname: str) -> Lexicon:
        """The field's words in order, and how many documents have each."""
        if fieldname not in self._terms:
            with self._lock:
                lexicon = Lexicon()
                for text, info in self.reader.iter_field(fieldname):
                    lexicon.texts.append(text.decode("utf-8") if isinstance(text, bytes) else text)
                    lexicon.counts.append(info.doc_frequency())
                self._terms[fieldname] = lexicon
        return self._terms[fieldname]

    def stored(self, docnum: int) -> Stored:
        """What the index stores of one of the segment's documents."""
        found = self._stored.get(docnum)
        if found is None:
            fields = self.reader.stored_fields(docnum)
            facets = tuple((name, tuple(fields.get(name, "").split())) for name in FACETS)
            found = self._stored[docnum] = Stored(
                fields["id"],
                fields["version"],
                self._facets.setdefault(facets, facets),  # one copy of each combination
            )
        return found

    def phones(self) -> tuple[str, list[int]]:
        """All phone digits in one text, and where each document's part of it begins."""
        if self._phones is None:
            with self._lock:
                parts, starts, at = [], [], 0
                for value in self.reader.column_reader("phones"):
                    text = PHONE_SEPARATOR + value.decode("ascii") + PHONE_SEPARATOR
                    starts.append(at)
                    parts.append(text)
                    at += len(text)
                self._phones = ("".join(parts), starts)
        return self._phones

    def calling_orders(self) -> list[int]:
        """Each document's calling order (with 24/7 first), from the 64th on as one: among
        those, index order (calling order too) decides."""
        if self._calling_orders is None:
            with self._lock:
                column = self.reader.column_reader("calling_order")
                self._calling_orders = [min(order, ORDER_SETS - 1) for order in column]
        return self._calling_orders

    def orders(self) -> dict[int, int]:
        """Calling order -> the documents that have it (as ``calling_orders``)."""
        if self._orders is None:
            orders = self.calling_orders()
            with self._lock:
                by_order: dict[int, list[int]] = {}
                for docnum, order in enumerate(orders):
                    by_order.setdefault(order, []).append(docnum)
                self._orders = {
                    order: bits_of(docnums, self.size) for order, docnums in by_order.items()
                }
        return self._orders

    def deleted(self) -> int:
        """The segment's deleted documents, as this reader sees them."""
        return bits_of(self.reader.segment().deleted_docs(), self.size)
