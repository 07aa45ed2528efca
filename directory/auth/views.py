"""Signing in and out: password, then a second factor where the user or the role has one."""

from __future__ import annotations

import time

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from ..models import User
from ..services.errors import ValidationFailed
from ..services.signin import (
    Outcome,
    attempt_sign_in,
    enable_totp,
    new_totp_secret,
    record_sign_in,
    totp_uri,
    verify_totp,
)
from ..services.users import end_sessions, user_by_id
from ..web.redirects import local_path
from .forms import CodeForm, SignInForm
from .qr import qr_data_uri

bp = Blueprint("auth", __name__)
PENDING = "pending_sign_in"
PENDING_SECONDS = 300  # the second step must follow the password within five minutes


def safe_next(target: str | None) -> str:
    """Only a path on this site: never an address elsewhere."""
    return local_path(target, url_for("home.index"))


def client_address() -> str:
    return request.remote_addr or "unknown"


def _complete(user: User, remember: bool, target: str | None):
    session.clear()  # nothing of the anonymous session survives into the signed-in one
    login_user(user, remember=remember)
    record_sign_in(user.id)
    return redirect(safe_next(target))


def _pending_user() -> tuple[User, dict] | None:
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    user = user_by_id(pending["user"]) if isinstance(pending.get("user"), int) else None
    if user is None or not user.is_active or user.session_nonce != pending.get("nonce"):
        return None
    return user, pending


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = SignInForm()
    status = 200
    if form.validate_on_submit():
        attempt = attempt_sign_in(form.email.data or "", form.password.data or "", client_address())
        if attempt.outcome == Outcome.THROTTLED:
            form.password.errors.append(
                _(
                    "Too many failed sign-ins. Please wait %(minutes)s minutes and try again.",
                    minutes=attempt.retry_after_minutes,
                )
            )
            status = 429
        elif attempt.outcome == Outcome.REFUSED or attempt.user is None:
            form.password.errors.append(_("E-mail or password is not right."))
        elif attempt.outcome == Outcome.SIGNED_IN:
            return _complete(attempt.user, bool(form.remember.data), request.args.get("next"))
        else:
            session[PENDING] = {
                "user": attempt.user.id,
                "nonce": attempt.user.session_nonce,
                "at": time.time(),
                "remember": bool(form.remember.data),
                "next": safe_next(request.args.get("next")),
            }
            if attempt.outcome == Outcome.NEEDS_SETUP:
                session[PENDING]["secret"] = new_totp_secret()
                return redirect(url_for("auth.setup_code"))
            return redirect(url_for("auth.code"))
    if form.errors and status == 200:
        status = 400
    return render_template("auth/login.html", form=form), status


@bp.route("/login/code", methods=["GET", "POST"])
def code():
    found = _pending_user()
    if found is None:
        flash(_("Please sign in again."), "warning")
        return redirect(url_for("auth.login"))
    user, pending = found
    form = CodeForm()
    if form.validate_on_submit():
        if verify_totp(user.id, form.code.data or "", client_address()):
            return _complete(user, pending.get("remember", False), pending.get("next"))
        form.code.errors.append(_("The code is not right, or it was used already."))
    return render_template("auth/code.html", form=form), 400 if form.errors else 200


@bp.route("/login/setup", methods=["GET", "POST"])
def setup_code():
    found = _pending_user()
    if found is None or "secret" not in found[1]:
        flash(_("Please sign in again."), "warning")
        return redirect(url_for("auth.login"))
    user, pending = found
    form = CodeForm()
    if form.validate_on_submit():
        try:
            enable_totp(user.id, pending["secret"], form.code.data or "")
        except ValidationFailed:
            form.code.errors.append(_("The code does not match. Check the phone's clock."))
        else:
            return _complete(user, pending.get("remember", False), pending.get("next"))
    uri = totp_uri(pending["secret"], user.email)
    return render_template(
        "auth/setup_code.html",
        form=form,
        secret=pending["secret"],
        uri=uri,
        qr=qr_data_uri(uri),
        required=True,
    ), 400 if form.errors else 200


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        end_sessions(current_user.id)  # a copied cookie stops working too
    logout_user()
    session.clear()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))
