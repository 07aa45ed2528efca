"""The incident pack page and PDF through the web client: order, staleness, dates, contents."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from directory.exports.pack import PAGE_MARK, PAGES_MARK, page_label_parts
from directory.extensions import db
from directory.models import ExportRecord
from directory.services.actors import Actor
from directory.services.contacts import create_contact
from directory.services.validation import ChannelData
from tests.factories import contact_data

SYSTEM = Actor.system("tests")
NOW = datetime(2026, 11, 27, 4, 30, tzinfo=UTC)
STRICT_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


@pytest.fixture
def frozen(app: Flask) -> datetime:
    app.config["FROZEN_NOW"] = NOW
    return NOW


def office_hours_contact(title: str, **changes: object):
    """A contact without any 24/7 line: an office phone and office hours."""
    values: dict[str, object] = {
        "position_title": title,
        "channels": [
            ChannelData("phone", "+1 876 928 5111", "Office"),
            ChannelData("email", "office@odpem.jm.example.org"),
        ],
    }
    values.update(changes)
    return create_contact(SYSTEM, contact_data(**values), verified_at=NOW - timedelta(days=3))


def rows_of(html: str) -> list[str]:
    return re.findall(r"<tr[ >].*?</tr>", html, flags=re.S)[1:] if "<tbody>" in html else []


def row_for(html: str, title: str) -> str:
    found = [row for row in re.findall(r"<tr[ >].*?</tr>", html, flags=re.S) if title in row]
    assert len(found) == 1, f"{title!r} is in {len(found)} rows"
    return found[0]


def test_24_7_lines_come_first_in_the_group_and_in_the_row(
    signed_in: FlaskClient, frozen: datetime
) -> None:
    office_hours_contact("Head of planning")  # rank 1, no 24/7 line
    create_contact(
        SYSTEM,
        contact_data(
            position_title="Duty officer",  # rank 2, with a 24/7 line listed second
            channels=[
                ChannelData("phone", "+1 876 928 5111", "Office"),
                ChannelData("mobile", "+1 876 555 0199", "Duty mobile", True),
            ],
        ),
        verified_at=NOW,
    )
    html = signed_in.get("/countries/JM/pack").get_data(as_text=True)
    assert html.index("Duty officer") < html.index("Head of planning")
    duty = row_for(html, "Duty officer")
    assert duty.index("+1 876-555-0199") < duty.index("+1 876-928-5111")
    assert re.search(r'class="rank">2<', duty), "the calling order is still shown"
    head = row_for(html, "Head of planning")
    assert re.search(r'class="line-24">—<', head), "no 24/7 line is shown as none"


def test_every_stale_entry_and_only_those_carry_a_warning(
    signed_in: FlaskClient, frozen: datetime
) -> None:
    create_contact(SYSTEM, contact_data(position_title="Fresh post"), verified_at=NOW)
    create_contact(
        SYSTEM, contact_data(position_title="Old post"), verified_at=NOW - timedelta(days=400)
    )
    create_contact(SYSTEM, contact_data(position_title="Unchecked post"), verified_at=None)
    html = signed_in.get("/countries/JM/pack").get_data(as_text=True)
    assert "STALE" not in row_for(html, "Fresh post")
    old_date = (NOW - timedelta(days=400)).date().isoformat()
    assert f"STALE — not verified since {old_date}" in row_for(html, "Old post")
    assert "STALE — never verified" in row_for(html, "Unchecked post")
    assert html.count('class="stale-warning"') == 2
    assert "2 not confirmed recently" in html


def test_generated_and_valid_as_of_times_are_on_the_page(
    signed_in: FlaskClient, frozen: datetime
) -> None:
    html = signed_in.get("/pack").get_data(as_text=True)
    assert "Generated 27 Nov 2026, 04:30 UTC" in html
    assert "Valid as of 27 Nov 2026, 04:30 UTC" in html
    # the words the print stylesheet repeats in every page's header and footer
    assert 'data-running-valid="Valid as of 27 Nov 2026, 04:30 UTC"' in html
    assert 'data-page-before="Page " data-page-between=" of " data-page-after=""' in html


@pytest.mark.parametrize(
    ("url", "entries", "first"),
    [
        ("/countries/JM/pack", 4, "Disaster response"),
        ("/areas/disaster-response/pack", 35, "Antigua and Barbuda"),
        ("/pack", 35, "Antigua and Barbuda"),
    ],
)
def test_contents_link_to_a_section_of_the_page(
    signed_in: FlaskClient, frozen: datetime, url: str, entries: int, first: str
) -> None:
    office_hours_contact("Head of planning")
    html = signed_in.get(url).get_data(as_text=True)
    toc = html[html.index('<nav class="toc"') : html.index("</nav>")]
    links = re.findall(r'<a href="#([^"]+)">([^<]+)', toc)
    assert len(links) == entries
    assert links[0][1].strip() == first
    for anchor, _title in links:
        assert f'id="{anchor}"' in html, anchor


def test_a_vacant_post_and_a_gap_are_shown_as_such(
    signed_in: FlaskClient, frozen: datetime
) -> None:
    create_contact(
        SYSTEM,
        contact_data(
            position_title="Deputy coordinator",
            holder_given_name="",
            holder_family_name="",
            is_vacant=True,
        ),
        verified_at=NOW,
    )
    html = signed_in.get("/countries/JM/pack").get_data(as_text=True)
    assert "Vacant post" in row_for(html, "Deputy coordinator")
    assert html.count("No point of contact named.") == 3  # the other three areas


def test_an_area_pack_groups_by_state(signed_in: FlaskClient, frozen: datetime) -> None:
    office_hours_contact("Jamaican desk")
    office_hours_contact("Barbadian desk", country="BB", time_zone="America/Barbados")
    office_hours_contact("Not this area", area="environmental-security")
    page = signed_in.get("/areas/disaster-response/pack").get_data(as_text=True)
    assert "Not this area" not in page
    html = page[page.index("</nav>") :]  # after the contents
    assert html.index("Barbados") < html.index("Barbadian desk") < html.index("Jamaica")
    assert html.index("Jamaica") < html.index("Jamaican desk")
    assert "America/Jamaica (UTC−05:00)" in row_for(html, "Jamaican desk")


def test_every_pack_is_recorded_in_the_export_log(signed_in: FlaskClient, frozen: datetime) -> None:
    office_hours_contact("One")
    office_hours_contact("Two", area="environmental-security")
    assert signed_in.get("/countries/jm/pack").status_code == 200
    assert signed_in.get("/areas/disaster-response/pack.pdf").status_code == 200
    assert signed_in.get("/pack").status_code == 200
    records = db.session.scalars(select(ExportRecord).order_by(ExportRecord.id)).all()
    assert [(r.kind, r.scope, r.count, r.actor_label) for r in records] == [
        ("html", "country:JM", 2, "viewer@example.org"),
        ("pdf", "area:disaster-response", 1, "viewer@example.org"),
        ("html", "all", 2, "viewer@example.org"),
    ]


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/countries/JM/pack.pdf", "incident-pack-JM-20261127T0430Z.pdf"),
        ("/areas/disaster-response/pack.pdf", "incident-pack-disaster-response-20261127T0430Z.pdf"),
        ("/pack.pdf", "incident-pack-all-20261127T0430Z.pdf"),
    ],
)
def test_the_pdf_is_a_download_with_a_dated_name(
    signed_in: FlaskClient, frozen: datetime, url: str, name: str
) -> None:
    office_hours_contact("Head of planning")
    response = signed_in.get(url)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == f'attachment; filename="{name}"'
    assert response.data.startswith(b"%PDF-")


@pytest.mark.parametrize(
    "url",
    [
        "/countries/XX/pack",
        "/countries/XX/pack.pdf",
        "/countries/J1/pack",
        "/countries/JAM/pack.pdf",
        "/areas/no-such-area/pack",
        "/areas/no-such-area/pack.pdf",
    ],
)
def test_unknown_states_and_areas_are_404_and_not_logged(signed_in: FlaskClient, url: str) -> None:
    assert signed_in.get(url).status_code == 404
    assert db.session.scalars(select(ExportRecord)).all() == []


@pytest.mark.parametrize("url", ["/pack", "/pack.pdf", "/countries/JM/pack", "/areas/x/pack.pdf"])
def test_signed_out_visitors_are_sent_to_sign_in(client: FlaskClient, users, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_the_page_keeps_the_strict_content_security_policy(
    signed_in: FlaskClient, frozen: datetime
) -> None:
    office_hours_contact("Head of planning")
    response = signed_in.get("/countries/JM/pack")
    assert response.headers["Content-Security-Policy"] == STRICT_CSP
    html = response.get_data(as_text=True)
    assert not re.search(r"\sstyle\s*=", html, flags=re.I)
    assert "<style" not in html.lower()
    assert re.findall(r"<script(?![^>]*\ssrc=)", html, flags=re.I) == []
    assert re.search(r"\son[a-z]+\s*=", html, flags=re.I) is None
    assert '<link rel="stylesheet" href="/static/css/pack.css">' in html
    with signed_in.get("/static/css/pack.css") as stylesheet:
        assert stylesheet.status_code == 200
        assert b"@media print" in stylesheet.data


@pytest.mark.parametrize(
    ("page", "printable", "pdf"),
    [
        ("/", "/pack", "/pack.pdf"),
        ("/countries/JM", "/countries/JM/pack", "/countries/JM/pack.pdf"),
        (
            "/areas/disaster-response",
            "/areas/disaster-response/pack",
            "/areas/disaster-response/pack.pdf",
        ),
    ],
)
def test_directory_pages_link_to_their_pack(
    signed_in: FlaskClient, page: str, printable: str, pdf: str
) -> None:
    html = signed_in.get(page).get_data(as_text=True)
    assert f'href="{pdf}"' in html
    assert f'href="{printable}"' in html
    assert "Incident pack (PDF)" in html


def test_page_label_is_split_around_the_two_counters() -> None:
    assert page_label_parts(f"Page {PAGE_MARK} of {PAGES_MARK}") == ("Page ", " of ", "")
    assert page_label_parts(f"Página {PAGE_MARK} de {PAGES_MARK}.") == ("Página ", " de ", ".")
    assert page_label_parts(f"{PAGES_MARK} pages, this is {PAGE_MARK}") == ("Page ", " of ", "")


def test_a_pdf_too_large_to_make_on_request_sends_to_the_printable_page(
    app: Flask, signed_in: FlaskClient
) -> None:
    for _ in range(3):
        create_contact(Actor.system("tests"), contact_data())
    app.config["PACK_PDF_MAX_CONTACTS"] = 2
    answer = signed_in.get("/countries/JM/pack.pdf")
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith("/countries/JM/pack")
    page = signed_in.get(answer.headers["Location"]).get_data(as_text=True)
    assert "3 contacts are too many for a PDF made on request (at most 2)" in page
    assert "flask packs pdf" in page
    kinds = [record.kind for record in db.session.scalars(select(ExportRecord))]
    assert "pdf" not in kinds


def test_flask_packs_pdf_makes_a_pack_of_any_size(app: Flask, runner, tmp_path) -> None:
    create_contact(Actor.system("tests"), contact_data())
    app.config["PACK_PDF_MAX_CONTACTS"] = 0  # the web limit does not apply
    target = tmp_path / "jamaica.pdf"
    result = runner.invoke(args=["packs", "pdf", "--country", "JM", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_bytes().startswith(b"%PDF")
    assert "1 contacts" in result.output
    log = list(db.session.scalars(select(ExportRecord)))
    assert [(r.kind, r.scope, r.actor_label) for r in log] == [("pdf", "country:JM", "cli")]
    missing = runner.invoke(args=["packs", "pdf", "--area", "nowhere", "-o", str(target)])
    assert missing.exit_code == 1
    assert "No area 'nowhere'" in missing.output
