"""Who exported what, and when: the export log admins read."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow
from .user import User


class ExportRecord(Base):
    __tablename__ = "export_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True
    )
    actor_label: Mapped[str] = mapped_column(String(320))  # who, kept if the user goes
    kind: Mapped[str] = mapped_column(String(16))  # vcard, csv, pdf, html, ldif, import
    scope: Mapped[str] = mapped_column(String(300))  # all, country:JM, area:..., search:...
    count: Mapped[int] = mapped_column(Integer, default=0)  # contacts in the file

    actor: Mapped[User | None] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<ExportRecord {self.kind} {self.scope} {self.count}>"
