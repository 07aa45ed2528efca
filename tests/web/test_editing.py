"""Editing through the pages: the contact form, conflicts, the actions and who may use them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from directory.extensions import db
from directory.models import Change, Contact, User
from directory.services.actors import Actor
from directory.services.contacts import archive_contact, create_contact, update_contact
from directory.services.validation import ChannelData
from tests.conftest import make_app
from tests.factories import PASSWORD, contact_data

SYSTEM = Actor.system("tests")
EDITOR = "editor.jm@example.org"
VIEWER = "viewer@example.org"
ADMIN = "admin@example.org"
SCRIPT = "<script>alert(1)</script>"
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"


# -- helpers ---------------------------------------------------------------------------------


def sign_in(client: FlaskClient, email: str) -> FlaskClient:
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


@pytest.fixture
def editor(client: FlaskClient, users: dict[str, User]) -> FlaskClient:
    return sign_in(client, EDITOR)


def new_client(app: Flask, email: str) -> FlaskClient:
    return sign_in(app.test_client(), email)


def form_data(**changes: object) -> dict[str, object]:
    """A complete, valid contact form for Jamaica, as a browser would post it."""
    data: dict[str, object] = {
        "country": "JM",
        "area": "disaster-response",
        "organisation": "Office of Disaster Preparedness",
        "unit": "National Emergency Operations Centre",
        "position_title": "Duty officer",
        "holder_honorific": "",
        "holder_given_name": "Zoë",
        "holder_family_name": "O'Neil",
        "channels-0-kind": "phone",
        "channels-0-value": "(876) 906-9674",
        "channels-0-label": "Duty line",
        "channels-0-is_24_7": "y",
        "channels-1-kind": "mobile",
        "channels-1-value": "876.754.9000",
        "channels-1-label": "",
        "channels-2-kind": "email",
        "channels-2-value": "duty@odpem.jm.example.org",
        "channels-2-label": "Duty desk",
        "languages": "en, es",
        "time_zone": "America/Jamaica",
        "hours-0-days": ["0", "1", "2", "3", "4"],
        "hours-0-opens": "08:00",
        "hours-0-closes": "17:00",
        "postal_address": "2-4 Haining Road\nKingston 5",
        "city": "Kingston",
        "notes": "",
        "nomination_reference": "Note verbale 2025-114",
        "nominated_on": "2025-03-01",
        "save": "1",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


class FormReader(HTMLParser):
    """The values a browser would submit from the page's <form class="contact-form">, without
    pressing any button; the rows inside <template> are not part of the form."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self.in_form = False
        self.in_template = 0
        self.select: str | None = None
        self.textarea: str | None = None
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "form" and "contact-form" in a.get("class", ""):
            self.in_form = True
        if not self.in_form:
            return
        if tag == "template":
            self.in_template += 1
        if self.in_template or ("name" not in a and tag != "option"):
            return
        if tag == "input" and a.get("type") not in {"submit", "button"}:
            if a.get("type") == "checkbox" and "checked" not in a:
                return
            self.fields.append((a["name"], a.get("value", "")))
        elif tag == "select":
            self.select = a["name"]
        elif tag == "option" and self.select and "selected" in a:
            self.fields.append((self.select, a.get("value", "")))
        elif tag == "textarea":
            self.textarea, self.text = a["name"], ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "template" and self.in_template:
            self.in_template -= 1
        elif tag == "select":
            self.select = None
        elif tag == "textarea" and self.textarea:
            # a newline right after <textarea> is not part of the value
            value = re.sub(r"^\r?\n", "", self.text)
            self.fields.append((self.textarea, value))
            self.textarea = None
        elif tag == "form":
            self.in_form = False

    def handle_data(self, data: str) -> None:
        if self.textarea:
            self.text += data


def read_form(html: str) -> dict[str, object]:
    reader = FormReader()
    reader.feed(html)
    values: dict[str, object] = {}
    for name, value in reader.fields:
        if name in values:
            previous = values[name]
            values[name] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            values[name] = value
    return values


def field_errors(html: str, field_id: str) -> list[str]:
    found = re.search(rf'<ul class="errors" id="{re.escape(field_id)}-errors">(.*?)</ul>', html)
    return (
        [unescape(item) for item in re.findall(r"<li>(.*?)</li>", found.group(1))] if found else []
    )


def change_count() -> int:
    db.session.rollback()  # see what the requests committed, not this test's old snapshot
    return db.session.scalar(select(func.count()).select_from(Change)) or 0


