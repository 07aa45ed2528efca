"""Every redirect that takes its target from the request stays on this site, judged on what
the browser receives: no tab, newline, backslash or scheme sends it elsewhere, and none of them
makes a server error."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from directory.models import User
from directory.services.actors import Actor
from directory.services.contacts import create_contact
from directory.web.redirects import local_path
from tests.factories import PASSWORD, contact_data

HOSTILE = [
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "//evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "https://evil.example/",
    "javascript:alert(1)",
    " /\t/evil.example",
    "/\u202e/evil.example",
    "/%09/evil.example",  # decoded once more by nobody: stays a path, which is fine
]


def lands_here(response: TestResponse) -> bool:
    location = response.headers.get("Location", "")
    return (
        response.status_code in (302, 303)
        and location.startswith("/")
        and not location.startswith("//")
        and "\\" not in location
        and not any(char in location for char in "\t\r\n")
    )


@pytest.mark.parametrize("target", HOSTILE)
def test_local_path_refuses_what_a_browser_would_read_as_elsewhere(target: str) -> None:
    found = local_path(target, "/home")
    assert found == "/home" or found == target == "/%09/evil.example"


def test_local_path_keeps_a_path_and_its_query() -> None:
    assert local_path("/contacts/abc?page=2#x", "/") == "/contacts/abc?page=2#x"
    assert local_path(None, "/") == "/" and local_path("", "/") == "/"


@pytest.mark.parametrize("target", HOSTILE)
def test_the_language_menu(client: FlaskClient, target: str) -> None:
    response = client.get(f"/language/es?next={quote(target, safe='')}")
    assert lands_here(response), response.headers.get("Location")


@pytest.mark.parametrize("target", HOSTILE)
def test_sign_in(client: FlaskClient, users: dict[str, User], target: str) -> None:
    response = client.post(
        f"/login?next={quote(target, safe='')}",
        data={"email": "viewer@example.org", "password": PASSWORD},
    )
    assert lands_here(response), response.headers.get("Location")


@pytest.mark.parametrize("target", HOSTILE)
def test_contact_and_state_actions(
    app: Flask, client: FlaskClient, users: dict[str, User], target: str
) -> None:
    contact = create_contact(Actor.system("tests"), contact_data())
    response = client.post("/login", data={"email": "editor.jm@example.org", "password": PASSWORD})
    assert response.status_code == 302
    app.config["WTF_CSRF_ENABLED"] = False
    for action in (f"/contacts/{contact.public_id}/verify", "/countries/JM/verify-all"):
        response = client.post(action, data={"next": target})
        assert lands_here(response), (action, response.headers.get("Location"))
