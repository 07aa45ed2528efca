"""The four mandate areas agreed at the 2003 Miami Meeting of Experts on CSBMs.

The data is in ``data/areas.json``. Names are short enough for a table header; synonyms are the
words officials actually type when searching for the responsible point of contact.
"""

from __future__ import annotations

from dataclasses import dataclass

from .datafiles import read_json


@dataclass(frozen=True)
class AreaRef:
    slug: str  # e.g. "disaster-response"
    position: int  # 1..4, display order
    names: dict[str, str]  # en es pt fr
    descriptions: dict[str, str]  # one line each, en es pt fr
    synonyms: dict[str, tuple[str, ...]]  # search synonyms per language


AREAS: tuple[AreaRef, ...] = tuple(
    AreaRef(
        slug=area["slug"],
        position=area["position"],
        names=area["names"],
        descriptions=area["descriptions"],
        synonyms={language: tuple(terms) for language, terms in area["synonyms"].items()},
    )
    for area in read_json("areas.json")
)

AREA_BY_SLUG: dict[str, AreaRef] = {area.slug: area for area in AREAS}
