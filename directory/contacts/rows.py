"""The rows of the contact form that repeat: channels and periods of office hours, and the
choices the form offers (time zones)."""

from __future__ import annotations

from typing import Any
from zoneinfo import available_timezones

from babel.dates import get_day_names
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    Field,
    Form,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from ..models import ChannelKind
from ..reference import COUNTRY_BY_CODE
from ..schemas.contact import CHANNEL_SPECS
from ..schemas.fields import Kind, Spec
from ..schemas.labels import KIND_LABELS
from ..services.validation import HHMM
from ..web.locale import lang


def length(limit: int) -> Length:
    return Length(max=limit, message=_l("Must be at most %(max)d characters."))


def plain_field(spec: Spec, **options: Any) -> Field:
    """The form field of a text, yes-or-no or choice field of the schema: its label, help and
    limit come from the spec. Choices are set by the form that shows it."""
    validators: list[Any] = list(options.pop("validators", []))
    if spec.limit:
        validators.append(length(spec.limit))
    common = {"description": spec.help or "", "validators": validators, **options}
    if spec.kind == Kind.FLAG:
        return BooleanField(spec.question, **common)
    if spec.kind == Kind.CHOICE:
        return SelectField(spec.question, validate_choice=False, **common)
    if spec.kind == Kind.LINES:
        return TextAreaField(spec.question, render_kw={"rows": spec.rows or 3}, **common)
    return StringField(spec.question, **common)


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice shown as a row of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


# One way to reach the contact. A plain Form: the contact form carries the CSRF token.
# validate_choice=False: the service says which kinds it accepts.
_CHANNEL_OPTIONS: dict[str, dict[str, Any]] = {
    "kind": {
        "choices": [SelectChoice(kind, label) for kind, label in KIND_LABELS.items()],
        "default": ChannelKind.PHONE.value,
    },
    "value": {"render_kw": {"autocomplete": "off"}},
}
ChannelForm = type(
    "ChannelForm",
    (Form,),
    {spec.name: plain_field(spec, **_CHANNEL_OPTIONS.get(spec.name, {})) for spec in CHANNEL_SPECS},
)


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
