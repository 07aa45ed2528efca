"""How a field of an entity is declared: its kind, limits, label, and where it is written.

An entity is a dataclass whose fields carry a ``Spec`` in their metadata (``declare`` and the
shorthands below make such fields). Everything that lists an entity's fields (forms, the API and
its OpenAPI description, CSV columns, snapshots, the conflict view, labels) reads the specs with
``specs_of`` instead of writing the list again. Pure: no database, no Flask request.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any

SPEC = "directory.spec"


class Kind(enum.StrEnum):
    """What a value is; each kind has one way into and out of a snapshot, JSON and a cell."""

    TEXT = "text"  # one line
    LINES = "lines"  # several lines (an address, notes)
    CHOICE = "choice"  # one of a list the page offers (a state, an area, a time zone)
    FLAG = "flag"  # yes or no
    NUMBER = "number"  # a whole number, or none
    DATE = "date"  # a day, or none
    MOMENT = "moment"  # a UTC time, or none (kept by the directory)
    LANGUAGES = "languages"  # ISO 639-1 codes
    CHANNELS = "channels"  # ways to reach the contact
    HOURS = "hours"  # periods of the week, local time


@dataclass(frozen=True, slots=True)
class Spec:
    """One field: everything the layers need to know about it, declared once.

    ``label`` is the field's short name (history, errors, the conflict view); the form may ask
    with ``form_label`` and explain with ``help``; ``prompt`` is what the form says when a
    required field is left empty. ``read`` takes the value from a stored object when the
    attribute of the same name is not it (a contact's state is ``country_code``)."""

    kind: Kind
    label: Any  # a lazy translation
    limit: int = 0  # most characters; 0: no limit of its own
    required: bool = False
    form_label: Any = None
    help: Any = None
    prompt: Any = None
    rows: int = 0  # lines shown for a LINES field
    in_form: bool = True
    in_api: bool = True
    in_csv: bool = True
    compared: bool = True  # shown side by side after a conflicting edit
    searchable: str = ""  # where search finds its words: "name", "main" or "other"
    read: Callable[[Any], Any] | None = None
    choices: tuple[str, ...] = ()  # the values a CHOICE may take, where the schema knows them
    canonical: Callable[[str], str] | None = None  # how a CHOICE is written (JM, not jm)
    name: str = ""  # set by specs_of

    @property
    def question(self) -> Any:
        return self.form_label or self.label

    def value_of(self, stored: Any) -> Any:
        """The field's value on a stored object (a row or a record), as the entity holds it."""
        return self.read(stored) if self.read else getattr(stored, self.name)


def declare(spec: Spec, default: Any = None, factory: Callable[[], Any] | None = None) -> Any:
    """A dataclass field carrying ``spec``."""
    if factory is not None:
        return dataclasses.field(default_factory=factory, metadata={SPEC: spec})
    return dataclasses.field(default=default, metadata={SPEC: spec})


def text(label: Any, limit: int, **options: Any) -> Any:
    return declare(Spec(Kind.TEXT, label, limit, **options), "")


def lines(label: Any, limit: int, **options: Any) -> Any:
    return declare(Spec(Kind.LINES, label, limit, **options), "")


def choice(label: Any, **options: Any) -> Any:
    return declare(Spec(Kind.CHOICE, label, **options), "")


def flag(label: Any, **options: Any) -> Any:
    return declare(Spec(Kind.FLAG, label, **options), False)


def number(label: Any, **options: Any) -> Any:
    return declare(Spec(Kind.NUMBER, label, **options), None)


def day(label: Any, **options: Any) -> Any:
    return declare(Spec(Kind.DATE, label, **options), None)


def moment(label: Any, **options: Any) -> Any:
    return declare(Spec(Kind.MOMENT, label, **options), None)


def many(kind: Kind, label: Any, **options: Any) -> Any:
    return declare(Spec(kind, label, **options), factory=list)


def written_canonically(entity: Any) -> None:
    """Write an entity's choices the one way they are stored (a state's code in capitals, an
    area's slug in small letters), whoever made it: a form, a file, a request or a test."""
    for spec in specs_of(type(entity)):
        value = getattr(entity, spec.name)
        if spec.canonical is not None and isinstance(value, str):
            object.__setattr__(entity, spec.name, spec.canonical(value.strip()))


def specs_of(entity: type) -> tuple[Spec, ...]:
    """The specs of a declared dataclass, in the order of its fields, each with its name."""
    return _specs_of(entity)


# Cached: forms, validation and exports ask for a class's specs on every use; a class's fields
# never change once it is made, so the answer is never stale.
@cache
def _specs_of(entity: type) -> tuple[Spec, ...]:
    return tuple(
        dataclasses.replace(field.metadata[SPEC], name=field.name)
        for field in dataclasses.fields(entity)
        if SPEC in field.metadata
    )


# --- values into and out of snapshots (plain JSON data) ----------------------------------------


def dump(spec: Spec, value: Any, dump_item: Callable[[Any], Any] = dict) -> Any:
    """A value as a snapshot (and the API) holds it."""
    if spec.kind in (Kind.DATE, Kind.MOMENT):
        return value.isoformat() if value else None
    if spec.kind == Kind.CHANNELS:
        return [dump_item(item) for item in value or []]
    if spec.kind == Kind.HOURS:
        return [dict(window) for window in value or []]
    if spec.kind == Kind.LANGUAGES:
        return list(value or [])
    return value


def load(spec: Spec, value: Any, load_item: Callable[[Any], Any] = dict) -> Any:
    """A snapshot's value as the entity holds it; TypeError or ValueError if it cannot be."""
    if spec.kind == Kind.DATE:
        return date.fromisoformat(value) if value else None
    if spec.kind == Kind.MOMENT:
        return datetime.fromisoformat(value) if value else None
    if spec.kind == Kind.CHANNELS:
        return [load_item(item) for item in value or []]
    if spec.kind in (Kind.HOURS, Kind.LANGUAGES):
        return list(value or [])
    if spec.kind == Kind.FLAG:
        return bool(value)
    if spec.kind in (Kind.TEXT, Kind.LINES, Kind.CHOICE):
        return value or ""
    return value


# --- JSON: the OpenAPI description ---------------------------


def openapi_property(spec: Spec, items: dict[Kind, dict[str, Any]]) -> dict[str, Any]:
    """The field in OpenAPI 3.1; ``items`` describes the members of list kinds."""
    described: dict[str, Any]
    if spec.kind in (Kind.TEXT, Kind.LINES, Kind.CHOICE):
        described = {"type": "string"}
        if spec.limit:
            described["maxLength"] = spec.limit
    elif spec.kind == Kind.FLAG:
        described = {"type": "boolean"}
    elif spec.kind == Kind.NUMBER:
        described = {"type": ["integer", "null"], "minimum": 1}
    elif spec.kind == Kind.DATE:
        described = {"type": ["string", "null"], "format": "date"}
    elif spec.kind == Kind.MOMENT:
        described = {"type": ["string", "null"], "format": "date-time"}
    else:
        described = {"type": "array", "items": items[spec.kind]}
    if spec.choices:
        described["enum"] = list(spec.choices)
    if spec.help:
        described["description"] = str(spec.help)
    return described
