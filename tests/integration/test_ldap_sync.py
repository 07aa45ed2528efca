"""`flask ldap sync` and `flask ldap export` against a real slapd."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import update

from directory.extensions import db
from directory.models import Contact
from directory.projections.follower import cursor_of, follow, latest_seq
from directory.projections.ldap import executor
from directory.projections.ldap.connection import LdapConnection
from directory.projections.ldap.diff import Action, Add, Modify
from directory.projections.ldap.follow import apply_changes, follow_changes
from directory.projections.ldap.mapping import OBJECT_CLASSES, OWNER_MARK, contact_entry
from directory.projections.ldap.settings import LdapSettings, SyncError
from directory.projections.ldap.sync import cursor_name
from directory.services.actors import Actor
from directory.services.contacts import archive_contact, create_contact, update_contact
from directory.services.users import create_user
from directory.services.validation import ChannelData
from tests.factories import PASSWORD, contact_data
from tests.integration.slapd import Slapd

pytestmark = pytest.mark.integration

SYSTEM = Actor.system("tests")

HARD_VALUES = {
    "organisation": ('Ministry of Works, Transport + Housing "MTW" \\ Annex; ' * 4)[:200],
    "unit": "#1 Emergency Desk; São João (Δ)",
    "holder_given_name": "Zoë-Renée",
    "holder_family_name": "D'Aubigné, Jr.",
    "city": "Saint-Denis, Réunion",
    "postal_address": "Rue de l'Église, 12\n#3 $ Office \\ Annex\n" + "Block " * 150,
}


def configure(app: Flask, server: Slapd, base: str, **more: object) -> None:
    settings: dict[str, object] = {
        "LDAP_URL": server.url,
        "LDAP_BIND_DN": server.bind_dn,
        "LDAP_BIND_PASSWORD": server.password,
        "LDAP_BASE_DN": base,
        "LDAP_CA_FILE": str(server.ca_file),
        "LDAP_CONNECT_TIMEOUT": 3,
        "LDAP_TIMEOUT": 5,
    }
    app.config.update({**settings, **more})


def sync(runner: FlaskCliRunner, *args: str) -> str:
    result = runner.invoke(args=["ldap", "sync", *args])
    assert result.exit_code == 0, result.output
    return result.output


def held(server: Slapd, base: str) -> dict[str, dict]:
    """The entries under the base, by uid, as ldapsearch reads them."""
    found = server.ldapsearch(base, "(uid=*)", scope="one")
    return {entry["uid"][0]: entry for entry in found}


def expected(contact: Contact) -> dict[str, list[str]]:
    return {name: list(values) for name, values in contact_entry(contact).attributes.items()}


def assert_reads_back_equal(server: Slapd, base: str, contacts: list[Contact]) -> None:
    entries = held(server, base)
    assert set(entries) == {contact.public_id for contact in contacts}
    for contact in contacts:
        entry = entries[contact.public_id]
        for name, values in expected(contact).items():
            assert entry.get(name) == values, (contact.public_id, name)


def test_first_sync_adds_every_contact_and_a_second_does_nothing(
    app: Flask, runner: FlaskCliRunner, ldap_server: Slapd, ldap_base: str
) -> None:
    contacts = [
        create_contact(SYSTEM, contact_data()),
        create_contact(
            SYSTEM, contact_data("MX", holder_given_name="Ana", holder_family_name="Núñez")
        ),
        create_contact(SYSTEM, contact_data("BR", holder_given_name="", holder_family_name="")),
    ]
    configure(app, ldap_server, ldap_base)
    assert "3 added, 0 modified, 0 deleted, 0 unchanged" in sync(runner)
    assert_reads_back_equal(ldap_server, ldap_base, contacts)
    assert "0 added, 0 modified, 0 deleted, 3 unchanged" in sync(runner)


def test_hard_values_sync_read_back_equal_and_delete_cleanly(
    app: Flask, runner: FlaskCliRunner, ldap_server: Slapd, ldap_base: str
) -> None:
    contact = create_contact(SYSTEM, contact_data("HT", **HARD_VALUES))
    # Surrounding spaces and a leading # as an older import may have left them in the database.
    db.session.execute(
        update(Contact)
        .where(Contact.id == contact.id)
        .values(holder_given_name="  #Zoë + Ana  ", position_title=" Officer, 24/7 ")
    )
    db.session.commit()
    contact = db.session.get(Contact, contact.id)
    configure(app, ldap_server, ldap_base)
    sync(runner)
    assert_reads_back_equal(ldap_server, ldap_base, [contact])
    entry = held(ldap_server, ldap_base)[contact.public_id]
    assert entry["givenName"][0] == "#Zoë + Ana"
    assert entry["o"][0] == HARD_VALUES["organisation"]
    assert entry["postalAddress"][0].startswith(
        "Rue de l'Église, 12$#3 \\24 Office \\5C Annex$Block"
    )
    assert len(entry["postalAddress"][0]) > 900
    assert "0 added, 0 modified, 0 deleted, 1 unchanged" in sync(runner)

    archive_contact(SYSTEM, contact.public_id)
    assert "0 added, 0 modified, 1 deleted" in sync(runner)
    assert held(ldap_server, ldap_base) == {}


def test_an_edit_modifies_only_the_attributes_that_changed(
    app: Flask, runner: FlaskCliRunner, ldap_server: Slapd, ldap_base: str
) -> None:
    contact = create_contact(SYSTEM, contact_data())
    other = create_contact(SYSTEM, contact_data("TT"))
    configure(app, ldap_server, ldap_base)
    sync(runner)
    update_contact(SYSTEM, contact.public_id, contact_data(city="Port Royal"), contact.version)

    planned = sync(runner, "--dry-run")
    assert f"modify uid={contact.public_id}  l\n" in planned
    assert "Would do: 0 added, 1 modified, 0 deleted, 1 unchanged" in planned
    assert held(ldap_server, ldap_base)[contact.public_id]["l"] == ["Kingston"]  # dry run

    assert "0 added, 1 modified" in sync(runner)
    assert held(ldap_server, ldap_base)[contact.public_id]["l"] == ["Port Royal"]
    assert_reads_back_equal(ldap_server, ldap_base, [db.session.get(Contact, contact.id), other])


def test_entries_the_sync_did_not_make_are_never_touched(
    app: Flask, runner: FlaskCliRunner, ldap_server: Slapd, ldap_base: str
) -> None:
    foreign = (
        f"dn: cn=Foreign Person,{ldap_base}\nobjectClass: inetOrgPerson\n"
        "cn: Foreign Person\nsn: Person\nmail: foreign@example.org\nuid: foreign\n"
    )
    outside = (
        f"dn: uid=outside-{ldap_base.split(',')[0][3:]},{ldap_server.suffix}\n"
        "objectClass: inetOrgPerson\ncn: Outside\nsn: Outside\nemployeeType: point of contact\n"
    )
    ldap_server.ldapadd(foreign)
    ldap_server.ldapadd(outside)
    contact = create_contact(SYSTEM, contact_data())
    configure(app, ldap_server, ldap_base)
    sync(runner)
    archive_contact(SYSTEM, contact.public_id)
    assert "1 deleted" in sync(runner)
    sync(runner)
    assert set(held(ldap_server, ldap_base)) == {"foreign"}
    outside_dn = outside.splitlines()[0].removeprefix("dn: ")
    assert ldap_server.ldapsearch(outside_dn, scope="base")


def test_export_loads_with_ldapadd_and_matches_what_the_sync_writes(
    app: Flask, runner: FlaskCliRunner, ldap_server: Slapd, ldap_base: str, tmp_path
) -> None:
    create_contact(SYSTEM, contact_data("HT", **HARD_VALUES))
    create_contact(SYSTEM, contact_data("MX", holder_given_name="Ana", holder_family_name="Núñez"))
    base = f"ou=export,{ldap_base}"  # not there yet: the file brings it
    app.config["LDAP_BASE_DN"] = base
    result = runner.invoke(args=["ldap", "export", str(tmp_path / "directory.ldif")])
    assert result.exit_code == 0, result.output
    text = (tmp_path / "directory.ldif").read_text()
    assert text.startswith(f"dn: {base}\n") and "changetype" not in text
    assert all(line.isascii() and len(line) <= 76 for line in text.splitlines())
    ldap_server.ldapadd(tmp_path / "directory.ldif")
    assert len(held(ldap_server, base)) == 2
    configure(app, ldap_server, base)
    assert "0 added, 0 modified, 0 deleted, 2 unchanged" in sync(runner)


def test_export_to_standard_output(app: Flask, runner: FlaskCliRunner) -> None:
    contact = create_contact(SYSTEM, contact_data())
    result = runner.invoke(args=["ldap", "export", "--base", "ou=people,dc=example,dc=org"])
    assert result.exit_code == 0, result.output
    assert f"dn: uid={contact.public_id},ou=people,dc=example,dc=org" in result.output


def test_tls_verifies_the_certificate_by_default(
    app: Flask, runner: FlaskCliRunner, ldap_server: Slapd, ldap_base: str
) -> None:
    create_contact(SYSTEM, contact_data())
    configure(app, ldap_server, ldap_base, LDAP_URL=ldap_server.ldaps_url, LDAP_CA_FILE="")
    refused = runner.invoke(args=["ldap", "sync"])
    assert refused.exit_code == 1
    assert "certificate" in refused.output.lower()
    assert held(ldap_server, ldap_base) == {}

    app.config["LDAP_CA_FILE"] = str(ldap_server.ca_file)
    assert "1 added" in sync(runner)
    configure(app, ldap_server, ldap_base, LDAP_START_TLS=True)  # StartTLS on ldap://
    assert "1 unchanged" in sync(runner)
    configure(app, ldap_server, ldap_base, LDAP_URL=ldap_server.ldaps_url, LDAP_CA_FILE="")
    app.config["LDAP_TLS_VERIFY"] = False
    assert "1 unchanged" in sync(runner)


def test_a_silent_server_times_out_with_a_clear_message(
    app: Flask, runner: FlaskCliRunner, ldap_base: str, ldap_server: Slapd
) -> None:
    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(5)
        port = silent.getsockname()[1]
        configure(app, ldap_server, ldap_base, LDAP_URL=f"ldap://127.0.0.1:{port}", LDAP_TIMEOUT=1)
        started = time.monotonic()
        result = runner.invoke(args=["ldap", "sync"])
    assert result.exit_code == 1
    assert "127.0.0.1" in result.output
    assert time.monotonic() - started < 10


def test_wrong_password_and_missing_settings_say_so(
    app: Flask, runner: FlaskCliRunner, ldap_server: Slapd, ldap_base: str
) -> None:
    configure(app, ldap_server, ldap_base, LDAP_BIND_PASSWORD="wrong")
    result = runner.invoke(args=["ldap", "sync"])
    assert result.exit_code == 1
    assert "password was refused" in result.output
    app.config["LDAP_URL"] = ""
    result = runner.invoke(args=["ldap", "sync"])
    assert result.exit_code == 2
    assert "LDAP_URL" in result.output


def test_a_missing_base_is_named(
    app: Flask, runner: FlaskCliRunner, ldap_server: Slapd, ldap_base: str
) -> None:
    configure(app, ldap_server, f"ou=missing,{ldap_base}")
    result = runner.invoke(args=["ldap", "sync"])
    assert result.exit_code == 1
    assert f"ou=missing,{ldap_base} does not exist" in result.output


def test_follow_applies_each_change_and_survives_the_server_going_away(
    app: Flask, private_slapd: Slapd
) -> None:
    base = f"ou=contacts,{private_slapd.suffix}"
    configure(app, private_slapd, base)
    contact = create_contact(SYSTEM, contact_data())
    settings = replace(LdapSettings.from_config(app.config), connect_timeout=1, timeout=2)
    stop = threading.Event()
    lines: list[str] = []

    def run() -> None:
        with app.app_context():
            follow_changes(settings, interval=0.1, retry_max=0.5, stop=stop, report=lines.append)

    def wait_for(check, seconds: float = 5.0) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if private_slapd.is_running() and check(held(private_slapd, base)):
                return
            time.sleep(0.05)
        raise AssertionError(f"not in step after {seconds} s: {lines}")

    follower = threading.Thread(target=run)
    follower.start()
    try:
        wait_for(lambda entries: contact.public_id in entries)
        started = time.monotonic()
        edited = update_contact(
            SYSTEM, contact.public_id, contact_data(city="Port Royal"), contact.version
        )
        wait_for(lambda entries: entries[contact.public_id].get("l") == ["Port Royal"])
        assert time.monotonic() - started < 5

        private_slapd.stop()
        second = create_contact(SYSTEM, contact_data("TT"))
        update_contact(SYSTEM, contact.public_id, contact_data(city="Ocho Rios"), edited.version)
        third = create_contact(
            SYSTEM, contact_data("BB", channels=[ChannelData("email", "eoc@bb.example.org", "")])
        )
        time.sleep(1.0)  # the follower meets the closed port and backs off
        private_slapd.start()
        wait_for(
            lambda entries: (
                {second.public_id, third.public_id} <= set(entries)
                and entries[contact.public_id].get("l") == ["Ocho Rios"]
            ),
            seconds=15,
        )
    finally:
        stop.set()
        follower.join(10)
    assert not follower.is_alive()
    assert any("trying again" in line for line in lines)
    assert any("back" in line for line in lines)
    assert cursor_of(cursor_name(base)) == latest_seq()


def test_a_change_made_while_the_server_is_down_is_applied_once_it_is_back(
    app: Flask, runner: FlaskCliRunner, private_slapd: Slapd
) -> None:
    """The cursor is in the database and moves only once a batch is in the server: a follower
    that failed, or one started again, carries on from where the last one stopped."""
    base = f"ou=contacts,{private_slapd.suffix}"
    configure(app, private_slapd, base)
    contact = create_contact(SYSTEM, contact_data())
    sync(runner)
    name = cursor_name(base)
    in_step_at = cursor_of(name)
    assert in_step_at == latest_seq()
    settings = replace(LdapSettings.from_config(app.config), connect_timeout=1, timeout=2)

    connection = LdapConnection(settings)
    try:
        private_slapd.stop()
        update_contact(SYSTEM, contact.public_id, contact_data(city="Port Royal"), contact.version)
        create_user(SYSTEM, "viewer@example.org", PASSWORD)  # not a contact: nothing in LDAP
        with pytest.raises(SyncError, match=private_slapd.url):
            follow(name, lambda changes: apply_changes(connection, changes))
    finally:
        connection.close()
    assert cursor_of(name) == in_step_at

    private_slapd.start()
    applied: list[Action] = []
    with LdapConnection(settings) as connection:  # as a follower started again would
        handed = follow(name, lambda changes: applied.extend(apply_changes(connection, changes)))
    assert handed == 2
    assert [action.describe() for action in applied] == [f"modify uid={contact.public_id}  l"]
    assert cursor_of(name) == latest_seq()
    assert held(private_slapd, base)[contact.public_id]["l"] == ["Port Royal"]


def owned_entry(uid: str) -> dict[str, tuple[str, ...]]:
    return {
        "objectClass": OBJECT_CLASSES,
        "uid": (uid,),
        "employeeType": (OWNER_MARK,),
        "cn": (f"Contact {uid}",),
        "sn": ("Contact",),
    }


def receivers() -> list[threading.Thread]:
    """ldap3's threads that read the answers of an ASYNC connection, still running."""
    return [
        thread
        for thread in threading.enumerate()
        if type(thread).__name__ == "ReceiverSocketThread" and thread.is_alive()
    ]


