"""Valid input for tests, so that each test states only what it is about."""

from __future__ import annotations

from directory.services.validation import ChannelData, ContactData

PASSWORD = "correct horse battery"


def contact_data(
    country: str = "JM", area: str = "disaster-response", **changes: object
) -> ContactData:
    values: dict[str, object] = {
        "country": country,
        "area": area,
        "organisation": "Office of Disaster Preparedness, Jamaica",
        "unit": "National Emergency Operations Centre",
        "position_title": "24/7 duty officer",
        "time_zone": "America/Jamaica",
        "holder_given_name": "Zoë",
        "holder_family_name": "O'Neil",
        "channels": [
            ChannelData("phone", "+1 876 906 9674", "Duty line", True),
            ChannelData("email", "duty@odpem.jm.example.org", "Duty desk"),
        ],
        "languages": ["en"],
        "hours_24_7": False,
        "hours": [{"days": [0, 1, 2, 3, 4], "opens": "08:00", "closes": "17:00"}],
        "city": "Kingston",
    }
    values.update(changes)
    return ContactData(**values)
