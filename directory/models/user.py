"""A person who signs in."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow
from .country import Country


class Role(enum.StrEnum):
    ADMIN = "admin"  # the secretariat
    EDITOR = "editor"  # a state's focal point
    VIEWER = "viewer"  # an authorised official


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)  # stored lower case
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255), default="")
    role: Mapped[str] = mapped_column(String(16), default=Role.VIEWER.value)
    country_code: Mapped[str | None] = mapped_column(ForeignKey("countries.code"), nullable=True)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Part of the session id: changing it ends every open session of this user.
    session_nonce: Mapped[str] = mapped_column(String(64))
    # Part of every invitation or password-reset link: changing it spends the link.
    link_nonce: Mapped[str] = mapped_column(String(64), default="")
    totp_secret: Mapped[str | None] = mapped_column(String(64), nullable=True)
    totp_last_step: Mapped[int | None] = mapped_column(Integer, nullable=True)  # no code twice
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    password_set_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    # Loaded when asked for: the user behind every request is read without it.
    country: Mapped[Country | None] = relationship(lazy="select")

    # Flask-Login's protocol, written out so that models need no Flask import.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_nonce}"

    @property
    def has_password(self) -> bool:
        return bool(self.password_hash)

    @property
    def display_name(self) -> str:
        return self.name or self.email

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"
