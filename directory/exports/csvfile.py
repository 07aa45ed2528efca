"""Contacts as CSV: the columns, a contact as a row, and a file read back and checked.

One row per contact, every field, its channels in numbered groups of columns (``channel_1_kind``,
``channel_1_value``, ``channel_1_label``, ``channel_1_24_7``, then ``channel_2_...``) up to the
most any exported contact has. Files are UTF-8 with a BOM (so that Excel reads them as UTF-8),
CRLF line ends, quoted as RFC 4180 asks; newlines inside a postal address stay inside the quoted
cell. A text cell a spreadsheet would run as a formula gets a leading apostrophe (the guard the
audit CSV uses, ``formats.cells``); reading strips exactly that apostrophe again, so a
file exported and imported unchanged changes nothing.

Hours are written as people read them, ``Mon-Fri 08:00-17:00; Sat 09:00-12:00``, and read back
exactly. Pure: which contacts go into a file is chosen by ``services.contact_csv``.
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

from ..formats.cells import guard, unguard
from ..models.hours import DAY_ABBREVIATIONS, hours_text
from ..schemas.contact import (
    BY_NAME,
    CHANNEL_SPECS,
    MAX_CHANNELS,
    RECORDED,
    SPECS,
    ChannelData,
)
from ..schemas.fields import Kind, Spec

Path = tuple[str | int, ...]


# The columns a contact's fields make (the schema says which fields go into a CSV), then the
# time of the export, then the channels in numbered groups (``channel_columns``).
def cell_specs(recorded: Sequence[Spec]) -> tuple[Spec, ...]:
    """The fields that have a column of their own (all but the channels), in order."""
    return tuple(spec for spec in recorded if spec.in_csv and spec.kind != Kind.CHANNELS)


def columns_of(specs: Sequence[Spec]) -> tuple[str, ...]:
    return (*(spec.name for spec in specs), "exported_at")


CELL_SPECS = cell_specs(RECORDED)
COLUMNS = columns_of(CELL_SPECS)
# A row without a time zone takes its state's (services.imports): not a required column.
REQUIRED_COLUMNS = tuple(
    spec.name for spec in SPECS if spec.required and spec.in_csv and spec.name != "time_zone"
)
# The channel fields, as the columns name them.
CHANNEL_PARTS = tuple(spec.name.removeprefix("is_") for spec in CHANNEL_SPECS)
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


def header(channel_count: int, specs: Sequence[Spec] = CELL_SPECS) -> list[str]:
    return [*columns_of(specs), *channel_columns(channel_count)]


def cell(spec: Spec, value: Any) -> str:
    """A field's value as the text of its cell (before the formula guard)."""
    if spec.kind == Kind.FLAG:
        return YES if value else NO
    if spec.kind == Kind.MOMENT:
        return format_utc(value)
    if spec.kind == Kind.DATE:
        return value.isoformat() if value else ""
    if spec.kind == Kind.LANGUAGES:
        return " ".join(value or [])
    if spec.kind == Kind.HOURS:
        return hours_text(value or [])
    return "" if value is None else str(value)


def contact_row(
    contact: Any, channel_count: int, exported_at: str, specs: Sequence[Spec] = CELL_SPECS
) -> list[str]:
    """One contact as the cells of ``header(channel_count)``, guarded against formulas."""
    values = [cell(spec, spec.value_of(contact)) for spec in specs]
    values.append(exported_at)
    for channel in contact.channels[:channel_count]:
        values += [cell(spec, getattr(channel, spec.name)) for spec in CHANNEL_SPECS]
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

    def column_of(self, path: Path) -> str:
        """The column a field or a part of a channel (``("channels", 2, "value")``) came from."""
        index = path[1] if len(path) > 1 else None
        if path[0] == "channels" and isinstance(index, int) and index < len(self.channel_numbers):
            return f"channel_{self.channel_numbers[index]}"
        return str(path[0])


def read_cell(spec: Spec, text: str) -> Any:
    """A cell's text as the field's value; ValueError saying what is wrong otherwise."""
    if spec.kind == Kind.FLAG:
        return parse_bool(text)
    if spec.kind == Kind.NUMBER:
        if not text.strip().isdigit():
            raise ValueError(_l("must be a whole number"))
        return int(text.strip())
    if spec.kind == Kind.DATE:
        try:
            return date.fromisoformat(text.strip()) if text.strip() else None
        except ValueError:
            raise ValueError(_l("write the date as YYYY-MM-DD")) from None
    if spec.kind == Kind.LANGUAGES:
        return text.replace(",", " ").replace(";", " ").split()
    if spec.kind == Kind.HOURS:
        return parse_hours(text)
    if spec.kind == Kind.CHOICE:
        return spec.canonical(text.strip()) if spec.canonical else text.strip()
    return text


# The columns an import sets; ``public_id`` and ``version`` say which contact and which version
# of it a row is about; the others (``verified_at``, ``exported_at``) are read past.
WRITTEN_SPECS = tuple(spec for spec in CELL_SPECS if spec in SPECS)


def read_row(
    line: int,
    cells: dict[str, str],
    channel_numbers: Sequence[int],
    specs: Sequence[Spec] = WRITTEN_SPECS,
) -> RowValues:
    """A row's cells as ContactData values; every cell that cannot be read becomes a Problem."""
    cell_text = {name: unguard(value) for name, value in cells.items()}
    row = RowValues(line, cell_text.get("public_id", "").strip(), None, {})

    def fail(column: str, reason: object) -> None:
        row.problems.append(Problem(line, column, str(reason)))

    for spec in (*specs, BY_NAME["version"]):
        if spec.name not in cell_text:
            continue
        if spec.kind == Kind.NUMBER and not cell_text[spec.name].strip():
            continue  # no calling order: after the last; no version: not checked
        try:
            value = read_cell(spec, cell_text[spec.name])
        except ValueError as exc:
            fail(spec.name, exc)
            continue
        if spec.name == "version":
            row.version = value
        else:
            row.values[spec.name] = value
    if channel_numbers:
        row.values["channels"] = _read_channels(row, cell_text, channel_numbers, fail)
    return row


def _read_channels(
    row: RowValues,
    cells: dict[str, str],
    channel_numbers: Sequence[int],
    fail: Callable[[str, object], None],
) -> list[ChannelData]:
    channels = []
    for number in channel_numbers:
        parts = {part: cells.get(f"channel_{number}_{part}", "") for part in CHANNEL_PARTS}
        if not any(value.strip() for value in parts.values()):
            continue
        try:
            is_24_7 = parse_bool(parts["24_7"])
        except ValueError as exc:
            fail(f"channel_{number}_24_7", exc)
            continue
        kind = parts["kind"].strip()
        if not kind:
            fail(f"channel_{number}_kind", _l("say which kind of channel this is"))
            continue
        channels.append(ChannelData(kind, parts["value"], parts["label"], is_24_7))
        row.channel_numbers.append(number)
    return channels
