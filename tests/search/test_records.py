"""A page of results reads each contact's version from the database once per process; what a
version does not fix (its verifier's e-mail address) is read afresh every time."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from flask import Flask
from sqlalchemy import event, select, update

from directory.extensions import db
from directory.models import Contact, User
from directory.queries.search import SearchQuery, SearchResults, search_contacts
from directory.services.actors import Actor
from directory.services.contacts import (
    data_from_snapshot,
    public_id_from_key,
    snapshot,
    update_contact,
    verify_contact,
)
from directory.services.records import RecordCache, record_cache
from directory.services.transaction import write_transaction

NOW = datetime(2025, 3, 12, 15, 0, tzinfo=UTC)
SYSTEM = Actor.system("tests")
KEY = "JM-disaster-response-1"


def find(text: str) -> SearchResults:
    return search_contacts(SearchQuery(text=text, per_page=100), NOW)


def contact(key: str = KEY) -> Contact:
    return db.session.scalar(select(Contact).where(Contact.public_id == public_id_from_key(key)))


@contextmanager
def statements() -> Iterator[list[str]]:
    """The SQL run inside the block."""
    seen: list[str] = []

    def remember(conn, cursor, statement, parameters, context, executemany) -> None:
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", remember)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", remember)


def contact_reads(seen: list[str]) -> int:
    return sum("FROM contacts" in statement for statement in seen)


def test_a_version_read_once_is_not_read_again(writable: Flask) -> None:
    first = find("jamaica")
    assert first.total > 0
    db.session.rollback()
    with statements() as seen:
        again = find("jamaica")
    assert [c.public_id for c in again.contacts] == [c.public_id for c in first.contacts]
    assert [c.version for c in again.contacts] == [c.version for c in first.contacts]
    assert contact_reads(seen) == 0, seen
    assert len(record_cache()) >= len(first.contacts)


def test_an_edited_contact_is_read_again_and_shows_its_edit(writable: Flask) -> None:
    before = contact()
    [old] = [c for c in find("jamaica").contacts if c.public_id == before.public_id]
    data = dataclasses.replace(data_from_snapshot(snapshot(before)), unit="Qwertz Unit")
    update_contact(SYSTEM, before.public_id, data, before.version)
    db.session.rollback()

    with statements() as seen:
        found = find("jamaica")
    [new] = [c for c in found.contacts if c.public_id == before.public_id]
    assert new.version == old.version + 1
    assert new.unit == "Qwertz Unit" and old.unit != "Qwertz Unit"
    assert contact_reads(seen) == 1, "only the edited contact is read"


def test_the_verifier_is_read_afresh(writable: Flask) -> None:
    admin = db.session.scalar(select(User).where(User.email == "admin@example.org"))
    verified = verify_contact(Actor.of(admin), contact().public_id)
    [record] = [c for c in find("jamaica").contacts if c.public_id == verified.public_id]
    assert record.verified_by.email == "admin@example.org"

    with write_transaction(logged=False) as session:  # the contact's version stays as it is
        session.execute(
            update(User).where(User.id == admin.id).values(email="secretariat@example.org")
        )
    db.session.rollback()

    [again] = [c for c in find("jamaica").contacts if c.public_id == verified.public_id]
    assert again.version == record.version
    assert again.verified_by.email == "secretariat@example.org"


def test_the_cache_keeps_the_most_recently_used() -> None:
    cache = RecordCache(limit=2)

    class Record:
        def __init__(self, public_id: str, version: int) -> None:
            self.public_id, self.version = public_id, version

    a, b, c = Record("a", 1), Record("b", 1), Record("c", 1)
    cache.put(a)
    cache.put(b)
    assert cache.get(("a", 1)) is a  # a is now the most recent
    cache.put(c)
    assert len(cache) == 2
    assert cache.get(("b", 1)) is None
    assert cache.get(("a", 1)) is a and cache.get(("c", 1)) is c
    assert cache.get(("a", 2)) is None, "another version is another record"


def test_records_have_every_fact_a_contact_derives() -> None:
    """A record borrows Contact's derived facts by name (Contact.FACTS): one added to Contact
    and not named there would be missing from every record."""
    import inspect

    from directory.models import Contact
    from directory.models.records import ContactRecord

    derived = {
        name
        for name, value in vars(Contact).items()
        if not name.startswith("_") and (isinstance(value, property) or inspect.isfunction(value))
    }
    assert derived == set(Contact.FACTS)
    assert all(hasattr(ContactRecord, name) for name in Contact.FACTS)
