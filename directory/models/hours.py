"""Opening hours: local time and "reachable now", as pure functions of the clock given.

Hours are windows in the contact's local time: ``{"days": [0, 1, 2, 3, 4], "opens": "08:00",
"closes": "17:00"}``, Monday = 0. A window whose closing time is not after its opening time runs
past midnight into the next day (22:00-06:00).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..caches import time_zones


@dataclass(frozen=True)
class Availability:
    local_time: datetime
    is_open: bool
    always_open: bool
    next_opening: datetime | None  # local time; None when open now or no hours are known
    closes_at: datetime | None  # local time the current window ends; None when 24/7 or closed


def parse_hhmm(text: str) -> time:
    hours, minutes = text.split(":")
    value = time(int(hours), int(minutes))
    return value


@time_zones
def zone(name: str) -> ZoneInfo:
    """The zone of an IANA name, UTC when unknown (kept: see caches.py)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _intervals(windows: list[dict], start_day: datetime) -> list[tuple[datetime, datetime]]:
    """Concrete local intervals for windows starting on the days from start_day-1 to +7."""
    found: list[tuple[datetime, datetime]] = []
    for offset in range(-1, 8):
        day = start_day + timedelta(days=offset)
        for window in windows:
            if day.weekday() not in window.get("days", []):
                continue
            opens = parse_hhmm(window["opens"])
            closes = parse_hhmm(window["closes"])
            start = day.replace(hour=opens.hour, minute=opens.minute)
            end = day.replace(hour=closes.hour, minute=closes.minute)
            if end <= start:
                end += timedelta(days=1)
            found.append((start, end))
    return sorted(found)


def availability(
    hours_24_7: bool, windows: list[dict], time_zone: str, now: datetime
) -> Availability:
    """Whether a contact is reachable at ``now`` (an aware datetime), and its local time."""
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    local_now = now.astimezone(zone(time_zone))
    if hours_24_7:
        return Availability(local_now, True, True, None, None)
    # Compare wall-clock times: a window is written in local hours, DST included.
    wall_now = local_now.replace(tzinfo=None)
    midnight = wall_now.replace(hour=0, minute=0, second=0, microsecond=0)
    intervals = _intervals(windows, midnight)
    for start, end in intervals:
        if start <= wall_now < end:
            return Availability(local_now, True, False, None, end.replace(tzinfo=local_now.tzinfo))
    upcoming = [start for start, _ in intervals if start > wall_now]
    next_opening = min(upcoming).replace(tzinfo=local_now.tzinfo) if upcoming else None
    return Availability(local_now, False, False, next_opening, None)


def is_open_at(hours_24_7: bool, windows: list[dict], time_zone: str, now: datetime) -> bool:
    """``availability(...).is_open`` alone, for lists: only the windows that began today or
    yesterday (and may run past midnight) can be open now."""
    if hours_24_7:
        return True
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    wall_now = now.astimezone(zone(time_zone)).replace(tzinfo=None)
    minute = wall_now.hour * 60 + wall_now.minute
    today = wall_now.weekday()
    yesterday = (today - 1) % 7
    for window in windows:
        days = window.get("days", [])
        opens, closes = _minutes(window["opens"]), _minutes(window["closes"])
        overnight = closes <= opens
        if today in days and opens <= minute and (overnight or minute < closes):
            return True
        if overnight and yesterday in days and minute < closes:
            return True
    return False


def _minutes(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def group_days(days: list[int]) -> list[tuple[int, int]]:
    """Runs of consecutive weekdays: [0,1,2,4] -> [(0, 2), (4, 4)]."""
    runs: list[tuple[int, int]] = []
    for day in sorted(set(days)):
        if runs and runs[-1][1] == day - 1:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


DAY_ABBREVIATIONS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def hours_text(windows: list[dict]) -> str:
    """``Mon-Fri 08:00-17:00; Sat 09:00-12:00``: the plain form that CSV files carry (and read
    back) and vCard notes show. Local times; days as runs."""
    parts = []
    for window in windows:
        runs = [
            DAY_ABBREVIATIONS[first]
            if first == last
            else f"{DAY_ABBREVIATIONS[first]}-{DAY_ABBREVIATIONS[last]}"
            for first, last in group_days(list(window.get("days", [])))
        ]
        parts.append(f"{','.join(runs)} {window.get('opens', '')}-{window.get('closes', '')}")
    return "; ".join(parts)
