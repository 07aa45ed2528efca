"""The search projection: a Whoosh index following the Change log. The one `whoosh` import.

User text never reaches Whoosh's query parser: ``query.plan_query`` reads it into clauses of
folded words, and this module answers them from the index's posting lists, kept in memory as
bit sets (one bit per document) per segment. A search is then a few operations on those sets
in C: every clause's matches, their intersection with the filters, the count beside each filter
value, and the best page by weight, calling order and a 24/7 line, all exact.
"""

from __future__ import annotations

import bisect
import fcntl
import itertools
import json
import logging
import os
import re
import shutil
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

from flask import current_app
from sqlalchemy import func, select
from whoosh import index as whoosh_index
from whoosh.analysis import Token, Tokenizer
from whoosh.columns import NumericColumn, VarBytesColumn
from whoosh.fields import COLUMN, ID, KEYWORD, STORED, TEXT, Schema
from whoosh.index import LockError

from ..extensions import db
from ..models import Change, Contact, ContactStatus, Entity
from ..models.hours import is_open_at
from ..models.records import ContactRecord
from ..services.paging import Page
from ..services.records import (
    contact_records,
    contact_records_by_id,
    contact_records_of_versions,
)
from ..text import words
from .documents import search_document
from .query import (
    DIGITS,
    MAX_QUERY_CHARACTERS,
    MAX_WORDS,
    PREFIX,
    TYPO,
    Option,
    clean_text,
    plan_query,
)
from .text import DIGIT_GROUP, PHONE_SEPARATOR, Lexicon, digit_groups

__all__ = ["MAX_QUERY_CHARACTERS", "SearchIndex", "SearchQuery", "SearchResults", "clean_text"]

log = logging.getLogger(__name__)


def _remember_missing_columns() -> None:
    """Whoosh 2.7 looks for a field's length column on disk for every posting of a field that
    has none (ID and KEYWORD fields), indexing and searching alike: 170,000 file-exists calls
    for 5,000 contacts. A segment's columns never change, so the answer is kept."""
    from whoosh.codec import whoosh3

    reader_class = whoosh3.W3PerDocReader
    if getattr(reader_class, "_directory_patched", False):
        return
    original = reader_class._cached_reader

    def cached_reader(self, fieldname, column):  # type: ignore[no-untyped-def]
        if fieldname in self._readers:
            return self._readers[fieldname]
        reader = original(self, fieldname, column)
        self._readers[fieldname] = reader  # None too: the column is known to be absent
        return reader

    reader_class._cached_reader = cached_reader
    reader_class._directory_patched = True


MAX_PAGE = 500
MAX_PER_PAGE = 1000  # the page and the API ask for at most 100
MAX_PREFIX_TERMS = 64  # an unfinished word stands for its 64 most frequent completions
MAX_TYPO_TERMS = 32  # a misspelt word for its 32 nearest spellings
ORDER_SETS = 64  # calling orders told apart when ranking (the 31st alternate and beyond share)
CACHED_BYTES = 64 * 1024 * 1024  # posting bit sets kept per process, all segments together
REBUILD_PROCESSES = max(1, min(2, os.cpu_count() or 1))
LATEST_CHANGE = select(func.max(Change.seq))  # built once: every search asks
# A number's digits are read to check it when there are fewer candidates than a pass over all
# the segment's digits would read characters, divided by this (about a microsecond apiece).
VERIFY_COST = 1000
FEW_MATCHES = 32  # matches counted and ranked one by one, from their stored fields
WRITER_TIMEOUT_S = 20.0  # waiting for another process's writer; then the next catch-up applies it
FACETS = ("country", "area", "languages", "round_the_clock")


class IndexSchemaChanged(Exception):
    """The index on disk was built by an earlier version: it is rebuilt."""


