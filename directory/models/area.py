"""A mandate area (natural disaster response, environmental security, ...)."""

from __future__ import annotations

from sqlalchemy import JSON, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base
from .names import Described


class Area(Described, Base):
    __tablename__ = "areas"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    position: Mapped[int] = mapped_column(Integer)
    names: Mapped[dict[str, str]] = mapped_column(JSON)
    descriptions: Mapped[dict[str, str]] = mapped_column(JSON)
    synonyms: Mapped[dict[str, list[str]]] = mapped_column(JSON)

    def __repr__(self) -> str:
        return f"<Area {self.slug}>"
