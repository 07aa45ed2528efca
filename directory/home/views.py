from __future__ import annotations

from flask import Blueprint, current_app, render_template

from ..services.browse import coverage_matrix
from ..web import lang, now, sorted_countries

bp = Blueprint("home", __name__)


@bp.route("/")
def index():  # type: ignore[no-untyped-def]
    coverage = coverage_matrix(now(), current_app.config["STALE_AFTER_DAYS"])
    countries = sorted_countries(coverage.countries, lang())
    return render_template("home/index.html", coverage=coverage, countries=countries)
