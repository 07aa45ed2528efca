"""Whether a JSON body has the shape of a contact: every field of the right JSON type, down to
the members of its lists, before any value is read. Each problem has its path, in words a user
understands; nothing a client sends reaches the services in a shape they do not expect."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Any

from .contact import CHANNEL_SPECS, SPECS
from .fields import Kind, Spec

Problem = tuple[tuple[str | int, ...], str]
WINDOW_TYPES = {"days": list, "opens": str, "closes": str}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
WRITTEN = {spec.name: spec for spec in SPECS if spec.in_api}
CHANNEL_FIELDS = {spec.name: spec for spec in CHANNEL_SPECS}


def _is(value: Any, kind: type) -> bool:
    """JSON's types: true is no number, and a number no text."""
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, kind)


def _described(kind: type) -> str:
    return {str: "text", bool: "true or false", int: "a whole number", list: "a list"}.get(
        kind, "an object"
    )


def _scalar(spec: Spec, path: tuple[str | int, ...], value: Any) -> Iterator[Problem]:
    if spec.kind in (Kind.TEXT, Kind.LINES, Kind.CHOICE):
        if not _is(value, str):
            yield path, "must be text"
    elif spec.kind == Kind.FLAG:
        if not _is(value, bool):
            yield path, "must be true or false"
    elif spec.kind == Kind.NUMBER:
        if value is not None and not _is(value, int):
            yield path, "must be a whole number"
    elif spec.kind == Kind.DATE and value is not None:
        if not _is(value, str) or not ISO_DATE.match(value):
            yield path, "must be a date written YYYY-MM-DD, or null"
        else:
            try:
                date.fromisoformat(value)
            except ValueError:
                yield path, "is not a date of the calendar"


def _members(spec: Spec, value: Any) -> Iterator[Problem]:
    name = spec.name
    if not _is(value, list):
        yield (name,), "must be a list"
        return
    for index, item in enumerate(value):
        if spec.kind == Kind.LANGUAGES:
            if not _is(item, str):
                yield (name, index), "must be a two-letter language code, as text"
            continue
        if not isinstance(item, dict):
            yield (name, index), "must be an object"
            continue
        known = CHANNEL_FIELDS if spec.kind == Kind.CHANNELS else WINDOW_TYPES
        for key in sorted(set(item) - set(known)):
            yield (name, index, key), f"“{key}” is not a part of {name}: use {', '.join(known)}"
        if spec.kind == Kind.CHANNELS:
            for part in CHANNEL_SPECS:
                where = (name, index, part.name)
                if part.name in item:
                    for path, message in _scalar(part, where, item[part.name]):
                        yield path, f"{part.name} {message}"
                elif part.required:
                    yield where, f"{part.name} is required"
            continue
        for key, kind in WINDOW_TYPES.items():
            if key in item and not _is(item[key], kind):
                yield (name, index, key), f"{key} must be {_described(kind)}"
        days = item.get("days")
        if isinstance(days, list) and not all(_is(day, int) for day in days):
            yield (name, index, "days"), "days must be whole numbers, Monday = 0 to Sunday = 6"


def shape_problems(body: dict[str, Any]) -> list[Problem]:
    """What is wrong with the shape of a contact given as JSON (its written fields only)."""
    problems: list[Problem] = []
    for name, value in body.items():
        spec = WRITTEN.get(name)
        if spec is None:
            problems.append(((name,), "is not a field of a contact"))
        elif spec.kind in (Kind.LANGUAGES, Kind.CHANNELS, Kind.HOURS):
            problems.extend(_members(spec, value))
        else:
            problems.extend(_scalar(spec, (name,), value))
    return problems
