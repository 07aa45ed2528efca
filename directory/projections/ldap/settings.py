"""How to reach the LDAP server, read from the app's config; and the error that says why the
sync could not do its work. No I/O beyond reading a password file."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class SyncError(Exception):
    """The server could not be reached or refused the sync: the message says why."""


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
