"""The append-only change log: audit trail, history page and projections' feed in one."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow
from .user import User


class Action(enum.StrEnum):
    CREATE = "create"
    UPDATE = "update"
    ARCHIVE = "archive"
    RESTORE = "restore"
    VERIFY = "verify"


class Entity(enum.StrEnum):
    CONTACT = "contact"
    USER = "user"


class Change(Base):
    __tablename__ = "changes"
    __table_args__ = (
        Index("ix_changes_contact_seq", "contact_id", "seq"),
        Index("ix_changes_entity", "entity", "entity_id"),
    )

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    entity: Mapped[str] = mapped_column(String(16))
    entity_id: Mapped[str] = mapped_column(String(64))  # public id of a contact, email of a user
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="RESTRICT"), nullable=True
    )
    action: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    actor_label: Mapped[str] = mapped_column(String(320))  # who, kept if the user goes
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)

    actor: Mapped[User | None] = relationship(lazy="joined")

    def changed_fields(self) -> list[tuple[str, Any, Any]]:
        """(field, old, new) for every field that differs between before and after."""
        before = self.before or {}
        after = self.after or {}
        keys = [key for key in after if key not in {"version"}]
        keys += [key for key in before if key not in after and key != "version"]
        return [
            (key, before.get(key), after.get(key))
            for key in keys
            if before.get(key) != after.get(key)
        ]

    def __repr__(self) -> str:
        return f"<Change {self.seq} {self.action} {self.entity} {self.entity_id}>"
