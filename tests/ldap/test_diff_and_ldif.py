"""The sync's pure parts: the diff into actions, DNs and filters, and the LDIF writer."""

from __future__ import annotations

import base64
import io

import pytest

from directory.projections.ldap import ldif
from directory.projections.ldap.connection import entry_dn, owned_filter
from directory.projections.ldap.diff import Add, Current, Delete, Modify, diff
from directory.projections.ldap.mapping import Entry
from directory.projections.ldap.settings import LdapSettings, SyncError
from directory.projections.ldap.sync import cursor_name


def entry(uid: str, **values: tuple[str, ...]) -> Entry:
    return Entry(uid, {"uid": (uid,), **values})


def held(uid: str, **values: tuple[str, ...]) -> Current:
    return Current(
        dn=f"uid={uid},ou=contacts,dc=example,dc=org", attributes={"uid": (uid,), **values}
    )


def test_missing_entries_are_added_and_unknown_ones_deleted() -> None:
    actions = diff({"gone": held("gone", cn=("Old",))}, {"new": entry("new", cn=("New",))})
    assert actions == [
        Add("new", {"uid": ("new",), "cn": ("New",)}),
        Delete("gone", "uid=gone,ou=contacts,dc=example,dc=org"),
    ]


def test_a_modify_names_only_the_attributes_that_changed() -> None:
    current = {"a": held("a", cn=("Ana",), mail=("a@x.org",), l=("Kingston",))}
    desired = {"a": entry("a", cn=("Ana",), mail=("ana@x.org",))}
    (action,) = diff(current, desired)
    assert isinstance(action, Modify)
    assert action.changes == {"mail": ("ana@x.org",), "l": ()}


def test_nothing_to_do_when_in_step() -> None:
    values = {"cn": ("Ana", "ana"), "telephoneNumber": ("+18769061111",)}
    assert diff({"a": held("a", **values)}, {"a": entry("a", **values)}) == []


def test_order_of_values_counts_the_first_is_what_clients_show() -> None:
    current = {"a": held("a", telephoneNumber=("+2", "+1"))}
    desired = {"a": entry("a", telephoneNumber=("+1", "+2"))}
    (action,) = diff(current, desired)
    assert action.changes == {"telephoneNumber": ("+1", "+2")}


def test_a_contact_that_cannot_be_written_is_kept_not_deleted() -> None:
    assert diff({"a": held("a")}, {}, keep={"a"}) == []


def test_dn_values_are_escaped() -> None:
    assert entry_dn("a,b+c", "ou=contacts,dc=example,dc=org") == (
        "uid=a\\,b\\+c,ou=contacts,dc=example,dc=org"
    )


def test_filters_are_the_owned_entries_with_values_escaped() -> None:
    owned = "(objectClass=inetOrgPerson)(employeeType=point of contact)"
    assert owned_filter() == f"(&{owned})"
    assert owned_filter(["a1", "x*)(uid=\\"]) == (
        f"(&{owned}(|(uid=a1)(uid=x\\2a\\29\\28uid=\\5c)))"
    )


def test_the_cursor_is_named_for_the_base_whatever_its_case() -> None:
    assert cursor_name("OU=Contacts,DC=Example,DC=org") == "ldap:ou=contacts,dc=example,dc=org"


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("Kingston", True),
        ("", True),
        ("Núñez", False),
        (" leading", False),
        ("trailing ", False),
        (":colon", False),
        ("<angle", False),
        ("#hash", True),
        ("line\nbreak", False),
    ],
)
def test_unsafe_values_are_base64(value: str, safe: bool) -> None:
    assert ldif.is_safe(value) is safe
    written = ldif.line("cn", value)
    if safe:
        assert written == f"cn: {value}"
    else:
        assert base64.b64decode(written.removeprefix("cn:: ")).decode() == value


def test_long_lines_fold_at_76_and_unfold_to_the_same_text() -> None:
    text = "description: " + "x" * 300
    folded = ldif.fold(text)
    assert all(len(line) <= 76 for line in folded.splitlines())
    assert folded.replace("\n ", "") == text


def test_a_file_is_records_with_blank_lines_between_and_no_version_line() -> None:
    out = io.StringIO()
    count = ldif.write(out, [ldif.record("uid=a,ou=c,dc=x", {"uid": ("a",), "cn": ("Ana",)})] * 2)
    assert count == 2
    assert out.getvalue() == (
        "dn: uid=a,ou=c,dc=x\nuid: a\ncn: Ana\n\ndn: uid=a,ou=c,dc=x\nuid: a\ncn: Ana\n"
    )
    assert "changetype" not in out.getvalue()  # slapadd refuses it, and version: 1 too


def test_the_base_record_is_an_organizational_unit() -> None:
    assert ldif.base_record("ou=contacts,dc=example,dc=org") == (
        "dn: ou=contacts,dc=example,dc=org\nobjectClass: top\n"
        "objectClass: organizationalUnit\nou: contacts\n"
    )
    assert ldif.base_record("dc=example,dc=org") is None


def test_settings_say_what_is_missing(tmp_path) -> None:
    with pytest.raises(SyncError, match="LDAP_URL and LDAP_BASE_DN"):
        LdapSettings.from_config({})
    secret = tmp_path / "password"
    secret.write_text("s3cret\n")
    settings = LdapSettings.from_config(
        {
            "LDAP_URL": "ldap://127.0.0.1:389",
            "LDAP_BASE_DN": "ou=contacts,dc=example,dc=org",
            "LDAP_BIND_PASSWORD": "ignored",
            "LDAP_BIND_PASSWORD_FILE": str(secret),
        }
    )
    assert settings.password == "s3cret"
    assert settings.verify is True
    with pytest.raises(SyncError, match="No such file"):
        LdapSettings.from_config(
            {
                "LDAP_URL": "ldap://x",
                "LDAP_BASE_DN": "ou=c",
                "LDAP_BIND_PASSWORD_FILE": str(tmp_path / "missing"),
            }
        )