class WordTokenizer(Tokenizer):
    """The folded words of a text, exactly as ``text.words`` splits a query."""

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,  # type: ignore[no-untyped-def]
        removestops=True,
        start_pos=0,
        start_char=0,
        mode="",
        **kwargs,
    ):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for position, word in enumerate(words(value), start=start_pos):
            token.text = word
            token.stopped = False
            token.boost = 1.0
            if positions:
                token.pos = position
            yield token


ANALYZER = WordTokenizer()
# Stored fields (id, version, the filter values) are read for the page's documents, and for
# every match when they are few (FEW_MATCHES): counting a few documents one by one costs less
# than a pass over every filter value's bit set.
SCHEMA = Schema(
    id=ID(stored=True, unique=True),
    version=STORED(),
    country=ID(stored=True),
    area=ID(stored=True),
    languages=KEYWORD(stored=True),
    round_the_clock=ID(stored=True),
    schedule=ID(),
    calling_order=COLUMN(NumericColumn("I")),  # calling order, then 24/7 first
    phones=COLUMN(VarBytesColumn()),  # the digits of each phone number, "|" between them
    phone_groups=KEYWORD(),  # each number's runs of three digits: a query's must all be there
    main=TEXT(analyzer=ANALYZER, phrase=False),
    other=TEXT(analyzer=ANALYZER, phrase=False),
)


def fields_of(schema: Schema) -> list[tuple[str, bool]]:
    """A schema's fields, and whether each is stored: an index built by an earlier version
    differs here, and is rebuilt."""
    return sorted((name, bool(field.stored)) for name, field in schema.items())


# --- queries ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""
    country: str = ""
    area: str = ""
    language: str = ""
    only_24_7: bool = False
    reachable_now: bool = False
    page: int = 1
    per_page: int = 20

    @property
    def has_filters(self) -> bool:
        return bool(
            self.country or self.area or self.language or self.only_24_7 or self.reachable_now
        )


@dataclass
class SearchResults:
    contacts: list[ContactRecord] | list[Contact]  # records from the index, ORM rows without
    total: int
    page: int
    per_page: int
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    words: list[str] = field(default_factory=list)  # folded words to highlight
    expanded: set[str] = field(default_factory=set)  # words a typo was taken for
    message: str = ""  # "too_long", "too_many_words", "nothing_to_search"
    degraded: bool = False  # the index was not usable: a plain database search answered

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


class Stored(NamedTuple):
    """What the index stores of a document."""

    public_id: str
    version: int
    facets: tuple[tuple[str, tuple[str, ...]], ...]  # (filter field, its values), as FACETS


# --- bit sets --------------------------------------------------------------------------------


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
    found = []
    while bits and len(found) < count:
        lowest = bits & -bits
        position = lowest.bit_length() - 1
        found.append(offset + position)
        bits >>= position + 1
        offset += position + 1
    return found


_SEGMENT_NUMBERS = itertools.count()


class SegmentSets:
    """What one segment of the index holds, as bit sets of its own document numbers (deleted
    documents included: the view masks them). A segment never changes once written, so this is
    kept for as long as the segment is in the index."""

    def __init__(self, reader) -> None:  # type: ignore[no-untyped-def]
        self.reader = reader
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
        key = (self.number, fieldname, text)
        found = SETS.get(key)
        if found is None:
            try:
                docnums = self.reader.postings(fieldname, text).all_ids()
            except Exception:  # TermNotFound
                docnums = ()
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
        """What the index stores of one of the segment's documents (read once, then kept)."""
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
                column = self.reader.column_reader("phones")
                parts, starts, at = [], [], 0
                for value in column:
                    text = PHONE_SEPARATOR + value.decode("ascii") + PHONE_SEPARATOR
                    starts.append(at)
                    parts.append(text)
                    at += len(text)
                self._phones = ("".join(parts), starts)
        return self._phones

    def with_digits(self, digits: str, candidates: int) -> int:
        """Documents among ``candidates`` (those with every group of three of ``digits``) with
        a phone number containing ``digits`` as typed, in a row."""
        if len(digits) <= DIGIT_GROUP or not candidates:
            return candidates  # the group is the whole of it
        text, starts = self.phones()
        if candidates.bit_count() * VERIFY_COST < len(text):  # few: each one's numbers read
            found = []
            for docnum in docnums_of(candidates, 0, candidates.bit_count()):
                end = starts[docnum + 1] if docnum + 1 < len(starts) else len(text)
                if text.find(digits, starts[docnum], end) >= 0:
                    found.append(docnum)
            return bits_of(found, self.size)
        # Many: one pass over all the numbers costs less (a run never spans two numbers: the
        # separator is not a digit; a document found twice is one bit).
        after = bisect.bisect_right
        found = [after(starts, hit.start()) - 1 for hit in re.finditer(re.escape(digits), text)]
        return bits_of(found, self.size) & candidates

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


