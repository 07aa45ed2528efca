from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template

from ..services.browse import country_area_page, country_contacts
from ..web import page_number

bp = Blueprint("countries", __name__, url_prefix="/countries")
PER_AREA = 25  # a state page stays short; the area listing has them all


@bp.route("/<code>")
def show(code: str):  # type: ignore[no-untyped-def]
    found = country_contacts(code, PER_AREA)
    if found is None:
        abort(404)
    country, areas, listing = found
    return render_template("countries/show.html", country=country, areas=areas, listing=listing)


@bp.route("/<code>/<slug>")
def area(code: str, slug: str):  # type: ignore[no-untyped-def]
    found = country_area_page(code, slug, page_number(), current_app.config["CONTACTS_PER_PAGE"])
    if found is None:
        abort(404)
    country, area, page = found
    if page.page > page.pages:
        abort(404)
    return render_template("countries/area.html", country=country, area=area, found=page)
