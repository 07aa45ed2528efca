"""The contact form: one form for creating and editing, with rows of channels and of hours.

Its fields are made from the contact schema (``schemas.contact``): each field's label, help,
limit and whether it is required come from there. The form checks shape (lengths, dates, times
written HH:MM) so that people get an answer beside the field at once; the services are the real
check, and their errors are placed beside the field their path names.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from contextlib import suppress
from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import DateField, FieldList, FormField, HiddenField, SelectChoice
from wtforms.validators import DataRequired, Optional, ValidationError

from ..formats.phones import format_phone
from ..models import ChannelKind, Contact, Role
from ..reference import AREAS, COUNTRIES, COUNTRY_BY_CODE
from ..schemas.contact import (
    CHANNEL_SPECS,
    MAX_CHANNELS,
    ChannelData,
    ContactData,
    snapshot,
    snapshot_of_data,
)
from ..schemas.fields import Kind, Spec, specs_of
from ..schemas.labels import FIELD_LABELS, KIND_LABELS
from ..services.actors import Actor
from ..services.errors import Path, ValidationFailed
from ..services.validation import clean_contact_data
from ..text import fold
from ..web.locale import lang
from .rows import ChannelForm, HoursForm, plain_field, time_zone_choices

MAX_HOURS_ROWS = 14  # two periods a day is already unusual
ROWS = {Kind.CHANNELS: "channel", Kind.HOURS: "hours"}  # the lists of rows, by their buttons


def parse_languages(text: str | None) -> list[str]:
    return [part for part in re.split(r"[\s,;/]+", (text or "").strip()) if part]


def _readable(label: str, message: object) -> str:
    """A service message ("is required") as a sentence that names its field."""
    text = str(message).strip()
    named = text.startswith(("is ", "must "))
    text = f"{label} {text}" if named else text[:1].upper() + text[1:]
    return text if text.endswith(".") else text + "."


def form_field(spec: Spec) -> Any:
    """The form field of one field of the schema."""
    if spec.kind == Kind.CHANNELS:
        return FieldList(FormField(ChannelForm), min_entries=1, max_entries=MAX_CHANNELS)
    if spec.kind == Kind.HOURS:
        return FieldList(FormField(HoursForm), min_entries=1, max_entries=MAX_HOURS_ROWS)
    if spec.kind == Kind.DATE:
        return DateField(spec.question, validators=[Optional()], description=spec.help or "")
    required = [DataRequired(spec.prompt)] if spec.required and spec.prompt else []
    return plain_field(spec, validators=required)


class ContactFormBase(FlaskForm):
    """What every contact form does; ``contact_form_class`` adds the schema's fields."""

    specs: tuple[Spec, ...] = ()
    version = HiddenField()

    def __init__(self, *args: Any, actor: Actor, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.editing = editing
        # An editor works on their own state only: the page shows it, the field is hidden.
        self.country_is_fixed = actor.role == Role.EDITOR
        self.list_errors: dict[str, list[str]] = {
            spec.name: [] for spec in self.specs if spec.kind in ROWS
        }
        self._channel_rows: list[int] = []
        language = lang()
        countries = sorted(COUNTRIES, key=lambda country: fold(country.names.get(language, "")))
        self["country"].choices = [SelectChoice("", _("Choose a member state"))] + [
            SelectChoice(country.code, country.names.get(language) or country.names["en"])
            for country in countries
        ]
        self["area"].choices = [SelectChoice("", _("Choose a mandate area"))] + [
            SelectChoice(area.slug, area.names.get(language) or area.names["en"])
            for area in sorted(AREAS, key=lambda area: area.position)
        ]
        self["time_zone"].choices = time_zone_choices(self["country"].data, self["time_zone"].data)

    # -- populating -------------------------------------------------------------------------

    @classmethod
    def blank(cls, *, actor: Actor, country: str, area: str) -> ContactFormBase:
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
    def from_snapshot(cls, state: Mapping[str, Any], *, actor: Actor) -> ContactFormBase:
        """An edit form filled from a recorded version (``schemas.contact.snapshot``)."""
        data: dict[str, Any] = {spec.name: _shown(spec, state.get(spec.name)) for spec in cls.specs}
        data["version"] = str(state.get("version") or "")
        return cls(formdata=None, data=data, actor=actor, editing=True)

    @classmethod
    def from_contact(cls, contact: Contact, *, actor: Actor) -> ContactFormBase:
        return cls.from_snapshot(snapshot(contact), actor=actor)

    # -- the buttons that work without JavaScript ------------------------------------------

    def handle_row_buttons(self, formdata: Mapping[str, str]) -> bool:
        """Add or remove a channel or hours row if such a button was pressed; True if so."""
        for spec in self.specs:
            if spec.kind not in ROWS:
                continue
            rows, singular = self[spec.name], ROWS[spec.kind]
            if f"add_{singular}" in formdata:
                if rows.max_entries and len(rows.entries) >= rows.max_entries:
                    self.list_errors[spec.name].append(
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
        country = COUNTRY_BY_CODE.get((self["country"].data or "").upper())
        if country is not None:
            try:
                clean_contact_data(self.to_contact_data(), country.phone_region)
            except ValidationFailed as failed:
                self.apply_service_errors(failed, skip_reported=True)
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
        return self.entity(**{spec.name: self._typed(spec) for spec in self.specs})

    def _typed(self, spec: Spec) -> Any:
        field = self[spec.name]
        if spec.kind == Kind.CHANNELS:
            return self._typed_channels()
        if spec.kind == Kind.HOURS:
            hours = []
            for entry in field.entries:
                row = entry.form
                opens, closes = (row.opens.data or "").strip(), (row.closes.data or "").strip()
                if row.days.data or opens or closes:
                    hours.append(
                        {"days": list(row.days.data or []), "opens": opens, "closes": closes}
                    )
            return hours
        if spec.kind == Kind.LANGUAGES:
            return parse_languages(field.data)
        if spec.kind == Kind.FLAG:
            return bool(field.data)
        if spec.kind == Kind.DATE:
            return field.data
        if spec.kind == Kind.CHOICE:
            return (field.data or "").strip()
        return field.data or ""

    def _typed_channels(self) -> list[ChannelData]:
        channels: list[ChannelData] = []
        self._channel_rows = []
        for position, entry in enumerate(self["channels"].entries):
            row = entry.form
            if not (row.value.data or "").strip() and not (row.label.data or "").strip():
                continue
            self._channel_rows.append(position)
            typed: dict[str, Any] = {
                spec.name: bool(row[spec.name].data)
                if spec.kind == Kind.FLAG
                else row[spec.name].data or ""
                for spec in CHANNEL_SPECS
            }
            channels.append(ChannelData(**typed))
        return channels

    def apply_service_errors(self, failed: ValidationFailed, skip_reported: bool = False) -> None:
        """Put each problem of ``failed`` beside the field its path names.

        ``skip_reported``: leave out fields the form has already found a problem with.
        """
        for path, message in failed.problems:
            self._place(path, message, skip_reported)

    def _place(self, path: Path, message: object, skip_reported: bool) -> None:
        name = str(path[0])
        if len(path) > 2 and name == "channels" and isinstance(path[1], int):
            self._channel_error(path[1], str(path[2]), message, skip_reported)
            return
        if name in self.list_errors:
            rows = self[name]
            if skip_reported and any(entry.errors for entry in rows.entries):
                return
            self.list_errors[name].append(_readable(str(FIELD_LABELS[name]), message))
            return
        field = self._fields.get(name)
        if field is None or name in {"version", "csrf_token"}:
            self.form_errors.append(_readable(str(FIELD_LABELS.get(name, name)), message))
            return
        if skip_reported and field.errors:
            return
        field.errors = [*field.errors, _readable(str(field.label.text), message)]

    def _channel_error(self, index: int, part: str, message: object, skip_reported: bool) -> None:
        # The service numbers the channels it was given; rows left empty were not given.
        if index >= len(self._channel_rows):
            label = str(FIELD_LABELS["channels"])
            self.list_errors["channels"].append(_readable(label, message))
            return
        row = self["channels"].entries[self._channel_rows[index]].form
        target = row.label if part == "label" else row.value
        if skip_reported and target.errors:
            return
        kind = str(KIND_LABELS.get(row.kind.data or "", row.value.label.text))
        target.errors = [*target.errors, _readable(kind, message)]

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
    def channel_template() -> Any:
        return ChannelForm(prefix="channels-__index__-")

    @staticmethod
    def hours_template() -> HoursForm:
        return HoursForm(prefix="hours-__index__-")

    # -- comparing versions after a conflict ------------------------------------------------

    def as_snapshot(self) -> dict[str, Any]:
        """The submitted values in the shape of a recorded version, normalised where they can be
        (phones to E.164), so that they compare with what is stored."""
        data = self.to_contact_data()
        country = COUNTRY_BY_CODE.get(data.country)
        if country is not None:
            with suppress(ValidationFailed):  # else compare as typed; saving will say why
                data = clean_contact_data(data, country.phone_region)
        return snapshot_of_data(data, self.specs)


def _shown(spec: Spec, value: Any) -> Any:
    """A snapshot's value as the form shows it."""
    if spec.kind == Kind.CHANNELS:
        return [
            {
                **channel,
                "value": format_phone(channel["value"])
                if ChannelKind(channel["kind"]).is_phone
                else channel["value"],
            }
            for channel in value or []
        ]
    if spec.kind == Kind.HOURS:
        return [{**window, "days": list(window["days"])} for window in value or []]
    if spec.kind == Kind.LANGUAGES:
        return ", ".join(value or [])
    if spec.kind == Kind.FLAG:
        return bool(value)
    if spec.kind == Kind.DATE:
        return date.fromisoformat(value) if value else None
    return value or ""


def contact_form_class(entity: type = ContactData) -> type[ContactFormBase]:
    """The form of a declared entity: one field per schema field the form writes."""
    specs = tuple(spec for spec in specs_of(entity) if spec.in_form)
    fields = {spec.name: form_field(spec) for spec in specs}
    return type(
        f"{entity.__name__}Form",
        (ContactFormBase,),
        {**fields, "specs": specs, "entity": entity},
    )


ContactForm = contact_form_class()
