"""Fixtures for the integration tests: a real slapd, shared by the run or owned by one test."""

from __future__ import annotations

import itertools
import secrets
from collections.abc import Iterator

import pytest

from tests.integration.slapd import Slapd, slapd_server

_bases = itertools.count(1)


@pytest.fixture(scope="session")
def slapd_session() -> Iterator[Slapd]:
    """One slapd for the whole run; tests keep apart by writing under their own ``ldap_base``."""
    with slapd_server() as server:
        yield server


@pytest.fixture
def ldap_server(slapd_session: Slapd) -> Slapd:
    """The run's shared slapd."""
    return slapd_session


@pytest.fixture
def ldap_base(slapd_session: Slapd) -> str:
    """The DN of a new, empty organizational unit on the shared slapd, for this test only."""
    dn = f"ou=t{next(_bases)}-{secrets.token_hex(3)},{slapd_session.suffix}"
    slapd_session.add_ou(dn)
    return dn


@pytest.fixture
def private_slapd() -> Iterator[Slapd]:
    """A slapd of this test's own, which it may stop and start, with ``ou=contacts`` created."""
    with slapd_server() as server:
        server.add_ou(f"ou=contacts,{server.suffix}")
        yield server
