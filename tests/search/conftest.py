"""Fixtures for the search tests: the demo directory seeded once, with its index, and copies.

``demo_template`` is made once per session: the migrated database, the demo contacts, a few
contacts the examples need, and the search index the seed's after-commit catch-up built.
Read-only tests share one app on a copy of it (``demo``); tests that write get their own copy
(``writable``).
"""

from __future__ import annotations

import gc
import shutil
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import text

from directory.extensions import db
from directory.services.actors import Actor
from directory.services.contacts import create_contact
from directory.services.seed import seed_demo
from tests.search.support import DATABASE, EXTRAS, app_on, close_app, copy_demo


@pytest.fixture(scope="session")
def demo_template(template_database: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("search-demo")
    shutil.copyfile(template_database, folder / DATABASE)
    app = app_on(folder)
    with app.app_context():
        seed_demo()
        system = Actor.system("search-tests")
        ids = {key: create_contact(system, data).public_id for key, data in EXTRAS}
        (folder / "extras.txt").write_text(
            "\n".join(f"{key} {public_id}" for key, public_id in ids.items())
        )
        db.session.commit()
        db.session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    close_app(app)
    return folder


@pytest.fixture(scope="session")
def extras(demo_template: Path) -> dict[str, str]:
    """Key of each extra contact -> its public id."""
    lines = (demo_template / "extras.txt").read_text().splitlines()
    return dict(line.split(" ", 1) for line in lines)


@pytest.fixture(scope="module")
def demo_app(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """One app per module on a copy of the demo: the tests using it only read."""
    app = app_on(copy_demo(demo_template, tmp_path_factory.mktemp("search-read")))
    yield app
    close_app(app)


@pytest.fixture
def demo(demo_app: Flask) -> Iterator[Flask]:
    with demo_app.app_context():
        yield demo_app
        db.session.remove()


@pytest.fixture
def writable(demo_template: Path, tmp_path: Path) -> Iterator[Flask]:
    """An app on this test's own copy of the demo, in an app context."""
    app = app_on(copy_demo(demo_template, tmp_path / "demo"))
    with app.app_context():
        yield app
        db.session.remove()
    close_app(app)


@pytest.fixture
def leaky_whoosh(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Whoosh leaves a file open when it cannot read one (the TOC, an empty segment); the log
    records keep the traceback, and with it the file. Closed here, not in a later test."""
    yield
    caplog.clear()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()
