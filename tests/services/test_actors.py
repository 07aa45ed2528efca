"""Who performs a write, and which states they may change."""

from __future__ import annotations

import pytest

from directory.models import User
from directory.services.actors import (
    Actor,
    can_write_country,
    require_admin,
    require_country_writer,
)
from directory.services.errors import PermissionDenied


def test_an_actor_of_a_user_carries_what_the_log_and_the_rules_need(
    users: dict[str, User],
) -> None:
    editor = users["editor"]
    actor = Actor.of(editor)
    assert actor == Actor(editor.id, "editor.jm@example.org", "editor", "JM")
    assert not actor.is_admin
    assert Actor.of(users["admin"]).is_admin


def test_the_system_acts_as_an_admin_with_no_user_and_its_own_label() -> None:
    system = Actor.system("seed")
    assert (system.user_id, system.label, system.role, system.country_code) == (
        None,
        "seed",
        "admin",
        None,
    )
    assert system.is_admin


@pytest.mark.parametrize(
    ("role", "own_state", "country", "allowed"),
    [
        ("admin", None, "JM", True),
        ("admin", None, "HT", True),
        ("editor", "JM", "JM", True),
        ("editor", "JM", "HT", False),
        ("editor", None, "JM", False),
        ("viewer", None, "JM", False),
        ("viewer", "JM", "JM", False),
    ],
)
def test_admins_write_every_state_editors_their_own_viewers_none(
    role: str, own_state: str | None, country: str, allowed: bool
) -> None:
    actor = Actor(7, "someone@example.org", role, own_state)
    assert can_write_country(actor, country) is allowed
    if allowed:
        require_country_writer(actor, country)
    else:
        with pytest.raises(PermissionDenied, match=f"someone@example.org .*{country}"):
            require_country_writer(actor, country)


@pytest.mark.parametrize("role", ["editor", "viewer"])
def test_only_admins_pass_the_admin_check(role: str) -> None:
    with pytest.raises(PermissionDenied, match="is not an administrator"):
        require_admin(Actor(7, "someone@example.org", role, "JM"))
    require_admin(Actor(8, "boss@example.org", "admin"))
    require_admin(Actor.system("cli"))
