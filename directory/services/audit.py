"""Read models for the administration pages: the audit log (page and CSV rows), the user list
and the lists their filters offer. Reads only: every write goes through users.py / signin.py."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import aliased, lazyload, selectinload

from ..extensions import db
from ..models import Change, Contact, Entity, User
from .paging import Page, paginate

AUDIT_CSV_HEADER = (
    "seq",
    "time_utc",
    "actor",
    "action",
    "entity",
    "entity_id",
    "country",
    "changed_fields",
)


@dataclass(frozen=True)
class AuditFilters:
    """What the audit log is narrowed to; every part is optional. Dates are UTC days, both ends
    included."""

    country: str | None = None  # ISO code of a member state
    actor: str | None = None  # the actor's e-mail (or system label), exact, any case
    date_from: date | None = None
    date_to: date | None = None
    entity: str | None = None  # "contact" | "user"


@dataclass(frozen=True)
class AuditEntry:
    change: Change
    country: str | None  # the state the change was about, as the change recorded it
    fields: list[tuple[str, Any, Any]]  # (field, old, new); empty for a creation
    user_id: int | None = None  # for a change of a user account: the account, for a link


def _country_of(change: Change) -> str | None:
    for state in (change.after, change.before):
        if state and state.get("country"):
            return str(state["country"])
    return None


def _fields_of(change: Change) -> list[tuple[str, Any, Any]]:
    # A creation has no "before": listing every field as changed would only repeat the record.
    return change.changed_fields() if change.before is not None else []


def _audit_statement(filters: AuditFilters) -> Select[tuple[Change]]:
    statement = select(Change)
    if filters.entity:
        statement = statement.where(Change.entity == filters.entity)
    if filters.actor:
        statement = statement.where(func.lower(Change.actor_label) == filters.actor.strip().lower())
    if filters.date_from:
        start = datetime.combine(filters.date_from, time.min, tzinfo=UTC)
        statement = statement.where(Change.created_at >= start)
    if filters.date_to:
        end = datetime.combine(filters.date_to + timedelta(days=1), time.min, tzinfo=UTC)
        statement = statement.where(Change.created_at < end)
    if filters.country:
        # A contact's state is its current one; a user's is the state an editor belongs to.
        account = aliased(User)
        statement = (
            statement.outerjoin(Contact, Contact.id == Change.contact_id)
            .outerjoin(
                account,
                and_(Change.entity == Entity.USER.value, account.email == Change.entity_id),
            )
            .where(
                func.coalesce(Contact.country_code, account.country_code) == filters.country.upper()
            )
        )
    return statement.order_by(Change.seq.desc())


def audit_entries(filters: AuditFilters, page: int, per_page: int) -> Page:
    """One page of the audit log, newest first."""
    found = paginate(_audit_statement(filters), page, per_page)
    changes = found.items
    emails = {c.entity_id for c in changes if c.entity == Entity.USER.value}
    ids = (
        dict(
            db.session.execute(select(User.email, User.id).where(User.email.in_(emails)))
            .tuples()
            .all()
        )
        if emails
        else {}
    )
    entries = [
        AuditEntry(change, _country_of(change), _fields_of(change), ids.get(change.entity_id))
        for change in changes
    ]
    return Page(entries, found.total, found.page, per_page)


def plain_value(value: Any) -> str:
    """A recorded value as text: strings as they are, lists and numbers as compact JSON."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def changed_fields_text(fields: list[tuple[str, Any, Any]]) -> str:
    return "; ".join(
        f"{name}: {plain_value(old)} -> {plain_value(new)}" for name, old, new in fields
    )


def iter_audit_rows(filters: AuditFilters) -> Iterator[tuple[int | str, ...]]:
    """Every matching change as a CSV row (see AUDIT_CSV_HEADER), newest first, fetched in
    batches so that a long log is never held in memory at once."""
    statement = (
        _audit_statement(filters)
        .options(lazyload(Change.actor))  # actor_label is what the row shows
        .execution_options(yield_per=500)
    )
    for change in db.session.scalars(statement):
        yield (
            change.seq,
            change.created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            change.actor_label,
            change.action,
            change.entity,
            change.entity_id,
            _country_of(change) or "",
            changed_fields_text(_fields_of(change)),
        )


def changes_about_user(email: str, limit: int = 20) -> list[AuditEntry]:
    """The latest changes to a user account, newest first."""
    changes = db.session.scalars(
        select(Change)
        .where(Change.entity == Entity.USER.value, Change.entity_id == email)
        .order_by(Change.seq.desc())
        .limit(limit)
    )
    return [AuditEntry(c, _country_of(c), _fields_of(c)) for c in changes]


def changes_by_user(user_id: int, limit: int = 20) -> list[AuditEntry]:
    """The latest changes a user made, newest first."""
    changes = db.session.scalars(
        select(Change).where(Change.actor_id == user_id).order_by(Change.seq.desc()).limit(limit)
    )
    return [AuditEntry(c, _country_of(c), _fields_of(c)) for c in changes]


# --- users, for the administration pages ---------------------------------------------------


@dataclass(frozen=True)
class UserFilters:
    role: str | None = None
    country: str | None = None


def users_page(filters: UserFilters, page: int, per_page: int) -> Page:
    """Users by e-mail, narrowed to a role and/or a member state."""
    statement = select(User).options(selectinload(User.country))
    if filters.role:
        statement = statement.where(User.role == filters.role)
    if filters.country:
        statement = statement.where(User.country_code == filters.country.upper())
    return paginate(statement.order_by(User.email), page, per_page)
