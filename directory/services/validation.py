"""Checking and normalising contact input: phones to E.164, e-mail syntax, hours, lengths."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
import pycountry
from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l

from ..models import ChannelKind
from .errors import ValidationFailed

LIMITS = {
    "organisation": 200,
    "unit": 200,
    "position_title": 200,
    "holder_honorific": 40,
    "holder_given_name": 120,
    "holder_family_name": 120,
    "city": 120,
    "postal_address": 1000,
    "notes": 4000,
    "nomination_reference": 200,
    "channel_label": 120,
    "channel_value": 320,
}
MAX_CHANNELS = 20
MULTILINE_FIELDS = ("postal_address", "notes")
TEXT_FIELDS = (
    "organisation",
    "unit",
    "position_title",
    "holder_honorific",
    "holder_given_name",
    "holder_family_name",
    "city",
    "nomination_reference",
    *MULTILINE_FIELDS,
)
HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


@dataclass
class ChannelData:
    kind: str
    value: str
    label: str = ""
    is_24_7: bool = False


@dataclass
class ContactData:
    """Everything an editor can set on a contact, as forms, the API and CSV give it."""

    country_code: str
    area_slug: str
    organisation: str
    position_title: str
    time_zone: str
    unit: str = ""
    rank: int | None = None  # None: after the last one of that state and area
    holder_honorific: str = ""
    holder_given_name: str = ""
    holder_family_name: str = ""
    is_vacant: bool = False
    channels: list[ChannelData] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    hours_24_7: bool = False
    hours: list[dict] = field(default_factory=list)
    postal_address: str = ""
    city: str = ""
    notes: str = ""
    nomination_reference: str = ""
    nominated_on: date | None = None


def _clean_text(value: str, *, multiline: bool = False) -> str:
    """Strip, normalise to NFC, and drop control characters (keeping newlines if multiline)."""
    value = unicodedata.normalize("NFC", value or "")
    kept = []
    for char in value:
        if char == "\n" and multiline:
            kept.append(char)
        elif unicodedata.category(char) == "Cc":
            kept.append(" " if char in "\t\r\n" else "")
        else:
            kept.append(char)
    text = "".join(kept)
    if multiline:
        return "\n".join(line.strip() for line in text.strip().splitlines())
    return " ".join(text.split())


def normalise_phone(raw: str, region: str) -> str:
    """E.164 for a number as people write it, read in the state's region; ValueError if invalid."""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as exc:
        raise ValueError(_l("is not a phone number")) from exc
    if not phonenumbers.is_valid_number(number):
        raise ValueError(_l("is not a valid phone number for this state"))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_email(raw: str) -> str:
    try:
        result = validate_email(raw, check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValueError(_l("is not a valid e-mail address")) from exc
    return result.normalized


def is_language_code(code: str) -> bool:
    return len(code) == 2 and pycountry.languages.get(alpha_2=code) is not None


def clean_contact_data(data: ContactData, phone_region: str) -> ContactData:
    """A normalised copy of ``data``, or ValidationFailed naming every bad field."""
    errors: dict[str, list] = {}

    def fail(name: str, message: object) -> None:
        errors.setdefault(name, []).append(message)

    texts: dict[str, str] = {}
    for name in TEXT_FIELDS:
        texts[name] = _clean_text(getattr(data, name), multiline=name in MULTILINE_FIELDS)
        if len(texts[name]) > LIMITS[name]:
            fail(name, _l("must be at most %(n)s characters", n=LIMITS[name]))
    for name in ("organisation", "position_title"):
        if not texts[name]:
            fail(name, _l("is required"))
    has_holder = bool(texts["holder_given_name"] or texts["holder_family_name"])
    if data.is_vacant and has_holder:
        fail("is_vacant", _l("a vacant post has no holder: clear the names or untick vacant"))

    if data.rank is not None and not (1 <= data.rank <= 99):
        fail("rank", _l("must be between 1 and 99"))

    try:
        ZoneInfo(data.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        fail("time_zone", _l("is not a known time zone"))

    languages: list[str] = []
    for code in data.languages:
        code = (code or "").strip().lower()
        if not is_language_code(code):
            fail("languages", _l("“%(code)s” is not a two-letter language code", code=code))
        elif code not in languages:
            languages.append(code)

    hours: list[dict] = []
    if not data.hours_24_7:
        for window in data.hours:
            days = sorted({int(day) for day in window.get("days", []) if str(day).isdigit()})
            opens, closes = str(window.get("opens", "")), str(window.get("closes", ""))
            if not days or any(day > 6 for day in days):
                fail("hours", _l("each period needs days of the week"))
            elif not HHMM.match(opens) or not HHMM.match(closes):
                fail("hours", _l("times are written HH:MM, 00:00 to 23:59"))
            elif opens == closes:
                fail("hours", _l("a period cannot open and close at the same time"))
            else:
                hours.append({"days": days, "opens": opens, "closes": closes})

    channels: list[ChannelData] = []
    if len(data.channels) > MAX_CHANNELS:
        fail("channels", _l("at most %(n)s channels", n=MAX_CHANNELS))
    for index, channel in enumerate(data.channels[:MAX_CHANNELS]):
        where = f"channels-{index}"
        value = _clean_text(channel.value)
        label = _clean_text(channel.label)
        if len(label) > LIMITS["channel_label"]:
            fail(where, _l("label must be at most %(n)s characters", n=LIMITS["channel_label"]))
        if not value:
            fail(where, _l("a value is required"))
            continue
        if len(value) > LIMITS["channel_value"]:
            fail(where, _l("must be at most %(n)s characters", n=LIMITS["channel_value"]))
            continue
        try:
            kind = ChannelKind(channel.kind)
        except ValueError:
            fail(where, _l("“%(kind)s” is not a kind of channel", kind=channel.kind))
            continue
        try:
            if kind.is_phone:
                value = normalise_phone(value, phone_region)
            elif kind == ChannelKind.EMAIL:
                value = normalise_email(value)
            elif kind == ChannelKind.WEBSITE and not URL.match(value):
                raise ValueError(_l("must start with http:// or https://"))
        except ValueError as exc:
            fail(where, str(exc))
            continue
        channels.append(ChannelData(kind.value, value, label, bool(channel.is_24_7)))

    if errors:
        raise ValidationFailed(errors)
    return ContactData(
        country_code=data.country_code.upper(),
        area_slug=data.area_slug,
        rank=data.rank,
        is_vacant=bool(data.is_vacant) and not has_holder,
        channels=channels,
        languages=languages,
        time_zone=data.time_zone,
        hours_24_7=bool(data.hours_24_7),
        hours=hours,
        nominated_on=data.nominated_on,
        **texts,
    )
