"""The fictional demo directory: complete, deterministic, and valid by the application's rules."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import date

import phonenumbers
import pytest
from phonenumbers import PhoneNumberFormat

from directory.reference.areas import AREAS
from directory.reference.countries import COUNTRY_BY_CODE
from directory.reference.demo import demo_contacts

# fmt: off
STATE_CODES = frozenset({
    "AG", "AR", "BS", "BB", "BZ", "BO", "BR", "CA", "CL", "CO", "CR", "CU", "DM", "DO", "EC",
    "SV", "GD", "GT", "GY", "HT", "HN", "JM", "MX", "NI", "PA", "PY", "PE", "KN", "LC", "VC",
    "SR", "TT", "US", "UY", "VE",
})
# fmt: on
AREA_SLUGS = frozenset(
    {
        "disaster-response",
        "environmental-security",
        "transportation-security",
        "critical-infrastructure",
    }
)
CONTACT_KEYS = frozenset(
    {
        "key",
        "country",
        "area",
        "rank",
        "organisation",
        "unit",
        "position_title",
        "holder_honorific",
        "holder_given_name",
        "holder_family_name",
        "is_vacant",
        "channels",
        "languages",
        "time_zone",
        "hours_24_7",
        "hours",
        "postal_address",
        "city",
        "notes",
        "nomination_reference",
        "nominated_on",
        "verified_days_ago",
    }
)
CHANNEL_KEYS = frozenset({"kind", "value", "label", "is_24_7"})
CHANNEL_KINDS = frozenset({"email", "phone", "mobile", "fax", "satellite", "radio", "website"})
PHONE_KINDS = frozenset({"phone", "mobile", "fax", "satellite"})
STALE_AFTER_DAYS = 180

EMAIL = re.compile(
    r"^[a-z0-9](?:[a-z0-9._+-]*[a-z0-9])?@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+"
    r"example\.(?:org|net|com)$"
)
WEBSITE = re.compile(r"^https://(?:[a-z0-9-]+\.)+example\.(?:org|net|com)(?:/\S*)?$")
HHMM = re.compile(r"^(?:[01]\d|2[0-3]):[0-5]\d$")
LANGUAGE = re.compile(r"^[a-z]{2}$")


@pytest.fixture(scope="module")
def contacts() -> list[dict]:
    return demo_contacts()


def _holder_text(contact: dict) -> str:
    return " ".join(
        contact[field] for field in ("holder_honorific", "holder_given_name", "holder_family_name")
    )


# --- shape and determinism ---------------------------------------------------------------------


def test_the_same_data_on_every_call() -> None:
    assert demo_contacts() == demo_contacts()


def test_every_call_returns_fresh_objects() -> None:
    first = demo_contacts()
    first[0]["channels"].clear()
    first[0]["languages"].append("xx")
    for contact in first:
        for window in contact["hours"]:
            window["days"].clear()
    second = demo_contacts()
    assert second[0]["channels"]
    assert "xx" not in second[0]["languages"]
    assert all(window["days"] for contact in second for window in contact["hours"])


def test_the_reference_lists_match_the_brief() -> None:
    assert set(COUNTRY_BY_CODE) == STATE_CODES
    assert {area.slug for area in AREAS} == AREA_SLUGS


def test_between_250_and_350_contacts(contacts: list[dict]) -> None:
    assert 250 <= len(contacts) <= 350


def test_every_contact_has_exactly_the_documented_keys(contacts: list[dict]) -> None:
    for contact in contacts:
        assert set(contact) == CONTACT_KEYS, contact["key"]
        for channel in contact["channels"]:
            assert set(channel) == CHANNEL_KEYS, contact["key"]


def test_field_types(contacts: list[dict]) -> None:
    for contact in contacts:
        key = contact["key"]
        assert type(contact["rank"]) is int, key
        assert type(contact["is_vacant"]) is bool, key
        assert type(contact["hours_24_7"]) is bool, key
        assert isinstance(contact["channels"], list), key
        assert isinstance(contact["languages"], list), key
        assert isinstance(contact["hours"], list), key
        days = contact["verified_days_ago"]
        assert days is None or type(days) is int, key
        for field in CONTACT_KEYS - {
            "rank",
            "is_vacant",
            "hours_24_7",
            "channels",
            "languages",
            "hours",
            "verified_days_ago",
        }:
            assert isinstance(contact[field], str), (key, field)


def test_keys_are_unique_and_name_the_state_area_and_rank(contacts: list[dict]) -> None:
    keys = [contact["key"] for contact in contacts]
    assert len(keys) == len(set(keys))
    for contact in contacts:
        assert contact["key"] == f"{contact['country']}-{contact['area']}-{contact['rank']}"


# --- coverage and calling order ----------------------------------------------------------------


def test_every_state_has_a_contiguous_calling_order_in_every_area(contacts: list[dict]) -> None:
    ranks: dict[tuple[str, str], list[int]] = defaultdict(list)
    for contact in contacts:
        ranks[contact["country"], contact["area"]].append(contact["rank"])
    assert set(ranks) == {(code, area) for code in STATE_CODES for area in AREA_SLUGS}
    for pair, found in ranks.items():
        assert sorted(found) == list(range(1, len(found) + 1)), pair


def test_many_pairs_have_alternates(contacts: list[dict]) -> None:
    counts = Counter((contact["country"], contact["area"]) for contact in contacts)
    assert sum(1 for count in counts.values() if count >= 2) >= len(counts) / 2
    assert any(count >= 3 for count in counts.values())


# --- required fields, holders, vacancy ---------------------------------------------------------


def test_required_fields_are_filled(contacts: list[dict]) -> None:
    for contact in contacts:
        for field in (
            "organisation",
            "position_title",
            "time_zone",
            "city",
            "postal_address",
            "country",
            "area",
        ):
            assert contact[field].strip(), (contact["key"], field)
        assert contact["rank"] >= 1
        assert contact["channels"], contact["key"]
        assert contact["languages"], contact["key"]


def test_a_mix_of_functional_desks_and_named_holders(contacts: list[dict]) -> None:
    desks = [c for c in contacts if not _holder_text(c).strip() and not c["is_vacant"]]
    named = [c for c in contacts if c["holder_given_name"] and c["holder_family_name"]]
    assert len(desks) >= 20
    assert len(named) >= 100
    for contact in contacts:
        has_given = bool(contact["holder_given_name"])
        assert has_given == bool(contact["holder_family_name"]), contact["key"]
        if not has_given:
            assert contact["holder_honorific"] == "", contact["key"]


def test_exactly_one_vacancy_and_it_has_no_holder(contacts: list[dict]) -> None:
    vacant = [contact for contact in contacts if contact["is_vacant"]]
    assert len(vacant) == 1
    assert _holder_text(vacant[0]).strip() == ""


def test_some_entries_are_stale_and_a_couple_never_verified(contacts: list[dict]) -> None:
    days = [contact["verified_days_ago"] for contact in contacts]
    stale = [value for value in days if value is not None and value > STALE_AFTER_DAYS]
    never = [value for value in days if value is None]
    fresh = [value for value in days if value is not None and value <= STALE_AFTER_DAYS]
    assert 5 <= len(stale) <= 10
    assert 2 <= len(never) <= 3
    assert all(0 <= value <= 170 for value in fresh)


def test_nominations(contacts: list[dict]) -> None:
    for contact in contacts:
        if contact["nominated_on"]:
            nominated = date.fromisoformat(contact["nominated_on"])
            assert date(2000, 1, 1) <= nominated <= date(2030, 1, 1), contact["key"]
            assert contact["nomination_reference"], contact["key"]
    assert any(contact["nomination_reference"] for contact in contacts)


# --- the names that test the application -------------------------------------------------------


@pytest.mark.parametrize("name", ["Núñez", "D'Aubigné", "Hernández-Ruiz", "O'Neil"])
def test_family_names_with_accents_hyphens_and_apostrophes(contacts: list[dict], name: str) -> None:
    assert any(contact["holder_family_name"] == name for contact in contacts)


def test_a_given_name_with_a_diaeresis(contacts: list[dict]) -> None:
    assert any(contact["holder_given_name"] == "Zoë" for contact in contacts)


def test_sao_joao_is_a_person_or_a_place(contacts: list[dict]) -> None:
    assert any(
        "São João" in f"{_holder_text(contact)} {contact['city']} {contact['postal_address']}"
        for contact in contacts
    )


def test_organisation_names_with_commas(contacts: list[dict]) -> None:
    assert any("," in contact["organisation"] for contact in contacts)
    assert any(
        contact["organisation"] == "Ministry of Transport, Works and Housing"
        for contact in contacts
    )


# --- channels ----------------------------------------------------------------------------------


def test_channel_kinds_and_labels(contacts: list[dict]) -> None:
    for contact in contacts:
        for channel in contact["channels"]:
            assert channel["kind"] in CHANNEL_KINDS, contact["key"]
            assert channel["value"].strip(), contact["key"]
            assert isinstance(channel["label"], str), contact["key"]
            assert type(channel["is_24_7"]) is bool, contact["key"]


def test_every_contact_has_an_email_and_a_phone(contacts: list[dict]) -> None:
    for contact in contacts:
        kinds = {channel["kind"] for channel in contact["channels"]}
        assert "email" in kinds, contact["key"]
        assert kinds & {"phone", "mobile"}, contact["key"]


def test_phone_numbers_are_valid_e164_for_the_states_region(contacts: list[dict]) -> None:
    checked = 0
    problems: list[str] = []
    for contact in contacts:
        region = COUNTRY_BY_CODE[contact["country"]].phone_region
        for channel in contact["channels"]:
            if channel["kind"] not in PHONE_KINDS:
                continue
            checked += 1
            value = channel["value"]
            number = phonenumbers.parse(value)
            if not phonenumbers.is_valid_number(number):
                problems.append(f"{contact['key']}: {value} is not valid")
            elif phonenumbers.region_code_for_number(number) != region:
                problems.append(f"{contact['key']}: {value} is not in {region}")
            elif phonenumbers.format_number(number, PhoneNumberFormat.E164) != value:
                problems.append(f"{contact['key']}: {value} is not in E.164 form")
    assert checked >= len(contacts)
    assert problems == []


def test_emails_are_lower_case_under_example_domains(contacts: list[dict]) -> None:
    emails = [
        channel["value"]
        for contact in contacts
        for channel in contact["channels"]
        if channel["kind"] == "email"
    ]
    assert emails
    bad = [email for email in emails if not EMAIL.match(email) or email != email.lower()]
    assert bad == []


def test_websites_are_https_under_example_domains(contacts: list[dict]) -> None:
    for contact in contacts:
        for channel in contact["channels"]:
            if channel["kind"] == "website":
                assert WEBSITE.match(channel["value"]), (contact["key"], channel["value"])


def test_most_disaster_response_primaries_have_a_24_7_phone(contacts: list[dict]) -> None:
    primaries = [c for c in contacts if c["area"] == "disaster-response" and c["rank"] == 1]
    with_line = [
        contact
        for contact in primaries
        if any(
            channel["is_24_7"] and channel["kind"] in PHONE_KINDS for channel in contact["channels"]
        )
    ]
    assert len(primaries) == len(STATE_CODES)
    assert len(with_line) > len(primaries) / 2


# --- languages, time zones, hours --------------------------------------------------------------


def test_languages_are_iso_639_1_codes(contacts: list[dict]) -> None:
    for contact in contacts:
        languages = contact["languages"]
        assert all(LANGUAGE.match(code) for code in languages), contact["key"]
        assert len(languages) == len(set(languages)), contact["key"]


def test_time_zone_is_one_of_the_states_zones(contacts: list[dict]) -> None:
    for contact in contacts:
        zones = COUNTRY_BY_CODE[contact["country"]].time_zones
        assert contact["time_zone"] in zones, contact["key"]


def test_hours_windows_are_well_formed(contacts: list[dict]) -> None:
    for contact in contacts:
        key = contact["key"]
        if contact["hours_24_7"]:
            assert contact["hours"] == [], key
            continue
        assert contact["hours"], key
        for window in contact["hours"]:
            assert set(window) == {"days", "opens", "closes"}, key
            days = window["days"]
            assert days, key
            assert days == sorted(set(days)), key
            assert all(type(day) is int and 0 <= day <= 6 for day in days), key
            assert HHMM.match(window["opens"]), key
            assert HHMM.match(window["closes"]), key
            assert window["opens"] != window["closes"], key


def test_hours_include_overnight_and_split_days(contacts: list[dict]) -> None:
    windows = [window for contact in contacts for window in contact["hours"]]
    assert any(window["closes"] < window["opens"] for window in windows)
    assert any(
        len({tuple(window["days"]) for window in contact["hours"]}) > 1 for contact in contacts
    )
