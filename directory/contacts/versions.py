"""Two versions of a contact side by side: after a conflicting edit, and in the history."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from ..formats.phones import format_phone
from ..models import ChannelKind
from ..reference import AREAS, COUNTRY_BY_CODE
from ..schemas.contact import SPECS
from ..schemas.labels import FIELD_LABELS, KIND_LABELS
from ..web.locale import lang
from ..web.times import day_range_names

COMPARED_FIELDS = tuple(spec.name for spec in SPECS if spec.compared)


@dataclass(frozen=True)
class ComparedField:
    name: str
    label: str
    mine: str
    current: str
    changed_since: bool  # someone else saved a change to this field after the form was opened


def describe(name: str, value: Any) -> str:
    """One field of a version as text people read."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if name == "country":
        country = COUNTRY_BY_CODE.get(str(value))
        return (country.names.get(lang()) or country.names["en"]) if country else str(value)
    if name == "area":
        area = next((area for area in AREAS if area.slug == value), None)
        return (area.names.get(lang()) or area.names["en"]) if area else str(value)
    if name == "channels":
        lines = []
        for channel in value:
            kind = channel.get("kind", "")
            shown = channel.get("value", "")
            if kind in KIND_LABELS and ChannelKind(kind).is_phone:
                shown = format_phone(shown)
            line = f"{KIND_LABELS.get(kind, kind)}: {shown}"
            if channel.get("label"):
                line += f" ({channel['label']})"
            if channel.get("is_24_7"):
                line += " · 24/7"
            lines.append(line)
        return "\n".join(lines)
    if name == "hours":
        return "\n".join(
            f"{day_range_names([int(d) for d in w.get('days', []) if str(d).isdigit()])} "
            f"{w.get('opens', '')}–{w.get('closes', '')}"
            for w in value
        )
    if name == "languages":
        return ", ".join(value)
    return str(value)


def compare_versions(
    mine: Mapping[str, Any], current: Mapping[str, Any], changed_since: set[str]
) -> list[ComparedField]:
    """The fields where the submitted version and the stored one differ, or that someone else
    changed after the form was opened."""
    rows = []
    for name in COMPARED_FIELDS:
        mine_text = describe(name, mine.get(name))
        current_text = describe(name, current.get(name))
        if mine_text != current_text or name in changed_since:
            rows.append(
                ComparedField(
                    name,
                    str(FIELD_LABELS.get(name, name)),
                    mine_text,
                    current_text,
                    name in changed_since,
                )
            )
    return rows
