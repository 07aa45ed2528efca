"""Which contacts a CSV export holds, read from the database and written with the CSV format
(``exports.csvfile``, which is pure)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime

from sqlalchemy import Select, func, select

from ..exports.csvfile import contact_row, csv_chunks, format_utc, header
from ..extensions import db
from ..models import Area, Channel, Contact, ContactStatus
from .selection import Scope, contacts_in, count_in


def _filtered(statement: Select, country: str | None, area: str | None) -> Select:
    statement = statement.where(Contact.status == ContactStatus.ACTIVE.value)
    if country:
        statement = statement.where(Contact.country_code == country)
    if area:
        statement = statement.join(Area, Area.id == Contact.area_id).where(Area.slug == area)
    return statement


def count_contacts(country: str | None, area: str | None) -> int:
    if not (country and area):
        return count_in(_scope(country, area))
    statement = _filtered(select(func.count(Contact.id)), country, area)
    return db.session.scalar(statement) or 0


def most_channels(country: str | None, area: str | None) -> int:
    """The most channels one contact of the export has: how many channel columns it needs."""
    per_contact = _filtered(
        select(func.count(Channel.id).label("n"))
        .join(Contact, Contact.id == Channel.contact_id)
        .group_by(Channel.contact_id),
        country,
        area,
    ).subquery()
    return db.session.scalar(select(func.max(per_contact.c.n))) or 0


def _scope(country: str | None, area: str | None) -> Scope:
    if country:
        return Scope("country", country)
    if area:
        return Scope("area", area)
    return Scope()


def scope_label(country: str | None, area: str | None) -> str:
    """As the export log records it: "all", "country:JM", "country:JM,area:<slug>"."""
    if country and area:
        return f"country:{country},area:{area}"
    return _scope(country, area).label


def export_chunks(
    country: str | None,
    area: str | None,
    exported_at: datetime,
    progress: Callable[[int], None] | None = None,
) -> Iterator[str]:
    """The active contacts of a state and/or an area (or all), in calling order, as CSV text."""
    channel_count = most_channels(country, area)
    stamp = format_utc(exported_at)

    def rows() -> Iterator[list[str]]:
        for contact in contacts_in(_scope(country, area)):
            if country and area and contact.area.slug != area:
                continue
            yield contact_row(contact, channel_count, stamp)
            if progress is not None:
                progress(1)

    return csv_chunks(header(channel_count), rows())
