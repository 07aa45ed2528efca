"""Who performs a write, and what they may do."""

from __future__ import annotations

from dataclasses import dataclass

from ..models import Role, User
from .errors import PermissionDenied


@dataclass(frozen=True)
class Actor:
    """A signed-in user, or the system itself (the CLI, the seed) with a label for the log."""

    user_id: int | None
    label: str
    role: str
    country_code: str | None = None

    @classmethod
    def of(cls, user: User) -> Actor:
        return cls(user.id, user.email, user.role, user.country_code)

    @classmethod
    def system(cls, label: str) -> Actor:
        return cls(None, label, Role.ADMIN.value, None)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN


def can_write_country(actor: Actor, country_code: str) -> bool:
    if actor.role == Role.ADMIN:
        return True
    return actor.role == Role.EDITOR and actor.country_code == country_code


def require_country_writer(actor: Actor, country_code: str) -> None:
    if not can_write_country(actor, country_code):
        raise PermissionDenied(f"{actor.label} may not change contacts of {country_code}")


def require_admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise PermissionDenied(f"{actor.label} is not an administrator")
