"""The page's language (web/locale.py) and the language menu (web/routes.py)."""

from __future__ import annotations

import contextvars

from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale

from directory.models.names import Named
from directory.web.locale import (
    lang,
    language_name,
    name_of,
    select_locale,
    sorted_countries,
    translations,
)


def test_the_query_beats_the_cookie_which_beats_the_browser(app: Flask) -> None:
    browser = {"Accept-Language": "pt-BR,pt;q=0.9"}
    with app.test_request_context("/", headers=browser):
        assert select_locale() == "pt"
    with app.test_request_context("/", headers={**browser, "Cookie": "lang=fr"}):
        assert select_locale() == "fr"
    with app.test_request_context("/?lang=es", headers={**browser, "Cookie": "lang=fr"}):
        assert select_locale() == "es"


def test_an_unknown_language_falls_back_to_the_default(app: Flask) -> None:
    headers = {"Accept-Language": "de", "Cookie": "lang=xx"}
    with app.test_request_context("/?lang=zz", headers=headers):
        assert select_locale() == app.config["DEFAULT_LOCALE"]
    with app.app_context():  # the CLI
        assert select_locale() == app.config["DEFAULT_LOCALE"]


def names(app: Flask, language: str, *codes: str) -> list[str]:
    """The names of ``codes`` on a page in ``language``, in a request of its own."""

    def request() -> list[str]:
        with app.test_request_context(f"/?lang={language}"):
            return [language_name(code) for code in codes]

    return contextvars.Context().run(request)


def test_languages_are_named_in_the_page_language(app: Flask) -> None:
    assert names(app, "fr", "en", "ht", "not-a-language") == [
        "anglais",
        "créole haïtien",
        "not-a-language",
    ]
    assert names(app, "en", "ht") == ["Haitian Creole"]


class Place(Named):
    def __init__(self, **names: str) -> None:
        self.names = names


def test_states_are_named_and_sorted_in_the_page_language(app: Flask) -> None:
    states = [Place(en="United States", es="Estados Unidos"), Place(en="Ecuador", es="Ecuador")]
    with app.test_request_context("/?lang=es"):
        assert name_of(states[0]) == "Estados Unidos"
    assert [s.name("es") for s in sorted_countries(states, "es")] == [
        "Ecuador",
        "Estados Unidos",
    ]
    assert [s.name("en") for s in sorted_countries(states, "en")] == [
        "Ecuador",
        "United States",
    ]


def test_the_menu_keeps_a_working_language_only(client: FlaskClient) -> None:
    response = client.get("/language/pt?next=/login")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert "lang=pt" in response.headers["Set-Cookie"]
    assert "HttpOnly" in response.headers["Set-Cookie"]
    response = client.get("/language/de?next=/login")
    assert "Set-Cookie" not in response.headers
    assert client.get("/language/fr?next=//evil.example.com").headers["Location"] == "/"


def test_the_favicon_is_the_static_svg(client: FlaskClient) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response.headers["Location"].endswith("/static/favicon.svg")


def test_the_kept_language_follows_a_forced_locale(app: Flask) -> None:
    def request() -> list[str]:
        with app.test_request_context("/?lang=es"):
            seen = [lang(), translations().ugettext("Primary")]
            with force_locale("fr"):
                seen.append(lang())
            seen.append(lang())
            return seen

    assert contextvars.Context().run(request) == ["es", "Primary", "fr", "es"]
