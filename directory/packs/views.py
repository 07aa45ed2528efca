"""The incident pack: a printable page and a PDF for a state, an area or the whole directory."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from ..exports.pack import render_pdf
from ..services.actors import Actor
from ..services.exports import record_export
from ..services.selection import count_in
from .making import pack_for, render_pack, scope_of

bp = Blueprint("packs", __name__)


def _page(kind: str, value: str, back_url: str, pdf_url: str) -> str:
    pack = pack_for(kind, value)
    html = render_pack(pack, False, back_url, pdf_url)
    record_export(Actor.of(current_user), "html", pack.scope_label, pack.count)
    return html


def _pdf(kind: str, value: str, printable_url: str) -> Response:
    scope = scope_of(kind, value)[0]
    limit = current_app.config["PACK_PDF_MAX_CONTACTS"]
    count = count_in(scope)
    if count > limit:
        # WeasyPrint lays out about three pages a second here: a PDF of thousands of contacts
        # would outlast any request. The printable page prints to PDF from the browser.
        flash(
            _(
                "%(count)s contacts are too many for a PDF made on request (at most %(limit)s): "
                "print this page from your browser, or download the pack of one state or area. "
                "Admins can make the whole PDF with `flask packs pdf`.",
                count=count,
                limit=limit,
            ),
            "info",
        )
        return redirect(printable_url, 303)  # type: ignore[return-value]
    pack = pack_for(kind, value)
    document = render_pdf(render_pack(pack, True, "", ""))
    record_export(Actor.of(current_user), "pdf", pack.scope_label, pack.count)
    response = Response(document, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{pack.file_name}"'
    return response


@bp.route("/pack")
def directory_page():
    return _page("all", "", url_for("home.index"), url_for(".directory_pdf"))


@bp.route("/pack.pdf")
def directory_pdf():
    return _pdf("all", "", url_for(".directory_page"))


@bp.route("/countries/<code>/pack")
def country_page(code: str):
    return _page(
        "country",
        code,
        url_for("countries.show", code=code.upper()),
        url_for(".country_pdf", code=code.upper()),
    )


@bp.route("/countries/<code>/pack.pdf")
def country_pdf(code: str):
    return _pdf("country", code, url_for(".country_page", code=code.upper()))


@bp.route("/areas/<slug>/pack")
def area_page(slug: str):
    return _page("area", slug, url_for("areas.show", slug=slug), url_for(".area_pdf", slug=slug))


@bp.route("/areas/<slug>/pack.pdf")
def area_pdf(slug: str):
    return _pdf("area", slug, url_for(".area_page", slug=slug))
