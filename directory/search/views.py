from __future__ import annotations

from flask import Blueprint, current_app, render_template, request

from ..services.browse import simple_search
from ..web import page_number

bp = Blueprint("search", __name__, url_prefix="/search")
MAX_QUERY_LENGTH = 200


@bp.route("")
def results():  # type: ignore[no-untyped-def]
    query = " ".join((request.args.get("q") or "").split())
    message = None
    if len(query) > MAX_QUERY_LENGTH:
        query = query[:MAX_QUERY_LENGTH]
        message = "too_long"
    found = simple_search(query, page_number(), current_app.config["CONTACTS_PER_PAGE"])
    return render_template("search/results.html", query=query, found=found, message=message)
