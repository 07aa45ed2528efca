"""The JSON API: tokens, ETag / If-Match, the same rules as the forms, JSON errors."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, select

from directory.extensions import db
from directory.models import Change
from directory.services.actors import Actor
from directory.services.contacts import create_contact
from tests.factories import contact_data

NEW = {
    "country": "JM",
    "area": "environmental-security",
    "organisation": "National Environment and Planning Agency",
    "position_title": "Pollution response duty officer",
    "time_zone": "America/Jamaica",
    "channels": [
        {"kind": "phone", "value": "876 906 9674", "label": "Duty", "is_24_7": True},
        {"kind": "email", "value": "duty@nepa.jm.example.org"},
    ],
}


@pytest.fixture
def tokens(users, runner: FlaskCliRunner) -> dict[str, dict[str, str]]:
    def bearer(email: str) -> dict[str, str]:
        result = runner.invoke(args=["users", "token", email, "--label", "tests"])
        assert result.exit_code == 0, result.output
        return {"Authorization": f"Bearer {result.output.strip()}"}

    return {
        "editor": bearer("editor.jm@example.org"),
        "viewer": bearer("viewer@example.org"),
        "admin": bearer("admin@example.org"),
    }


def changes() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Change)) or 0


def test_get_returns_the_contact_with_its_version(client: FlaskClient, tokens) -> None:
    contact = create_contact(Actor.system("tests"), contact_data())
    response = client.get(f"/api/v1/contacts/{contact.public_id}", headers=tokens["viewer"])
    assert response.status_code == 200
    assert response.headers["ETag"] == '"1"'
    assert response.json["holder_family_name"] == "O'Neil"
    assert response.json["channels"][0]["value"] == "+18769069674"
    again = client.get(
        f"/api/v1/contacts/{contact.public_id}",
        headers={**tokens["viewer"], "If-None-Match": '"1"'},
    )
    assert again.status_code == 304


def test_without_a_token_the_api_answers_401_in_json(client: FlaskClient, users) -> None:
    for headers in ({}, {"Authorization": "Bearer poc_not-a-token"}, {"Authorization": "Basic x"}):
        response = client.get("/api/v1/contacts/abcdefghjkmn", headers=headers)
        assert response.status_code == 401
        assert response.json["error"]["status"] == 401


def test_create_update_archive_with_if_match(client: FlaskClient, tokens) -> None:
    created = client.post("/api/v1/contacts", json=NEW, headers=tokens["editor"])
    assert created.status_code == 201, created.json
    public_id = created.json["public_id"]
    assert created.headers["Location"] == f"/api/v1/contacts/{public_id}"
    assert created.json["channels"][0]["value"] == "+18769069674"

    url = f"/api/v1/contacts/{public_id}"
    no_version = client.patch(url, json={"city": "Kingston"}, headers=tokens["editor"])
    assert no_version.status_code == 428
    patched = client.patch(
        url, json={"city": "Kingston"}, headers={**tokens["editor"], "If-Match": '"1"'}
    )
    assert patched.status_code == 200 and patched.headers["ETag"] == '"2"'
    assert patched.json["city"] == "Kingston"
    assert patched.json["organisation"] == NEW["organisation"]  # untouched fields kept

    stale = client.patch(
        url, json={"city": "Ocho Rios"}, headers={**tokens["editor"], "If-Match": '"1"'}
    )
    assert stale.status_code == 409 and stale.headers["ETag"] == '"2"'
    assert client.get(url, headers=tokens["editor"]).json["city"] == "Kingston"

    assert client.delete(url, headers=tokens["editor"]).status_code == 428
    archived = client.delete(url, headers={**tokens["editor"], "If-Match": '"2"'})
    assert archived.status_code == 200 and archived.json["status"] == "archived"


def test_errors_name_the_field(client: FlaskClient, tokens) -> None:
    before = changes()
    bad = {
        **NEW,
        "organisation": "",
        "channels": [{"kind": "phone", "value": "12"}],
        "surprise": 1,
        "rank": "first",
    }
    response = client.post("/api/v1/contacts", json=bad, headers=tokens["editor"])
    assert response.status_code == 422
    fields = response.json["error"]["fields"]
    assert set(fields) == {"surprise", "rank"}  # shape first, then the service's rules
    response = client.post(
        "/api/v1/contacts",
        json={**NEW, "organisation": "", "channels": [{"kind": "phone", "value": "12"}]},
        headers=tokens["editor"],
    )
    assert set(response.json["error"]["fields"]) == {"organisation", "channels-0"}
    not_json = client.post(
        "/api/v1/contacts",
        data="{oops",
        headers={**tokens["editor"], "Content-Type": "application/json"},
    )
    assert not_json.status_code == 422 and "body" in not_json.json["error"]["fields"]
    assert client.post("/api/v1/contacts", json=[1], headers=tokens["editor"]).status_code == 422
    assert changes() == before


def test_the_api_enforces_the_same_permissions(client: FlaskClient, tokens) -> None:
    haiti = create_contact(
        Actor.system("tests"),
        contact_data(country="HT", time_zone="America/Port-au-Prince", channels=[]),
    )
    before = changes()
    url = f"/api/v1/contacts/{haiti.public_id}"
    version = {"If-Match": '"1"'}
    assert (
        client.post(
            "/api/v1/contacts",
            json={**NEW, "country": "HT", "channels": []},
            headers=tokens["editor"],
        ).status_code
        == 403
    )
    assert (
        client.patch(
            url, json={"city": "Jacmel"}, headers={**tokens["editor"], **version}
        ).status_code
        == 403
    )
    assert client.delete(url, headers={**tokens["editor"], **version}).status_code == 403
    assert client.post("/api/v1/contacts", json=NEW, headers=tokens["viewer"]).status_code == 403
    # moving a JM contact to HT through the body is refused too
    mine = create_contact(Actor.system("tests"), contact_data())
    before = changes()
    moved = client.patch(
        f"/api/v1/contacts/{mine.public_id}",
        json={"country": "HT"},
        headers={**tokens["editor"], **version},
    )
    assert moved.status_code == 403
    assert changes() == before


def test_cookie_sessions_need_the_csrf_header_to_write(app_with, users) -> None:
    from tests.factories import PASSWORD

    client = app_with(WTF_CSRF_ENABLED=True).test_client()
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    signed_in = client.post(
        "/login",
        data={"email": "editor.jm@example.org", "password": PASSWORD, "csrf_token": token},
    )
    assert signed_in.status_code == 302
    assert client.post("/api/v1/contacts", json=NEW).status_code == 400
    # an Authorization header does not make a cookie-signed-in request a token's
    for header in ("Bearer poc_not-a-token", "Bearer "):
        forged = client.post("/api/v1/contacts", json=NEW, headers={"Authorization": header})
        assert forged.status_code == 400
    page = client.get("/account").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # the sign-out form
    created = client.post("/api/v1/contacts", json=NEW, headers={"X-CSRFToken": token})
    assert created.status_code == 201


def test_tokens_are_listed_and_revocable(client: FlaskClient, tokens) -> None:
    from tests.factories import PASSWORD

    client.post("/login", data={"email": "viewer@example.org", "password": PASSWORD})
    page = client.get("/account").get_data(as_text=True)
    assert "poc_" in page and "tests" in page and "Never" in page
    created = client.post("/account/tokens", data={"token-label": "dashboard"})
    new_token = created.get_data(as_text=True).split('readonly value="')[1].split('"')[0]
    headers = {"Authorization": f"Bearer {new_token}"}
    api = client.application.test_client()
    assert api.get("/api/v1/contacts/abcdefghjkmn", headers=headers).status_code == 404
    from directory.models import ApiToken

    db.session.expire_all()
    token_id = db.session.scalar(select(ApiToken.id).where(ApiToken.label == "dashboard"))
    assert client.post(f"/account/tokens/{token_id}/revoke").status_code == 302
    assert api.get("/api/v1/contacts/abcdefghjkmn", headers=headers).status_code == 401
    assert new_token not in client.get("/account").get_data(as_text=True)  # shown once only


def test_each_token_is_rate_limited_with_a_json_error_and_headers(
    app, client: FlaskClient, tokens: dict[str, dict[str, str]]
) -> None:
    app.config["API_RATE_LIMIT_PER_MINUTE"] = 3
    contact = create_contact(Actor.system("tests"), contact_data())
    url = f"/api/v1/contacts/{contact.public_id}"
    answers = [client.get(url, headers=tokens["viewer"]) for _ in range(4)]
    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]
    assert answers[0].headers["X-RateLimit-Limit"] == "3"
    assert answers[2].headers["X-RateLimit-Remaining"] == "0"
    refused = answers[3]
    assert refused.headers["Retry-After"] == "60"
    assert refused.get_json()["error"]["status"] == 429
    assert "3 a minute" in refused.get_json()["error"]["message"]
    # another token keeps its own count; a browser session is not counted
    assert client.get(url, headers=tokens["editor"]).status_code == 200


def test_the_rate_window_starts_again_after_a_minute(app, tokens) -> None:
    from datetime import UTC, datetime, timedelta

    from directory.services.tokens import count_token_request

    token = tokens["viewer"]["Authorization"].removeprefix("Bearer ")
    start = datetime(2026, 11, 27, 4, 0, tzinfo=UTC)
    assert [count_token_request(token, start + timedelta(seconds=s)) for s in (0, 10, 59)] == [
        1,
        2,
        3,
    ]
    assert count_token_request(token, start + timedelta(seconds=61)) == 1
    assert count_token_request("poc_unknown", start) == 0


def test_contacts_are_listed_a_page_at_a_time_in_calling_order(
    client: FlaskClient, tokens: dict[str, dict[str, str]]
) -> None:
    system = Actor.system("tests")
    made = [create_contact(system, contact_data()) for _ in range(3)]
    create_contact(system, contact_data("TT"))
    answer = client.get("/api/v1/contacts?country=JM&per_page=2", headers=tokens["viewer"])
    assert answer.status_code == 200
    body = answer.get_json()
    assert (body["total"], body["pages"], body["page"]) == (3, 2, 1)
    assert [item["public_id"] for item in body["items"]] == [c.public_id for c in made[:2]]
    assert 'rel="next"' in answer.headers["Link"] and "page=2" in answer.headers["Link"]
    second = client.get("/api/v1/contacts?country=JM&per_page=2&page=2", headers=tokens["viewer"])
    assert [item["public_id"] for item in second.get_json()["items"]] == [made[2].public_id]
    assert 'rel="prev"' in second.headers["Link"]
    everything = client.get("/api/v1/contacts", headers=tokens["viewer"]).get_json()
    assert everything["total"] == 4
    for bad in ("country=XX", "area=nowhere"):
        refused = client.get(f"/api/v1/contacts?{bad}", headers=tokens["viewer"])
        assert refused.status_code == 404
        assert refused.get_json()["error"]["status"] == 404


def test_the_openapi_document_describes_every_route(
    app, client: FlaskClient, tokens: dict[str, dict[str, str]]
) -> None:
    answer = client.get("/api/v1/openapi.json", headers=tokens["viewer"])
    assert answer.status_code == 200
    document = answer.get_json()
    assert document["openapi"].startswith("3.1")
    assert document["servers"][0]["url"].endswith("/api/v1")
    described = {
        (path, method.upper())
        for path, operations in document["paths"].items()
        for method in operations
        if method != "parameters"
    }
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
            routes |= {(path, method) for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes == described
    ids = [
        op["operationId"]
        for ops in document["paths"].values()
        for k, op in ops.items()
        if k != "parameters"
    ]
    assert len(ids) == len(set(ids))
    for operations in document["paths"].values():
        for name, operation in operations.items():
            if name == "parameters":
                continue
            for answer_ in operation["responses"].values():
                for content in answer_.get("content", {}).values():
                    ref = content["schema"].get("$ref") or content["schema"].get("items", {}).get(
                        "$ref"
                    )
                    if ref:
                        assert (
                            ref.removeprefix("#/components/schemas/")
                            in document["components"]["schemas"]
                        )


BAD_SHAPES = [
    ({"hours": ["Mon-Fri 08:00-17:00"]}, "hours-0", "must be an object"),
    ({"hours": [1]}, "hours-0", "must be an object"),
    ({"hours": [{"days": None, "opens": "08:00", "closes": "17:00"}]}, "hours-0", "days"),
    ({"hours": [{"days": ["Mon"], "opens": "08:00", "closes": "17:00"}]}, "hours-0", "days"),
    ({"languages": [1]}, "languages-0", "language code"),
    ({"languages": "en"}, "languages", "must be a list"),
    ({"channels": [{"kind": "phone", "value": 8769069674}]}, "channels-0", "value must be"),
    ({"channels": [{"kind": "phone", "value": "876 906 9674", "x": 1}]}, "channels-0", "“x”"),
    ({"channels": [{"value": "876 906 9674"}]}, "channels-0", "kind is required"),
    ({"channels": ["876 906 9674"]}, "channels-0", "must be an object"),
    ({"time_zone": "A" * 300}, "time_zone", "is not a known time zone"),
    ({"time_zone": "Factory"}, "time_zone", "is not a known time zone"),
    ({"rank": True}, "rank", "whole number"),
    ({"nominated_on": "2024-13-40"}, "nominated_on", "is not a date"),
    ({"nominated_on": 20240101}, "nominated_on", "YYYY-MM-DD"),
    ({"organisation": None}, "organisation", "must be text"),
]


@pytest.mark.parametrize(("changes_sent", "field", "words"), BAD_SHAPES)
def test_a_body_of_the_wrong_shape_is_a_422_naming_the_field(
    client: FlaskClient, tokens, changes_sent: dict, field: str, words: str
) -> None:
    """Never a server error, and never Python's own words (no class or argument names)."""
    before = changes()
    response = client.post(
        "/api/v1/contacts", json={**NEW, **changes_sent}, headers=tokens["editor"]
    )
    assert response.status_code == 422, response.get_data(as_text=True)
    messages = response.json["error"]["fields"][field]
    assert any(words in message for message in messages), messages
    assert not any("__" in message or "()" in message for message in messages)
    assert changes() == before


def test_a_body_nested_too_deeply_is_a_422(client: FlaskClient, tokens) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    response = client.post(
        "/api/v1/contacts",
        data=deep,
        headers={**tokens["editor"], "Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert response.json["error"]["fields"] == {"body": ["is nested too deeply"]}
