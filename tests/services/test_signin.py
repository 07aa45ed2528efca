"""Signing in: failures counted per account and per address in a sliding window, the second
factor (each code once, one step of clock drift), and the per-role policy."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from flask import Flask
from sqlalchemy import func, select

from directory.extensions import db
from directory.models import SignInFailure, User
from directory.services import signin
from directory.services.actors import Actor
from directory.services.errors import PermissionDenied, ValidationFailed
from directory.services.signin import (
    Outcome,
    attempt_sign_in,
    disable_totp,
    enable_totp,
    new_totp_secret,
    record_sign_in,
    role_policies,
    set_role_policy,
    totp_uri,
    verify_totp,
)
from directory.services.users import set_user_active
from tests.factories import PASSWORD

ADMIN = Actor.system("tests")
VIEWER = "viewer@example.org"
HERE = "192.0.2.1"
START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Callable[[float], None]:
    """Sets the time the sign-in service reads, in minutes after START."""

    def set_minutes(minutes: float) -> None:
        monkeypatch.setattr(signin, "utcnow", lambda: START + timedelta(minutes=minutes))

    set_minutes(0)
    return set_minutes


def failures(email: str | None = None) -> int:
    statement = select(func.count()).select_from(SignInFailure)
    if email is not None:
        statement = statement.where(SignInFailure.email == email)
    return db.session.scalar(statement) or 0


def reload(user: User) -> User:
    db.session.expire_all()
    found = db.session.get(User, user.id)
    assert found is not None
    return found


# --- passwords and throttling ----------------------------------------------------------------


def test_the_right_password_signs_in(users: dict[str, User]) -> None:
    attempt = attempt_sign_in(" Viewer@Example.org ", PASSWORD, HERE)
    assert attempt.outcome is Outcome.SIGNED_IN
    assert attempt.user == users["viewer"]
    assert failures() == 0


@pytest.mark.parametrize(
    ("email", "password"),
    [(VIEWER, "wrong password"), ("ghost@example.org", PASSWORD)],
    ids=["wrong password", "unknown e-mail"],
)
def test_a_wrong_email_or_password_is_refused_and_counted(
    users: dict[str, User], clock: Callable[[float], None], email: str, password: str
) -> None:
    attempt = attempt_sign_in(email.upper(), password, HERE)
    assert (attempt.outcome, attempt.user) == (Outcome.REFUSED, None)
    failure = db.session.scalar(select(SignInFailure))
    assert failure is not None
    assert (failure.email, failure.address, failure.created_at) == (email, HERE, START)


def test_an_inactive_account_is_refused(users: dict[str, User]) -> None:
    set_user_active(ADMIN, VIEWER, False)
    assert attempt_sign_in(VIEWER, PASSWORD, HERE).outcome is Outcome.REFUSED


def test_after_too_many_failures_even_the_right_password_is_not_checked(
    app: Flask, users: dict[str, User], clock: Callable[[float], None]
) -> None:
    app.config["SIGN_IN_LIMIT_PER_ACCOUNT"] = 3
    for n in range(3):
        clock(n)
        assert attempt_sign_in(VIEWER, "wrong password", HERE).outcome is Outcome.REFUSED
    throttled = attempt_sign_in(VIEWER, PASSWORD, "198.51.100.9")  # from anywhere
    assert throttled.outcome is Outcome.THROTTLED
    assert throttled.user is None
    assert throttled.retry_after_minutes == app.config["SIGN_IN_WINDOW_MINUTES"] == 15
    assert failures() == 3  # a throttled attempt is not one more failure
    # another account from another address goes on
    assert attempt_sign_in("admin@example.org", PASSWORD, "198.51.100.9").outcome is (
        Outcome.SIGNED_IN
    )


def test_failures_count_within_a_sliding_window(
    app: Flask, users: dict[str, User], clock: Callable[[float], None]
) -> None:
    app.config["SIGN_IN_LIMIT_PER_ACCOUNT"] = 3
    for minutes in (0, 5, 10):
        clock(minutes)
        attempt_sign_in(VIEWER, "wrong password", HERE)
    clock(14.9)
    assert attempt_sign_in(VIEWER, PASSWORD, HERE).outcome is Outcome.THROTTLED
    clock(15.1)  # the first failure has left the window; two remain
    assert attempt_sign_in(VIEWER, PASSWORD, HERE).outcome is Outcome.SIGNED_IN


def test_failures_are_limited_per_address_across_accounts(
    app: Flask, users: dict[str, User], clock: Callable[[float], None]
) -> None:
    app.config["SIGN_IN_LIMIT_PER_ADDRESS"] = 4
    for email in ("admin@example.org", "editor.jm@example.org") * 2:  # two each: under 5
        assert attempt_sign_in(email, "wrong password", HERE).outcome is Outcome.REFUSED
    assert attempt_sign_in(VIEWER, PASSWORD, HERE).outcome is Outcome.THROTTLED
    assert attempt_sign_in(VIEWER, PASSWORD, "198.51.100.9").outcome is Outcome.SIGNED_IN
    clock(16)
    assert attempt_sign_in(VIEWER, PASSWORD, HERE).outcome is Outcome.SIGNED_IN


def test_a_missing_address_counts_as_one_unknown_address(
    app: Flask, users: dict[str, User]
) -> None:
    app.config["SIGN_IN_LIMIT_PER_ADDRESS"] = 2
    attempt_sign_in("admin@example.org", "wrong password", "")
    attempt_sign_in("editor.jm@example.org", "wrong password", "")
    assert attempt_sign_in(VIEWER, PASSWORD, "").outcome is Outcome.THROTTLED
    assert {f.address for f in db.session.scalars(select(SignInFailure))} == {"unknown"}


def test_a_success_forgets_the_accounts_failures_only(
    users: dict[str, User], clock: Callable[[float], None]
) -> None:
    for email in (VIEWER, VIEWER, "admin@example.org"):
        attempt_sign_in(email, "wrong password", HERE)
    clock(3)
    record_sign_in(users["viewer"].id)
    assert failures(VIEWER) == 0
    assert failures("admin@example.org") == 1
    assert reload(users["viewer"]).last_sign_in_at == START + timedelta(minutes=3)


def test_recording_the_sign_in_of_a_user_who_is_gone_changes_nothing(
    users: dict[str, User],
) -> None:
    attempt_sign_in(VIEWER, "wrong password", HERE)
    record_sign_in(10_000)
    assert failures() == 1


# --- second factor ---------------------------------------------------------------------------

T0 = 30.0 * 59_333_334  # a fixed clock for the codes, at the start of a 30-second step


def code_at(secret: str, seconds: float) -> str:
    return pyotp.TOTP(secret).at(T0 + seconds)


@pytest.fixture
def secret(users: dict[str, User]) -> str:
    """The viewer's second factor, turned on with the code of the step at T0."""
    secret = new_totp_secret()
    enable_totp(users["viewer"].id, secret, code_at(secret, 0), now=T0)
    return secret