def contact_count() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(Contact)) or 0


def stored(public_id: str) -> Contact:
    db.session.rollback()
    contact = db.session.scalar(select(Contact).where(Contact.public_id == public_id))
    assert contact is not None
    return contact


def changes_of(public_id: str) -> list[Change]:
    db.session.rollback()
    return list(
        db.session.scalars(select(Change).where(Change.entity_id == public_id).order_by(Change.seq))
    )


def public_id_from(response) -> str:
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    match = re.search(r"/contacts/([a-z0-9]{12})$", response.headers["Location"])
    assert match, response.headers["Location"]
    return match.group(1)


def haiti_contact(**changes: object) -> Contact:
    values: dict[str, object] = {
        "time_zone": "America/Port-au-Prince",
        "channels": [ChannelData("phone", "+509 2222 1111", "Permanence", True)],
        "position_title": "Centre d'opérations d'urgence",
        "organisation": "Direction de la Protection Civile",
    }
    return create_contact(SYSTEM, contact_data(country="HT", **{**values, **changes}))


# -- creating ------------------------------------------------------------------------------


def test_create_with_two_phones_and_an_email(editor: FlaskClient) -> None:
    assert editor.get("/contacts/new?area=disaster-response").status_code == 200
    response = editor.post("/contacts/new", data=form_data())
    public_id = public_id_from(response)
    contact = stored(public_id)
    assert [(c.kind, c.value, c.label, c.is_24_7) for c in contact.channels] == [
        ("phone", "+18769069674", "Duty line", True),  # typed "(876) 906-9674"
        ("mobile", "+18767549000", "", False),  # typed "876.754.9000"
        ("email", "duty@odpem.jm.example.org", "Duty desk", False),
    ]
    assert contact.languages == ["en", "es"]
    assert contact.hours == [{"days": [0, 1, 2, 3, 4], "opens": "08:00", "closes": "17:00"}]
    assert contact.postal_address == "2-4 Haining Road\nKingston 5"
    assert contact.nominated_on.isoformat() == "2025-03-01"
    [change] = changes_of(public_id)
    assert (change.action, change.actor_label) == ("create", EDITOR)

    page = editor.get(response.headers["Location"]).get_data(as_text=True)
    assert "was created" in page  # the flash message
    assert '<a class="tel" href="tel:+18769069674">+1 876-906-9674</a>' in page
    assert '<a class="tel" href="tel:+18767549000">+1 876-754-9000</a>' in page
    assert 'href="mailto:duty@odpem.jm.example.org"' in page


def test_the_form_page_has_its_parts_and_loads_its_script_from_a_file(
    editor: FlaskClient,
) -> None:
    html = editor.get("/contacts/new?area=environmental-security").get_data(as_text=True)
    for legend in ("Post and holder", "Channels", "Languages and hours", "Address and notes"):
        assert f"<legend>{legend}</legend>" in html
    assert "<legend>Nomination</legend>" in html
    # an editor's state is fixed: shown, and carried in a hidden field
    assert '<input type="hidden" name="country" value="JM">' in html
    assert '<select id="country"' not in html
    assert '<option selected value="environmental-security">' in html
    # the state's own zone first, then the other zones of the Americas and UTC
    zones = re.findall(r'<option (?:selected )?value="([^"]+/[^"]+|UTC)">', html)
    assert zones[0] == "America/Jamaica" and "America/Port-au-Prince" in zones and "UTC" in zones
    assert "Written as people dial it" in html or "written as people dial it" in html
    # rows to clone in the browser, numbered __index__, outside the submitted form fields
    assert 'name="channels-__index__-value"' in html and 'name="hours-__index__-opens"' in html
    assert '<script src="/static/js/contact-form.js" defer></script>' in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html), "no inline script (CSP)"
    with editor.get("/static/js/contact-form.js") as script:
        assert script.status_code == 200 and "data-add-row" in script.get_data(as_text=True)


def test_an_admin_chooses_the_state(client: FlaskClient, users: dict[str, User]) -> None:
    admin = sign_in(client, ADMIN)
    html = admin.get("/contacts/new?country=HT").get_data(as_text=True)
    assert '<option selected value="HT">Haiti</option>' in html
    assert '<option selected value="America/Port-au-Prince">' in html
    response = admin.post(
        "/contacts/new",
        data=form_data(
            country="HT",
            time_zone="America/Port-au-Prince",
            **{"channels-0-value": "+509 2222 1111", "channels-1-value": ""},
        ),
    )
    assert stored(public_id_from(response)).country_code == "HT"


