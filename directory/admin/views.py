"""Administration (admins only): users and roles, sign-in policy, the audit log."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm

from ..extensions import login_manager
from ..formats.cells import csv_safe
from ..models import Role, User
from ..schemas.labels import ACTION_LABELS, FIELD_LABELS
from ..services.actors import Actor
from ..services.audit import (
    AUDIT_CSV_HEADER,
    AuditFilters,
    UserFilters,
    audit_entries,
    changes_about_user,
    changes_by_user,
    iter_audit_rows,
    users_page,
)
from ..services.browse import member_states
from ..services.errors import ValidationFailed
from ..services.exports import export_log
from ..services.signin import role_policies, set_role_policy
from ..services.users import (
    create_user,
    issue_account_link,
    set_user_active,
    update_user,
    user_by_id,
)
from ..web.locale import lang, sorted_countries
from ..web.paging import page_number
from ..web.times import now
from .forms import (
    ROLE_LABELS,
    USER_FIELD_LABELS,
    ActiveForm,
    AuditFilterForm,
    LinkForm,
    NewUserForm,
    SecurityForm,
    UserFilterForm,
    UserForm,
    parsed_date,
    state_choices,
)

bp = Blueprint("admin", __name__, url_prefix="/admin")
SHOWN_LINK = "admin_shown_link"  # a new account link, shown once on the user's page


@bp.before_request
def _admins_only():
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if current_user.role != Role.ADMIN:
        abort(403)
    return None


def _actor() -> Actor:
    return Actor.of(current_user)


def _state_options() -> list[tuple[str, str]]:
    return [(c.code, c.name(lang())) for c in sorted_countries(member_states(), lang())]


def _map_errors(error: ValidationFailed, form: FlaskForm) -> None:
    """The service's reasons, each beside its field; the rest above the form."""
    for key, messages in error.errors.items():
        target = getattr(form, key, None)
        if target is None:
            form.form_errors.extend(messages)
            continue
        # a field not validated yet holds a tuple
        target.errors = [*target.errors, *messages]


