"""Importing contacts from a CSV file: every row is checked first, then all are written in one
transaction, or none.

A row with a public id updates that contact (its ``version``, when given, must still be the
contact's current one); a row without one adds a contact. An editor's file holds rows of the
editor's own state only. A row identical to the contact as it is writes nothing. The search
index catches up once, after the import, from the change log.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..exports.csvfile import FileRejected, Problem, RowValues, read_row, read_table
from ..extensions import db
from ..models import Area, Channel, Contact, Country, Role
from ..models.base import utcnow
from ..schemas.contact import SPECS
from .actors import Actor, can_write_country
from .contacts import is_public_id, write_contacts
from .errors import DomainError, PermissionDenied, ValidationFailed
from .exports import record_export
from .transaction import projections_deferred, write_transaction
from .validation import ChannelData, ContactData, clean_contact_data

LOAD_BATCH = 500  # public ids per query when loading the contacts a file names
# ContactData fields read from a column of Contact under the same name; the state and area
# come from their own columns, the channels from their rows.
COLUMN_FIELDS = tuple(spec.name for spec in SPECS if spec.read is None and spec.name != "channels")


@dataclass
class ImportReport:
    """What an import did (or, in a dry run or with errors, would do) and what is wrong."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    dry_run: bool = False
    written: bool = False  # True once the rows are committed

    @property
    def errors(self) -> int:
        """Rows with at least one problem (a problem with the file as a whole counts once)."""
        return len({problem.line for problem in self.problems})


@dataclass(frozen=True)
class _Current:
    """A contact as the file was checked against it."""

    data: ContactData
    version: int
    country_code: str


@dataclass(frozen=True)
class _Planned:
    line: int
    public_id: str  # empty: a new contact
    version: int | None  # the version it was checked against
    data: ContactData  # cleaned


class _ChangedMeanwhile(DomainError):
    def __init__(self, problems: list[Problem]):
        super().__init__("contacts changed while the file was checked")
        self.problems = problems


BLANK = ContactData()


def can_import(actor: Actor) -> bool:
    return actor.role in (Role.ADMIN.value, Role.EDITOR.value)


def import_contacts(actor: Actor, data: bytes, *, dry_run: bool = False) -> ImportReport:
    """Check every row of a CSV file, then, unless ``dry_run`` or any row is wrong, write them
    all in one transaction. PermissionDenied for viewers; everything else is in the report."""
    if not can_import(actor):
        raise PermissionDenied(f"{actor.label} may not import contacts")
    report = ImportReport(dry_run=dry_run)
    try:
        table = read_table(data)
    except FileRejected as rejected:
        report.problems.append(rejected.problem)
        return report
    report.rows = len(table.rows)
    rows = [read_row(line, cells, table.channel_numbers) for line, cells in table.rows]
    planned = _check(actor, rows, report)
    if report.problems or dry_run:
        return report
    if planned:
        try:
            with projections_deferred(), write_transaction() as session:
                _write(session, actor, planned)
        except _ChangedMeanwhile as changed:
            report.problems.extend(changed.problems)
            return report
    report.written = True
    codes = {row.values.get("country") for row in rows}
    scope = f"country:{codes.pop()}" if len(codes) == 1 else "all"
    record_export(actor, "import", scope, report.rows)
    return report


def _load(session: Session, public_ids: Sequence[str]) -> dict[str, Contact]:
    found: dict[str, Contact] = {}
    for start in range(0, len(public_ids), LOAD_BATCH):
        chunk = public_ids[start : start + LOAD_BATCH]
        for contact in session.scalars(select(Contact).where(Contact.public_id.in_(chunk))):
            found[contact.public_id] = contact
    return found


def _current(session: Session, public_ids: Sequence[str]) -> dict[str, _Current]:
    """The editable data of the contacts a file names, read in bulk as plain rows: a file of
    10,000 rows is checked with a few dozen queries and no ORM objects."""
    found: dict[str, _Current] = {}
    columns = [getattr(Contact, name) for name in COLUMN_FIELDS]
    for start in range(0, len(public_ids), LOAD_BATCH):
        chunk = public_ids[start : start + LOAD_BATCH]
        rows = session.execute(
            select(
                Contact.id,
                Contact.public_id,
                Contact.version,
                Contact.country_code,
                Area.slug,
                *columns,
            )
            .join(Area, Area.id == Contact.area_id)
            .where(Contact.public_id.in_(chunk))
        ).all()
        channels: dict[int, list[ChannelData]] = defaultdict(list)
        for contact_id, kind, value, label, is_24_7 in session.execute(
            select(Channel.contact_id, Channel.kind, Channel.value, Channel.label, Channel.is_24_7)
            .where(Channel.contact_id.in_([row.id for row in rows]))
            .order_by(Channel.contact_id, Channel.position)
        ):
            channels[contact_id].append(ChannelData(kind, value, label, bool(is_24_7)))
        for row in rows:
            values = {name: getattr(row, name) for name in COLUMN_FIELDS}
            data = ContactData(
                **values,
                country=row.country_code,
                area=row.slug,
                channels=channels[row.id],
            )
            data.languages = list(data.languages or [])
            data.hours = [dict(window) for window in data.hours or []]
            found[row.public_id] = _Current(data, row.version, row.country_code)
    return found


