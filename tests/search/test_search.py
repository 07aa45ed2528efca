"""Searching the demo directory (and a few contacts made for the examples) through the index."""

from __future__ import annotations

import dataclasses
from collections import Counter
from datetime import UTC, datetime

import pytest
from flask import Flask
from sqlalchemy import func, select

from directory.extensions import db
from directory.models import Change, Contact, ContactStatus
from directory.models.hours import availability
from directory.projections.follower import cursor_of
from directory.projections.search import phones
from directory.projections.search.projection import check_index, index_for_app
from directory.projections.search.storage import cursor_name
from directory.projections.search.view import MAX_PREFIX_TERMS
from directory.queries.search import SearchQuery, SearchResults, search_contacts
from directory.search.views import EXAMPLES
from directory.services.actors import Actor
from directory.services.browse import simple_search
from directory.services.contacts import (
    archive_contact,
    create_contact,
    data_from_snapshot,
    public_id_from_key,
    restore_contact,
    snapshot,
    update_contact,
)
from directory.text import fold, words
from tests.search.support import EXTRAS

NOW = datetime(2025, 3, 12, 15, 0, tzinfo=UTC)  # a Wednesday afternoon in the Americas
NIGHT = datetime(2025, 3, 16, 7, 30, tzinfo=UTC)  # a Sunday, before dawn in the Americas


def search(text: str = "", now: datetime = NOW, **filters: object) -> SearchResults:
    return index_for_app().search(SearchQuery(text=text, per_page=1000, **filters), now)


def ids(results: SearchResults) -> list[str]:
    return [contact.public_id for contact in results.contacts]


def active(*conditions: object) -> list[Contact]:
    return list(
        db.session.scalars(
            select(Contact).where(Contact.status == ContactStatus.ACTIVE.value, *conditions)
        )
    )


def public_ids(contacts: list[Contact]) -> set[str]:
    return {contact.public_id for contact in contacts}


def demo_id(key: str) -> str:
    return public_id_from_key(key)


# --- the examples of the issue ------------------------------------------------------------------


@pytest.mark.parametrize("text", ["proteccion civil", "Protección Civil", "PROTECCIÓN civil"])
def test_accents_and_case_do_not_matter(demo: Flask, text: str) -> None:
    expected = public_ids(active(Contact.organisation.contains("Protección Civil")))
    assert len(expected) >= 4
    found = ids(search(text))
    assert expected <= set(found)
    assert set(found[: len(expected)]) == expected  # their own organisation: before synonyms


def test_sao_joao_finds_the_place(demo: Flask) -> None:
    port = active(Contact.city == "São João da Barra")
    assert len(port) == 1
    assert ids(search("sao joao")) == [port[0].public_id]


def test_defense_civile_finds_defense_civile(demo: Flask, extras: dict[str, str]) -> None:
    assert ids(search("defense civile"))[0] == extras["defense-civile"]


def test_the_last_word_may_be_unfinished(demo: Flask) -> None:
    found = search("prot")
    assert public_ids(active(Contact.organisation.contains("Protección"))) <= set(ids(found))
    for contact in found.contacts[:5]:  # the word is in the contact's own text, not a synonym
        own = words(f"{contact.organisation} {contact.unit} {contact.position_title}")
        assert any(word.startswith("prot") for word in own), contact


def test_a_typo_in_a_long_word(demo: Flask) -> None:
    expected = public_ids(active(Contact.organisation.contains("Protección")))
    found = search("protecion")
    assert expected <= set(ids(found))
    assert "proteccion" in found.expanded


def test_a_typo_in_each_word(demo: Flask) -> None:
    critical = active(Contact.position_title.contains("Critical Infrastructure"))
    assert critical
    found = search("critcal infrastucture")
    assert public_ids(critical) <= set(ids(found))
    assert "Critical Infrastructure" in found.contacts[0].position_title
    top = found.contacts[: len(critical)]
    assert {contact.area.slug for contact in top} == {"critical-infrastructure"}


def test_a_swap_counts_as_one_typo(demo: Flask) -> None:
    jamaica = public_ids(active(Contact.country_code == "JM"))
    assert set(ids(search("jamiaca"))) == jamaica
    assert set(ids(search("ajmaica"))) == jamaica


