"""Reference data (member states, mandate areas) and the fictional demo directory."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from ..extensions import db
from ..models import Area, Contact, Country, Role, User
from ..models.base import utcnow
from ..reference import AREAS, COUNTRIES
from .actors import Actor
from .contacts import create_contact, data_from_snapshot, public_id_from_key
from .records import forget_reference_records
from .transaction import projections_deferred, write_transaction
from .users import create_user
from .validation import ContactData

DEMO_USERS = (
    ("admin@example.org", "Secretariat Administrator", Role.ADMIN.value, None),
    ("editor.jm@example.org", "Jamaica Focal Point", Role.EDITOR.value, "JM"),
    ("viewer@example.org", "Duty Analyst", Role.VIEWER.value, None),
)


@dataclass
class SeedReport:
    countries: int = 0
    areas: int = 0
    contacts_created: int = 0
    contacts_existing: int = 0
    users_created: list[tuple[str, str, str]] | None = None  # (email, role, password)


def seed_reference() -> tuple[int, int]:
    """Insert or refresh the 35 member states and 4 mandate areas. Returns how many were new."""
    new_countries = new_areas = 0
    with write_transaction() as session:
        for ref in COUNTRIES:
            country = session.get(Country, ref.code)
            if country is None:
                country = Country(code=ref.code)
                session.add(country)
                new_countries += 1
            country.names = dict(ref.names)
            country.phone_region = ref.phone_region
            country.time_zones = list(ref.time_zones)
        for area_ref in AREAS:
            area = session.scalar(select(Area).where(Area.slug == area_ref.slug))
            if area is None:
                area = Area(slug=area_ref.slug)
                session.add(area)
                new_areas += 1
            area.position = area_ref.position
            area.names = dict(area_ref.names)
            area.descriptions = dict(area_ref.descriptions)
            area.synonyms = {lang: list(words) for lang, words in area_ref.synonyms.items()}
    forget_reference_records()
    return new_countries, new_areas


def demo_contact_data(spec: dict) -> ContactData:
    """Demo specs are written in the same shape as a recorded version of a contact."""
    return data_from_snapshot(spec)


def seed_demo(
    specs: Iterable[dict] | None = None, progress: Callable[[int], None] | None = None
) -> SeedReport:
    """Reference data, demo users and demo contacts; running it again changes nothing."""
    report = SeedReport()
    report.countries, report.areas = seed_reference()
    system = Actor.system("seed")
    report.users_created = []
    for email, name, role, country in DEMO_USERS:
        if db.session.scalar(select(User.id).where(User.email == email)) is None:
            password = secrets.token_urlsafe(9)
            create_user(system, email, password, role=role, country_code=country, name=name)
            report.users_created.append((email, role, password))
    existing = set(db.session.scalars(select(Contact.public_id)))
    now = utcnow()
    if specs is None:
        from ..reference.demo import demo_contacts

        specs = demo_contacts()
    with projections_deferred():  # the search index catches up once, at the end
        _seed_contacts(specs, existing, now, system, report, progress)
    return report


def _seed_contacts(specs, existing, now, system, report, progress) -> None:
    for spec in specs:
        public_id = public_id_from_key(spec["key"])
        if public_id in existing:
            report.contacts_existing += 1
        else:
            days = spec.get("verified_days_ago")
            create_contact(
                system,
                demo_contact_data(spec),
                public_id=public_id,
                verified_at=None if days is None else now - timedelta(days=days),
            )
            report.contacts_created += 1
        if progress:
            progress(1)
