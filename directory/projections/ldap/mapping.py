"""contact -> LDAP entry: a pure function of a loaded contact.

Every entry is an ``inetOrgPerson``: mail clients skip entries without ``mail`` and never filter
on the object class, and ``organizationalRole`` (the class for a desk) cannot hold ``mail``.
The DN is made in ``connection.py`` with ldap3's escaping; this module only decides the values.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import idna

from ...caches import ldap_prefixes
from ...models import ChannelKind, Contact, HolderKind
from ...text import fold

OBJECT_CLASSES = ("top", "person", "organizationalPerson", "inetOrgPerson")
# Marks the entries the sync owns, so that anything else under the base is left alone.
OWNER_MARK = "point of contact"
LANGUAGES = ("en", "es", "pt", "fr")
RANK_WORDS = {1: "Primary", 2: "First alternate", 3: "Second alternate"}
LANGUAGE_NAMES = {
    "en": "English",
    "es": "Spanish",
    "pt": "Portuguese",
    "fr": "French",
    "ht": "Haitian Creole",
    "nl": "Dutch",
}
# RFC 4517 PrintableString: what telephoneNumber and friends accept.
PRINTABLE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 '()+,-./:=?")

# The attributes the sync writes and compares, in the order an LDIF lists them.
ATTRIBUTES = (
    "objectClass",
    "uid",
    "employeeType",
    "cn",
    "displayName",
    "sn",
    "givenName",
    "title",
    "o",
    "ou",
    "businessCategory",
    "mail",
    "telephoneNumber",
    "mobile",
    "facsimileTelephoneNumber",
    "l",
    "postalAddress",
    "preferredLanguage",
    "labeledURI",
    "description",
)


class MappingError(ValueError):
    """A value the directory may hold but LDAP may not (a control character, say)."""

    def __init__(self, uid: str, attribute: str, reason: str) -> None:
        super().__init__(f"{uid}: {attribute}: {reason}")
        self.uid = uid
        self.attribute = attribute
        self.reason = reason


@dataclass(frozen=True)
class Entry:
    """One entry as the sync wants it: its uid (the RDN value) and its attribute values in order.

    ``left_out`` lists values that LDAP cannot hold (an e-mail address with a non-ASCII local
    part, say): the entry is written without them, and the sync says so."""

    uid: str
    attributes: dict[str, tuple[str, ...]]
    left_out: tuple[str, ...] = ()


def _key(value: str) -> str:
    """Values slapd treats as equal (caseIgnoreMatch: case and runs of spaces ignored)."""
    key = value.casefold()
    if "  " in key or key != key.strip() or "\t" in key:
        key = " ".join(key.split())
    return key


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    """The values without those slapd would refuse as equal to an earlier one, nor empty ones."""
    if isinstance(values, list | tuple) and len(values) < 2:
        return tuple(value for value in values if value)
    seen: set[str] = set()
    kept: list[str] = []
    for value in values:
        key = _key(value)
        if key and key not in seen:
            seen.add(key)
            kept.append(value)
    return tuple(kept)


def _with_folded(values: Iterable[str]) -> tuple[str, ...]:
    """Each value, then its accent-folded form: slapd matches ignoring case but not accents."""
    values = [value for value in values if value]
    return _unique([*values, *(fold(value) for value in values)])


# C0 and C1 controls, lone surrogates and the byte-order mark: never sent to LDAP.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufeff]")


class _Checker:
    def __init__(self, uid: str) -> None:
        self.uid = uid

    def text(self, attribute: str, value: str | None) -> str:
        """A value stripped of surrounding space; a control character refuses the contact."""
        value = (value or "").strip()
        found = CONTROL.search(value)
        if found:
            raise MappingError(
                self.uid,
                attribute,
                f"control character U+{ord(found.group()):04X} in {value!r}",
            )
        return value


def _mail(address: str) -> str | None:
    """mail is IA5String: an international domain goes in as punycode; a non-ASCII local part
    cannot go in at all."""
    local, _, domain = address.rpartition("@")
    if not local or not local.isascii():
        return None
    if not domain.isascii():
        try:
            domain = idna.encode(domain, uts46=True).decode("ascii")
        except idna.IDNAError:
            return None
    return f"{local}@{domain}"


def _postal_line(line: str) -> str:
    """RFC 4517 PostalAddress: lines joined by $, with $ and backslash escaped."""
    return line.replace("\\", "\\5C").replace("$", "\\24")


def _place_prefixes(contact: Contact, language: str) -> tuple[tuple[str, str], ...]:
    """ "State Area: " and "Area State: " in the four languages, the display language first,
    each with its folded form: values that start with the words people type, without the
    display form's comma (Outlook and Evolution match the start of the value against
    "Jamaica disaster")."""
    return _prefixes(
        tuple(sorted(contact.country.names.items())),
        tuple(sorted(contact.area.names.items())),
        language,
    )


@ldap_prefixes
def _prefixes(
    country: tuple[tuple[str, str], ...], area: tuple[tuple[str, str], ...], language: str
) -> tuple[tuple[str, str], ...]:
    country_names, area_names = dict(country), dict(area)
    languages = (language, *(code for code in LANGUAGES if code != language))
    pairs = [
        (country_names.get(code) or country_names["en"], area_names.get(code) or area_names["en"])
        for code in languages
    ]
    forms = [f"{state} {area_name}: " for state, area_name in pairs]
    forms += [f"{area_name} {state}: " for state, area_name in pairs]
    return tuple((form, fold(form)) for form in dict.fromkeys(forms))


def _description(contact: Contact, check: _Checker) -> str:
    rank = RANK_WORDS.get(contact.rank, f"Alternate {contact.rank - 1}")
    parts = [
        f"{rank} point of contact of {contact.country.name('en')} "
        f"for {contact.area.name('en').lower()}."
    ]
    if contact.holder_kind == HolderKind.VACANT:
        parts.append("The post is vacant.")
    elif contact.holder_kind == HolderKind.DESK:
        parts.append("A desk: whoever is on duty answers.")
    if contact.hours_24_7:
        parts.append("Staffed 24/7.")
    elif contact.has_24_7:
        parts.append("Has a 24/7 line.")
    if contact.languages:
        names = ", ".join(LANGUAGE_NAMES.get(code, code) for code in contact.languages)
        parts.append(f"Languages: {names}.")
    if contact.verified_at is not None:
        parts.append(f"Verified {contact.verified_at:%Y-%m-%d}.")
    return check.text("description", " ".join(parts))


def contact_entry(contact: Contact, language: str = "en") -> Entry:
    """The entry of an active contact (a Contact, or a row with its fields, its country, area
    and channels). Raises MappingError for a value LDAP cannot hold."""
    uid = contact.public_id
    check = _Checker(uid)
    given = check.text("givenName", contact.holder_given_name)
    family = check.text("sn", contact.holder_family_name)
    post = check.text("title", contact.position_title)
    organisation = check.text("o", contact.organisation)
    unit = check.text("ou", contact.unit)
    city = check.text("l", contact.city)
    named = contact.holder_kind == HolderKind.NAMED
    who = " ".join(part for part in (given, family) if part) if named else post
    display = check.text("displayName", contact.display_name(language))

    places = _place_prefixes(contact, language)
    folded_who = fold(who)
    names = [display, *(prefix + who for prefix, _ in places)]
    folded_names = [fold(display), *(prefix + folded_who for _, prefix in places)]
    if named and family and given:
        names.append(f"{family}, {given}")
        folded_names.append(f"{fold(family)}, {fold(given)}")
    if organisation:
        names.append(f"{organisation}: {who}")
        folded_names.append(f"{fold(organisation)}: {folded_who}")

    left_out: list[str] = []
    mails: list[str] = []
    phones: list[str] = []
    mobiles: list[str] = []
    faxes: list[str] = []
    urls: list[str] = []
    first_line = contact.line_24_7
    for channel in sorted(contact.channels, key=lambda c: c is not first_line):
        value = check.text(channel.kind, channel.value)
        if not value:
            continue
        kind = channel.kind
        if kind == ChannelKind.EMAIL:
            mail = _mail(value)
            if mail is None:
                left_out.append(f"mail {value!r}: LDAP holds ASCII addresses only")
            else:
                mails.append(mail)
        elif kind == ChannelKind.WEBSITE:
            label = check.text("labeledURI", channel.label)
            urls.append(f"{value} {label}".strip())
        elif ChannelKind(kind).is_phone:
            if not set(value) <= PRINTABLE:
                left_out.append(f"{kind} {value!r}: not a printable string")
                continue
            if channel is first_line or kind in {ChannelKind.PHONE, ChannelKind.SATELLITE}:
                phones.append(value)  # the 24/7 line first, whatever its kind
            if kind == ChannelKind.MOBILE:
                mobiles.append(value)
            elif kind == ChannelKind.FAX:
                faxes.append(value)

    lines = (contact.postal_address or "").splitlines()
    address_lines = [text for line in lines if (text := check.text("postalAddress", line))]
    if address_lines:
        country_name = contact.country.name("en")
        if _key(address_lines[-1]) != _key(country_name):
            address_lines.append(country_name)
    area_names = [contact.area.name(code) for code in LANGUAGES]

    attributes: dict[str, tuple[str, ...]] = {
        "objectClass": OBJECT_CLASSES,
        "uid": (uid,),
        "employeeType": (OWNER_MARK,),
        "cn": _unique([*names, *folded_names]),
        "displayName": (display,),
        # Apple Contacts lists entries by givenName and sn: a desk's sn is its display form,
        # not just the post, which many desks share.
        "sn": _with_folded([family]) if named and family else _unique([display, post]),
        "givenName": _with_folded([given]) if named and given else (),
        "title": (post,) if post else (),
        "o": _with_folded([organisation]),
        "ou": (unit,) if unit else (),
        "businessCategory": _unique(area_names),
        "mail": _unique(mails),
        "telephoneNumber": _unique(phones),
        "mobile": _unique(mobiles),
        "facsimileTelephoneNumber": _unique(faxes),
        "l": (city,) if city else (),
        "postalAddress": ("$".join(_postal_line(line) for line in address_lines),)
        if address_lines
        else (),
        "preferredLanguage": tuple(contact.languages[:1]) if contact.languages else (),
        "labeledURI": _unique(urls),
        "description": (_description(contact, check),),
    }
    return Entry(
        uid=uid,
        attributes={name: values for name, values in attributes.items() if values},
        left_out=tuple(left_out),
    )