class BitSetCache:
    """Posting bit sets by (segment, field, word), the least recently used dropped first once
    they hold more than ``CACHED_BYTES``."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.held = 0
        self._sets: OrderedDict[tuple, int] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> int | None:
        with self._lock:
            found = self._sets.get(key)
            if found is not None:
                self._sets.move_to_end(key)
            return found

    def put(self, key: tuple, bits: int) -> None:
        with self._lock:
            if key in self._sets:
                return
            self._sets[key] = bits
            self.held += bits.bit_length() // 8 + 32
            while self.held > self.limit and len(self._sets) > 1:
                _, dropped = self._sets.popitem(last=False)
                self.held -= dropped.bit_length() // 8 + 32

    def forget(self, segment: SegmentSets) -> None:
        with self._lock:
            for key in [key for key in self._sets if key[0] == segment.number]:
                self.held -= self._sets.pop(key).bit_length() // 8 + 32


SETS = BitSetCache(CACHED_BYTES)


class View:
    """The index as one searcher sees it: its segments side by side (a segment's document n is
    number offset + n here), deleted documents masked."""

    def __init__(self, searcher, segments: list[tuple[SegmentSets, int]]) -> None:  # type: ignore[no-untyped-def]
        self.searcher = searcher
        self.segments = segments
        self.size = searcher.reader().doc_count_all()
        live = (1 << self.size) - 1
        for segment, offset in segments:
            deleted = list(segment.reader.segment().deleted_docs())
            if deleted:
                live &= ~(bits_of(deleted, segment.size) << offset)
        self.live = live
        self._orders: list[tuple[int, int]] | None = None
        self._open: tuple[int, int] | None = None
        self._values: dict[str, list[tuple[str, int]]] = {}

    def _combine(self, per_segment: Callable[[SegmentSets], int]) -> int:
        bits = 0
        for segment, offset in self.segments:
            bits |= per_segment(segment) << offset
        return bits & self.live

    def term(self, fieldname: str, text: str) -> int:
        return self._combine(lambda segment: segment.postings(fieldname, text))

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
        """The documents an option of a clause matches."""
        if option.kind == DIGITS:
            return self.with_digits(option.text)
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

            return self._combine(either)
        return self.term(option.field, option.text)  # EXACT, COUNTRY, AREA

    def with_digits(self, digits: str) -> int:
        """Documents with a phone number containing ``digits`` in a row: those with each of its
        groups of three digits (bit sets, as for words), then their numbers read to check."""
        candidates = self.live
        for group in sorted(digit_groups(digits)):
            candidates &= self.term("phone_groups", group)
            if not candidates:
                return 0
        bits = 0
        for segment, offset in self.segments:
            mine = (candidates >> offset) & ((1 << segment.size) - 1)
            bits |= segment.with_digits(digits, mine) << offset
        return bits

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
        documents; kept for the view's life."""
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
        """Documents whose contact is reachable at ``now``; kept for the minute."""
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

    def facets(self, matched: int) -> dict[str, dict[str, int]]:
        """How many of the matches have each value of each filter."""
        counts: dict[str, dict[str, int]] = {}
        for name in FACETS:
            counts[name] = {}
            for value, documents in self.values(name):
                count = (matched & documents).bit_count()
                if count:
                    counts[name][value] = count
        return counts

    def few_facets(self, docnums: list[int]) -> dict[str, dict[str, int]]:
        """``facets`` for a few documents, counted one by one from what the index stores."""
        counts: dict[str, dict[str, int]] = {name: {} for name in FACETS}
        for docnum in docnums:
            for name, values in self.stored(docnum).facets:
                for value in values:
                    counts[name][value] = counts[name].get(value, 0) + 1
        return counts

    def few_ranked(
        self, clauses: list[list[tuple[Option, int]]], docnums: list[int], skip: int, count: int
    ) -> list[int]:
        """``ranked`` for a few documents (``docnums``, all the matches), one by one."""
        weights = dict.fromkeys(docnums, 0.0)
        for options in clauses:
            for option, bits in options:
                for docnum in docnums:
                    if bits >> docnum & 1:  # one bit looked at: cheap for a few documents
                        weights[docnum] = round(weights[docnum] + option.weight, 3)

        def rank(docnum: int) -> tuple[float, int, int]:
            return (-weights[docnum], self.calling_order(docnum), docnum)

        return sorted(docnums, key=rank)[skip : skip + count]

    def ranked(
        self, clauses: list[list[tuple[Option, int]]], matched: int, skip: int, count: int
    ) -> list[int]:
        """``count`` of the matches, best first, after the first ``skip``: by the weight of the
        options each matched through (summed), then calling order, then index order."""
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
            for _, ordered in self.orders():
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


