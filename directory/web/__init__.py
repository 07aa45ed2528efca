"""What every request goes through, apart from the blueprints, one module each:

- ``locale``: the page's language, and names in it;
- ``gate``: the sign-in every page and API call needs;
- ``headers``: security headers on every response;
- ``times``: the time a request sees, and times written in the page's language;
- ``cards``: what a contact card and the contact page show;
- ``links``: the addresses a page repeats;
- ``paging``: the page number of a listing;
- ``filters``: what templates can call;
- ``routes``: the favicon and the language menu.

Blueprints import from the module that owns a name; ``create_app`` needs ``init_app`` and the
locale selector.
"""

from __future__ import annotations

from flask import Flask

from ..errors import register_error_handlers
from . import filters, gate, headers, routes
from .locale import select_locale

__all__ = ["init_app", "select_locale"]


def init_app(app: Flask) -> None:
    gate.init_app(app)
    headers.init_app(app)
    routes.init_app(app)
    filters.init_app(app)
    register_error_handlers(app)
