"""Contacts as plain records: the same facts as the ORM classes, read from rows.

Building ORM objects costs tens of microseconds each, which a page of search results (twenty
contacts, sixty channels) or a sync of ten thousand contacts feels; the projections read rows
into these records instead. They are for reading only: nothing here is ever written back.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, NamedTuple

from .contact import ChannelKind, Contact
from .names import Described

if TYPE_CHECKING:
    # One read model: to the type checker a record is the ORM class it stands for, whose
    # attributes (and their types) are declared once, there. At run time it is a plain object
    # holding the same attributes, read from a row.
    ContactShape = Contact
else:
    # The methods of Contact that derive facts from its fields, without the ORM's machinery.
    ContactShape = type("ContactShape", (), {name: vars(Contact)[name] for name in Contact.FACTS})


class ChannelRecord(NamedTuple):
    kind: str
    value: str
    label: str
    is_24_7: bool

    @property
    def channel_kind(self) -> ChannelKind:
        return ChannelKind(self.kind)


class VerifierRecord(NamedTuple):
    email: str


class ReferenceRecord(Described):
    """A member state or a mandate area as the pages name it (a state has no descriptions)."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.__dict__.update(values)


class ContactRecord(ContactShape):
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
        self.attach(country=country, area=area, verified_by=verified_by, channels=[])

    def attach(self, **records: Any) -> None:
        """Set the records that stand for the contact's state, area, verifier (records of
        their own, with the attributes of what they stand for) or channels."""
        self.__dict__.update(records)

    def add_channel(self, channel: ChannelRecord) -> None:
        self.__dict__["channels"].append(channel)

    def with_verifier(self, verified_by: VerifierRecord | None) -> ContactRecord:
        """A copy with ``verified_by`` (the rest shared: records are only read)."""
        copy = object.__new__(ContactRecord)
        copy.__dict__.update(self.__dict__)
        copy.attach(verified_by=verified_by)
        return copy

    def __repr__(self) -> str:
        return f"<ContactRecord {self.public_id}>"