@pytest.mark.parametrize(
    ("text", "word"),
    [("kestrelwodo", "kestrelwood"), ("protecion", "proteccion"), ("radmin", "ramdin")],
)
def test_the_word_a_typo_was_taken_for_is_highlighted(demo: Flask, text: str, word: str) -> None:
    found = search(text)
    assert found.contacts
    assert word in found.expanded


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("cubq", "CU"),  # 4 letters, one edit
        ("trimidaf", "TT"),  # 8 letters, two edits
        ("ttrinidad", "TT"),  # 9 letters, one letter too many
    ],
)
def test_typos_allowed_by_word_length(demo: Flask, text: str, country: str) -> None:
    found = search(text)
    assert public_ids(active(Contact.country_code == country)) <= set(ids(found))


@pytest.mark.parametrize(("text", "country"), [("jamxicy", "JM"), ("hxitx", "HT")])
def test_two_typos_in_a_short_word_are_too_many(demo: Flask, text: str, country: str) -> None:
    assert not public_ids(active(Contact.country_code == country)) & set(ids(search(text)))


@pytest.mark.parametrize("text", ["Brasil", "Brazil", "Brésil", "BR", "br", "BRÉSIL", "brasil"])
def test_a_country_in_four_languages_and_its_code(demo: Flask, text: str) -> None:
    brazil = public_ids(active(Contact.country_code == "BR"))
    assert len(brazil) == 7
    found = ids(search(text))
    assert set(found[: len(brazil)]) == brazil


def test_defensa_civil_haiti_puts_haitis_disaster_response_first(demo: Flask) -> None:
    haiti = active(Contact.country_code == "HT")
    disaster = {c.public_id for c in haiti if c.area.slug == "disaster-response"}
    assert disaster
    found = search("defensa civil haiti")
    assert set(ids(found)[: len(disaster)]) == disaster
    assert set(ids(found)) <= public_ids(haiti)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("nunez", "PE-disaster-response-2"),
        ("Núñez", "PE-disaster-response-2"),
        ("NUÑEZ mariana", "PE-disaster-response-2"),
        ("daubigne", "HT-environmental-security-1"),
        ("d'aubigne", "HT-environmental-security-1"),
        ("D’Aubigné", "HT-environmental-security-1"),
        ("hernandez-ruiz", "MX-transportation-security-1"),
        ("hernandezruiz", "MX-transportation-security-1"),
        ("hernandez ruiz", "MX-transportation-security-1"),
        ("oneil", "BS-critical-infrastructure-1"),
        ("o'neil", "BS-critical-infrastructure-1"),
        ("O’Neil", "BS-critical-infrastructure-1"),
        ("zoe ramdin", "SR-disaster-response-2"),
        ("vacant", "GY-critical-infrastructure-2"),
    ],
)
def test_names_as_people_type_them(demo: Flask, text: str, key: str) -> None:
    assert ids(search(text))[0] == demo_id(key)


@pytest.mark.parametrize("text", ["767 448", "7674482222", "448-2222", "+1 (767) 448-2222"])
def test_phone_digits(demo: Flask, extras: dict[str, str], text: str) -> None:
    found = search(text)
    assert ids(found)[0] == extras["dominica-phone"]
    wanted = "".join(char for char in text if char.isdigit())
    for contact in found.contacts:  # nothing found that does not have those digits in a row
        assert any(wanted in "".join(filter(str.isdigit, c.value)) for c in contact.channels)


def test_a_demo_phone_number_as_stored(demo: Flask) -> None:
    contact = db.session.scalar(
        select(Contact).where(Contact.public_id == demo_id("AG-disaster-response-1"))
    )
    number = contact.channels[0].value
    assert number.startswith("+1268")
    assert ids(search(number))[0] == contact.public_id
    assert contact.public_id in ids(search(number[-7:]))


@pytest.mark.parametrize(
    "text",
    [
        "quartermaster.watch",  # the local part
        "quartermaster",
        "coastwatchdm.example.net",  # the domain
        "coastwatchdm",
        "quartermaster.watch@coastwatchdm.example.net",  # the whole address
    ],
)
def test_email_by_local_part_and_domain(demo: Flask, extras: dict[str, str], text: str) -> None:
    assert ids(search(text)) == [extras["dominica-phone"]]


