from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from directory.extensions import db
from directory.models import Change, User
from directory.services.actors import Actor
from directory.services.errors import NotFound, PermissionDenied, ValidationFailed
from directory.services.users import (
    authenticate,
    change_password,
    check_new_password,
    create_user,
    end_sessions,
    issue_account_link,
    read_account_link,
    redeem_account_link,
    set_user_active,
    update_user,
    user_by_email,
    user_by_id,
    user_for_session_id,
)
from tests.factories import PASSWORD

ADMIN = Actor.system("tests")


def test_create_user_logs_a_change_without_the_password(app) -> None:
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


def test_bad_user_input_is_refused_with_reasons(app) -> None:
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


def test_duplicate_email_is_refused(users) -> None:
    with pytest.raises(ValidationFailed) as caught:
        create_user(Actor.system("cli"), "VIEWER@example.org", PASSWORD)
    assert caught.value.errors == {"email": ["a user with this e-mail already exists"]}


def test_only_admins_create_users(users) -> None:
    with pytest.raises(PermissionDenied):
        create_user(Actor.of(users["editor"]), "new@example.org", PASSWORD)


def test_authenticate(users) -> None:
    assert authenticate("Viewer@Example.org", PASSWORD) == users["viewer"]
    assert authenticate("viewer@example.org", "wrong password") is None
    assert authenticate("ghost@example.org", PASSWORD) is None
    users["viewer"].is_active = False
    db.session.commit()
    assert authenticate("viewer@example.org", PASSWORD) is None


def test_session_id_carries_a_nonce(users) -> None:
    user = users["admin"]
    assert user_for_session_id(user.get_id()) == user
    assert user_for_session_id(f"{user.id}:wrong") is None
    assert user_for_session_id(str(user.id)) is None
    assert user_for_session_id("x:y") is None


# --- changing a user -------------------------------------------------------------------------


def user_changes(email: str) -> list[Change]:
    return list(
        db.session.scalars(
            select(Change)
            .where(Change.entity == "user", Change.entity_id == email)
            .order_by(Change.seq)
        )
    )


def test_an_update_is_logged_with_before_and_after(users: dict[str, User]) -> None:
    admin = Actor.of(users["admin"])
    user = update_user(
        admin, "Viewer@Example.org", role="editor", country_code="ht", name=" Duty   Desk "
    )
    assert (user.role, user.country_code, user.name) == ("editor", "HT", "Duty Desk")
    change = user_changes("viewer@example.org")[-1]
    assert (change.action, change.actor_id, change.actor_label) == (
        "update",
        users["admin"].id,
        "admin@example.org",
    )
    assert change.before == {
        "email": "viewer@example.org",
        "name": "",
        "role": "viewer",
        "country": None,
        "is_active": True,
    }
    assert change.after is not None
    assert (change.after["role"], change.after["country"], change.after["name"]) == (
        "editor",
        "HT",
        "Duty Desk",
    )


def test_new_rights_need_a_new_sign_in_a_new_name_does_not(users: dict[str, User]) -> None:
    session_id = users["viewer"].get_id()
    update_user(ADMIN, "viewer@example.org", role="viewer", country_code=None, name="New name")
    assert user_for_session_id(session_id) == users["viewer"]
    update_user(ADMIN, "viewer@example.org", role="admin", country_code=None, name="New name")
    assert user_for_session_id(session_id) is None
    editor_session = users["editor"].get_id()
    update_user(ADMIN, "editor.jm@example.org", role="editor", country_code="HT", name="")
    assert user_for_session_id(editor_session) is None


def test_only_an_editor_keeps_a_state(users: dict[str, User]) -> None:
    user = update_user(
        ADMIN, "editor.jm@example.org", role="viewer", country_code="JM", name="Reader"
    )
    assert user.country_code is None
    with pytest.raises(ValidationFailed) as caught:
        update_user(ADMIN, "viewer@example.org", role="editor", country_code=None, name="")
    assert set(caught.value.errors) == {"country"}
    with pytest.raises(ValidationFailed) as caught:
        update_user(ADMIN, "viewer@example.org", role="editor", country_code="FR", name="")
    assert set(caught.value.errors) == {"country"}
    with pytest.raises(ValidationFailed) as caught:
        update_user(ADMIN, "viewer@example.org", role="king", country_code=None, name="")
    assert set(caught.value.errors) == {"role"}
    assert len(user_changes("viewer@example.org")) == 1  # the creation only


