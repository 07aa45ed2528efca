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


def test_every_route_is_listed_here_or_public(app: Flask) -> None:
    """A new route must be added to PAGES (or be public on purpose)."""
    public = {"auth.login", "static", "set_language", "auth.logout"}
    adapter = app.url_map.bind("localhost")
    covered = {adapter.match(page.split("?")[0])[0] for page in PAGES}
    for rule in app.url_map.iter_rules():
        assert rule.endpoint in public | covered, f"{rule.rule} is not in PAGES"


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


def test_wrong_password_says_so_beside_the_field(client: FlaskClient, users) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/login", data={"email": "viewer@example.org", "password": "nope"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "E-mail or password is not right." in html
    assert 'value="viewer@example.org"' in html  # what was typed is kept
    assert client.get("/").status_code == 302


def test_empty_form_names_the_fields(client: FlaskClient) -> None:
    html = client.post("/login", data={}).get_data(as_text=True)
    assert "Enter your e-mail address." in html and "Enter your password." in html


def test_next_never_leads_off_the_site(client: FlaskClient, users) -> None:  # type: ignore[no-untyped-def]
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


def test_a_form_without_csrf_token_is_refused(template_database, tmp_path, users) -> None:  # type: ignore[no-untyped-def]
    import shutil

    from tests.conftest import make_app

    database = tmp_path / "csrf.sqlite3"
    shutil.copyfile(tmp_path / "directory.sqlite3", database)
    app = make_app(database, tmp_path / "instance2", WTF_CSRF_ENABLED=True)
    client = app.test_client()
    response = client.post("/login", data={"email": "viewer@example.org", "password": PASSWORD})
    assert response.status_code == 400
    assert "The form had expired" in response.get_data(as_text=True)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
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
