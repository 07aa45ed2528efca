"""Read models for the pages: the coverage matrix and contact listings, in a fixed number of
queries whatever the number of contacts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import cast

from sqlalchemy import and_, case, func, or_, select

from ..extensions import db
from ..models import Area, Change, Channel, Contact, ContactStatus, Country
from ..reference.vocabulary import vocabulary
from ..text import fold
from .contacts import is_public_id
from .paging import Page, paginate
from .records import reference_records


class Freshness(StrEnum):
    EMPTY = "empty"  # no contact at all: a coverage gap
    FRESH = "fresh"  # every contact verified within the threshold
    AGEING = "ageing"  # all within the threshold, but the oldest is in its last quarter
    STALE = "stale"  # at least one contact past the threshold or never verified


@dataclass(frozen=True)
class Cell:
    count: int
    has_24_7: bool
    stale: int
    freshness: Freshness


EMPTY_CELL = Cell(0, False, 0, Freshness.EMPTY)


@dataclass(frozen=True)
class Coverage:
    countries: list[Country]
    areas: list[Area]
    cells: dict[tuple[str, int], Cell]

    def cell(self, country: Country, area: Area) -> Cell:
        return self.cells.get((country.code, area.id), EMPTY_CELL)

    @property
    def gaps(self) -> int:
        return len(self.countries) * len(self.areas) - sum(
            1 for cell in self.cells.values() if cell.count
        )


def count_active_contacts() -> int:
    return db.session.scalar(select(func.count()).select_from(contacts_query().subquery())) or 0


def member_states() -> list[Country]:
    """The 35 member states (read-only records, kept per process: see services/records.py)."""
    return cast("list[Country]", list(reference_records()[0].values()))


def active_areas() -> list[Area]:
    """The mandate areas in their order (read-only records, as member_states)."""
    areas = cast("list[Area]", list(reference_records()[1].values()))
    return sorted(areas, key=lambda area: area.position)


def coverage_matrix(now: datetime, stale_after_days: int) -> Coverage:
    cutoff = now - timedelta(days=stale_after_days)
    ageing_cutoff = now - timedelta(days=stale_after_days * 3 / 4)
    is_stale = or_(Contact.verified_at.is_(None), Contact.verified_at < cutoff)
    rows = db.session.execute(
        select(
            Contact.country_code,
            Contact.area_id,
            func.count(Contact.id),
            func.max(case((Contact.has_24_7.is_(True), 1), else_=0)),
            func.sum(case((is_stale, 1), else_=0)),
            func.sum(case((and_(~is_stale, Contact.verified_at < ageing_cutoff), 1), else_=0)),
        )
        .where(Contact.status == ContactStatus.ACTIVE.value)
        .group_by(Contact.country_code, Contact.area_id)
    ).all()
    cells = {}
    for country_code, area_id, count, has_24_7, stale, ageing in rows:
        if stale:
            freshness = Freshness.STALE
        elif ageing:
            freshness = Freshness.AGEING
        else:
            freshness = Freshness.FRESH
        cells[(country_code, area_id)] = Cell(count, bool(has_24_7), int(stale or 0), freshness)
    countries = member_states()
    return Coverage(countries, active_areas(), cells)


def contacts_query():
    return select(Contact).where(Contact.status == ContactStatus.ACTIVE.value)


def listed_contacts(country_code: str | None = None, area_id: int | None = None):
    """Active contacts, of a state and an area if given, in calling order."""
    statement = contacts_query()
    if country_code:
        statement = statement.where(Contact.country_code == country_code)
    if area_id is not None:
        statement = statement.where(Contact.area_id == area_id)
    return statement.join(Area, Area.id == Contact.area_id).order_by(
        Contact.country_code, Area.position, Contact.rank, Contact.id
    )


@dataclass(frozen=True)
class Listing:
    """The first contacts of each group in calling order, and how many each group has."""

    groups: dict
    totals: dict

    def more(self, key: object) -> int:
        return self.totals.get(key, 0) - len(self.groups.get(key, []))


def _first_of_each(group_column, filters: list, limit: int) -> list[Contact]:
    """The first ``limit`` active contacts of each group, in one query."""
    position = (
        func.row_number()
        .over(partition_by=group_column, order_by=(Contact.rank, Contact.id))
        .label("position")
    )
    ranked = (
        select(Contact.id, position)
        .where(Contact.status == ContactStatus.ACTIVE.value, *filters)
        .subquery()
    )
    return list(
        db.session.scalars(
            select(Contact)
            .join(ranked, ranked.c.id == Contact.id)
            .where(ranked.c.position <= limit)
            .order_by(group_column, Contact.rank, Contact.id)
        )
    )


def _totals(group_column, filters: list) -> dict:
    return dict(
        db.session.execute(
            select(group_column, func.count(Contact.id))
            .where(Contact.status == ContactStatus.ACTIVE.value, *filters)
            .group_by(group_column)
        )
        .tuples()
        .all()
    )


def is_country_code(code: str) -> bool:
    return len(code) == 2 and code.isascii() and code.isalpha()


def country_contacts(code: str, per_area: int) -> tuple[Country, list[Area], Listing] | None:
    """A state, the areas, and the first ``per_area`` contacts of each area in calling order."""
    if not is_country_code(code):
        return None
    country = db.session.get(Country, code.upper())
    if country is None:
        return None
    areas = active_areas()
    filters = [Contact.country_code == country.code]
    groups: dict[int, list[Contact]] = {area.id: [] for area in areas}
    for contact in _first_of_each(Contact.area_id, filters, per_area):
        groups.setdefault(contact.area_id, []).append(contact)
    return country, areas, Listing(groups, _totals(Contact.area_id, filters))


def area_contacts(slug: str, per_country: int) -> tuple[Area, list[Country], Listing] | None:
    """An area, every state, and the first ``per_country`` contacts of each state for it."""
    area = db.session.scalar(select(Area).where(Area.slug == slug)) if len(slug) < 65 else None
    if area is None:
        return None
    countries = member_states()
    filters = [Contact.area_id == area.id]
    groups: dict[str, list[Contact]] = {country.code: [] for country in countries}
    for contact in _first_of_each(Contact.country_code, filters, per_country):
        groups.setdefault(contact.country_code, []).append(contact)
    return area, countries, Listing(groups, _totals(Contact.country_code, filters))


def country_area_page(
    code: str, slug: str, page: int, per_page: int
) -> tuple[Country, Area, Page] | None:
    """Every active contact of one state for one area, a page at a time."""
    if not is_country_code(code) or len(slug) > 64:
        return None
    country = db.session.get(Country, code.upper())
    area = db.session.scalar(select(Area).where(Area.slug == slug))
    if country is None or area is None:
        return None
    statement = (
        contacts_query()
        .where(Contact.country_code == country.code, Contact.area_id == area.id)
        .order_by(Contact.rank, Contact.id)
    )
    return country, area, paginate(statement, page, per_page)


def contact_with_history(public_id: str) -> tuple[Contact, list[Change]] | None:
    if not is_public_id(public_id):
        return None
    contact = db.session.scalar(select(Contact).where(Contact.public_id == public_id))
    if contact is None:
        return None
    history = list(
        db.session.scalars(
            select(Change).where(Change.contact_id == contact.id).order_by(Change.seq.desc())
        )
    )
    return contact, history


def alternates_of(contact: Contact) -> list[Contact]:
    """The other active contacts of the same state and area, in calling order."""
    return list(
        db.session.scalars(
            contacts_query()
            .where(
                Contact.country_code == contact.country_code,
                Contact.area_id == contact.area_id,
                Contact.id != contact.id,
            )
            .order_by(Contact.rank, Contact.id)
        )
    )


def _like_pattern(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _names_matching(word: str, areas: list[Area]) -> tuple[set[str], list[int]]:
    """States and areas a word names (any language, synonyms, an unfinished or misspelt word)."""
    names = vocabulary()
    folded = fold(word)
    slugs = names.lookup(names.areas, folded, last=True)
    return names.lookup(names.countries, folded, last=True), [
        area.id for area in areas if area.slug in slugs
    ]


def simple_search(query: str, page: int, per_page: int) -> Page:
    """Every word must appear in a contact's post, holder, organisation, unit, city, a channel,
    or the name of its state or area (in any of the four languages).

    A plain database search in a fixed number of queries; the full-text index with accent
    folding, ranking and typo tolerance replaces it.
    """
    words = [word for word in query.split() if word][:10]
    if not words:
        return Page([], 0, 1, per_page)
    statement = contacts_query()
    areas = active_areas()
    fields = [
        Contact.organisation,
        Contact.unit,
        Contact.position_title,
        Contact.holder_given_name,
        Contact.holder_family_name,
        Contact.city,
    ]
    for word in words:
        pattern = _like_pattern(word)
        channel_patterns = [pattern]
        digits = "".join(char for char in word if char.isdigit())
        if len(digits) >= 3:
            channel_patterns.append(_like_pattern(digits))  # 876-523-0023 finds +18765230023
        codes, area_ids = _names_matching(word, areas)
        statement = statement.where(
            or_(
                *(field.ilike(pattern, escape="\\") for field in fields),
                Contact.country_code.in_(codes),
                Contact.area_id.in_(area_ids),
                Contact.id.in_(
                    select(Channel.contact_id).where(
                        or_(*(Channel.value.ilike(p, escape="\\") for p in channel_patterns))
                    )
                ),
            )
        )
    return paginate(
        statement.order_by(Contact.rank, Contact.country_code, Contact.id), page, per_page
    )
