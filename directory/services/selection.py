"""Which contacts an export holds: the whole directory, a state, an area, or one contact."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Area, Contact, ContactStatus
from .errors import NotFound

SCOPE_KINDS = ("all", "country", "area", "contact")


@dataclass(frozen=True)
class Scope:
    kind: str = "all"  # one of SCOPE_KINDS
    value: str = ""  # a country code, an area slug or a public id

    def __post_init__(self) -> None:
        if self.kind not in SCOPE_KINDS:
            raise ValueError(f"unknown scope {self.kind!r}")

    @property
    def label(self) -> str:
        """As the export log records it: "all", "country:JM", "area:disaster-response"."""
        return "all" if self.kind == "all" else f"{self.kind}:{self.value}"


def _statement(scope: Scope) -> Select:
    statement = select(Contact).where(Contact.status == ContactStatus.ACTIVE.value)
    if scope.kind == "country":
        statement = statement.where(Contact.country_code == scope.value.upper())
    elif scope.kind == "area":
        area_id = db.session.scalar(select(Area.id).where(Area.slug == scope.value))
        if area_id is None:
            raise NotFound(scope.value)
        statement = statement.where(Contact.area_id == area_id)
    elif scope.kind == "contact":
        statement = statement.where(Contact.public_id == scope.value)
    return statement


def count_in(scope: Scope) -> int:
    return db.session.scalar(select(func.count()).select_from(_statement(scope).subquery())) or 0


def contacts_in(scope: Scope, batch: int = 1000) -> Iterator[Contact]:
    """The scope's active contacts in calling order (state, area, rank), a batch at a time so
    that a large export does not hold every contact in memory."""
    ordered = (
        _statement(scope)
        .join(Area, Area.id == Contact.area_id)
        .order_by(Contact.country_code, Area.position, Contact.rank, Contact.id)
        .options(selectinload(Contact.channels))
    )
    offset = 0
    while True:
        rows = list(db.session.scalars(ordered.limit(batch).offset(offset)))
        if not rows:
            return
        yield from rows
        offset += len(rows)
        if len(rows) < batch:
            return
        db.session.expunge_all()
