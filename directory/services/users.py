"""User use cases: create a user, check a password, find the user behind a session id."""

from __future__ import annotations

import secrets

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import bindparam, func, select
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..models import Action, Change, Country, Entity, Role, User
from ..models.base import utcnow
from .actors import Actor, require_admin
from .errors import NotFound, ValidationFailed
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
    password: str | None,
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
        errors["role"] = [_l("must be one of %(roles)s", roles=", ".join(r.value for r in Role))]
    country_code = country_code.upper() if country_code else None
    if role == Role.EDITOR and not country_code:
        errors["country"] = [_l("an editor belongs to one member state")]
    if password is not None and len(password) < MIN_PASSWORD_LENGTH:
        errors["password"] = [_l("must be at least %(n)s characters", n=MIN_PASSWORD_LENGTH)]
    if errors:
        raise ValidationFailed(errors)
    with write_transaction() as session:
        if country_code and session.get(Country, country_code) is None:
            raise ValidationFailed(
                {"country": [_l("%(code)s is not a member state", code=country_code)]}
            )
        if session.scalar(select(User.id).where(func.lower(User.email) == email)) is not None:
            raise ValidationFailed({"email": [_l("a user with this e-mail already exists")]})
        now = utcnow()
        user = User(
            email=email,
            name=" ".join((name or "").split())[:200],
            # No password: the user sets one through an invitation link.
            password_hash=generate_password_hash(
                password, method=current_app.config["PASSWORD_HASH_METHOD"]
            )
            if password
            else "",
            role=role,
            country_code=country_code,
            is_active=True,
            session_nonce=secrets.token_hex(16),
            link_nonce="",
            created_at=now,
            password_set_at=now if password else None,
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


def _log_user_change(session, actor: Actor, user: User, before: dict, action: Action) -> None:
    session.add(
        Change(
            entity=Entity.USER.value,
            entity_id=user.email,
            contact_id=None,
            action=action.value,
            actor_id=actor.user_id,
            actor_label=actor.label,
            created_at=utcnow(),
            before=before,
            after=user_snapshot(user),
        )
    )


def _load_user(session, email: str) -> User:
    user = session.scalar(select(User).where(func.lower(User.email) == (email or "").lower()))
    if user is None:
        raise NotFound(email)
    return user


def update_user(
    actor: Actor, email: str, *, role: str, country_code: str | None, name: str
) -> User:
    """Change a user's role, state or name (admins)."""
    require_admin(actor)
    country_code = country_code.upper() if country_code else None
    errors: dict[str, list[str]] = {}
    if role not in {r.value for r in Role}:
        errors["role"] = [_l("must be one of %(roles)s", roles=", ".join(r.value for r in Role))]
    if role == Role.EDITOR and not country_code:
        errors["country"] = [_l("an editor belongs to one member state")]
    if errors:
        raise ValidationFailed(errors)
    with write_transaction() as session:
        user = _load_user(session, email)
        if country_code and session.get(Country, country_code) is None:
            raise ValidationFailed(
                {"country": [_l("%(code)s is not a member state", code=country_code)]}
            )
        if user.id == actor.user_id and role != Role.ADMIN:
            raise ValidationFailed(
                {"role": [_l("you cannot take your own administrator role away")]}
            )
        before = user_snapshot(user)
        user.role = role
        user.country_code = country_code if role == Role.EDITOR else None
        user.name = " ".join((name or "").split())[:200]
        if before["role"] != user.role or before["country"] != user.country_code:
            user.session_nonce = secrets.token_hex(16)  # new rights start with a new sign-in
        _log_user_change(session, actor, user, before, Action.UPDATE)
    return user


def set_user_active(actor: Actor, email: str, active: bool) -> User:
    """Deactivate (every session and token stops at once) or reactivate a user (admins)."""
    require_admin(actor)
    with write_transaction() as session:
        user = _load_user(session, email)
        if user.id == actor.user_id and not active:
            raise ValidationFailed({"is_active": [_l("you cannot deactivate yourself")]})
        if user.is_active == active:
            return user
        before = user_snapshot(user)
        user.is_active = active
        user.session_nonce = secrets.token_hex(16)
        _log_user_change(session, actor, user, before, Action.UPDATE)
    return user


def end_sessions(user_id: int) -> None:
    """Sign a user out everywhere: every session id made before this stops working."""
    with write_transaction() as session:
        user = session.get(User, user_id)
        if user is not None:
            user.session_nonce = secrets.token_hex(16)


def check_new_password(password: str, confirm: str | None = None) -> None:
    errors: list[str] = []
    if len(password or "") < MIN_PASSWORD_LENGTH:
        errors.append(_l("must be at least %(n)s characters", n=MIN_PASSWORD_LENGTH))
    if len(password or "") > 1024:
        errors.append(_l("must be at most %(n)s characters", n=1024))
    if confirm is not None and confirm != password:
        errors.append(_l("the two passwords differ"))
    if errors:
        raise ValidationFailed({"password": errors})


def change_password(user_id: int, current: str, new: str) -> User:
    """The signed-in user's own change; every other session of theirs ends."""
    check_new_password(new)
    with write_transaction() as session:
        user = session.get(User, user_id)
        if user is None or not user.is_active:
            raise NotFound(str(user_id))
        if not check_password_hash(user.password_hash, current or ""):
            raise ValidationFailed({"current_password": [_l("is not your current password")]})
        _set_password(user, new)
    return user


def _set_password(user: User, password: str) -> None:
    user.password_hash = generate_password_hash(
        password, method=current_app.config["PASSWORD_HASH_METHOD"]
    )
    user.password_set_at = utcnow()
    user.session_nonce = secrets.token_hex(16)
    user.link_nonce = secrets.token_hex(16)  # any reset link still out there is spent


LINK_SALT = "account-link"
LINK_PURPOSES = {"invite", "reset"}


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=LINK_SALT)


