"""Sign-in security: throttling, revocable sessions, second factor, single-use links."""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from directory.extensions import db
from directory.models import User
from directory.services.actors import Actor
from directory.services.signin import set_role_policy
from directory.services.users import create_user, issue_account_link, set_user_active
from tests.factories import PASSWORD

ADMIN = Actor.system("tests")


def sign_in(client: FlaskClient, email: str = "viewer@example.org", password: str = PASSWORD):
    return client.post("/login", data={"email": email, "password": password})


def reload(user: User) -> User:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.id == user.id))


def test_failed_sign_ins_are_limited_per_account(client: FlaskClient, users) -> None:
    for _ in range(5):
        assert sign_in(client, password="wrong password").status_code == 400
    blocked = sign_in(client)  # even the right password is not checked now
    assert blocked.status_code == 429
    assert "Too many failed sign-ins" in blocked.get_data(as_text=True)
    assert client.get("/").status_code == 302
    # another account from another address is not affected
    other = client.post(
        "/login",
        data={"email": "admin@example.org", "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "192.0.2.7"},
    )
    assert other.status_code == 302


def test_failed_sign_ins_are_limited_per_address(client: FlaskClient, users, app: Flask) -> None:
    app.config["SIGN_IN_LIMIT_PER_ADDRESS"] = 6
    for n in range(6):
        client.post("/login", data={"email": f"guess{n}@example.org", "password": "x"})
    assert sign_in(client).status_code == 429


def _fail_sign_ins(database: str, instance: str, count: int) -> int:
    from tests.conftest import make_app

    app = make_app(Path(database), Path(instance))
    client = app.test_client()
    codes = [
        client.post("/login", data={"email": "viewer@example.org", "password": "no"}).status_code
        for _ in range(count)
    ]
    with app.app_context():
        db.engine.dispose()
    return codes.count(400)


def test_failed_sign_ins_count_across_worker_processes(
    app: Flask, client: FlaskClient, users
) -> None:
    database = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        refused = pool.starmap(_fail_sign_ins, [(database, app.instance_path, 3)] * 2)
    assert sum(refused) >= 5  # two workers, three tries each: the sixth may already be blocked
    assert sign_in(client).status_code == 429


def test_a_success_forgets_earlier_failures(client: FlaskClient, users) -> None:
    for _ in range(4):
        sign_in(client, password="wrong password")
    assert sign_in(client).status_code == 302
    client.post("/logout")
    for _ in range(4):
        sign_in(client, password="wrong password")
    assert sign_in(client).status_code == 302


def test_a_cookie_replayed_after_sign_out_is_refused(app: Flask, users) -> None:
    first, thief = app.test_client(), app.test_client()
    sign_in(first)
    cookie = first.get_cookie("session")
    assert cookie is not None
    thief.set_cookie("session", cookie.value)
    assert thief.get("/").status_code == 200  # the copied cookie works while signed in
    first.post("/logout")
    assert thief.get("/").status_code == 302


def test_a_password_change_ends_other_sessions(app: Flask, users) -> None:
    here, elsewhere = app.test_client(), app.test_client()
    sign_in(here)
    sign_in(elsewhere)
    response = here.post(
        "/account",
        data={
            "pw-current_password": PASSWORD,
            "pw-password": "a brand new passphrase",
            "pw-confirm": "a brand new passphrase",
        },
    )
    assert response.status_code == 302
    assert here.get("/").status_code == 200  # this session goes on
    assert elsewhere.get("/").status_code == 302
    here.post("/logout")
    assert sign_in(here, password="a brand new passphrase").status_code == 302


def test_password_change_explains_mistakes(signed_in: FlaskClient) -> None:
    response = signed_in.post(
        "/account",
        data={"pw-current_password": "not it", "pw-password": "short", "pw-confirm": "other"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The two passwords differ." in html


def test_guessing_the_current_password_counts_as_failed_sign_ins(
    app: Flask, signed_in: FlaskClient
) -> None:
    limit = app.config["SIGN_IN_LIMIT_PER_ACCOUNT"]
    wrong = {
        "pw-current_password": "not it",
        "pw-password": "a new long password",
        "pw-confirm": "a new long password",
    }
    for _ in range(limit):
        refused = signed_in.post("/account", data=wrong)
        assert refused.status_code == 400
        assert "is not your current password" in refused.get_data(as_text=True)
    right = {**wrong, "pw-current_password": PASSWORD}
    throttled = signed_in.post("/account", data=right)  # even the right one is not checked
    assert throttled.status_code == 429
    assert "Too many wrong passwords" in throttled.get_data(as_text=True)
    # and the account's sign-in is throttled too: the guesses were failures of the account
    other = app.test_client()
    response = other.post("/login", data={"email": "viewer@example.org", "password": PASSWORD})
    assert response.status_code == 429


def test_deactivation_ends_sessions_and_tokens(client: FlaskClient, users, runner) -> None:
    token = runner.invoke(args=["users", "token", "viewer@example.org"]).output.strip()
    sign_in(client)
    api = {"Authorization": f"Bearer {token}"}
    public_id = "abcdefghjkmn"
    assert client.get(f"/api/v1/contacts/{public_id}", headers=api).status_code == 404
    set_user_active(ADMIN, "viewer@example.org", False)
    assert client.get("/").status_code == 302
    other = client.application.test_client()
    assert other.get(f"/api/v1/contacts/{public_id}", headers=api).status_code == 401


def test_session_cookie_flags(app: Flask, users) -> None:
    client = app.test_client()
    response = sign_in(client)
    header = response.headers["Set-Cookie"]
    assert "HttpOnly" in header and "SameSite=Lax" in header


def test_a_body_over_the_limit_gets_413(client: FlaskClient, users, app: Flask) -> None:
    response = client.post("/login", data={"email": "x" * (app.config["MAX_CONTENT_LENGTH"] + 10)})
    assert response.status_code == 413


# --- second factor ---------------------------------------------------------------------------


def test_second_factor_setup_then_required_and_single_use(signed_in: FlaskClient, users) -> None:
    page = signed_in.get("/account/totp").get_data(as_text=True)
    secret = page.split('<code class="secret">')[1].split("</code>")[0]
    assert 'src="data:image/svg+xml' in page  # the QR code, inline
    assert signed_in.post("/account/totp", data={"code": "000000"}).status_code == 400
    assert (
        signed_in.post("/account/totp", data={"code": pyotp.TOTP(secret).now()}).status_code == 302
    )
    assert reload(users["viewer"]).totp_secret == secret
    signed_in.post("/logout")

    response = sign_in(signed_in)
    assert response.headers["Location"] == "/login/code"
    assert signed_in.get("/").status_code == 302  # the password alone does not sign in
    # the code used to turn it on was spent: the next time step is needed
    later = pyotp.TOTP(secret).at(time.time() + 30)
    reused = signed_in.post("/login/code", data={"code": pyotp.TOTP(secret).now()})
    assert reused.status_code == 400
    assert "used already" in reused.get_data(as_text=True)
    assert signed_in.post("/login/code", data={"code": later}).status_code == 302
    assert signed_in.get("/").status_code == 200
    signed_in.post("/logout")
    sign_in(signed_in)
    assert signed_in.post("/login/code", data={"code": later}).status_code == 400


def test_a_role_can_require_a_second_factor(client: FlaskClient, users) -> None:
    set_role_policy(ADMIN, "editor", True)
    response = sign_in(client, "editor.jm@example.org")
    assert response.headers["Location"] == "/login/setup"
    page = client.get("/login/setup").get_data(as_text=True)
    assert "Your role requires a code" in page
    assert client.get("/").status_code == 302
    secret = page.split('<code class="secret">')[1].split("</code>")[0]
    assert client.post("/login/setup", data={"code": pyotp.TOTP(secret).now()}).status_code == 302
    assert client.get("/").status_code == 200
    # and it cannot be turned off while the role requires it
    client.post("/account/totp/off")
    assert reload(users["editor"]).totp_secret == secret


def test_the_code_step_expires_and_needs_the_password_first(client: FlaskClient) -> None:
    response = client.get("/login/code")
    assert response.headers["Location"] == "/login"


# --- invitation and reset links ------------------------------------------------------------


def test_invitation_link_sets_a_password_once(client: FlaskClient, users) -> None:
    create_user(ADMIN, "new.editor@example.org", None, role="editor", country_code="HT")
    assert sign_in(client, "new.editor@example.org", "").status_code == 400  # no password yet
    token = issue_account_link(ADMIN, "new.editor@example.org", "invite")
    page = client.get(f"/account/link/{token}")
    assert page.status_code == 200 and "Welcome to the directory" in page.get_data(as_text=True)
    bad = client.post(f"/account/link/{token}", data={"password": "short", "confirm": "short"})
    assert bad.status_code == 400
    done = client.post(
        f"/account/link/{token}",
        data={"password": "haitian focal point", "confirm": "haitian focal point"},
    )
    assert done.status_code == 302
    assert client.get(f"/account/link/{token}").status_code == 410  # spent
    assert sign_in(client, "new.editor@example.org", "haitian focal point").status_code == 302


def test_reset_links_expire_and_cannot_be_forged(client: FlaskClient, users, monkeypatch) -> None:
    token = issue_account_link(ADMIN, "viewer@example.org", "reset")
    assert client.get(f"/account/link/{token[:-2]}xx").status_code == 410
    assert client.get("/account/link/" + "a" * 600).status_code == 410
    newer = issue_account_link(ADMIN, "viewer@example.org", "reset")
    assert client.get(f"/account/link/{token}").status_code == 410  # replaced by the newer one
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + 25 * 3600)
    assert client.get(f"/account/link/{newer}").status_code == 410  # a reset link lasts 24 h


@pytest.mark.parametrize("email", ["viewer@example.org", "ghost@example.org"])
def test_sign_in_message_does_not_tell_which_emails_exist(
    client: FlaskClient, users, email: str
) -> None:
    html = sign_in(client, email, "wrong password").get_data(as_text=True)
    assert "E-mail or password is not right." in html
