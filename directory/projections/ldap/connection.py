"""The one module that imports ldap3: a bound connection, DNs and filters escaped with ldap3's
helpers, and the four operations the sync needs (a paged search, add, modify, delete), each
through ldap3's public API.

Two ldap3 strategies, each where it is the right tool:

- ``SYNC`` for the connection the sync keeps (bind, StartTLS, reads, a few writes): every
  answer is waited for on the caller's thread, with ``LDAP_TIMEOUT`` on the socket, so errors
  (a refused certificate, a silent server) surface where they happen.
- ``ASYNC`` for a ``window`` of writes in flight, opened when there are many. Measured with
  bench/ldap_sync.py (2 CPUs shared with other work, slapd 2.5 with the README's indexes), a
  first sync writing one at a time on ``SYNC`` took 2.27x as long as ``ldapadd`` of the same
  entries at 1,000 contacts, 1.77x at 5,000 and 1.38x at 10,000; with 200 requests in flight on
  ``ASYNC``, 1.36x, 1.09x and 0.98x. ldap3 spends about a millisecond of Python (pyasn1) on
  each add, which the window overlaps with slapd's own work.
"""

from __future__ import annotations

import contextlib
import ssl
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ldap3 import ASYNC, LEVEL, MODIFY_REPLACE, NONE, SYNC, Connection, Server, Tls
from ldap3.core.exceptions import LDAPException, LDAPResponseTimeoutError
from ldap3.utils.conv import escape_filter_chars
from ldap3.utils.dn import escape_rdn

from .mapping import OWNER_MARK
from .settings import LdapSettings, SyncError

PAGE_SIZE = 500  # below slapd's default size limit, so that each page comes back whole
PAGED_RESULTS = "1.2.840.113556.1.4.319"  # RFC 2696, the control ldap3 sends for paged_size
SUCCESS, SIZE_LIMIT_EXCEEDED, NO_SUCH_OBJECT = 0, 4, 32
WAIT_SLICE = 0.25  # seconds: how often a wait for an answer looks whether the connection is gone


def entry_dn(uid: str, base_dn: str) -> str:
    return f"uid={escape_rdn(uid)},{base_dn}"


def owned_filter(uids: Iterable[str] = ()) -> str:
    """The entries the sync owns (of these uids only, when given), values escaped by ldap3."""
    owned = f"(objectClass=inetOrgPerson)(employeeType={escape_filter_chars(OWNER_MARK)})"
    wanted = "".join(f"(uid={escape_filter_chars(uid)})" for uid in uids)
    return f"(&{owned}(|{wanted}))" if wanted else f"(&{owned})"


@dataclass(frozen=True)
class Answer:
    """The server's answer to one write."""

    code: int
    description: str
    message: str

    @property
    def ok(self) -> bool:
        return self.code == SUCCESS

    def __str__(self) -> str:
        return f"{self.description} {self.message}".strip()


def _answer(result: Mapping[str, Any] | None) -> Answer:
    result = result or {}
    return Answer(
        code=int(result.get("result", -1)),
        description=str(result.get("description") or "no answer"),
        message=str(result.get("message") or ""),
    )


def _failure(settings: LdapSettings, error: BaseException | str) -> SyncError:
    text = str(error) or type(error).__name__
    if "invalidCredentials" in text or "invalid credentials" in text.lower():
        text = "the bind DN or password was refused"
    return SyncError(f"LDAP server {settings.url}: {text}")


def _close(connection: Connection) -> None:
    with contextlib.suppress(LDAPException, OSError):
        connection.unbind()
    # ldap3 leaves the socket of a failed open (a refused certificate, say) unclosed.
    sock = getattr(connection, "socket", None)
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.close()


