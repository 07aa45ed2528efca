"""The search projection: a Whoosh index following the Change log. The one `whoosh` import.

User text never reaches Whoosh's query parser: queries are built here from folded words.
"""

from __future__ import annotations

import fcntl
import logging
import os
import re
import shutil
import threading
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from whoosh import index as whoosh_index
from whoosh import scoring
from whoosh.analysis import Filter, RegexTokenizer, SpaceSeparatedTokenizer
from whoosh.collectors import TimeLimit, TimeLimitCollector
from whoosh.fields import ID, KEYWORD, NUMERIC, TEXT, Schema
from whoosh.index import LockError
from whoosh.query import (
    And,
    ConstantScoreQuery,
    Every,
    FuzzyTerm,
    Or,
    Phrase,
    Prefix,
    Query,
    Term,
)

from ..extensions import db
from ..models import Change, Contact, ContactStatus, Entity
from ..models.hours import availability
from ..reference.vocabulary import vocabulary
from ..services.paging import Page
from ..text import fold
from .documents import search_document

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


MAX_QUERY_CHARACTERS = 200
MAX_WORDS = 8
MAX_PAGE = 500
MAX_PER_PAGE = 1000  # the page and the API ask for at most 100
MIN_TYPO_WORD, MAX_TYPO_WORD = 4, 15  # typos are forgiven in words of these lengths...
MAX_TYPO_WORDS = 3  # ...and in this many words of a query: each costs an automaton
EXACT_COUNT_LIMIT = 20_000  # above, the total is Whoosh's estimate: counting costs more
FACET_LIMIT = 5_000  # above, filters are shown without counts
COLLECT_TIME_LIMIT_S = 0.025
MAX_EXPANDED_WORD = 30  # longer words are matched exactly: no prefix or typo expansion
REBUILD_PROCESSES = max(1, min(2, os.cpu_count() or 1))
WRITER_TIMEOUT_S = 20.0  # waiting for another process's writer; then the next catch-up applies it
FACETS = ("country", "area", "languages", "round_the_clock")
PHONE_LIKE = re.compile(r"^[\d\s()+\-./]+$")


class IndexSchemaChanged(Exception):
    """The index on disk was built by an earlier version: it is rebuilt."""


class FoldFilter(Filter):
    """Case and accent folding, the same in the index and in queries."""

    def __call__(self, tokens):  # type: ignore[no-untyped-def]
        for token in tokens:
            text = token.text
            token.text = text.lower() if text.isascii() else fold(text)
            yield token


ANALYZER = RegexTokenizer(r"\w+") | FoldFilter()
SCHEMA = Schema(
    id=ID(stored=True, unique=True),
    version=NUMERIC(stored=True),
    country=ID(sortable=True),
    area=ID(sortable=True),
    languages=KEYWORD(),
    round_the_clock=ID(sortable=True),
    schedule=ID(),
    order=NUMERIC(sortable=True),  # calling order, then 24/7 first
    language_list=ID(sortable=True),  # the languages as one value, for counting
    main=TEXT(analyzer=ANALYZER, phrase=False, spelling=True),
    other=TEXT(analyzer=ANALYZER, phrase=False),
    digits=TEXT(analyzer=SpaceSeparatedTokenizer(), phrase=True),
)


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
    contacts: list[Contact]
    total: int
    page: int
    per_page: int
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    words: list[str] = field(default_factory=list)  # folded words to highlight
    expanded: set[str] = field(default_factory=set)  # words a typo was taken for
    message: str = ""  # "too_long", "too_many_words", "nothing_to_search"
    estimated: bool = False  # total is an upper estimate (very broad searches)
    degraded: bool = False  # the index was not usable: a plain database search answered

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def clean_text(text: str) -> tuple[str, str]:
    """User text made safe to read: control characters dropped, length capped."""
    message = ""
    text = "".join(char if char.isprintable() else " " for char in text or "")
    if len(text) > MAX_QUERY_CHARACTERS:
        text, message = text[:MAX_QUERY_CHARACTERS], "too_long"
    return " ".join(text.split()), message


def transpositions(word: str) -> list[str]:
    """ "jamiaca" -> "ajmiaca", "jmaiaca", "jaimaca", ..., "jamaica": a swap is one typo."""
    return [
        word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        for i in range(len(word) - 1)
        if word[i] != word[i + 1]
    ]