@pytest.mark.parametrize("count", [3, executor.FEW * 3], ids=["one at a time", "window"])
def test_refused_writes_are_named_together_and_the_others_done(
    app: Flask, ldap_server: Slapd, ldap_base: str, count: int
) -> None:
    ldap_server.ldapadd(
        f"dn: uid=there,{ldap_base}\n"
        + "".join(f"{k}: {v}\n" for k, vs in owned_entry("there").items() for v in vs)
    )
    actions: list[Action] = [Add(f"new{n}", owned_entry(f"new{n}")) for n in range(count)]
    actions.insert(1, Add("there", owned_entry("there")))
    actions.append(Modify("gone", f"uid=gone,{ldap_base}", {"l": ("Kingston",)}))
    settings = LdapSettings(
        url=ldap_server.url,
        bind_dn=ldap_server.bind_dn,
        password=ldap_server.password,
        base_dn=ldap_base,
        timeout=2,
    )
    with LdapConnection(settings) as connection, pytest.raises(SyncError) as raised:
        executor.execute(connection, actions, window=7)
    assert str(raised.value).splitlines() == [
        "The LDAP server refused 2 changes:",
        "add    uid=there  : entryAlreadyExists",
        "modify uid=gone  l: noSuchObject",
    ]
    assert set(held(ldap_server, ldap_base)) == {"there", *(f"new{n}" for n in range(count))}
    # The window's connection is closed; ldap3's thread for it ends at once, or at the latest
    # when its wait for the socket times out (the window's silence limit: LDAP_TIMEOUT).
    deadline = time.monotonic() + settings.timeout + 3
    while receivers() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert receivers() == []


