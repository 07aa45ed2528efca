"""CSV export and import: the columns, the round trip, all-or-nothing imports, the CLI."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select

from directory.exports.csvfile import (
    COLUMNS,
    MAX_ROWS,
    FileRejected,
    file_name,
    parse_hours,
    read_table,
)
from directory.extensions import db
from directory.formats.cells import guard, unguard
from directory.models import Change, Contact, ExportRecord, User
from directory.models.hours import hours_text
from directory.schemas.contact import channel_dict
from directory.services.actors import Actor
from directory.services.contact_csv import export_chunks
from directory.services.contacts import create_contact, update_contact, verify_contact
from directory.services.errors import PermissionDenied
from directory.services.imports import import_contacts
from directory.services.validation import ChannelData
from tests.factories import contact_data

SYSTEM = Actor.system("tests")
EXPORTED_AT = datetime(2026, 11, 27, 4, 30, tzinfo=UTC)
HOURS = [
    {"days": [0, 1, 2, 3, 4], "opens": "08:00", "closes": "17:00"},
    {"days": [5], "opens": "09:00", "closes": "12:00"},
    {"days": [0, 2, 6], "opens": "22:00", "closes": "06:00"},
]


def export_text(country: str | None = None, area: str | None = None) -> str:
    return "".join(export_chunks(country, area, EXPORTED_AT))


def export_bytes(country: str | None = None, area: str | None = None) -> bytes:
    return export_text(country, area).encode("utf-8")


def rows_of(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def to_csv(rows: list[dict[str, str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def change_count() -> int:
    return db.session.scalar(select(func.count(Change.seq))) or 0


def contact_count() -> int:
    return db.session.scalar(select(func.count(Contact.id))) or 0


def awkward_contact(actor: Actor = SYSTEM) -> Contact:
    """Everything a CSV file finds hard, in one contact."""
    contact = create_contact(
        actor,
        contact_data(
            organisation='=HYPERLINK("http://evil.example"), Ltd.',
            unit="Unidad de Gestión de Riesgos, “Sur”",
            position_title='Jefe de turno, "24/7"',
            holder_honorific="Dra.",
            holder_given_name="Zoë Inés",
            holder_family_name="O'Neil-Núñez",
            notes="+ call the second line first\nthen e-mail",
            postal_address="2-4 Haining Road, Suite 3\nKingston 5\nJamaica",
            nomination_reference="@note verbale 2025/114",
            nominated_on=date(2025, 3, 14),
            languages=["en", "es", "fr"],
            hours=HOURS,
            channels=[
                ChannelData("phone", "+1 876 906 9674", "Duty line, 24h", True),
                ChannelData("mobile", "+1 876 754 9000", "=SUM(A1)"),
                ChannelData("email", "duty@odpem.jm.example.org", "Duty desk"),
                ChannelData("website", 'https://odpem.example.org/a,b?c="d"'),
                ChannelData("fax", "+1 876 906 9675"),
            ],
        ),
    )
    verify_contact(actor, contact.public_id)
    return contact


# --- cells, pure ----------------------------------------------------------------------------


def test_hours_are_written_readably_and_read_back_exactly() -> None:
    text = hours_text(HOURS)
    assert text == "Mon-Fri 08:00-17:00; Sat 09:00-12:00; Mon,Wed,Sun 22:00-06:00"
    assert parse_hours(text) == HOURS
    assert parse_hours("mon-tue 8:00 - 9:30;") == [
        {"days": [0, 1], "opens": "08:00", "closes": "09:30"}
    ]
    for wrong in ("Mon-Fri", "Fri-Mon 08:00-09:00", "Someday 08:00-09:00"):
        with pytest.raises(ValueError):
            parse_hours(wrong)


@pytest.mark.parametrize(
    "text", ["=1+1", "+44", "-2", "@SUM", "'=x", "''=x", "'plain", "plain", "", "a=b"]
)
def test_the_injection_guard_is_undone_exactly(text: str) -> None:
    written = guard(text)
    assert not written.startswith(("=", "+", "-", "@"))
    assert unguard(written) == text


def test_file_names_carry_the_scope_and_the_time() -> None:
    assert file_name(EXPORTED_AT, "JM") == "contacts-JM-20261127T0430Z.csv"
    assert file_name(EXPORTED_AT) == "contacts-20261127T0430Z.csv"


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ("Organización".encode("latin-1") + b",x\r\n", "not UTF-8"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "not UTF-8"),
        (b"country,area\x00,organisation\r\n", "binary"),
        (b"", "empty"),
        (b"country,area,organisation,position_title,colour\r\n", "unknown columns: colour"),
        (b"country,area,organisation\r\n", "required columns are missing: position_title"),
        (b'country,area,organisation,position_title\r\nJM,x,"unclosed\r\n', "not valid CSV"),
        (b"country,area,organisation,organisation,position_title\r\n", "appears twice"),
        (b"country,area,organisation,position_title\r\nJM,a,b,c,d,e\r\n", "has 6 cells"),
    ],
)
def test_a_file_that_cannot_be_read_says_why(data: bytes, words: str) -> None:
    with pytest.raises(FileRejected) as rejected:
        read_table(data)
    assert words in str(rejected.value)


def test_a_file_holds_at_most_max_rows() -> None:
    row = b"JM,disaster-response,Org,Post\r\n"
    data = b"country,area,organisation,position_title\r\n" + row * 3
    assert len(read_table(data, max_rows=3).rows) == 3
    with pytest.raises(FileRejected, match="at most 2 contacts"):
        read_table(data, max_rows=2)
    assert MAX_ROWS == 20_000


# --- export ---------------------------------------------------------------------------------


def test_export_has_every_field_and_channel_columns_up_to_the_most_used(
    app, users: dict[str, User]
) -> None:
    contact = awkward_contact()
    create_contact(SYSTEM, contact_data(position_title="Deputy", channels=[]))
    create_contact(SYSTEM, contact_data(country="BB", time_zone="America/Barbados"))
    data = export_bytes("JM")
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM Excel looks for
    assert b"\r\n" in data and b"2-4 Haining Road, Suite 3\nKingston 5" in data
    header = data.decode("utf-8-sig").split("\r\n", 1)[0].split(",")
    assert header[: len(COLUMNS)] == list(COLUMNS)
    assert header[len(COLUMNS) :][:4] == [
        "channel_1_kind",
        "channel_1_value",
        "channel_1_label",
        "channel_1_24_7",
    ]
    assert header[-1] == "channel_5_24_7"
    first, second = rows_of(data)
    assert first["public_id"] == contact.public_id
    assert first["organisation"] == '\'=HYPERLINK("http://evil.example"), Ltd.'
    assert first["hours"] == "Mon-Fri 08:00-17:00; Sat 09:00-12:00; Mon,Wed,Sun 22:00-06:00"
    assert first["languages"] == "en es fr"
    assert first["nominated_on"] == "2025-03-14"
    assert first["verified_at"].endswith("Z") and first["version"] == "2"
    assert first["exported_at"] == "2026-11-27T04:30:00Z" == second["exported_at"]
    assert first["channel_1_value"] == "'+18769069674"  # guarded: a leading + is a formula
    assert first["channel_1_24_7"] == "yes" and first["channel_2_24_7"] == "no"
    assert first["channel_2_label"] == "'=SUM(A1)"
    assert second["channel_1_kind"] == "" and second["rank"] == "2"


def test_export_filters_by_state_and_area(app, users: dict[str, User]) -> None:
    create_contact(SYSTEM, contact_data())
    create_contact(SYSTEM, contact_data(area="environmental-security"))
    create_contact(SYSTEM, contact_data(country="BB", time_zone="America/Barbados"))
    assert len(rows_of(export_bytes())) == 3
    assert len(rows_of(export_bytes("JM"))) == 2
    assert len(rows_of(export_bytes(area="environmental-security"))) == 1
    both = rows_of(export_bytes("JM", "disaster-response"))
    assert [(row["country"], row["area"]) for row in both] == [("JM", "disaster-response")]


# --- import ---------------------------------------------------------------------------------


def test_the_round_trip_changes_nothing(app, users: dict[str, User]) -> None:
    awkward_contact()
    desk = {"holder_given_name": "", "holder_family_name": "", "is_vacant": True}
    create_contact(SYSTEM, contact_data(hours_24_7=True, hours=[], **desk))
    create_contact(SYSTEM, contact_data(country="BB", time_zone="America/Barbados", channels=[]))
    before = (change_count(), contact_count())
    data = export_bytes()
    report = import_contacts(SYSTEM, data)
    assert report.problems == []
    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)
    assert (change_count(), contact_count()) == before
    assert export_bytes() == data


def test_an_import_into_an_empty_directory_recreates_every_field(
    app, users: dict[str, User]
) -> None:
    original = awkward_contact()
    rows = rows_of(export_bytes())
    rows[0]["public_id"] = rows[0]["version"] = ""
    report = import_contacts(SYSTEM, to_csv(rows))
    assert (report.created, report.problems) == (1, [])
    copy = db.session.scalar(select(Contact).where(Contact.public_id != original.public_id))
    assert copy is not None
    same = ("organisation", "unit", "position_title", "postal_address", "notes", "hours")
    same += ("languages", "nomination_reference", "nominated_on", "holder_given_name")
    for name in same:
        assert getattr(copy, name) == getattr(original, name), name
    assert [channel_dict(c) for c in copy.channels] == [channel_dict(c) for c in original.channels]
    assert copy.rank == 1  # as the file says
    [change] = db.session.scalars(select(Change).where(Change.contact_id == copy.id))
    assert change.action == "create" and change.actor_label == "tests"


def test_rows_with_a_public_id_update_that_contact(app, users: dict[str, User]) -> None:
    contact = create_contact(SYSTEM, contact_data())
    other = create_contact(SYSTEM, contact_data(position_title="Deputy"))
    rows = rows_of(export_bytes())
    rows[0]["city"] = "Spanish Town"
    rows[0]["channel_1_24_7"] = "no"
    rows.append({**rows[1], "public_id": "", "version": "", "rank": "", "position_title": "New"})
    report = import_contacts(Actor.of(users["editor"]), to_csv(rows))
    assert report.problems == []
    assert (report.created, report.updated, report.unchanged) == (1, 1, 1)
    db.session.expire_all()
    assert contact.city == "Spanish Town" and contact.version == 2
    assert contact.channels[0].is_24_7 is False
    assert other.version == 1
    new = db.session.scalar(select(Contact).where(Contact.position_title == "New"))
    assert new is not None and new.rank == 3
    update = db.session.scalar(
        select(Change).where(Change.contact_id == contact.id, Change.action == "update")
    )
    assert update is not None and update.before["city"] == "Kingston"
    assert update.after["city"] == "Spanish Town"
    assert update.actor_label == "editor.jm@example.org"


def test_a_file_may_leave_out_columns_an_update_then_keeps(app, users: dict[str, User]) -> None:
    contact = create_contact(SYSTEM, contact_data())
    data = (
        "public_id,country,area,organisation,position_title,city\r\n"
        f"{contact.public_id},JM,disaster-response,ODPEM,Duty officer,Montego Bay\r\n"
        ",JM,disaster-response,ODPEM,Night desk,\r\n"
    ).encode()
    report = import_contacts(SYSTEM, data)
    assert report.problems == [] and (report.created, report.updated) == (1, 1)
    db.session.expire_all()
    assert contact.city == "Montego Bay" and contact.organisation == "ODPEM"
    assert len(contact.channels) == 2 and contact.languages == ["en"]  # kept
    new = db.session.scalar(select(Contact).where(Contact.position_title == "Night desk"))
    assert new is not None and new.time_zone == "America/Jamaica"  # the state's zone


def test_one_bad_row_writes_nothing_and_is_reported_with_line_and_field(
    app, users: dict[str, User]
) -> None:
    contact = create_contact(SYSTEM, contact_data())
    rows = rows_of(export_bytes())
    rows[0]["city"] = "Changed"
    good = {**rows[0], "public_id": "", "version": "", "rank": ""}
    rows += [dict(good) for _ in range(5)]
    rows[4]["channel_2_value"] = "not an address"
    rows[5]["hours"] = "Mon-Fri all day"
    rows[5]["time_zone"] = "Mars/Olympus"
    before = (change_count(), contact_count())
    report = import_contacts(SYSTEM, to_csv(rows))
    assert not report.written and report.errors == 2
    by_line = {(p.line, p.field) for p in report.problems}
    assert by_line == {(6, "channel_2"), (7, "hours"), (7, "time_zone")}
    assert "Mon-Fri all day" in next(p.reason for p in report.problems if p.field == "hours")
    assert (change_count(), contact_count()) == before
    db.session.expire_all()
    assert contact.city == "Kingston"
    assert db.session.scalar(select(func.count(ExportRecord.id))) == 0


def test_problems_name_the_line_a_row_starts_on(app, users: dict[str, User]) -> None:
    awkward_contact()  # its address and notes span lines 2 to 5 of the file
    rows = rows_of(export_bytes())
    rows.append({**rows[0], "public_id": "", "version": "", "rank": "100"})
    rows[0]["colour"] = rows[1]["colour"] = ""  # an empty, unnamed column is read past
    data = to_csv(rows).replace(b",colour\r\n", b",\r\n", 1)
    report = import_contacts(SYSTEM, data)
    assert [(p.line, p.field) for p in report.problems] == [(6, "rank")]


def test_a_failure_while_writing_rolls_every_row_back(
    app, users: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    create_contact(SYSTEM, contact_data())
    rows = rows_of(export_bytes())
    rows = [{**rows[0], "public_id": "", "version": "", "rank": ""} for _ in range(900)]
    before = (change_count(), contact_count())
    from directory.services import contacts

    applied = 0
    original = contacts._apply

    def failing_apply(contact, data, **options):
        nonlocal applied
        applied += 1
        if applied == 900:
            raise RuntimeError("disk full")
        original(contact, data, **options)

    monkeypatch.setattr(contacts, "_apply", failing_apply)
    with pytest.raises(RuntimeError):
        import_contacts(SYSTEM, to_csv(rows))
    db.session.rollback()
    assert (change_count(), contact_count()) == before


def test_a_dry_run_reports_and_writes_nothing(app, users: dict[str, User]) -> None:
    create_contact(SYSTEM, contact_data())
    rows = rows_of(export_bytes())
    rows[0]["city"] = "Ocho Rios"
    rows.append({**rows[0], "public_id": "", "version": ""})
    before = (change_count(), contact_count())
    report = import_contacts(SYSTEM, to_csv(rows), dry_run=True)
    assert report.problems == [] and not report.written
    assert (report.created, report.updated) == (1, 1)
    assert (change_count(), contact_count()) == before
    assert db.session.scalar(select(func.count(ExportRecord.id))) == 0


def test_a_stale_version_is_a_conflict(app, users: dict[str, User]) -> None:
    contact = create_contact(SYSTEM, contact_data())
    data = export_bytes()
    update_contact(SYSTEM, contact.public_id, contact_data(city="Portmore"), 1)
    rows = rows_of(data)
    rows[0]["notes"] = "from the old file"
    report = import_contacts(SYSTEM, to_csv(rows))
    [problem] = report.problems
    assert (problem.line, problem.field) == (2, "version")
    assert "conflict" in problem.reason and "version 1 in the file, 2 now" in problem.reason
    db.session.expire_all()
    assert contact.notes == "" and contact.version == 2


def test_unknown_and_repeated_public_ids_are_errors(app, users: dict[str, User]) -> None:
    create_contact(SYSTEM, contact_data())
    rows = rows_of(export_bytes())
    rows.append(dict(rows[0]))
    rows.append({**rows[0], "public_id": "zzzzzzzzzzzz"})
    rows.append({**rows[0], "public_id": "nope"})
    report = import_contacts(SYSTEM, to_csv(rows))
    assert [(p.line, p.field) for p in report.problems] == [
        (3, "public_id"),
        (4, "public_id"),
        (5, "public_id"),
    ]
    assert "also on line 2" in report.problems[0].reason


def test_an_editor_imports_their_own_state_only(app, users: dict[str, User]) -> None:
    create_contact(SYSTEM, contact_data())
    create_contact(SYSTEM, contact_data(country="BB", time_zone="America/Barbados"))
    rows = rows_of(export_bytes())
    jm = next(row for row in rows if row["country"] == "JM")
    bb = next(row for row in rows if row["country"] == "BB")
    moved = {**jm, "country": "BB", "city": "Bridgetown"}
    new_bb = {**bb, "public_id": "", "version": ""}
    before = (change_count(), contact_count())
    editor = Actor.of(users["editor"])
    report = import_contacts(editor, to_csv([moved, bb, new_bb]))
    fields = [(p.line, p.field) for p in report.problems]
    assert fields == [(2, "country"), (3, "public_id"), (3, "country"), (4, "country")]
    assert "you may import contacts of JM only" in report.problems[0].reason
    assert "is a contact of BB" in report.problems[1].reason
    assert import_contacts(editor, to_csv([{**jm, "city": "Negril"}])).updated == 1
    assert (change_count(), contact_count()) == (before[0] + 1, before[1])


def test_viewers_cannot_import(app, users: dict[str, User]) -> None:
    with pytest.raises(PermissionDenied):
        import_contacts(Actor.of(users["viewer"]), b"country,area,organisation,position_title\r\n")


def test_the_injection_guard_round_trips_through_an_import(app, users: dict[str, User]) -> None:
    contact = create_contact(SYSTEM, contact_data(organisation="=Ministry of Security"))
    rows = rows_of(export_bytes())
    assert rows[0]["organisation"] == "'=Ministry of Security"
    report = import_contacts(SYSTEM, to_csv(rows))
    assert (report.unchanged, report.problems) == (1, [])
    rows[0]["organisation"] = "'=Ministry of National Security"
    assert import_contacts(SYSTEM, to_csv(rows)).updated == 1
    db.session.expire_all()
    assert contact.organisation == "=Ministry of National Security"


def test_imports_are_in_the_export_log(app, users: dict[str, User]) -> None:
    create_contact(SYSTEM, contact_data())
    import_contacts(Actor.of(users["editor"]), export_bytes())
    [record] = db.session.scalars(select(ExportRecord))
    assert (record.kind, record.scope, record.count) == ("import", "country:JM", 1)
    assert record.actor_label == "editor.jm@example.org"


def test_the_search_index_catches_up_once_per_import(
    app, users: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    monkeypatch.setitem(app.extensions, "directory.after_commit", [lambda: calls.append(1)])
    create_contact(SYSTEM, contact_data())
    calls.clear()
    rows = rows_of(export_bytes())
    rows += [{**rows[0], "public_id": "", "version": ""} for _ in range(3)]
    assert import_contacts(SYSTEM, to_csv(rows)).created == 3
    assert len(calls) == 1  # the import; the export log row changes no projection


# --- the commands ---------------------------------------------------------------------------


def test_cli_export_to_a_file_and_back(
    runner: FlaskCliRunner, users: dict[str, User], tmp_path: Path
) -> None:
    awkward_contact()
    target = tmp_path / "out.csv"
    result = runner.invoke(args=["contacts", "export", "--country", "jm", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert "Wrote 1 contacts to" in result.stderr
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")
    [record] = db.session.scalars(select(ExportRecord))
    assert (record.kind, record.scope, record.count) == ("csv", "country:JM", 1)

    before = change_count()
    result = runner.invoke(args=["contacts", "import", str(target)])
    assert result.exit_code == 0, result.output
    assert "0 created, 0 updated, 1 unchanged, 0 with errors" in result.stdout
    assert change_count() == before


def test_cli_export_to_stdout(runner: FlaskCliRunner, users: dict[str, User]) -> None:
    create_contact(SYSTEM, contact_data())
    result = runner.invoke(args=["contacts", "export", "--area", "disaster-response"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("\ufeffpublic_id,country,area,")
    assert len(rows_of(result.stdout_bytes)) == 1
    assert runner.invoke(args=["contacts", "export", "--country", "XX"]).exit_code == 1
    assert runner.invoke(args=["contacts", "export", "--area", "nope"]).exit_code == 1


def test_cli_import_dry_run_errors_and_users(
    runner: FlaskCliRunner, users: dict[str, User], tmp_path: Path
) -> None:
    create_contact(SYSTEM, contact_data())
    rows = rows_of(export_bytes())
    new = {**rows[0], "public_id": "", "version": "", "rank": ""}
    good = tmp_path / "good.csv"
    good.write_bytes(to_csv([new]))
    bad = tmp_path / "bad.csv"
    bad.write_bytes(to_csv([new, {**new, "languages": "english"}]))
    garbage = tmp_path / "garbage.csv"
    garbage.write_bytes(b"\xff\xfe\x00\x01binary")
    before = (change_count(), contact_count())

    dry = runner.invoke(args=["contacts", "import", str(good), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Dry run, nothing written" in dry.stdout and "1 created" in dry.stdout
    failed = runner.invoke(args=["contacts", "import", str(bad)])
    assert failed.exit_code == 1
    assert "line 3: languages:" in failed.stderr and "Nothing was written" in failed.stdout
    unreadable = runner.invoke(args=["contacts", "import", str(garbage)])
    assert unreadable.exit_code == 1 and "not UTF-8" in unreadable.stderr
    viewer = runner.invoke(args=["contacts", "import", str(good), "--as", "viewer@example.org"])
    assert viewer.exit_code == 1 and "may not import" in viewer.stderr
    nobody = runner.invoke(args=["contacts", "import", str(good), "--as", "who@example.org"])
    assert nobody.exit_code == 1
    assert (change_count(), contact_count()) == before

    done = runner.invoke(args=["contacts", "import", str(good), "--as", "Editor.JM@example.org"])
    assert done.exit_code == 0, done.output
    assert "Imported 1 rows: 1 created" in done.stdout
    change = db.session.scalar(select(Change).order_by(Change.seq.desc()))
    assert change is not None and change.actor_label == "editor.jm@example.org"
