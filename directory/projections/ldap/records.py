"""What the server holds now: the entries the sync owns, read through ldap3's paged search.

Only entries one level below the base that carry the owner mark (``employeeType: point of
contact``) are read, so that anything else in the server is never changed or deleted. Each is
keyed by its ``uid`` and holds only the attributes the sync manages, under their canonical names.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from .connection import LdapConnection, owned_filter
from .diff import Current
from .mapping import ATTRIBUTES

MANAGED = {name.lower(): name for name in ATTRIBUTES}
UIDS_PER_SEARCH = 100  # a filter of (uid=...) terms per search when reading a few entries


def _values(raw: Mapping[str, Sequence[str]]) -> dict[str, tuple[str, ...]]:
    """The attributes the sync manages, under their canonical names."""
    values: dict[str, tuple[str, ...]] = {}
    for name, items in raw.items():
        canonical = MANAGED.get(name.split(";", 1)[0].lower())
        if canonical is not None and items:
            values[canonical] = tuple(items)
    return values


def _read(connection: LdapConnection, search_filter: str) -> dict[str, Current]:
    found: dict[str, Current] = {}
    base_dn = connection.settings.base_dn
    for dn, raw in connection.search(base_dn, search_filter, ATTRIBUTES):
        values = _values(raw)
        uids = values.get("uid", ())
        if len(uids) == 1:
            found[uids[0]] = Current(dn=dn, attributes=values)
    return found


def read_current(connection: LdapConnection) -> dict[str, Current]:
    """Every owned entry directly below the base, by uid."""
    return _read(connection, owned_filter())


def read_entries(connection: LdapConnection, uids: Iterable[str]) -> dict[str, Current]:
    """The owned entries of these contacts that the server holds, by uid."""
    wanted = list(dict.fromkeys(uids))
    found: dict[str, Current] = {}
    for start in range(0, len(wanted), UIDS_PER_SEARCH):
        chunk = wanted[start : start + UIDS_PER_SEARCH]
        found.update(
            (uid, held)
            for uid, held in _read(connection, owned_filter(chunk)).items()
            if uid in chunk
        )
    return found
