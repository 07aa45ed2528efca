"""The demo directory's data files: every value the generator looks up is there."""

from __future__ import annotations

from directory.reference import demo_tables as tables
from directory.reference.areas import AREA_BY_SLUG
from directory.reference.countries import COUNTRY_BY_CODE
from directory.reference.datafiles import read_csv

LABELS_USED = frozenset(
    {
        "duty",
        "switchboard",
        "direct",
        "hotline",
        "night",
        "mobile",
        "after_hours",
        "email",
        "mailbox",
        "fax",
        "satellite",
        "radio",
        "vhf",
        "website",
    }
)


def test_the_csv_columns_hold_only_their_documented_values() -> None:
    for row in read_csv("demo", "organisations.csv"):
        assert row["role"] in {"lead", "partner"}, row
        assert row["area"] in AREA_BY_SLUG, row
    for row in read_csv("demo", "posts.csv"):
        assert row["slot"] in {"primary", "alternate"}, row
        assert row["kind"] in {"desk", "named"}, row
        assert row["organisation"] in {"lead", "partner"}, row
        assert row["hours"] == "office" or row["hours"] in tables.HOURS, row
        assert row["area"] in AREA_BY_SLUG, row


def test_every_family_has_every_area_and_every_label() -> None:
    assert set(tables.TEMPLATES) == set(tables.FAMILIES)
    for family, areas in tables.TEMPLATES.items():
        assert set(areas) == set(AREA_BY_SLUG), family
        for area, template in areas.items():
            assert template.leads, (family, area)
            assert template.partners, (family, area)
            assert template.primaries, (family, area)
            assert template.alternates, (family, area)
        assert set(tables.FAMILIES[family].labels) == LABELS_USED, family


def test_states_refer_to_known_families_hours_areas_and_zones() -> None:
    codes = [state.code for state in tables.STATES]
    assert sorted(codes) == sorted(COUNTRY_BY_CODE)
    for state in tables.STATES:
        zones = COUNTRY_BY_CODE[state.code].time_zones
        assert state.family in tables.FAMILIES, state.code
        assert state.office in tables.HOURS, state.code
        assert set(state.branches) <= set(AREA_BY_SLUG), state.code
        for place in state.branches.values():
            assert not place.zone or place.zone in zones, state.code


def test_pinned_keys_name_a_state_an_area_and_a_rank() -> None:
    for key in tables.PINNED_KEYS:
        code, _, rest = key.partition("-")
        area, _, rank = rest.rpartition("-")
        assert code in COUNTRY_BY_CODE, key
        assert area in AREA_BY_SLUG, key
        assert 1 <= int(rank) <= 3, key