def test_turning_on_needs_a_matching_code(users: dict[str, User]) -> None:
    secret = new_totp_secret()
    wrong = "000000" if code_at(secret, 0) != "000000" else "111111"
    with pytest.raises(ValidationFailed) as caught:
        enable_totp(users["viewer"].id, secret, wrong, now=T0)
    assert "code" in caught.value.errors
    assert reload(users["viewer"]).totp_secret is None
    with pytest.raises(ValidationFailed):
        enable_totp(10_000, secret, code_at(secret, 0), now=T0)


def test_with_a_second_factor_the_password_alone_does_not_sign_in(
    users: dict[str, User], secret: str
) -> None:
    assert reload(users["viewer"]).totp_secret == secret
    attempt = attempt_sign_in(VIEWER, PASSWORD, HERE)
    assert (attempt.outcome, attempt.user) == (Outcome.NEEDS_CODE, users["viewer"])


def test_a_code_is_accepted_once(users: dict[str, User], secret: str) -> None:
    user_id = users["viewer"].id
    # the code that turned the factor on is spent already
    assert not verify_totp(user_id, code_at(secret, 0), HERE, now=T0 + 5)
    assert verify_totp(user_id, code_at(secret, 30), HERE, now=T0 + 35)
    assert not verify_totp(user_id, code_at(secret, 30), HERE, now=T0 + 40)
    assert failures(VIEWER) == 2


def test_one_step_of_clock_drift_either_way(users: dict[str, User], secret: str) -> None:
    user_id = users["viewer"].id
    now = T0 + 300
    assert verify_totp(user_id, code_at(secret, 270), HERE, now=now)  # the phone is behind
    assert verify_totp(user_id, code_at(secret, 330), HERE, now=now)  # the phone is ahead
    # an older step than one used is refused, even within the drift
    assert not verify_totp(user_id, code_at(secret, 300), HERE, now=now)
    assert not verify_totp(user_id, code_at(secret, 420), HERE, now=T0 + 360)  # two steps ahead
    assert verify_totp(user_id, code_at(secret, 390), HERE, now=T0 + 390)