# -- bad input: a clear message on the right field, nothing written ---------------------------


@pytest.mark.parametrize(
    ("changes", "field_id", "expected"),
    [
        pytest.param(
            {"channels-1-value": "call the duty officer"},
            "channels-1-value",
            "Mobile is not a phone number.",
            id="malformed-phone",
        ),
        pytest.param(
            {"channels-0-value": "06 12 34 56 78"},  # a French mobile, without +33
            "channels-0-value",
            "Phone is not a valid phone number",
            id="phone-of-another-region-without-country-code",
        ),
        pytest.param(
            {"channels-2-value": "duty@@odpem"},
            "channels-2-value",
            "E-mail is not a valid e-mail address",
            id="bad-email",
        ),
        pytest.param(
            {"channels-0-kind": "website", "channels-0-value": "odpem.gov.jm"},
            "channels-0-value",
            "Website must start with http:// or https://.",
            id="website-without-scheme",
        ),
        pytest.param(
            {"position_title": "   "}, "position_title", "Name the post", id="missing-post"
        ),
        pytest.param(
            {"organisation": None}, "organisation", "Name the organisation", id="missing-org"
        ),
        pytest.param(
            {"organisation": "x" * 201},
            "organisation",
            "Must be at most 200 characters.",
            id="over-long-organisation",
        ),
        pytest.param(
            {"notes": "x" * (1024 * 1024)},
            "notes",
            "Must be at most 4000 characters.",
            id="one-megabyte-field",
        ),
        pytest.param(
            {"languages": "en, english"},
            "languages",
            "is not a two-letter language code",
            id="bad-language",
        ),
        pytest.param(
            {"time_zone": "Mars/Olympus_Mons"},
            "time_zone",
            "Time zone is not a known time zone.",
            id="unknown-time-zone",
        ),
        pytest.param(
            {"hours-0-opens": "25:00"}, "hours-0-opens", "HH:MM", id="impossible-opening-time"
        ),
        pytest.param(
            {"nominated_on": "2025-02-30"}, "nominated_on", "Not a valid date", id="bad-date"
        ),
        pytest.param(
            {"is_vacant": "y"}, "is_vacant", "A vacant post has no holder", id="vacant-with-holder"
        ),
        pytest.param(
            {"area": "tourism"}, "area", "Mandate area is not a mandate area.", id="unknown-area"
        ),
    ],
)
def test_bad_input_is_reported_on_its_field_and_nothing_is_written(
    editor: FlaskClient, changes: dict[str, object], field_id: str, expected: str
) -> None:
    before = (contact_count(), change_count())
    response = editor.post("/contacts/new", data=form_data(**changes))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    errors = field_errors(html, field_id)
    assert any(expected in error for error in errors), (field_id, errors)
    assert html.count('<ul class="errors"') == 1, "only the bad field has an error"
    assert f'<a href="#{field_id}">' in html  # the summary links to the field
    assert "Nothing was saved" in html
    assert (contact_count(), change_count()) == before
    # what was typed is still there to correct
    if "organisation" not in changes:
        assert 'value="Office of Disaster Preparedness"' in html


def test_every_problem_is_reported_in_one_round(editor: FlaskClient) -> None:
    data = form_data(organisation="", **{"channels-0-value": "12", "hours-0-opens": "8h"})
    html = editor.post("/contacts/new", data=data).get_data(as_text=True)
    assert field_errors(html, "organisation") == ["Name the organisation."]  # no second message
    [phone_error] = field_errors(html, "channels-0-value")
    assert phone_error.startswith("Phone is not a valid phone number")
    assert field_errors(html, "hours-0-opens") == ["Write the time as HH:MM, e.g. 08:00."]
    assert field_errors(html, "hours") == []  # the row already says it
    assert "Nothing was saved: 3 problems to fix" in html


