"""Contacts as plain records: the same facts as the ORM classes, read from rows.

Building ORM objects costs tens of microseconds each, which a page of search results (twenty
contacts, sixty channels) or a sync of ten thousand contacts feels; the projections read rows
into these records instead. They are for reading only: nothing here is ever written back.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

from .contact import ChannelKind, ContactFacts, channel_dict
from .names import Described


class ChannelRecord(NamedTuple):
    kind: str
    value: str
    label: str
    is_24_7: bool

    @property
    def channel_kind(self) -> ChannelKind:
        return ChannelKind(self.kind)

    def as_dict(self) -> dict:
        return channel_dict(self)


class VerifierRecord(NamedTuple):
    email: str


class ReferenceRecord(Described):
    """A member state or a mandate area as the pages name it (a state has no descriptions)."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.__dict__.update(values)


class ContactRecord(ContactFacts):
    """A contact read from a row whose columns are ``keys``, with its state and area; its
    channels are added by whoever reads them."""

    def __init__(
        self,
        keys: Iterable[str],
        row: Iterable[Any],
        country: Any,
        area: Any,
        verified_by: VerifierRecord | None = None,
    ) -> None:
        self.__dict__.update(zip(keys, row, strict=True))
        self.country = country
        self.area = area
        self.verified_by = verified_by
        self.channels: list[ChannelRecord] = []  # type: ignore[assignment]

    def with_verifier(self, verified_by: VerifierRecord | None) -> ContactRecord:
        """A copy with ``verified_by`` (the rest shared: records are only read)."""
        copy = object.__new__(ContactRecord)
        copy.__dict__.update(self.__dict__)
        copy.verified_by = verified_by
        return copy

    def __repr__(self) -> str:
        return f"<ContactRecord {self.public_id}>"  # type: ignore[attr-defined]