def test_a_code_may_be_typed_with_a_space(users: dict[str, User], secret: str) -> None:
    code = code_at(secret, 60)
    assert verify_totp(users["viewer"].id, f" {code[:3]} {code[3:]} ", HERE, now=T0 + 60)


def test_malformed_codes_are_refused_and_counted(users: dict[str, User], secret: str) -> None:
    malformed = ("", "12345", "1234567", "abcdef", "12345x", code_at(secret, 60) + "0")
    for typed in malformed:
        assert not verify_totp(users["viewer"].id, typed, HERE, now=T0 + 60), typed
    found = {(f.email, f.address) for f in db.session.scalars(select(SignInFailure))}
    assert (found, failures()) == ({(VIEWER, HERE)}, len(malformed))
    assert verify_totp(users["viewer"].id, code_at(secret, 60), HERE, now=T0 + 60)


def test_wrong_codes_count_towards_the_sign_in_limit(
    app: Flask, users: dict[str, User], secret: str
) -> None:
    app.config["SIGN_IN_LIMIT_PER_ACCOUNT"] = 2
    verify_totp(users["viewer"].id, "000000", HERE, now=T0 + 3000)
    verify_totp(users["viewer"].id, "999999", HERE, now=T0 + 3000)
    assert attempt_sign_in(VIEWER, PASSWORD, HERE).outcome is Outcome.THROTTLED


def test_no_code_is_accepted_for_an_inactive_user_or_one_without_a_factor(
    users: dict[str, User], secret: str
) -> None:
    assert not verify_totp(users["admin"].id, "123456", HERE, now=T0)
    assert not verify_totp(10_000, "123456", HERE, now=T0)
    set_user_active(ADMIN, VIEWER, False)
    assert not verify_totp(users["viewer"].id, code_at(secret, 60), HERE, now=T0 + 60)


def test_the_second_factor_can_be_turned_off(users: dict[str, User], secret: str) -> None:
    disable_totp(users["viewer"].id)
    viewer = reload(users["viewer"])
    assert (viewer.totp_secret, viewer.totp_last_step) == (None, None)
    assert attempt_sign_in(VIEWER, PASSWORD, HERE).outcome is Outcome.SIGNED_IN


def test_the_provisioning_uri_names_the_user_and_the_directory() -> None:
    secret = new_totp_secret()
    uri = totp_uri(secret, "viewer@example.org")
    assert uri.startswith("otpauth://totp/")
    assert f"secret={secret}" in uri
    assert "viewer%40example.org" in uri and "issuer=Points-of-Contact%20Directory" in uri


# --- role policy -----------------------------------------------------------------------------


def test_no_role_requires_a_second_factor_until_an_admin_says_so(users: dict[str, User]) -> None:
    assert role_policies() == {"admin": False, "editor": False, "viewer": False}
    set_role_policy(ADMIN, "editor", True)
    assert role_policies() == {"admin": False, "editor": True, "viewer": False}
    set_role_policy(Actor.of(users["admin"]), "editor", False)
    assert role_policies()["editor"] is False


def test_a_role_that_requires_it_must_set_it_up_first(users: dict[str, User]) -> None:
    set_role_policy(ADMIN, "editor", True)
    attempt = attempt_sign_in("editor.jm@example.org", PASSWORD, HERE)
    assert (attempt.outcome, attempt.user) == (Outcome.NEEDS_SETUP, users["editor"])
    assert attempt_sign_in(VIEWER, PASSWORD, HERE).outcome is Outcome.SIGNED_IN


def test_a_required_second_factor_cannot_be_turned_off(users: dict[str, User], secret: str) -> None:
    set_role_policy(ADMIN, "viewer", True)
    with pytest.raises(ValidationFailed) as caught:
        disable_totp(users["viewer"].id)
    assert "totp" in caught.value.errors
    assert reload(users["viewer"]).totp_secret == secret


@pytest.mark.parametrize("role", ["editor", "viewer"])
def test_only_admins_set_the_policy(users: dict[str, User], role: str) -> None:
    with pytest.raises(PermissionDenied):
        set_role_policy(Actor.of(users[role]), "viewer", True)
    assert role_policies()["viewer"] is False


def test_the_policy_is_for_known_roles_only(app: Flask) -> None:
    with pytest.raises(ValidationFailed) as caught:
        set_role_policy(ADMIN, "king", True)
    assert "role" in caught.value.errors
    assert "king" not in role_policies()
