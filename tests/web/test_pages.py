from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from directory.extensions import db
from directory.models import Contact
from directory.services.actors import Actor
from directory.services.contacts import create_contact, update_contact
from directory.services.validation import ChannelData
from tests.factories import PASSWORD, contact_data

SYSTEM = Actor.system("tests")


def make_contacts(count: int, country: str = "JM") -> list[Contact]:
    areas = ["disaster-response", "environmental-security", "transportation-security"]
    return [
        create_contact(
            SYSTEM, contact_data(country=country, area=areas[i % 3], position_title=f"Officer {i}")
        )
        for i in range(count)
    ]


def test_home_shows_the_coverage_matrix(signed_in: FlaskClient) -> None:
    make_contacts(2)
    html = signed_in.get("/").get_data(as_text=True)
    rows = re.findall(r'<th scope="row">', html)
    assert len(rows) == 35
    assert len(re.findall(r'<td class="cell ', html)) == 35 * 4
    assert "Jamaica" in html and "Haiti" in html and "Disaster response" in html
    assert html.count('class="cell empty"') == 35 * 4 - 2
    assert 'href="/countries/JM#disaster-response"' in html


def test_matrix_cell_shows_count_24_7_and_freshness(signed_in: FlaskClient, app: Flask) -> None:
    old = datetime.now(UTC) - timedelta(days=400)
    create_contact(SYSTEM, contact_data(), verified_at=datetime.now(UTC))
    create_contact(SYSTEM, contact_data(), verified_at=datetime.now(UTC))
    create_contact(
        SYSTEM,
        contact_data(
            area="environmental-security", channels=[ChannelData("phone", "876 906 9674")]
        ),
        verified_at=old,
    )
    html = signed_in.get("/").get_data(as_text=True)
    fresh = re.search(
        r'<td class="cell fresh">\s*<a href="/countries/JM#disaster-response"'
        r'[^>]*>\s*<span class="count">2</span>\s*<span class="badge badge-24">',
        html,
    )
    assert fresh, "two fresh contacts with a 24/7 line"
    stale = re.search(
        r'<td class="cell stale">\s*<a href="/countries/JM#environmental-security"'
        r'[^>]*>\s*<span class="count">1</span>\s*</a>',
        html,
    )
    assert stale, "one stale contact, no 24/7 line"


def test_country_page_groups_by_area_in_calling_order(signed_in: FlaskClient) -> None:
    create_contact(SYSTEM, contact_data(position_title="Second in line", rank=2))
    create_contact(SYSTEM, contact_data(position_title="First in line", rank=1))
    html = signed_in.get("/countries/jm").get_data(as_text=True)
    assert html.index("First in line") < html.index("Second in line")
    assert html.index('id="disaster-response"') < html.index("First in line")
    assert html.index("Second in line") < html.index('id="environmental-security"')
    assert "No point of contact named for this area yet." in html
    assert 'href="tel:+18769069674"' in html
    assert 'href="mailto:duty@odpem.jm.example.org"' in html


def test_area_page_lists_every_state(signed_in: FlaskClient) -> None:
    make_contacts(1, "JM")
    create_contact(
        SYSTEM,
        contact_data(
            country="HT",
            time_zone="America/Port-au-Prince",
            channels=[],
            position_title="Centre d'opérations",
        ),
    )
    html = signed_in.get("/areas/disaster-response").get_data(as_text=True)
    assert len(re.findall(r'<section id="[A-Z]{2}" class="area-section">', html)) == 35
    assert "Centre d&#39;opérations" in html and "Officer 0" in html


def test_contact_page_shows_every_field_and_history(signed_in: FlaskClient, app: Flask) -> None:
    contact = create_contact(
        SYSTEM,
        contact_data(
            holder_honorific="Dr.",
            unit="NEOC",
            postal_address="2-4 Haining Road\nKingston 5",
            notes="Ask for the duty officer",
            nomination_reference="Note verbale 2025-114",
            languages=["en", "es"],
            channels=[
                ChannelData("phone", "+1 876 906 9674", "Duty line", True),
                ChannelData("email", "duty@odpem.jm.example.org", "Duty desk"),
                ChannelData("fax", "+1 876 754 9000", "Fax"),
                ChannelData("radio", "HF 7.850 MHz", "Radio"),
                ChannelData("website", "https://odpem.jm.example.org/", "Web"),
            ],
        ),
    )
    update_contact(SYSTEM, contact.public_id, contact_data(city="Spanish Town", channels=[]), 1)
    html = signed_in.get(f"/contacts/{contact.public_id}").get_data(as_text=True)
    for text in (
        "Zoë O&#39;Neil",
        "24/7 duty officer",
        "Kingston 5",
        "Spanish Town",
        "NEOC",
        "America/Jamaica",
        "Never",
        "edited",
        "created",
    ):
        assert text in html, text
    # the edit shows what changed from what to what
    assert re.search(r"City</span>:\s*<del>Kingston</del> → <ins>Spanish Town</ins>", html)
    html_v1 = signed_in.get(f"/contacts/{contact.public_id}").get_data(as_text=True)
    assert "version 2" in html_v1


