"""Checking and normalising contact input: phones to E.164, e-mail syntax, hours, lengths."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import replace
from typing import Any
from zoneinfo import available_timezones

import phonenumbers
import pycountry
from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l

from ..models import ChannelKind
from ..schemas.contact import (
    CHANNEL_LIMITS,
    MAX_CHANNELS,
    ChannelData,
    ContactData,
)
from ..schemas.fields import Kind, specs_of
from .errors import Path, ValidationFailed

# The IANA zones of the installed database, but its placeholders (Factory, localtime): a
# constant of the process, as the database it is read from.
TIME_ZONES = frozenset(available_timezones()) - {"Factory", "localtime", "posixrules"}
HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
__all__ = ["MAX_CHANNELS", "ChannelData", "ContactData", "clean_contact_data"]


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
    """A normalised copy of ``data``, or ValidationFailed naming every bad field by its path."""
    problems: list[tuple[Path, object]] = []

    def fail(path: Path, message: object) -> None:
        problems.append((path, message))

    texts: dict[str, Any] = {}
    for spec in specs_of(type(data)):
        if spec.kind not in (Kind.TEXT, Kind.LINES):
            continue
        texts[spec.name] = _clean_text(getattr(data, spec.name), multiline=spec.kind == Kind.LINES)
        if len(texts[spec.name]) > spec.limit:
            fail((spec.name,), _l("must be at most %(n)s characters", n=spec.limit))
        elif spec.required and not texts[spec.name]:
            fail((spec.name,), _l("is required"))
    has_holder = bool(texts["holder_given_name"] or texts["holder_family_name"])
    if data.is_vacant and has_holder:
        fail(("is_vacant",), _l("a vacant post has no holder: clear the names or untick vacant"))

    if data.rank is not None and not (1 <= data.rank <= 99):
        fail(("rank",), _l("must be between 1 and 99"))

    if data.time_zone not in TIME_ZONES:
        fail(("time_zone",), _l("is not a known time zone"))

    languages: list[str] = []
    for code in data.languages:
        code = (code or "").strip().lower()
        if not is_language_code(code):
            fail(("languages",), _l("“%(code)s” is not a two-letter language code", code=code))
        elif code not in languages:
            languages.append(code)

    hours: list[dict] = []
    if not data.hours_24_7:
        for window in data.hours:
            days = sorted({int(day) for day in window.get("days") or [] if str(day).isdigit()})
            opens, closes = str(window.get("opens", "")), str(window.get("closes", ""))
            if not days or any(day > 6 for day in days):
                fail(("hours",), _l("each period needs days of the week"))
            elif not HHMM.match(opens) or not HHMM.match(closes):
                fail(("hours",), _l("times are written HH:MM, 00:00 to 23:59"))
            elif opens == closes:
                fail(("hours",), _l("a period cannot open and close at the same time"))
            else:
                hours.append({"days": days, "opens": opens, "closes": closes})

    channels: list[ChannelData] = []
    if len(data.channels) > MAX_CHANNELS:
        fail(("channels",), _l("at most %(n)s channels", n=MAX_CHANNELS))

    def fail_in(index: int) -> Callable[[str, object], None]:
        return lambda part, message: fail(("channels", index, part), message)

    for index, channel in enumerate(data.channels[:MAX_CHANNELS]):
        cleaned = _clean_channel(channel, phone_region, fail_in(index))
        if cleaned is not None:
            channels.append(cleaned)

    if problems:
        raise ValidationFailed(problems=problems)
    return replace(
        data,
        is_vacant=bool(data.is_vacant) and not has_holder,
        channels=channels,
        languages=languages,
        hours_24_7=bool(data.hours_24_7),
        hours=hours,
        **texts,
    )


def _clean_channel(
    channel: ChannelData, phone_region: str, fail: Callable[[str, object], None]
) -> ChannelData | None:
    """One channel normalised, or None after ``fail(part, message)`` for what is wrong."""
    value = _clean_text(channel.value)
    label = _clean_text(channel.label)
    if len(label) > CHANNEL_LIMITS["label"]:
        fail("label", _l("label must be at most %(n)s characters", n=CHANNEL_LIMITS["label"]))
    if not value:
        fail("value", _l("a value is required"))
        return None
    if len(value) > CHANNEL_LIMITS["value"]:
        fail("value", _l("must be at most %(n)s characters", n=CHANNEL_LIMITS["value"]))
        return None
    try:
        kind = ChannelKind(channel.kind)
    except ValueError:
        fail("kind", _l("“%(kind)s” is not a kind of channel", kind=channel.kind))
        return None
    try:
        if kind.is_phone:
            value = normalise_phone(value, phone_region)
        elif kind == ChannelKind.EMAIL:
            value = normalise_email(value)
        elif kind == ChannelKind.WEBSITE and not URL.match(value):
            raise ValueError(_l("must start with http:// or https://"))
    except ValueError as exc:
        fail("value", str(exc))
        return None
    return ChannelData(kind.value, value, label, bool(channel.is_24_7))
