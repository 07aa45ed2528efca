"""Local time and "reachable now" across time zones, days, midnight and daylight saving."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from directory.models.hours import availability, group_days, is_open_at

OFFICE = [{"days": [0, 1, 2, 3, 4], "opens": "08:00", "closes": "17:00"}]
SPLIT = [
    {"days": [0, 1, 2, 3], "opens": "08:00", "closes": "16:30"},
    {"days": [4], "opens": "08:00", "closes": "13:00"},
]
NIGHT = [{"days": [4, 5], "opens": "22:00", "closes": "06:00"}]  # Fri and Sat nights


def at(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(
    ("zone", "now", "is_open", "local"),
    [
        # Wednesday 25 Nov 2026, 13:00 UTC
        ("America/Jamaica", at(2026, 11, 25, 13), True, "08:00"),  # UTC-5, opens at 08:00
        ("America/Jamaica", at(2026, 11, 25, 12, 59), False, "07:59"),
        ("America/Jamaica", at(2026, 11, 25, 22), False, "17:00"),  # closes exactly at 17:00
        ("America/Sao_Paulo", at(2026, 11, 25, 13), True, "10:00"),  # UTC-3
        ("America/Los_Angeles", at(2026, 11, 25, 13), False, "05:00"),  # UTC-8
        ("America/St_Johns", at(2026, 11, 25, 13), True, "09:30"),  # UTC-3:30
        # Saturday in Santiago, though still Friday in UTC-5 zones... and the reverse
        ("America/Santiago", at(2026, 11, 28, 2), False, "23:00"),  # Fri 23:00 local (UTC-3)
        ("America/Guatemala", at(2026, 11, 30, 5), False, "23:00"),  # Sun 23:00 local
    ],
)
def test_office_hours_in_the_contacts_zone(
    zone: str, now: datetime, is_open: bool, local: str
) -> None:
    result = availability(False, OFFICE, zone, now)
    assert result.is_open is is_open
    assert result.local_time.strftime("%H:%M") == local


def test_next_opening_skips_the_weekend() -> None:
    friday_evening = at(2026, 11, 27, 23)  # 18:00 Fri in Kingston
    result = availability(False, OFFICE, "America/Jamaica", friday_evening)
    assert not result.is_open
    assert result.next_opening is not None
    assert result.next_opening.strftime("%a %H:%M") == "Mon 08:00"
    assert result.next_opening.tzinfo is not None


def test_split_days() -> None:
    friday_1400 = at(2026, 11, 27, 19)  # 14:00 Fri in Kingston: closed since 13:00
    thursday_1400 = at(2026, 11, 26, 19)
    assert not availability(False, SPLIT, "America/Jamaica", friday_1400).is_open
    open_thursday = availability(False, SPLIT, "America/Jamaica", thursday_1400)
    assert open_thursday.is_open
    assert open_thursday.closes_at.strftime("%H:%M") == "16:30"


def test_overnight_window_runs_past_midnight() -> None:
    zone = "America/Port-au-Prince"  # UTC-5 in November
    saturday_0300 = at(2026, 11, 28, 8)  # Fri night window, 03:00 Sat local
    sunday_0300 = at(2026, 11, 29, 8)  # Sat night window, 03:00 Sun local
    monday_0300 = at(2026, 11, 30, 8)  # no Sunday night window
    friday_2100 = at(2026, 11, 28, 2)  # 21:00 Fri local
    assert availability(False, NIGHT, zone, saturday_0300).is_open
    assert availability(False, NIGHT, zone, sunday_0300).is_open
    assert not availability(False, NIGHT, zone, monday_0300).is_open
    closed = availability(False, NIGHT, zone, friday_2100)
    assert not closed.is_open and closed.next_opening.strftime("%a %H:%M") == "Fri 22:00"


def test_daylight_saving_moves_utc_opening_not_local() -> None:
    # New York: 08:00 local is 13:00 UTC in winter, 12:00 UTC in summer.
    assert availability(False, OFFICE, "America/New_York", at(2026, 1, 14, 13)).is_open
    assert not availability(False, OFFICE, "America/New_York", at(2026, 1, 14, 12, 30)).is_open
    assert availability(False, OFFICE, "America/New_York", at(2026, 7, 15, 12, 30)).is_open


def test_round_the_clock_is_always_open() -> None:
    result = availability(True, [], "America/Lima", at(2026, 12, 25, 4))
    assert result.is_open and result.always_open and result.next_opening is None
    assert result.local_time.strftime("%H:%M") == "23:00"


def test_no_hours_means_closed_with_no_next_opening() -> None:
    result = availability(False, [], "America/Lima", at(2026, 12, 25, 15))
    assert not result.is_open and result.next_opening is None


def test_unknown_zone_falls_back_to_utc() -> None:
    result = availability(False, OFFICE, "Nowhere/Atlantis", at(2026, 11, 25, 9))
    assert result.local_time.utcoffset().total_seconds() == 0
    assert result.is_open


def test_group_days() -> None:
    assert group_days([4, 0, 1, 2, 6]) == [(0, 2), (4, 4), (6, 6)]
    assert group_days([]) == []


def test_is_open_at_agrees_with_availability() -> None:
    rng = random.Random(7)  # noqa: S311 - reproducible cases, not secrets
    zones = ["America/Jamaica", "America/Sao_Paulo", "America/Santiago", "UTC", "America/St_Johns"]
    start = datetime(2025, 1, 1, tzinfo=UTC)
    for _ in range(2000):
        windows = []
        for _ in range(rng.randint(0, 3)):
            opens, closes = rng.randint(0, 47) * 30, rng.randint(0, 47) * 30
            windows.append(
                {
                    "days": sorted(rng.sample(range(7), rng.randint(1, 7))),
                    "opens": f"{opens // 60:02d}:{opens % 60:02d}",
                    "closes": f"{closes // 60:02d}:{closes % 60:02d}",
                }
            )
        zone_name = rng.choice(zones)
        moment = start + timedelta(minutes=rng.randint(0, 365 * 24 * 60))
        always = rng.random() < 0.1
        expected = availability(always, windows, zone_name, moment).is_open
        assert is_open_at(always, windows, zone_name, moment) == expected, (windows, moment)
