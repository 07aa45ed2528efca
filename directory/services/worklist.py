"""An editor's work list: the entries of their state that need confirming, and the mandate areas
the state has no contact for. A fixed number of queries whatever the number of contacts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select

from ..extensions import db
from ..models import Area, Contact, ContactStatus, Country
from .browse import active_areas, is_country_code

STALE_SHOWN = 50  # a start page, not a report: the state's page has every entry


@dataclass(frozen=True)
class Worklist:
    country: Country
    stale: list[Contact]  # never verified first, then the longest unconfirmed
    stale_total: int
    gaps: list[Area]  # mandate areas with no active contact
    active_total: int

    @property
    def stale_more(self) -> int:
        return self.stale_total - len(self.stale)


def state_worklist(
    country_code: str, now: datetime, stale_after_days: int, limit: int = STALE_SHOWN
) -> Worklist | None:
    if not is_country_code(country_code or ""):
        return None
    country = db.session.get(Country, country_code.upper())
    if country is None:
        return None
    cutoff = now - timedelta(days=stale_after_days)
    active = (Contact.country_code == country.code, Contact.status == ContactStatus.ACTIVE.value)
    is_stale = or_(Contact.verified_at.is_(None), Contact.verified_at < cutoff)
    stale = list(
        db.session.scalars(
            select(Contact)
            .where(*active, is_stale)
            .order_by(
                Contact.verified_at.is_not(None), Contact.verified_at, Contact.area_id, Contact.rank
            )
            .limit(limit)
        )
    )
    per_area = dict(
        db.session.execute(
            select(Contact.area_id, func.count(Contact.id)).where(*active).group_by(Contact.area_id)
        )
        .tuples()
        .all()
    )
    stale_total = (
        len(stale)
        if len(stale) < limit
        else db.session.scalar(select(func.count(Contact.id)).where(*active, is_stale)) or 0
    )
    gaps = [area for area in active_areas() if not per_area.get(area.id)]
    return Worklist(country, stale, stale_total, gaps, sum(per_area.values()))
