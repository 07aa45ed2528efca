from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime
from urllib.parse import urlparse

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from directory.extensions import db
from directory.models import Change, Role, RolePolicy, User
from directory.services.actors import Actor
from directory.services.contacts import create_contact, update_contact
from directory.services.signin import role_policies
from tests.factories import PASSWORD, contact_data

SYSTEM = Actor.system("tests")


def sign_in(app: Flask, email: str) -> FlaskClient:
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


@pytest.fixture
def admin(app: Flask, users: dict[str, User]) -> FlaskClient:
    return sign_in(app, "admin@example.org")


def fresh() -> None:
    """End the test's read transaction, so that it sees what the requests committed."""
    db.session.rollback()


def listed_users(html: str) -> set[str]:
    return set(re.findall(r'<td><a href="/admin/users/\d+">([^<]+)</a></td>', html))


def counts() -> tuple[int, int, int]:
    return (
        db.session.scalar(select(func.count()).select_from(User)) or 0,
        db.session.scalar(select(func.count()).select_from(Change)) or 0,
        db.session.scalar(select(func.count()).select_from(RolePolicy)) or 0,
    )


def field_errors(html: str, field_id: str) -> str:
    found = re.search(rf'<ul class="errors" id="{field_id}-errors">(.*?)</ul>', html, re.S)
    return found.group(1) if found else ""


def shown_link(html: str) -> str:
    found = re.search(r'id="account-link-url"[^>]*value="([^"]+)"', html)
    assert found, "no account link on the page"
    return found.group(1)


def audit_ids(html: str) -> set[str]:
    return set(re.findall(r'href="/contacts/([a-z0-9]+)"', html))


# --- who may ---------------------------------------------------------------------------------


def admin_requests(users: dict[str, User]) -> list[tuple[str, str, dict[str, str]]]:
    viewer, editor = users["viewer"].id, users["editor"].id
    return [
        ("GET", "/admin/", {}),
        ("GET", "/admin/users", {}),
        ("GET", "/admin/users/new", {}),
        ("POST", "/admin/users/new", {"email": "x@example.org", "role": "admin", "country": ""}),
        ("GET", f"/admin/users/{viewer}", {}),
        ("POST", f"/admin/users/{viewer}", {"role": "admin", "country": "", "name": "X"}),
        ("POST", f"/admin/users/{editor}/active", {"active": "0"}),
        ("POST", f"/admin/users/{viewer}/link", {"purpose": "reset"}),
        ("GET", "/admin/security", {}),
        ("POST", "/admin/security", {"admin": "y", "editor": "y", "viewer": "y"}),
        ("GET", "/admin/audit", {}),
        ("GET", "/admin/audit.csv", {}),
        ("GET", "/admin/exports", {}),
    ]


def test_every_admin_route_is_checked_here(app: Flask, users: dict[str, User]) -> None:
    adapter = app.url_map.bind("localhost")
    covered = {adapter.match(url, method=method)[0] for method, url, _ in admin_requests(users)}
    admin_endpoints = {
        r.endpoint for r in app.url_map.iter_rules() if r.endpoint.startswith("admin.")
    }
    assert admin_endpoints <= covered


@pytest.mark.parametrize("email", ["editor.jm@example.org", "viewer@example.org"])
def test_editors_and_viewers_are_refused_everywhere(
    app: Flask, users: dict[str, User], email: str
) -> None:
    client = sign_in(app, email)
    before = counts()
    for method, url, data in admin_requests(users):
        response = client.open(url, method=method, data=data)
        assert response.status_code == 403, (method, url)
        assert "admin@example.org" not in response.get_data(as_text=True)
    fresh()
    assert counts() == before
    assert users["editor"].is_active and users["viewer"].role == Role.VIEWER
    assert not any(role_policies().values())


def test_signed_out_visitors_are_sent_to_sign_in(client: FlaskClient) -> None:
    response = client.get("/admin/users")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_administration_link_only_for_admins(app: Flask, admin: FlaskClient, users) -> None:
    assert 'href="/admin/users">Administration</a>' in admin.get("/").get_data(as_text=True)
    viewer = sign_in(app, "viewer@example.org")
    assert "/admin/" not in viewer.get("/").get_data(as_text=True)


# --- users -----------------------------------------------------------------------------------


