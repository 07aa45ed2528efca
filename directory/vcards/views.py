"""vCard downloads: one contact, a search result, a state, an area."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("vcards", __name__)
