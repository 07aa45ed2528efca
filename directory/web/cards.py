"""What the pages show of a contact: its card (search results, state and area pages, the top
of its own page), its holder, whether it is stale and when it can be reached."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol

from flask import current_app
from flask_babel import gettext as _
from markupsafe import Markup

from ..caches import CARD_PAGE, for_request
from ..models import Channel, ChannelKind, Contact
from ..models.hours import Availability, availability, is_open_at
from ..queries.highlight import Marker
from .links import link
from .locale import lang
from .times import now


class Marks(Protocol):
    """What a search gives to mark in its cards (its results)."""

    words: Iterable[str]
    expanded: Iterable[str]


def card_words() -> dict[str, str]:
    """The words of a contact card, in the page's language."""
    return {
        "primary": _("Primary"),
        "alternate": _("Alternate %(n)s"),
        "round_the_clock": _("24/7"),
        "reachable_now": _("Reachable now"),
        "closed_now": _("Closed now"),
        "stale": _("Stale"),
        "stale_title": _("Not confirmed within the staleness threshold"),
        "archived": _("Archived"),
        "vacant": _("Vacant post"),
        "desk": _("Functional desk"),
    }


def holder_label(contact: Contact, words: dict[str, str] | None = None) -> str:
    """The holder's name, or what the post is when nobody is named ("Vacant post")."""
    kind = contact.holder_kind.value
    if kind == "named":
        return contact.holder_name
    if words is not None:
        return words[kind]
    return _("Vacant post") if kind == "vacant" else _("Functional desk")


def contact_availability(contact: Contact) -> Availability:
    return availability(contact.hours_24_7, contact.hours or [], contact.time_zone, now())


def is_stale(contact: Contact) -> bool:
    return contact.is_stale(now(), current_app.config["STALE_AFTER_DAYS"])


class Badge(NamedTuple):
    css: str  # its class, beside "badge"
    text: str
    title: str = ""


@dataclass(slots=True)  # not frozen: a frozen class's fields cost twice as much to set
class Card:
    """What a contact card shows, worked out in one call: a page of search results draws
    twenty cards as fast as someone types, and each helper a template calls costs more there."""

    url: str
    rank: str
    title: Markup
    holder_kind: str
    holder: Markup
    organisation: Markup
    unit: Markup
    line: Channel | None
    email: str
    email_marked: Markup
    stale: bool
    badges: tuple[Badge, ...]
    words: dict[str, str]
    country_url: str = ""
    country: Markup = field(default_factory=Markup)
    area_url: str = ""
    area: Markup = field(default_factory=Markup)


class CardPage:
    """What every card of a page shares, worked out once per request (see caches.py): the
    words, the language, the time, and the marked texts that repeat (a state's name on each
    of its cards)."""

    def __init__(self) -> None:
        self.words = card_words()
        self.language = lang()
        self.now = now()
        self.stale_after_days = current_app.config["STALE_AFTER_DAYS"]
        self.marked: dict[tuple[int, str], Markup] = {}
        self.markers: dict[int, Marker] = {}
        self.places: dict[tuple[int, str, object], tuple[str, Markup]] = {}

    def mark(self, text: str, marks: Marks | None) -> Markup:
        """``text`` escaped, with the words a search matched in <mark> when ``marks`` (search
        results) are given."""
        key = (id(marks), text)
        if key not in self.marked:
            marker = self.markers.get(id(marks))
            if marker is None:
                marker = Marker(marks.words, marks.expanded) if marks else Marker()
                self.markers[id(marks)] = marker
            self.marked[key] = marker(text)
        return self.marked[key]

    def place(self, contact: Contact, marks: Marks | None) -> dict[str, Any]:
        """The links to a contact's state and area, their names marked."""
        country_key = (id(marks), "country", contact.country_code)
        if country_key not in self.places:
            self.places[country_key] = (
                link("countries.show", code=contact.country_code),
                self.mark(contact.country.name(self.language), marks),
            )
        area_key = (id(marks), "area", contact.area_id)
        if area_key not in self.places:
            self.places[area_key] = (
                link("areas.show", slug=contact.area.slug),
                self.mark(contact.area.name(self.language), marks),
            )
        (country_url, country), (area_url, area) = self.places[country_key], self.places[area_key]
        return {"country_url": country_url, "country": country, "area_url": area_url, "area": area}


def card(contact: Contact, marks: Marks | None = None, where: bool = False) -> Card:
    """The card of ``contact``, its words marked for a search (``marks``), with its state and
    area when ``where``."""
    page = for_request(CARD_PAGE, CardPage)
    words = page.words
    emails = contact.channels_of(ChannelKind.EMAIL)
    badges = []
    if contact.has_24_7:
        badges.append(Badge("badge-24", words["round_the_clock"]))
    if is_open_at(
        contact.hours_24_7 or contact.has_24_7, contact.hours or [], contact.time_zone, page.now
    ):
        badges.append(Badge("badge-open", words["reachable_now"]))
    else:
        badges.append(Badge("badge-closed", words["closed_now"]))
    stale = contact.is_stale(page.now, page.stale_after_days)
    if stale:
        badges.append(Badge("badge-stale", words["stale"], words["stale_title"]))
    if not contact.is_active:
        badges.append(Badge("badge-archived", words["archived"]))
    return Card(
        url=link("contacts.show", public_id=contact.public_id),
        rank=words["alternate"] % {"n": contact.rank - 1} if contact.rank > 1 else words["primary"],
        title=page.mark(contact.position_title, marks),
        holder_kind=contact.holder_kind.value,
        holder=page.mark(holder_label(contact, words), marks),
        organisation=page.mark(contact.organisation, marks),
        unit=page.mark(contact.unit, marks) if contact.unit else Markup(""),
        line=contact.line_24_7,
        email=emails[0].value if emails else "",
        email_marked=page.mark(emails[0].value, marks) if emails else Markup(""),
        stale=stale,
        badges=tuple(badges),
        words=words,
        **(page.place(contact, marks) if where else {}),
    )
