"""Contacts as CSV: the columns, a contact as a row, and a file read back and checked.

One row per contact, every field, its channels in numbered groups of columns (``channel_1_kind``,
``channel_1_value``, ``channel_1_label``, ``channel_1_24_7``, then ``channel_2_...``) up to the
most any exported contact has. Files are UTF-8 with a BOM (so that Excel reads them as UTF-8),
CRLF line ends, quoted as RFC 4180 asks; newlines inside a postal address stay inside the quoted
cell. A text cell a spreadsheet would run as a formula gets a leading apostrophe (the guard the
audit CSV uses, ``formats.cells``); reading strips exactly that apostrophe again, so a
file exported and imported unchanged changes nothing.

Hours are written as people read them, ``Mon-Fri 08:00-17:00; Sat 09:00-12:00``, and read back
exactly. Everything above the last section is pure; the last one reads the database.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..extensions import db
from ..formats.cells import guard, unguard
from ..models import Area, Channel, Contact, ContactStatus
from ..models.hours import DAY_ABBREVIATIONS, hours_text
from ..services.selection import Scope, contacts_in, count_in
from ..services.validation import MAX_CHANNELS, TEXT_FIELDS, ChannelData

COLUMNS = (
    "public_id",
    "country",
    "area",
    "rank",
    "organisation",
    "unit",
    "position_title",
    "holder_honorific",
    "holder_given_name",
    "holder_family_name",
    "is_vacant",
    "languages",
    "time_zone",
    "hours_24_7",
    "hours",
    "postal_address",
    "city",
    "notes",
    "nomination_reference",
    "nominated_on",
    "verified_at",
    "version",
    "exported_at",
)
REQUIRED_COLUMNS = ("country", "area", "organisation", "position_title")
# Written for information; an import reads past them (``version`` is checked, never set).
INFORMATION_COLUMNS = ("verified_at", "exported_at")
CHANNEL_PARTS = ("kind", "value", "label", "24_7")
CHANNEL_COLUMN = re.compile(r"^channel_(\d{1,3})_(kind|value|label|24_7)$")
MAX_ROWS = 20_000
DAY_NUMBERS = {name.lower(): number for number, name in enumerate(DAY_ABBREVIATIONS)}
YES, NO = "yes", "no"
TRUE_WORDS = {"yes", "y", "true", "1", "x", "sí", "si", "sim", "oui"}
FALSE_WORDS = {"no", "n", "false", "0", "", "não", "nao", "non"}
WINDOW = re.compile(
    r"^(?P<days>\S+)\s+(?P<opens>\d{1,2}:\d{2})\s*[-–]\s*(?P<closes>\d{1,2}:\d{2})$"
)
DAY_RUN = re.compile(r"^([A-Za-z]{3})(?:[-–]([A-Za-z]{3}))?$")


# --- cells ---------------------------------------------------------------------------------


def format_utc(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def file_stamp(moment: datetime) -> str:
    """The time in a file name: 20261127T0430Z."""
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%MZ")


def file_name(moment: datetime, country: str | None = None, area: str | None = None) -> str:
    parts = ["contacts", *(part for part in (country, area) if part), file_stamp(moment)]
    return "-".join(parts) + ".csv"


def _day_run(run: str) -> range:
    """``Mon`` or ``Mon-Fri`` as the day numbers it covers (Monday = 0)."""
    found = DAY_RUN.match(run)
    if found is not None:
        first = DAY_NUMBERS.get(found.group(1).lower())
        last = DAY_NUMBERS.get((found.group(2) or found.group(1)).lower())
        if first is not None and last is not None and first <= last:
            return range(first, last + 1)
    raise ValueError(
        _l("“%(days)s”: write days as Mon, Tue, … Sun, or runs like Mon-Fri", days=run)
    )


def parse_hours(text: str) -> list[dict]:
    """The windows ``hours_text`` wrote; ValueError saying what is wrong otherwise."""
    windows = []
    for part in text.split(";"):
        part = part.strip()
        if not part:
            continue
        match = WINDOW.match(part)
        if match is None:
            raise ValueError(
                _l(
                    "“%(part)s” is not written like “Mon-Fri 08:00-17:00”",
                    part=part,
                )
            )
        days: list[int] = []
        for run in match.group("days").split(","):
            days.extend(_day_run(run))
        opens, closes = (value.zfill(5) for value in (match.group("opens"), match.group("closes")))
        windows.append({"days": sorted(set(days)), "opens": opens, "closes": closes})
    return windows


def parse_bool(text: str) -> bool:
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(_l("write yes or no"))


# --- writing -------------------------------------------------------------------------------


def channel_columns(count: int) -> list[str]:
    return [f"channel_{n}_{part}" for n in range(1, count + 1) for part in CHANNEL_PARTS]


def header(channel_count: int) -> list[str]:
    return [*COLUMNS, *channel_columns(channel_count)]


def contact_row(contact: Contact, channel_count: int, exported_at: str) -> list[str]:
    """One contact as the cells of ``header(channel_count)``, guarded against formulas."""
    values: list[str] = [
        contact.public_id,
        contact.country_code,
        contact.area.slug,
        str(contact.rank),
        *(
            getattr(contact, name) or ""
            for name in (
                "organisation",
                "unit",
                "position_title",
                "holder_honorific",
                "holder_given_name",
                "holder_family_name",
            )
        ),
        YES if contact.is_vacant else NO,
        " ".join(contact.languages or []),
        contact.time_zone,
        YES if contact.hours_24_7 else NO,
        hours_text(contact.hours or []),
        contact.postal_address or "",
        contact.city or "",
        contact.notes or "",
        contact.nomination_reference or "",
        contact.nominated_on.isoformat() if contact.nominated_on else "",
        format_utc(contact.verified_at),
        str(contact.version),
        exported_at,
    ]
    for channel in contact.channels[:channel_count]:
        values += [channel.kind, channel.value, channel.label, YES if channel.is_24_7 else NO]
    values += [""] * (len(CHANNEL_PARTS) * (channel_count - len(contact.channels)))
    return [guard(value) for value in values]


def csv_chunks(columns: Sequence[str], rows: Iterable[Sequence[str]]) -> Iterator[str]:
    """The file as text, in pieces of about 16 kB: BOM, header, rows, CRLF line ends."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(row)
        if buffer.tell() > 16_384:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