def test_a_demo_email_address(demo: Flask) -> None:
    found = search("n.charles@nemo.ag.example.org")
    assert ids(found)[0] == demo_id("AG-disaster-response-1")


# --- ranking ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "winner"),
    [
        ("kestrelwood", "holder-match"),
        ("marlowgate", "post-match"),
        ("thistlebrook", "organisation-match"),
        ("Thistlebrook port", "organisation-match"),
    ],
)
def test_a_main_field_ranks_above_the_notes(
    demo: Flask, extras: dict[str, str], text: str, winner: str
) -> None:
    found = ids(search(text))
    assert found[0] == extras[winner]
    if len(text.split()) == 1:
        assert found == [extras[winner], extras["notes-only"]]


def test_the_country_ranks_above_a_mention_in_the_notes(
    demo: Flask, extras: dict[str, str]
) -> None:
    suriname = public_ids(active(Contact.country_code == "SR"))
    found = ids(search("suriname"))
    assert set(found[: len(suriname)]) == suriname
    assert found[len(suriname)] == extras["notes-only"]


def test_ties_go_by_calling_order_then_24_7(demo: Flask, extras: dict[str, str]) -> None:
    # made in the order rank 12, rank 12 with a 24/7 line, rank 11
    assert ids(search("quillfeather")) == [
        extras["tie-rank-1"],
        extras["tie-rank-2-247"],
        extras["tie-rank-2"],
    ]


def test_pages(demo: Flask) -> None:
    everything = ids(search("jamaica"))
    assert len(everything) > 3
    pages = [
        ids(index_for_app().search(SearchQuery(text="jamaica", page=page, per_page=3), NOW))
        for page in (1, 2, 3)
    ]
    assert [public_id for page in pages for public_id in page] == everything[:9]
    assert search("jamaica").total == len(everything)


# --- filters and counts -------------------------------------------------------------------------


def test_filter_by_country(demo: Flask) -> None:
    assert set(ids(search(country="JM"))) == public_ids(active(Contact.country_code == "JM"))
    officers = set(ids(search("officer")))
    in_jamaica = set(ids(search("officer", country="JM")))
    assert in_jamaica
    assert in_jamaica == officers & public_ids(active(Contact.country_code == "JM"))


def test_filter_by_area(demo: Flask) -> None:
    critical = [c for c in active() if c.area.slug == "critical-infrastructure"]
    assert set(ids(search(area="critical-infrastructure"))) == public_ids(critical)
    found = search("ministry", area="critical-infrastructure")
    assert found.contacts
    assert {c.area.slug for c in found.contacts} == {"critical-infrastructure"}


@pytest.mark.parametrize("language", ["fr", "pt", "nl", "en", "es"])
def test_filter_by_language(demo: Flask, language: str) -> None:
    expected = {c.public_id for c in active() if language in (c.languages or [])}
    assert expected
    assert set(ids(search(language=language))) == expected


def test_filter_24_7_only(demo: Flask) -> None:
    expected = public_ids(active(Contact.has_24_7.is_(True)))
    assert 0 < len(expected) < len(active())
    assert set(ids(search(only_24_7=True))) == expected
    in_haiti = set(ids(search("haiti", only_24_7=True)))
    assert in_haiti == expected & public_ids(active(Contact.country_code == "HT"))


def reachable(now: datetime) -> set[str]:
    return {
        c.public_id
        for c in active()
        if c.has_24_7 or availability(c.hours_24_7, c.hours or [], c.time_zone, now).is_open
    }


def test_reachable_now_with_a_frozen_clock(demo: Flask) -> None:
    day, night = reachable(NOW), reachable(NIGHT)
    assert len(night) < len(day) < len(active())
    assert set(ids(search(reachable_now=True, now=NOW))) == day
    assert set(ids(search(reachable_now=True, now=NIGHT))) == night  # not the cached answer
    assert set(ids(search(reachable_now=True, now=NOW))) == day


