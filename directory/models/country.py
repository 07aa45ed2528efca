"""A member state."""

from __future__ import annotations

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base
from .names import Named


class Country(Named, Base):
    __tablename__ = "countries"

    code: Mapped[str] = mapped_column(String(2), primary_key=True)  # ISO 3166-1 alpha-2
    names: Mapped[dict[str, str]] = mapped_column(
        JSON
    )  # {"en": ..., "es": ..., "pt": ..., "fr": ...}
    phone_region: Mapped[str] = mapped_column(String(2))
    time_zones: Mapped[list[str]] = mapped_column(JSON)  # IANA names, the capital's first

    def __repr__(self) -> str:
        return f"<Country {self.code}>"
