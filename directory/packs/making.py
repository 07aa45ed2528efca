"""Making a pack: the scope from the address, the contacts in it, the page. Shared by the views
and `flask packs pdf` (which renders under a test request context)."""

from __future__ import annotations

from flask import abort, current_app, render_template
from flask_babel import gettext as _

from ..exports.pack import PAGE_MARK, PAGES_MARK, Pack, build_pack, page_label_parts
from ..services.browse import active_areas, is_country_code, member_states
from ..services.selection import Scope, contacts_in
from ..web.locale import lang, sorted_countries
from ..web.times import now


def scope_of(kind: str, value: str = "") -> tuple[Scope, str, list, list]:
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
    scope, title, countries, areas = scope_of(kind, value)
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
