"""Two workers (two app objects, as two server processes would be) on one database and one
index folder: a missing or broken index is built once, by whichever takes the rebuild lock;
the other answers from the database meanwhile, says so, and takes the new index up by itself."""

from __future__ import annotations

import logging
import shutil
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from directory.extensions import db
from directory.projections import search as search_package
from directory.projections.search import storage
from directory.projections.search.projection import check_index, index_for_app
from directory.queries.search import SearchQuery, SearchResults, search_contacts
from directory.services.actors import Actor
from directory.services.contacts import create_contact
from tests.factories import contact_data
from tests.search.support import app_on, close_app, copy_demo

NOW = datetime(2025, 3, 12, 15, 0, tzinfo=UTC)
WAIT_S = 30.0


def find(app: Flask, text: str) -> SearchResults:
    with app.app_context():
        try:
            return search_contacts(SearchQuery(text=text, per_page=1000), NOW)
        finally:
            db.session.remove()


def ids(found: SearchResults) -> set[str]:
    return {contact.public_id for contact in found.contacts}


def join_repairs() -> None:
    for thread in threading.enumerate():
        if thread.name == "search-rebuild":
            thread.join(WAIT_S)
            assert not thread.is_alive(), "the repair did not finish"


class PausedBuilds:
    """``storage.build_copy`` held at its start until ``go`` is set; the builds are counted."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.started = threading.Event()
        self.go = threading.Event()
        self.count = 0
        original: Callable[..., Any] = storage.build_copy

        def paused(*args: Any, **kwargs: Any) -> Any:
            self.count += 1
            self.started.set()
            assert self.go.wait(WAIT_S), "the test never let the build go on"
            return original(*args, **kwargs)

        monkeypatch.setattr(storage, "build_copy", paused)


@pytest.fixture
def folder(demo_template: Path, tmp_path: Path) -> Path:
    return copy_demo(demo_template, tmp_path / "demo")


@pytest.fixture
def two_apps(folder: Path) -> Iterator[tuple[Flask, Flask]]:
    first, second = app_on(folder), app_on(folder)
    yield first, second
    join_repairs()
    close_app(first)
    close_app(second)


def test_a_worker_finding_the_index_being_built_takes_it_up_when_built(
    folder: Path,
    two_apps: tuple[Flask, Flask],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    first, second = two_apps
    before = {app: find(app, "prot") for app in two_apps}  # both serving from the index
    assert not any(found.degraded for found in before.values())
    assert before[first].total == before[second].total > 0
    builds = PausedBuilds(monkeypatch)
    shutil.rmtree(folder / "index")  # deleted while the workers run

    answered: list[SearchResults] = []
    builder = threading.Thread(target=lambda: answered.append(find(first, "prot")))
    builder.start()  # the first to search builds it, holding the rebuild lock
    assert builds.started.wait(WAIT_S)
    with caplog.at_level(logging.INFO, logger=search_package.__name__):
        meanwhile = find(second, "prot")
        assert meanwhile.degraded and meanwhile.total > 0  # the database answered
        with second.app_context():
            assert index_for_app().broken
            contact = create_contact(Actor.system("tests"), contact_data(organisation="Zyxwv"))
            created = contact.public_id
            db.session.remove()  # the hook skipped the broken index: left to the taking up
        builds.go.set()
        builder.join(WAIT_S)
        join_repairs()
        assert "taken up as another process rebuilt it" in caplog.text

    assert builds.count == 1, "built once"
    assert not answered[0].degraded
    for app in two_apps:
        found = find(app, "prot")
        assert not found.degraded
        assert found.total == before[app].total + (created in ids(found))
        assert ids(find(app, "zyxwv")) == {created}
        with app.app_context():
            assert not index_for_app().broken
            assert check_index() == []
            db.session.remove()


@pytest.mark.filterwarnings("ignore::ResourceWarning")
def test_a_broken_index_is_rebuilt_once_and_the_other_worker_takes_it_up(
    folder: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    leaky_whoosh: None,
) -> None:
    index = folder / "index"
    segment = max(index.glob("*.seg"), key=lambda path: path.stat().st_size)
    segment.write_bytes(b"\xff" * segment.stat().st_size)
    builds = PausedBuilds(monkeypatch)
    first, second = app_on(folder), app_on(folder)  # workers starting on the broken index
    try:
        with caplog.at_level(logging.INFO, logger=search_package.__name__):
            assert find(first, "jamaica").degraded  # its repair takes the rebuild lock
            assert builds.started.wait(WAIT_S)
            found = find(second, "jamaica")
            assert found.degraded and found.total > 0  # its repair waits for the lock
            builds.go.set()
            join_repairs()
            assert "rebuilt" in caplog.text
            assert "taken up as another process rebuilt it" in caplog.text
        assert builds.count == 1, "rebuilt once"
        totals = set()
        for app in (first, second):
            found = find(app, "jamaica")
            assert not found.degraded
            totals.add(found.total)
            with app.app_context():
                assert not index_for_app().broken
                assert check_index() == []
                db.session.remove()
        assert len(totals) == 1
    finally:
        join_repairs()
        close_app(first)
        close_app(second)
        caplog.clear()  # the records' tracebacks hold the files Whoosh left open: see leaky_whoosh
