"""Spreadsheet cells that stay text: the guard against a cell being run as a formula."""

from __future__ import annotations

# A cell starting with one of these is run as a formula by spreadsheets (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: int | str) -> int | str:
    """A cell a spreadsheet shows as text rather than running it as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def guard(value: str) -> str:
    """A text cell as written: a formula-like start gets an apostrophe (see ``unguard``)."""
    if value.startswith("'") and value.lstrip("'").startswith(FORMULA_STARTS):
        return "'" + value  # "'=x" becomes "''=x", so that reading strips one apostrophe only
    return str(csv_safe(value))


def unguard(value: str) -> str:
    """The text of a cell as read: the apostrophe ``guard`` added, and only that, removed."""
    if value.startswith("'") and value.lstrip("'").startswith(FORMULA_STARTS):
        return value[1:]
    return value
