"""The contact form: one form for creating and editing, with rows of channels and of hours.

The form checks shape (lengths, dates, times written HH:MM) so that people get an answer beside
the field at once; the services are the real check, and their errors are mapped back onto the
field they name (``apply_service_errors``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any
from zoneinfo import available_timezones

from babel.dates import get_day_names
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..formats.phones import format_phone
from ..models import ChannelKind, Contact, Role
from ..reference import AREAS, COUNTRIES, COUNTRY_BY_CODE
from ..services.actors import Actor
from ..services.contacts import snapshot
from ..services.errors import ValidationFailed
from ..services.validation import (
    HHMM,
    LIMITS,
    MAX_CHANNELS,
    TEXT_FIELDS,
    ChannelData,
    ContactData,
    clean_contact_data,
)
from ..text import fold
from ..web import day_range_names, lang
from .labels import FIELD_LABELS

MAX_HOURS_ROWS = 14  # two periods a day is already unusual
LANGUAGES_MAX_LENGTH = 200

KIND_LABELS = {
    ChannelKind.EMAIL.value: _l("E-mail"),
    ChannelKind.PHONE.value: _l("Phone"),
    ChannelKind.MOBILE.value: _l("Mobile"),
    ChannelKind.FAX.value: _l("Fax"),
    ChannelKind.SATELLITE.value: _l("Satellite phone"),
    ChannelKind.RADIO.value: _l("Radio"),
    ChannelKind.WEBSITE.value: _l("Website"),
}


def _length(limit: int) -> Length:
    return Length(max=limit, message=_l("Must be at most %(max)d characters."))


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice shown as a row of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ChannelForm(Form):
    """One way to reach the contact. A plain Form: the contact form carries the CSRF token."""

    # validate_choice=False here and below: the service says which values it accepts.
    kind = SelectField(
        _l("Kind"),
        choices=[SelectChoice(kind, label) for kind, label in KIND_LABELS.items()],
        default=ChannelKind.PHONE.value,
        validate_choice=False,
    )
    value = StringField(
        _l("Number or address"),
        validators=[_length(LIMITS["channel_value"])],
        description=_l(
            "Phones: written as people dial it; stored in international format. "
            "Websites start with https://"
        ),
        render_kw={"autocomplete": "off"},
    )
    label = StringField(
        _l("Label"),
        validators=[_length(LIMITS["channel_label"])],
        description=_l("For example “Duty line” or “Office”."),
    )
    is_24_7 = BooleanField(_l("Answered 24/7"))


class HoursForm(Form):
    """One period of office hours: some days of the week, from a time to a time."""

    days = MultiCheckboxField(_l("Days"), coerce=int)
    opens = StringField(
        _l("Opens"),
        validators=[Optional(), Regexp(HHMM, message=_l("Write the time as HH:MM, e.g. 08:00."))],
        render_kw={"type": "time", "placeholder": "08:00"},
    )
    closes = StringField(
        _l("Closes"),
        validators=[Optional(), Regexp(HHMM, message=_l("Write the time as HH:MM, e.g. 17:00."))],
        render_kw={"type": "time", "placeholder": "17:00"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        names = get_day_names("abbreviated", locale=lang())
        self.days.choices = [SelectChoice(day, names[day]) for day in range(7)]


@lru_cache(maxsize=1)
def _americas_zones() -> tuple[str, ...]:
    return tuple(sorted(zone for zone in available_timezones() if zone.startswith("America/")))


def time_zone_choices(country_code: str | None, current: str | None) -> list[SelectChoice]:
    """The state's own zones first, then every zone of the Americas, then UTC."""
    country = COUNTRY_BY_CODE.get((country_code or "").upper())
    own = list(country.time_zones) if country else []
    rest = [zone for zone in (*_americas_zones(), "UTC") if zone not in own]
    if current and current not in own and current not in rest:
        rest.insert(0, current)  # a stored zone outside the list stays selectable
    own_group = (country.names.get(lang()) or country.names["en"]) if country else ""
    other_group = _("Other time zones")
    return [SelectChoice(zone, zone.replace("_", " "), optgroup=own_group) for zone in own] + [
        SelectChoice(zone, zone.replace("_", " "), optgroup=other_group) for zone in rest
    ]