def _check(actor: Actor, rows: Iterable[RowValues], report: ImportReport) -> list[_Planned]:
    """Every row checked against the database as it is; problems go into the report."""
    session = db.session()
    regions = {
        country.code: (country.phone_region, (country.time_zones or ["UTC"])[0])
        for country in session.scalars(select(Country))
    }
    area_slugs = set(session.scalars(select(Area.slug)))
    rows = list(rows)
    first_line: dict[str, int] = {}
    for row in rows:
        if not row.public_id:
            continue
        if not is_public_id(row.public_id):
            row.problems.append(Problem(row.line, "public_id", str(_l("is not a public id"))))
        elif row.public_id in first_line:
            reason = _l(
                "also on line %(line)s: one row per contact", line=first_line[row.public_id]
            )
            row.problems.append(Problem(row.line, "public_id", str(reason)))
        else:
            first_line[row.public_id] = row.line
    current = _current(session, list(first_line))
    planned: list[_Planned] = []
    for row in rows:
        plan = _check_row(actor, row, current, regions, area_slugs)
        report.problems.extend(row.problems)
        if plan is None:
            continue
        existing = current.get(plan.public_id)
        if existing is None:
            report.created += 1
        elif _same(plan.data, existing.data):
            report.unchanged += 1
            continue
        else:
            report.updated += 1
        planned.append(plan)
    return planned


def _same(cleaned: ContactData, existing: ContactData) -> bool:
    """Whether saving ``cleaned`` would leave the contact as it is (an empty rank keeps it)."""
    rank = cleaned.rank if cleaned.rank is not None else existing.rank
    return replace(cleaned, rank=rank) == existing


def _check_row(
    actor: Actor,
    row: RowValues,
    current: dict[str, _Current],
    regions: dict[str, tuple[str, str]],
    area_slugs: set[str],
) -> _Planned | None:
    def fail(column: str, reason: object) -> None:
        row.problems.append(Problem(row.line, column, str(reason)))

    existing = current.get(row.public_id) if row.public_id else None
    if row.public_id and existing is None and not row.problems:
        fail("public_id", _l("no contact has this public id: leave it empty to add a contact"))
    if existing is not None:
        if not can_write_country(actor, existing.country_code):
            fail(
                "public_id",
                _l(
                    "is a contact of %(code)s: you may import contacts of %(own)s only",
                    code=existing.country_code,
                    own=actor.country_code or "-",
                ),
            )
        if row.version is not None and row.version != existing.version:
            fail(
                "version",
                _l(
                    "conflict: the contact changed since this file was made (version %(file)s "
                    "in the file, %(now)s now); export it again and redo the change",
                    file=row.version,
                    now=existing.version,
                ),
            )
    merged = ContactData(**{**vars(existing.data if existing else BLANK), **row.values})
    unchanged = existing is not None and merged == existing.data
    if existing is not None and merged.rank == existing.data.rank:
        merged.rank = None  # kept as it is, even past 99 (where create_contact's order puts it)
    code = merged.country
    if code not in regions:
        fail("country", _l("“%(code)s” is not a member state", code=code))
    elif not can_write_country(actor, code):
        fail(
            "country",
            _l("you may import contacts of %(own)s only", own=actor.country_code or "-"),
        )
    if merged.area not in area_slugs:
        fail("area", _l("“%(slug)s” is not a mandate area", slug=merged.area))
    if code not in regions:
        return None
    if existing is not None and unchanged and not row.problems:
        # as it is: nothing to clean (the stored data was cleaned when it was saved)
        return _Planned(row.line, row.public_id, existing.version, existing.data)
    phone_region, default_zone = regions[code]
    if not merged.time_zone:
        merged.time_zone = default_zone  # the state's (its capital's) zone
    try:
        cleaned = clean_contact_data(merged, phone_region)
    except ValidationFailed as invalid:
        for column, messages in _by_column(row, invalid).items():
            fail(column, " ".join(str(message) for message in messages))
        return None
    if row.problems:
        return None
    return _Planned(row.line, row.public_id, existing.version if existing else None, cleaned)


def _by_column(row: RowValues, invalid: ValidationFailed) -> dict[str, list]:
    """The service's problems grouped by the column of the file each one is about."""
    grouped: dict[str, list] = {}
    for path, message in invalid.problems:
        grouped.setdefault(row.column_of(path), []).append(message)
    return grouped


def _write(session: Session, actor: Actor, planned: list[_Planned]) -> None:
    """All rows in the caller's transaction; the contacts must be as they were checked."""
    contacts = _load(session, [plan.public_id for plan in planned if plan.public_id])
    moved = [
        Problem(
            plan.line,
            "version",
            str(_l("the contact was changed by someone else during the import; try again")),
        )
        for plan in planned
        if plan.public_id and contacts[plan.public_id].version != plan.version
    ]
    if moved:
        raise _ChangedMeanwhile(moved)
    write_contacts(
        session,
        actor,
        ((contacts[plan.public_id] if plan.public_id else None, plan.data) for plan in planned),
        utcnow(),
    )
