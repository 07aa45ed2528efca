"""The full sync: read what the server holds, compute what the directory wants, diff the two
into actions, execute them (or print them with ``--dry-run``).

The log's last change is read before the database, and the LDAP cursor is set to it once the
server is in step: a change committed while the sync reads is applied again by the follower,
which is harmless (writing a contact's current state is idempotent).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ...extensions import db
from ...services.records import active_contact_records
from ..follower import latest_seq, move_cursor
from .connection import LdapConnection
from .desired import desired_entries
from .diff import Action, Add, Delete, Modify, diff
from .executor import WINDOW, execute
from .records import read_current
from .settings import LdapSettings


def cursor_name(base_dn: str) -> str:
    """The LDAP projection's cursor in the change log: one per base DN."""
    return f"ldap:{base_dn.lower()}"


@dataclass
class SyncReport:
    actions: list[Action]
    refused: dict[str, str]
    left_out: list[str]
    unchanged: int
    seq: int  # the last change the database held when it was read

    def count(self, kind: type) -> int:
        return sum(1 for action in self.actions if isinstance(action, kind))

    def summary(self) -> str:
        return (
            f"{self.count(Add)} added, {self.count(Modify)} modified, "
            f"{self.count(Delete)} deleted, {self.unchanged} unchanged"
            + (f", {len(self.refused)} refused" if self.refused else "")
        )


def plan(connection: LdapConnection) -> SyncReport:
    """Read the server and the database; return what a sync would do."""
    seq = latest_seq()  # first: a change made while we read is applied again later
    current = read_current(connection)
    desired = desired_entries(active_contact_records(), connection.settings.language)
    db.session.rollback()
    actions = diff(current, desired.entries, keep=desired.refused)
    changed = {action.uid for action in actions if not isinstance(action, Delete)}
    return SyncReport(
        actions=actions,
        refused=desired.refused,
        left_out=desired.left_out,
        unchanged=len(desired.entries) - len(changed & set(desired.entries)),
        seq=seq,
    )


def sync(
    settings: LdapSettings,
    dry_run: bool = False,
    on_plan: Callable[[SyncReport], Callable[[int], None] | None] | None = None,
    echo: Callable[[str], None] = print,
    window: int = WINDOW,
) -> SyncReport:
    """Bring the server in step with the database. ``on_plan`` sees the plan before it runs and
    may return a progress callback; with ``dry_run`` each action is given to ``echo``;
    ``window``: writes in flight (1: one at a time)."""
    with LdapConnection(settings) as connection:
        return sync_on(connection, dry_run, on_plan, echo, window)


def sync_on(
    connection: LdapConnection,
    dry_run: bool = False,
    on_plan: Callable[[SyncReport], Callable[[int], None] | None] | None = None,
    echo: Callable[[str], None] = print,
    window: int = WINDOW,
) -> SyncReport:
    """``sync`` on a connection already open (the follower keeps one)."""
    report = plan(connection)
    progress = on_plan(report) if on_plan else None
    execute(
        connection, report.actions, dry_run=dry_run, echo=echo, progress=progress, window=window
    )
    if not dry_run:
        name = cursor_name(connection.settings.base_dn)
        move_cursor(name, report.seq, backwards=True)
    return report
