"""Write transactions that take the database's write lock up front.

SQLite: a deferred transaction that has read and then writes fails at once with "database is
locked" under concurrent writers, whatever the busy timeout; ``BEGIN IMMEDIATE`` waits for the lock
instead. PostgreSQL: writers lock the change log so that ``Change.seq`` is committed in order, which
is what lets projections follow the log with a simple cursor.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from flask import Flask, current_app
from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from ..extensions import db

_immediate: ContextVar[bool] = ContextVar("immediate_transaction", default=False)


def configure_engine(engine: Engine, busy_timeout_ms: int) -> None:
    """Connection settings; called once per engine by create_app."""
    if engine.dialect.name != "sqlite":
        return
    in_memory = engine.url.database in (None, "", ":memory:")

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # the "begin" hook below emits BEGIN itself
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        if not in_memory:
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _immediate.get() else "BEGIN")


@contextmanager
def write_transaction(logged: bool = True) -> Iterator[Session]:
    """One write, one commit; rolled back on any error.

    ``logged=False`` is for writes that add no Change row (a token's request count, the export
    log): they skip the change log's lock on PostgreSQL and the projections' catch-up."""
    session: Session = db.session()  # the request's own session behind the scoped proxy
    if session.in_transaction():
        # End the read transaction the request may have opened (loading the user, say),
        # so that the write transaction starts with the lock. Nothing is pending: views don't write.
        session.rollback()
    token = _immediate.set(True)
    try:
        session.connection()
        if logged and session.get_bind().dialect.name == "postgresql":
            session.execute(text("LOCK TABLE changes IN SHARE ROW EXCLUSIVE MODE"))
    except BaseException:
        session.rollback()
        raise
    finally:
        _immediate.reset(token)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    if logged and not _deferred.get():
        run_after_commit()


# Called after every committed write, outside any transaction: projections catch up here.
# Kept per app (two apps in one process, as tests make, each have their own).
_HOOKS = "directory.after_commit"
_deferred: ContextVar[bool] = ContextVar("projections_deferred", default=False)


def on_commit(app: Flask, hook: Callable[[], None]) -> None:
    """Run ``hook`` in ``app`` after every committed write that logged a change."""
    hooks: list[Callable[[], None]] = app.extensions.setdefault(_HOOKS, [])
    if hook not in hooks:
        hooks.append(hook)


def after_commit_hooks(app: Flask) -> list[Callable[[], None]]:
    """The app's hooks; a test or a benchmark may replace what the list holds."""
    return app.extensions.setdefault(_HOOKS, [])


def run_after_commit() -> None:
    for hook in list(after_commit_hooks(current_app)):
        hook()


@contextmanager
def projections_deferred() -> Iterator[None]:
    """Many writes in a row (a seed, an import): catch the projections up once, at the end."""
    token = _deferred.set(True)
    try:
        yield
    finally:
        _deferred.reset(token)
        # Also after an error: what was committed before it must reach the projections.
        run_after_commit()