def test_a_read_cut_short_by_the_size_limit_stops_the_sync(
    app: Flask, runner: FlaskCliRunner, ldap_server: Slapd, ldap_base: str
) -> None:
    """slapd answers "size limit exceeded" without ldap3 raising: a sync that took the partial
    read for the whole would add entries that exist and delete none that should go."""
    entries = [
        f"dn: uid=held{n},{ldap_base}\nobjectClass: inetOrgPerson\ncn: Held {n}\nsn: Held\n"
        f"uid: held{n}\nemployeeType: point of contact\n"
        for n in range(520)  # the test server's olcSizeLimit is 500
    ]
    reader = f"cn=reader,{ldap_base}"
    entries.append(f"dn: {reader}\nobjectClass: person\ncn: reader\nsn: Reader\nuserPassword: pw\n")
    ldap_server.ldapadd("\n".join(entries))
    configure(app, ldap_server, ldap_base, LDAP_BIND_DN=reader, LDAP_BIND_PASSWORD="pw")
    result = runner.invoke(args=["ldap", "sync", "--dry-run"])
    assert result.exit_code == 1
    assert "size limit" in result.output
    assert "delete" not in result.output


def test_a_contact_with_a_control_character_is_left_as_it_was_and_named(
    app: Flask, runner: FlaskCliRunner, ldap_server: Slapd, ldap_base: str
) -> None:
    contact = create_contact(SYSTEM, contact_data())
    configure(app, ldap_server, ldap_base)
    sync(runner)
    db.session.execute(
        update(Contact).where(Contact.id == contact.id).values(organisation="ODPEM\x07 Kingston")
    )
    db.session.commit()
    output = sync(runner)
    assert f"Left as it was: {contact.public_id}: o: control character U+0007" in output
    assert "0 deleted" in output
    entry = held(ldap_server, ldap_base)[contact.public_id]
    assert entry["o"][0] == "Office of Disaster Preparedness, Jamaica"


