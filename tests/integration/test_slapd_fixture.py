"""The throwaway slapd: it answers, stores UTF-8 values, survives a restart and speaks TLS."""

from __future__ import annotations

import base64
import os
import subprocess
from pathlib import Path

import pytest

from tests.integration.slapd import Slapd, ldif_line, parse_ldif

pytestmark = pytest.mark.integration


def person_ldif(dn: str, cn: str, sn: str, mail: str) -> str:
    encoded = base64.b64encode(cn.encode("utf-8")).decode("ascii")
    return "\n".join(
        [
            f"dn: {dn}",
            "objectClass: inetOrgPerson",
            f"cn:: {encoded}",
            ldif_line("sn", sn),
            f"mail: {mail}",
            "",
        ]
    )


def test_root_dse_names_the_suffix(ldap_server: Slapd) -> None:
    assert ldap_server.is_running()
    entries = ldap_server.ldapsearch("", scope="base", attrs=["namingContexts"])
    assert entries == [{"dn": "", "namingContexts": [ldap_server.suffix]}]


def test_accented_cn_reads_back_equal(ldap_server: Slapd, ldap_base: str) -> None:
    ou = ldap_base.split(",")[0].removeprefix("ou=")
    assert ldap_server.ldapsearch(ldap_base) == [
        {"dn": ldap_base, "objectClass": ["organizationalUnit"], "ou": [ou]}
    ]
    cn = "José Núñez Ñandú"
    ldap_server.ldapadd(person_ldif(f"cn={cn},{ldap_base}", cn, "Núñez", "jose@example.org"))

    found = ldap_server.ldapsearch(ldap_base, "(sn=Núñez)", attrs=["cn", "sn", "mail"])
    assert found == [
        {"dn": f"cn={cn},{ldap_base}", "cn": [cn], "sn": ["Núñez"], "mail": ["jose@example.org"]}
    ]
    assert ldap_server.ldapsearch(ldap_base, "(cn=*Ñandú)", attrs=["cn"])[0]["cn"] == [cn]
    assert ldap_server.ldapsearch(f"cn=nobody,{ldap_base}", scope="base") == []  # noSuchObject


def test_ldapadd_reports_failure(ldap_server: Slapd, ldap_base: str) -> None:
    text = person_ldif(f"cn=x,{ldap_base}", "x", "y", "x@example.org")
    ldap_server.ldapadd(text)
    with pytest.raises(RuntimeError, match="Already exists"):
        ldap_server.ldapadd(text)
    assert ldap_server.ldapadd(text, check=False).returncode == 68


def test_parse_ldif_handles_base64_and_folded_lines() -> None:
    text = "dn: cn=a,dc=x\ncn:: w6lsw6h2ZQ==\ndescription: one\n  two\n\ndn:: Y249YixkYz14\nsn: b\n"
    assert parse_ldif(text) == [
        {"dn": "cn=a,dc=x", "cn": ["élève"], "description": ["one two"]},
        {"dn": "cn=b,dc=x", "sn": ["b"]},
    ]


def test_stop_then_start_keeps_the_data(private_slapd: Slapd) -> None:
    contacts = f"ou=contacts,{private_slapd.suffix}"
    private_slapd.ldapadd(person_ldif(f"cn=Zoë,{contacts}", "Zoë", "Å", "zoe@example.org"))
    port = private_slapd.port

    private_slapd.stop()
    assert not private_slapd.is_running()
    private_slapd.stop()
    with pytest.raises(RuntimeError, match="ldapsearch"):
        private_slapd.ldapsearch(contacts)

    private_slapd.start()
    assert private_slapd.is_running()
    assert private_slapd.port == port
    found = private_slapd.ldapsearch(contacts, "(mail=zoe@example.org)", attrs=["cn", "sn"])
    assert found == [{"dn": f"cn=Zoë,{contacts}", "cn": ["Zoë"], "sn": ["Å"]}]


def tls_search(url: str, ca_file: Path, *options: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "LDAPNOINIT"}
    env.update(LDAPTLS_CACERT=str(ca_file), LDAPTLS_REQCERT="demand")
    return subprocess.run(
        ["ldapsearch", "-x", *options, "-H", url, "-b", "", "-s", "base", "namingContexts"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
        env=env,
    )


def test_tls_verifies_against_the_ca_file(ldap_server: Slapd, tmp_path: Path) -> None:
    ldaps = tls_search(ldap_server.ldaps_url, ldap_server.ca_file)
    assert ldaps.returncode == 0, ldaps.stderr
    assert f"namingContexts: {ldap_server.suffix}" in ldaps.stdout

    starttls = tls_search(ldap_server.url, ldap_server.ca_file, "-ZZ")
    assert starttls.returncode == 0, starttls.stderr
    assert f"namingContexts: {ldap_server.suffix}" in starttls.stdout

    empty = tmp_path / "empty-ca.pem"
    empty.write_text("")
    assert tls_search(ldap_server.ldaps_url, empty).returncode != 0
    assert tls_search(ldap_server.url, empty, "-ZZ").returncode != 0
