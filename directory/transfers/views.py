"""CSV export and import on the web: download for everyone, upload for admins and editors."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    render_template,
    request,
    stream_with_context,
)
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from ..exports.csvfile import CHANNEL_PARTS, COLUMNS, MAX_ROWS, file_name
from ..services.actors import Actor
from ..services.browse import active_areas, member_states
from ..services.contact_csv import count_contacts, export_chunks, scope_label
from ..services.exports import record_export
from ..services.imports import ImportReport, can_import, import_contacts
from ..web.locale import lang, name_of, sorted_countries
from ..web.times import now
from .forms import DownloadForm, ImportForm

bp = Blueprint("transfers", __name__)


def _actor() -> Actor:
    return Actor.of(current_user)


def _download_form() -> DownloadForm:
    form = DownloadForm(request.args)
    countries = sorted_countries(member_states(), lang())
    form.country.choices = [
        SelectChoice("", _("All member states")),
        *(SelectChoice(country.code, name_of(country)) for country in countries),
    ]
    form.area.choices = [
        SelectChoice("", _("All mandate areas")),
        *(SelectChoice(area.slug, name_of(area)) for area in active_areas()),
    ]
    return form


def _size_limit() -> str:
    """MAX_CONTENT_LENGTH as people read it: 2 MB, 512 kB."""
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    if limit >= 1024 * 1024:
        return f"{limit / (1024 * 1024):.3g} MB"
    return f"{limit / 1024:.3g} kB"


def _page(
    download: DownloadForm,
    upload: ImportForm | None,
    report: ImportReport | None = None,
    message: str | None = None,
    status: int = 200,
):
    return render_template(
        "transfers/index.html",
        download=download,
        upload=upload,
        report=report,
        message=message,
        columns=COLUMNS,
        channel_parts=CHANNEL_PARTS,
        max_rows=MAX_ROWS,
        size_limit=_size_limit(),
    ), status


def _upload_form() -> ImportForm | None:
    return ImportForm() if can_import(_actor()) else None


@bp.route("/csv")
def index():
    return _page(_download_form(), _upload_form())


@bp.route("/contacts.csv")
def download():
    form = _download_form()
    if not form.validate():
        return _page(form, _upload_form(), status=400)
    country, area = form.country.data or None, form.area.data or None
    moment = now()
    total = count_contacts(country, area)
    record_export(_actor(), "csv", scope_label(country, area), total)
    return Response(
        stream_with_context(export_chunks(country, area, moment)),
        content_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{file_name(moment, country, area)}"'
        },
    )


@bp.route("/contacts/import", methods=["GET", "POST"])
def upload():
    actor = _actor()
    if not can_import(actor):
        abort(403)
    form = ImportForm()
    if not form.validate_on_submit():
        return _page(_download_form(), form, status=400 if form.is_submitted() else 200)
    report = import_contacts(actor, form.file.data.read(), dry_run=bool(form.dry_run.data))
    return _page(_download_form(), form, report, status=422 if report.problems else 200)


@bp.errorhandler(413)
def _too_large(error):
    """An upload over MAX_CONTENT_LENGTH: say so on the page, without reading the form (the
    query string is read, the body never)."""
    message = _(
        "The file is larger than %(size)s, the most an upload may be. Split it into "
        "several files, or ask an administrator to run “flask contacts import” on the server.",
        size=_size_limit(),
    )
    upload = ImportForm(formdata=None) if can_import(_actor()) else None
    return _page(_download_form(), upload, message=message, status=413)
