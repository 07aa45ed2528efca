"""Error pages that say what happened and show no internals; JSON under /api/."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from .services.errors import NotFound, PermissionDenied

log = logging.getLogger(__name__)

MESSAGES = {
    400: _l("The request could not be understood."),
    403: _l("You do not have permission to do that."),
    404: _l("There is nothing at this address. The link may be mistyped or out of date."),
    405: _l("That action is not available here."),
    413: _l("What was sent is too large."),
    429: _l("Too many attempts. Please wait a moment and try again."),
    500: _l("Something went wrong on our side. It has been logged; please try again."),
}


def _respond(code: int, message: str):
    if request.path.startswith("/api/"):
        return jsonify(error={"status": code, "message": str(message)}), code
    return render_template("errors/error.html", code=code, message=message), code


def register_error_handlers(app: Flask) -> None:
    # Services raise these; a view that does not handle one still answers correctly.
    @app.errorhandler(PermissionDenied)
    def _denied(error: PermissionDenied):
        return _respond(403, MESSAGES[403])

    @app.errorhandler(NotFound)
    def _not_found(error: NotFound):
        return _respond(404, MESSAGES[404])

    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError):
        return _respond(400, _l("The form had expired. Please go back, reload and try again."))

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        code = error.code or 500
        return _respond(code, MESSAGES.get(code, error.name))

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        return _respond(500, MESSAGES[500])

    @app.errorhandler(InternalServerError)
    def _internal(error: InternalServerError):
        return _respond(500, MESSAGES[500])
