"""Helpers of the search tests: the contacts the examples need, copies of the demo folder."""

from __future__ import annotations

import shutil
from pathlib import Path

from flask import Flask

from directory.extensions import db
from directory.projections.search.projection import forget_index
from directory.services.validation import ChannelData, ContactData
from tests.conftest import make_app

DATABASE = "directory.sqlite3"
INDEX = "index"


def extra(key: str, country: str, area: str, **values: object) -> tuple[str, ContactData]:
    """A contact the examples need that the demo data does not have."""
    fields: dict[str, object] = {
        "country": country,
        "area": area,
        "organisation": "Office of the Examples",
        "position_title": "Liaison officer",
        "time_zone": "UTC",
        "languages": ["en"],
        "hours": [{"days": [0, 1, 2, 3, 4], "opens": "08:00", "closes": "16:00"}],
    }
    fields.update(values)
    return key, ContactData(**fields)


# Words in these contacts are made up, so that no demo contact matches them.
EXTRAS = [
    extra(
        "defense-civile",
        "CA",
        "disaster-response",
        organisation="Bureau de la Défense civile",
        position_title="Agent de liaison",
        time_zone="America/Toronto",
        languages=["fr", "en"],
    ),
    extra(
        "dominica-phone",
        "DM",
        "environmental-security",
        organisation="Coastal Watch Unit",
        position_title="Harbour watch officer",
        time_zone="America/Dominica",
        channels=[
            ChannelData("phone", "+1 (767) 448-2222", "Office line"),
            ChannelData("email", "quartermaster.watch@coastwatchdm.example.net", "Desk"),
        ],
    ),
    # ranking: the same made-up words in a main field of one contact, in the notes of another
    extra(
        "notes-only",
        "TT",
        "environmental-security",
        notes="Relays messages for Kestrelwood, Marlowgate and Thistlebrook; covers Suriname.",
        time_zone="America/Port_of_Spain",
    ),
    extra(
        "holder-match",
        "GD",
        "environmental-security",
        holder_given_name="Ada",
        holder_family_name="Kestrelwood",
        time_zone="America/Grenada",
    ),
    extra(
        "post-match",
        "BB",
        "environmental-security",
        position_title="Marlowgate liaison officer",
        time_zone="America/Barbados",
    ),
    extra(
        "organisation-match",
        "LC",
        "environmental-security",
        organisation="Thistlebrook Port Authority",
        time_zone="America/St_Lucia",
    ),
    # ties: the same score; calling order first, then a 24/7 channel first (made in this order)
    extra(
        "tie-rank-2",
        "BZ",
        "transportation-security",
        rank=12,
        organisation="Quillfeather Ferry Service",
        time_zone="America/Belize",
        channels=[ChannelData("phone", "+501 222 3456", "Office")],
    ),
    extra(
        "tie-rank-2-247",
        "BZ",
        "transportation-security",
        rank=12,
        organisation="Quillfeather Ferry Service",
        time_zone="America/Belize",
        channels=[ChannelData("phone", "+501 222 3457", "Duty", is_24_7=True)],
    ),
    extra(
        "tie-rank-1",
        "BZ",
        "transportation-security",
        rank=11,
        organisation="Quillfeather Ferry Service",
        time_zone="America/Belize",
        channels=[ChannelData("phone", "+501 222 3458", "Office")],
    ),
]


def copy_demo(template: Path, target: Path) -> Path:
    """The database and the index folder (its cursor is in the database), copied into
    ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template / DATABASE, target / DATABASE)
    shutil.copytree(template / INDEX, target / INDEX)
    return target


def app_on(folder: Path, **overrides: object) -> Flask:
    return make_app(
        folder / DATABASE,
        folder / "instance",
        SEARCH_INDEX_DIR=str(folder / INDEX),
        **overrides,
    )


def close_app(app: Flask) -> None:
    with app.app_context():
        forget_index(app)
        db.session.remove()
        db.engine.dispose()