class LdapConnection:
    """A bound connection to the server of ``settings``; a context manager that closes it."""

    def __init__(self, settings: LdapSettings) -> None:
        self.settings = settings
        self._connection = self._open(SYNC)

    def _open(self, strategy: str) -> Connection:
        """Certificates are verified by default (ldap3's ``Tls()`` does not), host name
        included; timeouts are set (ldap3's defaults wait forever on a silent server).

        On ``ASYNC``, ldap3's receiving thread retries forever when a receive timeout is set
        and its socket fails, so a close that races it leaves the thread spinning. Without one,
        the socket keeps the connect timeout, and the thread ends (closing the connection) at
        the first silence that long or at the close: the window is given LDAP_TIMEOUT as its
        connect timeout, so that a silence is still bounded by LDAP_TIMEOUT."""
        settings = self.settings
        is_window = strategy == ASYNC
        tls = Tls(
            validate=ssl.CERT_REQUIRED if settings.verify else ssl.CERT_NONE,
            ca_certs_file=settings.ca_file or None,
        )
        try:
            server = Server(
                settings.url,
                get_info=NONE,
                tls=tls,
                connect_timeout=settings.timeout if is_window else settings.connect_timeout,
            )
        except LDAPException as error:
            raise SyncError(f"LDAP_URL {settings.url!r}: {error}") from error
        connection = Connection(
            server,
            user=settings.bind_dn or None,
            password=settings.password or None,
            client_strategy=strategy,
            receive_timeout=None if is_window else settings.timeout,
            raise_exceptions=False,
            return_empty_attributes=False,
            auto_range=False,
            # DNs are made with escape_rdn or come from the server; values are checked by the
            # mapping: ldap3 would parse and rebuild each DN again
            check_names=False,
        )
        try:
            connection.open()
            if settings.start_tls and not settings.url.lower().startswith("ldaps:"):
                connection.start_tls()
            bound = connection.bind()
        except (LDAPException, OSError) as error:
            _close(connection)
            raise _failure(settings, error) from error
        if not bound:
            reason = connection.last_error or str(_answer(connection.result))
            _close(connection)
            raise _failure(settings, reason)
        return connection

    def __enter__(self) -> LdapConnection:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        _close(self._connection)

    # Reading ------------------------------------------------------------------------------------

    def search(
        self, base_dn: str, search_filter: str, attributes: Sequence[str]
    ) -> Iterator[tuple[str, dict[str, list[str]]]]:
        """(DN, attributes) of each entry found one level below ``base_dn``, a page at a time.
        A missing base, or a read cut short, is a SyncError."""
        connection = self._connection
        cookie: bytes | None = None
        while True:
            try:
                connection.search(
                    base_dn,
                    search_filter,
                    search_scope=LEVEL,
                    attributes=list(attributes),
                    paged_size=PAGE_SIZE,
                    paged_cookie=cookie,
                )
            except LDAPException as error:
                raise _failure(self.settings, error) from error
            result = connection.result or {}
            code = result.get("result")
            if code == NO_SUCH_OBJECT:
                raise SyncError(f"The base {base_dn} does not exist in the LDAP server.")
            if code == SIZE_LIMIT_EXCEEDED:
                raise SyncError(
                    "The LDAP server's size limit cut the read short: give the bind DN "
                    "`olcLimits: ... size=unlimited` (see README)."
                )
            if code != SUCCESS:
                raise SyncError(f"Reading {base_dn}: {_answer(result)}")
            for item in connection.response or ():
                if item.get("type") == "searchResEntry":
                    yield item["dn"], item["attributes"]
            control = (result.get("controls") or {}).get(PAGED_RESULTS) or {}
            cookie = (control.get("value") or {}).get("cookie")
            if not cookie:
                return

    # Writing, one at a time --------------------------------------------------------------------

    def add(self, dn: str, attributes: Mapping[str, Sequence[str]]) -> Answer:
        _send(self._connection, self.settings, "add", dn, attributes)
        return _answer(self._connection.result)

    def modify(self, dn: str, changes: Mapping[str, Sequence[str]]) -> Answer:
        _send(self._connection, self.settings, "modify", dn, changes)
        return _answer(self._connection.result)

    def delete(self, dn: str) -> Answer:
        _send(self._connection, self.settings, "delete", dn)
        return _answer(self._connection.result)

    # Writing, many in flight -------------------------------------------------------------------

    @contextlib.contextmanager
    def window(self) -> Iterator[Window]:
        """A second connection, on ldap3's ASYNC strategy, for many writes in flight."""
        window = Window(self.settings, self._open(ASYNC))
        try:
            yield window
        finally:
            window.close()


def _send(
    connection: Connection,
    settings: LdapSettings,
    kind: str,
    dn: str,
    values: Mapping[str, Sequence[str]] | None = None,
) -> Any:
    """ldap3's add, modify (each attribute's values replaced; none removes it) or delete:
    on SYNC whether it was done, on ASYNC the message id."""
    try:
        if kind == "add":
            return connection.add(dn, attributes={k: list(v) for k, v in (values or {}).items()})
        if kind == "modify":
            changes = {k: [(MODIFY_REPLACE, list(v))] for k, v in (values or {}).items()}
            return connection.modify(dn, changes)
        return connection.delete(dn)
    except LDAPException as error:
        raise _failure(settings, error) from error


class Window:
    """Writes sent without waiting: each returns a message id, ``answer`` waits for it."""

    def __init__(self, settings: LdapSettings, connection: Connection) -> None:
        self.settings = settings
        self._connection = connection

    def add(self, dn: str, attributes: Mapping[str, Sequence[str]]) -> int:
        return int(_send(self._connection, self.settings, "add", dn, attributes))

    def modify(self, dn: str, changes: Mapping[str, Sequence[str]]) -> int:
        return int(_send(self._connection, self.settings, "modify", dn, changes))

    def delete(self, dn: str) -> int:
        return int(_send(self._connection, self.settings, "delete", dn))

    def answer(self, message_id: int) -> Answer:
        """The server's answer to the request ``message_id``, waited for up to LDAP_TIMEOUT."""
        url, timeout = self.settings.url, self.settings.timeout
        deadline = time.monotonic() + timeout
        while True:
            try:
                _, result = self._connection.get_response(message_id, timeout=WAIT_SLICE)
            except LDAPResponseTimeoutError as error:
                silent = time.monotonic() >= deadline - WAIT_SLICE
                if not silent and not self._connection.closed:
                    continue
                why = f"no answer within {timeout} s" if silent else "it closed the connection"
                raise SyncError(f"LDAP server {url}: {why}.") from error
            except LDAPException as error:
                raise _failure(self.settings, error) from error
            return _answer(result)

    def close(self) -> None:
        _close(self._connection)
