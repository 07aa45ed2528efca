from __future__ import annotations

from flask import Blueprint, abort, render_template

from ..services.browse import country_contacts

bp = Blueprint("countries", __name__, url_prefix="/countries")


@bp.route("/<code>")
def show(code: str):  # type: ignore[no-untyped-def]
    found = country_contacts(code)
    if found is None:
        abort(404)
    country, areas, by_area = found
    return render_template("countries/show.html", country=country, areas=areas, by_area=by_area)