def test_contact_page_links_phone_and_mail(signed_in: FlaskClient) -> None:
    contact = create_contact(SYSTEM, contact_data())
    html = signed_in.get(f"/contacts/{contact.public_id}").get_data(as_text=True)
    assert '<a class="tel" href="tel:+18769069674">+1 876-906-9674</a>' in html
    assert 'href="mailto:duty@odpem.jm.example.org"' in html


@pytest.mark.parametrize(
    ("frozen", "expected"),
    [
        # 14:00 UTC on a Wednesday is 09:00 in Kingston (UTC-5): open.
        (datetime(2026, 11, 25, 14, 0, tzinfo=UTC), "Open now, until 17:00 local time."),
        # 23:00 UTC on Friday is 18:00 in Kingston: closed until Monday 08:00.
        (datetime(2026, 11, 27, 23, 0, tzinfo=UTC), "Closed now; opens Mon 08:00 local time."),
    ],
)
def test_contact_page_shows_local_time_and_reachability(
    signed_in: FlaskClient, app: Flask, frozen: datetime, expected: str
) -> None:
    contact = create_contact(
        SYSTEM, contact_data(channels=[ChannelData("phone", "+1 876 906 9674", "Office")])
    )
    app.config["FROZEN_NOW"] = frozen
    html = signed_in.get(f"/contacts/{contact.public_id}").get_data(as_text=True)
    assert expected in html
    local = frozen.astimezone(__import__("zoneinfo").ZoneInfo("America/Jamaica"))
    assert local.strftime("%H:%M") in html


@pytest.mark.parametrize(
    "url",
    [
        "/countries/XX",
        "/countries/FR",
        "/countries/j",
        "/countries/%00%01",
        "/areas/nothing",
        "/areas/" + "a" * 300,
        "/contacts/zzzzzzzzzzzz",
        "/contacts/not-an-id",
        "/contacts/%F0%9F%94%A5",
        "/contacts/..%2f..%2fetc",
        "/no/such/page",
    ],
)
def test_unknown_and_malformed_addresses_are_404(signed_in: FlaskClient, url: str) -> None:
    response = signed_in.get(url)
    assert response.status_code == 404
    assert "There is nothing at this address" in response.get_data(as_text=True)


def test_server_error_page_shows_no_internals(app: Flask, client: FlaskClient, users) -> None:
    @app.route("/boom")
    def boom():
        raise RuntimeError("secret internal detail /srv/app.py line 42")

    client.post("/login", data={"email": "viewer@example.org", "password": PASSWORD})
    response = client.get("/boom")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong on our side" in body
    assert "secret internal detail" not in body and "Traceback" not in body


def test_home_and_country_page_queries_do_not_grow_with_contacts(
    signed_in: FlaskClient,
    count_queries,
    app: Flask,
) -> None:
    def measure(url: str) -> int:
        db.session.remove()
        count_queries.statements.clear()
        assert signed_in.get(url).status_code == 200
        return count_queries.count

    make_contacts(3)
    urls = ("/", "/countries/JM", "/areas/disaster-response", "/countries/JM/disaster-response")
    for url in urls:  # the member states and areas are read once per process
        measure(url)
    small = {url: measure(url) for url in urls}
    make_contacts(60)
    make_contacts(20, country="HT")
    large = {url: measure(url) for url in urls}
    assert small == large
    assert large["/"] <= 5


def test_simple_search_finds_and_paginates(signed_in: FlaskClient, app: Flask) -> None:
    app.config["SEARCH_RESULTS_PER_PAGE"] = 5
    make_contacts(12)
    first = signed_in.get("/search?q=officer").get_data(as_text=True)
    assert "12 contacts match" in first and "Page 1 of 3" in first
    assert signed_in.get("/search?q=100%25_%5C").status_code == 200
    assert "0 contacts match" in signed_in.get("/search?q=%25").get_data(as_text=True)
    long = signed_in.get("/search?q=" + "x" * 5000).get_data(as_text=True)
    assert "shortened to 200 characters" in long


def test_pages_are_readable_on_a_phone(signed_in: FlaskClient) -> None:
    html = signed_in.get("/").get_data(as_text=True)
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    with signed_in.get("/static/css/site.css") as response:
        css = response.get_data(as_text=True)
    assert "@media (max-width: 40rem)" in css
    assert "http://" not in html.replace("http://localhost", "") and "https://" not in html