def digits_query(digits: str) -> Query:
    """The digits' three-digit groups, next to each other and in order: a run of the number."""
    groups = [digits[start : start + 3] for start in range(len(digits) - 2)]
    if len(groups) == 1:
        return Term("digits", groups[0])
    if len(groups) <= 4:
        # Up to six digits: matching the groups in order costs seconds on common prefixes
        # (an area code shared by thousands); the groups in any order are near enough.
        return And([Term("digits", group) for group in groups])
    return Phrase("digits", groups)


def build_query(
    text: str, known: Callable[[str, str], bool] = lambda field, word: True
) -> tuple[Query | None, list[str], str]:
    """A Whoosh query built from the words of ``text`` (never parsed), the words, a message.

    ``known(field, word)`` says whether the index has the word: typo tolerance is only
    spent on words it does not have, which keeps common searches cheap.
    """
    text, message = clean_text(text)
    # Any script's digits (full-width, Arabic-Indic) count as the digits they stand for.
    digits = "".join(str(unicodedata.digit(char, 0)) for char in text if char.isdigit())
    if text and PHONE_LIKE.match(text) and len(digits) >= 3:
        return digits_query(digits), [], message
    tokens = [token.text for token in ANALYZER(text)]
    if len(tokens) > MAX_WORDS:
        tokens, message = tokens[:MAX_WORDS], message or "too_many_words"
    if not tokens:
        return None, [], message or ("nothing_to_search" if text else "")
    clauses = []
    typo_words = 0
    for position, token in enumerate(tokens):
        last = position == len(tokens) - 1
        exact = known("main", token)
        options: list[Query] = [Term("main", token, boost=4.0)] if exact else []
        if known("other", token):
            options.append(Term("other", token, boost=0.5))
        if len(token) <= MAX_EXPANDED_WORD and (last or not exact):
            if len(token) >= (2 if last else 3):  # as-you-type: the last word may be unfinished
                options.append(Prefix("main", token, boost=2.0))
            if token.isdigit() and len(token) >= 3:
                options.append(digits_query(token))
            if (
                not exact
                and MIN_TYPO_WORD <= len(token) <= MAX_TYPO_WORD
                and not token.isdigit()
                and typo_words < MAX_TYPO_WORDS
            ):
                typo_words += 1
                swapped = [word for word in transpositions(token) if known("main", word)]
                options.extend(Term("main", word, boost=1.0) for word in swapped)
                distance = 2 if len(token) >= 8 else 1
                options.append(
                    FuzzyTerm("main", token, boost=1.0, maxdist=distance, prefixlength=1)
                )
        names = vocabulary()
        options += [
            Term("country", code, boost=3.0)
            for code in sorted(names.lookup(names.countries, token, last))
        ]
        options += [
            Term("area", slug, boost=2.0) for slug in sorted(names.lookup(names.areas, token, last))
        ]
        clauses.append(Or(options) if options else Term("main", token))
    return And(clauses), tokens, message


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
        self._filter_cache: dict[tuple[str, str], object] = {}
        self._schedule_cache: tuple[int, object] | None = None
        self.broken = False

    # opening ---------------------------------------------------------------------------------

    def _open(self):  # type: ignore[no-untyped-def]
        if self._index is None:
            if whoosh_index.exists_in(str(self.path)):
                opened = whoosh_index.open_dir(str(self.path))
                if sorted(opened.schema.names()) != sorted(SCHEMA.names()):
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
            if self._searcher is None:
                self._searcher = ix.searcher(weighting=scoring.BM25F(B=0.0))
            elif not self._searcher.up_to_date():
                self._searcher = ix.searcher(weighting=scoring.BM25F(B=0.0))  # not refresh()
                self._filter_cache = {}
                self._schedule_cache = None
            return self._searcher

    def readable(self) -> bool:
        """Whether the index on disk opens and reads afresh: a failed search on a readable
        index is a fault of the search, and rebuilding would not mend it."""
        try:
            opened = whoosh_index.open_dir(str(self.path))
            try:
                with opened.searcher() as searcher:
                    searcher.doc_count()
                return sorted(opened.schema.names()) == sorted(SCHEMA.names())
            finally:
                opened.close()
        except Exception:
            return False

    def reset(self) -> None:
        with self._lock:
            self._index = None
            self._searcher = None
            self._filter_cache = {}
            self._schedule_cache = None

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
            last = db.session.scalar(select(func.max(Change.seq))) or 0
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
            contacts = contacts_by(Contact.public_id, chunk)
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
        started_at = db.session.scalar(select(func.max(Change.seq))) or 0
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
        # Primaries first, and among them those with a 24/7 line: a search cut short by its
        # time limit has then seen the contacts people should call first.
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
                loaded = contacts_by(Contact.id, chunk)
                for contact_id in chunk:
                    if contact_id in loaded:
                        writer.add_document(**search_document(loaded[contact_id]))
                count += len(loaded)
                if progress:
                    progress(len(chunk))
                db.session.expunge_all()
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

    def _docs(self, searcher, fieldname: str, value: str):  # type: ignore[no-untyped-def]
        key = (fieldname, value)
        if key not in self._filter_cache:
            self._filter_cache[key] = set(searcher.docs_for_query(Term(fieldname, value)))
        return self._filter_cache[key]

    def _open_now(self, searcher, now: datetime):  # type: ignore[no-untyped-def]
        minute = int(now.timestamp() // 60)
        if self._schedule_cache and self._schedule_cache[0] == minute:
            return self._schedule_cache[1]
        import json

        open_docs: set[int] = set()
        for raw in searcher.lexicon("schedule"):
            key = raw.decode("utf-8")
            if key == "always":
                is_open = True
            else:
                time_zone, hours = json.loads(key)
                is_open = availability(False, hours, time_zone, now).is_open
            if is_open:
                open_docs |= set(searcher.docs_for_query(Term("schedule", key)))
        self._schedule_cache = (minute, open_docs)
        return open_docs

    def search(self, request: SearchQuery, now: datetime) -> SearchResults:
        searcher = self.searcher()
        reader = searcher.reader()
        query, words, message = build_query(
            request.text, lambda field, word: reader.doc_frequency(field, word) > 0
        )
        if not 1 <= request.per_page <= MAX_PER_PAGE:
            request = replace(request, per_page=max(1, min(request.per_page, MAX_PER_PAGE)))
        page = max(1, min(request.page, MAX_PAGE))
        results = SearchResults([], 0, page, request.per_page, words=words, message=message)
        if query is None:
            if not request.has_filters:
                return results
            query = Every()
        allowed = None
        # Filters join the query as unscored terms: the intersection then skips through the
        # smallest posting list instead of testing every match against a set.
        required: list[Query] = []
        for fieldname, value in (
            ("country", request.country),
            ("area", request.area),
            ("languages", request.language),
            ("round_the_clock", "yes" if request.only_24_7 else ""),
        ):
            if value:
                required.append(ConstantScoreQuery(Term(fieldname, value), 0.0))
        if required and not isinstance(query, Every):
            query = And([query, *required])
        elif required:
            allowed = set.intersection(
                *(self._docs(searcher, q.child.fieldname, q.child.text) for q in required)
            )
        if request.reachable_now:
            docs = self._open_now(searcher, now)
            allowed = docs if allowed is None else allowed & docs
        # The best page only: a document's boost (primary first, then a 24/7 line) breaks
        # ties between equal scores, so no sort over every match is needed.
        if isinstance(query, Every) and allowed is not None:
            return self._browse(searcher, allowed, results)
        hits, _ = self._collect(searcher, query, allowed, page * request.per_page)
        broad = query.estimate_size(searcher.reader()) > EXACT_COUNT_LIMIT
        matched, count, counted = self._match_all(
            searcher, query, allowed, COLLECT_TIME_LIMIT_S if broad else 10 * COLLECT_TIME_LIMIT_S
        )
        if counted:
            results.total = count
        else:  # a very broad search: the best matches found in time, and an upper estimate
            estimate = query.estimate_size(searcher.reader())
            results.total, results.estimated = max(estimate, count), True
        last_page = max(1, -(-results.total // request.per_page))
        if page > last_page:
            results.page = page = last_page
            hits, _ = self._collect(searcher, query, allowed, page * request.per_page)
        if matched is not None:
            results.facets = self._facets(searcher, None, matched)
        ids = [hit["id"] for hit in hits[(page - 1) * request.per_page : page * request.per_page]]
        if words:
            results.expanded = expansions(query, searcher, words)
        results.contacts = self.load(ids)
        return results

    def _browse(self, searcher, allowed, results: SearchResults) -> SearchResults:  # type: ignore[no-untyped-def]
        """Filters without words: the filtered contacts in index order (calling order)."""
        reader = searcher.reader()
        matched = sorted(docnum for docnum in allowed if not reader.is_deleted(docnum))
        results.total = len(matched)
        last_page = max(1, -(-results.total // results.per_page))
        results.page = min(results.page, last_page)
        start = (results.page - 1) * results.per_page
        if results.total <= FACET_LIMIT:
            results.facets = self._facets(searcher, None, matched)
        ids = [
            searcher.stored_fields(docnum)["id"]
            for docnum in matched[start : start + results.per_page]
        ]
        results.contacts = self.load(ids)
        return results

    @staticmethod
    def load(ids: list[str]) -> list[Contact]:
        """The contacts of a page of results, in the order given."""
        by_id = contacts_by(Contact.public_id, ids) if ids else {}
        return [by_id[public_id] for public_id in ids if public_id in by_id]

    @staticmethod
    def _match_all(searcher, query: Query, allowed, budget_s: float):  # type: ignore[no-untyped-def]
        """Count the matches by walking the matchers (cheaper than Whoosh's docs_for_query for
        intersections); keep their numbers for the counts when there are few. Gives up after
        ``budget_s``: (numbers or None, count so far, finished)."""
        deadline = time.perf_counter() + budget_s
        found: list[int] = []
        count = 0
        for sub, offset in searcher.leaf_searchers():
            reader = sub.reader()
            deletions = reader.has_deletions()
            matcher = query.matcher(sub)
            while matcher.is_active():
                local = matcher.id()
                docnum = offset + local
                if (not deletions or not reader.is_deleted(local)) and (
                    allowed is None or docnum in allowed
                ):
                    count += 1
                    if count <= FACET_LIMIT:
                        found.append(docnum)
                matcher.next()
                if not count & 255 and time.perf_counter() > deadline:
                    return None, count, False
        return (found if count <= FACET_LIMIT else None), count, True

    def _collect(self, searcher, query: Query, allowed, limit: int):  # type: ignore[no-untyped-def]
        """The top ``limit`` matches, within a time limit. Documents are indexed in calling
        order (primaries, 24/7 lines first), so a search cut short still has the best ones."""
        collector = searcher.collector(limit=limit, filter=allowed, terms=False)
        if query.estimate_size(searcher.reader()) > EXACT_COUNT_LIMIT:
            collector = TimeLimitCollector(
                collector,
                timelimit=COLLECT_TIME_LIMIT_S,
                use_alarm=False,  # signals only work in the main thread; servers use others
            )
        try:
            searcher.search_with_collector(query, collector)
        except TimeLimit:
            return collector.results(), False
        return collector.results(), True

    def _facets(self, searcher, query: Query | None, allowed) -> dict[str, dict[str, int]]:  # type: ignore[no-untyped-def]
        """Counts per filter value among the matches, read from the index's columns."""
        reader = searcher.reader()
        columns = {
            name: reader.column_reader(name)
            for name in ("country", "area", "round_the_clock", "language_list")
        }
        counts: dict[str, dict[str, int]] = {name: {} for name in FACETS}
        if query is None:
            docnums = allowed
        else:
            docnums = searcher.search(query, limit=None, scored=False, filter=allowed).docs()
        for docnum in docnums:
            for name in ("country", "area", "round_the_clock"):
                value = columns[name][docnum]
                counts[name][value] = counts[name].get(value, 0) + 1
            for code in columns["language_list"][docnum].split():
                counts["languages"][code] = counts["languages"].get(code, 0) + 1
        return counts


def expansions(query: Query, searcher, words: list[str]) -> set[str]:  # type: ignore[no-untyped-def]
    """The indexed words a typo was taken for (swaps and near spellings), to highlight too."""
    found: set[str] = set()
    asked = set(words)
    for node in query.leaves():
        if isinstance(node, FuzzyTerm):
            for fieldname, text in node.existing_terms(searcher.reader(), expand=True):
                if fieldname == "main":
                    found.add(text.decode("utf-8") if isinstance(text, bytes) else text)
        elif isinstance(node, Term) and node.fieldname == "main" and node.text not in asked:
            found.add(node.text)
    return found


def contacts_by(column, values: list) -> dict:  # type: ignore[no-untyped-def]
    """Contacts (with their channels) whose ``column`` is one of ``values``, keyed by it."""
    statement = select(Contact).where(column.in_(values)).options(selectinload(Contact.channels))
    return {getattr(contact, column.key): contact for contact in db.session.scalars(statement)}


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
            index.searcher()  # opens (or creates) the index first: a new one starts at 0
            if index.read_cursor() < (db.session.scalar(select(func.max(Change.seq))) or 0):
                index.catch_up(block=False)  # a write another process did not get to index
            return index.search(request, now)
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
        words=[token.text for token in ANALYZER(text)][:MAX_WORDS],
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
