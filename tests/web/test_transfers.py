"""The CSV page: download for every signed-in user, upload for admins and editors."""

from __future__ import annotations

import csv
import io
import re

from flask.testing import FlaskClient
from sqlalchemy import func, select

from directory.extensions import db
from directory.models import Change, Contact, ExportRecord, User
from directory.services.actors import Actor
from directory.services.contacts import create_contact
from tests.factories import PASSWORD, contact_data

SYSTEM = Actor.system("tests")
EDITOR = "editor.jm@example.org"
ADMIN = "admin@example.org"
VIEWER = "viewer@example.org"


def sign_in(client: FlaskClient, email: str) -> FlaskClient:
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def rows_of(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def to_csv(rows: list[dict[str, str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def download(client: FlaskClient, query: str = "") -> bytes:
    # buffered: the isolated test client runs the request in its own context, so the streamed
    # body must be read while that context is open
    return client.get(f"/contacts.csv{query}", buffered=True).data


def upload(client: FlaskClient, data: bytes, dry_run: bool = False, name: str = "c.csv"):
    form: dict[str, object] = {"file": (io.BytesIO(data), name)}
    if dry_run:
        form["dry_run"] = "y"
    return client.post("/contacts/import", data=form, content_type="multipart/form-data")


def token(html: str) -> str:
    """The CSRF token of the first form on a page."""
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def counts() -> tuple[int, int]:
    db.session.rollback()  # a fresh read: the requests commit on their own connections
    return (
        db.session.scalar(select(func.count(Change.seq))) or 0,
        db.session.scalar(select(func.count(Contact.id))) or 0,
    )


def test_every_signed_in_user_downloads_and_it_is_logged(
    client: FlaskClient, users: dict[str, User]
) -> None:
    create_contact(SYSTEM, contact_data(organisation="=cmd|' /C calc'!A0"))
    create_contact(SYSTEM, contact_data(country="BB", time_zone="America/Barbados"))
    assert client.get("/contacts.csv", buffered=True).status_code == 302  # sign in first
    sign_in(client, VIEWER)
    page = client.get("/csv")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'action="/contacts.csv"' in html and "/contacts/import" not in html

    response = client.get("/contacts.csv?country=JM", buffered=True)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert re.match(
        r'attachment; filename="contacts-JM-\d{8}T\d{4}Z\.csv"',
        response.headers["Content-Disposition"],
    )
    [row] = rows_of(response.data)
    assert row["organisation"] == "'=cmd|' /C calc'!A0"
    assert len(rows_of(download(client))) == 2
    db.session.rollback()
    records = db.session.scalars(select(ExportRecord).order_by(ExportRecord.id)).all()
    assert [(r.kind, r.scope, r.count, r.actor_label) for r in records] == [
        ("csv", "country:JM", 1, VIEWER),
        ("csv", "all", 2, VIEWER),
    ]
    assert client.get("/contacts.csv?country=XX", buffered=True).status_code == 400
    assert client.get("/contacts.csv?area=nowhere", buffered=True).status_code == 400


def test_viewers_cannot_import(client: FlaskClient, users: dict[str, User]) -> None:
    sign_in(client, VIEWER)
    assert client.get("/contacts/import").status_code == 403
    data = b"country,area,organisation,position_title\r\nJM,disaster-response,Org,Post\r\n"
    assert upload(client, data).status_code == 403
    assert counts()[1] == 0


def test_the_round_trip_through_the_pages_changes_nothing(
    client: FlaskClient, users: dict[str, User]
) -> None:
    create_contact(
        SYSTEM,
        contact_data(
            organisation="=Oficina, “Nacional”",
            postal_address='Calle 5, "B"\nKingston',
            hours=[
                {"days": [0, 1, 2, 3, 4], "opens": "08:00", "closes": "17:00"},
                {"days": [5], "opens": "09:00", "closes": "12:00"},
            ],
            languages=["en", "es"],
        ),
    )
    sign_in(client, EDITOR)
    data = download(client)
    before = counts()
    response = upload(client, data)
    assert response.status_code == 200, response.get_data(as_text=True)
    html = response.get_data(as_text=True)
    assert "Imported" in html
    assert counts() == before


def test_an_upload_with_a_bad_row_shows_the_report_and_writes_nothing(
    client: FlaskClient, users: dict[str, User]
) -> None:
    create_contact(SYSTEM, contact_data())
    sign_in(client, ADMIN)
    rows = rows_of(download(client))
    new = {**rows[0], "public_id": "", "version": "", "rank": ""}
    rows += [new, {**new, "nominated_on": "31/12/2025"}, new]
    before = counts()
    response = upload(client, to_csv(rows))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Nothing was written" in html
    assert re.search(r"<td>4</td>\s*<td><code>nominated_on</code></td>", html)
    assert "YYYY-MM-DD" in html
    assert counts() == before


def test_check_only_writes_nothing_and_a_real_upload_writes(
    client: FlaskClient, users: dict[str, User]
) -> None:
    contact = create_contact(SYSTEM, contact_data())
    sign_in(client, EDITOR)
    rows = rows_of(download(client))
    rows[0]["city"] = "Mandeville"
    before = counts()
    checked = upload(client, to_csv(rows), dry_run=True)
    assert checked.status_code == 200
    assert "Check only: nothing was written" in checked.get_data(as_text=True)
    assert counts() == before

    done = upload(client, to_csv(rows))
    assert done.status_code == 200
    db.session.rollback()
    assert contact.city == "Mandeville" and contact.version == 2
    change = db.session.scalar(select(Change).order_by(Change.seq.desc()))
    assert change is not None and change.actor_label == EDITOR


def test_an_editor_upload_for_another_state_is_refused(
    client: FlaskClient, users: dict[str, User]
) -> None:
    create_contact(SYSTEM, contact_data(country="BB", time_zone="America/Barbados"))
    sign_in(client, EDITOR)
    rows = rows_of(download(client))
    rows[0]["city"] = "Oistins"
    before = counts()
    response = upload(client, to_csv(rows))
    assert response.status_code == 422
    assert "is a contact of BB" in response.get_data(as_text=True)
    assert counts() == before


def test_files_that_are_not_csv_get_a_clear_message(
    client: FlaskClient, users: dict[str, User]
) -> None:
    sign_in(client, ADMIN)
    for data, words in (
        ("país,área\r\n".encode("utf-16"), "not UTF-8"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not UTF-8"),
        (b"name,phone\r\nA,1\r\n", "unknown columns"),
        (b"", "empty"),
    ):
        response = upload(client, data)
        assert response.status_code == 422, words
        assert words in response.get_data(as_text=True)
    response = client.post("/contacts/import", data={}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Choose the CSV file to import." in response.get_data(as_text=True)


def test_a_file_over_the_size_limit_is_refused_with_a_message(
    app_with, users: dict[str, User]
) -> None:
    # with CSRF protection on, as in production: the form is read before the view runs
    client = app_with(MAX_CONTENT_LENGTH=2048, WTF_CSRF_ENABLED=True).test_client()
    login = client.get("/login").get_data(as_text=True)
    client.post("/login", data={"email": ADMIN, "password": PASSWORD, "csrf_token": token(login)})
    response = upload(client, b"country,area,organisation,position_title\r\n" + b"x" * 4096)
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "The file is larger than 2 kB, the most an upload may be." in html
    assert 'enctype="multipart/form-data"' in html  # the form, to try again
    assert counts()[1] == 0


def test_the_upload_form_carries_its_csrf_token(app_with, users: dict[str, User]) -> None:
    create_contact(SYSTEM, contact_data())
    client = app_with(WTF_CSRF_ENABLED=True).test_client()

    login = client.get("/login").get_data(as_text=True)
    client.post("/login", data={"email": ADMIN, "password": PASSWORD, "csrf_token": token(login)})
    data = download(client)
    refused = upload(client, data)
    assert refused.status_code == 400
    page = client.get("/contacts/import").get_data(as_text=True)
    response = client.post(
        "/contacts/import",
        data={"file": (io.BytesIO(data), "c.csv"), "csrf_token": token(page)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    assert "Imported" in response.get_data(as_text=True)