def test_hours_errors_from_the_service_go_to_the_hours_list(editor: FlaskClient) -> None:
    response = editor.post(
        "/contacts/new", data=form_data(**{"hours-0-days": None, "hours-0-opens": "08:00"})
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert field_errors(html, "hours") == ["Each period needs days of the week."]
    assert '<a href="#hours">' in html


def test_errors_land_on_the_right_row_after_an_empty_row(editor: FlaskClient) -> None:
    data = form_data(**{"channels-1-value": "", "channels-2-value": "not-an-address"})
    html = editor.post("/contacts/new", data=data).get_data(as_text=True)
    assert field_errors(html, "channels-1-value") == []
    assert field_errors(html, "channels-2-value") == ["E-mail is not a valid e-mail address."]


def test_a_channel_shows_its_label_and_its_value_problems_together(editor: FlaskClient) -> None:
    data = form_data(**{"channels-0-value": "12", "channels-0-label": "L" * 130})
    html = editor.post("/contacts/new", data=data).get_data(as_text=True)
    assert field_errors(html, "channels-0-label") == ["Must be at most 120 characters."]
    assert field_errors(html, "channels-0-value") == [
        "Phone is not a valid phone number for this state."
    ]


def test_names_with_markup_are_stored_as_typed_and_shown_escaped(
    editor: FlaskClient, app: Flask
) -> None:
    response = editor.post(
        "/contacts/new",
        data=form_data(holder_given_name=SCRIPT, position_title=f"Officer {SCRIPT}"),
    )
    public_id = public_id_from(response)
    assert stored(public_id).holder_given_name == SCRIPT
    pages = {
        "contact": editor.get(f"/contacts/{public_id}"),
        "country": editor.get("/countries/JM"),
        "home": editor.get("/"),  # the editor's panel lists it: it was never verified
        "edit": editor.get(f"/contacts/{public_id}/edit"),
    }
    for name, page in pages.items():
        html = page.get_data(as_text=True)
        assert page.status_code == 200, name
        assert SCRIPT not in html, name
        assert ESCAPED_SCRIPT in html, name


def test_control_characters_are_dropped(editor: FlaskClient) -> None:
    response = editor.post(
        "/contacts/new",
        data=form_data(
            holder_family_name="O'Ne\x00il\x07",
            organisation="Office of\x08 Disaster\tPreparedness\x1b",
            notes="line one\r\nline\x0b two",
        ),
    )
    contact = stored(public_id_from(response))
    assert contact.holder_family_name == "O'Neil"
    assert contact.organisation == "Office of Disaster Preparedness"
    assert contact.notes == "line one\nline two"


def test_a_body_over_the_limit_is_refused_with_413(editor: FlaskClient) -> None:
    before = (contact_count(), change_count())
    response = editor.post("/contacts/new", data=form_data(notes="x" * (2 * 1024 * 1024 + 1)))
    assert response.status_code == 413
    assert "What was sent is too large." in response.get_data(as_text=True)
    assert (contact_count(), change_count()) == before


def test_with_csrf_protection_on_the_forms_carry_their_token(
    app: Flask, users: dict[str, User], tmp_path: Path
) -> None:
    database = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    protected = make_app(Path(database), tmp_path / "csrf", WTF_CSRF_ENABLED=True)
    client = protected.test_client()

    def token(html: str) -> str:
        return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)

    login = client.get("/login").get_data(as_text=True)
    client.post("/login", data={"email": EDITOR, "password": PASSWORD, "csrf_token": token(login)})
    html = client.get("/contacts/new").get_data(as_text=True)
    assert client.post("/contacts/new", data=form_data()).status_code == 400  # no token
    response = client.post("/contacts/new", data=form_data(csrf_token=token(html)))
    public_id = public_id_from(response)
    page = client.get(f"/contacts/{public_id}").get_data(as_text=True)
    verify = re.search(
        rf'action="/contacts/{public_id}/verify">\s*<input type="hidden" name="csrf_token" '
        r'value="([^"]+)"',
        page,
    )
    assert verify, "the Still current button posts its token"
    assert client.post(f"/contacts/{public_id}/verify").status_code == 400
    response = client.post(f"/contacts/{public_id}/verify", data={"csrf_token": verify.group(1)})
    assert response.status_code == 302
    with protected.app_context():
        db.engine.dispose()


# -- rows without JavaScript ------------------------------------------------------------------