def test_updating_users_is_for_admins_and_known_users(users: dict[str, User]) -> None:
    with pytest.raises(PermissionDenied):
        update_user(
            Actor.of(users["editor"]),
            "viewer@example.org",
            role="admin",
            country_code=None,
            name="",
        )
    with pytest.raises(NotFound):
        update_user(ADMIN, "ghost@example.org", role="viewer", country_code=None, name="")


def test_an_admin_cannot_take_their_own_role_away(users: dict[str, User]) -> None:
    admin = Actor.of(users["admin"])
    with pytest.raises(ValidationFailed) as caught:
        update_user(admin, "admin@example.org", role="viewer", country_code=None, name="")
    assert set(caught.value.errors) == {"role"}
    db.session.expire_all()
    assert users["admin"].role == "admin"
    assert update_user(admin, "admin@example.org", role="admin", country_code=None, name="Me")


def test_deactivation_stops_sessions_and_sign_ins_and_is_logged(users: dict[str, User]) -> None:
    session_id = users["viewer"].get_id()
    user = set_user_active(ADMIN, "VIEWER@example.org", False)
    assert user.is_active is False
    assert user_for_session_id(session_id) is None
    assert authenticate("viewer@example.org", PASSWORD) is None
    change = user_changes("viewer@example.org")[-1]
    assert change.before is not None and change.after is not None
    assert (change.before["is_active"], change.after["is_active"]) == (True, False)
    set_user_active(ADMIN, "viewer@example.org", True)
    assert authenticate("viewer@example.org", PASSWORD) == users["viewer"]
    assert len(user_changes("viewer@example.org")) == 3


def test_setting_the_state_a_user_is_in_already_writes_nothing(users: dict[str, User]) -> None:
    session_id = users["viewer"].get_id()
    set_user_active(ADMIN, "viewer@example.org", True)
    assert len(user_changes("viewer@example.org")) == 1
    assert user_for_session_id(session_id) == users["viewer"]


