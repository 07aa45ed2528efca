"""``flask ldap export``: the whole directory as LDIF, for ``ldapadd`` or ``slapadd -q``.
Works without a server: only the DNs need ldap3's escaping."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, TextIO

from ...extensions import db
from ...services.records import active_contact_records
from . import ldif
from .connection import entry_dn
from .desired import Desired, mapped


def counted(items: Iterable[Any], progress: Callable[[int], None] | None) -> Iterator[Any]:
    for item in items:
        yield item
        if progress is not None:
            progress(1)


def export_ldif(
    out: TextIO,
    base_dn: str,
    language: str = "en",
    with_base: bool = True,
    progress: Callable[[int], None] | None = None,
) -> tuple[int, Desired]:
    """The whole directory as LDIF on ``out``; returns the number of records and what was
    refused."""
    desired = Desired()

    def chunks() -> Iterator[str]:
        if with_base:
            base = ldif.base_record(base_dn)
            if base is not None:
                yield base
        for entry in mapped(counted(active_contact_records(), progress), language, desired):
            yield ldif.record(entry_dn(entry.uid, base_dn), entry.attributes)

    count = ldif.write(out, chunks())
    db.session.rollback()
    return count, desired