def test_filters_combine(demo: Flask) -> None:
    filters = {"country": "BR", "area": "disaster-response", "language": "pt", "only_24_7": True}
    expected = {c.public_id for c in active() if matches(c, filters)}
    assert expected
    assert set(ids(search(**filters))) == expected


EMPTY_FILTERS = [
    {"country": "XX"},
    {"area": "no-such-area"},
    {"country": "JM", "language": "pt"},
    {"country": "KN", "language": "es"},
    {"country": "HT", "language": "en", "only_24_7": True},
]


@pytest.mark.parametrize("text", ["", "officer"])
@pytest.mark.parametrize("filters", EMPTY_FILTERS)
def test_filters_that_match_nothing_find_nothing(demo: Flask, filters: dict, text: str) -> None:
    assert search("officer").total > 0
    found = search(text, **filters)
    assert (found.total, found.contacts) == (0, [])


@pytest.mark.parametrize("filters", EMPTY_FILTERS)
def test_those_filters_do_match_nothing(demo: Flask, filters: dict) -> None:
    assert not [contact for contact in active() if matches(contact, filters)]


def matches(contact: Contact, filters: dict) -> bool:
    return (
        filters.get("country", contact.country_code) == contact.country_code
        and filters.get("area", contact.area.slug) == contact.area.slug
        and ("language" not in filters or filters["language"] in contact.languages)
        and (contact.has_24_7 or not filters.get("only_24_7"))
    )


def test_facet_counts_match_the_results(demo: Flask) -> None:
    for found in (
        search("director"),
        search("ministry", language="es"),
        search(area="critical-infrastructure"),
    ):
        contacts = found.contacts
        assert found.total == len(contacts)
        facets = found.facets
        assert facets["country"] == dict(Counter(c.country_code for c in contacts))
        assert facets["area"] == dict(Counter(c.area.slug for c in contacts))
        assert facets["languages"] == dict(
            Counter(language for c in contacts for language in c.languages)
        )
        assert facets["round_the_clock"] == dict(
            Counter("yes" if c.has_24_7 else "no" for c in contacts)
        )


def test_facet_counts_of_everything_in_an_area(demo: Flask) -> None:
    found = search(area="disaster-response")
    in_area = [c for c in active() if c.area.slug == "disaster-response"]
    assert found.facets["area"] == {"disaster-response": len(in_area)}
    assert found.facets["country"] == dict(Counter(c.country_code for c in in_area))
    assert sum(found.facets["round_the_clock"].values()) == len(in_area)


def test_search_contacts_answers_from_the_index(demo: Flask) -> None:
    found = search_contacts(SearchQuery(text="nunes"), NOW)  # Núñez, misspelt
    assert not found.degraded
    assert found.contacts  # the plain database search forgives no typos in people's names
    assert simple_search("nunes", 1, 20).items == []


# --- writes -------------------------------------------------------------------------------------


def contact_by_key(key: str) -> Contact:
    return db.session.scalar(select(Contact).where(Contact.public_id == demo_id(key)))


def test_archived_contacts_disappear(writable: Flask) -> None:
    contact = contact_by_key("BS-critical-infrastructure-1")
    assert ids(search("oneil"))[0] == contact.public_id
    archive_contact(Actor.system("tests"), contact.public_id)
    assert contact.public_id not in ids(search("oneil"))
    assert contact.public_id not in ids(search(country="BS"))
    assert check_index() == []
    restore_contact(Actor.system("tests"), contact.public_id)
    assert ids(search("oneil"))[0] == contact.public_id
    assert check_index() == []


def test_an_edit_is_searchable_when_the_service_returns(writable: Flask) -> None:
    contact = contact_by_key("BR-transportation-security-2")
    assert contact.city == "São João da Barra"
    data = dataclasses.replace(
        data_from_snapshot(snapshot(contact)),
        organisation="Autoridade Portuária de Xerém",
        city="Duque de Caxias",
        postal_address="Cais 1, Duque de Caxias",
    )
    update_contact(Actor.system("tests"), contact.public_id, data, contact.version)
    index = index_for_app()
    # the after-commit hook did it: SearchIndex.search itself never catches up
    assert cursor_of(cursor_name(index.index_id)) == db.session.scalar(select(func.max(Change.seq)))
    assert ids(search("xerem")) == [contact.public_id]
    assert contact.public_id in ids(search("duque de caxias"))
    assert contact.public_id not in ids(search("sao joao"))
    assert check_index() == []


