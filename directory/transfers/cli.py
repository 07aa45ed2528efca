"""`flask contacts export` and `flask contacts import`."""

from __future__ import annotations

from flask.cli import AppGroup

contacts_cli = AppGroup("contacts", help="Contacts in and out as CSV.")
