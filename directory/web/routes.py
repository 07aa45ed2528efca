"""The app's own routes, outside any blueprint: the favicon and the language menu."""

from __future__ import annotations

from flask import Flask, current_app, redirect, request, url_for
from werkzeug.wrappers import Response

from .redirects import local_path

LANGUAGE_COOKIE_SECONDS = 365 * 24 * 3600


def favicon() -> Response:
    return redirect(url_for("static", filename="favicon.svg"), code=301)


def set_language(code: str) -> Response:
    """Keep the chosen language in a cookie and go back to the page (on this site only)."""
    response = redirect(local_path(request.args.get("next"), url_for("home.index")))
    if code in current_app.config["LANGUAGES"]:
        response.set_cookie(
            "lang", code, max_age=LANGUAGE_COOKIE_SECONDS, samesite="Lax", httponly=True
        )
    return response


def init_app(app: Flask) -> None:
    app.add_url_rule("/favicon.ico", "favicon", favicon)
    app.add_url_rule("/language/<code>", "set_language", set_language)
