"""A point of contact, declared once.

``ContactData`` is everything an editor sets on a contact, as forms, the API and CSV give it;
``ChannelData`` one way to reach it. Each field carries its kind, limits, label, help, whether
the form, the API and the CSV write it, and whether search finds its words. What the directory
keeps itself (the public id, the verification, the status, the version) is declared in
``Identity`` and ``Kept``, so that a snapshot, the API's answer and the CSV columns list it too.

A new optional text field is one line here, one migration (its column on ``Contact``), and the
templates that show it: the form, the API and its description, the CSV columns, snapshots,
history labels and the conflict view follow from this module.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l

from ..models import ChannelKind, ContactStatus
from .fields import (
    Kind,
    Spec,
    choice,
    day,
    declare,
    dump,
    flag,
    lines,
    load,
    many,
    moment,
    number,
    specs_of,
    text,
    written_canonically,
)

# --- one way to reach the contact --------------------------------------------------------------


@dataclass
class ChannelData:
    kind: str = choice(
        _l("Kind"),
        required=True,
        choices=tuple(kind.value for kind in ChannelKind),
        canonical=str.lower,
    )
    value: str = text(
        _l("Number or address"),
        320,
        required=True,
        help=_l(
            "Phones: written as people dial it; stored in international format. "
            "Websites start with https://"
        ),
    )
    label: str = text(_l("Label"), 120, help=_l("For example “Duty line” or “Office”."))
    is_24_7: bool = flag(_l("Answered 24/7"))

    def __post_init__(self) -> None:
        written_canonically(self)


MAX_CHANNELS = 20


# --- what an editor sets -------------------------------------------------------------------------


@dataclass
class ContactData:
    """Everything an editor can set on a contact, in the order the pages show it."""

    country: str = choice(
        _l("Member state"), required=True, canonical=str.upper, read=lambda c: c.country_code
    )
    area: str = choice(
        _l("Mandate area"),
        required=True,
        canonical=str.lower,
        read=lambda c: c.area.slug if c.area else None,
    )
    # None: after the last one of that state and area. Moved with the arrows, not the form.
    rank: int | None = number(
        _l("Calling order"),
        in_form=False,
        compared=False,
        help=_l("1 = primary, then the alternates in the order to call them"),
    )
    organisation: str = text(
        _l("Organisation"),
        200,
        required=True,
        help=_l("The ministry, agency or office, e.g. Office of Disaster Preparedness."),
        prompt=_l("Name the organisation."),
        searchable="main",
    )
    unit: str = text(
        _l("Unit"),
        200,
        help=_l("Optional: the department or centre within it."),
        searchable="main",
    )
    position_title: str = text(
        _l("Post"),
        200,
        required=True,
        help=_l("The post is the entry: it stays when the person holding it changes."),
        prompt=_l("Name the post, e.g. 24/7 duty officer."),
        searchable="main",
    )
    holder_honorific: str = text(
        _l("Honorific"), 40, help=_l("Optional, e.g. Dr., Col., Ms."), searchable="name"
    )
    holder_given_name: str = text(_l("Given name"), 120, searchable="name")
    holder_family_name: str = text(_l("Family name"), 120, searchable="name")
    is_vacant: bool = flag(
        _l("Vacant"),
        form_label=_l("The post is vacant"),
        help=_l("Leave the names empty for a functional desk staffed by whoever is on duty."),
    )
    channels: list[ChannelData] = many(Kind.CHANNELS, _l("Channels"))
    languages: list[str] = many(
        Kind.LANGUAGES,
        _l("Languages"),
        limit=200,
        form_label=_l("Languages spoken"),
        help=_l(
            "Two-letter codes separated by commas, e.g. “es, en”. en English, es Spanish, "
            "pt Portuguese, fr French, ht Haitian Creole, nl Dutch."
        ),
    )
    time_zone: str = choice(
        _l("Time zone"),
        required=True,
        help=_l("Where the contact works: used for their local time and “reachable now”."),
    )
    hours_24_7: bool = flag(
        _l("Staffed 24/7"),
        form_label=_l("Staffed 24 hours a day, 7 days a week"),
        help=_l("Then no office hours are needed."),
    )
    hours: list[dict] = many(Kind.HOURS, _l("Hours"), help=_l("Local time; Monday = 0"))
    postal_address: str = lines(_l("Postal address"), 1000, rows=3, searchable="other")
    city: str = text(_l("City"), 120, searchable="main")
    notes: str = lines(
        _l("Notes"),
        4000,
        rows=4,
        help=_l("What a caller should know: ask for the duty officer, a password, …"),
        searchable="other",
    )
    nomination_reference: str = text(
        _l("Nomination reference"),
        200,
        help=_l("The note verbale or letter that named this point of contact."),
        searchable="other",
    )
    nominated_on: date | None = day(
        _l("Nominated on"), help=_l("Optional. The date of that note, as YYYY-MM-DD.")
    )

    def __post_init__(self) -> None:
        written_canonically(self)


# --- what the directory keeps itself -------------------------------------------------------------


@dataclass
class Identity:
    public_id: str = text(_l("Public id"), 16, in_form=False, compared=False)


@dataclass
class Kept:
    verified_at: datetime | None = moment(_l("Last verified"), in_form=False, compared=False)
    verified_by: str | None = choice(
        _l("Verified by"),
        in_form=False,
        in_csv=False,
        compared=False,
        read=lambda c: c.verified_by.email if c.verified_by else None,
    )
    status: str = choice(
        _l("Status"),
        in_form=False,
        in_csv=False,
        compared=False,
        choices=tuple(status.value for status in ContactStatus),
    )
    version: int = declare(Spec(Kind.NUMBER, _l("Version"), in_form=False, compared=False), 0)


SPECS: tuple[Spec, ...] = specs_of(ContactData)
CHANNEL_SPECS: tuple[Spec, ...] = specs_of(ChannelData)
RECORDED: tuple[Spec, ...] = (*specs_of(Identity), *SPECS, *specs_of(Kept))
BY_NAME: dict[str, Spec] = {spec.name: spec for spec in RECORDED}
TEXT_FIELDS: tuple[str, ...] = tuple(s.name for s in SPECS if s.kind in (Kind.TEXT, Kind.LINES))
LIMITS: dict[str, int] = {spec.name: spec.limit for spec in SPECS if spec.limit}
CHANNEL_LIMITS: dict[str, int] = {spec.name: spec.limit for spec in CHANNEL_SPECS if spec.limit}


def searched(where: str) -> tuple[str, ...]:
    """The fields whose words search finds, ``where`` they go: name, main or other."""
    return tuple(spec.name for spec in SPECS if spec.searchable == where)


# --- snapshots: what a Change row records as before and after -----------------------------------


def snapshot(contact: Any, specs: tuple[Spec, ...] = RECORDED) -> dict[str, Any]:
    """A stored contact (row or record) as plain data, every recorded field."""
    return {spec.name: dump(spec, spec.value_of(contact), channel_dict) for spec in specs}


def snapshot_of_data(data: ContactData, specs: tuple[Spec, ...] = SPECS) -> dict[str, Any]:
    """Input in the shape of a snapshot's editable part, to compare it with a stored version."""
    return {spec.name: dump(spec, getattr(data, spec.name), asdict) for spec in specs}


def data_from_snapshot(state: dict[str, Any], entity: type = ContactData) -> Any:
    """The editable part of a snapshot (or of an API body in that shape), as ``entity``.
    TypeError, KeyError or ValueError when a value cannot be read."""
    values = {
        spec.name: load(spec, state.get(spec.name), lambda item: ChannelData(**item))
        for spec in specs_of(entity)
        if spec.name in state
    }
    return entity(**values)


def channel_dict(channel: Any) -> dict[str, Any]:
    """A channel (row, record or ChannelData) as plain data."""
    return {spec.name: getattr(channel, spec.name) for spec in CHANNEL_SPECS}