# --- reading -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """What is wrong, where: line 1 is the header; ``field`` is a column (or "file")."""

    line: int
    field: str
    reason: str


class FileRejected(ValueError):
    """The file as a whole cannot be read: not UTF-8, not CSV, wrong columns, too long."""

    def __init__(self, problem: Problem):
        super().__init__(problem.reason)
        self.problem = problem


@dataclass
class Table:
    columns: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (line where the row starts, column -> cell)

    @property
    def channel_numbers(self) -> list[int]:
        found = {int(m.group(1)) for m in map(CHANNEL_COLUMN.match, self.columns) if m}
        return sorted(found)


def _reject(line: int, reason: object, column: str = "file") -> FileRejected:
    return FileRejected(Problem(line, column, str(reason)))


def _check_columns(columns: list[str]) -> None:
    seen: set[str] = set()
    for name in columns:
        if not name:
            continue  # a spreadsheet's stray empty column: read past it
        if name in seen:
            raise _reject(1, _l("the column “%(name)s” appears twice", name=name), name)
        seen.add(name)
    unknown = []
    for name in columns:
        match = CHANNEL_COLUMN.match(name)
        if not name or name in COLUMNS or (match and 1 <= int(match.group(1)) <= MAX_CHANNELS):
            continue
        unknown.append(name)
    if unknown:
        raise _reject(
            1,
            _l(
                "unknown columns: %(names)s. The columns are those of an export: %(known)s, "
                "and channel_N_kind, channel_N_value, channel_N_label, channel_N_24_7 for N "
                "from 1 to %(n)s.",
                names=", ".join(unknown),
                known=", ".join(COLUMNS),
                n=MAX_CHANNELS,
            ),
        )
    missing = [name for name in REQUIRED_COLUMNS if name not in seen]
    if missing:
        raise _reject(1, _l("required columns are missing: %(names)s", names=", ".join(missing)))