def test_folded_words_are_reported_for_highlighting(demo: Flask) -> None:
    found = search("Protección  CIVIL")
    assert found.words == ["proteccion", "civil"]
    assert all(word == fold(word) for word in found.words)


def test_a_contact_edited_again_and_again_is_found_once(writable: Flask) -> None:
    """The searcher already open sees each edit: no old version left, no duplicate."""
    contact = contact_by_key("BS-critical-infrastructure-1")
    count = len(active())
    assert ids(search("oneil")) == [contact.public_id]  # opens the searcher
    for edit in range(8):  # enough new segments for Whoosh to merge some
        data = dataclasses.replace(data_from_snapshot(snapshot(contact)), notes=f"edit{edit}")
        contact = update_contact(Actor.system("tests"), contact.public_id, data, contact.version)
        assert ids(search("oneil")) == [contact.public_id]
        assert ids(search(f"edit{edit}")) == [contact.public_id]
        if edit:
            assert search(f"edit{edit - 1}").total == 0
        assert index_for_app().searcher().doc_count() == count
    assert check_index() == []


def test_a_phone_search_does_not_find_a_neighbouring_number(
    writable: Flask, extras: dict[str, str]
) -> None:
    data = dict(EXTRAS)["dominica-phone"]
    neighbour = dataclasses.replace(
        data, channels=[dataclasses.replace(data.channels[0], value="+1 767 448 2221")]
    )
    other = create_contact(Actor.system("tests"), neighbour)
    assert ids(search("448-2221")) == [other.public_id]
    assert ids(search("448-2222")) == [extras["dominica-phone"]]


@pytest.mark.parametrize("verify_cost", [0, 10**9], ids=["one pass", "each candidate read"])
def test_a_number_with_the_digit_groups_but_not_in_a_row_is_not_found(
    writable: Flask, extras: dict[str, str], monkeypatch: pytest.MonkeyPatch, verify_cost: int
) -> None:
    """The index finds the numbers with every group of three digits of the query; of those, only
    the ones with the digits in a row are results, whichever way they are checked."""
    monkeypatch.setattr(phones, "VERIFY_COST", verify_cost)
    data = dict(EXTRAS)["dominica-phone"]
    shuffled = dataclasses.replace(
        data, channels=[dataclasses.replace(data.channels[0], value="+1 767 448 2448")]
    )
    other = create_contact(Actor.system("tests"), shuffled)
    # 17674482448 has 824, 244, 448 and 482, the groups of 824482, but not 824482 in a row
    assert other.public_id not in ids(search("824 482"))
    assert ids(search("82448")) == [other.public_id]
    assert ids(search("448-2448")) == [other.public_id]
    assert ids(search("448-2222")) == [extras["dominica-phone"]]
    assert set(ids(search("767 448"))) >= {other.public_id, extras["dominica-phone"]}


def test_an_unfinished_word_stands_for_its_most_frequent_completions(writable: Flask) -> None:
    data = data_from_snapshot(snapshot(contact_by_key("BR-transportation-security-2")))
    system = Actor.system("tests")
    common = [
        create_contact(system, dataclasses.replace(data, organisation=f"Zyqommon {n}")).public_id
        for n in range(3)
    ]
    for n in range(MAX_PREFIX_TERMS + 10):  # more completions than a prefix stands for
        create_contact(system, dataclasses.replace(data, organisation=f"Zyq{n:03d}rare"))
    found = search("zyq")
    assert set(common) <= set(ids(found))
    assert found.total == MAX_PREFIX_TERMS + 2  # "zyqommon" (3 contacts) and 63 rare words
    assert ids(search("zyq072rare")) != []  # each rare word is still found when typed out
    assert check_index() == []


@pytest.mark.parametrize("text", EXAMPLES)
def test_every_example_the_search_page_offers_finds_someone(demo: Flask, text: str) -> None:
    assert search(text).total > 0
