"""The index folder on disk: Whoosh's index in it, the copy's identity, building a fresh copy
beside it and swapping it in, and the locks that keep processes out of each other's way.

The one module that imports ``whoosh``. What the index keeps of a contact: ``Schema`` with
``ID``/``KEYWORD``/``TEXT`` fields (posting lists per word, read back as bit sets), ``STORED``
values, numeric and byte ``COLUMN``s (one value per document, read in document order), and a
``Tokenizer`` subclass as the analyzer, so that the index splits a text exactly as a query is
split. Relied on of Whoosh besides: ``index.create_in``/``open_dir``/``exists_in``;
``FileIndex.writer()``, which takes the index's write lock (a file lock in the folder,
``MAIN_WRITELOCK``; ``LockError`` when busy) and reads the folder's table of contents only
once it holds it; ``add_document``/``commit``/``cancel``;
and files that are never changed in place (a commit writes new segment and TOC files), so that
a folder can be swapped for another whole while processes read it.

Identity: each copy of the index (each app server has its own folder) has a random id, written
in the folder when the copy is made; its cursor in the change log is ``search:<id>``.

Measured, and left to Whoosh: for a field without a length column (ID and KEYWORD fields),
Whoosh 2.7 asks the disk whether the column exists for every posting it writes. At 5,000
contacts that is 87,000 calls in a rebuild (about 0.2 s of 2.2 s) and about 180 per edit's
catch-up (0.4 ms of 7 ms): no target depends on it, so nothing patches Whoosh's reader to
remember the answer.
"""

from __future__ import annotations

import fcntl
import logging
import os
import secrets
import shutil
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.analysis import Token, Tokenizer
from whoosh.columns import NumericColumn, VarBytesColumn
from whoosh.fields import COLUMN, ID, KEYWORD, STORED, TEXT, Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.index import LockError

from ...text import words

# The filter fields, with a count beside each value; stored, so that a few matches are counted
# one by one from what the index stores (``facets.few_facets``).
FACETS = ("country", "area", "languages", "round_the_clock")


class WordTokenizer(Tokenizer):
    """The folded words of a text, exactly as ``text.words`` splits a query."""

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
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
# every match when they are few: counting a few documents one by one costs less than a pass
# over every filter value's bit set.
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


log = logging.getLogger(__name__)

ID_FILE = "index-id"  # in the folder; Whoosh leaves files that are not its own alone
WRITE_LOCK = "MAIN_WRITELOCK"  # FileIndex.lock("WRITELOCK") with Whoosh's default index name
# A catch-up holds the write lock for milliseconds to seconds; a writer whose start failed may
# keep it until the writer object is collected. A swap waits this long for it, then goes on.
SWAP_WAIT_S = 30.0


class IndexUnusable(Exception):
    """The folder holds no index this version can use (another version's fields, no id)."""


def cursor_name(index_id: str) -> str:
    """The copy's cursor in the change log (``follower``)."""
    return f"search:{index_id}"


def read_index_id(folder: Path) -> str | None:
    try:
        return (folder / ID_FILE).read_text().strip() or None
    except OSError:  # no folder, no file
        return None


def folder_identity(folder: Path) -> tuple[int, int] | None:
    """Device and inode of the folder: another when a rebuild swapped it."""
    try:
        stat = os.stat(folder)
    except FileNotFoundError:
        return None
    return (stat.st_dev, stat.st_ino)


def has_index(folder: Path) -> bool:
    """Whether the folder holds an index at all (raises when what it holds cannot be read)."""
    return whoosh_index.exists_in(str(folder))


def open_copy(folder: Path) -> tuple[Any, str]:
    """The index in ``folder`` and its id."""
    opened = whoosh_index.open_dir(str(folder))
    if fields_of(opened.schema) != fields_of(SCHEMA):
        opened.close()
        raise IndexUnusable(f"{folder} was built with other fields")
    index_id = read_index_id(folder)
    if index_id is None:
        opened.close()
        raise IndexUnusable(f"{folder} has no {ID_FILE}: built by an earlier version")
    return opened, index_id


