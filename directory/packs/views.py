"""The incident pack: a printable page and a PDF for a state, an area or the whole directory."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from ..exports.pack import PAGE_MARK, PAGES_MARK, Pack, build_pack, page_label_parts, render_pdf
from ..services.actors import Actor
from ..services.browse import active_areas, is_country_code, member_states
from ..services.exports import record_export
from ..services.selection import Scope, contacts_in, count_in
from ..web import lang, now, sorted_countries

bp = Blueprint("packs", __name__)


def _scope(kind: str, value: str = "") -> tuple[Scope, str, list, list]:
    """The scope, its title, and the states and areas it covers; 404 when there is no such."""
    language = lang()
    countries = sorted_countries(member_states(), language)
    areas = active_areas()
    if kind == "country":
        code = value.upper()
        countries = [c for c in countries if is_country_code(code) and c.code == code]
        if not countries:
            abort(404)
        return Scope("country", code), countries[0].name(language), countries, areas
    if kind == "area":
        areas = [area for area in areas if area.slug == value]
        if not areas:
            abort(404)
        return Scope("area", value), areas[0].name(language), countries, areas
    return Scope(), _("The whole directory"), countries, areas


def pack_for(kind: str, value: str = "") -> Pack:
    scope, title, countries, areas = _scope(kind, value)
    language = lang()
    return build_pack(
        scope.kind,
        scope.value,
        title,
        contacts_in(scope),
        [(country.code, country.name(language)) for country in countries],
        [(area.id, area.slug, area.name(language)) for area in areas],
        now(),
        current_app.config["STALE_AFTER_DAYS"],
    )


def render_pack(pack: Pack, for_pdf: bool, back_url: str, pdf_url: str) -> str:
    page_label = _("Page %(page)s of %(pages)s", page=PAGE_MARK, pages=PAGES_MARK)
    return render_template(
        "packs/pack.html",
        pack=pack,
        for_pdf=for_pdf,
        back_url=back_url,
        pdf_url=pdf_url,
        page_label=page_label_parts(page_label),
    )


def _page(kind: str, value: str, back_url: str, pdf_url: str) -> str:
    pack = pack_for(kind, value)
    html = render_pack(pack, False, back_url, pdf_url)
    record_export(Actor.of(current_user), "html", pack.scope_label, pack.count)
    return html


def _pdf(kind: str, value: str, printable_url: str) -> Response:
    scope = _scope(kind, value)[0]
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
def directory_page():  # type: ignore[no-untyped-def]
    return _page("all", "", url_for("home.index"), url_for(".directory_pdf"))


@bp.route("/pack.pdf")
def directory_pdf():  # type: ignore[no-untyped-def]
    return _pdf("all", "", url_for(".directory_page"))


@bp.route("/countries/<code>/pack")
def country_page(code: str):  # type: ignore[no-untyped-def]
    return _page(
        "country",
        code,
        url_for("countries.show", code=code.upper()),
        url_for(".country_pdf", code=code.upper()),
    )


@bp.route("/countries/<code>/pack.pdf")
def country_pdf(code: str):  # type: ignore[no-untyped-def]
    return _pdf("country", code, url_for(".country_page", code=code.upper()))


@bp.route("/areas/<slug>/pack")
def area_page(slug: str):  # type: ignore[no-untyped-def]
    return _page("area", slug, url_for("areas.show", slug=slug), url_for(".area_pdf", slug=slug))


@bp.route("/areas/<slug>/pack.pdf")
def area_pdf(slug: str):  # type: ignore[no-untyped-def]
    return _pdf("area", slug, url_for(".area_page", slug=slug))
