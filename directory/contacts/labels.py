"""Field names as people read them, for the history and for error messages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

FIELD_LABELS = {
    "public_id": _l("Public id"),
    "country": _l("Member state"),
    "area": _l("Mandate area"),
    "rank": _l("Calling order"),
    "organisation": _l("Organisation"),
    "unit": _l("Unit"),
    "position_title": _l("Post"),
    "holder_honorific": _l("Honorific"),
    "holder_given_name": _l("Given name"),
    "holder_family_name": _l("Family name"),
    "is_vacant": _l("Vacant"),
    "channels": _l("Channels"),
    "languages": _l("Languages"),
    "time_zone": _l("Time zone"),
    "hours_24_7": _l("Staffed 24/7"),
    "hours": _l("Hours"),
    "postal_address": _l("Postal address"),
    "city": _l("City"),
    "notes": _l("Notes"),
    "nomination_reference": _l("Nomination reference"),
    "nominated_on": _l("Nominated on"),
    "verified_at": _l("Last verified"),
    "verified_by": _l("Verified by"),
    "status": _l("Status"),
}

ACTION_LABELS = {
    "create": _l("created"),
    "update": _l("edited"),
    "archive": _l("archived"),
    "restore": _l("restored"),
    "verify": _l("confirmed still current"),
}
