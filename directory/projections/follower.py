"""The one reader of the change log for projections.

A projection (the search index, the LDAP server, the notifications) says what it does with a
batch of changes; this module finds the next batch and keeps the projection's cursor. The rules:

- the cursor is the last ``Change.seq`` the projection has applied, stored in the database
  (``ProjectionCursor``), so that several app servers and a restart agree on it;
- changes are handed over in ``seq`` order, a batch at a time;
- the cursor moves only after ``apply`` has returned, that is after the projection has made the
  batch durable: a crash in between replays the batch, so ``apply`` must be idempotent (writing
  a contact's current state is).

Writers commit ``Change`` rows in ``seq`` order (see ``services.transaction``), so no change is
ever committed behind a cursor.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import Change, ProjectionCursor
from ..models.base import utcnow

BATCH = 500
LATEST_SEQ = select(Change.seq).order_by(Change.seq.desc()).limit(1)  # built once
CURSOR = select(ProjectionCursor.seq).where(ProjectionCursor.name == bindparam("name"))


@dataclass(frozen=True, slots=True)
class LoggedChange:
    """What a projection needs of a change: which entity, and where it stands in the log."""

    seq: int
    entity: str
    entity_id: str
    action: str


def latest_seq() -> int:
    """The last change committed (0 for an empty log)."""
    return db.session.connection().scalar(LATEST_SEQ) or 0


def cursor_of(name: str) -> int:
    """Where the projection ``name`` stands: 0 if it never applied anything. Read on a
    connection of its own, so that it is never an older snapshot the caller still holds."""
    with db.engine.connect() as connection:
        return connection.scalar(CURSOR, {"name": name}) or 0


def changes_after(seq: int, limit: int = BATCH, until: int | None = None) -> list[LoggedChange]:
    """The changes after ``seq`` (and up to ``until``), in order, at most ``limit`` of them."""
    statement = select(Change.seq, Change.entity, Change.entity_id, Change.action).where(
        Change.seq > seq
    )
    if until is not None:
        statement = statement.where(Change.seq <= until)
    rows = db.session.connection().execute(statement.order_by(Change.seq).limit(limit))
    return [LoggedChange(*row) for row in rows]


def move_cursor(name: str, seq: int, *, backwards: bool = False) -> None:
    """Record that ``name`` has applied everything up to ``seq``, in a transaction of its own.

    The cursor never moves back (two processes following the same projection may both apply
    a batch; the later of them wins), unless ``backwards`` says so: a rebuild sets it to where
    the rebuilt copy starts."""
    with db.engine.begin() as connection:
        statement = (
            update(ProjectionCursor)
            .where(ProjectionCursor.name == name)
            .values(seq=seq, updated_at=utcnow())
        )
        if not backwards:
            statement = statement.where(ProjectionCursor.seq < seq)
        if connection.execute(statement).rowcount:
            return
        exists = connection.scalar(
            select(ProjectionCursor.seq).where(ProjectionCursor.name == name)
        )
        if exists is not None:
            return  # already at or past seq
        try:
            with connection.begin_nested():
                connection.execute(
                    insert(ProjectionCursor).values(name=name, seq=seq, updated_at=utcnow())
                )
        except IntegrityError:
            # another process made the row meanwhile: move it forward if it is behind
            connection.execute(
                update(ProjectionCursor)
                .where(ProjectionCursor.name == name, ProjectionCursor.seq < seq)
                .values(seq=seq, updated_at=utcnow())
            )


def forget_cursor(name: str) -> None:
    """Drop a projection's cursor (its copy is gone for good)."""
    with db.engine.begin() as connection:
        connection.execute(delete(ProjectionCursor).where(ProjectionCursor.name == name))


def follow(
    name: str,
    apply: Callable[[Sequence[LoggedChange]], None],
    *,
    batch: int = BATCH,
    until: int | None = None,
) -> int:
    """Hand every change after ``name``'s cursor to ``apply``, a batch at a time, moving the
    cursor after each batch is applied. Returns how many changes were applied.

    ``until``: stop after this seq (a caller that took a lock and read the log's end under it).
    Each batch is read in a read transaction that is ended before ``apply`` runs, so that a
    slow projection holds no database snapshot open."""
    applied = 0
    cursor = cursor_of(name)
    while True:
        changes = changes_after(cursor, batch, until)
        db.session.rollback()  # end the read transaction before the projection works
        if not changes:
            return applied
        apply(changes)
        cursor = changes[-1].seq
        move_cursor(name, cursor)
        applied += len(changes)
        if len(changes) < batch:
            return applied
