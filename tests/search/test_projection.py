"""The index as a projection of the change log: checked, rebuilt, caught up, repaired."""

from __future__ import annotations

import dataclasses
import logging
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask, current_app
from sqlalchemy import func, select
from whoosh import index as whoosh_index

from directory.extensions import db
from directory.models import Change, Contact, ContactStatus
from directory.projections import search as search_package
from directory.projections.follower import cursor_of
from directory.projections.search import index as index_module
from directory.projections.search import storage
from directory.projections.search.index import SearchIndex
from directory.projections.search.projection import check_index, index_for_app, rebuild_index
from directory.projections.search.storage import cursor_name, read_index_id
from directory.queries.search import SearchQuery, SearchResults, search_contacts
from directory.services.actors import Actor
from directory.services.browse import simple_search
from directory.services.contacts import (
    archive_contact,
    create_contact,
    data_from_snapshot,
    public_id_from_key,
    snapshot,
    update_contact,
)
from tests.factories import contact_data

NOW = datetime(2025, 3, 12, 15, 0, tzinfo=UTC)
REBUILD_WAIT_S = 20.0
SYSTEM = Actor.system("tests")


def find(text: str, **filters: object) -> SearchResults:
    return search_contacts(SearchQuery(text=text, per_page=1000, **filters), NOW)


def ids(results: SearchResults) -> list[str]:
    return [contact.public_id for contact in results.contacts]


def contact_by_key(key: str) -> Contact:
    public_id = public_id_from_key(key)
    return db.session.scalar(select(Contact).where(Contact.public_id == public_id))


def renamed(contact: Contact, organisation: str) -> Contact:
    data = dataclasses.replace(data_from_snapshot(snapshot(contact)), organisation=organisation)
    return update_contact(SYSTEM, contact.public_id, data, contact.version)


@pytest.fixture
def without_hook(monkeypatch: pytest.MonkeyPatch) -> Callable:
    """Run a write as a process killed between its commit and the index update would."""

    def run(write: Callable[[], object]) -> object:
        with monkeypatch.context() as patch:
            patch.setitem(current_app.extensions, "directory.after_commit", [])
            return write()

    return run


def last_seq() -> int:
    return db.session.scalar(select(func.max(Change.seq))) or 0


def cursor() -> int:
    """Where the change log's follower has the copy of the index in the folder."""
    return cursor_of(cursor_name(read_index_id(index_for_app().path)))


def active_count() -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Contact)
        .where(Contact.status == ContactStatus.ACTIVE.value)
    )


# --- flask search check / rebuild ---------------------------------------------------------------


def test_check_agrees_when_in_step(writable: Flask) -> None:
    result = writable.test_cli_runner().invoke(args=["search", "check"])
    assert result.exit_code == 0, result.output
    assert "agree" in result.stdout


def test_check_lists_what_writes_without_the_hook_left_out(
    writable: Flask, without_hook: Callable
) -> None:
    edited = contact_by_key("JM-disaster-response-1")
    archived = contact_by_key("HT-disaster-response-2")
    edited_version = edited.version
    without_hook(lambda: renamed(edited, "Office of Disaster Preparedness, Xerém"))
    created = without_hook(lambda: create_contact(SYSTEM, contact_data(organisation="Zyxwv")))
    without_hook(lambda: archive_contact(SYSTEM, archived.public_id))

    result = writable.test_cli_runner().invoke(args=["search", "check"])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert sorted(lines) == sorted(
        [
            f"missing from the index: {created.public_id}",
            f"in the index but not an active contact: {archived.public_id}",
            f"{edited.public_id}: index has version {edited_version}, "
            f"database {edited_version + 1}",
        ]
    )
    assert "3 differences" in result.stderr


def test_rebuild_fixes_the_differences(writable: Flask, without_hook: Callable) -> None:
    contact = contact_by_key("JM-disaster-response-1")
    without_hook(lambda: renamed(contact, "Zyxwv Preparedness Office"))
    assert check_index()
    runner = writable.test_cli_runner()

    result = runner.invoke(args=["search", "rebuild"])

    assert result.exit_code == 0, result.output
    assert "Indexing contacts" in result.stderr  # the progress bar
    assert f"Indexed {active_count()} active contacts." in result.stdout
    assert runner.invoke(args=["search", "check"]).exit_code == 0
    assert ids(find("zyxwv")) == [contact.public_id]


