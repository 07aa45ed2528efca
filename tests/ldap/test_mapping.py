"""contact -> LDAP entry, without a server."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask import Flask

from directory.extensions import db
from directory.models import Contact
from directory.projections.ldap.mapping import (
    OWNER_MARK,
    MappingError,
    contact_entry,
)
from directory.services.actors import Actor
from directory.services.contacts import create_contact
from directory.services.validation import ChannelData
from tests.factories import contact_data

SYSTEM = Actor.system("tests")


def make(**changes: object) -> Contact:
    return create_contact(SYSTEM, contact_data(**changes))


def test_a_named_holder_is_listed_by_name_with_the_post_as_title(app: Flask) -> None:
    entry = contact_entry(make(holder_given_name="Ana", holder_family_name="Núñez"))
    values = entry.attributes
    assert values["displayName"] == ("Ana Núñez",)
    assert values["cn"][0] == "Ana Núñez"
    assert values["sn"] == ("Núñez", "nunez")
    assert values["givenName"] == ("Ana",)
    assert values["title"] == ("24/7 duty officer",)
    assert values["o"][0] == "Office of Disaster Preparedness, Jamaica"
    assert values["ou"] == ("National Emergency Operations Centre",)
    assert values["employeeType"] == (OWNER_MARK,)
    assert values["objectClass"][-1] == "inetOrgPerson"


def test_a_desk_is_listed_by_state_area_and_post_in_cn_and_sn(app: Flask) -> None:
    contact = make(holder_given_name="", holder_family_name="")
    entry = contact_entry(contact)
    assert entry.attributes["displayName"] == ("Jamaica, Disaster response: 24/7 duty officer",)
    assert entry.attributes["sn"] == (
        "Jamaica, Disaster response: 24/7 duty officer",
        "24/7 duty officer",
    )
    assert "givenName" not in entry.attributes
    assert contact.display_name("es") == "Jamaica, Respuesta a desastres: 24/7 duty officer"


def test_cn_has_folded_forms_and_forms_that_start_with_other_words(app: Flask) -> None:
    contact = make(
        country="HT",
        holder_given_name="Zoë",
        holder_family_name="Désir",
        organisation="Direction de la Protection Civile",
    )
    names = contact_entry(contact).attributes["cn"]
    assert names[0] == "Zoë Désir"
    folded = {name for name in names if name.isascii()}
    assert "zoe desir" in folded
    # values that start with the state and the area in four languages, the surname, the
    # organisation, with no comma between state and area: clients match "haiti disaster"
    for start in (
        "haiti disaster response:",
        "haïti réponse aux catastrophes:",
        "disaster response haiti:",
        "respuesta a desastres haití:",
        "désir, zoë",
        "direction de la protection civile: zoë désir",
    ):
        assert any(name.casefold().startswith(start) for name in names), start
    keys = [" ".join(name.casefold().split()) for name in names]
    assert len(keys) == len(set(keys)), "slapd refuses values equal under caseIgnoreMatch"


def test_phones_put_the_24_7_line_first_and_sort_by_kind(app: Flask) -> None:
    contact = make(
        channels=[
            ChannelData("phone", "+1 876 906 1111", "Office", False),
            ChannelData("fax", "+1 876 906 2222", "Fax", False),
            ChannelData("mobile", "+1 876 881 3333", "Duty mobile", True),
            ChannelData("email", "duty@odpem.jm.example.org", "Duty"),
            ChannelData("website", "https://odpem.jm.example.org", "Site"),
        ]
    )
    values = contact_entry(contact).attributes
    assert values["telephoneNumber"] == ("+18768813333", "+18769061111")
    assert values["mobile"] == ("+18768813333",)
    assert values["facsimileTelephoneNumber"] == ("+18769062222",)
    assert values["mail"] == ("duty@odpem.jm.example.org",)
    assert values["labeledURI"] == ("https://odpem.jm.example.org Site",)


def test_an_international_domain_goes_in_as_punycode(app: Flask) -> None:
    contact = make(channels=[ChannelData("email", "guardia@protección.mx.example.org", "")])
    entry = contact_entry(contact)
    assert entry.attributes["mail"] == ("guardia@xn--proteccin-d7a.mx.example.org",)
    assert entry.left_out == ()


def test_an_address_ldap_cannot_hold_is_left_out_and_said(app: Flask) -> None:
    contact = make(
        channels=[
            ChannelData("email", "josé@cenapred.mx.example.org", ""),
            ChannelData("email", "duty@cenapred.mx.example.org", ""),
        ]
    )
    entry = contact_entry(contact)
    assert entry.attributes["mail"] == ("duty@cenapred.mx.example.org",)
    assert len(entry.left_out) == 1 and "josé@" in entry.left_out[0]


def test_postal_address_lines_are_joined_by_dollar_with_dollar_and_backslash_escaped(
    app: Flask,
) -> None:
    contact = make(postal_address="2-4 Haining Road\nUS$ Office \\ Annex\nKingston 5")
    value = contact_entry(contact).attributes["postalAddress"]
    assert value == ("2-4 Haining Road$US\\24 Office \\5C Annex$Kingston 5$Jamaica",)


def test_a_control_character_refuses_the_contact_rather_than_reach_ldap(app: Flask) -> None:
    contact = make()
    contact.organisation = "ODPEM\x00 Kingston"  # as an older import might have left it
    with pytest.raises(MappingError) as raised:
        contact_entry(contact)
    assert raised.value.uid == contact.public_id
    assert raised.value.attribute == "o"
    db.session.rollback()


def test_surrounding_space_is_dropped_and_empty_values_never_appear(app: Flask) -> None:
    contact = make(unit="", city="")
    contact.holder_family_name = "  O'Neil  "
    entry = contact_entry(contact)
    assert entry.attributes["sn"][0] == "O'Neil"
    assert "ou" not in entry.attributes and "l" not in entry.attributes
    assert all(values and all(values) for values in entry.attributes.values())
    db.session.rollback()


def test_description_says_rank_hours_languages_and_verification(app: Flask) -> None:
    contact = create_contact(
        SYSTEM,
        contact_data(hours_24_7=True, languages=["en", "es"]),
        verified_at=datetime(2026, 3, 2, tzinfo=UTC),
    )
    (description,) = contact_entry(contact).attributes["description"]
    assert description == (
        "Primary point of contact of Jamaica for disaster response. Staffed 24/7. "
        "Languages: English, Spanish. Verified 2026-03-02."
    )
    assert contact_entry(contact).attributes["preferredLanguage"] == ("en",)


def test_the_entry_is_a_pure_function_of_the_contact(app: Flask) -> None:
    contact = make()
    assert contact_entry(contact) == contact_entry(contact)
    assert contact_entry(contact).uid == contact.public_id
