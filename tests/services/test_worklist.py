"""An editor's work list: the state's entries that need confirming and the areas with no
contact, in a fixed number of queries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Flask

from directory.extensions import db
from directory.models import Contact
from directory.services.actors import Actor
from directory.services.contacts import archive_contact, create_contact
from directory.services.worklist import state_worklist
from tests.conftest import QueryCounter
from tests.factories import contact_data

SYSTEM = Actor.system("tests")
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
DAYS = 180


def jamaica(title: str, verified_days_ago: float | None, **changes: object) -> Contact:
    verified = None if verified_days_ago is None else NOW - timedelta(days=verified_days_ago)
    return create_contact(
        SYSTEM, contact_data(position_title=title, **changes), verified_at=verified
    )


def stale_titles(country: str = "JM", limit: int = 50) -> list[str]:
    found = state_worklist(country, NOW, DAYS, limit)
    assert found is not None
    return [contact.position_title for contact in found.stale]


def test_never_verified_first_then_the_longest_unconfirmed(app: Flask) -> None:
    jamaica("Fresh", 10)
    jamaica("Old", 400)
    jamaica("Never", None, area="environmental-security")
    jamaica("Older", 900)
    jamaica("Never too", None)
    assert stale_titles() == ["Never too", "Never", "Older", "Old"]


def test_an_entry_is_stale_only_once_the_threshold_has_passed(app: Flask) -> None:
    jamaica("Exactly at the threshold", DAYS)
    jamaica("A second past it", DAYS + 1 / 86400)
    assert stale_titles() == ["A second past it"]


def test_only_the_states_active_entries(app: Flask) -> None:
    jamaica("Ours", None)
    archive_contact(SYSTEM, jamaica("Archived", None).public_id)
    create_contact(
        SYSTEM,
        contact_data("HT", time_zone="America/Port-au-Prince", channels=[], position_title="HT"),
    )
    found = state_worklist("jm", NOW, DAYS)
    assert found is not None
    assert found.country.code == "JM"
    assert [contact.position_title for contact in found.stale] == ["Ours"]
    assert (found.stale_total, found.active_total) == (1, 1)


def test_a_long_list_is_cut_and_says_how_many_more(app: Flask) -> None:
    for i in range(5):
        jamaica(f"Stale {i}", 300 + i)
    jamaica("Fresh", 1)
    found = state_worklist("JM", NOW, DAYS, limit=3)
    assert found is not None
    assert [contact.position_title for contact in found.stale] == ["Stale 4", "Stale 3", "Stale 2"]
    assert (found.stale_total, found.stale_more, found.active_total) == (5, 2, 6)


def test_a_list_exactly_the_size_of_the_limit_has_no_more(app: Flask) -> None:
    for i in range(3):
        jamaica(f"Stale {i}", 300 + i)
    found = state_worklist("JM", NOW, DAYS, limit=3)
    assert found is not None
    assert (len(found.stale), found.stale_total, found.stale_more) == (3, 3, 0)


def test_gaps_are_the_areas_with_no_active_contact(app: Flask) -> None:
    jamaica("Disaster", 1)
    archive_contact(SYSTEM, jamaica("Gone", 1, area="transportation-security").public_id)
    found = state_worklist("JM", NOW, DAYS)
    assert found is not None
    assert [area.slug for area in found.gaps] == [
        "environmental-security",
        "transportation-security",
        "critical-infrastructure",
    ]
    assert found.stale == []


def test_a_state_with_nothing_has_every_area_as_a_gap(app: Flask) -> None:
    found = state_worklist("HT", NOW, DAYS)
    assert found is not None
    assert len(found.gaps) == 4
    assert (found.stale, found.stale_total, found.active_total) == ([], 0, 0)


def test_no_work_list_for_what_is_not_a_member_state(app: Flask) -> None:
    for code in ("", "J", "JAM", "J1", "XX", "ÉÉ"):
        assert state_worklist(code, NOW, DAYS) is None, code


def test_the_number_of_queries_does_not_grow_with_the_state(
    app: Flask, count_queries: QueryCounter
) -> None:
    def measure() -> int:
        db.session.remove()
        count_queries.statements.clear()
        found = state_worklist("JM", NOW, DAYS, limit=3)
        assert found is not None and len(found.stale) == 3
        return count_queries.count

    for i in range(4):
        jamaica(f"Stale {i}", None)
    measure()  # the member states and areas are read once per process
    small = measure()
    for i in range(20):
        jamaica(f"More {i}", None, area="environmental-security")
    assert measure() == small