def readable(folder: Path) -> bool:
    """Whether the index on disk opens and reads afresh, as a copy this version can use."""
    if read_index_id(folder) is None:
        return False
    try:
        opened = whoosh_index.open_dir(str(folder))
        try:
            with opened.searcher() as searcher:
                searcher.doc_count()
            return fields_of(opened.schema) == fields_of(SCHEMA)
        finally:
            opened.close()
    except Exception:
        return False


def take_writer(ix: Any, timeout_s: float) -> Any:
    """A writer, and with it the index's write lock; None when another holds it for longer
    than ``timeout_s``."""
    # Whoosh's writer takes the lock before it reads the table of contents, and keeps it when
    # that read fails: a damaged table of contents fails here instead, with no lock taken. (A
    # commit elsewhere may replace the generation being read: the writer reads the next.)
    with suppress(FileNotFoundError):
        ix.is_empty()
    try:
        return ix.writer(timeout=timeout_s, delay=0.05)
    except LockError:
        return None


@contextmanager
def rebuild_lock(folder: Path, blocking: bool = True) -> Iterator[bool]:
    """Held by whichever process builds a copy of the index (``flock`` on a file beside the
    folder: across processes, and across threads of one); yields whether it was taken."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    with open(folder.parent / f"{folder.name}.rebuild-lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def build_copy(
    folder: Path,
    documents: Iterable[dict[str, Any]],
    processes: int = 1,
) -> tuple[Path, str]:
    """A fresh copy of the index beside ``folder``, holding ``documents`` in the order given,
    with a new id: its path and id. The caller holds the rebuild lock.

    ``processes`` > 1 forks indexing workers: only from a command, never from a thread of a
    running server (forking a threaded process is unsafe)."""
    remove_abandoned_builds(folder)
    fresh = folder.parent / f"{folder.name}.rebuild-{os.getpid()}"
    shutil.rmtree(fresh, ignore_errors=True)
    fresh.mkdir(parents=True)
    ix = whoosh_index.create_in(str(fresh), SCHEMA)
    index_id = secrets.token_hex(8)
    (fresh / ID_FILE).write_text(index_id)
    # Both cores; the two segments are left as they are (merging them costs more than it
    # saves at this size).
    if processes > 1:
        writer = ix.writer(procs=processes, limitmb=128, multisegment=True)
    else:
        writer = ix.writer(limitmb=128)
    try:
        for document in documents:
            writer.add_document(**document)
        writer.commit()
    except BaseException:
        writer.cancel()
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    return fresh, index_id


def swap(folder: Path, fresh: Path) -> None:
    """Put ``fresh`` in ``folder``'s place, holding the old copy's write lock: a catch-up under
    way in another process finishes first, and the next one finds the new copy. The caller
    holds the rebuild lock, so no other process makes a copy in the moment the folder is
    gone."""
    old = folder.parent / f"{folder.name}.old-{os.getpid()}"
    shutil.rmtree(old, ignore_errors=True)
    lock = FileStorage(str(folder)).lock(WRITE_LOCK)
    deadline = time.monotonic() + SWAP_WAIT_S
    try:
        while not (locked := lock.acquire(blocking=False)) and time.monotonic() < deadline:
            time.sleep(0.05)
    except FileNotFoundError:  # no folder, so no writer
        locked = False
    if not locked and folder.exists():
        log.warning("search index: swapped without its write lock, held %.0f s", SWAP_WAIT_S)
    try:
        if folder.exists():
            os.replace(folder, old)
        os.replace(fresh, folder)
    finally:
        if locked:
            lock.release()
    shutil.rmtree(old, ignore_errors=True)
    # Versions before cursors were kept in the database kept one in a file beside the folder.
    folder.parent.joinpath(f"{folder.name}.cursor").unlink(missing_ok=True)


def remove_abandoned_builds(folder: Path) -> None:
    """Folders of rebuilds whose process died (killed mid-build) are removed."""
    for kind in ("rebuild", "old"):
        for abandoned in folder.parent.glob(f"{folder.name}.{kind}-*"):
            pid = abandoned.name.rsplit("-", 1)[-1]
            if not pid.isdigit() or int(pid) == os.getpid():
                continue
            try:
                os.kill(int(pid), 0)
            except ProcessLookupError:
                shutil.rmtree(abandoned, ignore_errors=True)
            except PermissionError:
                pass  # alive, someone else's