def test_long_groups_are_cut_with_a_link_to_the_full_listing(
    signed_in: FlaskClient, app: Flask
) -> None:
    app.config["CONTACTS_PER_PAGE"] = 10
    for i in range(27):
        create_contact(SYSTEM, contact_data(position_title=f"Post {i:02d}"))
    country = signed_in.get("/countries/JM").get_data(as_text=True)
    assert country.count('class="card contact-card') == 25
    assert "Post 24" in country and "Post 25" not in country
    assert "Show all 27 contacts (2 more)" in country
    area = signed_in.get("/areas/disaster-response").get_data(as_text=True)
    assert "Post 04" in area and "Post 05" not in area
    assert "Show all 27 contacts (22 more)" in area
    last = signed_in.get("/countries/JM/disaster-response?page=3").get_data(as_text=True)
    assert "Post 26" in last and "Post 19" not in last and "Page 3 of 3" in last
    past_the_end = signed_in.get("/countries/JM/disaster-response?page=4").get_data(as_text=True)
    assert "Page 3 of 3" in past_the_end  # a page past the last one is the last one
    assert signed_in.get("/countries/JM/disaster-response?page=-1").status_code == 200
    assert signed_in.get("/countries/JM/nothing").status_code == 404
    assert signed_in.get("/countries/XX/disaster-response").status_code == 404


def test_simple_search_knows_state_and_area_names_and_phone_digits(
    signed_in: FlaskClient,
) -> None:
    create_contact(SYSTEM, contact_data(position_title="Kingston desk"))
    create_contact(
        SYSTEM,
        contact_data(
            country="HT",
            time_zone="America/Port-au-Prince",
            channels=[],
            position_title="Desk Port-au-Prince",
            organisation="Direction de la Protection Civile",
        ),
    )

    def found(query: str) -> str:
        return signed_in.get("/search", query_string={"q": query}).get_data(as_text=True)

    assert "1 contact matches" in found("jamaica")
    assert "1 contact matches" in found("Jamaïque")
    assert "1 contact matches" in found("haiti")  # Haïti, accents aside
    assert "2 contacts match" in found("defensa civil")  # a synonym of disaster response
    assert "1 contact matches" in found("876-906-9674")
    assert "0 contacts match" in found("jamaica haiti")


def test_a_24_7_line_makes_a_closed_office_reachable(signed_in: FlaskClient, app: Flask) -> None:
    office_only = create_contact(
        SYSTEM, contact_data(channels=[ChannelData("phone", "+1 876 906 9674", "Office")])
    )
    with_duty_line = create_contact(SYSTEM, contact_data())  # its phone is 24/7
    app.config["FROZEN_NOW"] = datetime(2026, 11, 29, 3, 0, tzinfo=UTC)  # Sat 22:00 in Kingston
    closed = signed_in.get(f"/contacts/{office_only.public_id}").get_data(as_text=True)
    assert "Closed now" in closed and "Reachable now" not in closed
    duty = signed_in.get(f"/contacts/{with_duty_line.public_id}").get_data(as_text=True)
    assert "Reachable now" in duty and "The 24/7 line answers at any hour." in duty


def test_history_reads_channels_and_hours_as_people_write_them(signed_in: FlaskClient) -> None:
    contact = create_contact(SYSTEM, contact_data())
    update_contact(
        SYSTEM,
        contact.public_id,
        contact_data(
            channels=[ChannelData("mobile", "876 881 2345", "Duty mobile", True)],
            hours=[{"days": [0, 1, 2, 3], "opens": "08:00", "closes": "16:30"}],
            is_vacant=False,
        ),
        1,
    )
    html = signed_in.get(f"/contacts/{contact.public_id}").get_data(as_text=True)
    assert "Mobile: +1 876-881-2345 (Duty mobile) · 24/7" in html
    assert "Mon–Thu 08:00–16:30" in html
    assert "[{" not in html and "&#39;kind&#39;" not in html


def test_simple_search_forgives_a_misspelt_state_name(signed_in: FlaskClient) -> None:
    create_contact(SYSTEM, contact_data(position_title="Kingston desk"))
    html = signed_in.get("/search", query_string={"q": "jamiaca"}).get_data(as_text=True)
    assert "1 contact matches" in html


def test_strict_transport_security_over_https_only(app_with) -> None:
    """Production sends HSTS on answers over HTTPS, also when a proxy says so; never on HTTP."""
    proxied = app_with(HSTS_SECONDS=31536000, PROXY_COUNT=1).test_client()
    over_https = proxied.get("/login", headers={"X-Forwarded-Proto": "https"})
    assert over_https.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert "Strict-Transport-Security" not in proxied.get("/login").headers
    direct = app_with(HSTS_SECONDS=31536000).test_client()
    assert "Strict-Transport-Security" in direct.get("/login", base_url="https://localhost").headers
    off = app_with(HSTS_SECONDS=0).test_client()
    assert (
        "Strict-Transport-Security" not in off.get("/login", base_url="https://localhost").headers
    )


def test_production_sends_hsts_by_default() -> None:
    from config import Config, ProductionConfig

    assert Config.HSTS_SECONDS == 0 and ProductionConfig.HSTS_SECONDS >= 180 * 24 * 3600
