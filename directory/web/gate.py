"""Every page and API call needs a signed-in user: the directory holds government contact
details and is not public. The public endpoints reveal nothing of it."""

from __future__ import annotations

from flask import Flask, Request, Response, g, jsonify, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..extensions import login_manager
from ..models import User
from ..services.tokens import user_for_token
from ..services.users import user_for_session_id

PUBLIC_ENDPOINTS = {
    "auth.login",
    "auth.code",
    "auth.setup_code",
    "auth.account_link",
    "static",
    "set_language",
    "favicon",
}


def load_user(session_id: str) -> User | None:
    """The user of a browser session."""
    return user_for_session_id(session_id)


def load_user_from_token(req: Request) -> User | None:
    """API clients: ``Authorization: Bearer <token>``, for the API only."""
    header = req.headers.get("Authorization", "")
    if not req.path.startswith("/api/") or not header.startswith("Bearer "):
        return None
    token = header.removeprefix("Bearer ").strip()
    user = user_for_token(token)
    if user is not None:
        g.api_token = token  # counted against its rate limit by the API
    return user


def require_sign_in() -> Response | tuple[Response, int] | None:
    """Before every request: nothing but the public endpoints without a signed-in user."""
    if request.endpoint in PUBLIC_ENDPOINTS or request.endpoint is None:
        return None
    if not current_user.is_authenticated:
        if request.path.startswith("/api/"):
            response = jsonify(error={"status": 401, "message": "Sign in, or send a token."})
            response.headers["WWW-Authenticate"] = 'Bearer realm="directory"'
            return response, 401
        return login_manager.unauthorized()  # says why, and comes back here after sign-in
    return None


def init_app(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to use the directory.")
    login_manager.session_protection = "strong"
    login_manager.user_loader(load_user)
    login_manager.request_loader(load_user_from_token)
    app.before_request(require_sign_in)
