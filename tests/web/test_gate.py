"""The sign-in every page and API call needs (web/gate.py) and the security headers."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from directory.web.gate import PUBLIC_ENDPOINTS


def test_every_public_endpoint_is_a_route(app: Flask) -> None:
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints >= PUBLIC_ENDPOINTS


def test_the_api_asks_for_a_token_and_pages_for_a_sign_in(client: FlaskClient) -> None:
    response = client.get("/api/v1/search?q=x")
    assert response.status_code == 401
    assert response.get_json()["error"]["status"] == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="directory"'
    response = client.get("/countries/JM")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_a_token_is_read_for_the_api_only(client: FlaskClient) -> None:
    bearer = {"Authorization": "Bearer not-a-token"}
    assert client.get("/api/v1/search?q=x", headers=bearer).status_code == 401
    assert client.get("/countries/JM", headers=bearer).status_code == 302


def test_pages_are_never_framed_sniffed_or_kept(signed_in: FlaskClient) -> None:
    response = signed_in.get("/")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "private, no-store"
