"""CSV export and import on the web: download for everyone, upload for admins and editors."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("transfers", __name__)
