"""Contacts, member states and areas read as plain records (models/records.py) for the pages
that draw many of them: search results above all."""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.engine import Engine

from ..extensions import db
from ..models import Area, Channel, Contact, ContactStatus, Country, User
from ..models.records import ChannelRecord, ContactRecord, ReferenceRecord, VerifierRecord

CONTACT_COLUMNS = tuple(Contact.__table__.columns)
CONTACT_KEYS = tuple(column.key for column in CONTACT_COLUMNS)


References = tuple[dict[str, ReferenceRecord], dict[int, ReferenceRecord]]  # states, areas
RECORDS_CACHED = 10_000  # per process and database: the whole directory, several times over


class RecordCache:
    """Contact records by (public id, version), the least recently used dropped first: a
    version is never written twice, so a record read once stays true for as long as its
    version is the current one. Only the verifier is not the contact's own (a user may change
    their e-mail address): it is read afresh each time."""

    def __init__(self, limit: int = RECORDS_CACHED) -> None:
        self.limit = limit
        self._records: OrderedDict[tuple[str, int], ContactRecord] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[str, int]) -> ContactRecord | None:
        with self._lock:
            found = self._records.get(key)
            if found is not None:
                self._records.move_to_end(key)
            return found

    def put(self, record: ContactRecord) -> None:
        with self._lock:
            self._records[(record.public_id, record.version)] = record  # type: ignore[attr-defined]
            while len(self._records) > self.limit:
                self._records.popitem(last=False)

    def __len__(self) -> int:
        return len(self._records)


class DatabaseCaches:
    """What a process keeps of one database: its reference records and contact records."""

    def __init__(self) -> None:
        self.reference: References | None = None
        self.records = RecordCache()


# By engine: each app has its own (tests have many), and an engine is one database.
_CACHES: weakref.WeakKeyDictionary[Engine, DatabaseCaches] = weakref.WeakKeyDictionary()
_CACHES_LOCK = threading.Lock()


def database_caches() -> DatabaseCaches:
    engine = db.engine
    with _CACHES_LOCK:
        caches = _CACHES.get(engine)
        if caches is None:
            caches = _CACHES[engine] = DatabaseCaches()
        return caches


def record_cache() -> RecordCache:
    """The cache of contact records of the app's database."""
    return database_caches().records


def reference_records(refresh: bool = False) -> References:
    """The member states by code and the areas by id, read once per process and database:
    they are the reference data, written only by ``flask seed`` (before serving). Read again
    when asked for one they do not have."""
    caches = database_caches()
    if refresh or caches.reference is None:
        countries = {
            row.code: ReferenceRecord(row._asdict())
            for row in db.session.execute(select(*Country.__table__.columns))
        }
        areas = {
            row.id: ReferenceRecord(row._asdict())
            for row in db.session.execute(select(*Area.__table__.columns))
        }
        if not countries:  # not seeded yet: read again next time
            return countries, areas
        caches.reference = (countries, areas)
    return caches.reference


def forget_reference_records() -> None:
    """After the reference data was written (``flask seed``)."""
    with _CACHES_LOCK:
        for caches in _CACHES.values():
            caches.reference = None


# Built once: a statement made afresh costs more to prepare than the rows cost to read.
CONTACTS = select(*CONTACT_COLUMNS, User.email).outerjoin(User, User.id == Contact.verified_by_id)
CONTACTS_BY_PUBLIC_ID = CONTACTS.where(Contact.public_id.in_(bindparam("values", expanding=True)))
CONTACTS_BY_ID = CONTACTS.where(Contact.id.in_(bindparam("values", expanding=True)))
CHANNELS_OF = (
    select(Channel.contact_id, Channel.kind, Channel.value, Channel.label, Channel.is_24_7)
    .where(Channel.contact_id.in_(bindparam("contact_ids", expanding=True)))
    .order_by(Channel.contact_id, Channel.position)
)


def contact_records(public_ids: list[str]) -> dict[str, ContactRecord]:
    """The contacts (with their channels, state, area and verifier) of ``public_ids``."""
    found = _records(CONTACTS_BY_PUBLIC_ID, public_ids)
    return {record.public_id: record for record in found.values()}  # type: ignore[attr-defined]


VERIFIERS = select(User.id, User.email).where(User.id.in_(bindparam("ids", expanding=True)))


def contact_records_of_versions(keys: list[tuple[str, int]]) -> list[ContactRecord]:
    """The contacts of ``keys`` (public id, version), in that order, with their verifiers: a
    search's page, whose versions the index knows. Versions read before come from the cache;
    the others from the database, as they are there now (which may be a later version than
    the one asked for: the newest wins)."""
    cache = record_cache()
    found: dict[str, ContactRecord] = {}
    missing = []
    for public_id, version in keys:
        record = cache.get((public_id, version))
        if record is None:
            missing.append(public_id)
        else:
            found[public_id] = record
    if missing:
        for record in _records(CONTACTS_BY_PUBLIC_ID, missing).values():
            cache.put(record)
            found[record.public_id] = record  # type: ignore[attr-defined]
    page = [found[public_id] for public_id, _ in keys if public_id in found]
    verifier_ids = {record.verified_by_id for record in page} - {None}  # type: ignore[attr-defined]
    emails: dict[int, str] = {}
    if verifier_ids:
        emails = dict(db.session.execute(VERIFIERS, {"ids": sorted(verifier_ids)}).all())  # type: ignore[arg-type]
    return [
        record.with_verifier(
            VerifierRecord(emails[record.verified_by_id])  # type: ignore[attr-defined]
            if record.verified_by_id in emails  # type: ignore[attr-defined]
            else None
        )
        for record in page
    ]


def contact_records_by_id(ids: list[int]) -> dict[int, ContactRecord]:
    """The same, by database id: the search index rebuild reads every contact this way."""
    return _records(CONTACTS_BY_ID, ids)


def active_contact_records(condition: Any = None, batch: int = 2000) -> Iterator[ContactRecord]:
    """Every active contact (that matches ``condition`` too), in id order, ``batch`` at a time:
    what the LDAP sync and export map."""
    query = select(Contact.id).where(Contact.status == ContactStatus.ACTIVE.value)
    if condition is not None:
        query = query.where(condition)
    last_id = 0
    while True:
        ids = list(
            db.session.scalars(query.where(Contact.id > last_id).order_by(Contact.id).limit(batch))
        )
        if not ids:
            return
        found = _records(CONTACTS_BY_ID, ids)
        yield from (found[contact_id] for contact_id in ids if contact_id in found)
        last_id = ids[-1]


def _records(statement, values: list) -> dict[int, ContactRecord]:  # type: ignore[no-untyped-def]
    countries, areas = reference_records()
    connection = db.session.connection()
    by_id: dict[int, ContactRecord] = {}
    for *row, email in connection.execute(statement, {"values": values}).all():
        record = ContactRecord(CONTACT_KEYS, row, None, None)
        if record.country_code not in countries or record.area_id not in areas:  # type: ignore[attr-defined]
            countries, areas = reference_records(refresh=True)
        record.country = countries[record.country_code]  # type: ignore[attr-defined]
        record.area = areas[record.area_id]  # type: ignore[attr-defined]
        record.verified_by = VerifierRecord(email) if email is not None else None
        by_id[record.id] = record  # type: ignore[attr-defined]
    if by_id:
        channels = connection.execute(CHANNELS_OF, {"contact_ids": list(by_id)}).all()
        for contact_id, *channel in channels:
            by_id[contact_id].channels.append(ChannelRecord(*channel))
    return by_id