# --- the index -------------------------------------------------------------------------------


class SearchIndex:
    """One index folder, opened once per process; searchers are reused and refreshed."""

    def __init__(self, path: Path) -> None:
        _remember_missing_columns()
        self.path = path
        self.cursor_file = path.parent / f"{path.name}.cursor"
        self._lock = threading.RLock()
        self._index = None
        self._searcher = None
        self._view: View | None = None
        self._segments: dict[str, SegmentSets] = {}
        self.broken = False

    # opening ---------------------------------------------------------------------------------

    def _open(self):  # type: ignore[no-untyped-def]
        if self._index is None:
            if whoosh_index.exists_in(str(self.path)):
                opened = whoosh_index.open_dir(str(self.path))
                if fields_of(opened.schema) != fields_of(SCHEMA):
                    opened.close()
                    raise IndexSchemaChanged(f"{self.path} was built with other fields")
                self._index = opened
            else:
                self.path.mkdir(parents=True, exist_ok=True)
                self._index = whoosh_index.create_in(str(self.path), SCHEMA)
                self.write_cursor(0)
        return self._index

    def searcher(self):  # type: ignore[no-untyped-def]
        with self._lock:
            ix = self._open()
            if self._searcher is None or not self._searcher.up_to_date():
                self._searcher = ix.searcher()  # not refresh(): the old one may be in use
            return self._searcher

    def view(self) -> View:
        """The current searcher's view, made when the index changed; segments it shares with
        the previous view keep their bit sets."""
        searcher = self.searcher()
        with self._lock:
            if self._view is not None and self._view.searcher is searcher:
                return self._view
            kept: dict[str, SegmentSets] = {}
            segments = []
            for sub, offset in searcher.leaf_searchers():
                reader = sub.reader()
                if reader.segment() is None:  # an empty index has no segment
                    continue
                key = reader.segment().segment_id()
                sets = self._segments.get(key)
                if sets is None or sets.size != reader.doc_count_all():
                    sets = SegmentSets(reader)
                else:
                    sets.reader = reader  # the same postings; its deletions are this reader's
                kept[key] = sets
                segments.append((sets, offset))
            for key, gone in self._segments.items():
                if kept.get(key) is not gone:
                    SETS.forget(gone)
            self._segments = kept
            self._view = View(searcher, segments)
            return self._view

    def readable(self) -> bool:
        """Whether the index on disk opens and reads afresh: a failed search on a readable
        index is a fault of the search, and rebuilding would not mend it."""
        try:
            opened = whoosh_index.open_dir(str(self.path))
            try:
                with opened.searcher() as searcher:
                    searcher.doc_count()
                return fields_of(opened.schema) == fields_of(SCHEMA)
            finally:
                opened.close()
        except Exception:
            return False

    def reset(self) -> None:
        with self._lock:
            self._index = None
            self._searcher = None
            self._view = None
            for gone in self._segments.values():
                SETS.forget(gone)
            self._segments = {}

    # the cursor --------------------------------------------------------------------------------

    def read_cursor(self) -> int:
        try:
            return int(self.cursor_file.read_text().strip() or 0)
        except (FileNotFoundError, ValueError):
            return 0

    def write_cursor(self, seq: int) -> None:
        temporary = self.cursor_file.with_suffix(f".tmp{os.getpid()}")
        temporary.write_text(str(seq))
        os.replace(temporary, self.cursor_file)

    # following the change log -----------------------------------------------------------------

    def catch_up(self, block: bool = True) -> int:
        """Apply every change after the cursor; returns how many contacts were written."""
        ix = self._open()
        try:
            writer = ix.writer(timeout=WRITER_TIMEOUT_S if block else 0.0, delay=0.05)
        except LockError:
            if block:
                log.warning(
                    "search index busy for %.0f s: left to the next catch-up", WRITER_TIMEOUT_S
                )
            return 0
        try:
            # Read under the writer lock, so a change committed before we got it is included.
            cursor = self.read_cursor()
            last = db.session.scalar(LATEST_CHANGE) or 0
            if last <= cursor:
                writer.cancel()
                return 0
            public_ids = list(
                dict.fromkeys(
                    db.session.scalars(
                        select(Change.entity_id)
                        .where(
                            Change.seq > cursor,
                            Change.seq <= last,
                            Change.entity == Entity.CONTACT.value,
                        )
                        .order_by(Change.seq)
                    )
                )
            )
            written = self._write(writer, public_ids)
            writer.commit()
        except BaseException:
            writer.cancel()
            raise
        finally:
            db.session.rollback()  # end the read transaction
        self.write_cursor(last)
        return written

    def _write(self, writer, public_ids: list[str]) -> int:  # type: ignore[no-untyped-def]
        written = 0
        for start in range(0, len(public_ids), 500):
            chunk = public_ids[start : start + 500]
            contacts = contact_records(chunk)
            for public_id in chunk:
                contact = contacts.get(public_id)
                if contact is None or contact.status != ContactStatus.ACTIVE.value:
                    writer.delete_by_term("id", public_id)
                else:
                    writer.update_document(**search_document(contact))
                    written += 1
        return written

    def rebuild(self, progress: Callable[[int], None] | None = None, processes: int = 1) -> int:
        """Build a fresh index beside the old one, then swap it in.

        ``processes`` > 1 forks indexing workers: only from a command, never from a thread of
        a running server (forking a threaded process is unsafe)."""
        started_at = db.session.scalar(LATEST_CHANGE) or 0
        fresh = self.path.parent / f"{self.path.name}.rebuild-{os.getpid()}"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        _remove_abandoned_builds(self.path)
        shutil.rmtree(fresh, ignore_errors=True)
        fresh.mkdir(parents=True)
        ix = whoosh_index.create_in(str(fresh), SCHEMA)
        # Both cores; the two segments are left as they are (merging them costs more than it
        # saves at this size).
        if processes > 1:
            writer = ix.writer(procs=processes, limitmb=128, multisegment=True)
        else:
            writer = ix.writer(limitmb=128)
        count = 0
        # Primaries first, and among them those with a 24/7 line: index order is the last
        # tie-break of a search's ranking (after the calling orders it tells apart).
        ids = list(
            db.session.scalars(
                select(Contact.id)
                .where(Contact.status == ContactStatus.ACTIVE.value)
                .order_by(Contact.rank, Contact.has_24_7.desc(), Contact.id)
            )
        )
        try:
            for start in range(0, len(ids), 1000):
                chunk = ids[start : start + 1000]
                loaded = contact_records_by_id(chunk)
                for contact_id in chunk:
                    if contact_id in loaded:
                        writer.add_document(**search_document(loaded[contact_id]))
                count += len(loaded)
                if progress:
                    progress(len(chunk))
            writer.commit()
        except BaseException:
            writer.cancel()
            shutil.rmtree(fresh, ignore_errors=True)
            raise
        finally:
            db.session.rollback()
        with self._lock:
            old = self.path.parent / f"{self.path.name}.old-{os.getpid()}"
            if self.path.exists():
                os.replace(self.path, old)
            os.replace(fresh, self.path)
            shutil.rmtree(old, ignore_errors=True)
            self.reset()
            self.broken = False
        # Changes made while building are applied on top: updates are idempotent.
        self.write_cursor(started_at)
        self.catch_up()
        return count

    def check(self) -> list[str]:
        """Differences between the index and the database's active contacts."""
        indexed = {
            fields["id"]: fields["version"] for fields in self.searcher().all_stored_fields()
        }
        stored = dict(
            db.session.execute(
                select(Contact.public_id, Contact.version).where(
                    Contact.status == ContactStatus.ACTIVE.value
                )
            ).all()
        )
        differences = []
        for public_id in sorted(stored.keys() - indexed.keys()):
            differences.append(f"missing from the index: {public_id}")
        for public_id in sorted(indexed.keys() - stored.keys()):
            differences.append(f"in the index but not an active contact: {public_id}")
        for public_id in sorted(stored.keys() & indexed.keys()):
            if stored[public_id] != indexed[public_id]:
                differences.append(
                    f"{public_id}: index has version {indexed[public_id]}, "
                    f"database {stored[public_id]}"
                )
        return differences

    # searching -----------------------------------------------------------------------------------

    def search(
        self, request: SearchQuery, now: datetime, view: View | None = None
    ) -> SearchResults:
        """``view``: the index as just seen (by default, as it is now)."""
        view = view or self.view()
        plan = plan_query(request.text, lambda word: view.has("main", word))
        per_page = max(1, min(request.per_page, MAX_PER_PAGE))
        page = max(1, min(request.page, MAX_PAGE))
        results = SearchResults([], 0, page, per_page, words=plan.words, message=plan.message)
        if not plan.clauses and not request.has_filters:
            return results
        matched = view.live
        for fieldname, value in (
            ("country", request.country),
            ("area", request.area),
            ("languages", request.language),
            ("round_the_clock", "yes" if request.only_24_7 else ""),
        ):
            if value:
                matched &= dict(view.values(fieldname)).get(value, 0)
        if request.reachable_now:
            matched &= view.open_now(now)
        clauses: list[list[tuple[Option, int]]] = []
        expanded: set[str] = set()
        for clause in plan.clauses:
            if not matched:
                break
            options = [(option, view.option(option, expanded)) for option in clause.options]
            either = 0
            for _, bits in options:
                either |= bits
            matched &= either
            clauses.append(options)
        results.total = matched.bit_count()
        results.page = page = min(page, max(1, -(-results.total // per_page)))
        results.expanded = expanded
        skip = (page - 1) * per_page
        if results.total <= FEW_MATCHES:
            everyone = docnums_of(matched, 0, results.total)
            results.facets = view.few_facets(everyone)
            docnums = view.few_ranked(clauses, everyone, skip, per_page)
        else:
            results.facets = view.facets(matched)
            docnums = view.ranked(clauses, matched, skip, per_page)
        shown = [view.stored(docnum) for docnum in docnums]
        results.contacts = self.load([(doc.public_id, doc.version) for doc in shown])
        return results

    @staticmethod
    def load(keys: list[tuple[str, int]]) -> list[ContactRecord]:
        """The contacts of a page of results (public id and version), in the order given, as
        plain records: the versions seen before come from the process's cache of records."""
        return contact_records_of_versions(keys) if keys else []


def _remove_abandoned_builds(path: Path) -> None:
    """Folders of rebuilds whose process died (killed mid-build) are removed."""
    for folder in path.parent.glob(f"{path.name}.rebuild-*"):
        pid = folder.name.rsplit("-", 1)[-1]
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except PermissionError:
            pass  # alive, someone else's


# --- one index per process and folder ------------------------------------------------------------

_INDEXES: dict[str, SearchIndex] = {}
_REGISTRY_LOCK = threading.Lock()


def index_for_app() -> SearchIndex | None:
    folder = current_app.config.get("SEARCH_INDEX_DIR") or ""
    if not folder:
        return None
    with _REGISTRY_LOCK:
        if folder not in _INDEXES:
            _INDEXES[folder] = SearchIndex(Path(folder))
        return _INDEXES[folder]


def catch_up_after_commit() -> None:
    """The hook run after every committed write; a failure is logged, the write stands."""
    index = index_for_app()
    if index is None or index.broken:
        return
    try:
        index.catch_up(block=True)
    except Exception:
        log.exception("search index: catch-up after a write failed; the next one will retry")
        mark_broken(index)


def mark_broken(index: SearchIndex) -> None:
    """Note the index is unusable and rebuild it in the background (one process at a time)."""
    if index.broken:
        return
    index.broken = True
    index.reset()
    app = current_app._get_current_object()  # type: ignore[attr-defined]

    def rebuild() -> None:
        lock_path = index.path.parent / f"{index.path.name}.rebuild-lock"
        with open(lock_path, "w") as lock_file:
            try:
                fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                log.info("search index: another process is rebuilding it")
                return
            with app.app_context():
                started = time.monotonic()
                try:
                    count = index.rebuild()
                except Exception:
                    log.exception("search index: background rebuild failed")
                    return
                finally:
                    db.session.remove()
                log.warning(
                    "search index: rebuilt %d contacts in %.1f s", count, time.monotonic() - started
                )

    threading.Thread(target=rebuild, name="search-rebuild", daemon=True).start()


def search_contacts(
    request: SearchQuery,
    now: datetime,
    fallback: Callable[[str, int, int], Page],
) -> SearchResults:
    """Search with the index; if it is missing or broken, answer from the database instead:
    ``fallback(text, page, per_page)`` is the plain database search."""
    index = index_for_app()
    if index is not None and not index.broken:
        try:
            view = index.view()  # opens (or creates) the index first: a new one starts at 0
            if index.read_cursor() < (db.session.connection().scalar(LATEST_CHANGE) or 0):
                index.catch_up(block=False)  # a write another process did not get to index
                view = index.view()
            return index.search(request, now, view)
        except Exception:  # any failure: the database answers instead
            db.session.rollback()
            if index.readable():
                log.exception("search failed on a readable index: answering from the database")
            else:
                log.exception("search index unusable: answering from the database, rebuilding")
                mark_broken(index)
    text, message = clean_text(request.text)
    found = fallback(text, request.page, request.per_page)
    return SearchResults(
        found.items,
        found.total,
        found.page,
        request.per_page,
        words=words(text)[:MAX_WORDS],
        message=message,
        degraded=index is not None,
    )


def rebuild_index(progress: Callable[[int], None] | None = None, processes: int = 1) -> int:
    index = index_for_app()
    if index is None:
        raise RuntimeError("SEARCH_INDEX_DIR is empty: search is turned off")
    return index.rebuild(progress, processes)


def check_index() -> list[str]:
    index = index_for_app()
    if index is None:
        raise RuntimeError("SEARCH_INDEX_DIR is empty: search is turned off")
    return index.check()
