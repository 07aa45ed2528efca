"""Read models for the pages: the coverage matrix, the listings by state and by area, a contact
with its history, and the plain database search."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask

from directory.extensions import db
from directory.models import Area, Contact, User
from directory.services.actors import Actor
from directory.services.browse import (
    EMPTY_CELL,
    Cell,
    Freshness,
    active_areas,
    alternates_of,
    area_contacts,
    contact_with_history,
    count_active_contacts,
    country_area_page,
    country_contacts,
    coverage_matrix,
    is_country_code,
    listed_contacts,
    member_states,
    simple_search,
)
from directory.services.contacts import (
    archive_contact,
    create_contact,
    update_contact,
    verify_contact,
)
from directory.services.validation import ChannelData
from tests.factories import contact_data

SYSTEM = Actor.system("tests")
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
DAYS = 180
OFFICE_PHONE = [ChannelData("phone", "876 906 9674", "Office")]  # not a 24/7 line


def jamaica(
    title: str,
    area: str = "disaster-response",
    verified_at: datetime | None = None,
    **changes: object,
) -> Contact:
    return create_contact(
        SYSTEM, contact_data(area=area, position_title=title, **changes), verified_at=verified_at
    )


def haiti(title: str, area: str = "disaster-response", **changes: object) -> Contact:
    values: dict[str, object] = {
        "organisation": "Direction de la Protection Civile",
        "time_zone": "America/Port-au-Prince",
        "city": "Port-au-Prince",
        "channels": [],
    }
    values.update(changes)
    return create_contact(SYSTEM, contact_data("HT", area, position_title=title, **values))


def days_ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


def area(slug: str) -> Area:
    return next(found for found in active_areas() if found.slug == slug)


def titles(contacts: list[Contact]) -> list[str]:
    return [contact.position_title for contact in contacts]


# --- reference lists -------------------------------------------------------------------------


def test_member_states_and_areas_in_their_order(app: Flask) -> None:
    states = member_states()
    assert len(states) == 35 and {"JM", "HT", "US"} <= {state.code for state in states}
    assert [found.slug for found in active_areas()] == [
        "disaster-response",
        "environmental-security",
        "transportation-security",
        "critical-infrastructure",
    ]


@pytest.mark.parametrize(
    ("code", "expected"), [("JM", True), ("jm", True), ("J", False), ("J1", False), ("ÉÉ", False)]
)
def test_is_country_code(code: str, expected: bool) -> None:
    assert is_country_code(code) is expected


# --- coverage matrix -------------------------------------------------------------------------


def test_the_coverage_matrix_counts_and_rates_each_cell(app: Flask) -> None:
    jamaica("Fresh 1", verified_at=days_ago(1))
    jamaica("Fresh 2", verified_at=days_ago(10))
    jamaica("Stale", "environmental-security", channels=OFFICE_PHONE, verified_at=days_ago(400))
    jamaica("Ageing", "transportation-security", verified_at=days_ago(150))  # past 3/4 of 180
    jamaica("Fresh", "critical-infrastructure", verified_at=days_ago(1))
    jamaica("Never verified", "critical-infrastructure")
    archive_contact(SYSTEM, haiti("Archived").public_id)

    matrix = coverage_matrix(NOW, DAYS)
    assert len(matrix.countries) == 35 and len(matrix.areas) == 4
    states = {state.code: state for state in matrix.countries}

    def cell(state_code: str, slug: str) -> Cell:
        return matrix.cell(states[state_code], area(slug))

    disaster = cell("JM", "disaster-response")
    assert (disaster.count, disaster.has_24_7, disaster.stale) == (2, True, 0)
    assert disaster.freshness is Freshness.FRESH
    environment = cell("JM", "environmental-security")
    assert (environment.count, environment.has_24_7, environment.stale) == (1, False, 1)
    assert environment.freshness is Freshness.STALE
    assert cell("JM", "transportation-security").freshness is Freshness.AGEING
    mixed = cell("JM", "critical-infrastructure")
    assert (mixed.count, mixed.stale, mixed.freshness) == (2, 1, Freshness.STALE)
    assert cell("HT", "disaster-response") == EMPTY_CELL  # archived entries do not count
    assert matrix.gaps == 35 * 4 - 4


def test_freshness_boundaries(app: Flask) -> None:
    jamaica("At the threshold", verified_at=days_ago(DAYS))
    jamaica("At three quarters", "environmental-security", verified_at=days_ago(DAYS * 3 / 4))
    jamaica("Just past", "transportation-security", verified_at=days_ago(DAYS + 0.001))
    matrix = coverage_matrix(NOW, DAYS)
    jm = next(state for state in matrix.countries if state.code == "JM")
    assert matrix.cell(jm, area("disaster-response")).freshness is Freshness.AGEING
    assert matrix.cell(jm, area("environmental-security")).freshness is Freshness.FRESH
    assert matrix.cell(jm, area("transportation-security")).freshness is Freshness.STALE


# --- listings --------------------------------------------------------------------------------


def test_active_contacts_are_counted_without_archived_ones(app: Flask) -> None:
    jamaica("One")
    haiti("Two")
    archive_contact(SYSTEM, jamaica("Old").public_id)
    assert count_active_contacts() == 2


def test_listed_contacts_in_calling_order(app: Flask) -> None:
    jamaica("JM env", "environmental-security")
    jamaica("JM second", rank=2)
    jamaica("JM first", rank=1)
    haiti("HT first")
    everyone = titles(list(db.session.scalars(listed_contacts())))
    assert everyone == ["HT first", "JM first", "JM second", "JM env"]
    one_area = listed_contacts("JM", area("disaster-response").id)
    assert titles(list(db.session.scalars(one_area))) == ["JM first", "JM second"]


def test_a_states_page_has_the_first_of_each_area_and_how_many_more(app: Flask) -> None:
    for rank in (3, 1, 2):
        jamaica(f"Disaster {rank}", rank=rank)
    jamaica("Environment", "environmental-security")
    archive_contact(SYSTEM, jamaica("Archived", "transportation-security").public_id)
    haiti("Haiti")

    found = country_contacts("jm", per_area=2)
    assert found is not None
    country, areas, listing = found
    assert country.code == "JM" and len(areas) == 4
    disaster, environment = area("disaster-response").id, area("environmental-security").id
    assert titles(listing.groups[disaster]) == ["Disaster 1", "Disaster 2"]
    assert listing.more(disaster) == 1
    assert titles(listing.groups[environment]) == ["Environment"]
    assert listing.more(environment) == 0
    transport = area("transportation-security").id
    assert listing.groups[transport] == [] and listing.more(transport) == 0


def test_no_states_page_for_what_is_not_a_member_state(app: Flask) -> None:
    for code in ("XX", "J", "JAM", "1A", ""):
        assert country_contacts(code, per_area=5) is None, code


def test_an_areas_page_has_every_state_and_the_first_of_each(app: Flask) -> None:
    for rank in (1, 2, 3):
        jamaica(f"JM {rank}")
    haiti("HT 1")
    haiti("HT env", "environmental-security")

    found = area_contacts("disaster-response", per_country=1)
    assert found is not None
    found_area, countries, listing = found
    assert found_area.slug == "disaster-response" and len(countries) == 35
    assert titles(listing.groups["JM"]) == ["JM 1"] and listing.more("JM") == 2
    assert titles(listing.groups["HT"]) == ["HT 1"] and listing.more("HT") == 0
    assert listing.groups["CU"] == [] and listing.more("CU") == 0


def test_no_areas_page_for_an_unknown_area(app: Flask) -> None:
    for slug in ("nowhere", "x" * 65, ""):
        assert area_contacts(slug, per_country=5) is None, slug


def test_one_state_and_area_a_page_at_a_time(app: Flask) -> None:
    for i in range(1, 6):
        jamaica(f"Post {i}")
    jamaica("Elsewhere", "environmental-security")
    found = country_area_page("jm", "disaster-response", page=3, per_page=2)
    assert found is not None
    country, found_area, page = found
    assert (country.code, found_area.slug) == ("JM", "disaster-response")
    assert titles(page.items) == ["Post 5"]
    assert (page.total, page.pages, page.page) == (5, 3, 3)


def test_no_state_and_area_page_for_unknown_ones(app: Flask) -> None:
    for code, slug in (("XX", "disaster-response"), ("JM", "nowhere"), ("J", "disaster-response")):
        assert country_area_page(code, slug, 1, 10) is None, (code, slug)


# --- one contact -----------------------------------------------------------------------------


def test_a_contact_comes_with_its_history_newest_first(users: dict[str, User]) -> None:
    contact = jamaica("Duty desk")
    update_contact(SYSTEM, contact.public_id, contact_data(city="Montego Bay"), 1)
    verify_contact(Actor.of(users["editor"]), contact.public_id)
    found = contact_with_history(contact.public_id)
    assert found is not None
    shown, history = found
    assert shown.public_id == contact.public_id
    assert [change.action for change in history] == ["verify", "update", "create"]
    assert history[0].actor_label == "editor.jm@example.org"


def test_no_contact_for_an_unknown_or_malformed_id(app: Flask) -> None:
    known = jamaica("Someone").public_id
    assert contact_with_history(known) is not None
    for public_id in ("abcdefghjkmn", "not an id", "", known.upper(), known + "x"):
        assert contact_with_history(public_id) is None, public_id


def test_alternates_are_the_other_active_entries_of_the_state_and_area(app: Flask) -> None:
    first = jamaica("First")
    jamaica("Second")
    archive_contact(SYSTEM, jamaica("Archived").public_id)
    jamaica("Third")
    jamaica("Other area", "environmental-security")
    haiti("Other state")
    assert titles(alternates_of(first)) == ["Second", "Third"]


# --- plain database search -------------------------------------------------------------------


def search_titles(query: str, per_page: int = 50) -> list[str]:
    return titles(simple_search(query, 1, per_page).items)


def test_every_word_must_match_somewhere(app: Flask) -> None:
    jamaica("Kingston desk")
    haiti("Desk Port-au-Prince", organisation="Direction générale")
    assert sorted(search_titles("desk")) == ["Desk Port-au-Prince", "Kingston desk"]
    assert search_titles("desk générale") == ["Desk Port-au-Prince"]
    assert search_titles("KINGSTON Desk") == ["Kingston desk"]
    assert search_titles("desk nowhere") == []


def test_state_and_area_names_in_any_language_and_phone_digits(app: Flask) -> None:
    jamaica("Kingston desk")
    haiti("Desk Port-au-Prince")
    jamaica("Environment desk", "environmental-security")
    assert search_titles("jamaica") == ["Kingston desk", "Environment desk"]
    assert search_titles("Jamaïque") == ["Kingston desk", "Environment desk"]
    assert search_titles("haiti") == ["Desk Port-au-Prince"]
    assert sorted(search_titles("defensa civil")) == ["Desk Port-au-Prince", "Kingston desk"]
    assert search_titles("876-906-9674") == ["Kingston desk", "Environment desk"]
    assert search_titles("jamaica haiti") == []


def test_like_wildcards_are_taken_literally(app: Flask) -> None:
    jamaica("Desk")
    for query in ("%", "_", "%%", "\\"):
        assert search_titles(query) == [], query


def test_archived_entries_are_not_found(app: Flask) -> None:
    archive_contact(SYSTEM, jamaica("Old desk").public_id)
    assert search_titles("desk") == []


def test_results_in_calling_order_a_page_at_a_time(app: Flask) -> None:
    for i in range(1, 6):
        jamaica(f"Officer {i}")
    haiti("Officer HT")
    first = simple_search("officer", 1, 4)
    assert titles(first.items) == ["Officer HT", "Officer 1", "Officer 2", "Officer 3"]
    assert (first.total, first.pages) == (6, 2)
    assert titles(simple_search("officer", 2, 4).items) == ["Officer 4", "Officer 5"]


def test_only_the_first_ten_words_count(app: Flask) -> None:
    jamaica("Officer")
    assert search_titles(" ".join(["officer"] * 10 + ["nowhere"])) == ["Officer"]
    assert search_titles(" ".join(["officer"] * 9 + ["nowhere"])) == []


def test_an_empty_query_finds_nothing(app: Flask) -> None:
    jamaica("Desk")
    for query in ("", "   "):
        found = simple_search(query, 3, 20)
        assert (found.items, found.total, found.page, found.per_page) == ([], 0, 1, 20)
