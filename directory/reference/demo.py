"""Fictional demo data: points of contact of the 35 member states in the four mandate areas.

:func:`demo_contacts` returns about 270 contacts, each a dict in the shape of a recorded version
of a contact (plus ``key`` and ``verified_days_ago``), ordered by state, area and calling order:
one to three per state and area, functional desks and named holders, their organisation,
channels, languages, hours, address, notes, nomination and how long ago they were verified.
The tables it draws on (states and their addresses, organisations and posts per language family
and area, invented names, labels, opening hours, the entries pinned by key) are in
``data/demo/``, read by ``demo_tables``; ``demo_channels`` builds each contact's channels.

Pure and deterministic: every call returns an equal list of fresh dicts, with no randomness, no
clock and no I/O after import. Choices that look varied come from CRC-32 checksums of fixed
strings, which are the same on every machine and every run.

Everything here is invented. People are made-up combinations of common given and family names;
organisations are generic names of the kind a government uses, not claims about real offices or
officials; street addresses are made up. E-mail and web addresses are under ``example.org``,
``example.net`` and ``example.com``; telephone numbers are valid for the state's numbering plan
without being anyone's line (``demo_channels``).

Some names are chosen to test the application: Núñez, D'Aubigné, Hernández-Ruiz, O'Neil and Zoë
hold posts, São João is a place, and several organisation names contain commas.
"""

from __future__ import annotations

from datetime import date, timedelta

from . import demo_tables as tables
from .areas import AREAS
from .countries import COUNTRY_BY_CODE, CountryRef
from .demo_channels import PhoneBook, channels
from .demo_tables import Holder, Post, State, crc, pick


def _pinned_rank(code: str, area: str) -> int:
    """The highest rank that a pinned entry needs in this (state, area), 0 if none."""
    prefix = f"{code}-{area}-"
    keys = [key for key in tables.PINNED_KEYS if key.startswith(prefix)]
    return max((int(key.removeprefix(prefix)) for key in keys), default=0)


def _needs_holder(key: str) -> bool:
    return key in tables.PINNED_HOLDERS or key == tables.VACANT_KEY


def _rank_count(state: State, area: str) -> int:
    """How many contacts a (state, area) has: about 30 % one, 45 % two, 25 % three."""
    bucket = crc(state.code, area, "ranks") % 20
    count = 1 if bucket < 6 else 2 if bucket < 15 else 3
    count = min(count, 1 + len(tables.TEMPLATES[state.family][area].alternates))
    return max(count, _pinned_rank(state.code, area))


def _posts(state: State, area: str, count: int) -> list[Post]:
    """The posts for ranks 1..count, in calling order; pinned holders get named posts."""
    template = tables.TEMPLATES[state.family][area]
    chosen: list[Post] = []
    for rank in range(1, count + 1):
        key = f"{state.code}-{area}-{rank}"
        pool = template.primaries if rank == 1 else template.alternates
        start = crc(key, "post") % len(pool)
        rotated = [*pool[start:], *pool[:start]]
        candidates = [post for post in rotated if post not in chosen]
        if _needs_holder(key):
            candidates = [post for post in candidates if not post.desk]
        if not candidates:
            candidates = [post for post in template.alternates if not post.desk]
        chosen.append(candidates[0])
    return chosen


def _holder(state: State, key: str) -> Holder:
    if key in tables.PINNED_HOLDERS:
        return tables.PINNED_HOLDERS[key]
    names = tables.FAMILIES[state.family].names
    gender = "f" if crc(key, "gender") % 2 else "m"
    given = pick(names.given_f if gender == "f" else names.given_m, key, "given")
    family = pick(names.family, key, "family")
    if names.double_family and crc(key, "double") % 2:
        second = pick(names.family, key, "second")
        if second != family:
            family = f"{family} {second}"
    honorifics = names.honorific_f if gender == "f" else names.honorific_m
    return Holder(pick(honorifics, key, "honorific"), given, family, gender)


def _host(label: str, code: str) -> str:
    tld = ("org", "org", "org", "net", "com")[crc(label, code, "tld") % 5]
    return f"{label}.{code.lower()}.example.{tld}"


def _organisation(
    options: tuple[tuple[str, str], ...], ordinal: int, avoid: str = ""
) -> tuple[str, str]:
    for offset in range(len(options)):
        option = options[(ordinal + offset) % len(options)]
        if option[0] != avoid:
            return option
    return options[0]