def test_user_list_shows_and_filters(admin: FlaskClient, users: dict[str, User]) -> None:
    html = admin.get("/admin/users").get_data(as_text=True)
    assert listed_users(html) == {
        "admin@example.org",
        "editor.jm@example.org",
        "viewer@example.org",
    }
    assert "table-wrap" in html
    html = admin.get("/admin/users?role=editor").get_data(as_text=True)
    assert listed_users(html) == {"editor.jm@example.org"}
    html = admin.get("/admin/users?country=HT").get_data(as_text=True)
    assert listed_users(html) == set() and "No user matches" in html
    html = admin.get("/admin/users?country=JM&role=").get_data(as_text=True)
    assert listed_users(html) == {"editor.jm@example.org"}


def test_user_list_is_paginated(app: Flask, admin: FlaskClient, users) -> None:
    app.config["CONTACTS_PER_PAGE"] = 2
    first = admin.get("/admin/users").get_data(as_text=True)
    second = admin.get("/admin/users?page=2").get_data(as_text=True)
    assert "Page 1 of 2" in first
    assert listed_users(first) == {"admin@example.org", "editor.jm@example.org"}
    assert listed_users(second) == {"viewer@example.org"}


def test_an_editor_needs_a_state(admin: FlaskClient, users: dict[str, User]) -> None:
    before = counts()
    response = admin.post(
        "/admin/users/new",
        data={"email": "new.editor@example.org", "role": "editor", "country": ""},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Choose the member state this editor keeps current" in field_errors(html, "country")
    assert 'value="new.editor@example.org"' in html  # what was typed is kept
    fresh()
    assert counts() == before


def test_service_errors_go_beside_their_field(admin: FlaskClient, users: dict[str, User]) -> None:
    response = admin.post(
        "/admin/users/new", data={"email": "Viewer@example.org", "role": "viewer", "country": ""}
    )
    assert response.status_code == 400
    assert "already exists" in field_errors(response.get_data(as_text=True), "email")


def test_admin_invites_a_user(app: Flask, admin: FlaskClient, users: dict[str, User]) -> None:
    response = admin.post(
        "/admin/users/new",
        data={
            "email": "Focal.Point@Example.org",
            "name": "Ana Pérez",
            "role": "editor",
            "country": "HT",
        },
    )
    assert response.status_code == 302
    fresh()
    user = db.session.scalar(select(User).where(User.email == "focal.point@example.org"))
    assert user is not None and not user.has_password
    assert (user.role, user.country_code, user.name) == ("editor", "HT", "Ana Pérez")
    assert response.headers["Location"] == f"/admin/users/{user.id}"

    html = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert urlparse(shown_link(html)).path.startswith("/account/link/")
    assert "Send this link to the person; it works once and expires in 7 days." in html
    assert "E-mail sending is not set up" in html
    assert "readonly" in html
    # shown once: a reload does not show it again
    assert 'id="account-link-url"' not in admin.get(f"/admin/users/{user.id}").get_data(
        as_text=True
    )


def test_change_of_role_is_logged(admin: FlaskClient, users: dict[str, User]) -> None:
    viewer = users["viewer"]
    response = admin.post(
        f"/admin/users/{viewer.id}", data={"role": "editor", "country": "JM", "name": "Val"}
    )
    assert response.status_code == 302
    fresh()
    change = db.session.scalar(
        select(Change)
        .where(Change.entity == "user", Change.entity_id == viewer.email, Change.action == "update")
        .order_by(Change.seq.desc())
    )
    assert change is not None and change.actor_label == "admin@example.org"
    assert change.before is not None and change.after is not None
    assert (change.before["role"], change.before["country"]) == ("viewer", None)
    assert (change.after["role"], change.after["country"], change.after["name"]) == (
        "editor",
        "JM",
        "Val",
    )
    html = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "The changes to viewer@example.org are saved." in html
    assert "<del>viewer</del> → <ins>editor</ins>" in html


def test_editing_keeps_the_state_rule(admin: FlaskClient, users: dict[str, User]) -> None:
    response = admin.post(
        f"/admin/users/{users['viewer'].id}", data={"role": "editor", "country": "", "name": ""}
    )
    assert response.status_code == 400
    assert "Choose the member state" in field_errors(response.get_data(as_text=True), "country")
    fresh()
    assert users["viewer"].role == "viewer"


def test_admin_cannot_demote_themself(admin: FlaskClient, users: dict[str, User]) -> None:
    response = admin.post(
        f"/admin/users/{users['admin'].id}", data={"role": "viewer", "country": "", "name": ""}
    )
    assert response.status_code == 400
    assert "administrator role" in field_errors(response.get_data(as_text=True), "role")


def test_deactivated_user_is_signed_out_at_once(
    app: Flask, admin: FlaskClient, users: dict[str, User]
) -> None:
    viewer_client = sign_in(app, "viewer@example.org")
    assert viewer_client.get("/").status_code == 200
    response = admin.post(f"/admin/users/{users['viewer'].id}/active", data={"active": "0"})
    assert response.status_code == 302
    assert "is deactivated" in admin.get(response.headers["Location"]).get_data(as_text=True)
    response = viewer_client.get("/countries/JM")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    fresh()
    assert not users["viewer"].is_active

    admin.post(f"/admin/users/{users['viewer'].id}/active", data={"active": "1"})
    fresh()
    assert users["viewer"].is_active


def test_admin_cannot_deactivate_themself(admin: FlaskClient, users: dict[str, User]) -> None:
    response = admin.post(f"/admin/users/{users['admin'].id}/active", data={"active": "0"})
    html = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "you cannot deactivate yourself" in html
    fresh()
    assert users["admin"].is_active


def test_reset_link_is_shown_once(admin: FlaskClient, users: dict[str, User]) -> None:
    response = admin.post(f"/admin/users/{users['viewer'].id}/link", data={"purpose": "reset"})
    assert response.status_code == 302
    html = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "Password-reset link" in html
    assert urlparse(shown_link(html)).path.startswith("/account/link/")
    assert "expires in 1 day." in html


def test_unknown_user_is_404(admin: FlaskClient) -> None:
    assert admin.get("/admin/users/99999").status_code == 404
    assert admin.post("/admin/users/99999/link", data={"purpose": "reset"}).status_code == 404


# --- sign-in policy --------------------------------------------------------------------------


def test_security_policy_is_saved(admin: FlaskClient) -> None:
    assert admin.get("/admin/security").status_code == 200
    response = admin.post("/admin/security", data={"admin": "y", "editor": "y"})
    assert response.status_code == 302
    fresh()
    assert role_policies() == {"admin": True, "editor": True, "viewer": False}
    html = admin.get("/admin/security").get_data(as_text=True)
    assert re.search(r'<input checked id="editor"|id="editor"[^>]*checked', html)
    admin.post("/admin/security", data={"admin": "y"})
    fresh()
    assert role_policies() == {"admin": True, "editor": False, "viewer": False}


# --- audit log -------------------------------------------------------------------------------


def haiti_data():
    return contact_data(
        country="HT",
        organisation="Direction de la Protection Civile",
        time_zone="America/Port-au-Prince",
        channels=[],
    )


def test_audit_filters_by_state_user_and_date(admin: FlaskClient, users: dict[str, User]) -> None:
    jamaica = create_contact(SYSTEM, contact_data())
    haiti = create_contact(SYSTEM, haiti_data())
    by_editor = create_contact(Actor.of(users["editor"]), contact_data(position_title="Deputy"))

    html = admin.get("/admin/audit").get_data(as_text=True)
    assert {jamaica.public_id, haiti.public_id, by_editor.public_id} <= audit_ids(html)
    assert html.index(by_editor.public_id) < html.index(jamaica.public_id)  # newest first

    html = admin.get("/admin/audit?country=JM").get_data(as_text=True)
    assert audit_ids(html) == {jamaica.public_id, by_editor.public_id}
    html = admin.get("/admin/audit?country=HT").get_data(as_text=True)
    assert audit_ids(html) == {haiti.public_id}

    html = admin.get("/admin/audit?user=Editor.JM@example.org").get_data(as_text=True)
    assert audit_ids(html) == {by_editor.public_id}

    # one change on a known day; the others are today
    change = db.session.scalar(select(Change).where(Change.entity_id == haiti.public_id))
    assert change is not None
    change.created_at = datetime(2024, 1, 10, 23, 59, tzinfo=UTC)
    db.session.commit()
    html = admin.get("/admin/audit?date_from=2024-01-10&date_to=2024-01-10").get_data(as_text=True)
    assert audit_ids(html) == {haiti.public_id}
    html = admin.get("/admin/audit?date_from=2024-01-11&date_to=2024-12-31").get_data(as_text=True)
    assert audit_ids(html) == set()
    today = datetime.now(UTC).date().isoformat()
    html = admin.get(f"/admin/audit?date_from={today}&entity=contact").get_data(as_text=True)
    assert audit_ids(html) == {jamaica.public_id, by_editor.public_id}


def test_audit_shows_user_changes_and_field_diffs(
    admin: FlaskClient, users: dict[str, User]
) -> None:
    contact = create_contact(SYSTEM, contact_data())
    update_contact(SYSTEM, contact.public_id, contact_data(city="Montego Bay"), contact.version)
    html = admin.get("/admin/audit?entity=contact").get_data(as_text=True)
    assert "<del>Kingston</del> → <ins>Montego Bay</ins>" in html
    assert "viewer@example.org" not in html
    html = admin.get("/admin/audit?entity=user").get_data(as_text=True)
    assert f'href="/admin/users/{users["viewer"].id}">viewer@example.org</a>' in html


@pytest.mark.parametrize(
    "query",
    ["date_from=2024-13-45", "date_to=yesterday", "date_from=2024-02-01&date_to=2024-01-01"],
)
def test_bad_date_gets_a_message(admin: FlaskClient, users, query: str) -> None:
    response = admin.get(f"/admin/audit?{query}")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Audit log" in html and 'class="filters"' in html  # the page, not an error page
    assert (
        "Enter the date as YYYY-MM-DD" in html or "The end date is before the start date." in html
    )
    assert admin.get(f"/admin/audit.csv?{query}").status_code == 400


def test_audit_is_paginated(app: Flask, admin: FlaskClient, users) -> None:
    app.config["CONTACTS_PER_PAGE"] = 2
    for i in range(3):
        create_contact(SYSTEM, contact_data(position_title=f"Officer {i}"))
    html = admin.get("/admin/audit?entity=contact").get_data(as_text=True)
    assert "Page 1 of 2" in html
    assert 'href="/admin/audit?page=2&amp;entity=contact"' in html or (
        'href="/admin/audit?entity=contact&amp;page=2"' in html
    )
    assert (
        len(audit_ids(admin.get("/admin/audit?entity=contact&page=2").get_data(as_text=True))) == 1
    )


def test_audit_csv(admin: FlaskClient, users: dict[str, User]) -> None:
    jamaica = create_contact(Actor.system('=HYPERLINK("http://x")'), contact_data())
    update_contact(SYSTEM, jamaica.public_id, contact_data(city="Montego Bay"), jamaica.version)
    haiti = create_contact(SYSTEM, haiti_data())

    # buffered: the isolated test client runs the request in its own context, so the streamed
    # body is read there
    response = admin.get("/admin/audit.csv?country=JM", buffered=True)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert re.fullmatch(
        r"attachment; filename=audit-\d{8}\.csv", response.headers["Content-Disposition"]
    )
    assert "Content-Length" not in response.headers  # streamed, not built in memory
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == [
        "seq",
        "time_utc",
        "actor",
        "action",
        "entity",
        "entity_id",
        "country",
        "changed_fields",
    ]
    body = rows[1:]
    # the state's contacts, and its editor's account
    assert [row[5] for row in body] == [jamaica.public_id, jamaica.public_id, users["editor"].email]
    body = body[:2]
    assert haiti.public_id not in response.get_data(as_text=True)
    update, creation = body
    assert update[3] == "update" and update[6] == "JM"
    assert update[7] == "city: Kingston -> Montego Bay"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", update[1])
    assert creation[2] == '\'=HYPERLINK("http://x")'  # neutralised: shown as text
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in body for cell in row)


def test_the_export_log_lists_who_exported_what_for_admins_only(
    app: Flask, admin: FlaskClient, users: dict[str, User], runner
) -> None:
    from directory.services.actors import Actor
    from directory.services.exports import record_export

    record_export(Actor.of(users["viewer"]), "vcard", "country:JM", 7)
    assert runner.invoke(args=["ldap", "export", "--base", "ou=c,dc=x"]).exit_code == 0
    page = admin.get("/admin/exports")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "viewer@example.org" in html and "country:JM" in html and ">7<" in html
    assert "cli" in html and "ldif" in html
    assert html.index("ldif") < html.index("vcard")  # newest first
    editor = sign_in(app, "editor.jm@example.org")
    assert editor.get("/admin/exports").status_code == 403
