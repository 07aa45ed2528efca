"""Contact use cases: create, update, archive, restore, verify."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..extensions import db
from ..models import (
    Action,
    Area,
    Change,
    Channel,
    Contact,
    ContactStatus,
    Country,
    Entity,
    User,
)
from ..models.base import utcnow
from ..schemas import contact as schema
from .actors import Actor, require_admin, require_country_writer
from .errors import NotFound, ValidationFailed, VersionConflict
from .transaction import write_transaction
from .validation import ContactData, clean_contact_data

PUBLIC_ID_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"  # no 0/o, 1/l/i: read aloud on a phone
PUBLIC_ID_LENGTH = 12
PUBLIC_ID_PATTERN = re.compile(rf"^[{PUBLIC_ID_ALPHABET}]{{{PUBLIC_ID_LENGTH}}}$")


def new_public_id() -> str:
    return "".join(secrets.choice(PUBLIC_ID_ALPHABET) for _ in range(PUBLIC_ID_LENGTH))


def public_id_from_key(key: str) -> str:
    """A stable public id derived from a seed key, so that seeding twice finds the same rows."""
    digest = hashlib.sha256(key.encode()).digest()
    return "".join(PUBLIC_ID_ALPHABET[byte % len(PUBLIC_ID_ALPHABET)] for byte in digest)[
        :PUBLIC_ID_LENGTH
    ]


def is_public_id(value: str) -> bool:
    return bool(PUBLIC_ID_PATTERN.match(value or ""))


def snapshot(contact: Contact) -> dict[str, Any]:
    """The contact as plain data: what a Change row records as before and after."""
    return schema.snapshot(contact)


def _record(
    session: Session,
    actor: Actor,
    action: Action,
    contact: Contact,
    before: dict[str, Any] | None,
    now: datetime,
) -> Change:
    session.flush()  # the contact's id, version and channels as they will be committed
    change = _change_of(actor, action, contact, before, now)
    session.add(change)
    return change


def _change_of(
    actor: Actor, action: Action, contact: Contact, before: dict[str, Any] | None, now: datetime
) -> Change:
    """The Change row of a flushed contact."""
    return Change(
        entity=Entity.CONTACT.value,
        entity_id=contact.public_id,
        contact_id=contact.id,
        action=action.value,
        actor_id=actor.user_id,
        actor_label=actor.label,
        created_at=now,
        before=before,
        after=snapshot(contact),
    )


def _load_for_write(session: Session, public_id: str) -> Contact:
    if not is_public_id(public_id):
        raise NotFound(public_id)
    contact = session.scalar(select(Contact).where(Contact.public_id == public_id))
    if contact is None:
        raise NotFound(public_id)
    return contact


def _check_version(contact: Contact, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != contact.version:
        raise VersionConflict(expected_version, contact.version)


def _resolve(session: Session, data: ContactData) -> tuple[Country, Area]:
    country = session.get(Country, data.country)
    area = session.scalar(select(Area).where(Area.slug == data.area))
    errors: dict[str, list[str]] = {}
    if country is None:
        errors["country"] = [_l("is not a member state")]
    if area is None:
        errors["area"] = [_l("is not a mandate area")]
    if errors:
        raise ValidationFailed(errors)
    assert country is not None and area is not None  # for the type checker
    return country, area


# The fields stored in a column of the same name, as the editor gave them (after cleaning):
# every editable field but the state and area (relationships), the calling order (decided by
# the service) and the channels (rows of their own).
COLUMNS_SET_AS_GIVEN = tuple(
    spec for spec in schema.SPECS if spec.read is None and spec.name not in {"rank", "channels"}
)


def _apply(contact: Contact, data: ContactData, *, channels: bool = True) -> None:
    """Set the contact's fields from cleaned data; ``channels=False`` leaves its channel rows
    as they are (an import does so when they are the same, to rewrite no rows for nothing)."""
    for spec in COLUMNS_SET_AS_GIVEN:
        value = getattr(data, spec.name)
        if isinstance(value, list):  # a copy: the row must not share the caller's list
            value = [dict(item) if isinstance(item, dict) else item for item in value]
        setattr(contact, spec.name, value)
    if channels:
        _apply_channels(contact, data)
    contact.has_24_7 = data.hours_24_7 or any(channel.is_24_7 for channel in data.channels)


def _apply_channels(contact: Contact, data: ContactData) -> None:
    contact.channels = [
        Channel(
            position=position,
            kind=channel.kind,
            value=channel.value,
            label=channel.label,
            is_24_7=channel.is_24_7,
        )
        for position, channel in enumerate(data.channels)
    ]


def create_contact(
    actor: Actor,
    data: ContactData,
    *,
    public_id: str | None = None,
    verified_at: datetime | None = None,
) -> Contact:
    """A new active contact. ``verified_at`` is for imports and the demo seed, which carry it."""
    require_country_writer(actor, data.country)
    with write_transaction() as session:
        country, area = _resolve(session, data)
        cleaned = clean_contact_data(data, country.phone_region)
        now = utcnow()
        rank = cleaned.rank
        if rank is None:
            last = session.scalar(
                select(func.max(Contact.rank)).where(
                    Contact.country_code == country.code,
                    Contact.area_id == area.id,
                    Contact.status == ContactStatus.ACTIVE.value,
                )
            )
            rank = (last or 0) + 1
        contact = Contact(
            public_id=public_id or new_public_id(),
            country=country,
            area=area,
            rank=rank,
            status=ContactStatus.ACTIVE.value,
            created_at=now,
            updated_at=now,
            verified_at=verified_at,
        )
        _apply(contact, cleaned)
        session.add(contact)
        _record(session, actor, Action.CREATE, contact, None, now)
    return contact


def update_contact(
    actor: Actor, public_id: str, data: ContactData, expected_version: int
) -> Contact:
    """Save an edit made against ``expected_version``; VersionConflict if it has moved on."""
    with write_transaction() as session:
        contact = _load_for_write(session, public_id)
        require_country_writer(actor, contact.country_code)
        require_country_writer(actor, data.country)
        _check_version(contact, expected_version)
        country, area = _resolve(session, data)
        cleaned = clean_contact_data(data, country.phone_region)
        before = snapshot(contact)
        if _changes_nothing(before, cleaned):
            return contact  # nothing to write: no new version, no Change row
        now = utcnow()
        contact.country = country
        contact.area = area
        if cleaned.rank is not None:
            contact.rank = cleaned.rank
        _apply(contact, cleaned)
        contact.updated_at = now
        _record(session, actor, Action.UPDATE, contact, before, now)
    return contact


def _changes_nothing(before: dict[str, Any], cleaned: ContactData) -> bool:
    """Whether saving ``cleaned`` over the version ``before`` would change no field (a calling
    order left out keeps the one there is)."""
    after = schema.snapshot_of_data(cleaned)
    if cleaned.rank is None:
        after["rank"] = before["rank"]
    return all(before[name] == value for name, value in after.items())


def write_contacts(
    session: Session,
    actor: Actor,
    edits: Iterable[tuple[Contact | None, ContactData]],
    now: datetime,
    batch: int = 500,
) -> None:
    """Create (no contact) or update many contacts inside the caller's transaction.

    For imports, which write every row or none: what create_contact and update_contact do one
    at a time (who may write, the rank after the last, the Change row with before and after),
    without a transaction of their own and flushed a batch at a time rather than per contact.
    Each ``data`` is already cleaned by clean_contact_data; the caller checked versions.
    """
    countries = {country.code: country for country in session.scalars(select(Country))}
    areas = {area.slug: area for area in session.scalars(select(Area))}
    last_rank: dict[tuple[str, int], int] = {
        (code, area_id): rank or 0
        for code, area_id, rank in session.execute(
            select(Contact.country_code, Contact.area_id, func.max(Contact.rank))
            .where(Contact.status == ContactStatus.ACTIVE.value)
            .group_by(Contact.country_code, Contact.area_id)
        )
    }
    pending: list[tuple[Action, Contact, dict[str, Any] | None]] = []

    def record_pending() -> None:
        session.flush()  # ids and versions, as the Change rows record them
        for action, contact, before in pending:
            session.add(_change_of(actor, action, contact, before, now))
        pending.clear()

    for contact, data in edits:
        country = countries.get(data.country)
        area = areas.get(data.area)
        if country is None:
            raise ValidationFailed({"country": [_l("is not a member state")]})
        if area is None:
            raise ValidationFailed({"area": [_l("is not a mandate area")]})
        require_country_writer(actor, country.code)
        key = (country.code, area.id)
        if contact is None:
            rank = data.rank if data.rank is not None else last_rank.get(key, 0) + 1
            contact = Contact(
                public_id=new_public_id(),
                country=country,
                area=area,
                rank=rank,
                status=ContactStatus.ACTIVE.value,
                created_at=now,
                updated_at=now,
            )
            _apply(contact, data)
            session.add(contact)
            pending.append((Action.CREATE, contact, None))
        else:
            require_country_writer(actor, contact.country_code)
            before = snapshot(contact)
            contact.country = country
            contact.area = area
            if data.rank is not None:
                contact.rank = data.rank
            _apply(
                contact,
                data,
                channels=before["channels"] != [schema.channel_dict(c) for c in data.channels],
            )
            contact.updated_at = now
            pending.append((Action.UPDATE, contact, before))
        if contact.status == ContactStatus.ACTIVE.value:
            last_rank[key] = max(last_rank.get(key, 0), contact.rank)
        if len(pending) >= batch:
            record_pending()
    record_pending()


def _set_status(
    actor: Actor, public_id: str, status: ContactStatus, action: Action, expected: int | None
) -> Contact:
    with write_transaction() as session:
        contact = _load_for_write(session, public_id)
        require_country_writer(actor, contact.country_code)
        _check_version(contact, expected)
        if contact.status == status.value:
            return contact  # already so: nothing to write, nothing to log
        before = snapshot(contact)
        now = utcnow()
        contact.status = status.value
        contact.updated_at = now
        _record(session, actor, action, contact, before, now)
    return contact


def archive_contact(actor: Actor, public_id: str, expected_version: int | None = None) -> Contact:
    return _set_status(actor, public_id, ContactStatus.ARCHIVED, Action.ARCHIVE, expected_version)


def restore_contact(actor: Actor, public_id: str, expected_version: int | None = None) -> Contact:
    return _set_status(actor, public_id, ContactStatus.ACTIVE, Action.RESTORE, expected_version)


def verify_contact(actor: Actor, public_id: str) -> Contact:
    """Confirm the entry is still current: sets verified_at and verified_by."""
    with write_transaction() as session:
        contact = _load_for_write(session, public_id)
        require_country_writer(actor, contact.country_code)
        before = snapshot(contact)
        now = utcnow()
        contact.verified_at = now
        contact.verified_by = session.get(User, actor.user_id) if actor.user_id else None
        _record(session, actor, Action.VERIFY, contact, before, now)
    return contact


def move_contact(actor: Actor, public_id: str, offset: int) -> Contact:
    """Move a contact up (offset -1) or down (+1) the calling order of its state and area.

    The neighbour swaps places with it; both moves are logged.
    """
    with write_transaction() as session:
        contact = _load_for_write(session, public_id)
        require_country_writer(actor, contact.country_code)
        if offset not in (-1, 1):
            raise ValidationFailed({"rank": [_l("a contact moves one place up or down")]})
        if not contact.is_active:
            raise ValidationFailed(
                {"status": [_l("an archived contact has no place in the order")]}
            )
        peers = list(
            session.scalars(
                select(Contact)
                .where(
                    Contact.country_code == contact.country_code,
                    Contact.area_id == contact.area_id,
                    Contact.status == ContactStatus.ACTIVE.value,
                )
                .order_by(Contact.rank, Contact.id)
            )
        )
        index = peers.index(contact)
        target = index + offset
        if not 0 <= target < len(peers):
            return contact  # already first or last: nothing to do
        peers[index], peers[target] = peers[target], peers[index]
        now = utcnow()
        for rank, peer in enumerate(peers, start=1):
            if peer.rank != rank:
                before = snapshot(peer)
                peer.rank = rank
                peer.updated_at = now
                _record(session, actor, Action.UPDATE, peer, before, now)
    return contact


def verify_all(actor: Actor, country_code: str) -> int:
    """Confirm every active contact of a state as still current; returns how many."""
    code = (country_code or "").upper()
    require_country_writer(actor, code)
    with write_transaction() as session:
        contacts = list(
            session.scalars(
                select(Contact).where(
                    Contact.country_code == code, Contact.status == ContactStatus.ACTIVE.value
                )
            )
        )
        now = utcnow()
        verifier = session.get(User, actor.user_id) if actor.user_id else None
        for contact in contacts:
            before = snapshot(contact)
            contact.verified_at = now
            contact.verified_by = verifier
            _record(session, actor, Action.VERIFY, contact, before, now)
    return len(contacts)


def data_from_snapshot(state: dict[str, Any]) -> ContactData:
    """The editable part of a recorded version, to save it again."""
    return schema.data_from_snapshot(state)


def restore_version(actor: Actor, public_id: str, seq: int, expected_version: int) -> Contact:
    """Admins: make an earlier recorded version current again, as a new change."""
    require_admin(actor)
    contact = _load_for_write(db.session(), public_id)
    change = db.session.get(Change, seq)
    if change is None or change.contact_id != contact.id or not change.after:
        raise NotFound(f"{public_id} has no change {seq}")
    data = data_from_snapshot(change.after)
    return update_contact(actor, public_id, data, expected_version)
