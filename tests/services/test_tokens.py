"""API tokens: shown once and stored as a digest, revocable, noting their last use at most once a
minute, and counting requests in a one-minute window."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from directory.extensions import db
from directory.models import ApiToken, User
from directory.services import tokens
from directory.services.actors import Actor
from directory.services.errors import NotFound, PermissionDenied
from directory.services.tokens import (
    count_token_request,
    create_token,
    revoke_token,
    tokens_of,
    user_for_token,
)
from directory.services.users import set_user_active

ADMIN = Actor.system("tests")
START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Callable[[float], None]:
    """Sets the time the token service reads, in seconds after START."""

    def set_seconds(seconds: float) -> None:
        monkeypatch.setattr(tokens, "utcnow", lambda: START + timedelta(seconds=seconds))

    set_seconds(0)
    return set_seconds


def stored(token: str) -> ApiToken:
    db.session.expire_all()
    digest = hashlib.sha256(token.encode()).hexdigest()
    found = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == digest))
    assert found is not None
    return found


def test_a_token_is_returned_once_and_only_its_digest_kept(
    users: dict[str, User], clock: Callable[[float], None]
) -> None:
    viewer = users["viewer"]
    token = create_token(Actor.of(viewer), viewer.id, "  my   dashboard ")
    assert token.startswith("poc_") and len(token) > 40
    row = stored(token)
    assert row.user_id == viewer.id
    assert row.prefix == token[:10]
    assert row.label == "my dashboard"
    assert row.created_at == START
    assert (row.last_used_at, row.revoked_at) == (None, None)
    everything = " ".join(str(value) for value in vars(row).values())
    assert token not in everything


def test_tokens_differ_and_a_long_label_is_cut(users: dict[str, User]) -> None:
    viewer = users["viewer"]
    first = create_token(Actor.of(viewer), viewer.id, "x" * 500)
    second = create_token(Actor.of(viewer), viewer.id)
    assert first != second
    assert len(stored(first).label) == 120 and stored(second).label == ""


def test_admins_make_tokens_for_others_and_nobody_else_does(users: dict[str, User]) -> None:
    viewer = users["viewer"]
    assert user_for_token(create_token(Actor.of(users["admin"]), viewer.id)) == viewer
    assert user_for_token(create_token(ADMIN, viewer.id)) == viewer
    with pytest.raises(PermissionDenied):
        create_token(Actor.of(users["editor"]), viewer.id)
    assert len(tokens_of(viewer.id)) == 2


def test_no_token_for_an_unknown_or_inactive_user(users: dict[str, User]) -> None:
    with pytest.raises(NotFound):
        create_token(ADMIN, 10_000)
    set_user_active(ADMIN, "viewer@example.org", False)
    with pytest.raises(NotFound):
        create_token(ADMIN, users["viewer"].id)
    assert tokens_of(users["viewer"].id) == []


def test_a_users_tokens_oldest_first(
    users: dict[str, User], clock: Callable[[float], None]
) -> None:
    viewer = users["viewer"]
    clock(60)
    create_token(ADMIN, viewer.id, "second")
    clock(0)
    create_token(ADMIN, viewer.id, "first")
    create_token(ADMIN, users["editor"].id, "not theirs")
    assert [token.label for token in tokens_of(viewer.id)] == ["first", "second"]


# --- using a token ---------------------------------------------------------------------------


def test_an_unknown_token_finds_nobody(users: dict[str, User]) -> None:
    create_token(ADMIN, users["viewer"].id)
    for presented in ("", "poc_", "poc_unknown", "not_a_token", "poc_" + "a" * 200):
        assert user_for_token(presented) is None, presented


def test_the_prefix_is_part_of_the_token(users: dict[str, User]) -> None:
    token = create_token(ADMIN, users["viewer"].id)
    assert user_for_token(token) == users["viewer"]
    assert user_for_token(token.removeprefix("poc_")) is None
    assert user_for_token(token[:-1]) is None


def test_a_revoked_token_or_an_inactive_users_token_stops_at_once(
    users: dict[str, User],
) -> None:
    viewer = users["viewer"]
    kept = create_token(ADMIN, viewer.id)
    revoked = create_token(ADMIN, viewer.id)
    revoke_token(Actor.of(viewer), stored(revoked).id)
    assert user_for_token(revoked) is None
    assert user_for_token(kept) == viewer
    set_user_active(ADMIN, "viewer@example.org", False)
    assert user_for_token(kept) is None


def test_the_last_use_is_noted_at_most_once_a_minute(
    users: dict[str, User], clock: Callable[[float], None]
) -> None:
    token = create_token(ADMIN, users["viewer"].id)
    clock(10)
    assert user_for_token(token) == users["viewer"]
    assert stored(token).last_used_at == START + timedelta(seconds=10)
    clock(70)  # a minute later exactly: not yet
    assert user_for_token(token) == users["viewer"]
    assert stored(token).last_used_at == START + timedelta(seconds=10)
    clock(71)
    assert user_for_token(token) == users["viewer"]
    assert stored(token).last_used_at == START + timedelta(seconds=71)


# --- revoking --------------------------------------------------------------------------------


def test_users_revoke_their_own_tokens_and_admins_anyones(
    users: dict[str, User], clock: Callable[[float], None]
) -> None:
    viewer, editor = users["viewer"], users["editor"]
    own = stored(create_token(ADMIN, viewer.id)).id
    other = stored(create_token(ADMIN, viewer.id)).id
    with pytest.raises(PermissionDenied):
        revoke_token(Actor.of(editor), own)
    revoke_token(Actor.of(viewer), own)
    revoke_token(Actor.of(users["admin"]), other)
    db.session.expire_all()
    assert [token.revoked_at for token in tokens_of(viewer.id)] == [START, START]
    assert all(not token.is_active for token in tokens_of(viewer.id))


def test_revoking_twice_keeps_the_first_time(
    users: dict[str, User], clock: Callable[[float], None]
) -> None:
    token_id = stored(create_token(ADMIN, users["viewer"].id)).id
    revoke_token(ADMIN, token_id)
    clock(3600)
    revoke_token(ADMIN, token_id)
    db.session.expire_all()
    row = db.session.get(ApiToken, token_id)
    assert row is not None and row.revoked_at == START


def test_revoking_an_unknown_token_is_not_found(users: dict[str, User]) -> None:
    with pytest.raises(NotFound):
        revoke_token(ADMIN, 10_000)


# --- request counting ------------------------------------------------------------------------


def at(seconds: float) -> datetime:
    return START + timedelta(seconds=seconds)


def test_requests_are_counted_in_a_one_minute_window(users: dict[str, User]) -> None:
    token = create_token(ADMIN, users["viewer"].id)
    assert [count_token_request(token, at(s)) for s in (0, 10, 59.9)] == [1, 2, 3]
    assert count_token_request(token, at(60)) == 1  # a minute after the window began: a new one
    assert count_token_request(token, at(61)) == 2
    row = stored(token)
    assert (row.window_started_at, row.window_count) == (at(60), 2)


def test_each_token_has_its_own_count(users: dict[str, User]) -> None:
    first = create_token(ADMIN, users["viewer"].id)
    second = create_token(ADMIN, users["viewer"].id)
    for s in range(3):
        count_token_request(first, at(s))
    assert count_token_request(second, at(3)) == 1
    assert count_token_request(first, at(4)) == 4


def test_an_unknown_token_counts_nothing(users: dict[str, User]) -> None:
    assert count_token_request("poc_unknown", at(0)) == 0
