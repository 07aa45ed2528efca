"""The contact is declared once: a field added to the schema reaches the form, the API and its
description, the CSV columns, snapshots and labels without another list to edit."""

from __future__ import annotations

import dataclasses
import re
from datetime import date
from types import SimpleNamespace

from flask import Flask
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from directory.api.openapi import properties
from directory.contacts.forms import contact_form_class
from directory.exports.csvfile import cell_specs, columns_of, contact_row, read_row
from directory.schemas import contact as schema
from directory.schemas.fields import specs_of, text
from directory.services.actors import Actor
from directory.services.errors import ValidationFailed
from directory.services.validation import clean_contact_data
from tests.factories import contact_data


@dataclasses.dataclass
class WithHazard(schema.ContactData):
    """The contact with one more optional text field, as a new column would add it."""

    hazard_code: str = text(
        _l("Hazard code"), 12, help=_l("The national hazard classification, if any.")
    )


def hazard_data(**changes: object) -> WithHazard:
    return WithHazard(**{**vars(contact_data()), "hazard_code": "HZ-7", **changes})


def test_the_new_field_is_declared_with_the_others() -> None:
    names = [spec.name for spec in specs_of(WithHazard)]
    assert names[: len(schema.SPECS)] == [spec.name for spec in schema.SPECS]
    assert names[-1] == "hazard_code"
    assert specs_of(WithHazard)[-1].limit == 12


def test_the_form_has_it_and_reads_it(app: Flask) -> None:
    form_class = contact_form_class(WithHazard)
    fields = dict(vars(contact_data()))
    fields.pop("channels")
    fields.pop("hours")
    posted = MultiDict(
        {
            **{key: str(value) for key, value in fields.items() if isinstance(value, str)},
            "languages": "en",
            "channels-0-kind": "phone",
            "channels-0-value": "876 906 9674",
            "hazard_code": "HZ-7",
        }
    )
    with app.test_request_context(method="POST"):
        form = form_class(formdata=posted, actor=Actor.system("tests"), meta={"csrf": False})
        assert str(form.hazard_code.label.text) == "Hazard code"
        assert "hazard classification" in str(form.hazard_code.description)
        data = form.to_contact_data()
        assert isinstance(data, WithHazard) and data.hazard_code == "HZ-7"
        assert form.as_snapshot()["hazard_code"] == "HZ-7"
        html = form.hazard_code()
        assert 'name="hazard_code"' in html and 'maxlength="12"' in html


def test_validation_checks_its_limit_and_keeps_it(app: Flask) -> None:
    cleaned = clean_contact_data(hazard_data(hazard_code="  HZ-7 "), "JM")
    assert isinstance(cleaned, WithHazard) and cleaned.hazard_code == "HZ-7"
    try:
        clean_contact_data(hazard_data(hazard_code="X" * 13), "JM")
    except ValidationFailed as failed:
        assert [path for path, _ in failed.problems] == [("hazard_code",)]
    else:
        raise AssertionError("a code of 13 characters passed a limit of 12")


def test_snapshots_round_trip_it() -> None:
    data = hazard_data(nominated_on=date(2025, 3, 1))
    state = schema.snapshot_of_data(data, specs_of(WithHazard))
    assert state["hazard_code"] == "HZ-7" and state["nominated_on"] == "2025-03-01"
    assert schema.data_from_snapshot(state, WithHazard) == data


def test_the_api_describes_it() -> None:
    described = properties(specs_of(WithHazard))
    assert described["hazard_code"] == {
        "type": "string",
        "maxLength": 12,
        "description": "The national hazard classification, if any.",
    }
    assert set(described) == {spec.name for spec in specs_of(WithHazard)}


def test_the_csv_writes_and_reads_it() -> None:
    recorded = (*specs_of(schema.Identity), *specs_of(WithHazard), *specs_of(schema.Kept))
    specs = cell_specs(recorded)
    assert columns_of(specs)[-4:] == ("hazard_code", "verified_at", "version", "exported_at")
    stored = SimpleNamespace(
        **{**vars(hazard_data()), "area": SimpleNamespace(slug="disaster-response")},
        public_id="abcdefghjkmn",
        country_code="JM",
        verified_at=None,
        verified_by=None,
        status="active",
        version=3,
    )
    row = contact_row(stored, 0, "2026-12-08T00:00:00Z", specs)
    cells = dict(zip(columns_of(specs), row, strict=True))
    assert cells["hazard_code"] == "HZ-7" and cells["version"] == "3"
    read = read_row(2, cells, [], tuple(spec for spec in specs if spec.name != "public_id"))
    assert read.values["hazard_code"] == "HZ-7" and read.version == 3 and not read.problems


def test_no_list_of_the_contact_fields_is_written_out_in_the_package() -> None:
    """Every module names at most a few of the contact's fields in one literal list."""
    import pathlib

    names = {spec.name for spec in schema.SPECS} - {"country", "area", "channels", "hours"}
    package = pathlib.Path(schema.__file__).resolve().parent.parent
    literal = re.compile(r"[\(\[\{]\s*((?:\"\w+\",?\s*){6,})[\)\]\}]")
    for path in package.rglob("*.py"):
        if "reference" in path.parts:
            continue  # data, not declarations
        for found in literal.finditer(path.read_text(encoding="utf-8")):
            words = set(re.findall(r"\"(\w+)\"", found.group(1)))
            assert len(words & names) < 6, f"{path.name} lists the contact's fields: {words}"


def test_choices_are_written_one_way_whoever_makes_the_data() -> None:
    """A state's code in capitals, an area's slug and a channel's kind in small letters:
    declared once in the schema, not upper-cased again by every caller."""
    data = schema.ContactData(
        country=" jm ", area="Disaster-Response", channels=[schema.ChannelData("PHONE", "1")]
    )
    assert (data.country, data.area, data.channels[0].kind) == ("JM", "disaster-response", "phone")
    assert dataclasses.replace(data, country="br").country == "BR"
    cells = {"country": "ht", "area": "DISASTER-RESPONSE"}
    values = read_row(2, cells, []).values
    assert (values["country"], values["area"]) == ("HT", "disaster-response")
