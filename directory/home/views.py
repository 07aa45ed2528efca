from __future__ import annotations

from flask import Blueprint, current_app, render_template
from flask_login import current_user

from ..models import Role
from ..services.browse import coverage_matrix
from ..services.worklist import state_worklist
from ..web.locale import lang, sorted_countries
from ..web.times import now

bp = Blueprint("home", __name__)


@bp.route("/")
def index():
    stale_after_days = current_app.config["STALE_AFTER_DAYS"]
    coverage = coverage_matrix(now(), stale_after_days)
    countries = sorted_countries(coverage.countries, lang())
    worklist = None
    if current_user.role == Role.EDITOR and current_user.country_code:
        worklist = state_worklist(current_user.country_code, now(), stale_after_days)
    return render_template(
        "home/index.html", coverage=coverage, countries=countries, worklist=worklist
    )
