"""One page of a longer list: the page's rows, and how many there are in all."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select

from ..extensions import db


@dataclass(frozen=True)
class Page:
    items: list[Any]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def paginate(statement: Select, page: int, per_page: int) -> Page:
    """Count the rows of ``statement`` and fetch page ``page`` of them (pages start at 1); a
    page past the last one is the last one."""
    total = db.session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    page = min(max(page, 1), max(1, -(-total // per_page)))
    rows = list(db.session.scalars(statement.limit(per_page).offset((page - 1) * per_page)))
    return Page(rows, total, page, per_page)
