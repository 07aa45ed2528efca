"""Contact pages: show, create, edit, and the POST-only actions on one contact.

Views parse and check the form, then call one service. The services decide who may write: a
view may refuse early to show a form its user could never save, but every write is attempted
through a service, which raises PermissionDenied (a 403 page) for a forged request.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..schemas.labels import ACTION_LABELS, FIELD_LABELS
from ..services.actors import Actor, can_write_country
from ..services.browse import alternates_of, contact_with_history
from ..services.contacts import (
    archive_contact,
    create_contact,
    move_contact,
    restore_contact,
    snapshot,
    update_contact,
    verify_contact,
)
from ..services.contacts import restore_version as restore_recorded_version
from ..services.errors import ValidationFailed, VersionConflict
from ..web.redirects import local_path
from ..web.times import format_utc
from .forms import ContactForm, ContactFormBase
from .versions import compare_versions, describe

bp = Blueprint("contacts", __name__, url_prefix="/contacts")


def _actor() -> Actor:
    return Actor.of(current_user)


def _found_or_404(public_id: str):
    found = contact_with_history(public_id)
    if found is None:
        abort(404)
    return found


def _back_to(default: str) -> str:
    """The page a button came from (a path on this site only), else ``default``."""
    return local_path(request.form.get("next"), default)


def _posted_version() -> int | None:
    raw = request.form.get("version", "")
    return int(raw) if raw.isdigit() else None


@bp.route("/<public_id>")
def show(public_id: str):
    contact, history = _found_or_404(public_id)
    actor = _actor()
    alternates = alternates_of(contact)
    ahead = [other for other in alternates if (other.rank, other.id) < (contact.rank, contact.id)]
    return render_template(
        "contacts/show.html",
        contact=contact,
        history=history,
        alternates=alternates,
        field_labels=FIELD_LABELS,
        action_labels=ACTION_LABELS,
        describe=describe,
        can_write=can_write_country(actor, contact.country_code),
        is_admin=actor.is_admin,
        can_move_up=contact.is_active and bool(ahead),
        can_move_down=contact.is_active and len(ahead) < len(alternates),
    )


def _render_form(form: ContactFormBase, contact=None, status: int = 200):
    return render_template("contacts/form.html", form=form, contact=contact), status


@bp.route("/new", methods=["GET", "POST"])
def new():
    actor = _actor()
    if request.method == "GET":
        country = (request.args.get("country") or actor.country_code or "").upper()
        if not can_write_country(actor, country):
            abort(403)
        form = ContactForm.blank(actor=actor, country=country, area=request.args.get("area", ""))
        return _render_form(form)
    if not can_write_country(actor, actor.country_code or ""):
        abort(403)  # a viewer: no form to show; the service would refuse the save anyway
    form = ContactForm(actor=actor)
    if form.handle_row_buttons(request.form):
        return _render_form(form)
    if form.validate():
        try:
            contact = create_contact(actor, form.to_contact_data())
        except ValidationFailed as failed:
            form.apply_service_errors(failed)
        else:
            flash(_("The contact “%(post)s” was created.", post=contact.position_title), "success")
            return redirect(url_for(".show", public_id=contact.public_id))
    return _render_form(form, status=400)


@bp.route("/<public_id>/edit", methods=["GET", "POST"])
def edit(public_id: str):
    contact, _history = _found_or_404(public_id)
    actor = _actor()
    if not can_write_country(actor, contact.country_code):
        abort(403)
    if request.method == "GET":
        return _render_form(ContactForm.from_contact(contact, actor=actor), contact)
    # The version the editor saw travels in the form: it is never reloaded from the database.
    form = ContactForm(actor=actor, editing=True)
    if form.handle_row_buttons(request.form):
        return _render_form(form, contact)
    if form.validate():
        try:
            update_contact(actor, public_id, form.to_contact_data(), form.expected_version)
        except ValidationFailed as failed:
            form.apply_service_errors(failed)
        except VersionConflict as conflict:
            return _render_conflict(public_id, form, conflict)
        else:
            flash(_("Your changes were saved."), "success")
            return redirect(url_for(".show", public_id=public_id))
    return _render_form(form, contact, status=400)


def _render_conflict(public_id: str, form: ContactFormBase, conflict: VersionConflict):
    """Someone saved first: show both versions; the form keeps what this user typed, now
    against the current version, so that saving it again applies it."""
    contact, history = _found_or_404(public_id)
    since = [
        change
        for change in reversed(history)
        if (change.after or {}).get("version", 0) > conflict.expected
    ]
    changed = {name for change in since for name, _old, _new in change.changed_fields()}
    form.version.data = str(conflict.current)
    rows = compare_versions(form.as_snapshot(), snapshot(contact), changed)
    return render_template(
        "contacts/conflict.html",
        form=form,
        contact=contact,
        since=since,
        rows=rows,
        expected=conflict.expected,
        field_labels=FIELD_LABELS,
        action_labels=ACTION_LABELS,
    ), 409


@bp.route("/<public_id>/archive", methods=["POST"])
def archive(public_id: str):
    try:
        archive_contact(_actor(), public_id, _posted_version())
    except VersionConflict:
        flash(_("This entry changed since you opened the page: nothing was archived."), "warning")
    else:
        flash(_("The entry was archived. It can be restored from its page."), "success")
    return redirect(_back_to(url_for(".show", public_id=public_id)))


@bp.route("/<public_id>/restore", methods=["POST"])
def restore(public_id: str):
    try:
        restore_contact(_actor(), public_id, _posted_version())
    except VersionConflict:
        flash(_("This entry changed since you opened the page: nothing was restored."), "warning")
    else:
        flash(_("The entry is active again."), "success")
    return redirect(_back_to(url_for(".show", public_id=public_id)))


@bp.route("/<public_id>/verify", methods=["POST"])
def verify(public_id: str):
    contact = verify_contact(_actor(), public_id)
    flash(_("“%(post)s” is confirmed as still current.", post=contact.position_title), "success")
    return redirect(_back_to(url_for(".show", public_id=public_id)))


@bp.route("/<public_id>/move", methods=["POST"])
def move(public_id: str):
    raw = request.args.get("offset") or request.form.get("offset") or ""
    try:
        offset = int(raw)
    except ValueError:
        offset = 0  # the service says what is wrong with it
    try:
        move_contact(_actor(), public_id, offset)
    except ValidationFailed as failed:
        message = " ".join(str(m) for messages in failed.errors.values() for m in messages)
        flash(message[:1].upper() + message[1:] + ".", "error")
    else:
        flash(
            _("Moved up the calling order.") if offset < 0 else _("Moved down the calling order."),
            "success",
        )
    return redirect(_back_to(url_for(".show", public_id=public_id)))


@bp.route("/<public_id>/history/<int:seq>/restore", methods=["POST"])
def restore_version(public_id: str, seq: int):
    # No version posted: 0 never matches, so the service reports a conflict rather than guess.
    version = _posted_version() or 0
    try:
        contact = restore_recorded_version(_actor(), public_id, seq, version)
    except VersionConflict:
        flash(_("This entry changed since you opened the page: nothing was restored."), "warning")
    except ValidationFailed as failed:
        flash(_("That version cannot be saved again: %(why)s", why=str(failed)), "error")
    else:
        flash(
            _(
                "The recorded version is current again (version %(v)s, saved %(when)s).",
                v=contact.version,
                when=format_utc(contact.updated_at),
            ),
            "success",
        )
    return redirect(url_for(".show", public_id=public_id))