def issue_account_link(actor: Actor, email: str, purpose: str) -> str:
    """A signed, single-use token for an invitation or a password reset (admins)."""
    require_admin(actor)
    if purpose not in LINK_PURPOSES:
        raise ValidationFailed({"purpose": [_l("must be invite or reset")]})
    with write_transaction() as session:
        user = _load_user(session, email)
        if not user.is_active:
            raise ValidationFailed({"is_active": [_l("reactivate the user first")]})
        user.link_nonce = secrets.token_hex(16)  # one link at a time: older ones are spent
        token = _serializer().dumps({"u": user.id, "n": user.link_nonce, "p": purpose})
    return token


def link_max_age(purpose: str) -> int:
    if purpose == "invite":
        return current_app.config["INVITE_LINK_HOURS"] * 3600
    return current_app.config["RESET_LINK_HOURS"] * 3600


def read_account_link(token: str) -> tuple[User, str] | None:
    """The user and purpose of a link still valid: signed, not expired, not used."""
    try:
        payload = _serializer().loads(token, max_age=link_max_age("invite"))
    except (BadSignature, SignatureExpired):
        return None
    if not isinstance(payload, dict) or payload.get("p") not in LINK_PURPOSES:
        return None
    try:
        _serializer().loads(token, max_age=link_max_age(payload["p"]))
    except (BadSignature, SignatureExpired):
        return None
    user = db.session.get(User, payload.get("u")) if isinstance(payload.get("u"), int) else None
    if user is None or not user.is_active or not user.link_nonce:
        return None
    if not secrets.compare_digest(user.link_nonce, str(payload.get("n", ""))):
        return None
    return user, payload["p"]


def redeem_account_link(token: str, password: str, confirm: str) -> User:
    """Set the password through a link; the link is spent."""
    found = read_account_link(token)
    if found is None:
        raise NotFound("link")
    check_new_password(password, confirm)
    with write_transaction() as session:
        user = session.get(User, found[0].id)
        assert user is not None
        if user.link_nonce != found[0].link_nonce:
            raise NotFound("link")  # used in the meantime
        _set_password(user, password)
        user.link_nonce = ""
    return user


def user_by_id(user_id: int) -> User | None:
    return db.session.get(User, user_id)


def user_by_email(email: str) -> User | None:
    email = (email or "").strip().lower()
    return db.session.scalar(select(User).where(func.lower(User.email) == email)) if email else None


def authenticate(email: str, password: str) -> User | None:
    """The active user with this e-mail and password, or None. Reads only."""
    user = user_by_email(email)
    if user is None or not user.password_hash:
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    if not check_password_hash(user.password_hash, password or "") or not user.is_active:
        return None
    return user


# Built once: every request reads its user, and a statement made afresh (as Session.get makes
# one) costs more to prepare than the row costs to read.
USER_BY_ID = select(User).where(User.id == bindparam("id"))


def user_for_session_id(session_id: str) -> User | None:
    """The user behind a session id "<id>:<nonce>", if still active and the nonce still holds."""
    user_id, _, nonce = (session_id or "").partition(":")
    if not user_id.isdigit() or not nonce:
        return None
    user = db.session.scalar(USER_BY_ID, {"id": int(user_id)})
    if user is None or not user.is_active:
        return None
    if not secrets.compare_digest(user.session_nonce, nonce):
        return None
    return user
