"""`flask packs pdf`: an incident pack of any size, made outside a web request."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

packs_cli = AppGroup("packs", help="Incident packs: the dated PDF of a state, an area or all.")


@packs_cli.command("pdf")
@click.option("--country", "country_code", default=None, help="ISO code of one member state.")
@click.option("--area", "area_slug", default=None, help="Slug of one mandate area.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write it (default: the dated file name, in the current folder).",
)
def packs_pdf_command(country_code: str | None, area_slug: str | None, output: Path | None) -> None:
    """Make the PDF incident pack of the whole directory, or of one state or area.

    The web makes PDFs of up to PACK_PDF_MAX_CONTACTS contacts on request; this has no limit
    (about 2 s per 100 contacts)."""
    from werkzeug.exceptions import NotFound

    from ..exports.pack import render_pdf
    from ..services.actors import Actor
    from ..services.exports import record_export
    from .making import pack_for, render_pack

    if country_code and area_slug:
        click.secho("Give --country or --area, not both.", fg="red", err=True)
        sys.exit(2)
    kind, value = ("country", country_code) if country_code else ("area", area_slug or "")
    if not country_code and not area_slug:
        kind = "all"
    started = time.monotonic()
    with current_app.test_request_context("/"):
        try:
            pack = pack_for(kind, value)
        except NotFound:
            click.secho(f"No {kind} {value!r}.", fg="red", err=True)
            sys.exit(1)
        click.echo(f"Laying out {pack.count} contacts ...", err=True)
        document = render_pdf(render_pack(pack, True, "", ""))
    target = output or Path(pack.file_name)
    target.write_bytes(document)
    record_export(Actor.system("cli"), "pdf", pack.scope_label, pack.count)
    seconds = time.monotonic() - started
    click.echo(
        f"Wrote {target} ({len(document) / 1e6:.1f} MB, {pack.count} contacts, {seconds:.0f} s)."
    )
