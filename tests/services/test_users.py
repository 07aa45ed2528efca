from __future__ import annotations

import pytest
from sqlalchemy import select

from directory.extensions import db
from directory.models import Change, User
from directory.services.actors import Actor
from directory.services.errors import PermissionDenied, ValidationFailed
from directory.services.users import authenticate, create_user, user_for_session_id
from tests.factories import PASSWORD


def test_create_user_logs_a_change_without_the_password(app) -> None:  # type: ignore[no-untyped-def]
    user = create_user(
        Actor.system("cli"),
        "Focal.Point@Example.org",
        PASSWORD,
        role="editor",
        country_code="br",
        name="  Ana   São João ",
    )
    assert user.email == "focal.point@example.org"
    assert user.country_code == "BR"
    assert user.name == "Ana São João"
    assert user.password_hash != PASSWORD
    change = db.session.scalar(select(Change).where(Change.entity == "user"))
    assert change.action == "create"
    assert change.after == {
        "email": "focal.point@example.org",
        "name": "Ana São João",
        "role": "editor",
        "country": "BR",
        "is_active": True,
    }
    assert "password" not in str(change.after)


def test_bad_user_input_is_refused_with_reasons(app) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationFailed) as caught:
        create_user(Actor.system("cli"), "nobody", "short", role="king")
    assert set(caught.value.errors) == {"email", "role", "password"}
    with pytest.raises(ValidationFailed) as caught:
        create_user(Actor.system("cli"), "e@example.org", PASSWORD, role="editor")
    assert "country" in caught.value.errors
    with pytest.raises(ValidationFailed):
        create_user(
            Actor.system("cli"), "e@example.org", PASSWORD, role="editor", country_code="FR"
        )
    assert db.session.scalar(select(User)) is None


def test_duplicate_email_is_refused(users) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationFailed) as caught:
        create_user(Actor.system("cli"), "VIEWER@example.org", PASSWORD)
    assert caught.value.errors == {"email": ["a user with this e-mail already exists"]}


def test_only_admins_create_users(users) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        create_user(Actor.of(users["editor"]), "new@example.org", PASSWORD)


def test_authenticate(users) -> None:  # type: ignore[no-untyped-def]
    assert authenticate("Viewer@Example.org", PASSWORD) == users["viewer"]
    assert authenticate("viewer@example.org", "wrong password") is None
    assert authenticate("ghost@example.org", PASSWORD) is None
    users["viewer"].is_active = False
    db.session.commit()
    assert authenticate("viewer@example.org", PASSWORD) is None


def test_session_id_carries_a_nonce(users) -> None:  # type: ignore[no-untyped-def]
    user = users["admin"]
    assert user_for_session_id(user.get_id()) == user
    assert user_for_session_id(f"{user.id}:wrong") is None
    assert user_for_session_id(str(user.id)) is None
    assert user_for_session_id("x:y") is None
