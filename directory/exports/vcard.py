"""Contacts as vCard 4.0 (RFC 6350): a pure mapping, and a writer for many cards.

vobject is written for vCard 3.0; the 4.0 card is built by hand on its components. Its 3.0
behaviour only decides how values are escaped, which RFC 6350 keeps as it was, except that
CATEGORIES is a list and is escaped here item by item.

A vCard file has no header, so every card's NOTE says when the file was made, how current the
entry is and when its desk can be reached. State and area names follow the language asked for;
the NOTE is in English.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import TextIO

import vobject
from vobject.base import Component, backslashEscape

from ..formats.phones import format_phone
from ..models.contact import Channel, ChannelKind, Contact, HolderKind
from ..models.hours import hours_text

PRODID = "-//Hemispheric Points-of-Contact Directory//vCard export 1.0//EN"
# UIDs are uuid5 of this namespace and the public id: the same contact, the same UID, always.
UID_NAMESPACE = uuid.UUID("6f1e3c52-3a5e-5d0b-9a43-3c2b7f0d8e41")
PHONE_TYPES = {
    ChannelKind.PHONE: ["work", "voice"],
    ChannelKind.MOBILE: ["cell"],
    ChannelKind.FAX: ["fax"],
    ChannelKind.SATELLITE: ["voice"],
}
DEFAULT_LABELS = {ChannelKind.SATELLITE: "Satellite phone"}


def contact_uid(public_id: str) -> str:
    return f"urn:uuid:{uuid.uuid5(UID_NAMESPACE, public_id)}"


def utc_text(moment: datetime) -> str:
    """2026-11-27 04:30 UTC; a naive time is taken to be UTC already."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _timestamp(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def contact_hours(contact: Contact) -> str:
    if contact.hours_24_7:
        return "Staffed 24/7"
    if not contact.hours:
        return "No office hours recorded"
    return f"{hours_text(contact.hours)} ({contact.time_zone} local time)"


def note_text(
    contact: Contact,
    generated_at: datetime,
    stale_after_days: int,
    extra: str = "",
) -> str:
    lines = [f"Hours: {contact_hours(contact)}"]
    line = contact.line_24_7
    if line is not None and line.is_24_7:
        label = f" ({line.label})" if line.label else ""
        lines.append(f"24/7 line: {format_phone(line.value)}{label}")
    for radio in contact.channels_of(ChannelKind.RADIO):
        label = f" ({radio.label})" if radio.label else ""
        lines.append(f"Radio: {radio.value}{label}")
    if contact.holder_kind == HolderKind.VACANT:
        lines.append("Vacant post: nobody holds it at present")
    elif contact.holder_kind == HolderKind.DESK:
        lines.append("Functional desk: whoever is on duty answers")
    lines.append(f"Calling order: {contact.rank}" + (" (primary)" if contact.rank == 1 else ""))
    if contact.verified_at is None:
        lines.append("Last verified: never")
    else:
        lines.append(f"Last verified: {utc_text(contact.verified_at)}")
    if contact.is_stale(_aware(generated_at), stale_after_days):
        lines.append(
            f"STALE: not confirmed as current in the last {stale_after_days} days; "
            "check before relying on it"
        )
    if not contact.is_active:
        lines.append("ARCHIVED: no longer a point of contact; kept for the record")
    if contact.notes:
        lines.append(contact.notes)
    if extra:
        lines.append(extra)
    lines.append(f"Exported {utc_text(generated_at)}")
    return "\n".join(lines)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _tel_uri(value: str) -> str:
    digits = "".join(char for char in value if char.isdigit())
    return f"tel:+{digits}" if value.strip().startswith("+") else f"tel:{digits}"


def _labelled(card: Component, name: str, channel: Channel, groups: Iterator[int]) -> Component:
    """A property; with a label, the label goes beside it (``itemN.X-ABLABEL``), as Apple
    Contacts, Google Contacts and khard read it."""
    prop = card.add(name)
    label = channel.label or DEFAULT_LABELS.get(channel.channel_kind, "")
    if label:
        prop.group = f"item{next(groups)}"
        caption = card.add("x-ablabel")
        caption.group = prop.group
        caption.value = label
    return prop


def contact_vcard(
    contact: Contact,
    generated_at: datetime,
    stale_after_days: int,
    language: str = "en",
    extra_note: str = "",
) -> Component:
    """One contact as a vCard 4.0 component (``.serialize()`` gives the text)."""
    card = vobject.vCard()
    card.add("version").value = "4.0"
    card.add("prodid").value = PRODID
    card.add("uid").value = contact_uid(contact.public_id)
    card.add("rev").value = _timestamp(contact.updated_at)
    card.add("fn").value = contact.display_name(language, honorific=True)
    card.add("n").value = vobject.vcard.Name(
        family=contact.holder_family_name,
        given=contact.holder_given_name,
        prefix=contact.holder_honorific,
    )
    card.add("org").value = (
        [contact.organisation, contact.unit] if contact.unit else [contact.organisation]
    )
    card.add("title").value = contact.position_title
    groups = itertools.count(1)  # itemN: a property and its label

    first = contact.line_24_7
    phones = [channel for channel in contact.channels if channel.channel_kind.is_phone]
    if first is not None:
        phones = [first] + [channel for channel in phones if channel is not first]
    for channel in phones:
        tel = _labelled(card, "tel", channel, groups)
        tel.value = _tel_uri(channel.value)
        tel.params["VALUE"] = ["uri"]
        tel.params["TYPE"] = list(PHONE_TYPES[channel.channel_kind])
        if channel is first:
            tel.params["PREF"] = ["1"]

    emails = contact.channels_of(ChannelKind.EMAIL)
    preferred_email = next(
        (email for email in emails if email.is_24_7), emails[0] if emails else None
    )
    for channel in emails:
        email = _labelled(card, "email", channel, groups)
        email.value = channel.value
        email.params["TYPE"] = ["work"]
        if channel is preferred_email:
            email.params["PREF"] = ["1"]

    for channel in contact.channels_of(ChannelKind.WEBSITE):
        url = _labelled(card, "url", channel, groups)
        url.value = channel.value
        url.params["TYPE"] = ["work"]

    if contact.postal_address or contact.city:
        adr = card.add("adr")
        adr.value = vobject.vcard.Address(
            street=contact.postal_address,
            city=contact.city,
            country=contact.country.name(language),
        )
        adr.params["TYPE"] = ["work"]

    for position, code in enumerate(contact.languages or [], start=1):
        spoken = card.add("lang")
        spoken.value = code
        spoken.params["PREF"] = [str(position)]

    if contact.time_zone:
        card.add("tz").value = contact.time_zone

    categories = card.add("categories")
    # A list: each item escaped, then joined by the unescaped comma that separates them.
    categories.value = ",".join(
        backslashEscape(name)
        for name in (contact.country.name(language), contact.area.name(language))
    )
    categories.encoded = True

    card.add("note").value = note_text(contact, generated_at, stale_after_days, extra_note)
    return card


def write_vcards(
    out: TextIO,
    contacts: Iterable[Contact],
    generated_at: datetime,
    stale_after_days: int,
    language: str = "en",
    extra_note: str = "",
) -> int:
    """Write each contact's card to ``out``; returns how many were written."""
    count = 0
    for contact in contacts:
        out.write(
            contact_vcard(contact, generated_at, stale_after_days, language, extra_note).serialize()
        )
        count += 1
    return count
