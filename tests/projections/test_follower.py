"""The one reader of the change log: batches in order, a cursor per projection in the database,
moved only after the projection applied a batch."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from directory.projections.follower import (
    LoggedChange,
    cursor_of,
    follow,
    latest_seq,
    move_cursor,
)
from directory.services.actors import Actor
from directory.services.contacts import create_contact, update_contact
from tests.factories import contact_data

SYSTEM = Actor.system("tests")


def test_follow_hands_over_every_change_in_order_a_batch_at_a_time(app) -> None:
    contacts = [create_contact(SYSTEM, contact_data(organisation=f"Office {n}")) for n in range(5)]
    update_contact(SYSTEM, contacts[0].public_id, contact_data(organisation="Moved"), 1)
    batches: list[list[LoggedChange]] = []

    assert follow("test", batches.append, batch=2) == 6
    assert [len(batch) for batch in batches] == [2, 2, 2]
    seqs = [change.seq for batch in batches for change in batch]
    assert seqs == sorted(seqs) and seqs[-1] == latest_seq()
    assert batches[-1][-1].entity_id == contacts[0].public_id
    assert batches[-1][-1].action == "update"
    assert cursor_of("test") == latest_seq()
    assert follow("test", batches.append) == 0  # nothing new


def test_the_cursor_moves_only_after_the_batch_is_applied(app) -> None:
    create_contact(SYSTEM, contact_data())
    create_contact(SYSTEM, contact_data(organisation="Second"))

    def fail(_changes: Sequence[LoggedChange]) -> None:
        raise RuntimeError("projection down")

    with pytest.raises(RuntimeError):
        follow("test", fail)
    assert cursor_of("test") == 0
    seen: list[LoggedChange] = []
    assert follow("test", seen.extend) == 2  # replayed whole


def test_each_projection_has_its_own_cursor_and_it_never_moves_back(app) -> None:
    create_contact(SYSTEM, contact_data())
    follow("one", lambda changes: None)
    assert cursor_of("one") == latest_seq()
    assert cursor_of("two") == 0
    move_cursor("one", 0)
    assert cursor_of("one") == latest_seq()
    move_cursor("one", 0, backwards=True)  # a rebuild starting over
    assert cursor_of("one") == 0


def test_until_stops_at_a_given_change(app) -> None:
    for n in range(3):
        create_contact(SYSTEM, contact_data(organisation=f"Office {n}"))
    first = latest_seq() - 2
    seen: list[LoggedChange] = []
    assert follow("test", seen.extend, until=first) == 1
    assert cursor_of("test") == first
