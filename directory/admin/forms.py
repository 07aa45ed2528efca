from __future__ import annotations

import re
from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ..models import Entity, Role

ROLE_LABELS = {
    Role.ADMIN.value: _l("Administrator"),
    Role.EDITOR.value: _l("Editor (one member state)"),
    Role.VIEWER.value: _l("Viewer"),
}
ROLE_CHOICES = [SelectChoice(role, label) for role, label in ROLE_LABELS.items()]
ENTITY_LABELS = {Entity.CONTACT.value: _l("Contacts"), Entity.USER.value: _l("Users")}
USER_FIELD_LABELS = {
    "email": _l("E-mail"),
    "name": _l("Name"),
    "role": _l("Role"),
    "country": _l("Member state"),
    "is_active": _l("Active"),
}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def state_choices(countries: list[tuple[str, str]], empty_label: str) -> list[SelectChoice]:
    return [SelectChoice("", empty_label), *(SelectChoice(code, name) for code, name in countries)]


class UserForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[Length(max=200)],
        description=_l("As colleagues know the person; shown in the history of their edits."),
    )
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, default=Role.VIEWER.value)
    country = SelectField(
        _l("Member state"),
        choices=[],  # set by the view: the states in the reader's language
        default="",
        description=_l(
            "Required for editors: they keep the entries of this state current. "
            "Administrators and viewers see every state."
        ),
    )

    def validate_country(self, field: SelectField) -> None:
        if self.role.data == Role.EDITOR.value and not field.data:
            raise ValidationError(
                _l("Choose the member state this editor keeps current: an editor belongs to one.")
            )


class NewUserForm(UserForm):
    email = EmailField(
        _l("E-mail"),
        validators=[DataRequired(_l("Enter the person's e-mail address.")), Length(max=320)],
        render_kw={"autocomplete": "off"},
        description=_l("They sign in with it; it cannot be changed later."),
    )


class ActiveForm(FlaskForm):
    active = HiddenField()  # "1" reactivates, "0" deactivates


class LinkForm(FlaskForm):
    purpose = HiddenField()  # "invite" | "reset"


class SecurityForm(FlaskForm):
    admin = BooleanField(_l("Administrators must use a second factor (TOTP)"))
    editor = BooleanField(_l("Editors must use a second factor (TOTP)"))
    viewer = BooleanField(_l("Viewers must use a second factor (TOTP)"))


def _iso_date(form: FlaskForm, field: StringField) -> None:
    text = (field.data or "").strip()
    if not text:
        field.data = ""
        return
    try:
        if not ISO_DATE.match(text):
            raise ValueError(text)
        date.fromisoformat(text)
    except ValueError as exc:
        raise ValidationError(_l("Enter the date as YYYY-MM-DD, for example 2025-03-31.")) from exc


def parsed_date(field: StringField) -> date | None:
    text = (field.data or "").strip()
    return date.fromisoformat(text) if text else None


class FilterForm(FlaskForm):
    """Filters read from the query string: no CSRF token, they change nothing."""

    class Meta:
        csrf = False


class UserFilterForm(FilterForm):
    role = SelectField(
        _l("Role"), choices=[SelectChoice("", _l("Any role")), *ROLE_CHOICES], default=""
    )
    country = SelectField(_l("Member state"), choices=[], default="")


class AuditFilterForm(FilterForm):
    country = SelectField(_l("Member state"), choices=[], default="")
    user = StringField(
        _l("User (e-mail)"),
        validators=[Optional(), Length(max=320)],
        description=_l("Exactly as it appears in the log."),
    )
    date_from = StringField(
        _l("From (UTC)"),
        validators=[_iso_date],
        render_kw={"type": "date", "placeholder": "YYYY-MM-DD"},
    )
    date_to = StringField(
        _l("To (UTC, included)"),
        validators=[_iso_date],
        render_kw={"type": "date", "placeholder": "YYYY-MM-DD"},
    )
    entity = SelectField(
        _l("Kind"),
        choices=[
            SelectChoice("", _l("Contacts and users")),
            *(SelectChoice(value, label) for value, label in ENTITY_LABELS.items()),
        ],
        default="",
    )

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        start, end = parsed_date(self.date_from), parsed_date(self.date_to)
        if start and end and end < start:
            self.date_to.errors = [_l("The end date is before the start date.")]
            return False
        return True
