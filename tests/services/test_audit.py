"""The audit log as the administration pages read it: filters, newest first, the fields each
change touched, the CSV rows, and the user list."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from flask import Flask
from sqlalchemy import select

from directory.extensions import db
from directory.models import Change, Contact, User
from directory.services.actors import Actor
from directory.services.audit import (
    AUDIT_CSV_HEADER,
    AuditFilters,
    UserFilters,
    audit_entries,
    changed_fields_text,
    changes_about_user,
    changes_by_user,
    iter_audit_rows,
    plain_value,
    users_page,
)
from directory.services.contacts import create_contact, update_contact
from directory.services.users import create_user, update_user
from tests.factories import PASSWORD, contact_data

SYSTEM = Actor.system("tests")


def haiti() -> Contact:
    return create_contact(
        SYSTEM,
        contact_data("HT", time_zone="America/Port-au-Prince", channels=[], city="Jacmel"),
    )


@pytest.fixture
def log(users: dict[str, User]) -> dict[str, Contact]:
    """Three user accounts (made by "tests"), then three contacts and one update."""
    jamaica = create_contact(SYSTEM, contact_data())
    made = {
        "jamaica": jamaica,
        "haiti": haiti(),
        "by_editor": create_contact(
            Actor.of(users["editor"]), contact_data(position_title="Deputy")
        ),
    }
    update_contact(SYSTEM, jamaica.public_id, contact_data(city="Montego Bay"), jamaica.version)
    return made


def ids(filters: AuditFilters) -> list[str]:
    return [entry.change.entity_id for entry in audit_entries(filters, 1, 100).items]


def dated(entity_id: str, when: datetime) -> None:
    change = db.session.scalar(select(Change).where(Change.entity_id == entity_id))
    assert change is not None
    change.created_at = when
    db.session.commit()


# --- filters ---------------------------------------------------------------------------------


def test_everything_newest_first(log: dict[str, Contact]) -> None:
    jm, ht, deputy = (log[key].public_id for key in ("jamaica", "haiti", "by_editor"))
    assert ids(AuditFilters()) == [
        jm,
        deputy,
        ht,
        jm,
        "viewer@example.org",
        "editor.jm@example.org",
        "admin@example.org",
    ]


def test_by_kind_of_entity(log: dict[str, Contact]) -> None:
    assert len(ids(AuditFilters(entity="contact"))) == 4
    assert ids(AuditFilters(entity="user")) == [
        "viewer@example.org",
        "editor.jm@example.org",
        "admin@example.org",
    ]


def test_by_actor_in_any_case(log: dict[str, Contact]) -> None:
    assert ids(AuditFilters(actor=" Editor.JM@Example.org ")) == [log["by_editor"].public_id]
    assert len(ids(AuditFilters(actor="tests"))) == 6
    assert ids(AuditFilters(actor="editor")) == []  # the whole address, not a part


def test_by_state_a_contacts_and_an_editors_account(log: dict[str, Contact]) -> None:
    jm, deputy = log["jamaica"].public_id, log["by_editor"].public_id
    assert ids(AuditFilters(country="jm")) == [jm, deputy, jm, "editor.jm@example.org"]
    assert ids(AuditFilters(country="HT")) == [log["haiti"].public_id]
    assert ids(AuditFilters(country="CU")) == []


def test_by_utc_day_both_ends_included(log: dict[str, Contact]) -> None:
    haiti_id, deputy_id = log["haiti"].public_id, log["by_editor"].public_id
    dated(haiti_id, datetime(2024, 1, 10, 23, 59, 59, tzinfo=UTC))
    dated(deputy_id, datetime(2024, 1, 11, 0, 0, tzinfo=UTC))
    one_day = AuditFilters(date_from=date(2024, 1, 10), date_to=date(2024, 1, 10))
    assert ids(one_day) == [haiti_id]
    assert ids(AuditFilters(date_from=date(2024, 1, 11), date_to=date(2024, 1, 11))) == [deputy_id]
    assert ids(AuditFilters(date_to=date(2024, 1, 11))) == [deputy_id, haiti_id]
    assert haiti_id not in ids(AuditFilters(date_from=date(2024, 1, 11)))


def test_filters_combine(log: dict[str, Contact]) -> None:
    filters = AuditFilters(country="JM", entity="contact", actor="tests")
    assert ids(filters) == [log["jamaica"].public_id] * 2


# --- entries ---------------------------------------------------------------------------------


def test_entries_carry_the_state_the_fields_and_the_account(
    log: dict[str, Contact], users: dict[str, User]
) -> None:
    update, creation = audit_entries(AuditFilters(country="JM", entity="contact"), 1, 2).items
    assert update.change.action == "update" and update.country == "JM"
    assert update.fields == [("city", "Kingston", "Montego Bay")]  # the version is not a field
    assert creation.fields == []  # a creation would only repeat the record
    assert update.user_id is None
    [account] = audit_entries(AuditFilters(actor="tests", entity="user"), 1, 1).items
    assert account.user_id == users["viewer"].id
    assert account.country is None
    editor = audit_entries(AuditFilters(country="JM", entity="user"), 1, 10).items
    assert [(entry.country, entry.user_id) for entry in editor] == [("JM", users["editor"].id)]


def test_entries_a_page_at_a_time(log: dict[str, Contact]) -> None:
    first = audit_entries(AuditFilters(), 1, 3)
    second = audit_entries(AuditFilters(), 3, 3)
    assert (first.total, first.pages, len(first.items)) == (7, 3, 3)
    assert [entry.change.entity_id for entry in second.items] == ["admin@example.org"]


def test_a_page_past_the_last_is_the_last_one(log: dict[str, Contact]) -> None:
    found = audit_entries(AuditFilters(), 9, 3)
    assert [entry.change.entity_id for entry in found.items] == ["admin@example.org"]
    assert (found.page, found.pages) == (3, 3)


# --- CSV rows --------------------------------------------------------------------------------


def test_csv_rows_match_the_header_newest_first(log: dict[str, Contact]) -> None:
    rows = list(iter_audit_rows(AuditFilters(country="JM")))
    assert all(len(row) == len(AUDIT_CSV_HEADER) for row in rows)
    assert [row[4:6] for row in rows] == [
        ("contact", log["jamaica"].public_id),
        ("contact", log["by_editor"].public_id),
        ("contact", log["jamaica"].public_id),
        ("user", "editor.jm@example.org"),
    ]
    update = rows[0]
    assert update[0] > rows[1][0]  # seq
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", str(update[1]))
    assert update[2:4] == ("tests", "update")
    assert update[6:] == ("JM", "city: Kingston -> Montego Bay")
    assert rows[1][2] == "editor.jm@example.org" and rows[1][7] == ""


def test_csv_rows_show_times_in_utc(log: dict[str, Contact]) -> None:
    dated(log["haiti"].public_id, datetime(2024, 1, 10, 23, 59, 59, tzinfo=UTC))
    [row] = iter_audit_rows(AuditFilters(country="HT"))
    assert row[1] == "2024-01-10T23:59:59Z"


def test_values_as_text() -> None:
    assert plain_value(None) == ""
    assert plain_value("Kingston") == "Kingston"
    assert plain_value(["en", "es"]) == '["en", "es"]'
    assert plain_value({"a": "é"}) == '{"a": "é"}'
    assert plain_value(2) == "2"
    assert (
        changed_fields_text([("city", None, "Jacmel"), ("rank", 1, 2)])
        == "city:  -> Jacmel; rank: 1 -> 2"
    )


# --- one user --------------------------------------------------------------------------------


def test_changes_about_a_user_newest_first(users: dict[str, User]) -> None:
    update_user(SYSTEM, "viewer@example.org", role="editor", country_code="JM", name="V")
    update_user(SYSTEM, "viewer@example.org", role="admin", country_code=None, name="V")
    about = changes_about_user("viewer@example.org")
    assert [entry.change.action for entry in about] == ["update", "update", "create"]
    assert dict((name, new) for name, _, new in about[0].fields)["role"] == "admin"
    assert about[1].country == "JM"
    assert len(changes_about_user("viewer@example.org", limit=2)) == 2
    assert changes_about_user("ghost@example.org") == []


def test_changes_by_a_user_newest_first(users: dict[str, User]) -> None:
    editor = Actor.of(users["editor"])
    first = create_contact(editor, contact_data(position_title="First"))
    second = create_contact(editor, contact_data(position_title="Second"))
    create_contact(SYSTEM, contact_data(position_title="Not theirs"))
    made = changes_by_user(users["editor"].id)
    assert [entry.change.entity_id for entry in made] == [second.public_id, first.public_id]
    assert [entry.change.entity_id for entry in changes_by_user(users["editor"].id, 1)] == [
        second.public_id
    ]
    assert changes_by_user(users["viewer"].id) == []


# --- users -----------------------------------------------------------------------------------


def test_users_by_email_narrowed_by_role_and_state(users: dict[str, User]) -> None:
    create_user(SYSTEM, "editor.ht@example.org", PASSWORD, role="editor", country_code="HT")
    create_user(SYSTEM, "another.jm@example.org", PASSWORD, role="editor", country_code="JM")

    def emails(filters: UserFilters, page: int = 1, per_page: int = 10) -> list[str]:
        return [user.email for user in users_page(filters, page, per_page).items]

    assert emails(UserFilters()) == [
        "admin@example.org",
        "another.jm@example.org",
        "editor.ht@example.org",
        "editor.jm@example.org",
        "viewer@example.org",
    ]
    assert emails(UserFilters(role="editor", country="jm")) == [
        "another.jm@example.org",
        "editor.jm@example.org",
    ]
    assert emails(UserFilters(role="viewer")) == ["viewer@example.org"]
    assert emails(UserFilters(country="HT")) == ["editor.ht@example.org"]
    assert emails(UserFilters(), page=2, per_page=2) == [
        "editor.ht@example.org",
        "editor.jm@example.org",
    ]
    assert users_page(UserFilters(), 1, 2).total == 5


def test_an_empty_log_has_no_entries_and_no_rows(app: Flask) -> None:
    assert audit_entries(AuditFilters(), 1, 10).total == 0
    assert list(iter_audit_rows(AuditFilters())) == []
