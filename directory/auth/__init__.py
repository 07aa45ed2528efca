"""Signing in and out, and each user's own account."""

from . import account  # noqa: F401 - registers the account routes on the blueprint
