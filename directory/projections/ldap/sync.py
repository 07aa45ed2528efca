"""The LDAP projection's I/O: read what the server holds, diff it with what the directory wants,
execute the actions (or print them). The one `ldap3` import.

Entries are addressed by their ``uid`` attribute, never by comparing DN strings: slapd rewrites
escaped DNs in its answers. Only entries one level below the base that carry the owner mark are
read, changed or deleted; anything else in the server is never touched.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import ssl
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from threading import Event
from typing import Any, TextIO

from ldap3 import (
    NONE,
    SYNC,
    Connection,
    Server,
    Tls,
)
from ldap3.core.exceptions import LDAPException
from ldap3.core.results import RESULT_CODES
from ldap3.utils.dn import escape_rdn
from sqlalchemy import func, select

from ...extensions import db
from ...models import Change, Contact, Entity
from ...models.records import ContactRecord
from ...services.records import active_contact_records
from . import ber, ldif
from .mapping import ATTRIBUTES, OWNER_MARK, Entry, MappingError, contact_entry

log = logging.getLogger(__name__)

PAGE_SIZE = 500  # below slapd's default size limit, so that each page comes back whole
WINDOW = 200  # requests in flight: slapd drops a client with about a thousand outstanding
FIRST_MESSAGE_ID = 1_000_000  # apart from the ids ldap3 gives its own requests
RECEIVE_BYTES = 65536
RESULT_SUCCESS = 0
RESULT_SIZE_LIMIT_EXCEEDED = 4
RESULT_NO_SUCH_OBJECT = 32
MANAGED = {name.lower(): name for name in ATTRIBUTES}


class SyncError(Exception):
    """The server could not be reached or refused the sync: the message says why."""


# Settings ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LdapSettings:
    url: str
    bind_dn: str
    password: str
    base_dn: str
    start_tls: bool = False
    ca_file: str = ""
    verify: bool = True
    connect_timeout: int = 5  # seconds
    timeout: int = 30  # seconds; whole, as ldap3 sets it on the socket
    language: str = "en"

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> LdapSettings:
        missing = [name for name in ("LDAP_URL", "LDAP_BASE_DN") if not config.get(name)]
        if missing:
            raise SyncError(f"Set {' and '.join(missing)} to use the LDAP server (see README).")
        password = config.get("LDAP_BIND_PASSWORD") or ""
        password_file = config.get("LDAP_BIND_PASSWORD_FILE") or ""
        if password_file:
            try:
                password = Path(password_file).read_text(encoding="utf-8").rstrip("\r\n")
            except OSError as error:
                raise SyncError(
                    f"LDAP_BIND_PASSWORD_FILE: {error.strerror}: {password_file}"
                ) from error
        return cls(
            url=config["LDAP_URL"],
            bind_dn=config.get("LDAP_BIND_DN") or "",
            password=password,
            base_dn=config["LDAP_BASE_DN"],
            start_tls=bool(config.get("LDAP_START_TLS")),
            ca_file=config.get("LDAP_CA_FILE") or "",
            verify=bool(config.get("LDAP_TLS_VERIFY", True)),
            connect_timeout=max(1, int(config.get("LDAP_CONNECT_TIMEOUT") or 5)),
            timeout=max(1, int(config.get("LDAP_TIMEOUT") or 30)),
            language=config.get("DEFAULT_LOCALE") or "en",
        )


def connect(settings: LdapSettings) -> Connection:
    """A bound connection with timeouts: ldap3's defaults wait forever on a silent server.

    Certificates are verified by default (ldap3's ``Tls()`` does not), host name included."""
    tls = Tls(
        validate=ssl.CERT_REQUIRED if settings.verify else ssl.CERT_NONE,
        ca_certs_file=settings.ca_file or None,
    )
    try:
        server = Server(
            settings.url, get_info=NONE, tls=tls, connect_timeout=settings.connect_timeout
        )
    except LDAPException as error:
        raise SyncError(f"LDAP_URL {settings.url!r}: {_describe(error)}") from error
    connection = Connection(
        server,
        user=settings.bind_dn or None,
        password=settings.password or None,
        client_strategy=SYNC,
        receive_timeout=settings.timeout,
        raise_exceptions=True,
        return_empty_attributes=False,
        auto_range=False,
    )
    try:
        connection.open()
        if settings.start_tls and not settings.url.lower().startswith("ldaps:"):
            connection.start_tls()
        connection.bind()
    except (LDAPException, OSError) as error:
        _close(connection)
        raise SyncError(f"LDAP server {settings.url}: {_describe(error)}") from error
    return connection


def _describe(error: BaseException) -> str:
    text = str(error) or type(error).__name__
    if "invalidCredentials" in text or "invalid credentials" in text.lower():
        return "the bind DN or password was refused"
    return text


def entry_dn(uid: str, base_dn: str) -> str:
    return f"uid={escape_rdn(uid)},{base_dn}"


# Reading ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Current:
    """An entry as the server holds it: its DN as the server spells it, and its values."""

    dn: str
    attributes: dict[str, tuple[str, ...]]


def _values(raw: Mapping[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """The attributes the sync manages, under their canonical names."""
    values: dict[str, tuple[str, ...]] = {}
    for name, items in raw.items():
        canonical = MANAGED.get(name.split(";", 1)[0].lower())
        if canonical is not None and items:
            values[canonical] = items
    return values


class _Wire:
    """Requests written and answers read on ldap3's bound socket (see ber.py for why)."""

    def __init__(self, connection: Connection) -> None:
        if connection.socket is None or connection.closed:
            raise SyncError("The LDAP connection is closed.")
        self.sock = connection.socket
        self.buffer = bytearray()

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def messages(self) -> Iterator[bytes]:
        """Each whole message as it arrives; waits (up to LDAP_TIMEOUT) for more."""
        while True:
            while (size := ber.message_size(self.buffer)) and len(self.buffer) >= size:
                message = bytes(self.buffer[:size])
                del self.buffer[:size]
                yield message
            data = self.sock.recv(RECEIVE_BYTES)
            if not data:
                raise SyncError("The LDAP server closed the connection.")
            self.buffer += data


@contextlib.contextmanager
def _talking(connection: Connection, url: str) -> Iterator[None]:
    """A broken socket or a garbled answer ends the connection with a SyncError."""
    try:
        yield
    except (OSError, ber.BerError) as error:
        _close(connection)
        raise SyncError(f"LDAP server {url}: {error}") from error


OWNED_FILTER = ber.and_filter(
    ber.equality_filter("objectClass", "inetOrgPerson"),
    ber.equality_filter("employeeType", OWNER_MARK),
)


def _check_page(result: ber.Result, base_dn: str) -> None:
    if result.operation == "extended":  # a notice of disconnection
        raise SyncError(f"The LDAP server ended the connection: {result.diagnostic}")
    if result.code == RESULT_SIZE_LIMIT_EXCEEDED:
        raise SyncError(
            "The LDAP server's size limit cut the read short: give the bind DN "
            "`olcLimits: ... size=unlimited` (see README)."
        )
    if result.code != RESULT_SUCCESS:
        name = RESULT_CODES.get(result.code, str(result.code))
        raise SyncError(f"Reading {base_dn}: {name} {result.diagnostic}".strip())


def _search(
    connection: Connection, base_dn: str, scope: int, url: str
) -> dict[str, Current] | None:
    """The owned entries the search finds, by uid, a page at a time; None when ``base_dn``
    does not exist.

    The answers are decoded here rather than by ldap3, which took 3.4 s of Python for 10,000
    entries that the ldapsearch program reads in 0.4 s."""
    found: dict[str, Current] = {}
    message_ids = itertools.count(FIRST_MESSAGE_ID)
    cookie = b""
    with _talking(connection, url):
        wire = _Wire(connection)
        while True:
            wire.send(
                ber.search_request(
                    next(message_ids), base_dn, OWNED_FILTER, ATTRIBUTES, PAGE_SIZE, cookie, scope
                )
            )
            for message in wire.messages():
                answer = ber.parse_search(message)
                if isinstance(answer, ber.SearchEntry):
                    values = _values(answer.attributes)
                    uids = values.get("uid", ())
                    if len(uids) == 1:
                        found[uids[0]] = Current(dn=answer.dn, attributes=values)
                elif isinstance(answer, ber.SearchDone):
                    missing = answer.result.code == RESULT_NO_SUCH_OBJECT
                    if missing and answer.result.operation == "search":
                        return None
                    _check_page(answer.result, base_dn)
                    cookie = answer.cookie
                    break
            if not cookie:
                return found


def read_current(connection: Connection, base_dn: str, url: str = "") -> dict[str, Current]:
    """Every owned entry directly below the base, by uid."""
    found = _search(connection, base_dn, ber.SINGLE_LEVEL, url)
    if found is None:
        raise SyncError(f"The base {base_dn} does not exist in the LDAP server.")
    return found


def read_entry(connection: Connection, settings: LdapSettings, uid: str) -> Current | None:
    """The owned entry of one contact, if the server holds it."""
    dn = entry_dn(uid, settings.base_dn)
    return (_search(connection, dn, ber.BASE_OBJECT, settings.url) or {}).get(uid)


# Desired ---------------------------------------------------------------------------------------


@dataclass
class Desired:
    entries: dict[str, Entry] = field(default_factory=dict)
    refused: dict[str, str] = field(default_factory=dict)  # uid -> why it cannot be written
    left_out: list[str] = field(default_factory=list)


def mapped(
    contacts: Iterable[Contact | ContactRecord], language: str, desired: Desired
) -> Iterator[Entry]:
    """The entry of each contact; what cannot be written is noted in ``desired``."""
    for contact in contacts:
        try:
            entry = contact_entry(contact, language)
        except MappingError as error:
            desired.refused[error.uid] = str(error)
            continue
        desired.left_out.extend(f"{entry.uid}: {item}" for item in entry.left_out)
        yield entry


def desired_entries(contacts: Iterable[Contact | ContactRecord], language: str = "en") -> Desired:
    desired = Desired()
    desired.entries = {entry.uid: entry for entry in mapped(contacts, language, desired)}
    return desired


# Diff --------------------------------------------------------------------------------------------


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
    """The actions that turn ``current`` into ``desired``. Pure.

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


# Executing ---------------------------------------------------------------------------------------


def _request(action: Action, message_id: int, base_dn: str) -> bytes:
    if isinstance(action, Add):
        return ber.add_request(message_id, entry_dn(action.uid, base_dn), action.attributes)
    if isinstance(action, Modify):
        return ber.modify_request(message_id, action.dn, action.changes)
    return ber.delete_request(message_id, action.dn)


def execute(
    connection: Connection,
    settings: LdapSettings,
    actions: list[Action],
    progress: Callable[[int], None] | None = None,
    window: int = WINDOW,
) -> None:
    """Carry the actions out, ``window`` requests in flight at a time on the bound connection.

    Each action touches its own entry, so their order does not matter. The ones the server
    refuses are reported together at the end; the others are done."""
    pending: dict[int, Action] = {}
    refused: list[str] = []
    queue = iter(actions)
    message_ids = itertools.count(FIRST_MESSAGE_ID)

    with _talking(connection, settings.url):
        wire = _Wire(connection)

        def send_more() -> None:
            chunks = []
            for action in itertools.islice(queue, window - len(pending)):
                message_id = next(message_ids)
                pending[message_id] = action
                chunks.append(_request(action, message_id, settings.base_dn))
            if chunks:
                wire.send(b"".join(chunks))

        send_more()
        answers = wire.messages()
        while pending:
            result = ber.parse_result(next(answers))
            if result.operation == "extended":  # a notice of disconnection
                raise SyncError(f"The LDAP server ended the connection: {result.diagnostic}")
            action = pending.pop(result.message_id, None)
            if action is None:
                continue
            if result.code != RESULT_SUCCESS:
                name = RESULT_CODES.get(result.code, str(result.code))
                refused.append(f"{action.describe()}: {name} {result.diagnostic}".strip())
            if progress is not None:
                progress(1)
            if len(pending) <= window // 2:
                send_more()
    if refused:
        shown = "\n".join(refused[:10])
        more = f"\n... and {len(refused) - 10} more" if len(refused) > 10 else ""
        raise SyncError(f"The LDAP server refused {len(refused)} changes:\n{shown}{more}")


# The whole sync ----------------------------------------------------------------------------------


@dataclass
class SyncReport:
    actions: list[Action]
    refused: dict[str, str]
    left_out: list[str]
    unchanged: int
    cursor: int  # every change up to this one is in the server

    def count(self, kind: type) -> int:
        return sum(1 for action in self.actions if isinstance(action, kind))

    def summary(self) -> str:
        return (
            f"{self.count(Add)} added, {self.count(Modify)} modified, "
            f"{self.count(Delete)} deleted, {self.unchanged} unchanged"
            + (f", {len(self.refused)} refused" if self.refused else "")
        )


def last_change_seq() -> int:
    return db.session.scalar(select(func.max(Change.seq))) or 0


def plan(connection: Connection, settings: LdapSettings) -> SyncReport:
    """Read the server and the database; return what a sync would do."""
    cursor = last_change_seq()  # read first: a change made while we read is applied again later
    current = read_current(connection, settings.base_dn, settings.url)
    desired = desired_entries(active_contact_records(), settings.language)
    db.session.rollback()
    actions = diff(current, desired.entries, keep=desired.refused)
    changed = {action.uid for action in actions if not isinstance(action, Delete)}
    return SyncReport(
        actions=actions,
        refused=desired.refused,
        left_out=desired.left_out,
        unchanged=len(desired.entries) - len(changed & set(desired.entries)),
        cursor=cursor,
    )


def sync(
    settings: LdapSettings,
    dry_run: bool = False,
    on_plan: Callable[[SyncReport], Callable[[int], None] | None] | None = None,
) -> SyncReport:
    """Bring the server in step with the database. ``on_plan`` sees the plan before it runs and
    may return a progress callback."""
    connection = connect(settings)
    try:
        return sync_on(connection, settings, dry_run, on_plan)
    finally:
        _close(connection)


def sync_on(
    connection: Connection,
    settings: LdapSettings,
    dry_run: bool = False,
    on_plan: Callable[[SyncReport], Callable[[int], None] | None] | None = None,
) -> SyncReport:
    """``sync`` on a connection already open (the follower keeps one)."""
    report = plan(connection, settings)
    progress = on_plan(report) if on_plan else None
    if not dry_run:
        execute(connection, settings, report.actions, progress)
    return report


def _close(connection: Connection) -> None:
    with contextlib.suppress(LDAPException, OSError):
        connection.unbind()
    # ldap3 leaves the socket of a failed open (or of a dropped connection) unclosed.
    sock = getattr(connection, "socket", None)
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.close()


# Following the change log ------------------------------------------------------------------------


def changed_contacts(after: int, limit: int = 1000) -> tuple[list[str], int]:
    """Public ids of contacts changed after ``after``, and the seq of the last change read."""
    rows = db.session.execute(
        select(Change.seq, Change.entity_id)
        .where(Change.seq > after, Change.entity == Entity.CONTACT.value)
        .order_by(Change.seq)
        .limit(limit)
    ).all()
    if not rows:
        return [], max(after, last_change_seq())
    ids = list(dict.fromkeys(entity_id for _, entity_id in rows))
    return ids, rows[-1].seq


def apply_changes(
    connection: Connection, settings: LdapSettings, public_ids: list[str]
) -> list[Action]:
    """Bring these contacts' entries in step, reading each from the server first."""
    desired = desired_entries(
        active_contact_records(Contact.public_id.in_(public_ids)), settings.language
    )
    db.session.rollback()
    actions: list[Action] = []
    for uid in public_ids:
        held = read_entry(connection, settings, uid)
        actions.extend(
            diff(
                {uid: held} if held else {},
                {uid: desired.entries[uid]} if uid in desired.entries else {},
                keep=desired.refused,
            )
        )
    for uid, reason in desired.refused.items():
        log.warning("LDAP: contact %s left as it was: %s", uid, reason)
    execute(connection, settings, actions)
    return actions


def follow_changes(
    settings: LdapSettings,
    interval: float = 1.0,
    retry_max: float = 60.0,
    stop: Event | None = None,
    report: Callable[[str], None] = log.info,
) -> None:
    """Keep the server in step: one full sync, then every change as it is committed.

    The cursor moves only after a change is in the server; when the server is away the loop
    backs off (1 s, 2 s, 4 s ... up to ``retry_max``) and carries on from the same cursor."""
    stop = stop or Event()
    connection: Connection | None = None
    cursor: int | None = None
    delay = 1.0
    while not stop.is_set():
        db.session.rollback()  # each look at the log sees the latest commits
        try:
            if connection is None:
                connection = connect(settings)
                if cursor is None:
                    first = sync_on(connection, settings)
                    cursor = first.cursor
                    report(f"In step: {first.summary()}.")
                else:
                    report("LDAP server back: catching up.")
                delay = 1.0
            ids, last = changed_contacts(cursor)
            if ids:
                actions = apply_changes(connection, settings, ids)
                for action in actions:
                    report(action.describe())
            cursor = last
            if not ids:
                stop.wait(interval)
        except SyncError as error:
            db.session.rollback()
            if connection is not None:
                _close(connection)
                connection = None
            report(f"{error} (trying again in {delay:g} s)")
            stop.wait(delay)
            delay = min(delay * 2, retry_max)
    if connection is not None:
        _close(connection)


# Export -------------------------------------------------------------------------------------------


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
    refused. Works without a server: only the DNs need ldap3's escaping."""
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
