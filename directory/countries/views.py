from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import ngettext
from flask_login import current_user

from ..services.actors import Actor, can_write_country
from ..services.browse import country_area_page, country_contacts, is_country_code
from ..services.contacts import verify_all as verify_all_contacts
from ..web.paging import page_number
from ..web.redirects import local_path

bp = Blueprint("countries", __name__, url_prefix="/countries")
PER_AREA = 25  # a state page stays short; the area listing has them all


@bp.route("/<code>")
def show(code: str):
    found = country_contacts(code, PER_AREA)
    if found is None:
        abort(404)
    country, areas, listing = found
    return render_template(
        "countries/show.html",
        country=country,
        areas=areas,
        listing=listing,
        can_write=can_write_country(Actor.of(current_user), country.code),
    )


@bp.route("/<code>/<slug>")
def area(code: str, slug: str):
    found = country_area_page(code, slug, page_number(), current_app.config["CONTACTS_PER_PAGE"])
    if found is None:
        abort(404)
    country, area, page = found
    return render_template("countries/area.html", country=country, area=area, found=page)


@bp.route("/<code>/verify-all", methods=["POST"])
def verify_all(code: str):
    """Confirm every active entry of a state as still current (the service checks who may)."""
    if not is_country_code(code):
        abort(404)
    count = verify_all_contacts(Actor.of(current_user), code)
    flash(
        ngettext(
            "%(num)s entry confirmed as still current.",
            "%(num)s entries confirmed as still current.",
            count,
        ),
        "success",
    )
    return redirect(local_path(request.form.get("next"), url_for(".show", code=code.upper())))
