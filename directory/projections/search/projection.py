"""The search projection in a running app: its index, caught up after every committed write
and before a search that finds it behind, searched, checked, and repaired when it breaks.

A broken index (unreadable, or built by another version) is rebuilt once, by whichever process
takes the rebuild lock. Every other process answers from the database meanwhile (its searches
raise ``IndexUnavailable``; ``queries.search`` answers and says the answer is degraded), waits
for the rebuild lock in a background thread, and takes the rebuilt index up by itself. Relied on
of Whoosh: nothing directly (``index`` and ``storage``).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy import select

from ...extensions import db
from ...models import Contact, ContactStatus
from ..follower import cursor_of, latest_seq
from . import storage
from .engine import SearchQuery, SearchResults
from .index import IndexBeingBuilt, SearchIndex
from .storage import cursor_name, read_index_id

log = logging.getLogger(__name__)

EXTENSION = "directory.search_index"  # the app's SearchIndex, in app.extensions
REPAIR_RETRY_S = 30.0  # after a failed rebuild, searches try the index again this much later
_REGISTRY_LOCK = threading.Lock()
_BROKEN_LOCK = threading.Lock()


class IndexUnavailable(Exception):
    """The index is missing, broken or being rebuilt: the database answers instead."""


def index_for_app(app: Flask | None = None) -> SearchIndex | None:
    """The app's index (each app has its own, as each server process does); None when search
    is turned off (``SEARCH_INDEX_DIR`` empty)."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    folder = app.config.get("SEARCH_INDEX_DIR") or ""
    if not folder:
        return None
    index = app.extensions.get(EXTENSION)
    if index is None or str(index.path) != folder:
        with _REGISTRY_LOCK:
            index = app.extensions.get(EXTENSION)
            if index is None or str(index.path) != folder:
                index = app.extensions[EXTENSION] = SearchIndex(Path(folder))
    return index


def forget_index(app: Flask) -> None:
    """Close the app's index (its searcher's files) and drop it."""
    index = app.extensions.pop(EXTENSION, None)
    if index is not None:
        index.close()


def catch_up_after_commit() -> None:
    """The hook run after every committed write; a failure is logged, the write stands."""
    index = index_for_app()
    if index is None or index.broken:
        return  # a broken index's rebuild, or its taking up, applies the write
    try:
        index.catch_up(block=True)
    except IndexBeingBuilt:
        mark_broken(index)  # taken up once built
    except Exception:
        log.exception("search index: catch-up after a write failed; the next one will retry")
        if not index.readable():
            mark_broken(index)


def search_index(request: SearchQuery, now: datetime) -> SearchResults:
    """``request`` answered by the index, caught up first if another process's write is not
    in it yet; IndexUnavailable when the index cannot answer."""
    index = index_for_app()
    if index is None or index.broken:
        raise IndexUnavailable
    try:
        view = index.view()  # opens (or builds) the index first
        last = latest_seq()
        if last > index.applied and index.index_id:
            if cursor_of(cursor_name(index.index_id)) < last:
                index.catch_up(block=False)  # a write another process did not get to index
                view = index.view()
            else:
                index.applied = last
        return index.search(request, now, view)
    except IndexBeingBuilt as error:
        log.info("search index being built by another process: answering from the database")
        mark_broken(index)
        raise IndexUnavailable from error
    except Exception as error:
        db.session.rollback()
        if index.readable():
            log.exception("search failed on a readable index: answering from the database")
        else:
            log.exception("search index unusable: answering from the database, rebuilding")
            mark_broken(index)
        raise IndexUnavailable from error


def mark_broken(index: SearchIndex) -> None:
    """Note the index is unusable, and repair it in the background: rebuild it, or take up the
    copy another process is rebuilding."""
    with _BROKEN_LOCK:
        if index.broken:
            return
        index.broken = True
        index.broken_id = read_index_id(index.path)
    index.reset()
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    threading.Thread(target=_repair, args=(app, index), name="search-rebuild", daemon=True).start()


def _repair(app: Flask, index: SearchIndex) -> None:
    started = time.monotonic()
    with app.app_context():
        try:
            count = index.repair()
        except Exception:
            log.exception(
                "search index: background rebuild failed; retried in %.0f s", REPAIR_RETRY_S
            )
            time.sleep(REPAIR_RETRY_S)
            index.broken = False  # the next search tries again
            return
        finally:
            db.session.remove()
    index.broken = False
    took = time.monotonic() - started
    if count is None:
        log.warning("search index: taken up as another process rebuilt it (%.1f s)", took)
    else:
        log.warning("search index: rebuilt %d contacts in %.1f s", count, took)


def rebuild_index(progress: Callable[[int], None] | None = None, processes: int = 1) -> int:
    index = index_for_app()
    if index is None:
        raise RuntimeError("SEARCH_INDEX_DIR is empty: search is turned off")
    count = index.rebuild(progress, processes)
    index.broken = False
    return count


def check_index() -> list[str]:
    """Differences between the index and the database's active contacts (by public id and
    version, which the index stores)."""
    index = index_for_app()
    if index is None:
        raise RuntimeError("SEARCH_INDEX_DIR is empty: search is turned off")
    try:
        if not storage.has_index(index.path):  # a check builds nothing
            return [f"no index in {index.path}"]
        searcher = index.searcher()
    except Exception as error:
        return [f"the index in {index.path} cannot be read: {error!r}"]
    indexed = {fields["id"]: fields["version"] for fields in searcher.all_stored_fields()}
    stored = dict(
        db.session.execute(
            select(Contact.public_id, Contact.version).where(
                Contact.status == ContactStatus.ACTIVE.value
            )
        )
        .tuples()
        .all()
    )
    differences = []
    for public_id in sorted(stored.keys() - indexed.keys()):
        differences.append(f"missing from the index: {public_id}")
    for public_id in sorted(indexed.keys() - stored.keys()):
        differences.append(f"in the index but not an active contact: {public_id}")
    for public_id in sorted(stored.keys() & indexed.keys()):
        if stored[public_id] != indexed[public_id]:
            differences.append(
                f"{public_id}: index has version {indexed[public_id]}, database {stored[public_id]}"
            )
    return differences
