"""write_transaction: one commit or nothing, the write lock taken up front, and the after-commit
hooks (kept per app) run once after a committed write that logged a change."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from directory.extensions import db
from directory.models import Country, SignInFailure
from directory.models.base import utcnow
from directory.services.transaction import (
    after_commit_hooks,
    on_commit,
    projections_deferred,
    write_transaction,
)


class Boom(Exception):
    """An error raised inside a transaction on purpose."""


def failures() -> int:
    return db.session.scalar(select(func.count()).select_from(SignInFailure)) or 0


def add_failure(session: Session, email: str = "x@example.org") -> None:
    session.add(SignInFailure(email=email, address="192.0.2.1", created_at=utcnow()))


def database_file(app: Flask) -> str:
    return app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")


@pytest.fixture
def calls(app: Flask) -> Iterator[list[int]]:
    """A hook registered on the app; each call notes how many failure rows it saw."""
    seen: list[int] = []

    def hook() -> None:
        seen.append(failures())

    on_commit(app, hook)
    yield seen
    after_commit_hooks(app).remove(hook)


def test_a_write_is_committed_and_seen_by_another_connection(app: Flask) -> None:
    with write_transaction() as session:
        add_failure(session, "committed@example.org")
    with closing(sqlite3.connect(database_file(app))) as other:
        rows = other.execute("SELECT email FROM sign_in_failures").fetchall()
    assert rows == [("committed@example.org",)]


def phone_region_of_jamaica() -> str:
    db.session.expire_all()
    return db.session.scalar(select(Country.phone_region).where(Country.code == "JM")) or ""


def test_an_error_rolls_everything_back_and_is_raised(app: Flask) -> None:
    region = phone_region_of_jamaica()
    with pytest.raises(Boom), write_transaction() as session:
        add_failure(session)
        jamaica = session.get(Country, "JM")
        assert jamaica is not None
        jamaica.phone_region = "ZZ"
        session.flush()  # sent to the database, not committed
        raise Boom
    assert failures() == 0
    assert phone_region_of_jamaica() == region == "JM"
    with write_transaction() as session:  # the session is usable again
        add_failure(session)
    assert failures() == 1


def test_the_write_lock_is_taken_when_the_transaction_begins(app: Flask) -> None:
    db.session.scalar(select(Country.code))  # a read transaction, as a request opens one
    with closing(sqlite3.connect(database_file(app), timeout=0)) as other:
        with write_transaction(), pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")  # nothing written yet, and still no other writer
        other.execute("BEGIN IMMEDIATE")  # free again once committed
        other.execute("ROLLBACK")


def test_hooks_run_once_after_a_commit_and_see_the_committed_rows(
    app: Flask, calls: list[int]
) -> None:
    with write_transaction() as session:
        add_failure(session)
        assert calls == []  # not before the commit
    assert calls == [1]
    with write_transaction() as session:
        add_failure(session)
    assert calls == [1, 2]


def test_hooks_run_outside_the_write_transaction(app: Flask) -> None:
    in_transaction: list[bool] = []
    hooks = after_commit_hooks(app)
    saved = list(hooks)
    hooks[:] = [lambda: in_transaction.append(db.session().in_transaction())]
    try:
        with write_transaction() as session:
            add_failure(session)
    finally:
        hooks[:] = saved
    assert in_transaction == [False]


def test_hooks_do_not_run_after_a_rollback(app: Flask, calls: list[int]) -> None:
    with pytest.raises(Boom), write_transaction() as session:
        add_failure(session)
        raise Boom
    assert calls == []


def test_hooks_do_not_run_after_a_write_that_logs_nothing(app: Flask, calls: list[int]) -> None:
    with write_transaction(logged=False) as session:
        add_failure(session)
    assert failures() == 1
    assert calls == []


def test_a_hook_registered_twice_runs_once(app: Flask, calls: list[int]) -> None:
    hook: Callable[[], None] = after_commit_hooks(app)[-1]
    on_commit(app, hook)
    assert after_commit_hooks(app).count(hook) == 1
    with write_transaction() as session:
        add_failure(session)
    assert calls == [1]


def test_hooks_are_kept_per_app(app: Flask, calls: list[int]) -> None:
    other = Flask("other")
    other_calls: list[str] = []

    def other_hook() -> None:
        other_calls.append("other")

    on_commit(other, other_hook)
    assert after_commit_hooks(other) == [other_hook]
    assert other_hook not in after_commit_hooks(app)
    with write_transaction() as session:
        add_failure(session)
    assert calls == [1]
    assert other_calls == []


def test_deferred_projections_catch_up_once_at_the_end(app: Flask, calls: list[int]) -> None:
    with projections_deferred():
        for _ in range(3):
            with write_transaction() as session:
                add_failure(session)
        assert calls == []
    assert calls == [3]


def test_deferred_projections_catch_up_on_writes_committed_before_an_error(
    app: Flask, calls: list[int]
) -> None:
    with pytest.raises(Boom), projections_deferred():
        with write_transaction() as session:
            add_failure(session)
        raise Boom  # a seed stopped half-way: the first write stands
    assert failures() == 1
    assert calls == [1]