def parse_languages(text: str | None) -> list[str]:
    return [part for part in re.split(r"[\s,;/]+", (text or "").strip()) if part]


def _readable(label: str, message: object) -> str:
    """A service message ("is required") as a sentence that names its field."""
    text = str(message).strip()
    named = text.startswith(("is ", "must "))
    text = f"{label} {text}" if named else text[:1].upper() + text[1:]
    return text if text.endswith(".") else text + "."


@dataclass(frozen=True)
class ComparedField:
    name: str
    label: str
    mine: str
    current: str
    changed_since: bool  # someone else saved a change to this field after the form was opened


class ContactForm(FlaskForm):
    country = SelectField(_l("Member state"), validate_choice=False)
    area = SelectField(_l("Mandate area"), validate_choice=False)
    organisation = StringField(
        _l("Organisation"),
        validators=[DataRequired(_l("Name the organisation.")), _length(LIMITS["organisation"])],
        description=_l("The ministry, agency or office, e.g. Office of Disaster Preparedness."),
    )
    unit = StringField(
        _l("Unit"),
        validators=[_length(LIMITS["unit"])],
        description=_l("Optional: the department or centre within it."),
    )
    position_title = StringField(
        _l("Post"),
        validators=[
            DataRequired(_l("Name the post, e.g. 24/7 duty officer.")),
            _length(LIMITS["position_title"]),
        ],
        description=_l("The post is the entry: it stays when the person holding it changes."),
    )
    holder_honorific = StringField(
        _l("Honorific"),
        validators=[_length(LIMITS["holder_honorific"])],
        description=_l("Optional, e.g. Dr., Col., Ms."),
    )
    holder_given_name = StringField(
        _l("Given name"), validators=[_length(LIMITS["holder_given_name"])]
    )
    holder_family_name = StringField(
        _l("Family name"), validators=[_length(LIMITS["holder_family_name"])]
    )
    is_vacant = BooleanField(
        _l("The post is vacant"),
        description=_l(
            "Leave the names empty for a functional desk staffed by whoever is on duty."
        ),
    )
    channels = FieldList(FormField(ChannelForm), min_entries=1, max_entries=MAX_CHANNELS)
    languages = StringField(
        _l("Languages spoken"),
        validators=[_length(LANGUAGES_MAX_LENGTH)],
        description=_l(
            "Two-letter codes separated by commas, e.g. “es, en”. en English, es Spanish, "
            "pt Portuguese, fr French, ht Haitian Creole, nl Dutch."
        ),
    )
    time_zone = SelectField(
        _l("Time zone"),
        validate_choice=False,
        description=_l("Where the contact works: used for their local time and “reachable now”."),
    )
    hours_24_7 = BooleanField(
        _l("Staffed 24 hours a day, 7 days a week"),
        description=_l("Then no office hours are needed."),
    )
    hours = FieldList(FormField(HoursForm), min_entries=1, max_entries=MAX_HOURS_ROWS)
    postal_address = TextAreaField(
        _l("Postal address"),
        validators=[_length(LIMITS["postal_address"])],
        render_kw={"rows": 3},
    )
    city = StringField(_l("City"), validators=[_length(LIMITS["city"])])
    notes = TextAreaField(
        _l("Notes"),
        validators=[_length(LIMITS["notes"])],
        description=_l("What a caller should know: ask for the duty officer, a password, …"),
        render_kw={"rows": 4},
    )
    nomination_reference = StringField(
        _l("Nomination reference"),
        validators=[_length(LIMITS["nomination_reference"])],
        description=_l("The note verbale or letter that named this point of contact."),
    )
    nominated_on = DateField(
        _l("Nominated on"),
        validators=[Optional()],
        description=_l("Optional. The date of that note, as YYYY-MM-DD."),
    )
    version = HiddenField()

    def __init__(self, *args: Any, actor: Actor, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.editing = editing
        # An editor works on their own state only: the page shows it, the field is hidden.
        self.country_is_fixed = actor.role == Role.EDITOR
        self.list_errors: dict[str, list[str]] = {"channels": [], "hours": []}
        self._channel_rows: list[int] = []
        language = lang()
        countries = sorted(COUNTRIES, key=lambda country: fold(country.names.get(language, "")))
        self.country.choices = [SelectChoice("", _("Choose a member state"))] + [
            SelectChoice(country.code, country.names.get(language) or country.names["en"])
            for country in countries
        ]
        self.area.choices = [SelectChoice("", _("Choose a mandate area"))] + [
            SelectChoice(area.slug, area.names.get(language) or area.names["en"])
            for area in sorted(AREAS, key=lambda area: area.position)
        ]
        self.time_zone.choices = time_zone_choices(self.country.data, self.time_zone.data)

    # -- populating -------------------------------------------------------------------------

    @classmethod
    def blank(cls, *, actor: Actor, country: str, area: str) -> ContactForm:
        """A new contact for a state and area (either may be empty)."""
        ref = COUNTRY_BY_CODE.get(country)
        return cls(
            formdata=None,
            data={
                "country": country if ref else "",
                "area": area,
                "time_zone": ref.time_zones[0] if ref else "",
            },
            actor=actor,
        )

    @classmethod
    def from_snapshot(cls, state: Mapping[str, Any], *, actor: Actor) -> ContactForm:
        """An edit form filled from a recorded version (``services.contacts.snapshot``)."""
        channels = [
            {
                "kind": channel["kind"],
                "value": format_phone(channel["value"])
                if ChannelKind(channel["kind"]).is_phone
                else channel["value"],
                "label": channel.get("label", ""),
                "is_24_7": bool(channel.get("is_24_7")),
            }
            for channel in state.get("channels") or []
        ]
        hours = [
            {"days": list(window["days"]), "opens": window["opens"], "closes": window["closes"]}
            for window in state.get("hours") or []
        ]
        nominated = state.get("nominated_on")
        data = {name: state.get(name) or "" for name in (*TEXT_FIELDS, "time_zone")}
        data.update(
            country=state.get("country") or "",
            area=state.get("area") or "",
            is_vacant=bool(state.get("is_vacant")),
            hours_24_7=bool(state.get("hours_24_7")),
            channels=channels,
            hours=hours,
            languages=", ".join(state.get("languages") or []),
            nominated_on=date.fromisoformat(nominated) if nominated else None,
            version=str(state.get("version") or ""),
        )
        return cls(formdata=None, data=data, actor=actor, editing=True)

    @classmethod
    def from_contact(cls, contact: Contact, *, actor: Actor) -> ContactForm:
        return cls.from_snapshot(snapshot(contact), actor=actor)

    # -- the buttons that work without JavaScript ------------------------------------------

    def handle_row_buttons(self, formdata: Mapping[str, str]) -> bool:
        """Add or remove a channel or hours row if such a button was pressed; True if so."""
        for rows, singular in ((self.channels, "channel"), (self.hours, "hours")):
            if f"add_{singular}" in formdata:
                if rows.max_entries and len(rows.entries) >= rows.max_entries:
                    self.list_errors[rows.name].append(
                        _("At most %(num)s rows.", num=rows.max_entries)
                    )
                else:
                    rows.append_entry()
                return True
            removed = formdata.get(f"remove_{singular}")
            if removed is not None:
                if removed.isdigit() and int(removed) < len(rows.entries):
                    kept = [entry.data for i, entry in enumerate(rows.entries) if i != int(removed)]
                    rows.process(None, kept)
                return True
        return False

    def validate(self, extra_validators: Any = None) -> bool:
        """The form's own checks; when they fail, the service's rules are checked too (without
        saving anything), so that every problem is reported in one round, not one at a time."""
        if super().validate(extra_validators):
            return True
        country = COUNTRY_BY_CODE.get((self.country.data or "").upper())
        if country is not None:
            try:
                clean_contact_data(self.to_contact_data(), country.phone_region)
            except ValidationFailed as failed:
                self.apply_service_errors(failed.errors, skip_reported=True)
        return False

    def validate_version(self, field: HiddenField) -> None:
        if self.editing and not (field.data or "").isdigit():
            raise ValidationError(_("The form lost track of the version you edited: reload it."))

    @property
    def expected_version(self) -> int:
        return int(self.version.data)

    # -- to and from the service ------------------------------------------------------------

    def to_contact_data(self) -> ContactData:
        """What was typed, as the service takes it. Rows left entirely empty are skipped."""
        channels: list[ChannelData] = []
        self._channel_rows = []
        for position, entry in enumerate(self.channels.entries):
            row = entry.form
            value, label = row.value.data or "", row.label.data or ""
            if not value.strip() and not label.strip():
                continue
            self._channel_rows.append(position)
            channels.append(ChannelData(row.kind.data or "", value, label, bool(row.is_24_7.data)))
        hours = []
        for entry in self.hours.entries:
            row = entry.form
            opens, closes = (row.opens.data or "").strip(), (row.closes.data or "").strip()
            if not row.days.data and not opens and not closes:
                continue
            hours.append({"days": list(row.days.data or []), "opens": opens, "closes": closes})
        return ContactData(
            country_code=(self.country.data or "").strip().upper(),
            area_slug=(self.area.data or "").strip(),
            organisation=self.organisation.data or "",
            unit=self.unit.data or "",
            position_title=self.position_title.data or "",
            holder_honorific=self.holder_honorific.data or "",
            holder_given_name=self.holder_given_name.data or "",
            holder_family_name=self.holder_family_name.data or "",
            is_vacant=bool(self.is_vacant.data),
            channels=channels,
            languages=parse_languages(self.languages.data),
            time_zone=self.time_zone.data or "",
            hours_24_7=bool(self.hours_24_7.data),
            hours=hours,
            postal_address=self.postal_address.data or "",
            city=self.city.data or "",
            notes=self.notes.data or "",
            nomination_reference=self.nomination_reference.data or "",
            nominated_on=self.nominated_on.data,
        )

    def apply_service_errors(self, errors: Mapping[str, list], skip_reported: bool = False) -> None:
        """Put each message of ``ValidationFailed.errors`` beside the field it is about.

        ``skip_reported``: leave out fields the form has already found a problem with.
        """
        aliases = {"country_code": "country", "area_slug": "area"}
        for key, messages in errors.items():
            if key.startswith("channels-") and key[len("channels-") :].isdigit():
                self._channel_errors(int(key[len("channels-") :]), messages, skip_reported)
                continue
            if key in self.list_errors:
                rows = getattr(self, key)
                if skip_reported and any(entry.errors for entry in rows.entries):
                    continue
                label = str(FIELD_LABELS[key])
                self.list_errors[key].extend(_readable(label, m) for m in messages)
                continue
            name = aliases.get(key, key)
            field = self._fields.get(name)
            if field is None or name in {"version", "csrf_token"}:
                label = str(FIELD_LABELS.get(key, key))
                self.form_errors.extend(_readable(label, m) for m in messages)
                continue
            if skip_reported and field.errors:
                continue
            field.errors = list(field.errors)
            field.errors.extend(_readable(str(field.label.text), m) for m in messages)

    def _channel_errors(self, index: int, messages: list, skip_reported: bool = False) -> None:
        # The service numbers the channels it was given; rows left empty were not given.
        if index >= len(self._channel_rows):
            label = str(FIELD_LABELS["channels"])
            self.list_errors["channels"].extend(_readable(label, m) for m in messages)
            return
        row = self.channels.entries[self._channel_rows[index]].form
        if skip_reported and (row.value.errors or row.label.errors):
            return
        kind = str(KIND_LABELS.get(row.kind.data or "", row.value.label.text))
        for message in messages:
            target = row.label if str(message).startswith("label ") else row.value
            target.errors = list(target.errors)
            target.errors.append(_readable(kind, message))

    def error_summary(self) -> list[tuple[str | None, str]]:
        """(id of the field to link to, message) for every error, in the order of the page."""
        items: list[tuple[str | None, str]] = []

        def add(field_id: str | None, label: str, errors: Any) -> None:
            for error in errors:
                text = str(error)
                items.append((field_id, text if text.startswith(label) else f"{label}: {text}"))

        for field in self:
            if isinstance(field, FieldList):
                row_label = (
                    _("Channel %(num)s") if field.name == "channels" else _("Period %(num)s")
                )
                for number, entry in enumerate(field.entries, start=1):
                    for sub in entry.form:
                        label = f"{row_label % {'num': number}}, {sub.label.text}"
                        add(sub.id, label, sub.errors)
                add(field.name, str(FIELD_LABELS[field.name]), self.list_errors[field.name])
            elif field.type in {"HiddenField", "CSRFTokenField"}:
                items.extend((None, str(error)) for error in field.errors)
            else:
                add(field.id, str(field.label.text), field.errors)
        items.extend((None, str(error)) for error in self.form_errors)
        return items

    # -- templates for rows added in the browser --------------------------------------------

    @staticmethod
    def channel_template() -> ChannelForm:
        return ChannelForm(prefix="channels-__index__-")

    @staticmethod
    def hours_template() -> HoursForm:
        return HoursForm(prefix="hours-__index__-")

    # -- comparing versions after a conflict ------------------------------------------------

    def as_snapshot(self) -> dict[str, Any]:
        """The submitted values in the shape of a recorded version, normalised where they can be
        (phones to E.164), so that they compare with what is stored."""
        data = self.to_contact_data()
        country = COUNTRY_BY_CODE.get(data.country_code)
        if country is not None:
            with suppress(ValidationFailed):  # else compare as typed; saving will say why
                data = clean_contact_data(data, country.phone_region)
        return {
            "country": data.country_code,
            "area": data.area_slug,
            "organisation": data.organisation,
            "unit": data.unit,
            "position_title": data.position_title,
            "holder_honorific": data.holder_honorific,
            "holder_given_name": data.holder_given_name,
            "holder_family_name": data.holder_family_name,
            "is_vacant": data.is_vacant,
            "channels": [
                {"kind": c.kind, "value": c.value, "label": c.label, "is_24_7": c.is_24_7}
                for c in data.channels
            ],
            "languages": list(data.languages),
            "time_zone": data.time_zone,
            "hours_24_7": data.hours_24_7,
            "hours": list(data.hours),
            "postal_address": data.postal_address,
            "city": data.city,
            "notes": data.notes,
            "nomination_reference": data.nomination_reference,
            "nominated_on": data.nominated_on.isoformat() if data.nominated_on else None,
        }


COMPARED_FIELDS = (
    "country",
    "area",
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
)


def describe(name: str, value: Any) -> str:
    """One field of a version as text people read."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if name == "country":
        country = COUNTRY_BY_CODE.get(str(value))
        return (country.names.get(lang()) or country.names["en"]) if country else str(value)
    if name == "area":
        area = next((area for area in AREAS if area.slug == value), None)
        return (area.names.get(lang()) or area.names["en"]) if area else str(value)
    if name == "channels":
        lines = []
        for channel in value:
            kind = channel.get("kind", "")
            shown = channel.get("value", "")
            if kind in KIND_LABELS and ChannelKind(kind).is_phone:
                shown = format_phone(shown)
            line = f"{KIND_LABELS.get(kind, kind)}: {shown}"
            if channel.get("label"):
                line += f" ({channel['label']})"
            if channel.get("is_24_7"):
                line += " · 24/7"
            lines.append(line)
        return "\n".join(lines)
    if name == "hours":
        return "\n".join(
            f"{day_range_names([int(d) for d in w.get('days', []) if str(d).isdigit()])} "
            f"{w.get('opens', '')}–{w.get('closes', '')}"
            for w in value
        )
    if name == "languages":
        return ", ".join(value)
    return str(value)


def compare_versions(
    mine: Mapping[str, Any], current: Mapping[str, Any], changed_since: set[str]
) -> list[ComparedField]:
    """The fields where the submitted version and the stored one differ, or that someone else
    changed after the form was opened."""
    rows = []
    for name in COMPARED_FIELDS:
        mine_text = describe(name, mine.get(name))
        current_text = describe(name, current.get(name))
        if mine_text != current_text or name in changed_since:
            rows.append(
                ComparedField(
                    name,
                    str(FIELD_LABELS.get(name, name)),
                    mine_text,
                    current_text,
                    name in changed_since,
                )
            )
    return rows
