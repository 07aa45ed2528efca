"""The export log: every export and import of contacts is recorded, for admins to read."""

from __future__ import annotations

from sqlalchemy import select

from ..models import ExportRecord
from ..models.base import utcnow
from .actors import Actor
from .errors import PermissionDenied
from .paging import Page, paginate
from .transaction import write_transaction

KINDS = ("vcard", "csv", "pdf", "html", "ldif", "import")


def record_export(actor: Actor, kind: str, scope: str, count: int) -> None:
    """Note that ``actor`` took ``count`` contacts out as ``kind`` (see KINDS); ``scope`` says
    which: "all", "contact:<public id>", "country:JM", "area:<slug>", "search:<query>"."""
    if kind not in KINDS:
        raise ValueError(f"unknown export kind {kind!r}")
    with write_transaction(logged=False) as session:
        session.add(
            ExportRecord(
                created_at=utcnow(),
                actor_id=actor.user_id,
                actor_label=actor.label,
                kind=kind,
                scope=scope[:300],
                count=count,
            )
        )


def export_log(actor: Actor, page: int = 1, per_page: int = 50) -> Page:
    """The most recent exports first; admins only."""
    if not actor.is_admin:
        raise PermissionDenied("only admins read the export log")
    return paginate(
        select(ExportRecord).order_by(ExportRecord.created_at.desc(), ExportRecord.id.desc()),
        page,
        per_page,
    )
