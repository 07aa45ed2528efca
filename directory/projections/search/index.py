"""The search index as a process uses it: opened once, its searcher reused and refreshed, kept
in step with the change log through the follower, rebuilt and checked.

Why: Whoosh's index is a folder of files several processes read and write; this is where a
process decides when to look at the folder again (a commit or a rebuild elsewhere), what to
apply from the log (the follower's batches after this copy's cursor) and how (each changed
contact's current state, under the index's write lock). Relied on of Whoosh, through the
objects ``storage`` opens: ``searcher()``, ``Searcher.up_to_date()``/``leaf_searchers()``/
``all_stored_fields()``/``close()``, a leaf reader's ``segment().segment_id()`` and
``doc_count_all()``, and a writer's ``update_document``/``delete_by_term``/``commit``/
``cancel``.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from ...extensions import db
from ...models import Contact, ContactStatus, Entity
from ...services.records import contact_records, contact_records_by_id
from ..follower import LoggedChange, follow, forget_cursor, latest_seq, move_cursor
from . import engine, storage
from .bitsets import SETS
from .documents import search_document
from .segments import SegmentSets
from .storage import IndexUnusable, cursor_name, read_index_id
from .view import View

log = logging.getLogger(__name__)

WRITER_TIMEOUT_S = 20.0  # waiting for another process's writer; then the next catch-up applies it
CATCH_UP_BATCH = 5000  # changes per Whoosh commit (each commit adds a segment)
REBUILD_PROCESSES = max(1, min(2, os.cpu_count() or 1))  # `flask search rebuild` at 5,000 and up


class IndexBeingBuilt(Exception):
    """The folder has no index yet, and another process is building it."""


class _Replaced(Exception):
    """The copy being caught up was swapped for a rebuilt one, which caught up itself."""


class SearchIndex:
    """One index folder as a process uses it; the segments' bit sets kept while they last."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.broken = False  # unusable: searches answer from the database (see projection)
        self.broken_id: str | None = None  # the copy found broken
        self.index_id: str | None = None  # the copy opened
        self.applied = 0  # a change this process knows the copy opened has applied
        self._lock = threading.RLock()
        self._index: Any = None
        self._folder: tuple[int, int] | None = None  # the folder opened (device, inode)
        self._searcher: Any = None
        self._view: View | None = None
        self._segments: dict[str, SegmentSets] = {}

    # opening -------------------------------------------------------------------------------------

    def _open(self) -> Any:
        """The index, opened afresh when a rebuild swapped the folder; built when the folder
        has none (IndexBeingBuilt while another process builds it)."""
        with self._lock:
            folder = storage.folder_identity(self.path)
            if self._index is not None and folder == self._folder:
                return self._index
            previous = self.index_id
            self.reset()
            if not storage.has_index(self.path):
                with storage.rebuild_lock(self.path, blocking=False) as taken:
                    if not taken:
                        raise IndexBeingBuilt(f"{self.path} is being built by another process")
                    if not storage.has_index(self.path):
                        self._build(replaced=previous)
                folder = storage.folder_identity(self.path)
            self._index, self.index_id = storage.open_copy(self.path)
            self._folder = folder  # as it was before opening: a swap since is seen next time
            return self._index

    def searcher(self) -> Any:
        with self._lock:
            ix = self._open()
            if self._searcher is None or not self._searcher.up_to_date():
                # Not refresh(): the old one may be in use. A commit elsewhere may remove the
                # generation being opened (read without the write lock): the next is opened.
                try:
                    self._searcher = ix.searcher()
                except FileNotFoundError:
                    self._searcher = ix.searcher()
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
                    SETS.forget(gone.number)
            self._segments = kept
            self._view = View(searcher, segments)
            return self._view

    def readable(self) -> bool:
        """Whether the index on disk opens and reads afresh: a failed search on a readable
        index is a fault of the search, and rebuilding would not mend it."""
        return storage.readable(self.path)

    def reset(self) -> None:
        """Forget what was opened: the next use opens the folder again. The searcher is not
        closed: a search in another thread may still be reading it."""
        with self._lock:
            self._index = self._folder = self._searcher = self._view = self.index_id = None
            for gone in self._segments.values():
                SETS.forget(gone.number)
            self._segments = {}
            self.applied = 0

    def close(self) -> None:
        """Close the searcher and forget what was opened (no search may be under way)."""
        with self._lock:
            if self._searcher is not None:
                self._searcher.close()
            self.reset()

    def search(
        self, request: engine.SearchQuery, now: datetime, view: View | None = None
    ) -> engine.SearchResults:
        """``view``: the index as just seen (by default, as it is now)."""
        return engine.search(view or self.view(), request, now)

    # following the change log --------------------------------------------------------------------

    def catch_up(self, block: bool = True) -> int:
        """Apply every change after this copy's cursor; returns how many contacts were written.

        The index's write lock is held while the log's end is read and the changes applied, so
        that a change committed before the lock was taken is included and two processes never
        write a contact's states out of order. ``block``: wait for another process's writer (up
        to WRITER_TIMEOUT_S) rather than leave the changes to the next catch-up."""
        ix = self._open()
        first = storage.take_writer(ix, WRITER_TIMEOUT_S if block else 0.0)
        if first is None:
            if block:
                log.warning(
                    "search index busy for %.0f s: left to the next catch-up", WRITER_TIMEOUT_S
                )
            return 0
        held = [first]  # the writer, and with it the lock, for the first batch
        written = 0
        try:
            index_id = read_index_id(self.path)  # the copy in the folder, under its lock
            if index_id is None:
                raise IndexUnusable(f"{self.path} has no {storage.ID_FILE}")
            until = latest_seq()

            def apply(changes: Sequence[LoggedChange]) -> None:
                nonlocal written
                writer = held.pop() if held else self._next_writer(ix)
                try:
                    if read_index_id(self.path) != index_id:  # rebuilt meanwhile: it caught up
                        raise _Replaced
                    contacts = [c.entity_id for c in changes if c.entity == Entity.CONTACT.value]
                    written += self._write(writer, list(dict.fromkeys(contacts)))
                    writer.commit()  # durable before the follower moves the cursor
                except BaseException:
                    writer.cancel()
                    raise
                finally:
                    db.session.rollback()  # end the read transaction

            follow(cursor_name(index_id), apply, batch=CATCH_UP_BATCH, until=until)
        except _Replaced:
            return written
        finally:
            for writer in held:  # nothing was left to apply
                writer.cancel()
            db.session.rollback()
        if index_id == self.index_id:
            self.applied = max(self.applied, until)
        return written

    def _next_writer(self, ix: Any) -> Any:
        writer = storage.take_writer(ix, WRITER_TIMEOUT_S)
        if writer is None:
            raise RuntimeError(f"search index busy for {WRITER_TIMEOUT_S:.0f} s")
        return writer

    def _write(self, writer: Any, public_ids: list[str]) -> int:
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

    # rebuilding ---------------------------------------------------------------------------

    def rebuild(self, progress: Callable[[int], None] | None = None, processes: int = 1) -> int:
        """Build a fresh copy, swap it in, and apply the changes made meanwhile; a rebuild
        under way in another process is waited for first.

        ``processes`` > 1 forks indexing workers: only from a command (see storage)."""
        with storage.rebuild_lock(self.path):
            count = self._build(progress, processes)
        self.catch_up()
        return count

    def repair(self) -> int | None:
        """Rebuild the copy found broken (``broken_id``), unless another process rebuilt it
        meanwhile: a rebuild under way elsewhere is waited for, and its copy taken up as it is
        (None); else the number of contacts indexed."""
        with storage.rebuild_lock(self.path):
            current = read_index_id(self.path)
            if current is not None and current != self.broken_id and self.readable():
                self.reset()
                count = None
            else:
                count = self._build(replaced=self.broken_id)
        self.catch_up()  # the writes this process made meanwhile, if the rebuild missed them
        return count

    def _build(
        self,
        progress: Callable[[int], None] | None = None,
        processes: int = 1,
        replaced: str | None = None,
    ) -> int:
        """A fresh copy in the folder's place, its cursor at the change the build started
        from; the cursor of the copy it replaces (``replaced`` when the folder is gone) is
        forgotten. The caller holds the rebuild lock."""
        started_at = latest_seq()
        # Primaries first, and among them those with a 24/7 line: index order is the last
        # tie-break of a search's ranking (after the calling orders it tells apart).
        ids = list(
            db.session.scalars(
                select(Contact.id)
                .where(Contact.status == ContactStatus.ACTIVE.value)
                .order_by(Contact.rank, Contact.has_24_7.desc(), Contact.id)
            )
        )
        count = [0]

        def documents() -> Iterator[dict[str, Any]]:
            for start in range(0, len(ids), 1000):
                chunk = ids[start : start + 1000]
                loaded = contact_records_by_id(chunk)
                for contact_id in chunk:
                    if contact_id in loaded:
                        yield search_document(loaded[contact_id])
                count[0] += len(loaded)
                if progress:
                    progress(len(chunk))

        try:
            fresh, new_id = storage.build_copy(self.path, documents(), processes)
        finally:
            db.session.rollback()
        # The new copy's cursor exists before the copy is seen: changes made while building
        # are applied on top (writing a contact's current state again changes nothing).
        move_cursor(cursor_name(new_id), started_at, backwards=True)
        old_id = read_index_id(self.path) or replaced
        storage.swap(self.path, fresh)
        if old_id and old_id != new_id:
            forget_cursor(cursor_name(old_id))
        self.reset()
        return count[0]
