"""vCard 4.0 export: the card of a contact, and the downloads of a contact, state, area, search."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import vobject
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from directory.exports.vcard import contact_uid, contact_vcard, write_vcards
from directory.extensions import db
from directory.models import Contact, ExportRecord
from directory.services.actors import Actor
from directory.services.contacts import archive_contact, create_contact, verify_contact
from directory.services.validation import ChannelData
from directory.vcards import views as vcard_views
from tests.factories import PASSWORD, contact_data

SYSTEM = Actor.system("tests")
EXPORTED_AT = datetime(2026, 11, 27, 4, 30, tzinfo=UTC)
ALL_CHANNELS = [
    ChannelData("email", "duty@odpem.jm.example.org", "Duty desk"),
    ChannelData("phone", "+1 876 906 9670", "Office"),
    ChannelData("satellite", "+881 631 234 567"),
    ChannelData("mobile", "+1 876 906 9674", "Duty mobile", True),
    ChannelData("fax", "+1 876 906 9675"),
    ChannelData("email", "director@odpem.jm.example.org"),
    ChannelData("website", "https://odpem.example.org/"),
    ChannelData("radio", "VHF channel 16", "Coast radio"),
]


def make(**changes: object) -> Contact:
    return create_contact(SYSTEM, contact_data(**changes))


def parse(text: str) -> list:
    cards = list(vobject.readComponents(text))
    assert cards, text
    return cards


def card_of(contact: Contact, at: datetime = EXPORTED_AT, stale_after_days: int = 180):
    text = contact_vcard(contact, at, stale_after_days).serialize()
    (card,) = parse(text)
    return card


def download(client: FlaskClient, url: str, **params: str) -> list:
    response = client.get(url, query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.headers["Content-Type"] == "text/vcard; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="')
    assert response.headers["Content-Disposition"].isascii()
    text = response.get_data().decode("utf-8")
    return list(vobject.readComponents(text))


def export_rows() -> list[ExportRecord]:
    db.session.rollback()  # end the read snapshot: the downloads wrote in their own sessions
    return list(db.session.scalars(select(ExportRecord).order_by(ExportRecord.id)))


# --- the card ----------------------------------------------------------------------------------


def test_a_card_carries_every_field_as_vcard_4(app: Flask) -> None:
    contact = make(
        holder_honorific="Dr",
        holder_given_name="Zoë",
        holder_family_name="Núñez",
        channels=ALL_CHANNELS,
        languages=["es", "en"],
        postal_address="12 Camp Road\nKingston 5",
        city="Kingston",
    )
    text = contact_vcard(contact, EXPORTED_AT, 180).serialize()
    assert text.startswith("BEGIN:VCARD\r\nVERSION:4.0\r\n")
    (card,) = parse(text)

    assert card.version.value == "4.0"
    assert card.prodid.value
    assert card.fn.value == "Dr Zoë Núñez"
    assert (card.n.value.family, card.n.value.given, card.n.value.prefix) == ("Núñez", "Zoë", "Dr")
    assert card.org.value == [
        "Office of Disaster Preparedness, Jamaica",
        "National Emergency Operations Centre",
    ]
    assert card.title.value == "24/7 duty officer"

    phones = [(tel.value, tel.params["TYPE"], tel.params.get("PREF")) for tel in card.tel_list]
    assert phones == [
        ("tel:+18769069674", ["cell"], ["1"]),  # the 24/7 line first, preferred
        ("tel:+18769069670", ["work", "voice"], None),
        ("tel:+881631234567", ["voice"], None),
        ("tel:+18769069675", ["fax"], None),
    ]
    assert all(tel.params["VALUE"] == ["uri"] for tel in card.tel_list)
    assert "TEL;PREF=1;TYPE=cell;VALUE=uri:tel:+18769069674" in text
    labels = {label.group: label.value for label in card.contents["x-ablabel"]}
    satellite = card.tel_list[2]
    assert labels[satellite.group] == "Satellite phone"
    assert labels[card.tel_list[0].group] == "Duty mobile"

    assert [email.value for email in card.email_list] == [
        "duty@odpem.jm.example.org",
        "director@odpem.jm.example.org",
    ]
    assert card.url.value == "https://odpem.example.org/"
    address = card.adr.value
    assert (address.street, address.city, address.country) == (
        "12 Camp Road\nKingston 5",
        "Kingston",
        "Jamaica",
    )
    assert [(lang.value, lang.params["PREF"]) for lang in card.lang_list] == [
        ("es", ["1"]),
        ("en", ["2"]),
    ]
    assert card.tz.value == "America/Jamaica"
    assert card.uid.value == contact_uid(contact.public_id)
    assert card.uid.value.startswith("urn:uuid:")
    assert card.rev.value == contact.updated_at.strftime("%Y%m%dT%H%M%SZ")
    assert card.categories.value == ["Jamaica", "Disaster response"]

    note = card.note.value
    assert "Hours: Mon-Fri 08:00-17:00 (America/Jamaica local time)" in note
    assert "24/7 line: +1 876-906-9674 (Duty mobile)" in note
    assert "Radio: VHF channel 16 (Coast radio)" in note
    assert "Last verified: never" in note
    assert "Exported 2026-11-27 04:30 UTC" in note


def test_a_desk_or_vacant_post_is_named_by_state_area_and_post(app: Flask) -> None:
    desk = card_of(make(holder_given_name="", holder_family_name=""))
    assert desk.fn.value == "Jamaica, Disaster response: 24/7 duty officer"
    assert (desk.n.value.family, desk.n.value.given) == ("", "")
    assert "Functional desk" in desk.note.value

    vacant = card_of(make(holder_given_name="", holder_family_name="", is_vacant=True))
    assert vacant.fn.value == "Jamaica, Disaster response: 24/7 duty officer"
    assert "Vacant post" in vacant.note.value


def test_the_note_says_staffed_24_7_and_when_verified(app: Flask) -> None:
    contact = make(hours_24_7=True, hours=[])
    verified = verify_contact(SYSTEM, contact.public_id)
    assert verified.verified_at is not None
    card = card_of(verified, at=verified.verified_at + timedelta(days=1))
    assert "Hours: Staffed 24/7" in card.note.value
    assert f"Last verified: {verified.verified_at:%Y-%m-%d %H:%M} UTC" in card.note.value
    assert "STALE" not in card.note.value


def test_a_stale_or_never_verified_contact_is_flagged(app: Flask) -> None:
    contact = verify_contact(SYSTEM, make().public_id)
    assert contact.verified_at is not None
    later = contact.verified_at + timedelta(days=31)
    assert "STALE" in card_of(contact, at=later, stale_after_days=30).note.value
    assert "STALE" not in card_of(contact, at=later, stale_after_days=60).note.value
    never = make(area="environmental-security")
    assert "STALE" in card_of(never).note.value


def test_accented_names_and_places_survive(app: Flask) -> None:
    contact = make(
        country="BR",
        holder_given_name="João",
        holder_family_name="Núñez",
        organisation="Defesa Civil de São João",
        city="São João del-Rei",
        time_zone="America/Sao_Paulo",
        channels=[ChannelData("email", "plantao@defesacivil.example.gov.br")],
    )
    card = card_of(contact)
    assert card.fn.value == "João Núñez"
    assert card.org.value == ["Defesa Civil de São João", "National Emergency Operations Centre"]
    assert card.adr.value.city == "São João del-Rei"
    assert card.adr.value.country == "Brazil"


def test_a_comma_or_semicolon_in_a_value_is_escaped_and_read_back(app: Flask) -> None:
    contact = make(position_title="Duty officer; night, weekends", notes="Ask for ops; say why")
    card = card_of(contact)
    assert card.title.value == "Duty officer; night, weekends"
    assert "Ask for ops; say why" in card.note.value


def test_write_vcards_writes_every_card_and_counts_them(app: Flask) -> None:
    contacts = [make(), make(area="environmental-security"), make(country="BR")]
    out = io.StringIO()
    assert write_vcards(out, contacts, EXPORTED_AT, 180) == 3
    cards = parse(out.getvalue())
    assert [card.uid.value for card in cards] == [contact_uid(c.public_id) for c in contacts]
    assert all("Exported 2026-11-27 04:30 UTC" in card.note.value for card in cards)


# --- the downloads -----------------------------------------------------------------------------


def test_a_contact_downloads_as_one_card_and_is_logged(
    app: Flask, signed_in: FlaskClient, users: dict
) -> None:
    contact = make(holder_family_name="Núñez", channels=ALL_CHANNELS)
    app.config["FROZEN_NOW"] = EXPORTED_AT
    response = signed_in.get(f"/contacts/{contact.public_id}.vcf")
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="contact-{contact.public_id}.vcf"'
    )
    (card,) = download(signed_in, f"/contacts/{contact.public_id}.vcf")
    assert card.fn.value == "Zoë Núñez"
    assert card.tel_list[0].value == "tel:+18769069674"
    assert "Exported 2026-11-27 04:30 UTC" in card.note.value

    rows = export_rows()
    assert [(row.kind, row.scope, row.count) for row in rows] == [
        ("vcard", f"contact:{contact.public_id}", 1),
        ("vcard", f"contact:{contact.public_id}", 1),
    ]
    assert {row.actor_id for row in rows} == {users["viewer"].id}


def test_the_contact_page_stays_html_beside_its_vcard(signed_in: FlaskClient, app: Flask) -> None:
    contact = make()
    page = signed_in.get(f"/contacts/{contact.public_id}")
    assert page.status_code == 200
    assert page.mimetype == "text/html"
    assert f'href="/contacts/{contact.public_id}.vcf"' in page.get_data(as_text=True)


def test_the_uid_is_stable_across_exports_and_distinct_per_contact(
    app: Flask, signed_in: FlaskClient
) -> None:
    first, second = make(), make(area="environmental-security")
    (one,) = download(signed_in, f"/contacts/{first.public_id}.vcf")
    (again,) = download(signed_in, f"/contacts/{first.public_id}.vcf")
    (other,) = download(signed_in, f"/contacts/{second.public_id}.vcf")
    assert one.uid.value == again.uid.value
    assert one.uid.value != other.uid.value
    state = download(signed_in, "/countries/JM.vcf")
    assert {card.uid.value for card in state} == {one.uid.value, other.uid.value}


def test_an_archived_contact_still_downloads_by_its_id_but_leaves_the_state(
    app: Flask, signed_in: FlaskClient
) -> None:
    kept, gone = make(), make(holder_family_name="Archer")
    archive_contact(SYSTEM, gone.public_id)
    (card,) = download(signed_in, f"/contacts/{gone.public_id}.vcf")
    assert "ARCHIVED" in card.note.value
    state = download(signed_in, "/countries/JM.vcf")
    assert [card.uid.value for card in state] == [contact_uid(kept.public_id)]


def test_a_state_download_holds_its_active_contacts_in_calling_order(
    app: Flask, signed_in: FlaskClient
) -> None:
    primary = make(holder_family_name="Núñez")
    alternate = make(holder_family_name="Campbell")
    make(country="BR", time_zone="America/Sao_Paulo")
    response = signed_in.get("/countries/jm.vcf")
    assert response.headers["Content-Disposition"] == 'attachment; filename="contacts-JM.vcf"'
    cards = download(signed_in, "/countries/JM.vcf")
    assert [card.n.value.family for card in cards] == ["Núñez", "Campbell"]
    assert [card.uid.value for card in cards] == [
        contact_uid(primary.public_id),
        contact_uid(alternate.public_id),
    ]
    assert [(row.scope, row.count) for row in export_rows()] == [
        ("country:JM", 2),
        ("country:JM", 2),
    ]


def test_an_area_download_holds_that_area_of_every_state(
    app: Flask, signed_in: FlaskClient
) -> None:
    make(country="BR", time_zone="America/Sao_Paulo", area="environmental-security")
    make(country="JM", area="environmental-security")
    make(country="JM", area="disaster-response")
    cards = download(signed_in, "/areas/environmental-security.vcf")
    assert sorted(card.categories.value[0] for card in cards) == ["Brazil", "Jamaica"]
    assert all(card.categories.value[1] == "Environmental security" for card in cards)
    assert [(row.scope, row.count) for row in export_rows()] == [("area:environmental-security", 2)]


def test_a_state_or_area_without_contacts_gives_an_empty_file(
    app: Flask, signed_in: FlaskClient
) -> None:
    response = signed_in.get("/countries/CA.vcf")
    assert response.status_code == 200
    assert response.get_data() == b""
    assert [(row.scope, row.count) for row in export_rows()] == [("country:CA", 0)]


@pytest.mark.parametrize(
    "url",
    [
        "/countries/XX.vcf",
        "/countries/JAM.vcf",
        "/areas/piracy.vcf",
        "/contacts/nosuchcontact.vcf",
    ],
)
def test_an_unknown_state_area_or_contact_is_not_found(
    app: Flask, signed_in: FlaskClient, url: str
) -> None:
    assert signed_in.get(url).status_code == 404
    assert export_rows() == []


@pytest.mark.parametrize(
    "url", ["/countries/JM.vcf", "/areas/disaster-response.vcf", "/search.vcf?q=duty"]
)
def test_signed_out_visitors_are_sent_to_sign_in(
    app: Flask, client: FlaskClient, users: dict, url: str
) -> None:
    contact = make()
    for target in (url, f"/contacts/{contact.public_id}.vcf"):
        response = client.get(target)
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]
    assert export_rows() == []


def test_the_pages_offer_their_vcard(app: Flask, signed_in: FlaskClient) -> None:
    make()
    links = {
        "/countries/JM": 'href="/countries/JM.vcf"',
        "/areas/disaster-response": 'href="/areas/disaster-response.vcf"',
        "/search?q=duty": 'href="/search.vcf?q=duty"',
    }
    for page, link in links.items():
        html = signed_in.get(page).get_data(as_text=True)
        assert link in html, page
        assert "Download vCard" in html


def test_a_search_download_holds_the_search_results(app: Flask, signed_in: FlaskClient) -> None:
    wanted = make(organisation="Meteorological Service of Jamaica")
    make(organisation="Port Authority")
    cards = download(signed_in, "/search.vcf", q="meteorological")
    assert [card.uid.value for card in cards] == [contact_uid(wanted.public_id)]
    assert "Search: q=meteorological" in cards[0].note.value
    assert [(row.scope, row.count) for row in export_rows()] == [("search:q=meteorological", 1)]


def test_a_search_download_past_the_limit_says_it_was_cut(
    app: Flask, signed_in: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(vcard_views, "SEARCH_LIMIT", 2)
    for area in ("disaster-response", "environmental-security", "transportation-security"):
        make(area=area, organisation="Meteorological Service of Jamaica")
    response = signed_in.get("/search.vcf", query_string={"q": "meteorological"})
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="search-results-first-2.vcf"'
    )
    cards = list(vobject.readComponents(response.get_data(as_text=True)))
    assert len(cards) == 2
    assert "(the first 2 of 3 results)" in cards[0].note.value
    assert [(row.scope, row.count) for row in export_rows()] == [("search:q=meteorological", 2)]


# --- search with the index: filters, accent folding --------------------------------------------


@pytest.fixture
def indexed(app_with, users, tmp_path: Path) -> Iterator[Flask]:
    other = app_with(SEARCH_INDEX_DIR=str(tmp_path / "index"))
    with other.app_context():
        yield other
        db.session.remove()


def test_a_search_download_keeps_the_filters_of_the_search(indexed: Flask) -> None:
    client = indexed.test_client()
    client.post("/login", data={"email": "viewer@example.org", "password": PASSWORD})
    jamaica = make(holder_family_name="Núñez")
    make(holder_family_name="Núñez", country="BR", time_zone="America/Sao_Paulo")
    make(holder_family_name="Campbell")
    cards = download(client, "/search.vcf", q="nunez", country="JM")
    assert [card.uid.value for card in cards] == [contact_uid(jamaica.public_id)]
    assert [(row.scope, row.count) for row in export_rows()] == [("search:q=nunez&country=JM", 1)]
    response = client.get("/search.vcf", query_string={"q": "nunez"})
    assert response.headers["Content-Disposition"] == 'attachment; filename="search-results.vcf"'
    assert len(list(vobject.readComponents(response.get_data(as_text=True)))) == 2


def test_the_download_link_is_in_the_part_that_updates_as_you_type(
    signed_in: FlaskClient,
) -> None:
    partial = signed_in.get("/search?q=kingston&partial=1").get_data(as_text=True)
    assert "/search.vcf?q=kingston" in partial
    preview = signed_in.get("/search?q=kingston&partial=1&preview=1").get_data(as_text=True)
    assert "/search.vcf" not in preview
    empty = signed_in.get("/search").get_data(as_text=True)
    assert "/search.vcf" not in empty
