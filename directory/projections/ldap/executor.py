"""Carrying the actions out on the server, or with ``dry_run`` only saying what they would be.

Each action touches its own entry, so their order does not matter. A few are written one at a
time on the sync's connection; many go through a window of requests in flight (see
connection.py for the measurement behind it). The ones the server refuses are reported
together at the end; the others are done.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Mapping, Sequence
from typing import Protocol, TypeVar

from .connection import Answer, LdapConnection, entry_dn
from .diff import Action, Add, Modify
from .settings import SyncError

WINDOW = 200  # requests in flight: slapd drops a client with about a thousand outstanding
FEW = 20  # up to this many, one at a time: not worth a second connection
SHOWN = 10  # refusals named in the error; the rest are counted


Sent = TypeVar("Sent", covariant=True)


class Writes(Protocol[Sent]):
    """The connection (which answers each write) or a window (which gives a message id)."""

    def add(self, dn: str, attributes: Mapping[str, Sequence[str]]) -> Sent: ...
    def modify(self, dn: str, changes: Mapping[str, Sequence[str]]) -> Sent: ...
    def delete(self, dn: str) -> Sent: ...


def _write(target: Writes[Sent], action: Action, base_dn: str) -> Sent:
    if isinstance(action, Add):
        return target.add(entry_dn(action.uid, base_dn), action.attributes)
    if isinstance(action, Modify):
        return target.modify(action.dn, action.changes)
    return target.delete(action.dn)


def execute(
    connection: LdapConnection | None,
    actions: Sequence[Action],
    *,
    dry_run: bool = False,
    echo: Callable[[str], None] = print,
    progress: Callable[[int], None] | None = None,
    window: int = WINDOW,
) -> None:
    """Do the actions (or with ``dry_run`` echo each one and change nothing), ``window`` of
    them in flight (1: one at a time); a SyncError names the ones the server refused."""
    if dry_run:
        for action in actions:
            echo(action.describe())
        return
    if not actions:
        return
    if connection is None:
        raise SyncError("No connection to the LDAP server.")
    base_dn = connection.settings.base_dn
    refused: list[str] = []

    def done(action: Action, answer: Answer) -> None:
        if not answer.ok:
            refused.append(f"{action.describe()}: {answer}")
        if progress is not None:
            progress(1)

    if len(actions) <= FEW or window <= 1:
        for action in actions:
            done(action, _write(connection, action, base_dn))
    else:
        with connection.window() as requests:
            pending: deque[tuple[Action, int]] = deque()
            for action in actions:
                if len(pending) >= window:
                    oldest, message_id = pending.popleft()
                    done(oldest, requests.answer(message_id))
                pending.append((action, _write(requests, action, base_dn)))
            while pending:
                oldest, message_id = pending.popleft()
                done(oldest, requests.answer(message_id))
    if refused:
        shown = "\n".join(refused[:SHOWN])
        more = f"\n... and {len(refused) - SHOWN} more" if len(refused) > SHOWN else ""
        raise SyncError(f"The LDAP server refused {len(refused)} changes:\n{shown}{more}")
