"""The incident pack: a printable page and a PDF for a state, an area or the whole directory."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("packs", __name__)
