"""Fixtures: app, client, runner, on a SQLite file migrated once and copied for each test."""

from __future__ import annotations

import contextvars
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from flask_migrate import upgrade
from sqlalchemy import event, text

from config import TestingConfig
from directory import create_app
from directory.extensions import db
from directory.models import Role, User
from directory.services.actors import Actor
from directory.services.seed import seed_reference
from directory.services.users import create_user
from tests.factories import PASSWORD


class IsolatedClient(FlaskClient):
    """Runs each request outside the test's app context, as a real server would.

    The test keeps an app context open to call services; without this, requests would share
    its ``g`` (the signed-in user) and its database session.
    """

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


def make_app(database: Path | str, instance: Path, **overrides: object) -> Flask:
    """An app on a SQLite file (a path) or any database (a URL string)."""
    url = database if isinstance(database, str) else f"sqlite:///{database}"
    app = create_app(
        TestingConfig,
        SQLALCHEMY_DATABASE_URI=url,
        INSTANCE_PATH=str(instance),
        **overrides,
    )
    app.test_client_class = IsolatedClient
    return app


@pytest.fixture(scope="session")
def template_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The schema from the migrations plus the reference data, made once."""
    folder = tmp_path_factory.mktemp("template")
    database = folder / "directory.sqlite3"
    app = make_app(database, folder / "instance")
    with app.app_context():
        upgrade()
        seed_reference()
        db.session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        db.session.remove()
        db.engine.dispose()
    return database


@pytest.fixture
def app(template_database: Path, tmp_path: Path) -> Iterator[Flask]:
    database = tmp_path / "directory.sqlite3"
    shutil.copyfile(template_database, database)
    app = make_app(database, tmp_path / "instance")
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def users(app: Flask) -> dict[str, User]:
    system = Actor.system("tests")
    return {
        "admin": create_user(system, "admin@example.org", PASSWORD, role=Role.ADMIN.value),
        "editor": create_user(
            system, "editor.jm@example.org", PASSWORD, role=Role.EDITOR.value, country_code="JM"
        ),
        "viewer": create_user(system, "viewer@example.org", PASSWORD, role=Role.VIEWER.value),
    }


@pytest.fixture
def signed_in(client: FlaskClient, users: dict[str, User]) -> FlaskClient:
    response = client.post("/login", data={"email": "viewer@example.org", "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


class QueryCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany) -> None:
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA")):
            self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app: Flask) -> Iterator[QueryCounter]:
    counter = QueryCounter()
    event.listen(db.engine, "before_cursor_execute", counter)
    yield counter
    event.remove(db.engine, "before_cursor_execute", counter)


@pytest.fixture
def app_with(app: Flask, tmp_path: Path) -> Iterator:
    """A second app on a copy of this test's database, with other settings (CSRF on, say)."""
    made: list[Flask] = []

    def make(**overrides: object) -> Flask:
        db.session.commit()
        db.session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        copy = tmp_path / f"copy-{len(made)}.sqlite3"
        shutil.copyfile(tmp_path / "directory.sqlite3", copy)
        other = make_app(copy, tmp_path / f"instance-{len(made)}", **overrides)
        made.append(other)
        return other

    yield make
    for other in made:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()
