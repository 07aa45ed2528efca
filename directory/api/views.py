"""JSON API: contacts with optimistic locking through ETag / If-Match."""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, current_app, g, jsonify, request, url_for
from flask_login import current_user
from werkzeug.exceptions import BadRequest

from ..extensions import csrf
from ..queries.highlight import highlight
from ..queries.search import read_search_request, run_search
from ..schemas.shapes import shape_problems
from ..services.actors import Actor
from ..services.browse import (
    active_areas,
    contact_with_history,
    listed_contacts,
    member_states,
)
from ..services.contacts import (
    archive_contact,
    create_contact,
    data_from_snapshot,
    snapshot,
    update_contact,
)
from ..services.errors import NotFound, ValidationFailed, VersionConflict
from ..services.paging import paginate
from ..services.tokens import count_token_request
from ..web.paging import page_number
from ..web.times import now
from .openapi import openapi_document

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # bearer tokens need none; cookie-authenticated writes are checked below

ETAG = re.compile(r'^\s*(?:W/)?"?(\d{1,9})"?\s*$')


def error(status: int, message: str, fields: dict[str, list[str]] | None = None):
    body: dict[str, Any] = {"status": status, "message": message}
    if fields:
        body["fields"] = fields
    return jsonify(error=body), status


@bp.before_request
def _rate_limit():
    """Each token may make API_RATE_LIMIT_PER_MINUTE requests a minute; then 429."""
    token = g.get("api_token")
    if not token:
        return None
    limit = current_app.config["API_RATE_LIMIT_PER_MINUTE"]
    count = count_token_request(token)
    g.rate_limit = (limit, max(0, limit - count))
    if count > limit:
        response, status = error(
            429, f"Too many requests: this token may make {limit} a minute. Try again shortly."
        )
        response.headers["Retry-After"] = "60"
        return response, status
    return None


@bp.after_request
def _rate_limit_headers(response):
    if "rate_limit" in g:
        limit, remaining = g.rate_limit
        response.headers["X-RateLimit-Limit"] = str(limit)
        response.headers["X-RateLimit-Remaining"] = str(remaining)
    return response


@bp.before_request
def _cookie_writes_need_csrf() -> None:
    if request.method in {"GET", "HEAD", "OPTIONS"}:
        return
    # Decided by how the request was signed in, not by its headers: a session cookie with any
    # Authorization header beside it is still a browser, which must send X-CSRFToken.
    if g.get("api_token") is None:
        csrf.protect()


def _body() -> dict[str, Any]:
    try:
        body = request.get_json(force=False, silent=False)
    except BadRequest as exc:
        raise ValidationFailed({"body": ["is not valid JSON"]}) from exc
    except RecursionError as exc:
        raise ValidationFailed({"body": ["is nested too deeply"]}) from exc
    if not isinstance(body, dict):
        raise ValidationFailed({"body": ["must be a JSON object"]})
    problems = shape_problems(body)
    if problems:
        raise ValidationFailed(problems=list(problems))
    return body


def _represent(contact) -> dict[str, Any]:
    data = snapshot(contact)
    data["url"] = url_for("contacts.show", public_id=contact.public_id, _external=True)
    return data


def _with_etag(response, contact):
    response.headers["ETag"] = f'"{contact.version}"'
    return response


def _expected_version() -> int | None:
    match = ETAG.match(request.headers.get("If-Match", ""))
    return int(match.group(1)) if match else None


def _data(state: dict[str, Any]):
    try:
        return data_from_snapshot(state)
    except (KeyError, TypeError, ValueError) as exc:
        raise ValidationFailed({"body": ["could not be read as a contact"]}) from exc


@bp.errorhandler(ValidationFailed)
def _invalid(exc: ValidationFailed):
    return error(422, "Some fields are not valid.", exc.errors)


@bp.errorhandler(VersionConflict)
def _conflict(exc: VersionConflict):
    response, status = error(409, "The contact changed since you read it.")
    response.headers["ETag"] = f'"{exc.current}"'
    return response, status


@bp.errorhandler(NotFound)
def _missing(exc: NotFound):
    return error(404, "No such contact.")


@bp.route("/contacts/<public_id>", methods=["GET"])
def get_contact(public_id: str):
    found = contact_with_history(public_id)
    if found is None:
        raise NotFound(public_id)
    contact = found[0]
    if request.if_none_match.contains(str(contact.version)):
        return _with_etag(jsonify(), contact), 304
    return _with_etag(jsonify(_represent(contact)), contact)


