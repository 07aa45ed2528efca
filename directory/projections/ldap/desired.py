"""What the directory wants the server to hold: the entry of each active contact, from the
database, through the pure mapping. A contact with a value LDAP cannot hold is noted, not
written; a single value LDAP cannot hold is left out of its entry and noted."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from ...models import Contact
from ...models.records import ContactRecord
from .mapping import Entry, MappingError, contact_entry


@dataclass
class Desired:
    entries: dict[str, Entry] = field(default_factory=dict)
    refused: dict[str, str] = field(default_factory=dict)  # uid -> why it cannot be written
    left_out: list[str] = field(default_factory=list)


def mapped(
    contacts: Iterable[Contact | ContactRecord], language: str, desired: Desired
) -> Iterator[Entry]:
    """The entry of each contact; what cannot be written is noted in ``desired``."""
    for contact in contacts:
        try:
            entry = contact_entry(contact, language)
        except MappingError as error:
            desired.refused[error.uid] = str(error)
            continue
        desired.left_out.extend(f"{entry.uid}: {item}" for item in entry.left_out)
        yield entry


def desired_entries(contacts: Iterable[Contact | ContactRecord], language: str = "en") -> Desired:
    desired = Desired()
    desired.entries = {entry.uid: entry for entry in mapped(contacts, language, desired)}
    return desired
