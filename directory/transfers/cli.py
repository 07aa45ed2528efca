"""`flask contacts export` and `flask contacts import`."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from ..extensions import db
from ..models import Area, Country, User
from ..models.base import utcnow
from ..services.actors import Actor
from ..services.contact_csv import count_contacts, export_chunks, scope_label
from ..services.errors import PermissionDenied
from ..services.exports import record_export
from ..services.imports import ImportReport, import_contacts

contacts_cli = AppGroup("contacts", help="Contacts in and out as CSV.")


def _fail(message: str) -> None:
    click.secho(message, fg="red", err=True)
    sys.exit(1)


def _checked_filters(country: str | None, area: str | None) -> tuple[str | None, str | None]:
    country = (country or "").strip().upper() or None
    area = (area or "").strip().lower() or None
    if country and db.session.get(Country, country) is None:
        _fail(f"{country} is not a member state.")
    if area and db.session.scalar(select(Area.id).where(Area.slug == area)) is None:
        slugs = ", ".join(db.session.scalars(select(Area.slug).order_by(Area.position)))
        _fail(f"{area} is not a mandate area (one of: {slugs}).")
    return country, area


@contacts_cli.command("export")
@click.option("--country", default=None, help="ISO code of one member state (default: all).")
@click.option("--area", default=None, help="Slug of one mandate area (default: all).")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The file to write (default: standard output).",
)
def export_command(country: str | None, area: str | None, output: Path | None) -> None:
    """Write the active contacts as CSV (UTF-8 with BOM, CRLF), one row per contact.

    Import the same file, edited or not, with `flask contacts import`."""
    country, area = _checked_filters(country, area)
    exported_at = utcnow()
    total = count_contacts(country, area)
    if output is None:
        for chunk in export_chunks(country, area, exported_at):
            sys.stdout.write(chunk)
        sys.stdout.flush()
    else:
        with (
            output.open("w", encoding="utf-8", newline="") as out,
            click.progressbar(length=total, label="Exporting contacts", file=sys.stderr) as bar,
        ):
            for chunk in export_chunks(country, area, exported_at, progress=bar.update):
                out.write(chunk)
    record_export(Actor.system("cli"), "csv", scope_label(country, area), total)
    where = f" to {output}" if output else ""
    click.echo(f"Wrote {total} contacts{where}.", err=True)


def _actor(email: str | None) -> Actor:
    if not email:
        return Actor.system("cli")
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None or not user.is_active:
        _fail(f"No active user has the e-mail address {email}.")
    assert user is not None  # _fail exits
    return Actor.of(user)


def _print_report(report: ImportReport) -> None:
    for problem in report.problems:
        click.secho(f"line {problem.line}: {problem.field}: {problem.reason}", fg="red", err=True)
    counts = (
        f"{report.created} created, {report.updated} updated, {report.unchanged} unchanged, "
        f"{report.errors} with errors"
    )
    if report.problems:
        click.echo(f"Nothing was written: {report.rows} rows, {counts}.")
    elif report.dry_run:
        click.echo(f"Dry run, nothing written: {report.rows} rows, {counts}.")
    else:
        click.echo(f"Imported {report.rows} rows: {counts}.")


@contacts_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check every row and report; write nothing.")
@click.option(
    "--as",
    "as_email",
    default=None,
    help="Import as this user (an editor: their own state only). Default: the system.",
)
def import_command(file: Path, dry_run: bool, as_email: str | None) -> None:
    """Add and update contacts from a CSV file as `flask contacts export` writes it.

    A row with a public_id updates that contact (its version, if given, must be current); a
    row without one adds a contact. Every row is checked first: one wrong row and nothing is
    written. At most 20,000 rows per file. Exits 1 when there are errors."""
    actor = _actor(as_email)
    try:
        report = import_contacts(actor, file.read_bytes(), dry_run=dry_run)
    except PermissionDenied:
        _fail(f"{actor.label} may not import contacts: only admins and editors may.")
    _print_report(report)
    if report.problems:
        sys.exit(1)
