"""Signing in: failed attempts counted where every worker sees them, and a second factor."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

import pyotp
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select

from ..extensions import db
from ..models import Role, RolePolicy, SignInFailure, User
from ..models.base import utcnow
from .actors import Actor, require_admin
from .errors import DomainError, ValidationFailed
from .transaction import write_transaction
from .users import authenticate, change_password

TOTP_ISSUER = "Points-of-Contact Directory"


class Outcome(StrEnum):
    SIGNED_IN = "signed_in"  # password right, no second factor needed
    NEEDS_CODE = "needs_code"  # password right, a TOTP code must follow
    NEEDS_SETUP = "needs_setup"  # password right, the role requires a second factor not set up
    REFUSED = "refused"  # wrong e-mail or password
    THROTTLED = "throttled"  # too many failures lately: not even checked


@dataclass(frozen=True)
class Attempt:
    outcome: Outcome
    user: User | None = None
    retry_after_minutes: int = 0


def _recent_failures(email: str, address: str) -> tuple[int, int]:
    since = utcnow() - timedelta(minutes=current_app.config["SIGN_IN_WINDOW_MINUTES"])
    by_account = db.session.scalar(
        select(func.count())
        .select_from(SignInFailure)
        .where(SignInFailure.email == email, SignInFailure.created_at >= since)
    )
    by_address = db.session.scalar(
        select(func.count())
        .select_from(SignInFailure)
        .where(SignInFailure.address == address, SignInFailure.created_at >= since)
    )
    return by_account or 0, by_address or 0


def _throttled(email: str, address: str) -> bool:
    by_account, by_address = _recent_failures(email, address)
    return (
        by_account >= current_app.config["SIGN_IN_LIMIT_PER_ACCOUNT"]
        or by_address >= current_app.config["SIGN_IN_LIMIT_PER_ADDRESS"]
    )


def _record_failure(email: str, address: str) -> None:
    with write_transaction(logged=False) as session:
        session.add(SignInFailure(email=email, address=address, created_at=utcnow()))


class TooManyAttempts(DomainError):
    """Too many wrong passwords lately, for this account or from this address."""

    def __init__(self, retry_after_minutes: int):
        super().__init__(f"too many wrong passwords: wait {retry_after_minutes} minutes")
        self.retry_after_minutes = retry_after_minutes


def change_own_password(user_id: int, current: str, new: str, address: str) -> User:
    """The signed-in user's password change, whose current password is counted like a sign-in:
    a wrong one is a failure of the account, and too many of them lately refuse the change
    unchecked (TooManyAttempts), so the account page is no way to guess it."""
    user = db.session.get(User, user_id)
    if user is None:
        raise ValidationFailed({"current_password": [_l("is not your current password")]})
    email, address = user.email, (address or "unknown")[:64]
    if _throttled(email, address):
        raise TooManyAttempts(current_app.config["SIGN_IN_WINDOW_MINUTES"])
    try:
        return change_password(user_id, current, new)
    except ValidationFailed as failed:
        if "current_password" in failed.errors:
            _record_failure(email, address)
        raise


def role_requires_totp(role: str) -> bool:
    policy = db.session.get(RolePolicy, role)
    return bool(policy and policy.require_totp)


def attempt_sign_in(email: str, password: str, address: str) -> Attempt:
    """Check a password unless this account or address has failed too often lately."""
    email = (email or "").strip().lower()[:320]
    address = (address or "unknown")[:64]
    if _throttled(email, address):
        return Attempt(
            Outcome.THROTTLED, retry_after_minutes=current_app.config["SIGN_IN_WINDOW_MINUTES"]
        )
    user = authenticate(email, password)
    if user is None:
        _record_failure(email, address)
        return Attempt(Outcome.REFUSED)
    if user.totp_secret:
        return Attempt(Outcome.NEEDS_CODE, user)
    if role_requires_totp(user.role):
        return Attempt(Outcome.NEEDS_SETUP, user)
    return Attempt(Outcome.SIGNED_IN, user)


def record_sign_in(user_id: int) -> None:
    """A successful sign-in: earlier failures of the account are forgotten."""
    with write_transaction(logged=False) as session:
        user = session.get(User, user_id)
        if user is None:
            return
        user.last_sign_in_at = utcnow()
        session.execute(delete(SignInFailure).where(SignInFailure.email == user.email))


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=TOTP_ISSUER)


def _matching_step(secret: str, code: str, now: float) -> int | None:
    """The time step a code belongs to (one step of clock drift either way), or None."""
    code = "".join((code or "").split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    step = int(now // totp.interval)
    for candidate in (step, step - 1, step + 1):
        if secrets.compare_digest(totp.at(candidate * totp.interval), code):
            return candidate
    return None


def verify_totp(user_id: int, code: str, address: str, now: float | None = None) -> bool:
    """Check a second-factor code; a code is accepted once only. Failures count as sign-in
    failures, so guessing codes is limited like guessing passwords."""
    with write_transaction(logged=False) as session:
        user = session.get(User, user_id)
        if user is None or not user.totp_secret or not user.is_active:
            return False
        step = _matching_step(user.totp_secret, code, time.time() if now is None else now)
        if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
            session.add(SignInFailure(email=user.email, address=address[:64], created_at=utcnow()))
            return False
        user.totp_last_step = step
    return True


def enable_totp(user_id: int, secret: str, code: str, now: float | None = None) -> None:
    """Turn on the second factor once the user proves their app shows the right code."""
    step = _matching_step(secret, code, time.time() if now is None else now)
    if step is None:
        raise ValidationFailed(
            {"code": [_l("does not match: check the phone's clock and try again")]}
        )
    with write_transaction(logged=False) as session:
        user = session.get(User, user_id)
        if user is None:
            raise ValidationFailed({"code": [_l("unknown user")]})
        user.totp_secret = secret
        user.totp_last_step = step


def disable_totp(user_id: int) -> None:
    with write_transaction(logged=False) as session:
        user = session.get(User, user_id)
        if user is None:
            return
        if role_requires_totp(user.role):
            raise ValidationFailed({"totp": [_l("your role requires a second factor")]})
        user.totp_secret = None
        user.totp_last_step = None


def set_role_policy(actor: Actor, role: str, require_totp: bool) -> None:
    require_admin(actor)
    if role not in {r.value for r in Role}:
        raise ValidationFailed({"role": [_l("is not a role")]})
    with write_transaction(logged=False) as session:
        policy = session.get(RolePolicy, role)
        if policy is None:
            policy = RolePolicy(role=role)
            session.add(policy)
        policy.require_totp = require_totp


def role_policies() -> dict[str, bool]:
    found = {policy.role: policy.require_totp for policy in db.session.scalars(select(RolePolicy))}
    return {role.value: found.get(role.value, False) for role in Role}