def _nomination(state: State, area: str, key: str) -> tuple[str, str]:
    """A note verbale's reference and date, most within the last few years; none for 1 in 8."""
    reference_format = tables.FAMILIES[state.family].nomination_format
    if key in tables.NEVER_VERIFIED:
        year, number = tables.RECENT_NOMINATION["year"], tables.RECENT_NOMINATION["number"]
        return reference_format.format(year=year, number=number), tables.RECENT_NOMINATION["on"]
    seed = crc(state.code, area, "nomination")
    if seed % 8 == 0:
        return "", ""
    nominated = date(2022, 1, 10) + timedelta(days=seed % 1300)
    reference = reference_format.format(year=nominated.year, number=seed // 7 % 400 + 1)
    return reference, nominated.isoformat()


def _contact(
    state: State,
    country: CountryRef,
    area: str,
    rank: int,
    post: Post,
    ordinal: int,
    phones: PhoneBook,
) -> dict:
    key = f"{state.code}-{area}-{rank}"
    template = tables.TEMPLATES[state.family][area]
    lead = _organisation(template.leads, ordinal)
    organisation, host_label = (
        _organisation(template.partners, ordinal, avoid=lead[0]) if post.partner else lead
    )
    vacant = key == tables.VACANT_KEY
    holder = _holder(state, key) if not post.desk and not vacant else Holder("", "", "", "m")

    # Where the post sits: the capital, or a branch office for partner posts of some areas
    city, zone, street = state.city, country.time_zones[0], state.streets[1 if post.partner else 0]
    place = tables.PINNED_PLACES.get(key) or (state.branches.get(area) if post.partner else None)
    if place is not None and (not place.zone or place.zone in country.time_zones):
        city, street = place.city, place.street
        zone = place.zone or country.time_zones[0]
    country_name = country.names[tables.FAMILIES[state.family].address_language]

    hours = state.office if post.hours == "office" else post.hours
    host = _host(host_label, state.code)
    found = channels(state, area, rank, post, holder, host, hours, city, phones)

    languages = list(state.languages)
    if state.extra and crc(key, "languages") % 3 == 0:
        extra = pick(state.extra, key, "extra")
        if extra not in languages:
            languages.append(extra)

    notes = pick(tables.NOTES, key, "notes")
    verified_days_ago: int | None = crc(key, "verified") % 171
    if key in tables.STALE:
        verified_days_ago, notes = tables.STALE[key], tables.STALE_NOTE
    if key in tables.NEVER_VERIFIED:
        verified_days_ago, notes = None, tables.NEVER_VERIFIED_NOTE
    if vacant:
        notes = tables.VACANT_NOTE

    reference, nominated_on = _nomination(state, area, key)
    return {
        "key": key,
        "country": state.code,
        "area": area,
        "rank": rank,
        "organisation": organisation,
        "unit": post.unit,
        "position_title": post.title_for(holder.gender),
        "holder_honorific": holder.honorific,
        "holder_given_name": holder.given,
        "holder_family_name": holder.family,
        "is_vacant": vacant,
        "channels": found,
        "languages": languages,
        "time_zone": zone,
        "hours_24_7": hours == "24/7",
        "hours": [dict(window, days=list(window["days"])) for window in tables.HOURS[hours]],
        "postal_address": f"{street}\n{country_name}",
        "city": city,
        "notes": notes,
        "nomination_reference": reference,
        "nominated_on": nominated_on,
        "verified_days_ago": verified_days_ago,
    }


def demo_contacts() -> list[dict]:
    """The demo directory: every state's contacts for every area, primaries first.

    Ordered by state (in the order of ``data/demo/states.json``), then area, then rank.
    """
    contacts: list[dict] = []
    ordinals: dict[str, int] = {}
    for state in tables.STATES:
        country = COUNTRY_BY_CODE[state.code]
        phones = PhoneBook(country.phone_region)
        ordinal = ordinals.get(state.family, 0)
        ordinals[state.family] = ordinal + 1
        for area_index, area in enumerate(ref.slug for ref in AREAS):
            count = _rank_count(state, area)
            for rank, post in enumerate(_posts(state, area, count), start=1):
                contacts.append(
                    _contact(state, country, area, rank, post, ordinal + area_index, phones)
                )
    return contacts