@bp.route("/contacts", methods=["GET"])
def list_contacts():
    """Active contacts in calling order (state, area, rank), a page at a time."""
    country = request.args.get("country", "").strip().upper()
    area = request.args.get("area", "").strip()
    if country and country not in {state.code for state in member_states()}:
        return error(404, f"No member state {country[:8]!r}.")
    areas = {item.slug: item for item in active_areas()}
    if area and area not in areas:
        return error(404, f"No mandate area {area[:64]!r}.")
    found = paginate(
        listed_contacts(country or None, areas[area].id if area else None),
        page_number(),
        _per_page(),
    )
    response = jsonify(
        items=[_represent(contact) for contact in found.items],
        total=found.total,
        page=found.page,
        pages=found.pages,
        per_page=found.per_page,
    )
    links = []
    arguments: dict[str, Any] = {k: v for k, v in request.args.items() if k != "page"}
    if found.page < found.pages:
        links.append(
            f'<{url_for("api.list_contacts", **arguments, page=found.page + 1)}>; rel="next"'
        )
    if found.page > 1:
        links.append(
            f'<{url_for("api.list_contacts", **arguments, page=found.page - 1)}>; rel="prev"'
        )
    if links:
        response.headers["Link"] = ", ".join(links)
    return response


def _per_page(default: str = "CONTACTS_PER_PAGE") -> int:
    """The ``per_page`` asked for, else the setting named ``default``."""
    raw = request.args.get("per_page", "")[:4]
    if raw.isdigit() and 0 < int(raw) <= MAX_PER_PAGE:
        return int(raw)
    return current_app.config[default]


@bp.route("/openapi.json", methods=["GET"])
def openapi():
    """The API described in OpenAPI 3.1: the routes, their parameters, answers and errors."""
    return jsonify(openapi_document(url_for("api.openapi", _external=True).rsplit("/", 1)[0]))


@bp.route("/contacts", methods=["POST"])
def post_contact():
    body = _body()
    missing = [name for name in ("country", "area") if name not in body]
    if missing:
        raise ValidationFailed({name: ["is required"] for name in missing})
    state = {"time_zone": "", **body}
    if not state.get("time_zone"):
        state["time_zone"] = "UTC"
    contact = create_contact(Actor.of(current_user), _data(state))
    response = jsonify(_represent(contact))
    response.headers["Location"] = url_for("api.get_contact", public_id=contact.public_id)
    return _with_etag(response, contact), 201


@bp.route("/contacts/<public_id>", methods=["PATCH"])
def patch_contact(public_id: str):
    expected = _expected_version()
    if expected is None:
        return error(428, 'Send the version you read in an If-Match header, as in If-Match: "3".')
    body = _body()
    found = contact_with_history(public_id)
    if found is None:
        raise NotFound(public_id)
    state = {**snapshot(found[0]), **body}
    contact = update_contact(Actor.of(current_user), public_id, _data(state), expected)
    return _with_etag(jsonify(_represent(contact)), contact)


@bp.route("/contacts/<public_id>", methods=["DELETE"])
def delete_contact(public_id: str):
    expected = _expected_version()
    if expected is None:
        return error(428, 'Send the version you read in an If-Match header, as in If-Match: "3".')
    contact = archive_contact(Actor.of(current_user), public_id, expected)
    return _with_etag(jsonify(_represent(contact)), contact)


# --- search ------------------------------------------------------------------------------------

MAX_PER_PAGE = 100
HIGHLIGHTED = ("position_title", "holder_name", "organisation", "unit", "city")


@bp.route("/search", methods=["GET"])
def search():
    """The search page's results as JSON: the same parameters, facets, highlighted fields."""
    wanted = read_search_request(
        request.args,
        page_number(),
        _per_page("SEARCH_RESULTS_PER_PAGE"),
        member_states(),
        active_areas(),
    )
    found = run_search(wanted, now())
    results = []
    for contact in found.contacts:
        data = _represent(contact)
        data["highlights"] = {
            name: str(highlight(getattr(contact, name), found.words, found.expanded))
            for name in HIGHLIGHTED
        }
        results.append(data)
    query = wanted.query
    return jsonify(
        query=wanted.text,
        filters={
            "country": query.country,
            "area": query.area,
            "language": query.language,
            "only_24_7": query.only_24_7,
            "reachable_now": query.reachable_now,
        },
        words=found.words,
        total=found.total,
        page=found.page,
        pages=found.pages,
        per_page=found.per_page,
        message=found.message,
        degraded=found.degraded,
        facets=found.facets,
        results=results,
    )