def test_rebuild_reports_its_progress(writable: Flask) -> None:
    steps: list[int] = []
    assert rebuild_index(progress=steps.append) == active_count()
    assert sum(steps) == active_count()


def test_rebuild_creates_a_missing_folder(writable: Flask) -> None:
    index = index_for_app()
    shutil.rmtree(index.path)
    index.reset()
    result = writable.test_cli_runner().invoke(args=["search", "rebuild"])
    assert result.exit_code == 0, result.output
    assert whoosh_index.exists_in(str(index.path))
    assert check_index() == []
    assert cursor() == last_seq()


def test_a_write_during_a_rebuild_is_not_lost(writable: Flask) -> None:
    written: list[str] = []

    def write_once(_count: int) -> None:  # called between reading the contacts and the swap
        if not written:
            contact = contact_by_key("JM-disaster-response-1")
            renamed(contact, "Zyxwv Office, renamed while rebuilding")
            written.append(contact.public_id)

    rebuild_index(progress=write_once)
    assert written
    assert check_index() == []
    assert ids(find("zyxwv")) == written


def test_a_rebuild_swaps_the_folder_once_no_catch_up_is_under_way(
    writable: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The swap waits for the index's write lock, the one a Whoosh writer holds."""
    index = index_for_app()
    old_id = read_index_id(index.path)
    swapping = threading.Event()
    swap = storage.swap

    def announced(folder: Path, fresh: Path) -> None:
        swapping.set()
        swap(folder, fresh)

    monkeypatch.setattr(storage, "swap", announced)
    writer = whoosh_index.open_dir(str(index.path)).writer()  # a catch-up under way elsewhere
    counts: list[int] = []

    def rebuild() -> None:
        with writable.app_context():
            counts.append(rebuild_index())
            db.session.remove()

    thread = threading.Thread(target=rebuild)
    thread.start()
    try:
        assert swapping.wait(REBUILD_WAIT_S)
        time.sleep(0.3)
        assert read_index_id(index.path) == old_id, "swapped under a writer"
    finally:
        writer.cancel()
        thread.join(REBUILD_WAIT_S)
    assert counts == [active_count()]
    assert read_index_id(index.path) != old_id
    assert cursor_of(cursor_name(old_id)) == 0
    assert check_index() == []


# --- a process killed between its commit and the index update -----------------------------------


def test_the_next_write_applies_what_the_hook_missed(
    writable: Flask, without_hook: Callable
) -> None:
    first = contact_by_key("JM-disaster-response-1")
    second = contact_by_key("BB-disaster-response-1")
    without_hook(lambda: renamed(first, "Zyxwv Office"))
    index = index_for_app()
    assert cursor() < last_seq()
    assert index.search(SearchQuery(text="zyxwv"), NOW).total == 0  # not there yet

    renamed(second, "Qwertz Office")  # the hook catches up from the cursor: both changes

    assert cursor() == last_seq()
    assert ids(index.search(SearchQuery(text="zyxwv"), NOW)) == [first.public_id]
    assert ids(index.search(SearchQuery(text="qwertz"), NOW)) == [second.public_id]
    assert check_index() == []


def test_the_next_search_applies_what_the_hook_missed(
    writable: Flask, without_hook: Callable
) -> None:
    contact = contact_by_key("JM-disaster-response-1")
    archived = contact_by_key("HT-disaster-response-2")
    without_hook(lambda: renamed(contact, "Zyxwv Office"))
    without_hook(lambda: archive_contact(SYSTEM, archived.public_id))

    found = find("zyxwv")

    assert not found.degraded
    assert ids(found) == [contact.public_id]
    assert archived.public_id not in ids(find("haiti"))
    assert cursor() == last_seq()
    assert check_index() == []


@pytest.fixture
def busy_index(writable: Flask) -> Iterator[None]:
    """The index's writer lock held, as another process writing for a long time would."""
    writer = whoosh_index.open_dir(str(index_for_app().path)).writer()
    try:
        yield
    finally:
        writer.cancel()


def test_a_search_does_not_wait_for_a_busy_writer(
    writable: Flask, without_hook: Callable, busy_index: None
) -> None:
    contact = contact_by_key("JM-disaster-response-1")
    without_hook(lambda: renamed(contact, "Zyxwv Office"))
    started = time.monotonic()
    found = find("jamaica")
    assert time.monotonic() - started < 2.0  # the writer timeout is 20 s
    assert not found.degraded
    assert contact.public_id in ids(found)
    assert cursor() < last_seq()  # left for later


def test_a_write_while_the_index_is_busy_is_applied_later(
    writable: Flask,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(index_module, "WRITER_TIMEOUT_S", 0.2)
    contact = contact_by_key("JM-disaster-response-1")
    writer = whoosh_index.open_dir(str(index_for_app().path)).writer()
    try:
        with caplog.at_level(logging.WARNING, logger=search_package.__name__):
            contact = renamed(contact, "Zyxwv Office")  # the write stands
        assert "busy" in caplog.text
    finally:
        writer.cancel()
    assert db.session.get(Contact, contact.id).organisation == "Zyxwv Office"
    assert not index_for_app().broken
    assert ids(find("zyxwv")) == [contact.public_id]
    assert check_index() == []


# --- a broken or missing index ------------------------------------------------------------------


def truncate_largest_segment(folder: Path) -> None:
    segment = max(folder.glob("*.seg"), key=lambda path: path.stat().st_size)
    with open(segment, "r+b") as handle:
        handle.truncate(segment.stat().st_size // 2)


def garbage_in_segment(folder: Path) -> None:
    segment = max(folder.glob("*.seg"), key=lambda path: path.stat().st_size)
    segment.write_bytes(b"\xff" * segment.stat().st_size)


def delete_a_segment(folder: Path) -> None:
    max(folder.glob("*.seg"), key=lambda path: path.stat().st_size).unlink()


def empty_segment(folder: Path) -> None:
    max(folder.glob("*.seg"), key=lambda path: path.stat().st_size).write_bytes(b"")


def garbage_toc(folder: Path) -> None:
    for toc in folder.glob("_MAIN_*.toc"):
        toc.write_bytes(b"garbage!" * 64)


def empty_toc(folder: Path) -> None:
    for toc in folder.glob("_MAIN_*.toc"):
        toc.write_bytes(b"")


def built_before_copies_had_an_id(folder: Path) -> None:
    """A sound index with the fields of today, its cursor in a file beside it."""
    (folder / storage.ID_FILE).unlink()
    folder.parent.joinpath(f"{folder.name}.cursor").write_text("1")


def built_by_an_earlier_version(folder: Path) -> None:
    """A sound index with other fields, as an upgrade finds the one the last version built."""
    from whoosh import fields
    from whoosh import index as whoosh_index

    shutil.rmtree(folder)
    folder.mkdir()
    old = fields.Schema(id=fields.ID(stored=True, unique=True), digits=fields.TEXT())
    writer = whoosh_index.create_in(str(folder), old).writer()
    writer.add_document(id="old", digits="767 448")
    writer.commit()


def wait_for_rebuild() -> None:
    index = index_for_app()
    deadline = time.monotonic() + REBUILD_WAIT_S
    while index.broken and time.monotonic() < deadline:
        time.sleep(0.05)
    for thread in threading.enumerate():
        if thread.name == "search-rebuild":
            thread.join(max(0.0, deadline - time.monotonic()))
    assert not index.broken, f"not rebuilt within {REBUILD_WAIT_S} s"


@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.parametrize(
    "damage",
    [
        truncate_largest_segment,
        garbage_in_segment,
        delete_a_segment,
        empty_toc,
        garbage_toc,
        empty_segment,
        built_by_an_earlier_version,
        built_before_copies_had_an_id,
    ],
)
def test_a_broken_index_is_detected_and_rebuilt(
    writable: Flask,
    caplog: pytest.LogCaptureFixture,
    leaky_whoosh: None,
    damage: Callable[[Path], None],
) -> None:
    index = index_for_app()
    jamaica = {c.public_id for c in db.session.scalars(select(Contact)) if c.country_code == "JM"}
    damage(index.path)
    with caplog.at_level(logging.INFO, logger=search_package.__name__):
        try:
            found = find("jamaica")
        except Exception as error:
            failure = f"search_contacts raised {error!r}"  # not the traceback: it holds files
        else:
            failure = ""
        if failure:
            pytest.fail(failure)

        assert found.degraded  # answered, from the plain database search
        assert set(ids(found)) == {c.public_id for c in simple_search("jamaica", 1, 1000).items}
        assert "search index unusable" in caplog.text

        wait_for_rebuild()

        assert "rebuilt" in caplog.text
    found = find("jamaica")
    assert not found.degraded
    assert set(ids(found)) == jamaica
    assert check_index() == []
    assert not index.path.parent.joinpath(f"{index.path.name}.cursor").exists()


@pytest.mark.filterwarnings("ignore::ResourceWarning")
def test_a_write_the_index_cannot_take_stands_and_the_rebuild_indexes_it(
    writable: Flask, caplog: pytest.LogCaptureFixture, leaky_whoosh: None
) -> None:
    index = index_for_app()
    contact = contact_by_key("JM-disaster-response-1")
    index.searcher()  # open, as in a running server
    garbage_toc(index.path)  # the catch-up after the write cannot read the index
    with caplog.at_level(logging.INFO, logger=search_package.__name__):
        contact = renamed(contact, "Zyxwv Office")
        assert "catch-up after a write failed" in caplog.text
        wait_for_rebuild()
    assert db.session.get(Contact, contact.id).organisation == "Zyxwv Office"
    assert ids(find("zyxwv")) == [contact.public_id]
    assert check_index() == []


def test_a_folder_deleted_under_a_running_index_is_built_again_by_the_next_write(
    writable: Flask,
) -> None:
    index = index_for_app()
    old_id = read_index_id(index.path)
    contact = contact_by_key("JM-disaster-response-1")
    index.searcher()  # open, as in a running server
    shutil.rmtree(index.path)
    contact = renamed(contact, "Zyxwv Office")
    assert not index.broken
    assert ids(find("zyxwv")) == [contact.public_id]
    assert check_index() == []
    assert read_index_id(index.path) != old_id  # a new copy, with its own cursor
    assert cursor() == last_seq()
    assert cursor_of(cursor_name(old_id)) == 0, "the cursor of the copy gone is forgotten"


def test_a_missing_index_folder_is_created_and_filled(writable: Flask) -> None:
    index = index_for_app()
    old_id = read_index_id(index.path)
    index.searcher()
    shutil.rmtree(index.path)
    found = find("jamaica")
    assert not found.degraded
    assert len(found.contacts) == 8
    assert whoosh_index.exists_in(str(index.path))
    assert check_index() == []
    assert read_index_id(index.path) != old_id
    assert cursor_of(cursor_name(old_id)) == 0


def test_a_missing_index_folder_in_a_new_process_is_created_and_filled(writable: Flask) -> None:
    index = index_for_app()
    shutil.rmtree(index.path)
    index.reset()  # as a process that never opened it
    found = find("jamaica")
    assert not found.degraded
    assert len(found.contacts) == 8
    assert cursor() == last_seq()


def test_a_failing_search_on_a_readable_index_does_not_rebuild_it(
    writable: Flask, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken_search(self: SearchIndex, *args: object) -> None:
        raise ZeroDivisionError("a fault of the search code, not of the index")

    monkeypatch.setattr(SearchIndex, "search", broken_search)
    found = find("jamaica")
    assert found.degraded and found.contacts  # the database answered
    assert not index_for_app().broken  # no rebuild for a fault a rebuild would not mend
    assert "search failed on a readable index" in caplog.text
