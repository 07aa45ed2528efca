"""Seeding: the reference data refreshed in place, and the demo directory added once, its users
with passwords of their own, every contact written through the service."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import delete, func, select

from directory.extensions import db
from directory.models import Area, Change, Contact, Country, User
from directory.reference import AREAS, COUNTRIES
from directory.reference.demo import demo_contacts
from directory.services import seed
from directory.services.browse import active_areas
from directory.services.contacts import public_id_from_key
from directory.services.seed import DEMO_USERS, seed_demo, seed_reference
from directory.services.transaction import after_commit_hooks, on_commit
from directory.services.users import authenticate

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


@pytest.fixture(scope="module")
def specs() -> list[dict]:
    """Three demo contacts: one state, the first two areas."""
    return demo_contacts()[:3]


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(seed, "utcnow", lambda: NOW)


# --- reference data --------------------------------------------------------------------------


def test_reference_data_is_all_there_and_seeding_again_adds_nothing(app: Flask) -> None:
    assert (count(Country), count(Area)) == (len(COUNTRIES), len(AREAS)) == (35, 4)
    assert seed_reference() == (0, 0)
    assert (count(Country), count(Area)) == (35, 4)


def test_reference_data_is_refreshed_in_place(app: Flask) -> None:
    jamaica = db.session.get(Country, "JM")
    assert jamaica is not None
    jamaica.names = {"en": "Somewhere else"}
    jamaica.phone_region = "ZZ"
    area = db.session.scalar(select(Area).where(Area.slug == "disaster-response"))
    assert area is not None
    area.synonyms = {}
    db.session.commit()
    assert seed_reference() == (0, 0)
    db.session.expire_all()
    jamaica = db.session.get(Country, "JM")
    assert jamaica is not None
    assert (jamaica.names["en"], jamaica.names["es"], jamaica.phone_region) == (
        "Jamaica",
        "Jamaica",
        "JM",
    )
    area = db.session.scalar(select(Area).where(Area.slug == "disaster-response"))
    assert area is not None and "civil protection" in area.synonyms["en"]


def test_missing_reference_rows_are_added_and_counted(app: Flask) -> None:
    active_areas()  # the process has read the areas once
    db.session.execute(delete(Country).where(Country.code == "TT"))
    db.session.execute(delete(Area).where(Area.slug == "critical-infrastructure"))
    db.session.commit()
    assert seed_reference() == (1, 1)
    assert (count(Country), count(Area)) == (35, 4)
    # the reference records a process keeps are read again
    assert [area.slug for area in active_areas()][-1] == "critical-infrastructure"


# --- demo directory --------------------------------------------------------------------------


def test_the_demo_adds_its_users_and_contacts(app: Flask, specs: list[dict], frozen: None) -> None:
    report = seed_demo(specs)
    assert (report.countries, report.areas) == (0, 0)
    assert (report.contacts_created, report.contacts_existing) == (3, 0)
    assert report.users_created is not None
    assert [(email, role) for email, role, _ in report.users_created] == [
        (email, role) for email, _, role, _ in DEMO_USERS
    ]
    for email, _, password in report.users_created:
        assert authenticate(email, password) is not None
    editor = db.session.scalar(select(User).where(User.email == "editor.jm@example.org"))
    assert editor is not None and editor.country_code == "JM"
    contacts = {contact.public_id: contact for contact in db.session.scalars(select(Contact))}
    assert set(contacts) == {public_id_from_key(spec["key"]) for spec in specs}
    first = contacts[public_id_from_key(specs[0]["key"])]
    assert first.verified_at == NOW - timedelta(days=specs[0]["verified_days_ago"])
    assert (first.holder_family_name, first.rank) == (
        specs[0]["holder_family_name"],
        specs[0]["rank"],
    )


def test_every_demo_contact_is_written_through_the_service(app: Flask, specs: list[dict]) -> None:
    seed_demo(specs)
    creations = list(
        db.session.scalars(select(Change).where(Change.entity == "contact").order_by(Change.seq))
    )
    assert [change.entity_id for change in creations] == [
        public_id_from_key(spec["key"]) for spec in specs
    ]
    assert {(change.action, change.actor_label, change.actor_id) for change in creations} == {
        ("create", "seed", None)
    }


def test_seeding_the_demo_again_changes_nothing(app: Flask, specs: list[dict]) -> None:
    seed_demo(specs)
    before = (count(User), count(Contact), count(Change))
    passwords = {user.email: user.password_hash for user in db.session.scalars(select(User))}
    again = seed_demo(specs)
    assert (again.contacts_created, again.contacts_existing, again.users_created) == (0, 3, [])
    assert (count(User), count(Contact), count(Change)) == before
    assert {u.email: u.password_hash for u in db.session.scalars(select(User))} == passwords


def test_new_demo_contacts_are_added_to_an_earlier_seed(app: Flask, specs: list[dict]) -> None:
    seed_demo(specs[:1])
    report = seed_demo(specs)
    assert (report.contacts_created, report.contacts_existing) == (2, 1)
    assert count(Contact) == 3


def test_progress_is_reported_per_contact(app: Flask, specs: list[dict]) -> None:
    steps: list[int] = []
    seed_demo(specs, progress=steps.append)
    seed_demo(specs, progress=steps.append)
    assert steps == [1] * 6


@pytest.fixture
def contacts_seen_by_hooks(app: Flask) -> Iterator[list[int]]:
    seen: list[int] = []

    def hook() -> None:
        seen.append(count(Contact))

    on_commit(app, hook)
    yield seen
    after_commit_hooks(app).remove(hook)


def test_projections_catch_up_once_after_the_demo_contacts(
    specs: list[dict], contacts_seen_by_hooks: list[int]
) -> None:
    seed_demo(specs)
    # the reference data and each new user are writes of their own; the contacts come in one go
    assert [seen for seen in contacts_seen_by_hooks if seen] == [3]
    assert contacts_seen_by_hooks[-1] == 3
