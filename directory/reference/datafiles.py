"""Reading the reference data files in ``data/``: JSON, and CSV with a header row, in UTF-8.

The files sit beside this module in the package, so they are found wherever the package is
(a checkout, an installed copy, a zip), through ``importlib.resources``.
"""

from __future__ import annotations

import csv
import io
import json
from importlib.resources import files
from typing import Any

_DATA = files(__package__).joinpath("data")


def read_json(*path: str) -> Any:
    """The parsed content of ``data/<path>``."""
    return json.loads(_DATA.joinpath(*path).read_text(encoding="utf-8"))


def read_csv(*path: str) -> list[dict[str, str]]:
    """The rows of ``data/<path>``, each a dict keyed by the header row, in file order."""
    text = _DATA.joinpath(*path).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))
