"""contact -> search document: a pure function of a loaded contact.

The one place that decides what of a contact is searchable, and through which field (the
weights in ``query`` follow the fields). Relies on nothing of Whoosh: the dict it returns
has the fields of ``storage.SCHEMA``.
"""

from __future__ import annotations

import json
from typing import Any

from ...models import ChannelKind, Contact
from ...schemas.contact import searched
from .text import PHONE_SEPARATOR, digit_groups, joined, phone_digits

PHONE_KINDS = {kind.value for kind in ChannelKind if kind.is_phone}
# Which of the contact's fields are searched, and how, is the schema's to say: the holder's
# names (with their joined forms), the main text (weighted higher) and the rest.
NAMES, MAIN, OTHER = searched("name"), searched("main"), searched("other")


def schedule_key(contact: Contact) -> str:
    """Contacts with the same key are reachable at the same moments."""
    if contact.has_24_7:
        return "always"
    return json.dumps(
        [contact.time_zone, contact.hours or []], sort_keys=True, separators=(",", ":")
    )


def search_document(contact: Contact) -> dict[str, Any]:
    """The fields the index keeps for one active contact."""
    area = contact.area
    names = [part for name in NAMES if (part := getattr(contact, name))]
    emails = [c.value for c in contact.channels if c.kind == ChannelKind.EMAIL]
    main = [
        *names,
        *(joined(name) for name in names if joined(name) != name.casefold()),
        *(getattr(contact, name) for name in MAIN),
        *emails,
    ]
    # State and area names (four languages, synonyms) are matched at query time against the
    # reference data and become filters on the country and area fields: kept out of every
    # document, they cost nothing to index.
    if contact.holder_kind.value == "vacant":
        main.append("vacant vacante vago")
    other = [
        *(getattr(contact, name) for name in OTHER),
        *(c.label for c in contact.channels),
        *(c.value for c in contact.channels if c.kind not in PHONE_KINDS and c.kind != "email"),
    ]
    numbers = [
        phone_digits(channel.value) for channel in contact.channels if channel.kind in PHONE_KINDS
    ]
    phones = PHONE_SEPARATOR.join(numbers)
    groups = set().union(*(digit_groups(number) for number in numbers))
    return {
        "id": contact.public_id,
        "version": contact.version,
        "country": contact.country_code,
        "area": area.slug,
        "languages": " ".join(contact.languages or []),
        "round_the_clock": "yes" if contact.has_24_7 else "no",
        "schedule": schedule_key(contact),
        "calling_order": contact.rank * 2 + (0 if contact.has_24_7 else 1),  # 24/7 first
        "phones": phones.encode("ascii"),
        "phone_groups": " ".join(sorted(groups)),
        "main": "\n".join(part for part in main if part),
        "other": "\n".join(part for part in other if part),
    }
