"""The time a request sees, and times and days written in the page's language."""

from __future__ import annotations

from datetime import datetime

from babel.dates import format_datetime as babel_format_datetime
from babel.dates import get_day_names
from flask import current_app, g

from ..models.base import utcnow
from ..models.hours import group_days
from .locale import lang


def now() -> datetime:
    """The time a request sees; tests freeze it with the FROZEN_NOW setting."""
    return g.get("now") or current_app.config.get("FROZEN_NOW") or utcnow()


def local_clock(moment: datetime, pattern: str = "EEE HH:mm") -> str:
    """A local time as the page's language writes it ("Tue 14:05")."""
    return babel_format_datetime(moment, pattern, tzinfo=moment.tzinfo, locale=lang())


def format_utc(moment: datetime | None, pattern: str = "d MMM y, HH:mm") -> str:
    if moment is None:
        return ""
    return babel_format_datetime(moment, pattern, tzinfo=moment.tzinfo, locale=lang()) + " UTC"


def day_range_names(days: list[int]) -> str:
    """Days of the week as runs: "Mon–Fri, Sun"."""
    names = get_day_names("abbreviated", locale=lang())
    parts = []
    for first, last in group_days(days):
        parts.append(names[first] if first == last else f"{names[first]}–{names[last]}")
    return ", ".join(parts)
