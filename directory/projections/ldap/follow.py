"""``flask ldap sync --follow``: one full sync, then every change as the change log records it,
through the projections' one follower (its cursor in the database, moved only after a batch is
in the server).

When the server is away the loop says so, backs off (1 s, 2 s, 4 s ... up to ``retry_max``) and
carries on from the stored cursor; a follower started again resumes where the last one stopped.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from threading import Event

from ...extensions import db
from ...models import Contact, Entity
from ...services.records import active_contact_records
from ..follower import LoggedChange, follow
from .connection import LdapConnection
from .desired import desired_entries
from .diff import Action, diff
from .executor import execute
from .records import read_entries
from .settings import LdapSettings, SyncError
from .sync import cursor_name, sync_on

log = logging.getLogger(__name__)


def apply_changes(connection: LdapConnection, changes: Sequence[LoggedChange]) -> list[Action]:
    """Bring the entries of the contacts these changes touched in step; other entities'
    changes have nothing to do with LDAP."""
    ids = list(
        dict.fromkeys(
            change.entity_id for change in changes if change.entity == Entity.CONTACT.value
        )
    )
    if not ids:
        return []
    desired = desired_entries(
        active_contact_records(Contact.public_id.in_(ids)), connection.settings.language
    )
    db.session.rollback()
    for uid, reason in desired.refused.items():
        log.warning("LDAP: contact %s left as it was: %s", uid, reason)
    actions = diff(read_entries(connection, ids), desired.entries, keep=desired.refused)
    execute(connection, actions)
    return actions


def _applying(
    connection: LdapConnection, report: Callable[[str], None]
) -> Callable[[Sequence[LoggedChange]], None]:
    def apply(changes: Sequence[LoggedChange]) -> None:
        for action in apply_changes(connection, changes):
            report(action.describe())

    return apply


def follow_changes(
    settings: LdapSettings,
    interval: float = 1.0,
    retry_max: float = 60.0,
    stop: Event | None = None,
    report: Callable[[str], None] = log.info,
) -> None:
    """Keep the server in step until ``stop`` is set: a full sync, then each change."""
    stop = stop or Event()
    name = cursor_name(settings.base_dn)
    connection: LdapConnection | None = None
    in_step = False
    delay = 1.0

    try:
        while not stop.is_set():
            try:
                if connection is None:
                    connection = LdapConnection(settings)
                    if not in_step:
                        first = sync_on(connection)
                        in_step = True
                        report(f"In step: {first.summary()}.")
                    else:
                        report("LDAP server back: catching up.")
                    delay = 1.0
                if not follow(name, _applying(connection, report)):
                    stop.wait(interval)
            except SyncError as error:
                db.session.rollback()
                if connection is not None:
                    connection.close()
                    connection = None
                report(f"{error} (trying again in {delay:g} s)")
                stop.wait(delay)
                delay = min(delay * 2, retry_max)
    finally:
        if connection is not None:
            connection.close()
