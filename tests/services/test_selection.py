"""Which contacts an export holds: the whole directory, a state, an area or one contact, active
only, in calling order, read a batch at a time."""

from __future__ import annotations

import pytest
from flask import Flask

from directory.models import Contact
from directory.services.actors import Actor
from directory.services.contacts import archive_contact, create_contact
from directory.services.errors import NotFound
from directory.services.selection import Scope, contacts_in, count_in
from tests.factories import contact_data

SYSTEM = Actor.system("tests")


def haiti(**changes: object) -> Contact:
    values: dict[str, object] = {"time_zone": "America/Port-au-Prince", "channels": []}
    values.update(changes)
    return create_contact(SYSTEM, contact_data("HT", **values))


@pytest.fixture
def directory(app: Flask) -> dict[str, Contact]:
    """Two states, two areas, an alternate and an archived entry, made out of calling order."""
    made = {
        "ht-environment": haiti(area="environmental-security", position_title="HT env"),
        "jm-environment": create_contact(
            SYSTEM, contact_data(area="environmental-security", position_title="JM env")
        ),
        "jm-disaster-1": create_contact(SYSTEM, contact_data(position_title="JM first")),
        "jm-disaster-2": create_contact(SYSTEM, contact_data(position_title="JM second")),
        "ht-disaster": haiti(position_title="HT disaster"),
        "jm-archived": create_contact(SYSTEM, contact_data(position_title="JM old")),
    }
    archive_contact(SYSTEM, made["jm-archived"].public_id)
    return made


def titles(scope: Scope, batch: int = 1000) -> list[str]:
    return [contact.position_title for contact in contacts_in(scope, batch=batch)]


CALLING_ORDER = ["HT disaster", "HT env", "JM first", "JM second", "JM env"]


def test_the_whole_directory_in_calling_order_without_archived_entries(
    directory: dict[str, Contact],
) -> None:
    assert titles(Scope()) == CALLING_ORDER
    assert count_in(Scope()) == 5


def test_batches_change_nothing_in_what_comes_out(directory: dict[str, Contact]) -> None:
    for batch in (1, 2, 4, 5, 6):  # one, a part, exactly all, more than all
        assert titles(Scope(), batch=batch) == CALLING_ORDER, batch


def test_contacts_read_in_batches_keep_their_channels(directory: dict[str, Contact]) -> None:
    contacts = list(contacts_in(Scope("country", "JM"), batch=1))
    assert [len(contact.channels) for contact in contacts] == [2, 2, 2]
    assert contacts[0].channels[0].value == "+18769069674"


def test_a_state_in_any_case(directory: dict[str, Contact]) -> None:
    assert titles(Scope("country", "jm")) == ["JM first", "JM second", "JM env"]
    assert count_in(Scope("country", "JM")) == 3
    assert count_in(Scope("country", "CU")) == 0


def test_an_area_across_states(directory: dict[str, Contact]) -> None:
    scope = Scope("area", "environmental-security")
    assert titles(scope) == ["HT env", "JM env"]
    assert count_in(scope) == 2


def test_an_unknown_area_is_not_found(directory: dict[str, Contact]) -> None:
    with pytest.raises(NotFound):
        count_in(Scope("area", "nowhere"))
    with pytest.raises(NotFound):
        list(contacts_in(Scope("area", "nowhere")))


def test_one_contact_and_an_archived_one(directory: dict[str, Contact]) -> None:
    assert titles(Scope("contact", directory["jm-disaster-2"].public_id)) == ["JM second"]
    assert count_in(Scope("contact", directory["jm-archived"].public_id)) == 0


def test_scope_labels_as_the_export_log_records_them() -> None:
    assert Scope().label == "all"
    assert Scope("country", "JM").label == "country:JM"
    assert Scope("area", "disaster-response").label == "area:disaster-response"
    with pytest.raises(ValueError, match="everything"):
        Scope("everything")
