from __future__ import annotations

from flask import Blueprint, abort, render_template

from ..services.browse import alternates_of, contact_with_history
from .labels import ACTION_LABELS, FIELD_LABELS

bp = Blueprint("contacts", __name__, url_prefix="/contacts")


@bp.route("/<public_id>")
def show(public_id: str):  # type: ignore[no-untyped-def]
    found = contact_with_history(public_id)
    if found is None:
        abort(404)
    contact, history = found
    return render_template(
        "contacts/show.html",
        contact=contact,
        history=history,
        alternates=alternates_of(contact),
        field_labels=FIELD_LABELS,
        action_labels=ACTION_LABELS,
    )
