from __future__ import annotations

from flask import Blueprint, abort, render_template

from ..services.browse import area_contacts
from ..web.locale import lang, sorted_countries

bp = Blueprint("areas", __name__, url_prefix="/areas")
PER_COUNTRY = 5  # primary and first alternates; the rest are one click away


@bp.route("/<slug>")
def show(slug: str):
    found = area_contacts(slug, PER_COUNTRY)
    if found is None:
        abort(404)
    area, countries, listing = found
    return render_template(
        "areas/show.html",
        area=area,
        countries=sorted_countries(countries, lang()),
        listing=listing,
    )
