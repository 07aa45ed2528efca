"""Checks on the literal reference data: member states and mandate areas."""

from __future__ import annotations

import zoneinfo

import phonenumbers
import pycountry
import pytest

from directory.reference import (
    AREA_BY_SLUG,
    AREAS,
    COUNTRIES,
    COUNTRY_BY_CODE,
    LANGUAGES,
    AreaRef,
    CountryRef,
)

# fmt: off
EXPECTED_CODES = frozenset({
    "AG", "AR", "BS", "BB", "BZ", "BO", "BR", "CA", "CL", "CO", "CR", "CU", "DM", "DO", "EC",
    "SV", "GD", "GT", "GY", "HT", "HN", "JM", "MX", "NI", "PA", "PY", "PE", "KN", "LC", "VC",
    "SR", "TT", "US", "UY", "VE",
})
# fmt: on


def _country_id(country: CountryRef) -> str:
    return country.code


def _area_id(area: AreaRef) -> str:
    return area.slug


def test_languages() -> None:
    assert LANGUAGES == ("en", "es", "pt", "fr")


# --- countries --------------------------------------------------------------------------


def test_exactly_the_35_member_states() -> None:
    codes = [country.code for country in COUNTRIES]
    assert len(codes) == 35
    assert len(set(codes)) == 35
    assert set(codes) == EXPECTED_CODES


def test_countries_sorted_by_code() -> None:
    codes = [country.code for country in COUNTRIES]
    assert codes == sorted(codes)


def test_country_by_code_matches() -> None:
    assert set(COUNTRY_BY_CODE) == EXPECTED_CODES
    for country in COUNTRIES:
        assert COUNTRY_BY_CODE[country.code] is country


@pytest.mark.parametrize("country", COUNTRIES, ids=_country_id)
def test_code_is_iso_alpha2(country: CountryRef) -> None:
    assert len(country.code) == 2
    assert country.code.isascii()
    assert country.code.isupper()
    assert pycountry.countries.get(alpha_2=country.code) is not None


@pytest.mark.parametrize("country", COUNTRIES, ids=_country_id)
def test_names_in_all_languages(country: CountryRef) -> None:
    assert tuple(country.names) == LANGUAGES
    for lang in LANGUAGES:
        name = country.names[lang]
        assert isinstance(name, str)
        assert name.strip() == name
        assert name
        assert "," not in name, f"formal comma-inverted name for {country.code}/{lang}: {name}"
        assert "(" not in name


def test_selected_names() -> None:
    assert COUNTRY_BY_CODE["BO"].names["en"] == "Bolivia"
    assert COUNTRY_BY_CODE["VE"].names["es"] == "Venezuela"
    assert COUNTRY_BY_CODE["US"].names["es"] == "Estados Unidos"
    assert COUNTRY_BY_CODE["US"].names["pt"] == "Estados Unidos"
    assert COUNTRY_BY_CODE["US"].names["fr"] == "États-Unis"
    assert COUNTRY_BY_CODE["BS"].names["es"] == "Bahamas"
    assert COUNTRY_BY_CODE["VC"].names["es"] == "San Vicente y las Granadinas"
    assert COUNTRY_BY_CODE["KN"].names["pt"] == "São Cristóvão e Névis"
    assert COUNTRY_BY_CODE["KN"].names["fr"] == "Saint-Kitts-et-Nevis"
    assert COUNTRY_BY_CODE["HT"].names["fr"] == "Haïti"
    assert COUNTRY_BY_CODE["BR"].names["fr"] == "Brésil"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_names_unique_per_language(lang: str) -> None:
    names = [country.names[lang].casefold() for country in COUNTRIES]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("country", COUNTRIES, ids=_country_id)
def test_phone_region_supported(country: CountryRef) -> None:
    assert country.phone_region in phonenumbers.SUPPORTED_REGIONS
    assert phonenumbers.country_code_for_region(country.phone_region) > 0


@pytest.mark.parametrize("country", COUNTRIES, ids=_country_id)
def test_time_zones_load(country: CountryRef) -> None:
    assert isinstance(country.time_zones, tuple)
    assert country.time_zones
    assert len(country.time_zones) == len(set(country.time_zones))
    for name in country.time_zones:
        zoneinfo.ZoneInfo(name)


@pytest.mark.parametrize(
    ("code", "minimum"),
    [("CA", 4), ("BR", 3), ("US", 4), ("MX", 3), ("AR", 2), ("CL", 2), ("EC", 2)],
)
def test_large_states_have_several_zones(code: str, minimum: int) -> None:
    assert len(COUNTRY_BY_CODE[code].time_zones) >= minimum


@pytest.mark.parametrize(
    ("code", "capital_zone"),
    [
        ("BR", "America/Sao_Paulo"),
        ("CA", "America/Toronto"),
        ("US", "America/New_York"),
        ("MX", "America/Mexico_City"),
        ("AR", "America/Argentina/Buenos_Aires"),
        ("CL", "America/Santiago"),
        ("EC", "America/Guayaquil"),
    ],
)
def test_capital_zone_first(code: str, capital_zone: str) -> None:
    assert COUNTRY_BY_CODE[code].time_zones[0] == capital_zone


# --- areas ------------------------------------------------------------------------------

EXPECTED_SLUGS = (
    "disaster-response",
    "environmental-security",
    "transportation-security",
    "critical-infrastructure",
)


def test_exactly_the_four_areas_in_position_order() -> None:
    assert tuple(area.slug for area in AREAS) == EXPECTED_SLUGS
    assert [area.position for area in AREAS] == [1, 2, 3, 4]


def test_area_by_slug_matches() -> None:
    assert tuple(AREA_BY_SLUG) == EXPECTED_SLUGS
    for area in AREAS:
        assert AREA_BY_SLUG[area.slug] is area


@pytest.mark.parametrize("area", AREAS, ids=_area_id)
def test_area_names_and_descriptions(area: AreaRef) -> None:
    assert tuple(area.names) == LANGUAGES
    assert tuple(area.descriptions) == LANGUAGES
    for lang in LANGUAGES:
        name = area.names[lang]
        assert name
        assert name.strip() == name
        assert len(name) <= 30, f"too long for a table header: {name}"
        description = area.descriptions[lang]
        assert description
        assert description.strip() == description
        assert "\n" not in description


@pytest.mark.parametrize("lang", LANGUAGES)
def test_area_names_unique_per_language(lang: str) -> None:
    names = [area.names[lang].casefold() for area in AREAS]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("area", AREAS, ids=_area_id)
def test_area_synonyms(area: AreaRef) -> None:
    assert tuple(area.synonyms) == LANGUAGES
    for lang in LANGUAGES:
        synonyms = area.synonyms[lang]
        assert isinstance(synonyms, tuple)
        assert len(synonyms) >= 4
        for synonym in synonyms:
            assert synonym
            assert synonym.strip() == synonym
        folded = [synonym.casefold() for synonym in synonyms]
        assert len(folded) == len(set(folded)), f"duplicate synonyms in {area.slug}/{lang}"


def test_expected_synonyms_present() -> None:
    disaster = AREA_BY_SLUG["disaster-response"].synonyms
    assert "civil protection" in disaster["en"]
    assert "protección civil" in disaster["es"]
    assert "defesa civil" in disaster["pt"]
    assert "sécurité civile" in disaster["fr"]
    assert "hazmat" in AREA_BY_SLUG["environmental-security"].synonyms["en"]
    assert "seguridad portuaria" in AREA_BY_SLUG["transportation-security"].synonyms["es"]
    assert "infraestrutura crítica" in AREA_BY_SLUG["critical-infrastructure"].synonyms["pt"]
