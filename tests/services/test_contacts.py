from __future__ import annotations

import pytest
from sqlalchemy import func, select

from directory.extensions import db
from directory.models import Change, Contact, User
from directory.services.actors import Actor
from directory.services.contacts import (
    archive_contact,
    create_contact,
    is_public_id,
    restore_contact,
    update_contact,
    verify_contact,
)
from directory.services.errors import (
    NotFound,
    PermissionDenied,
    ValidationFailed,
    VersionConflict,
)
from tests.factories import contact_data


def changes_of(public_id: str) -> list[Change]:
    return list(
        db.session.scalars(select(Change).where(Change.entity_id == public_id).order_by(Change.seq))
    )


def test_create_writes_the_contact_and_a_change_with_after(users: dict[str, User]) -> None:
    contact = create_contact(Actor.of(users["editor"]), contact_data())
    assert is_public_id(contact.public_id)
    assert contact.version == 1
    assert contact.rank == 1
    assert contact.channels[0].value == "+18769069674"  # stored in E.164
    [change] = changes_of(contact.public_id)
    assert change.action == "create"
    assert change.before is None
    assert change.after["holder_family_name"] == "O'Neil"
    assert change.after["channels"][0]["value"] == "+18769069674"
    assert change.actor_id == users["editor"].id
    assert change.actor_label == "editor.jm@example.org"


def test_new_contacts_go_to_the_end_of_the_calling_order(users: dict[str, User]) -> None:
    actor = Actor.of(users["admin"])
    first = create_contact(actor, contact_data())
    second = create_contact(actor, contact_data(position_title="Deputy"))
    other_area = create_contact(actor, contact_data(area="environmental-security"))
    assert (first.rank, second.rank, other_area.rank) == (1, 2, 1)


def test_update_records_before_and_after_and_bumps_the_version(users: dict[str, User]) -> None:
    actor = Actor.of(users["editor"])
    contact = create_contact(actor, contact_data())
    updated = update_contact(
        actor, contact.public_id, contact_data(holder_family_name="Núñez"), expected_version=1
    )
    assert updated.version == 2
    change = changes_of(contact.public_id)[-1]
    assert change.action == "update"
    assert change.before["holder_family_name"] == "O'Neil"
    assert change.after["holder_family_name"] == "Núñez"
    assert ("holder_family_name", "O'Neil", "Núñez") in change.changed_fields()


def test_update_against_an_old_version_is_refused_and_writes_nothing(
    users: dict[str, User],
) -> None:
    actor = Actor.of(users["editor"])
    contact = create_contact(actor, contact_data())
    update_contact(actor, contact.public_id, contact_data(city="Spanish Town"), expected_version=1)
    with pytest.raises(VersionConflict) as caught:
        update_contact(actor, contact.public_id, contact_data(city="Montego Bay"), 1)
    assert caught.value.current == 2
    stored = db.session.scalar(select(Contact).where(Contact.public_id == contact.public_id))
    assert stored.city == "Spanish Town"
    assert len(changes_of(contact.public_id)) == 2


@pytest.mark.parametrize(
    ("action", "expected_status"),
    [(archive_contact, "archived")],
)
def test_archive_and_restore_are_logged(users: dict[str, User], action, expected_status) -> None:
    actor = Actor.of(users["admin"])
    contact = create_contact(actor, contact_data())
    archived = action(actor, contact.public_id, expected_version=1)
    assert archived.status == expected_status
    restored = restore_contact(actor, contact.public_id)
    assert restored.status == "active"
    actions = [
        (c.action, c.before["status"] if c.before else None, c.after["status"])
        for c in changes_of(contact.public_id)
    ]
    assert actions == [
        ("create", None, "active"),
        ("archive", "active", "archived"),
        ("restore", "archived", "active"),
    ]
    assert restored.version == 3


def test_archiving_twice_logs_once(users: dict[str, User]) -> None:
    actor = Actor.of(users["admin"])
    contact = create_contact(actor, contact_data())
    archive_contact(actor, contact.public_id)
    archive_contact(actor, contact.public_id)
    assert [c.action for c in changes_of(contact.public_id)] == ["create", "archive"]


def test_verify_sets_who_and_when(users: dict[str, User]) -> None:
    contact = create_contact(Actor.of(users["admin"]), contact_data())
    assert contact.verified_at is None
    verified = verify_contact(Actor.of(users["editor"]), contact.public_id)
    assert verified.verified_at is not None
    assert verified.verified_by_id == users["editor"].id
    change = changes_of(contact.public_id)[-1]
    assert change.action == "verify"
    assert change.before["verified_at"] is None
    assert change.after["verified_by"] == "editor.jm@example.org"


