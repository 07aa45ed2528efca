"""The search page and the search API, on an app whose search index is turned on."""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import Markup

from directory.extensions import db
from directory.models import Contact
from directory.queries.highlight import highlight
from directory.services.actors import Actor
from directory.services.contacts import create_contact
from directory.services.validation import ChannelData
from tests.factories import PASSWORD, contact_data

SYSTEM = Actor.system("tests")
SATURDAY_NIGHT_IN_KINGSTON = datetime(2026, 11, 29, 3, 0, tzinfo=UTC)  # Sat 22:00 local
HOSTILE = [
    '"duty officer',
    "duty)",
    "((duty]",
    "[a TO z]",
    "{duty}",
    "*",
    "?",
    "~",
    "du*y",
    "dut?",
    "duty~2",
    "duty^4",
    "AND",
    "duty AND OR NOT officer",
    "NOT duty",
    "position_title:duty",
    "country:JM",
    "id:*",
    "\x00\x01\x02duty\x1b[31m",
    "\u200b\u200e\u202e",
    "🚑🔥",
    "duty 🚑",
    "مركز العمليات",
    "מוקד חירום",
    "\u202eytud",
    "%",
    "100%_\\",
    "'; DROP TABLE contacts; --",
    "<script>alert(1)</script>",
    "&lt;b&gt;",
    "a b c d e f g h i j k l",
    "x" * 500,
    "é" * 300,
    "duty " * 50,
    "   ",
    "-",
    "+1 (876) 906-9674",
    "0" * 200,
    "d" * 100_000,
]
MESSAGES = (
    "match",  # "3 contacts match …", "0 contacts match …"
    "Type letters or digits to search.",
    "Type a name, a post",  # the prompt of an empty search
)


def office_only(**changes: object) -> dict:
    """A contact without any 24/7 line: closed outside office hours."""
    return {"channels": [ChannelData("phone", "+1 876 906 9674", "Office")], **changes}


@pytest.fixture
def search_app(app_with, users, tmp_path: Path) -> Iterator[Flask]:
    """An app like the others, with its own search index; contacts made in it are indexed."""
    other = app_with(SEARCH_INDEX_DIR=str(tmp_path / "index"))
    with other.app_context():
        yield other
        db.session.remove()


