"""Contacts, member states and areas read as plain records (models/records.py) for the pages
that draw many of them: search results above all."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import bindparam, select

from ..caches import RecordCache, References, database_caches, every_database_caches
from ..extensions import db
from ..models import Area, Channel, Contact, ContactStatus, Country, User
from ..models.records import ChannelRecord, ContactRecord, ReferenceRecord, VerifierRecord

CONTACT_COLUMNS = tuple(Contact.__table__.columns)
CONTACT_KEYS = tuple(column.key for column in CONTACT_COLUMNS)


def record_cache() -> RecordCache:
    """The cache of contact records of the app's database (see caches.py)."""
    return database_caches(db.engine).records


def reference_records(refresh: bool = False) -> References:
    """The member states by code and the areas by id, read once per process and database:
    they are the reference data, written only by ``flask seed`` (before serving). Read again
    when asked for one they do not have."""
    caches = database_caches(db.engine)
    if refresh or caches.reference is None:
        countries = {
            row.code: ReferenceRecord(row._asdict())
            for row in db.session.execute(select(*Country.__table__.columns))
        }
        areas = {
            row.id: ReferenceRecord(row._asdict())
            for row in db.session.execute(select(*Area.__table__.columns))
        }
        if countries:  # not seeded yet: read again next time
            caches.keep_reference((countries, areas))
        return countries, areas
    return caches.reference


def forget_reference_records() -> None:
    """After the reference data was written (``flask seed``)."""
    for caches in every_database_caches():
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
    return {record.public_id: record for record in found.values()}


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
            found[record.public_id] = record
    page = [found[public_id] for public_id, _ in keys if public_id in found]
    verifier_ids = {record.verified_by_id for record in page if record.verified_by_id is not None}
    emails: dict[int, str] = {}
    if verifier_ids:
        rows = db.session.execute(VERIFIERS, {"ids": sorted(verifier_ids)})
        emails = {user_id: email for user_id, email in rows}
    return [
        record.with_verifier(
            VerifierRecord(emails[record.verified_by_id])
            if record.verified_by_id in emails
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


def _records(statement, values: list) -> dict[int, ContactRecord]:
    countries, areas = reference_records()
    connection = db.session.connection()
    by_id: dict[int, ContactRecord] = {}
    for *row, email in connection.execute(statement, {"values": values}).all():
        record = ContactRecord(CONTACT_KEYS, row, None, None)
        if record.country_code not in countries or record.area_id not in areas:
            countries, areas = reference_records(refresh=True)
        record.attach(
            country=countries[record.country_code],
            area=areas[record.area_id],
            verified_by=VerifierRecord(email) if email is not None else None,
        )
        by_id[record.id] = record
    if by_id:
        channels = connection.execute(CHANNELS_OF, {"contact_ids": list(by_id)}).all()
        for contact_id, *channel in channels:
            by_id[contact_id].add_channel(ChannelRecord(*channel))
    return by_id