def test_admins_cannot_deactivate_themselves_and_others_cannot_at_all(
    users: dict[str, User],
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        set_user_active(Actor.of(users["admin"]), "admin@example.org", False)
    assert set(caught.value.errors) == {"is_active"}
    with pytest.raises(PermissionDenied):
        set_user_active(Actor.of(users["editor"]), "viewer@example.org", False)
    with pytest.raises(NotFound):
        set_user_active(ADMIN, "ghost@example.org", False)
    db.session.expire_all()
    assert users["admin"].is_active and users["viewer"].is_active


def test_ending_sessions_signs_a_user_out_everywhere(users: dict[str, User]) -> None:
    session_id = users["viewer"].get_id()
    end_sessions(users["viewer"].id)
    assert user_for_session_id(session_id) is None
    assert user_for_session_id(users["viewer"].get_id()) == users["viewer"]
    assert user_for_session_id(users["admin"].get_id()) == users["admin"]


# --- passwords -------------------------------------------------------------------------------


def test_a_new_password_is_checked_all_at_once() -> None:
    with pytest.raises(ValidationFailed) as caught:
        check_new_password("short", "other")
    assert len(caught.value.errors["password"]) == 2
    with pytest.raises(ValidationFailed):
        check_new_password("x" * 1025)
    check_new_password("x" * 1024, "x" * 1024)
    check_new_password("long enough")


def test_a_password_change_ends_other_sessions_and_spends_links(users: dict[str, User]) -> None:
    viewer = users["viewer"]
    session_id = viewer.get_id()
    link = issue_account_link(ADMIN, "viewer@example.org", "reset")
    set_at = viewer.password_set_at
    change_password(viewer.id, PASSWORD, "a brand new passphrase")
    assert authenticate("viewer@example.org", "a brand new passphrase") == viewer
    assert authenticate("viewer@example.org", PASSWORD) is None
    assert user_for_session_id(session_id) is None
    assert read_account_link(link) is None
    assert set_at is not None and viewer.password_set_at is not None
    assert viewer.password_set_at >= set_at


def test_a_password_change_needs_the_current_password(users: dict[str, User]) -> None:
    viewer = users["viewer"]
    with pytest.raises(ValidationFailed) as caught:
        change_password(viewer.id, "not my password", "a brand new passphrase")
    assert set(caught.value.errors) == {"current_password"}
    with pytest.raises(ValidationFailed) as caught:
        change_password(viewer.id, PASSWORD, "short")
    assert set(caught.value.errors) == {"password"}
    assert authenticate("viewer@example.org", PASSWORD) == viewer


def test_no_password_change_for_an_unknown_or_inactive_user(users: dict[str, User]) -> None:
    with pytest.raises(NotFound):
        change_password(10_000, PASSWORD, "a brand new passphrase")
    set_user_active(ADMIN, "viewer@example.org", False)
    with pytest.raises(NotFound):
        change_password(users["viewer"].id, PASSWORD, "a brand new passphrase")


# --- invitation and reset links --------------------------------------------------------------


def test_an_invited_user_has_no_password_until_the_link_sets_one(users: dict[str, User]) -> None:
    invited = create_user(ADMIN, "new@example.org", None, role="editor", country_code="HT")
    assert (invited.password_hash, invited.password_set_at) == ("", None)
    assert authenticate("new@example.org", "") is None
    token = issue_account_link(ADMIN, "new@example.org", "invite")
    assert read_account_link(token) == (invited, "invite")
    redeem_account_link(token, "haitian focal point", "haitian focal point")
    assert authenticate("new@example.org", "haitian focal point") == invited
    assert read_account_link(token) is None  # spent
    with pytest.raises(NotFound):
        redeem_account_link(token, "another passphrase", "another passphrase")


def test_a_refused_password_leaves_the_link_usable(users: dict[str, User]) -> None:
    token = issue_account_link(ADMIN, "viewer@example.org", "reset")
    with pytest.raises(ValidationFailed):
        redeem_account_link(token, "a brand new passphrase", "a different one")
    assert read_account_link(token) == (users["viewer"], "reset")
    assert authenticate("viewer@example.org", PASSWORD) == users["viewer"]


def test_a_newer_link_spends_the_older_one(users: dict[str, User]) -> None:
    older = issue_account_link(ADMIN, "viewer@example.org", "reset")
    newer = issue_account_link(ADMIN, "viewer@example.org", "invite")
    assert read_account_link(older) is None
    assert read_account_link(newer) == (users["viewer"], "invite")


@pytest.mark.parametrize(
    ("purpose", "valid_hours", "expired_hours"), [("reset", 23.9, 24.1), ("invite", 167.9, 168.1)]
)
def test_links_expire_by_purpose(
    users: dict[str, User],
    monkeypatch: pytest.MonkeyPatch,
    purpose: str,
    valid_hours: float,
    expired_hours: float,
) -> None:
    token = issue_account_link(ADMIN, "viewer@example.org", purpose)
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + valid_hours * 3600)
    assert read_account_link(token) == (users["viewer"], purpose)
    monkeypatch.setattr(time, "time", lambda: real_time() + expired_hours * 3600)
    assert read_account_link(token) is None


def test_forged_and_foreign_links_are_refused(users: dict[str, User]) -> None:
    token = issue_account_link(ADMIN, "viewer@example.org", "reset")
    assert read_account_link(token[:-2] + ("aa" if token[-2:] != "aa" else "bb")) is None
    assert read_account_link("a" * 600) is None
    assert read_account_link("") is None
    deactivated = issue_account_link(ADMIN, "editor.jm@example.org", "reset")
    set_user_active(ADMIN, "editor.jm@example.org", False)
    assert read_account_link(deactivated) is None


def test_links_are_issued_by_admins_for_active_users_and_known_purposes(
    users: dict[str, User],
) -> None:
    with pytest.raises(PermissionDenied):
        issue_account_link(Actor.of(users["editor"]), "viewer@example.org", "reset")
    with pytest.raises(ValidationFailed) as caught:
        issue_account_link(ADMIN, "viewer@example.org", "unlock")
    assert set(caught.value.errors) == {"purpose"}
    with pytest.raises(NotFound):
        issue_account_link(ADMIN, "ghost@example.org", "reset")
    set_user_active(ADMIN, "viewer@example.org", False)
    with pytest.raises(ValidationFailed) as caught:
        issue_account_link(ADMIN, "viewer@example.org", "reset")
    assert set(caught.value.errors) == {"is_active"}


def test_users_are_found_by_email_in_any_case(users: dict[str, User]) -> None:
    assert user_by_email(" Editor.JM@Example.org ") == users["editor"]
    assert user_by_email("") is None
    assert user_by_email("ghost@example.org") is None
    assert user_by_id(users["admin"].id) == users["admin"]
    assert user_by_id(10_000) is None