def _period(hours: int) -> str:
    if hours % 24 == 0:
        return ngettext("%(num)s day", "%(num)s days", hours // 24)
    return ngettext("%(num)s hour", "%(num)s hours", hours)


def _filter_args(form: FlaskForm) -> dict[str, str]:
    """The filters in use, to keep them in page links and the CSV link."""
    return {name: value for name, value in form.data.items() if isinstance(value, str) and value}


@bp.route("/")
def index():
    return redirect(url_for("admin.users"))


# --- users ---------------------------------------------------------------------------------


@bp.route("/users")
def users():
    form = UserFilterForm(request.args)
    form.country.choices = state_choices(_state_options(), _("Any state"))
    valid = form.validate()
    filters = UserFilters(form.role.data or None, form.country.data or None) if valid else None
    found = users_page(
        filters or UserFilters(), page_number(), current_app.config["CONTACTS_PER_PAGE"]
    )
    return render_template(
        "admin/users.html",
        form=form,
        found=found,
        args=_filter_args(form) if valid else {},
        role_labels=ROLE_LABELS,
        policies=role_policies(),
    )


@bp.route("/users/new", methods=["GET", "POST"])
def new_user():
    form = NewUserForm()
    form.country.choices = state_choices(_state_options(), _("None"))
    if form.validate_on_submit():
        try:
            user = create_user(
                _actor(),
                form.email.data or "",
                None,  # no password: the person sets one through the invitation link
                role=form.role.data or "",
                country_code=form.country.data or None,
                name=form.name.data or "",
            )
        except ValidationFailed as error:
            _map_errors(error, form)
        else:
            _issue_link(user, "invite")
            flash(_("%(email)s can now be invited.", email=user.email), "info")
            return redirect(url_for("admin.user", user_id=user.id))
    return render_template("admin/new_user.html", form=form), 400 if form.errors else 200


def _issue_link(user: User, purpose: str) -> None:
    token = issue_account_link(_actor(), user.email, purpose)
    session[SHOWN_LINK] = {
        "user": user.id,
        "purpose": purpose,
        "url": url_for("auth.account_link", token=token, _external=True),
    }


def _user_or_404(user_id: int) -> User:
    user = user_by_id(user_id)
    if user is None:
        abort(404)
    return user


def _render_user(user: User, form: UserForm, status: int = 200):
    shown = session.pop(SHOWN_LINK, None)
    if not isinstance(shown, dict) or shown.get("user") != user.id:
        shown = None
    link_hours = {
        "invite": current_app.config["INVITE_LINK_HOURS"],
        "reset": current_app.config["RESET_LINK_HOURS"],
    }
    return render_template(
        "admin/user.html",
        user=user,
        form=form,
        active_form=ActiveForm(),
        link_form=LinkForm(),
        shown_link=shown,
        link_period=_period(link_hours[shown["purpose"]]) if shown else "",
        about=changes_about_user(user.email),
        made=changes_by_user(user.id),
        role_labels=ROLE_LABELS,
        field_labels={**FIELD_LABELS, **USER_FIELD_LABELS},
        action_labels=ACTION_LABELS,
        totp_required=role_policies().get(user.role, False),
    ), status


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def user(user_id: int):
    user = _user_or_404(user_id)
    form = UserForm(data={"name": user.name, "role": user.role, "country": user.country_code or ""})
    form.country.choices = state_choices(_state_options(), _("None"))
    if form.validate_on_submit():
        try:
            update_user(
                _actor(),
                user.email,
                role=form.role.data or "",
                country_code=form.country.data or None,
                name=form.name.data or "",
            )
        except ValidationFailed as error:
            _map_errors(error, form)
        else:
            flash(_("The changes to %(email)s are saved.", email=user.email), "info")
            return redirect(url_for("admin.user", user_id=user.id))
    return _render_user(user, form, 400 if form.errors else 200)


@bp.route("/users/<int:user_id>/active", methods=["POST"])
def user_active(user_id: int):
    user = _user_or_404(user_id)
    form = ActiveForm()
    if form.validate_on_submit() and form.active.data in {"0", "1"}:
        active = form.active.data == "1"
        try:
            set_user_active(_actor(), user.email, active)
        except ValidationFailed as error:
            for messages in error.errors.values():
                flash(" ".join(str(m) for m in messages), "error")
        else:
            if active:
                flash(_("%(email)s is active again.", email=user.email), "info")
            else:
                flash(
                    _(
                        "%(email)s is deactivated: their sessions and API tokens stop working now.",
                        email=user.email,
                    ),
                    "info",
                )
    else:
        flash(_("Nothing was changed."), "warning")
    return redirect(url_for("admin.user", user_id=user.id))


@bp.route("/users/<int:user_id>/link", methods=["POST"])
def user_link(user_id: int):
    user = _user_or_404(user_id)
    form = LinkForm()
    if form.validate_on_submit() and form.purpose.data in {"invite", "reset"}:
        try:
            _issue_link(user, form.purpose.data)
        except ValidationFailed as error:
            for messages in error.errors.values():
                flash(" ".join(str(m) for m in messages), "error")
        else:
            flash(_("A new link is made; any earlier link of this user no longer works."), "info")
    else:
        flash(_("Nothing was changed."), "warning")
    return redirect(url_for("admin.user", user_id=user.id))


# --- sign-in policy ------------------------------------------------------------------------


@bp.route("/security", methods=["GET", "POST"])
def security():
    policies = role_policies()
    form = SecurityForm(data=policies)
    if form.validate_on_submit():
        for role, required in policies.items():
            wanted = bool(form[role].data)
            if wanted != required:
                set_role_policy(_actor(), role, wanted)
        flash(_("The sign-in policy is saved."), "info")
        return redirect(url_for("admin.security"))
    return render_template("admin/security.html", form=form, role_labels=ROLE_LABELS)


# --- audit log -----------------------------------------------------------------------------


def _audit_filters() -> tuple[AuditFilterForm, AuditFilters | None]:
    form = AuditFilterForm(request.args)
    form.country.choices = state_choices(_state_options(), _("Any state"))
    if not form.validate():
        return form, None
    return form, AuditFilters(
        country=form.country.data or None,
        actor=(form.user.data or "").strip() or None,
        date_from=parsed_date(form.date_from),
        date_to=parsed_date(form.date_to),
        entity=form.entity.data or None,
    )


@bp.route("/audit")
def audit():
    form, filters = _audit_filters()
    found = (
        audit_entries(filters, page_number(), current_app.config["CONTACTS_PER_PAGE"])
        if filters is not None
        else None
    )
    return render_template(
        "admin/audit.html",
        form=form,
        found=found,
        args=_filter_args(form) if filters is not None else {},
        field_labels={**FIELD_LABELS, **USER_FIELD_LABELS},
        action_labels=ACTION_LABELS,
    ), 200 if filters is not None else 400


def _csv_lines(filters: AuditFilters) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(AUDIT_CSV_HEADER)
    for row in iter_audit_rows(filters):
        writer.writerow([csv_safe(cell) for cell in row])
        if buffer.tell() > 16_384:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


@bp.route("/audit.csv")
def audit_csv():
    form, filters = _audit_filters()
    if filters is None:  # say what is wrong with the filters, on the page that has them
        return render_template(
            "admin/audit.html",
            form=form,
            found=None,
            args={},
            field_labels=FIELD_LABELS,
            action_labels=ACTION_LABELS,
        ), 400
    filename = f"audit-{now():%Y%m%d}.csv"
    return Response(
        stream_with_context(_csv_lines(filters)),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f"attachment; filename={filename}"},
    )


@bp.route("/exports")
def exports():
    """Who took contacts out of the directory, as what, and when."""
    found = export_log(_actor(), page_number(), current_app.config["CONTACTS_PER_PAGE"])
    return render_template("admin/exports.html", found=found)
