"""API tokens: shown once, stored as a SHA-256, listed with their last use, revocable."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select

from ..extensions import db
from ..models import ApiToken, User
from ..models.base import utcnow
from .actors import Actor
from .errors import NotFound, PermissionDenied
from .transaction import write_transaction

TOKEN_PREFIX = "poc_"  # noqa: S105 - a marker, not a secret
LAST_USED_GRANULARITY = timedelta(minutes=1)  # not a write on every request


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(actor: Actor, user_id: int, label: str = "") -> str:
    """A new token for a user (themselves, or any user for an admin); returned once."""
    if actor.user_id != user_id and not actor.is_admin:
        raise PermissionDenied("only admins make tokens for others")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with write_transaction(logged=False) as session:
        user = session.get(User, user_id)
        if user is None or not user.is_active:
            raise NotFound(str(user_id))
        session.add(
            ApiToken(
                user_id=user.id,
                token_hash=_digest(token),
                prefix=token[: len(TOKEN_PREFIX) + 6],
                label=" ".join((label or "").split())[:120],
                created_at=utcnow(),
            )
        )
    return token


def revoke_token(actor: Actor, token_id: int) -> None:
    with write_transaction(logged=False) as session:
        token = session.get(ApiToken, token_id)
        if token is None:
            raise NotFound(str(token_id))
        if token.user_id != actor.user_id and not actor.is_admin:
            raise PermissionDenied("not your token")
        if token.revoked_at is None:
            token.revoked_at = utcnow()


def tokens_of(user_id: int) -> list[ApiToken]:
    return list(
        db.session.scalars(
            select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.created_at)
        )
    )


def user_for_token(token: str) -> User | None:
    """The active user behind an unrevoked token; notes when it was last used."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 100:
        return None
    digest = _digest(token)
    found = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == digest))
    if found is None or found.revoked_at is not None or not found.user.is_active:
        return None
    now = utcnow()
    if found.last_used_at is None or now - found.last_used_at > LAST_USED_GRANULARITY:
        token_id, user_id = found.id, found.user_id
        with write_transaction(logged=False) as session:
            stored = session.get(ApiToken, token_id)
            if stored is not None:
                stored.last_used_at = now
        return db.session.get(User, user_id)
    return found.user


RATE_WINDOW = timedelta(minutes=1)


def count_token_request(token: str, now: datetime | None = None) -> int:
    """Count one request against the token's one-minute window; returns the requests made in
    the window so far, this one included. One UPDATE, so that concurrent workers count right."""
    now = now or utcnow()
    window_start = now - RATE_WINDOW
    with write_transaction(logged=False) as session:
        # The row lock keeps two workers from counting from the same number (PostgreSQL;
        # SQLite's write lock is taken when the transaction begins).
        stored = session.scalar(
            select(ApiToken).where(ApiToken.token_hash == _digest(token)).with_for_update()
        )
        if stored is None:
            return 0
        if stored.window_started_at is None or stored.window_started_at <= window_start:
            stored.window_started_at = now
            stored.window_count = 1
        else:
            stored.window_count = (stored.window_count or 0) + 1
        count = stored.window_count
    return count
