from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from config import TestingConfig
from directory.extensions import db
from directory.models import User
from tests.factories import PASSWORD

PAGES = [
    "/",
    "/countries/JM",
    "/countries/JM/disaster-response",
    "/areas/disaster-response",
    "/contacts/abcdefghjkmn",
    "/search?q=x",
]


PUBLIC = {
    "auth.login",
    "auth.code",
    "auth.setup_code",
    "auth.account_link",
    "static",
    "set_language",
    "favicon",
}


def test_every_route_needs_sign_in(app: Flask, client: FlaskClient) -> None:
    """Walks the URL map, so that a new route is covered the day it is added."""
    checked = 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC:
            continue
        from werkzeug.routing import IntegerConverter

        values = {
            arg: 1 if isinstance(rule._converters[arg], IntegerConverter) else "x"
            for arg in rule.arguments
        }
        path = rule.build(values)[1]
        method = "GET" if "GET" in rule.methods else sorted(rule.methods - {"OPTIONS"})[0]
        response = client.open(path, method=method)
        if rule.rule.startswith("/api/"):
            assert response.status_code == 401, rule.rule
            assert response.is_json
        else:
            assert response.status_code == 302, rule.rule
            assert response.headers["Location"].startswith("/login"), rule.rule
        checked += 1
    assert checked >= 10


@pytest.mark.parametrize("url", PAGES)
def test_every_page_needs_sign_in(client: FlaskClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_sign_in_then_out(client: FlaskClient, users: dict[str, User]) -> None:
    response = client.post(
        "/login?next=/countries/JM", data={"email": "Viewer@Example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/countries/JM"
    assert client.get("/").status_code == 200
    client.post("/logout")
    assert client.get("/").status_code == 302


def test_wrong_password_says_so_beside_the_field(client: FlaskClient, users) -> None:
    response = client.post("/login", data={"email": "viewer@example.org", "password": "nope"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "E-mail or password is not right." in html
    assert 'value="viewer@example.org"' in html  # what was typed is kept
    assert client.get("/").status_code == 302


def test_empty_form_names_the_fields(client: FlaskClient) -> None:
    html = client.post("/login", data={}).get_data(as_text=True)
    assert "Enter your e-mail address." in html and "Enter your password." in html


def test_next_never_leads_off_the_site(client: FlaskClient, users) -> None:
    for target in ("https://evil.example.com/", "//evil.example.com", "/\\evil.example.com"):
        response = client.post(
            f"/login?next={target}", data={"email": "viewer@example.org", "password": PASSWORD}
        )
        assert response.headers["Location"] == "/"
        client.post("/logout")


def test_deactivated_user_is_signed_out_at_the_next_request(
    signed_in: FlaskClient, users: dict[str, User]
) -> None:
    assert signed_in.get("/").status_code == 200
    users["viewer"].is_active = False
    db.session.commit()
    assert signed_in.get("/").status_code == 302


def test_changing_the_session_nonce_ends_open_sessions(
    signed_in: FlaskClient, users: dict[str, User]
) -> None:
    users["viewer"].session_nonce = "rotated"
    db.session.commit()
    assert signed_in.get("/").status_code == 302


def test_a_form_without_csrf_token_is_refused(app_with, users) -> None:
    client = app_with(WTF_CSRF_ENABLED=True).test_client()
    response = client.post("/login", data={"email": "viewer@example.org", "password": PASSWORD})
    assert response.status_code == 400
    assert "The form had expired" in response.get_data(as_text=True)
    assert TestingConfig.WTF_CSRF_ENABLED is False  # the class itself is never mutated


def test_security_headers(client: FlaskClient) -> None:
    response = client.get("/login")
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"


def test_language_follows_the_browser_and_the_switch(client: FlaskClient) -> None:
    html = client.get("/login", headers={"Accept-Language": "es-MX,es;q=0.9"}).get_data(
        as_text=True
    )
    assert '<html lang="es">' in html
    response = client.get("/language/fr?next=/login")
    assert response.headers["Location"] == "/login"
    assert '<html lang="fr">' in client.get("/login").get_data(as_text=True)
    assert client.get("/language/fr?next=https://evil.example.com").headers["Location"] == "/"