def test_editor_cannot_write_another_states_contacts(users: dict[str, User]) -> None:
    admin, editor = Actor.of(users["admin"]), Actor.of(users["editor"])
    haiti = create_contact(
        admin,
        contact_data(
            country="HT", time_zone="America/Port-au-Prince", channels=[], languages=["fr"]
        ),
    )
    before = db.session.scalar(select(func.count()).select_from(Change))
    with pytest.raises(PermissionDenied):
        create_contact(editor, contact_data(country="HT", channels=[]))
    with pytest.raises(PermissionDenied):
        update_contact(editor, haiti.public_id, contact_data(country="HT", channels=[]), 1)
    with pytest.raises(PermissionDenied):
        archive_contact(editor, haiti.public_id)
    with pytest.raises(PermissionDenied):
        verify_contact(editor, haiti.public_id)
    with pytest.raises(PermissionDenied):
        update_contact(editor, haiti.public_id, contact_data(country="JM"), 1)
    assert db.session.scalar(select(func.count()).select_from(Change)) == before


def test_viewer_cannot_write(users: dict[str, User]) -> None:
    with pytest.raises(PermissionDenied):
        create_contact(Actor.of(users["viewer"]), contact_data())


def test_validation_names_every_bad_field(users: dict[str, User]) -> None:
    from directory.services.validation import ChannelData

    bad = contact_data(
        organisation="  ",
        time_zone="Mars/Olympus",
        languages=["english"],
        channels=[
            ChannelData("phone", "12345", ""),
            ChannelData("email", "not an address", ""),
            ChannelData("website", "javascript:alert(1)", ""),
        ],
        hours=[{"days": [0], "opens": "25:00", "closes": "17:00"}],
    )
    with pytest.raises(ValidationFailed) as caught:
        create_contact(Actor.of(users["admin"]), bad)
    errors = caught.value.errors
    assert set(errors) >= {
        "organisation",
        "time_zone",
        "languages",
        "channels-0",
        "channels-1",
        "channels-2",
        "hours",
    }
    assert db.session.scalar(select(func.count()).select_from(Contact)) == 0


def test_unknown_country_and_area_are_validation_errors(users: dict[str, User]) -> None:
    with pytest.raises(ValidationFailed) as caught:
        create_contact(Actor.system("tests"), contact_data(country="FR", area="nope"))
    assert set(caught.value.errors) == {"country", "area"}


def test_text_is_normalised_and_control_characters_dropped(users: dict[str, User]) -> None:
    contact = create_contact(
        Actor.system("tests"),
        contact_data(
            organisation="  Ministry of\x00 Transport,\tWorks  ", notes="line 1\r\nline 2"
        ),
    )
    assert contact.organisation == "Ministry of Transport, Works"
    assert contact.notes == "line 1\nline 2"


def test_unknown_or_malformed_ids_are_not_found(users: dict[str, User]) -> None:
    actor = Actor.of(users["admin"])
    for public_id in ("zzzzzzzzzzzz", "../etc", "", "x" * 500):
        with pytest.raises(NotFound):
            verify_contact(actor, public_id)


@pytest.mark.parametrize("zone", ["A" * 300, "Factory", "localtime", "../../etc/passwd", ""])
def test_only_real_time_zones_are_accepted(users: dict[str, User], zone: str) -> None:
    """The same rule for the form, the API and the CSV: no file-system look-up error, no
    placeholder zone of the database."""
    with pytest.raises(ValidationFailed) as caught:
        create_contact(Actor.system("tests"), contact_data(time_zone=zone))
    assert set(caught.value.errors) == {"time_zone"}


def test_a_save_that_changes_nothing_writes_nothing(users: dict[str, User]) -> None:
    """No new version (which would give other editors a needless conflict), no Change row."""
    actor = Actor.of(users["admin"])
    contact = create_contact(actor, contact_data())
    changes = db.session.scalar(select(func.count()).select_from(Change))
    same = update_contact(actor, contact.public_id, contact_data(), contact.version)
    assert same.version == 1
    assert db.session.scalar(select(func.count()).select_from(Change)) == changes
    # written as people type it (a phone with spaces) is the same once cleaned
    retyped = contact_data(city="  Kingston ")
    assert update_contact(actor, contact.public_id, retyped, 1).version == 1
    moved = update_contact(actor, contact.public_id, contact_data(city="Montego Bay"), 1)
    assert moved.version == 2
