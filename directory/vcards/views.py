"""vCard downloads: one contact, a search result, a state, an area.

Sign-in is required by the app-wide check in web/gate.py. Every download is written to the
export log. A file is built in memory: a state or an area holds a few hundred contacts at most,
and a search result is cut at SEARCH_LIMIT.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable

from flask import Blueprint, Response, abort, current_app, request
from flask_login import current_user

from ..exports.vcard import write_vcards
from ..models import Contact
from ..queries.search import read_search_request, run_search
from ..services.actors import Actor
from ..services.browse import active_areas, contact_with_history, member_states
from ..services.errors import NotFound
from ..services.exports import record_export
from ..services.selection import Scope, contacts_in
from ..web.locale import lang
from ..web.times import now

bp = Blueprint("vcards", __name__)

SEARCH_LIMIT = 500  # contacts in a search's file: enough for any result worth carrying
UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")


def _download(contacts: Iterable[Contact], scope: str, filename: str, note: str = "") -> Response:
    out = io.StringIO()
    count = write_vcards(
        out, contacts, now(), current_app.config["STALE_AFTER_DAYS"], lang(), extra_note=note
    )
    record_export(Actor.of(current_user), "vcard", scope, count)
    safe_name = UNSAFE_FILENAME.sub("-", filename).strip("-") or "contacts"
    response = Response(out.getvalue(), content_type="text/vcard; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{safe_name}.vcf"'
    return response


@bp.route("/contacts/<public_id>.vcf")
def contact(public_id: str):
    """One contact, archived ones included: their page is still shown, marked as archived, and
    so is their card."""
    found = contact_with_history(public_id)
    if found is None:
        abort(404)
    card = found[0]
    return _download([card], f"contact:{card.public_id}", f"contact-{card.public_id}")


@bp.route("/countries/<code>.vcf")
def country(code: str):
    code = code.upper()
    if code not in {state.code for state in member_states()}:
        abort(404)
    scope = Scope("country", code)
    return _download(contacts_in(scope), scope.label, f"contacts-{code}")


@bp.route("/areas/<slug>.vcf")
def area(slug: str):
    if slug not in {known.slug for known in active_areas()}:
        abort(404)
    scope = Scope("area", slug)
    try:
        return _download(contacts_in(scope), scope.label, f"contacts-{slug}")
    except NotFound:  # the area went away between the check and the query
        abort(404)


@bp.route("/search.vcf")
def search():
    """The contacts of a search, as the search page shows them, up to SEARCH_LIMIT."""
    wanted = read_search_request(request.args, 1, SEARCH_LIMIT, member_states(), active_areas())
    found = run_search(wanted, now())
    asked = " ".join(f"{name}={value}" for name, value in wanted.params.items())
    note = f"Search: {asked}"
    if found.total > len(found.contacts):
        note += f" (the first {len(found.contacts)} of {found.total} results)"
    filename = "search-results"
    if found.total > SEARCH_LIMIT:
        filename += f"-first-{SEARCH_LIMIT}"
    scope = "search:" + "&".join(f"{name}={value}" for name, value in wanted.params.items())
    return _download(found.contacts, scope, filename, note)
