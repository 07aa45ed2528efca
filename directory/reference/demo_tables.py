"""The demo directory's tables, read from ``data/demo/`` into typed records, and the stable
choice among their rows that makes the demo look varied yet come out the same on every run.

``data/demo/README.md`` describes each file. Everything in them is invented.
"""

from __future__ import annotations

import zlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from .datafiles import read_csv, read_json

T = TypeVar("T")


def crc(*parts: object) -> int:
    """A stable number for a tuple of values (unlike ``hash``, the same in every process)."""
    return zlib.crc32("|".join(str(part) for part in parts).encode())


def pick(options: Sequence[T], *seed: object) -> T:
    """One of ``options``, the same one for the same seed on every machine and every run."""
    return options[crc(*seed) % len(options)]


@dataclass(frozen=True)
class Post:
    unit: str
    title: str  # "masculine|feminine" when the title agrees with the holder's gender
    mailbox: str  # local part of the post's functional mailbox
    desk: bool  # a functional desk: whoever is on duty, no holder's name
    hours: str  # key of HOURS, or "office" for the state's usual office hours
    partner: bool  # in the partner organisation rather than the lead agency

    def title_for(self, gender: str) -> str:
        masculine, _, feminine = self.title.partition("|")
        return feminine if gender == "f" and feminine else masculine


@dataclass(frozen=True)
class AreaTemplate:
    """The organisations and posts of one mandate area in one language family."""

    leads: tuple[tuple[str, str], ...]  # (organisation, host label), rotated across states
    partners: tuple[tuple[str, str], ...]
    primaries: tuple[Post, ...]  # candidates for rank 1
    alternates: tuple[Post, ...]  # candidates for rank 2, 3 in calling order


@dataclass(frozen=True)
class Names:
    given_m: tuple[str, ...]
    given_f: tuple[str, ...]
    family: tuple[str, ...]
    honorific_m: tuple[str, ...]
    honorific_f: tuple[str, ...]
    double_family: bool  # Spanish style: two family names, sometimes


@dataclass(frozen=True)
class Family:
    """The wording of one language family of states: en, es, pt, fr, or nl (Suriname)."""

    callsign: str  # of the national emergency operations centre's radio
    nomination_format: str  # str.format with {year} and {number}
    address_language: str  # which of CountryRef.names ends a postal address
    labels: dict[str, str]  # channel labels by purpose ("duty", "mobile", ...)
    names: Names


@dataclass(frozen=True)
class Place:
    city: str
    zone: str  # IANA zone; "" for the capital's
    street: str  # address lines before the country, "\n" between lines


@dataclass(frozen=True)
class State:
    code: str
    family: str  # key of FAMILIES and TEMPLATES
    languages: tuple[str, ...]  # spoken by every contact
    extra: tuple[str, ...]  # also spoken by some contacts
    city: str
    streets: tuple[str, str]  # lead agency, partner organisation
    office: str  # key of HOURS: the usual office hours
    branches: dict[str, Place]  # area -> where that area's partner posts sit


@dataclass(frozen=True)
class Holder:
    honorific: str
    given: str
    family: str
    gender: str  # "m" or "f": picks the title's form


def _templates() -> dict[str, dict[str, AreaTemplate]]:
    organisations: dict[tuple[str, str], dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for row in read_csv("demo", "organisations.csv"):
        organisations[row["family"], row["area"]][row["role"]].append((row["name"], row["host"]))
    posts: dict[tuple[str, str], dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for row in read_csv("demo", "posts.csv"):
        post = Post(
            row["unit"],
            row["title"],
            row["mailbox"],
            desk=row["kind"] == "desk",
            hours=row["hours"],
            partner=row["organisation"] == "partner",
        )
        posts[row["family"], row["area"]][row["slot"]].append(post)
    templates: dict[str, dict[str, AreaTemplate]] = defaultdict(dict)
    for (family, area), found in organisations.items():
        templates[family][area] = AreaTemplate(
            leads=tuple(found["lead"]),
            partners=tuple(found["partner"]),
            primaries=tuple(posts[family, area]["primary"]),
            alternates=tuple(posts[family, area]["alternate"]),
        )
    return dict(templates)


def _names(names: dict[str, Any]) -> Names:
    return Names(
        given_m=tuple(names["given_m"]),
        given_f=tuple(names["given_f"]),
        family=tuple(names["family"]),
        honorific_m=tuple(names["honorific_m"]),
        honorific_f=tuple(names["honorific_f"]),
        double_family=names["double_family"],
    )


def _families() -> dict[str, Family]:
    labels = read_csv("demo", "channel_labels.csv")
    names = read_json("demo", "names.json")
    return {
        row["family"]: Family(
            callsign=row["callsign"],
            nomination_format=row["nomination_format"],
            address_language=row["address_language"],
            labels={label["label"]: label[row["family"]] for label in labels},
            names=_names(names[row["family"]]),
        )
        for row in read_csv("demo", "families.csv")
    }


def _place(place: dict[str, Any]) -> Place:
    return Place(place["city"], place.get("zone", ""), "\n".join(place["street"]))


def _state(state: dict[str, Any]) -> State:
    return State(
        code=state["code"],
        family=state["family"],
        languages=tuple(state["languages"]),
        extra=tuple(state["extra"]),
        city=state["city"],
        streets=("\n".join(state["streets"]["lead"]), "\n".join(state["streets"]["partner"])),
        office=state["office"],
        branches={area: _place(place) for area, place in state.get("branches", {}).items()},
    )


HOURS: dict[str, list[dict[str, Any]]] = read_json("demo", "hours.json")
TEMPLATES = _templates()
FAMILIES = _families()
STATES: tuple[State, ...] = tuple(_state(state) for state in read_json("demo", "states.json"))
NOTES: tuple[str, ...] = tuple(read_json("demo", "notes.json"))

_channels = read_json("demo", "channels.json")
FIXED_LINE_BASES: dict[str, str] = _channels["fixed_line_bases"]
RESERVED_555 = frozenset(_channels["reserved_555"])
HF_FREQUENCIES: tuple[str, ...] = tuple(_channels["hf_frequencies_mhz"])

_pinned = read_json("demo", "pinned.json")
PINNED_HOLDERS = {key: Holder(**holder) for key, holder in _pinned["holders"].items()}
PINNED_PLACES = {key: _place(place) for key, place in _pinned["places"].items()}
VACANT_KEY: str = _pinned["vacant"]["key"]
VACANT_NOTE: str = _pinned["vacant"]["note"]
STALE: dict[str, int] = _pinned["stale"]["days_ago"]
STALE_NOTE: str = _pinned["stale"]["note"]
NEVER_VERIFIED: tuple[str, ...] = tuple(_pinned["never_verified"]["keys"])
NEVER_VERIFIED_NOTE: str = _pinned["never_verified"]["note"]
RECENT_NOMINATION: dict[str, Any] = _pinned["never_verified"]["nominated"]  # year, number, on
PINNED_KEYS: tuple[str, ...] = (
    *PINNED_HOLDERS,
    *PINNED_PLACES,
    VACANT_KEY,
    *STALE,
    *NEVER_VERIFIED,
)