def test_the_add_row_buttons_add_a_row_without_saving(editor: FlaskClient) -> None:
    before = (contact_count(), change_count())
    data = form_data(add_channel="1")
    del data["save"]
    response = editor.post("/contacts/new", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'name="channels-3-value"' in html and 'name="channels-4-value"' not in html
    assert 'value="(876) 906-9674"' in html  # what was typed is kept
    assert '<ul class="errors"' not in html
    assert (contact_count(), change_count()) == before

    data = form_data(add_hours="1")
    del data["save"]
    html = editor.post("/contacts/new", data=data).get_data(as_text=True)
    assert 'name="hours-1-opens"' in html
    assert (contact_count(), change_count()) == before


def test_the_remove_buttons_remove_a_row_and_renumber(editor: FlaskClient) -> None:
    data = form_data(remove_channel="1")
    del data["save"]
    response = editor.post("/contacts/new", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    values = read_form(html)
    assert values["channels-0-value"] == "(876) 906-9674"
    assert values["channels-1-value"] == "duty@odpem.jm.example.org"  # was row 2
    assert "channels-2-value" not in values
    # then saving what is on the page creates the contact with two channels
    public_id = public_id_from(editor.post("/contacts/new", data={**values, "save": "1"}))
    assert [c.kind for c in stored(public_id).channels] == ["phone", "email"]


# -- editing and conflicts ------------------------------------------------------------------


def test_the_edit_form_is_filled_in_and_saves_back(editor: FlaskClient) -> None:
    contact = create_contact(SYSTEM, contact_data(languages=["en", "es"]))
    html = editor.get(f"/contacts/{contact.public_id}/edit").get_data(as_text=True)
    values = read_form(html)
    assert values["version"] == "1"
    assert values["channels-0-value"] == "+1 876-906-9674"
    assert values["channels-0-is_24_7"] == "y"
    assert values["channels-1-kind"] == "email"
    assert values["languages"] == "en, es"
    assert values["hours-0-days"] == ["0", "1", "2", "3", "4"]
    assert values["time_zone"] == "America/Jamaica"
    values["city"] = "Spanish Town"
    response = editor.post(f"/contacts/{contact.public_id}/edit", data=values)
    assert response.headers["Location"].endswith(f"/contacts/{contact.public_id}")
    saved = stored(contact.public_id)
    assert saved.city == "Spanish Town" and saved.version == 2
    assert [c.value for c in saved.channels] == ["+18769069674", "duty@odpem.jm.example.org"]
    assert saved.hours == contact_data().hours
    assert "Your changes were saved." in editor.get(response.headers["Location"]).get_data(
        as_text=True
    )


def test_the_second_of_two_editors_gets_a_conflict_and_loses_nothing(
    app: Flask, users: dict[str, User]
) -> None:
    contact = create_contact(SYSTEM, contact_data())
    url = f"/contacts/{contact.public_id}/edit"
    first = new_client(app, EDITOR)
    second = new_client(app, EDITOR)  # the same focal point, in another browser
    first_form = read_form(first.get(url).get_data(as_text=True))
    second_form = read_form(second.get(url).get_data(as_text=True))
    assert first_form["version"] == second_form["version"] == "1"

    first_form["city"] = "Spanish Town"
    assert first.post(url, data=first_form).status_code == 302

    second_form["city"] = "Montego Bay"
    second_form["notes"] = "Ask for the duty officer"
    response = second.post(url, data=second_form)
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Someone else saved this contact while you were editing it" in html
    assert "Your changes have not been saved yet" in html
    assert "Your version" in html and "Current version" in html
    row = re.search(r'<tr class="changed-since">\s*<th scope="row">City.*?</tr>', html, re.S)
    assert row, "the city changed since the form was opened"
    assert "Montego Bay" in row.group(0) and "Spanish Town" in row.group(0)
    assert "changed by someone else" in row.group(0)
    # the user's input is kept in a form based on the current version
    kept = read_form(html)
    assert kept["city"] == "Montego Bay" and kept["notes"] == "Ask for the duty officer"
    assert kept["version"] == "2"
    # nothing of the second save was written; the history has the first
    assert stored(contact.public_id).city == "Spanish Town"
    assert [c.action for c in changes_of(contact.public_id)] == ["create", "update"]
    history = second.get(f"/contacts/{contact.public_id}").get_data(as_text=True)
    assert re.search(r"City</span>:\s*<del>Kingston</del> → <ins>Spanish Town</ins>", history)

    # re-submitting the conflict form applies the kept input
    response = second.post(url, data=kept)
    assert response.status_code == 302
    saved = stored(contact.public_id)
    assert (saved.city, saved.notes, saved.version) == (
        "Montego Bay",
        "Ask for the duty officer",
        3,
    )
    assert [c.action for c in changes_of(contact.public_id)] == ["create", "update", "update"]
    history = second.get(f"/contacts/{contact.public_id}").get_data(as_text=True)
    assert re.search(r"City</span>:\s*<del>Kingston</del> → <ins>Spanish Town</ins>", history)
    assert re.search(r"City</span>:\s*<del>Spanish Town</del> → <ins>Montego Bay</ins>", history)


def test_a_missing_version_is_an_error_not_an_overwrite(editor: FlaskClient) -> None:
    contact = create_contact(SYSTEM, contact_data())
    response = editor.post(
        f"/contacts/{contact.public_id}/edit", data=form_data(city="Ocho Rios", version="")
    )
    assert response.status_code == 400
    assert "reload it" in response.get_data(as_text=True)
    assert stored(contact.public_id).version == 1


# -- who may do what --------------------------------------------------------------------------


def write_requests(public_id: str, code: str, seq: int) -> Iterator[tuple[str, str, dict]]:
    """(method, url, form) for every write route on a contact and its state."""
    yield "GET", f"/contacts/new?country={code}", {}
    yield "POST", "/contacts/new", form_data(country=code)
    yield "GET", f"/contacts/{public_id}/edit", {}
    yield "POST", f"/contacts/{public_id}/edit", form_data(country=code, version="1")
    yield "POST", f"/contacts/{public_id}/archive", {"version": "1"}
    yield "POST", f"/contacts/{public_id}/restore", {"version": "1"}
    yield "POST", f"/contacts/{public_id}/verify", {}
    yield "POST", f"/contacts/{public_id}/move?offset=-1", {}
    yield "POST", f"/contacts/{public_id}/move?offset=1", {}
    yield "POST", f"/contacts/{public_id}/history/{seq}/restore", {"version": "1"}
    yield "POST", f"/countries/{code}/verify-all", {}


def assert_all_forbidden(client: FlaskClient, public_id: str, code: str) -> None:
    seq = changes_of(public_id)[0].seq
    before = (contact_count(), change_count(), stored(public_id).version)
    for method, url, data in write_requests(public_id, code, seq):
        response = client.open(url, method=method, data=data)
        assert response.status_code == 403, (method, url, response.status_code)
        assert "You do not have permission to do that." in response.get_data(as_text=True)
    assert (contact_count(), change_count(), stored(public_id).version) == before


def test_an_editor_cannot_touch_another_states_contacts(editor: FlaskClient) -> None:
    haiti = haiti_contact()
    archive_contact(SYSTEM, haiti_contact(position_title="Ancien poste").public_id)
    assert_all_forbidden(editor, haiti.public_id, "HT")
    page = editor.get(f"/contacts/{haiti.public_id}").get_data(as_text=True)
    assert "/edit" not in page and "Still current" not in page and "Archive" not in page
    country = editor.get("/countries/HT").get_data(as_text=True)
    assert "Confirm all still current" not in country and "/contacts/new" not in country


def test_an_editor_cannot_move_a_contact_to_another_state_with_a_forged_field(
    editor: FlaskClient,
) -> None:
    jamaica = create_contact(SYSTEM, contact_data())
    before = change_count()
    response = editor.post(
        f"/contacts/{jamaica.public_id}/edit",
        data=form_data(country="HT", time_zone="America/Port-au-Prince", version="1"),
    )
    assert response.status_code == 403
    saved = stored(jamaica.public_id)
    assert (saved.country_code, saved.version, change_count()) == ("JM", 1, before)
    # nor create one there with the hidden field changed
    response = editor.post("/contacts/new", data=form_data(country="HT"))
    assert response.status_code == 403
    assert change_count() == before


def test_a_viewer_may_change_nothing(client: FlaskClient, users: dict[str, User]) -> None:
    viewer = sign_in(client, VIEWER)
    jamaica = create_contact(SYSTEM, contact_data())
    create_contact(SYSTEM, contact_data(position_title="Deputy"))
    assert_all_forbidden(viewer, jamaica.public_id, "JM")
    page = viewer.get(f"/contacts/{jamaica.public_id}").get_data(as_text=True)
    assert "Still current" not in page and "Restore this version" not in page
    assert "Confirm all still current" not in viewer.get("/countries/JM").get_data(as_text=True)
    assert "Your state" not in viewer.get("/").get_data(as_text=True)


def test_an_editor_sees_the_buttons_for_their_state_but_cannot_restore_versions(
    editor: FlaskClient,
) -> None:
    contact = create_contact(SYSTEM, contact_data())
    update_contact(SYSTEM, contact.public_id, contact_data(city="Spanish Town"), 1)
    page = editor.get(f"/contacts/{contact.public_id}").get_data(as_text=True)
    assert f'href="/contacts/{contact.public_id}/edit"' in page
    assert "Still current" in page and "Archive" in page
    assert "Restore this version" not in page
    seq = changes_of(contact.public_id)[0].seq
    before = change_count()
    response = editor.post(
        f"/contacts/{contact.public_id}/history/{seq}/restore", data={"version": "2"}
    )
    assert response.status_code == 403
    assert change_count() == before
    country = editor.get("/countries/JM").get_data(as_text=True)
    assert "Confirm all still current" in country
    assert 'href="/contacts/new?country=JM&amp;area=environmental-security"' in country


# -- the actions ------------------------------------------------------------------------------


def test_an_admin_restores_an_earlier_version_as_a_new_update(
    client: FlaskClient, users: dict[str, User]
) -> None:
    admin = sign_in(client, ADMIN)
    contact = create_contact(SYSTEM, contact_data())
    update_contact(SYSTEM, contact.public_id, contact_data(city="Spanish Town"), 1)
    created = changes_of(contact.public_id)[0]
    page = admin.get(f"/contacts/{contact.public_id}").get_data(as_text=True)
    assert page.count("Restore this version") == 1  # not on the entry that is current
    assert f'action="/contacts/{contact.public_id}/history/{created.seq}/restore"' in page

    # against an old version: refused, nothing changes
    url = f"/contacts/{contact.public_id}/history/{created.seq}/restore"
    response = admin.post(url, data={"version": "1"})
    assert response.status_code == 302
    assert stored(contact.public_id).city == "Spanish Town"
    assert "changed since you opened the page" in admin.get(response.headers["Location"]).get_data(
        as_text=True
    )

    response = admin.post(url, data={"version": "2"})
    assert response.status_code == 302
    saved = stored(contact.public_id)
    assert (saved.city, saved.version) == ("Kingston", 3)
    last = changes_of(contact.public_id)[-1]
    assert last.action == "update" and last.actor_label == ADMIN
    assert ("city", "Spanish Town", "Kingston") in last.changed_fields()
    page = admin.get(f"/contacts/{contact.public_id}").get_data(as_text=True)
    assert "is current again" in page
    assert re.search(r"City</span>:\s*<del>Spanish Town</del> → <ins>Kingston</ins>", page)
    assert (
        admin.post(
            f"/contacts/{contact.public_id}/history/99999/restore", data={"version": "3"}
        ).status_code
        == 404
    )


def test_moving_up_and_down_changes_the_calling_order(editor: FlaskClient) -> None:
    first, second, third = (
        create_contact(SYSTEM, contact_data(position_title=title))
        for title in ("First post", "Second post", "Third post")
    )

    def order() -> list[str]:
        html = editor.get("/countries/JM").get_data(as_text=True)
        section = html[html.index('id="disaster-response"') : html.index('id="environmental')]
        return re.findall(r"(\w+) post</a></h3>", section)

    assert order() == ["First", "Second", "Third"]
    page = editor.get(f"/contacts/{first.public_id}").get_data(as_text=True)
    assert "Move down the calling order" in page and "Move up the calling order" not in page
    response = editor.post(f"/contacts/{third.public_id}/move?offset=-1")
    assert response.headers["Location"].endswith(f"/contacts/{third.public_id}")
    assert order() == ["First", "Third", "Second"]
    response = editor.post(f"/contacts/{first.public_id}/move?offset=1")
    assert "Moved down the calling order." in editor.get(response.headers["Location"]).get_data(
        as_text=True
    )
    assert order() == ["Third", "First", "Second"]
    # already last: nothing to do, nothing written
    before = change_count()
    editor.post(f"/contacts/{second.public_id}/move?offset=1")
    assert change_count() == before
    response = editor.post(f"/contacts/{second.public_id}/move?offset=7")
    assert response.status_code == 302 and change_count() == before


def test_still_current_sets_last_verified_and_who(editor: FlaskClient) -> None:
    contact = create_contact(SYSTEM, contact_data())
    page = editor.get(f"/contacts/{contact.public_id}").get_data(as_text=True)
    assert re.search(r"<dt>Last verified</dt>\s*<dd>Never", page)
    response = editor.post(f"/contacts/{contact.public_id}/verify")
    assert response.status_code == 302
    saved = stored(contact.public_id)
    assert saved.verified_at is not None and saved.verified_by.email == EDITOR
    page = editor.get(f"/contacts/{contact.public_id}").get_data(as_text=True)
    assert "is confirmed as still current" in page
    verified = re.search(r"<dt>Last verified</dt>\s*<dd>(.*?)</dd>", page, re.S).group(1)
    assert "UTC" in verified and EDITOR in verified and "Never" not in verified
    assert changes_of(contact.public_id)[-1].action == "verify"


def test_confirm_all_still_current_counts_the_states_active_entries(
    editor: FlaskClient,
) -> None:
    for title in ("One", "Two", "Three"):
        create_contact(SYSTEM, contact_data(position_title=title))
    archive_contact(SYSTEM, create_contact(SYSTEM, contact_data(position_title="Old")).public_id)
    haiti = haiti_contact()
    response = editor.post("/countries/JM/verify-all")
    assert response.headers["Location"].endswith("/countries/JM")
    page = editor.get(response.headers["Location"]).get_data(as_text=True)
    assert "3 entries confirmed as still current." in page
    db.session.rollback()
    verified = db.session.scalars(
        select(Contact.position_title).where(Contact.verified_at.is_not(None))
    )
    assert sorted(verified) == ["One", "Three", "Two"]
    assert stored(haiti.public_id).verified_at is None


def test_archive_and_restore(editor: FlaskClient) -> None:
    contact = create_contact(SYSTEM, contact_data(position_title="Night desk"))
    response = editor.post(f"/contacts/{contact.public_id}/archive", data={"version": "1"})
    assert response.status_code == 302
    assert stored(contact.public_id).status == "archived"
    page = editor.get(f"/contacts/{contact.public_id}").get_data(as_text=True)
    assert "The entry was archived" in page and "This entry is archived" in page
    assert f'action="/contacts/{contact.public_id}/restore"' in page
    assert "Night desk" not in editor.get("/countries/JM").get_data(as_text=True)
    # a stale page's version is refused
    editor.post(f"/contacts/{contact.public_id}/restore", data={"version": "1"})
    assert stored(contact.public_id).status == "archived"
    editor.post(f"/contacts/{contact.public_id}/restore", data={"version": "2"})
    assert stored(contact.public_id).status == "active"
    assert [c.action for c in changes_of(contact.public_id)] == ["create", "archive", "restore"]


# -- the editor's start page ----------------------------------------------------------------


def test_the_editor_start_page_lists_stale_entries_and_gaps(
    editor: FlaskClient, app: Flask, count_queries
) -> None:
    now = datetime.now(UTC)
    stale = create_contact(
        SYSTEM, contact_data(position_title="Stale desk"), verified_at=now - timedelta(days=400)
    )
    create_contact(SYSTEM, contact_data(position_title="Fresh desk"), verified_at=now)
    never = create_contact(
        SYSTEM, contact_data(area="environmental-security", position_title="Never desk")
    )
    haiti_contact(position_title="Haiti desk")

    def panel_of(html: str) -> str:
        return html[html.index('class="panel worklist"') : html.index('id="coverage-title"')]

    panel = panel_of(editor.get("/").get_data(as_text=True))
    assert "Your state: Jamaica" in panel
    assert "Stale desk" in panel and "Never desk" in panel
    assert "Fresh desk" not in panel and "Haiti desk" not in panel
    assert panel.index("Never desk") < panel.index("Stale desk")  # never verified first
    assert f'href="/contacts/{stale.public_id}/edit"' in panel
    assert f'action="/contacts/{never.public_id}/verify"' in panel
    # the gaps: areas without a contact, each with a link to name one
    assert 'href="/contacts/new?country=JM&amp;area=transportation-security"' in panel
    assert 'href="/contacts/new?country=JM&amp;area=critical-infrastructure"' in panel
    assert "area=disaster-response" not in panel
    # "Still current" from the panel comes back to the start page
    response = editor.post(f"/contacts/{stale.public_id}/verify", data={"next": "/"})
    assert response.headers["Location"].endswith("/")
    assert "Stale desk" not in panel_of(editor.get("/").get_data(as_text=True))

    def measure() -> int:
        db.session.remove()
        count_queries.statements.clear()
        assert editor.get("/").status_code == 200
        return count_queries.count

    small = measure()
    for i in range(30):
        create_contact(SYSTEM, contact_data(position_title=f"Extra {i}"))
    assert measure() == small
