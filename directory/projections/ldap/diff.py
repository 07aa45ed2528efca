"""What the server holds and what the directory wants, turned into actions. Pure.

Entries are matched by their ``uid`` (the contact's public id), never by comparing DN strings:
slapd rewrites escaped DNs in its answers, so a Modify or a Delete carries the DN as the server
spells it, and an Add is given its DN by the executor.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .mapping import Entry


@dataclass(frozen=True)
class Current:
    """An entry as the server holds it: its DN as the server spells it, and its values."""

    dn: str
    attributes: dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class Add:
    uid: str
    attributes: dict[str, tuple[str, ...]]

    def describe(self) -> str:
        return f"add    uid={self.uid}  {self.attributes.get('displayName', ('',))[0]}"


@dataclass(frozen=True)
class Modify:
    uid: str
    dn: str
    changes: dict[str, tuple[str, ...]]  # attribute -> its new values; () removes it

    def describe(self) -> str:
        return f"modify uid={self.uid}  {', '.join(sorted(self.changes))}"


@dataclass(frozen=True)
class Delete:
    uid: str
    dn: str

    def describe(self) -> str:
        return f"delete uid={self.uid}"


Action = Add | Modify | Delete


def diff(
    current: Mapping[str, Current],
    desired: Mapping[str, Entry],
    keep: Iterable[str] = (),
) -> list[Action]:
    """The actions that turn ``current`` into ``desired``.

    Values are compared in order: the first ``cn`` is the one an address book shows and the first
    ``telephoneNumber`` the 24/7 line. Entries in ``keep`` (contacts whose values cannot be
    written) are left as they are rather than deleted."""
    kept = set(keep)
    actions: list[Action] = []
    for uid, entry in desired.items():
        held = current.get(uid)
        if held is None:
            actions.append(Add(uid, entry.attributes))
            continue
        changes = {
            name: values
            for name, values in entry.attributes.items()
            if held.attributes.get(name, ()) != values
        }
        changes.update({name: () for name in held.attributes if name not in entry.attributes})
        if changes:
            actions.append(Modify(uid, held.dn, changes))
    actions.extend(
        Delete(uid, held.dn)
        for uid, held in current.items()
        if uid not in desired and uid not in kept
    )
    return actions