def test_export_then_slapadd_is_the_fast_first_load(
    app: Flask, runner: FlaskCliRunner, private_slapd: Slapd, tmp_path
) -> None:
    from tests.integration.slapd import find_tool

    contacts = [
        create_contact(SYSTEM, contact_data("HT", **HARD_VALUES)),
        create_contact(
            SYSTEM, contact_data("MX", holder_given_name="Ana", holder_family_name="Núñez")
        ),
    ]
    base = f"ou=contacts,{private_slapd.suffix}"
    configure(app, private_slapd, base)
    ldif_file = tmp_path / "directory.ldif"
    result = runner.invoke(args=["ldap", "export", "--without-base", str(ldif_file)])
    assert result.exit_code == 0, result.output
    private_slapd.stop()
    loaded = subprocess.run(
        [
            find_tool("slapadd"),
            "-q",
            "-F",
            str(private_slapd.folder / "slapd.d"),
            "-b",
            private_slapd.suffix,
            "-l",
            str(ldif_file),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert loaded.returncode == 0, loaded.stderr
    private_slapd.start()
    assert_reads_back_equal(private_slapd, base, contacts)
    assert "0 added, 0 modified, 0 deleted, 2 unchanged" in sync(runner)


def ignore_ctrl_c() -> None:
    """A parent that ignores SIGINT (a shell's background job, some runners) passes that on."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@pytest.mark.parametrize(
    ("stop_with", "before_start"),
    [(signal.SIGINT, ignore_ctrl_c), (signal.SIGTERM, None)],
    ids=["ctrl-c, though inherited as ignored", "sigterm from a service manager"],
)
def test_the_follow_command_keeps_the_server_in_step_until_interrupted(
    app: Flask, ldap_server: Slapd, ldap_base: str, tmp_path, stop_with, before_start
) -> None:
    """`flask ldap sync --follow` as a service runs it: its own process, its own settings."""
    first = create_contact(SYSTEM, contact_data())
    db.session.commit()
    environment = {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "INSTANCE_PATH": str(tmp_path / "follow-instance"),
        "SEARCH_INDEX_DIR": "",
        "LDAP_URL": ldap_server.url,
        "LDAP_BIND_DN": ldap_server.bind_dn,
        "LDAP_BIND_PASSWORD": ldap_server.password,
        "LDAP_BASE_DN": ldap_base,
    }
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "ldap", "sync", "--follow"]
    follower = subprocess.Popen(
        [*command, "--interval", "0.2"],
        env=environment,
        cwd=Path(__file__).resolve().parents[2],
        stderr=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        preexec_fn=before_start,  # one signal call in the child, before exec
    )
    try:

        def wait_for(public_id: str) -> float:
            started = time.monotonic()
            while time.monotonic() - started < 20:
                if public_id in held(ldap_server, ldap_base):
                    return time.monotonic() - started
                assert follower.poll() is None, follower.communicate()
                time.sleep(0.1)
            raise AssertionError(f"{public_id} never arrived")

        wait_for(first.public_id)
        second = create_contact(SYSTEM, contact_data("TT"))
        assert wait_for(second.public_id) < 5
    finally:
        follower.send_signal(stop_with)
        _, errors = follower.communicate(timeout=20)
    assert follower.returncode == 0, errors
    assert "In step: 1 added" in errors
    assert f"add    uid={second.public_id}" in errors
    assert "Stopped." in errors
