"""User use cases: create a user, check a password, find the user behind a session id."""

from __future__ import annotations

import secrets

from flask import current_app
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..models import Action, Change, Country, Entity, Role, User
from ..models.base import utcnow
from .actors import Actor, require_admin
from .errors import ValidationFailed
from .transaction import write_transaction
from .validation import normalise_email

MIN_PASSWORD_LENGTH = 10
# Checked against when the e-mail is unknown, so that a wrong address costs as long as a wrong
# password and does not tell which addresses exist.
_DUMMY_HASH = generate_password_hash(secrets.token_hex(16))


def user_snapshot(user: User) -> dict:
    return {
        "email": user.email,
        "name": user.name,
        "role": user.role,
        "country": user.country_code,
        "is_active": user.is_active,
    }


def create_user(
    actor: Actor,
    email: str,
    password: str,
    *,
    role: str = Role.VIEWER.value,
    country_code: str | None = None,
    name: str = "",
) -> User:
    require_admin(actor)
    errors: dict[str, list[str]] = {}
    try:
        email = normalise_email(email).lower()
    except ValueError as exc:
        errors["email"] = [str(exc)]
    if role not in {r.value for r in Role}:
        errors["role"] = [f"must be one of {', '.join(r.value for r in Role)}"]
    country_code = country_code.upper() if country_code else None
    if role == Role.EDITOR and not country_code:
        errors["country"] = ["an editor belongs to one member state"]
    if len(password or "") < MIN_PASSWORD_LENGTH:
        errors["password"] = [f"must be at least {MIN_PASSWORD_LENGTH} characters"]
    if errors:
        raise ValidationFailed(errors)
    with write_transaction() as session:
        if country_code and session.get(Country, country_code) is None:
            raise ValidationFailed({"country": [f"{country_code} is not a member state"]})
        if session.scalar(select(User.id).where(func.lower(User.email) == email)) is not None:
            raise ValidationFailed({"email": ["a user with this e-mail already exists"]})
        now = utcnow()
        user = User(
            email=email,
            name=" ".join((name or "").split())[:200],
            password_hash=generate_password_hash(
                password, method=current_app.config["PASSWORD_HASH_METHOD"]
            ),
            role=role,
            country_code=country_code,
            is_active=True,
            session_nonce=secrets.token_hex(16),
            created_at=now,
        )
        session.add(user)
        session.flush()
        session.add(
            Change(
                entity=Entity.USER.value,
                entity_id=email,
                contact_id=None,
                action=Action.CREATE.value,
                actor_id=actor.user_id,
                actor_label=actor.label,
                created_at=now,
                before=None,
                after=user_snapshot(user),
            )
        )
    return user


def authenticate(email: str, password: str) -> User | None:
    """The active user with this e-mail and password, or None. Reads only."""
    email = (email or "").strip().lower()
    user = db.session.scalar(select(User).where(func.lower(User.email) == email)) if email else None
    if user is None:
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    if not check_password_hash(user.password_hash, password or "") or not user.is_active:
        return None
    return user


def user_for_session_id(session_id: str) -> User | None:
    """The user behind a session id "<id>:<nonce>", if still active and the nonce still holds."""
    user_id, _, nonce = (session_id or "").partition(":")
    if not user_id.isdigit() or not nonce:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.is_active:
        return None
    if not secrets.compare_digest(user.session_nonce, nonce):
        return None
    return user
