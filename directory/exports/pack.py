"""The incident pack: what a printed, dated copy of the directory holds, and its PDF.

``build_pack`` is pure: it turns contacts (in calling order, as ``selection.contacts_in`` gives
them) into light rows grouped by state and area, so that a pack of the whole directory does not
keep ORM objects alive. ``render_pdf`` is the one place WeasyPrint is used.

In every group the entries with a 24/7 line come first, each keeping its place in the calling
order, which the rank column still shows; in every row the 24/7 phone comes before the others.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from ..formats.phones import format_phone
from ..models.contact import ChannelKind, Contact
from ..models.hours import zone

STYLESHEET = Path(__file__).resolve().parent.parent / "static" / "css" / "pack.css"
PAGE_MARK, PAGES_MARK = "\x00", "\x01"
PHONE_KINDS = {str(kind) for kind in ChannelKind if kind.is_phone}


@dataclass(frozen=True, slots=True)
class PhoneLine:
    kind: str  # phone, mobile, fax, satellite, radio
    label: str
    number: str  # as people read it: +1 876-906-9674


@dataclass(frozen=True, slots=True)
class HoursWindow:
    days: tuple[int, ...]  # Monday = 0
    opens: str
    closes: str


@dataclass(frozen=True, slots=True)
class PackRow:
    """One contact as the pack prints it."""

    public_id: str
    rank: int
    post: str
    holder_kind: str  # named, desk, vacant
    holder_name: str
    organisation: str
    unit: str
    line_24_7: PhoneLine | None
    other_phones: tuple[PhoneLine, ...]
    emails: tuple[str, ...]
    languages: tuple[str, ...]  # ISO 639-1 codes
    hours_24_7: bool
    hours: tuple[HoursWindow, ...]
    time_zone: str
    utc_offset: str  # at the time the pack was made: "UTC−05:00"
    verified_at: datetime | None
    is_stale: bool

    @property
    def has_24_7_line(self) -> bool:
        return self.line_24_7 is not None


@dataclass(slots=True)
class PackGroup:
    anchor: str  # the id the table of contents links to
    title: str
    rows: list[PackRow] = field(default_factory=list)


@dataclass(slots=True)
class PackSection:
    anchor: str
    title: str
    groups: list[PackGroup]

    @property
    def count(self) -> int:
        return sum(len(group.rows) for group in self.groups)


@dataclass(frozen=True, slots=True)
class TocEntry:
    anchor: str
    title: str
    count: int


@dataclass(slots=True)
class Pack:
    scope_kind: str  # all, country, area
    scope_value: str  # "", a country code or an area slug
    title: str
    generated_at: datetime
    valid_as_of: datetime
    sections: list[PackSection]

    @property
    def count(self) -> int:
        return sum(section.count for section in self.sections)

    @property
    def stale_count(self) -> int:
        return sum(
            row.is_stale
            for section in self.sections
            for group in section.groups
            for row in group.rows
        )

    @property
    def scope_label(self) -> str:
        """As the export log records it (see selection.Scope.label)."""
        return f"{self.scope_kind}:{self.scope_value}" if self.scope_value else "all"

    @property
    def has_section_headings(self) -> bool:
        """One state or one area: the cover names it, and the groups are the contents."""
        return self.scope_kind == "all"

    @property
    def toc(self) -> list[TocEntry]:
        if self.has_section_headings:
            return [TocEntry(s.anchor, s.title, s.count) for s in self.sections]
        return [TocEntry(g.anchor, g.title, len(g.rows)) for s in self.sections for g in s.groups]

    @property
    def file_name(self) -> str:
        """incident-pack-JM-20261127T0430Z.pdf"""
        stamp = self.generated_at.strftime("%Y%m%dT%H%MZ")
        return f"incident-pack-{self.scope_value or 'all'}-{stamp}.pdf"


def utc_offset(time_zone: str, moment: datetime) -> str:
    offset = moment.astimezone(zone(time_zone)).utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "−"
    hours, minutes = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{minutes:02d}"


def pack_row(contact: Contact, now: datetime, stale_after_days: int) -> PackRow:
    line: PhoneLine | None = None
    others: list[PhoneLine] = []
    emails: list[str] = []
    for channel in contact.channels:
        if channel.kind == ChannelKind.EMAIL:
            emails.append(channel.value)
            continue
        if channel.kind in PHONE_KINDS:
            phone = PhoneLine(channel.kind, channel.label, format_phone(channel.value))
        elif channel.kind == ChannelKind.RADIO:
            phone = PhoneLine(channel.kind, channel.label, channel.value)
        else:
            continue  # websites are no use on paper during an incident
        is_24_7 = channel.is_24_7 or (contact.hours_24_7 and channel.kind in PHONE_KINDS)
        if line is None and is_24_7 and channel.kind != ChannelKind.FAX:
            line = phone
        else:
            others.append(phone)
    return PackRow(
        public_id=contact.public_id,
        rank=contact.rank,
        post=contact.position_title,
        holder_kind=contact.holder_kind.value,
        holder_name=contact.holder_name,
        organisation=contact.organisation,
        unit=contact.unit,
        line_24_7=line,
        other_phones=tuple(others),
        emails=tuple(emails),
        languages=tuple(contact.languages or ()),
        hours_24_7=contact.hours_24_7,
        hours=tuple(
            HoursWindow(tuple(window.get("days", ())), window["opens"], window["closes"])
            for window in contact.hours or ()
        ),
        time_zone=contact.time_zone,
        utc_offset=utc_offset(contact.time_zone, now),
        verified_at=contact.verified_at,
        is_stale=contact.is_stale(now, stale_after_days),
    )


def build_pack(
    scope_kind: str,
    scope_value: str,
    title: str,
    contacts: Iterable[Contact],
    countries: list[tuple[str, str]],
    areas: list[tuple[int, str, str]],
    now: datetime,
    stale_after_days: int,
) -> Pack:
    """The pack of ``contacts`` (all of the scope, in calling order).

    ``countries``: (code, name) in reading order; ``areas``: (id, slug, name) in order. A state
    is divided by area, and an area by state; every pairing gets a group, empty ones included,
    so that a gap in the directory shows on paper too.
    """
    by_area = scope_kind == "area"
    outer = [(slug, name) for _, slug, name in areas] if by_area else countries
    inner = countries if by_area else [(slug, name) for _, slug, name in areas]
    slug_of = {area_id: slug for area_id, slug, _ in areas}
    sections: list[PackSection] = []
    groups: dict[tuple[str, str], PackGroup] = {}
    for outer_key, outer_name in outer:
        section = PackSection(f"pack-{outer_key}", outer_name, [])
        for inner_key, inner_name in inner:
            group = PackGroup(f"pack-{outer_key}-{inner_key}", inner_name)
            section.groups.append(group)
            groups[(outer_key, inner_key)] = group
        sections.append(section)
    for contact in contacts:
        area_slug = slug_of.get(contact.area_id, "")
        key = (area_slug, contact.country_code) if by_area else (contact.country_code, area_slug)
        found = groups.get(key)
        if found is not None:
            found.rows.append(pack_row(contact, now, stale_after_days))
    for group in groups.values():
        group.rows.sort(key=lambda row: not row.has_24_7_line)  # stable: calling order kept
    return Pack(scope_kind, scope_value, title, now, now, sections)


def page_label_parts(label: str) -> tuple[str, str, str]:
    """Split a translated "Page %(page)s of %(pages)s", given PAGE_MARK and PAGES_MARK as the
    numbers, into the texts around the two counters that the page footer shows."""
    before, page_mark, rest = label.partition(PAGE_MARK)
    between, pages_mark, after = rest.partition(PAGES_MARK)
    if not (page_mark and pages_mark):  # a translation that puts the total first
        return ("Page ", " of ", "")
    return (before, between, after)


def _stylesheet_text() -> str:
    return STYLESHEET.read_text(encoding="utf-8")


def render_pdf(html: str) -> bytes:
    """The pack page as a PDF. Nothing is fetched: the stylesheet is read from the package,
    fonts come from the system (DejaVu), and any other URL in the page is refused."""
    # Imported here: loading Pango costs start-up time that only the PDF routes need.
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    refuse_all = URLFetcher(allowed_protocols=())
    document = HTML(string=html, base_url=str(STYLESHEET.parent), url_fetcher=refuse_all)
    stylesheet = CSS(string=_stylesheet_text(), base_url=str(STYLESHEET.parent))
    return document.write_pdf(stylesheets=[stylesheet])
