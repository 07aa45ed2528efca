"""Where each projection stands in the change log: the last ``Change.seq`` it has applied."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime, utcnow


class ProjectionCursor(Base):
    """One row per projection (``search:<index id>``, ``ldap:<base DN>``, ...).

    Kept in the database, not beside the projection, so that every app server and every
    restart agree on it; it only ever moves forward."""

    __tablename__ = "projection_cursors"

    name: Mapped[str] = mapped_column(String(300), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<ProjectionCursor {self.name} at {self.seq}>"
