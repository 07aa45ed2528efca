"""Security headers on every response."""

from __future__ import annotations

from flask import Flask, Response, current_app, request
from flask_login import current_user

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


def security_headers(response: Response) -> Response:
    """Nothing sniffed, framed or loaded from elsewhere; a signed-in user's pages not stored."""
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    hsts = current_app.config["HSTS_SECONDS"]
    if hsts > 0 and request.is_secure:  # behind a proxy, as its X-Forwarded-Proto says
        response.headers.setdefault("Strict-Transport-Security", f"max-age={hsts}")
    if current_user and getattr(current_user, "is_authenticated", False):
        response.headers.setdefault("Cache-Control", "private, no-store")
    return response


def init_app(app: Flask) -> None:
    app.after_request(security_headers)
