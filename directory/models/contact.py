"""A point of contact: one post of a member state for a mandate area, and its channels."""

from __future__ import annotations

import enum
from datetime import date, datetime, timedelta

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .area import Area
from .base import Base, UTCDateTime, utcnow
from .country import Country
from .user import User


class ContactStatus(enum.StrEnum):
    ACTIVE = "active"
    ARCHIVED = "archived"


class HolderKind(enum.StrEnum):
    NAMED = "named"  # a person holds the post
    DESK = "desk"  # a functional desk: whoever is on duty
    VACANT = "vacant"  # the post exists but nobody holds it


class ChannelKind(enum.StrEnum):
    EMAIL = "email"
    PHONE = "phone"
    MOBILE = "mobile"
    FAX = "fax"
    SATELLITE = "satellite"
    RADIO = "radio"
    WEBSITE = "website"

    @property
    def is_phone(self) -> bool:
        return self in {
            ChannelKind.PHONE,
            ChannelKind.MOBILE,
            ChannelKind.FAX,
            ChannelKind.SATELLITE,
        }


class Contact(Base):
    __tablename__ = "contacts"
    __table_args__ = (
        Index("ix_contacts_country_area_rank", "country_code", "area_id", "rank"),
        Index("ix_contacts_area_country", "area_id", "country_code"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(16), unique=True)
    country_code: Mapped[str] = mapped_column(ForeignKey("countries.code"))
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"))
    rank: Mapped[int] = mapped_column(Integer, default=1)  # 1 = primary; then the calling order

    organisation: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(200), default="")
    position_title: Mapped[str] = mapped_column(String(200))
    holder_honorific: Mapped[str] = mapped_column(String(40), default="")
    holder_given_name: Mapped[str] = mapped_column(String(120), default="")
    holder_family_name: Mapped[str] = mapped_column(String(120), default="")
    is_vacant: Mapped[bool] = mapped_column(Boolean, default=False)

    languages: Mapped[list[str]] = mapped_column(JSON, default=list)  # ISO 639-1 codes
    time_zone: Mapped[str] = mapped_column(String(64))  # IANA name
    hours_24_7: Mapped[bool] = mapped_column(Boolean, default=False)
    # [{"days": [0..6], "opens": "HH:MM", "closes": "HH:MM"}], Monday = 0, local time
    hours: Mapped[list[dict]] = mapped_column(JSON, default=list)
    # Staffed 24/7 or a 24/7 channel: kept by the services so listings need no join.
    has_24_7: Mapped[bool] = mapped_column(Boolean, default=False)

    postal_address: Mapped[str] = mapped_column(Text, default="")
    city: Mapped[str] = mapped_column(String(120), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    nomination_reference: Mapped[str] = mapped_column(String(200), default="")
    nominated_on: Mapped[date | None] = mapped_column(Date, nullable=True)

    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    verified_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    status: Mapped[str] = mapped_column(String(16), default=ContactStatus.ACTIVE.value)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    # selectin: the 35 states and 4 areas load once per query, not as columns of every row
    country: Mapped[Country] = relationship(lazy="selectin")
    area: Mapped[Area] = relationship(lazy="selectin")
    verified_by: Mapped[User | None] = relationship(lazy="select")
    channels: Mapped[list[Channel]] = relationship(
        back_populates="contact",
        cascade="all, delete-orphan",
        order_by="Channel.position",
        lazy="selectin",
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - read by SQLAlchemy

    def __repr__(self) -> str:
        return f"<Contact {self.public_id} {self.country_code}/{self.area_id} #{self.rank}>"

    # --- what follows from the fields alone: plain records use these too (models/records.py)

    FACTS = (
        "holder_kind",
        "holder_name",
        "display_name",
        "channels_of",
        "is_active",
        "is_stale",
        "line_24_7",
    )

    @property
    def holder_kind(self) -> HolderKind:
        if self.holder_given_name or self.holder_family_name:
            return HolderKind.NAMED
        return HolderKind.VACANT if self.is_vacant else HolderKind.DESK

    @property
    def holder_name(self) -> str:
        parts = [self.holder_honorific, self.holder_given_name, self.holder_family_name]
        return " ".join(part for part in parts if part)

    def display_name(self, language: str = "en", honorific: bool = False) -> str:
        """How an address book or a list names the contact: the holder's name, or for a desk
        or a vacant post its state, area and post ("Jamaica, Disaster response: Duty officer").
        Needs the contact's country and area."""
        if self.holder_kind == HolderKind.NAMED:
            title = self.holder_honorific if honorific else ""
            parts = (title, self.holder_given_name, self.holder_family_name)
            return " ".join(part.strip() for part in parts if part and part.strip())
        country, area = self.country.name(language), self.area.name(language)
        return f"{country}, {area}: {self.position_title.strip()}"

    def channels_of(self, *kinds: ChannelKind | str) -> list[Channel]:
        wanted = {str(kind) for kind in kinds}
        return [channel for channel in self.channels if channel.kind in wanted]

    @property
    def is_active(self) -> bool:
        return self.status == ContactStatus.ACTIVE

    def is_stale(self, now: datetime, stale_after_days: int) -> bool:
        verified_at = self.verified_at
        if verified_at is None:
            return True
        return now - verified_at > timedelta(days=stale_after_days)

    @property
    def line_24_7(self) -> Channel | None:
        """The phone to call first: a 24/7 phone, else the first phone."""
        phones = self.channels_of(ChannelKind.PHONE, ChannelKind.MOBILE, ChannelKind.SATELLITE)
        for phone in phones:
            if phone.is_24_7:
                return phone
        return phones[0] if phones else None


class Channel(Base):
    __tablename__ = "contact_channels"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(String(320))  # phones in E.164
    label: Mapped[str] = mapped_column(String(120), default="")
    is_24_7: Mapped[bool] = mapped_column(Boolean, default=False)

    contact: Mapped[Contact] = relationship(back_populates="channels")

    @property
    def channel_kind(self) -> ChannelKind:
        return ChannelKind(self.kind)