def sign_in(app: Flask) -> FlaskClient:
    client = app.test_client()
    response = client.post("/login", data={"email": "viewer@example.org", "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


@pytest.fixture
def viewer(search_app: Flask) -> FlaskClient:
    return sign_in(search_app)


def page(client: FlaskClient, **params: object) -> str:
    response = client.get("/search", query_string=params)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def facet(html: str, param: str, value: str) -> int | None:
    """The count beside a filter value not chosen yet; 0 without a count, None if not offered."""
    for link in re.finditer(
        r'<a href="([^"]+)"[^>]*>.*?</a>\s*(?:<span class="facet-count">(\d+))?', html, re.S
    ):
        query = parse_qs(urlsplit(link.group(1).replace("&amp;", "&")).query)
        if query.get(param) == [value] and "/search" in link.group(1):
            return int(link.group(2)) if link.group(2) else 0
    return None


def wait_for_background_rebuilds() -> None:
    for thread in threading.enumerate():
        if thread.name == "search-rebuild":
            thread.join(timeout=30)


# --- the highlighter ---------------------------------------------------------------------------


def test_highlight_marks_folded_prefixes_and_escapes_the_rest() -> None:
    marked = highlight("<b>Protección</b> Civil & Co", ["proteccion"])
    assert isinstance(marked, Markup)
    assert marked == "&lt;b&gt;<mark>Protección</mark>&lt;/b&gt; Civil &amp; Co"
    assert highlight("Protección civil", ["prot"]) == "<mark>Protección</mark> civil"
    assert highlight("Jamaica", [], {"jamaica"}) == "<mark>Jamaica</mark>"
    assert highlight("Zoë O'Neil", ["oneil"]) == "Zoë <mark>O&#39;Neil</mark>"
    assert highlight("Zoë O'Neil", ["neil"]) == "Zoë O&#39;<mark>Neil</mark>"
    assert highlight("a bay", ["a"]) == "<mark>a</mark> bay", "one letter: whole words only"
    assert highlight("<script>", []) == "&lt;script&gt;"
    assert highlight(None, ["x"]) == ""


def test_highlight_cannot_be_tricked_into_markup() -> None:
    script = "<script>alert('x')</script>"
    marked = highlight(script, ["script", "alert"])
    assert "<script" not in marked and "</script" not in marked
    assert marked == (
        "&lt;<mark>script</mark>&gt;<mark>alert</mark>(&#39;x&#39;)&lt;/<mark>script</mark>&gt;"
    )
    # Text that is already markup is read as the text it shows, then escaped again.
    assert highlight(Markup("&lt;script&gt;"), ["lt", "script"]) == "&lt;<mark>script</mark>&gt;"
    assert highlight("mark> <mark", ["mark"]) == "<mark>mark</mark>&gt; &lt;<mark>mark</mark>"


# --- the page ------------------------------------------------------------------------------------


def test_a_folded_query_highlights_the_accented_word(viewer: FlaskClient) -> None:
    create_contact(
        SYSTEM,
        contact_data(
            organisation="Oficina Nacional de Protección Civil",
            position_title="Jefa de Operaciones",
            holder_given_name="Inés",
            holder_family_name="Martínez",
        ),
    )
    html = page(viewer, q="proteccion")
    assert "1 contact matches “proteccion”." in html
    assert "Oficina Nacional de <mark>Protección</mark> Civil" in html
    assert "<mark>Jefa</mark>" not in html
    as_typed = page(viewer, q="MARTINEZ jef")  # capitals, no accent, an unfinished word
    assert "<mark>Martínez</mark>" in as_typed and "<mark>Jefa</mark> de Operaciones" in as_typed
    assert 'value="MARTINEZ jef"' in as_typed, "the header box shows the search"


def test_each_result_shows_what_a_caller_needs(viewer: FlaskClient, search_app: Flask) -> None:
    create_contact(
        SYSTEM,
        contact_data(position_title="Duty desk", holder_given_name="", holder_family_name=""),
    )
    create_contact(
        SYSTEM,
        contact_data(
            position_title="Duty coordinator",
            holder_given_name="",
            holder_family_name="",
            is_vacant=True,
            rank=2,
        ),
    )
    create_contact(SYSTEM, contact_data(**office_only(position_title="Duty analyst", rank=3)))
    search_app.config["FROZEN_NOW"] = SATURDAY_NIGHT_IN_KINGSTON
    html = page(viewer, q="duty")
    assert "3 contacts match" in html
    assert '<p class="holder holder-desk">Functional desk</p>' in html
    assert '<p class="holder holder-vacant">Vacant post</p>' in html
    assert "Office of Disaster Preparedness, Jamaica" in html
    assert '<a href="/countries/JM">Jamaica</a>' in html
    assert '<a href="/areas/disaster-response">Disaster response</a>' in html
    assert 'href="tel:+18769069674"' in html
    assert html.count("Reachable now</span>") == 2 and html.count("Closed now</span>") == 1
    assert html.count("badge-stale") == 3, "never verified: stale"


def test_links_follow_the_path_the_directory_is_served_under(viewer: FlaskClient) -> None:
    create_contact(SYSTEM, contact_data(position_title="Duty desk"))
    at_root = page(viewer, q="duty")  # the links are made here first, then kept
    below = viewer.get(
        "/search", query_string={"q": "duty"}, base_url="http://localhost/directory"
    ).get_data(as_text=True)
    assert '<a href="/countries/JM">Jamaica</a>' in at_root
    assert '<a href="/directory/countries/JM">Jamaica</a>' in below
    assert 'href="/directory/contacts/' in below and 'href="/contacts/' not in below
    assert 'href="/directory/search?q=duty&amp;' in below, "the filters too"


def test_filters_narrow_the_results_and_show_counts(viewer: FlaskClient) -> None:
    create_contact(SYSTEM, contact_data(position_title="Duty officer A"))
    create_contact(SYSTEM, contact_data(position_title="Duty officer B", languages=["en", "fr"]))
    create_contact(
        SYSTEM,
        contact_data(area="environmental-security", **office_only(position_title="Duty officer C")),
    )
    create_contact(
        SYSTEM,
        contact_data(
            country="HT",
            time_zone="America/Port-au-Prince",
            channels=[],
            languages=["fr", "ht"],
            position_title="Duty officer D",
            organisation="Direction de la Protection Civile",
        ),
    )
    everything = page(viewer, q="duty officer")
    assert "4 contacts match" in everything
    assert facet(everything, "country", "JM") == 3
    assert facet(everything, "country", "HT") == 1
    assert facet(everything, "country", "BR") is None, "a state with no result is not offered"
    assert facet(everything, "area", "disaster-response") == 3
    assert facet(everything, "area", "environmental-security") == 1
    assert facet(everything, "language", "fr") == 2
    assert facet(everything, "language", "ht") == 1
    assert facet(everything, "only_24_7", "1") == 2
    assert ">Haitian<" in everything or ">Haitian Creole<" in everything, "language names"

    jamaica = page(viewer, q="duty officer", country="JM")
    assert "3 contacts match" in jamaica and "Duty officer D" not in jamaica
    assert facet(jamaica, "area", "environmental-security") == 1
    # the filter link kept the words; the chip removes the filter and keeps them too
    assert 'href="/search?q=duty+officer&amp;country=JM&amp;area=environmental-security"' in jamaica
    chip = re.search(r'<a class="chip" href="([^"]+)">Jamaica', jamaica)
    assert chip and chip.group(1) == "/search?q=duty+officer"
    assert '<input type="hidden" name="country" value="JM">' in jamaica, "the header box keeps it"

    assert "1 contact matches" in page(
        viewer, q="duty officer", country="JM", area="environmental-security"
    )
    assert "2 contacts match" in page(viewer, q="duty", language="fr")
    assert "2 contacts match" in page(viewer, q="duty", only_24_7="1")
    assert "1 contact matches these filters." in page(viewer, country="HT")


def test_reachable_now_follows_the_clock(viewer: FlaskClient, search_app: Flask) -> None:
    create_contact(SYSTEM, contact_data(position_title="Duty line"))  # a 24/7 phone
    create_contact(SYSTEM, contact_data(**office_only(position_title="Office hours")))
    search_app.config["FROZEN_NOW"] = SATURDAY_NIGHT_IN_KINGSTON
    night = page(viewer, q="jamaica", reachable_now="1")
    assert "1 contact matches" in night and "Duty line" in night and "Office hours" not in night
    search_app.config["FROZEN_NOW"] = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)  # Mon 10:00
    assert "2 contacts match" in page(viewer, q="jamaica", reachable_now="1")


def test_unknown_filter_values_are_ignored(viewer: FlaskClient) -> None:
    create_contact(SYSTEM, contact_data())
    for params in (
        {"country": "ZZ"},
        {"country": "JMX"},
        {"country": "<b>"},
        {"area": "nothing"},
        {"area": "x" * 5000},
        {"language": "xx"},
        {"language": "english"},
        {"only_24_7": "maybe"},
        {"reachable_now": "0"},
        {"page": "-3"},
        {"page": "1e9"},
        {"page": "99999999999999999999"},
    ):
        html = page(viewer, q="duty", **params)
        assert "1 contact matches" in html, params
        assert 'class="chip"' not in html, params


def test_an_empty_search_prompts_with_examples(viewer: FlaskClient) -> None:
    html = page(viewer)
    assert "Type a name, a post, an organisation" in html
    assert 'href="/search?q=Jamaica"' in html
    assert facet(html, "country", "JM") == 0, "every state offered, without counts"


def test_pagination_keeps_the_words_and_the_filters(viewer: FlaskClient, search_app: Flask) -> None:
    search_app.config["SEARCH_RESULTS_PER_PAGE"] = 2
    for i in range(5):
        create_contact(SYSTEM, contact_data(position_title=f"Officer {i}", rank=i + 1))
    create_contact(SYSTEM, contact_data(area="environmental-security", position_title="Officer x"))
    first = page(viewer, q="officer", area="disaster-response", only_24_7="1")
    assert "5 contacts match" in first and "Page 1 of 3" in first
    following = re.search(r'<a rel="next" href="([^"]+)"', first)
    assert following
    address = following.group(1).replace("&amp;", "&")
    assert parse_qs(urlsplit(address).query) == {
        "q": ["officer"],
        "area": ["disaster-response"],
        "only_24_7": ["1"],
        "page": ["2"],
    }
    second = viewer.get(address).get_data(as_text=True)
    assert "Page 2 of 3" in second and "5 contacts match" in second
    shown = re.findall(r"<mark>Officer</mark> (\w)</a>", second)
    assert shown == ["2", "3"], "the second page, in calling order"
    past_the_end = page(viewer, q="officer", area="disaster-response", page="40")
    assert "Page 3 of 3" in past_the_end and "<mark>Officer</mark> 4" in past_the_end


def test_the_fragment_is_only_the_results(viewer: FlaskClient) -> None:
    create_contact(SYSTEM, contact_data())
    full = page(viewer, q="duty")
    assert re.search(r'<div id="search-results" class="search-results" aria-live="polite"', full)
    assert '<script src="/static/js/search.js" defer></script>' in full
    assert not re.search(r"<script(?![^>]*\bsrc=)", full), "no inline script (CSP)"
    assert not re.search(r"\sstyle=", full), "no inline style (CSP)"
    fragment = page(viewer, q="duty", partial="1")
    assert "<html" not in fragment and "site-header" not in fragment and "<main" not in fragment
    assert 'id="search-results"' not in fragment, "the page keeps its live region"
    assert "1 contact matches" in fragment and "<mark>duty</mark>" in fragment
    assert 'class="search-filters"' in fragment
    preview = page(viewer, q="duty", partial="1", preview="1")
    assert "See all results and filters" in preview and 'href="/search?q=duty"' in preview
    assert 'class="search-filters"' not in preview


def test_the_home_hero_is_a_search_form_with_a_script(viewer: FlaskClient) -> None:
    html = viewer.get("/").get_data(as_text=True)
    hero = re.search(r'<form class="search-hero".*?</form>', html, re.S)
    assert hero
    assert 'action="/search"' in hero.group(0) and 'name="q"' in hero.group(0)
    assert 'data-search-preview="hero-results"' in hero.group(0)
    assert '<script src="/static/js/search.js" defer></script>' in hero.group(0)
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    script = viewer.get("/static/js/search.js")
    assert script.status_code == 200 and b"AbortController" in script.data
    script.close()


def test_hostile_input_gets_an_answer_quickly(viewer: FlaskClient) -> None:
    create_contact(SYSTEM, contact_data())
    slowest = 0.0
    for text in HOSTILE:
        started = time.perf_counter()
        response = viewer.get("/search", query_string={"q": text})
        elapsed = time.perf_counter() - started
        slowest = max(slowest, elapsed)
        assert response.status_code == 200, repr(text[:40])
        assert elapsed < 2.0, f"{text[:40]!r} took {elapsed:.2f} s"
        html = response.get_data(as_text=True)
        assert any(message in html for message in MESSAGES), repr(text[:40])
        assert "<script>alert" not in html
        partial = viewer.get("/search", query_string={"q": text, "partial": "1"})
        assert partial.status_code == 200, repr(text[:40])
        api = viewer.get("/api/v1/search", query_string={"q": text})
        assert api.status_code == 200 and "total" in api.json, repr(text[:40])
    long = page(viewer, q="d" * 100_000)
    assert "Your search was long and has been shortened to 200 characters." in long
    assert 'value="' + "d" * 200 + '"' in long
    many = page(viewer, q="a b c d e f g h i j k l")
    assert "Only the first 8 words were used." in many
    assert "Type letters or digits to search." in page(viewer, q="🚑🔥")


# --- the API -----------------------------------------------------------------------------------


def test_the_api_search_returns_json_with_facets(viewer: FlaskClient, search_app: Flask) -> None:
    contact = create_contact(SYSTEM, contact_data())
    create_contact(
        SYSTEM, contact_data(area="environmental-security", **office_only(position_title="Warden"))
    )
    response = viewer.get("/api/v1/search?q=duty&country=JM&area=nothing")
    assert response.status_code == 200 and response.is_json
    body = response.json
    assert body["query"] == "duty" and body["filters"]["country"] == "JM"
    assert body["filters"]["area"] == "", "an unknown area is ignored"
    assert (body["total"], body["page"], body["pages"], body["message"], body["degraded"]) == (
        1,
        1,
        1,
        "",
        False,
    )
    assert body["facets"]["country"] == {"JM": 1}
    assert body["facets"]["area"] == {"disaster-response": 1}
    assert body["facets"]["round_the_clock"] == {"yes": 1}
    (result,) = body["results"]
    assert result["public_id"] == contact.public_id and result["version"] == 1
    assert result["url"].endswith(f"/contacts/{contact.public_id}")
    assert result["highlights"]["position_title"] == "24/7 <mark>duty</mark> officer"
    assert result["channels"][0]["value"] == "+18769069674"

    result = search_app.test_cli_runner().invoke(
        args=["users", "token", "viewer@example.org", "--label", "tests"]
    )
    assert result.exit_code == 0, result.output
    bearer = {"Authorization": f"Bearer {result.output.strip()}"}
    by_token = search_app.test_client().get("/api/v1/search?q=jamaica&per_page=1", headers=bearer)
    assert by_token.status_code == 200
    assert (by_token.json["total"], by_token.json["pages"], len(by_token.json["results"])) == (
        2,
        2,
        1,
    )


def test_the_api_search_needs_sign_in(search_app: Flask) -> None:
    create_contact(SYSTEM, contact_data())
    response = search_app.test_client().get("/api/v1/search?q=duty")
    assert response.status_code == 401 and response.is_json
    assert response.json["error"]["status"] == 401
    assert "duty" not in response.get_data(as_text=True)
    page_response = search_app.test_client().get("/search?q=duty")
    assert page_response.status_code == 302 and "/login" in page_response.headers["Location"]


# --- when the index is not usable ----------------------------------------------------------------


# Whoosh leaves the file it refused open; the logged traceback keeps it alive until pytest drops
# the captured log records, so the warning about it comes at this test's teardown.
@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_broken_index_answers_from_the_database(
    signed_in: FlaskClient,
    app_with,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    create_contact(SYSTEM, contact_data(position_title="Duty officer"))
    folder = tmp_path / "broken-index"
    folder.mkdir()
    (folder / "_MAIN_1.toc").write_bytes(os.urandom(512))
    broken = app_with(SEARCH_INDEX_DIR=str(folder))
    # Signed in before the copy: signing in writes, and a write would find the garbage first.
    client = broken.test_client()
    client.set_cookie("session", signed_in.get_cookie("session").value)
    try:
        response = client.get("/search?q=duty+officer")
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        notice = "The search index is being rebuilt: these results come from a simpler search."
        assert notice in html
        assert "1 contact matches" in html and "<mark>Duty</mark> <mark>officer</mark>" in html
        api = client.get("/api/v1/search?q=duty")
        assert api.status_code == 200 and api.json["total"] == 1
    finally:
        wait_for_background_rebuilds()  # it opens the database: let it finish before teardown
    assert "search index unusable" in caplog.text, "the failure is logged"


def test_search_turned_off_answers_from_the_database_without_a_notice(
    signed_in: FlaskClient,
) -> None:
    create_contact(SYSTEM, contact_data())
    html = signed_in.get("/search?q=duty").get_data(as_text=True)
    assert "1 contact matches" in html and "<mark>duty</mark>" in html
    assert "being rebuilt" not in html
    assert 'class="search-filters"' not in html, "filters need the index"
    only_filters = signed_in.get("/search?country=JM").get_data(as_text=True)
    assert "Type a name, a post" in only_filters and 'class="chip"' not in only_filters


# --- stored text is shown as text -----------------------------------------------------------------


def test_a_stored_script_is_shown_escaped(viewer: FlaskClient) -> None:
    contact = create_contact(
        SYSTEM,
        contact_data(
            holder_given_name="<script>alert('x')</script>", holder_family_name="Scriptwriter"
        ),
    )
    html = page(viewer, q="script")
    assert "<script>alert" not in html and "</script>Scriptwriter" not in html
    assert "&lt;<mark>script</mark>&gt;alert(&#39;x&#39;)&lt;/<mark>script</mark>&gt;" in html
    assert "<mark>Scriptwriter</mark>" in html
    api = viewer.get("/api/v1/search?q=script").json
    holder = api["results"][0]["highlights"]["holder_name"]
    assert "<script" not in holder and "&lt;<mark>script</mark>&gt;" in holder
    assert db.session.get(Contact, contact.id) is not None
