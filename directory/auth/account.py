"""A user's own account: password, second factor, API tokens; and invitation links."""

from __future__ import annotations

from flask import flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user

from ..services.actors import Actor
from ..services.errors import ValidationFailed
from ..services.signin import (
    TooManyAttempts,
    change_own_password,
    disable_totp,
    enable_totp,
    new_totp_secret,
    role_requires_totp,
    totp_uri,
)
from ..services.tokens import create_token, revoke_token, tokens_of
from ..services.users import (
    read_account_link,
    redeem_account_link,
    user_by_id,
)
from .forms import ChangePasswordForm, CodeForm, ConfirmForm, NewPasswordForm, TokenForm
from .qr import qr_data_uri
from .views import bp, client_address

SETUP_SECRET = "totp_setup_secret"  # noqa: S105 - a session key name


def _messages(error: ValidationFailed, form, mapping: dict[str, str]) -> None:
    for key, messages in error.errors.items():
        field = getattr(form, mapping.get(key, key), None)
        target = field.errors if field is not None else form.form_errors
        target.extend(messages)


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    form = ChangePasswordForm(prefix="pw")
    status = 200
    if form.validate_on_submit():
        try:
            change_own_password(
                current_user.id,
                form.current_password.data or "",
                form.password.data or "",
                client_address(),
            )
        except TooManyAttempts as refused:
            form.current_password.errors.append(
                _(
                    "Too many wrong passwords. Please wait %(minutes)s minutes and try again.",
                    minutes=refused.retry_after_minutes,
                )
            )
            status = 429
        except ValidationFailed as error:
            _messages(error, form, {"password": "password"})
        else:
            user = user_by_id(current_user.id)
            session.clear()
            login_user(user)  # this session goes on with the new nonce; the others end
            flash(_("Your password is changed. Other devices have been signed out."), "info")
            return redirect(url_for("auth.account"))
    return render_template(
        "auth/account.html",
        form=form,
        tokens=tokens_of(current_user.id),
        token_form=TokenForm(prefix="token"),
        confirm=ConfirmForm(),
        totp_required=role_requires_totp(current_user.role),
    ), status if status != 200 else (400 if form.errors else 200)


@bp.route("/account/totp", methods=["GET", "POST"])
@login_required
def totp_setup():
    secret = session.get(SETUP_SECRET) or new_totp_secret()
    session[SETUP_SECRET] = secret
    form = CodeForm()
    if form.validate_on_submit():
        try:
            enable_totp(current_user.id, secret, form.code.data or "")
        except ValidationFailed:
            form.code.errors.append(_("The code does not match. Check the phone's clock."))
        else:
            session.pop(SETUP_SECRET, None)
            flash(_("The second factor is on: sign-ins will ask for a code."), "info")
            return redirect(url_for("auth.account"))
    uri = totp_uri(secret, current_user.email)
    return render_template(
        "auth/setup_code.html",
        form=form,
        secret=secret,
        uri=uri,
        qr=qr_data_uri(uri),
        required=False,
    ), 400 if form.errors else 200


@bp.route("/account/totp/off", methods=["POST"])
@login_required
def totp_off():
    if ConfirmForm().validate_on_submit():
        try:
            disable_totp(current_user.id)
        except ValidationFailed:
            flash(_("Your role requires a second factor: it stays on."), "warning")
        else:
            flash(_("The second factor is off."), "info")
    return redirect(url_for("auth.account"))


@bp.route("/account/tokens", methods=["POST"])
@login_required
def token_new():
    form = TokenForm(prefix="token")
    if not form.validate_on_submit():
        flash(_("The label is too long."), "error")
        return redirect(url_for("auth.account"))
    token = create_token(Actor.of(current_user), current_user.id, form.label.data or "")
    return render_template("auth/token_created.html", token=token)


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def token_revoke(token_id: int):
    if ConfirmForm().validate_on_submit():
        revoke_token(Actor.of(current_user), token_id)
        flash(_("The token is revoked: programs using it are refused from now on."), "info")
    return redirect(url_for("auth.account"))


@bp.route("/account/link/<token>", methods=["GET", "POST"])
def account_link(token: str):
    found = read_account_link(token) if len(token) < 500 else None
    if found is None:
        return render_template("auth/link_invalid.html"), 410
    user, purpose = found
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            redeem_account_link(token, form.password.data or "", form.confirm.data or "")
        except ValidationFailed as error:
            _messages(error, form, {})
        else:
            flash(_("Your password is set. Please sign in."), "info")
            return redirect(url_for("auth.login"))
    return render_template(
        "auth/set_password.html", form=form, user=user, purpose=purpose
    ), 400 if form.errors else 200