def read_table(data: bytes, max_rows: int = MAX_ROWS) -> Table:
    """The header and the non-empty rows of a CSV file; FileRejected saying why it can't be."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise _reject(
            line,
            _l("the file is not UTF-8 text: save it as “CSV UTF-8” and try again"),
        ) from exc
    if "\x00" in text:
        raise _reject(1, _l("the file is not a CSV file (it holds binary data)"))
    if not text.strip():
        raise _reject(1, _l("the file is empty"))
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, dict[str, str]]] = []
    columns: list[str] | None = None
    line = 1
    try:
        for cells in reader:
            start, line = line, reader.line_num + 1
            if columns is None:
                columns = [cell.strip().lower() for cell in cells]
                _check_columns(columns)
                continue
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) > len(columns):
                raise _reject(
                    start,
                    _l(
                        "this row has %(cells)s cells, the header %(columns)s: is a comma "
                        "missing its quotes?",
                        cells=len(cells),
                        columns=len(columns),
                    ),
                )
            if len(rows) >= max_rows:
                raise _reject(
                    start, _l("a file holds at most %(n)s contacts: split it", n=f"{max_rows:,}")
                )
            cells = cells + [""] * (len(columns) - len(cells))
            rows.append((start, dict(zip(columns, cells, strict=True))))
    except csv.Error as exc:
        raise _reject(line, _l("the file is not valid CSV: %(reason)s", reason=str(exc))) from exc
    assert columns is not None  # the file is not blank, so it has a first row
    return Table(columns, rows)


@dataclass
class RowValues:
    """A row read and checked for form: what it sets, by ContactData field name.

    Only the file's columns are here: a column the file leaves out keeps the contact's value.
    """

    line: int
    public_id: str
    version: int | None
    values: dict[str, Any]
    channel_numbers: list[int] = field(default_factory=list)  # channels[i] is channel_<n>_...
    problems: list[Problem] = field(default_factory=list)

    def column_of(self, key: str) -> str:
        """The column a ContactData field or a validation key (``channels-2``) came from."""
        if key.startswith("channels-"):
            index = int(key.removeprefix("channels-"))
            if index < len(self.channel_numbers):
                return f"channel_{self.channel_numbers[index]}"
            return "channels"
        return {"country_code": "country", "area_slug": "area"}.get(key, key)


def read_row(line: int, cells: dict[str, str], channel_numbers: Sequence[int]) -> RowValues:
    """A row's cells as ContactData values; every cell that cannot be read becomes a Problem."""
    cell = {name: unguard(value) for name, value in cells.items()}
    row = RowValues(line, cell.get("public_id", "").strip(), None, {})

    def fail(column: str, reason: object) -> None:
        row.problems.append(Problem(line, column, str(reason)))

    values = row.values
    if "country" in cell:
        values["country_code"] = cell["country"].strip().upper()
    if "area" in cell:
        values["area_slug"] = cell["area"].strip().lower()
    for name in TEXT_FIELDS:
        if name in cell:
            values[name] = cell[name]
    if "time_zone" in cell:
        values["time_zone"] = cell["time_zone"].strip()
    if "languages" in cell:
        values["languages"] = cell["languages"].replace(",", " ").replace(";", " ").split()
    for name in ("rank", "version"):
        raw = cell.get(name, "").strip()
        if raw:
            if raw.isdigit():
                if name == "rank":
                    values["rank"] = int(raw)
                else:
                    row.version = int(raw)
            else:
                fail(name, _l("must be a whole number"))
    for name in ("is_vacant", "hours_24_7"):
        if name in cell:
            try:
                values[name] = parse_bool(cell[name])
            except ValueError as exc:
                fail(name, exc)
    if "hours" in cell:
        try:
            values["hours"] = parse_hours(cell["hours"])
        except ValueError as exc:
            fail("hours", exc)
    if "nominated_on" in cell:
        raw = cell["nominated_on"].strip()
        try:
            values["nominated_on"] = date.fromisoformat(raw) if raw else None
        except ValueError:
            fail("nominated_on", _l("write the date as YYYY-MM-DD"))
    if channel_numbers:
        channels = []
        for number in channel_numbers:
            parts = {part: cell.get(f"channel_{number}_{part}", "") for part in CHANNEL_PARTS}
            if not any(value.strip() for value in parts.values()):
                continue
            try:
                is_24_7 = parse_bool(parts["24_7"])
            except ValueError as exc:
                fail(f"channel_{number}_24_7", exc)
                continue
            kind = parts["kind"].strip().lower()
            if not kind:
                fail(f"channel_{number}_kind", _l("say which kind of channel this is"))
                continue
            channels.append(ChannelData(kind, parts["value"], parts["label"], is_24_7))
            row.channel_numbers.append(number)
        values["channels"] = channels
    return row


# --- the contacts of an export (reads the database) ----------------------------------------


def _filtered(statement, country: str | None, area: str | None):  # type: ignore[no-untyped-def]
    statement = statement.where(Contact.status == ContactStatus.ACTIVE.value)
    if country:
        statement = statement.where(Contact.country_code == country)
    if area:
        statement = statement.join(Area, Area.id == Contact.area_id).where(Area.slug == area)
    return statement


def count_contacts(country: str | None, area: str | None) -> int:
    if not (country and area):
        return count_in(_scope(country, area))
    statement = _filtered(select(func.count(Contact.id)), country, area)
    return db.session.scalar(statement) or 0


def most_channels(country: str | None, area: str | None) -> int:
    """The most channels one contact of the export has: how many channel columns it needs."""
    per_contact = _filtered(
        select(func.count(Channel.id).label("n"))
        .join(Contact, Contact.id == Channel.contact_id)
        .group_by(Channel.contact_id),
        country,
        area,
    ).subquery()
    return db.session.scalar(select(func.max(per_contact.c.n))) or 0


def _scope(country: str | None, area: str | None) -> Scope:
    if country:
        return Scope("country", country)
    if area:
        return Scope("area", area)
    return Scope()


def scope_label(country: str | None, area: str | None) -> str:
    """As the export log records it: "all", "country:JM", "country:JM,area:<slug>"."""
    if country and area:
        return f"country:{country},area:{area}"
    return _scope(country, area).label


def export_chunks(
    country: str | None,
    area: str | None,
    exported_at: datetime,
    progress: Callable[[int], None] | None = None,
) -> Iterator[str]:
    """The active contacts of a state and/or an area (or all), in calling order, as CSV text."""
    channel_count = most_channels(country, area)
    stamp = format_utc(exported_at)

    def rows() -> Iterator[list[str]]:
        for contact in contacts_in(_scope(country, area)):
            if country and area and contact.area.slug != area:
                continue
            yield contact_row(contact, channel_count, stamp)
            if progress is not None:
                progress(1)

    return csv_chunks(header(channel_count), rows())
