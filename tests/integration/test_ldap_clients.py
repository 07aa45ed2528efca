"""What mail clients find in the LDAP server, searching it the way each of them does.

For each client the table below holds the search filter it sends when a user types in an address
field (or in the address book's search box), the attributes it asks for and the ones it shows, the
scope, and where that comes from. The filters are run with the real ``ldapsearch`` against a real
slapd filled by ``flask ldap sync``; lbdb's ``mutt_ldap_query`` is run as it is installed.

Where a client's source is public the template is ported from it; Outlook and Apple Contacts are
closed, so their rows come from Microsoft's documented profile default and from a published packet
capture, as each citation says.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner

from directory.services.actors import Actor
from directory.services.contacts import create_contact
from directory.services.validation import ChannelData
from tests.factories import contact_data
from tests.integration.slapd import Slapd

pytestmark = pytest.mark.integration

Entry = dict[str, object]

# RFC 4515 section 3: the characters a filter value must escape.
RFC4515 = {"\\": r"\5c", "*": r"\2a", "(": r"\28", ")": r"\29", "\0": r"\00"}


def rfc4515_escape(value: str) -> str:
    """A typed value as it may stand in a filter: ``*``, ``(``, ``)``, ``\\`` and NUL escaped."""
    return "".join(RFC4515.get(char, char) for char in value)


def values(entry: Entry, attribute: str) -> list[str]:
    """The values of an attribute, whatever case the server spells its name in."""
    for name, found in entry.items():
        if name.lower() == attribute.lower() and isinstance(found, list):
            return found
    return []


def first(entry: Entry, attribute: str) -> str:
    found = values(entry, attribute)
    return found[0] if found else ""


# Thunderbird ------------------------------------------------------------------------------------
# mozilla/releases-comm-central, mailnews/addrbook/src/AbLDAPAutoCompleteSearch.sys.mjs:
# startSearch() lower-cases what was typed, reads the per-directory pref
# ldap_2.servers.<name>.autoComplete.filterTemplate and, when it is unset or empty, uses
# "(|(cn=*%v1*%v2-*)(mail=*%v*)(givenName=*%v1*)(sn=*%v*))"; the card takes DisplayName and
# PrimaryEmail through the attribute map (mailnews/mailnews.js:
# ldap_2.servers.default.attrmap.DisplayName = "cn,commonname", .PrimaryEmail = "mail").
# The earlier AbLDAPAutoCompleteSearch.jsm had "(|(cn=%v1*%v2-*)(mail=%v1*%v2-*)(sn=%v1*%v2-*))".
# The template is expanded by mailnews/addrbook/modules/LDAPService.sys.mjs createFilter():
# words are split on " ", %vN is the Nth word, %vN- the Nth to the last, %vM-N the Mth to the
# Nth, %v the whole text; nothing is escaped. The query asks for the attributes of the
# directory's LDAP URL (none by default: all of them) with the URL's scope (sub by default).
THUNDERBIRD_AUTOCOMPLETE = "(|(cn=*%v1*%v2-*)(mail=*%v*)(givenName=*%v1*)(sn=*%v*))"
THUNDERBIRD_LEGACY_AUTOCOMPLETE = "(|(cn=%v1*%v2-*)(mail=%v1*%v2-*)(sn=%v1*%v2-*))"


def thunderbird_create_filter(template: str, value: str) -> str:
    """A port of LDAPService.createFilter()."""
    words = value.split(" ")

    def m_to_n(m: int, n: int | None = None) -> str:
        return " ".join(words[m - 1 : n if n is not None else m])

    out: list[str] = []
    pattern = template
    while pattern:
        index = pattern.find("%v")
        if index == -1:
            out.append(pattern)
            break
        out.append(pattern[:index])
        c1, c2, c3 = (pattern[index + 2 : index + 5] + "\0\0\0")[:3]
        if "1" <= c1 <= "9":
            if c2 == "$":
                out.append(m_to_n(len(words)))
                pattern = pattern[index + 3 :]
            elif c2 == "-":
                if "1" <= c3 <= "9":
                    out.append(m_to_n(int(c1), int(c3)))
                    pattern = pattern[index + 5 :]
                else:
                    out.append(m_to_n(int(c1), len(words)))
                    pattern = pattern[index + 4 :]
            else:
                out.append(m_to_n(int(c1)))
                pattern = pattern[index + 3 :]
        else:
            out.append(value)
            pattern = pattern[index + 2 :]
    return "".join(out)


def on_thunderbirds_wire(filter_: str) -> str:
    """Thunderbird encodes the filter itself (LDAPMessage.sys.mjs, SearchRequest
    _convertFilterToBlock: substring pieces are split on "*" and empty ones skipped), so
    ``*nun**`` goes out as ``*nun*``. libldap refuses ``**`` in a filter string: collapse it."""
    return re.sub(r"\*{2,}", "*", filter_)


def thunderbird_autocomplete(template: str) -> Callable[[str], str]:
    def expand(typed: str) -> str:
        return on_thunderbirds_wire(thunderbird_create_filter(template, typed.lower()))

    return expand


# The address book window's search box: mailnews/mailnews.js
# mail.addr_book.quicksearchquery.format = "(or(DisplayName,c,@V)(FirstName,c,@V)(LastName,c,@V)
# (NickName,c,@V)(PrimaryEmail,c,@V)(SecondEmail,c,@V)(and(IsMailList,=,TRUE)(Notes,c,@V))
# (Company,c,@V)(Department,c,@V)(JobTitle,c,@V)(WebPage1,c,@V)(WebPage2,c,@V))", one copy per
# word joined by (and ...) (mailnews/base/src/ABQueryUtils.sys.mjs generateQueryURI), turned
# into a filter by mailnews/addrbook/modules/LDAPDirectoryQuery.sys.mjs boolExpressionToFilter
# with the first attribute of each property's attrmap entry; IsMailList has none, so its
# condition drops out. "c" (contains) becomes (attr=*value*), unescaped.
THUNDERBIRD_SEARCH_FIELDS = (
    ("DisplayName", "cn"),
    ("FirstName", "givenName"),
    ("LastName", "sn"),
    ("NickName", "mozillaNickname"),
    ("PrimaryEmail", "mail"),
    ("SecondEmail", "mozillaSecondEmail"),
    ("Notes", "description"),  # inside (and(IsMailList,=,TRUE)(Notes,c,@V))
    ("Company", "o"),
    ("Department", "ou"),
    ("JobTitle", "title"),
    ("WebPage1", "mozillaWorkUrl"),
    ("WebPage2", "mozillaHomeUrl"),
)


def thunderbird_address_book_search(typed: str) -> str:
    groups = []
    for word in typed.split():
        parts = []
        for prop, attribute in THUNDERBIRD_SEARCH_FIELDS:
            part = f"({attribute}=*{word}*)"
            parts.append(f"(&{part})" if prop == "Notes" else part)
        groups.append("(|" + "".join(parts) + ")")
    return on_thunderbirds_wire("(&" + "".join(groups) + ")")


# Evolution --------------------------------------------------------------------------------------
# GNOME/evolution, src/e-util/e-name-selector-entry.c set_completion_query(): for the text typed
# so far it asks its address books for
#   (or (beginswith "nickname" T) (beginswith "email" T) (contains "nickname" T)
#       (contains "email" T) <name_style_query "full_name"> <name_style_query "file_as">)
# where name_style_query(field, T) is (beginswith field "a b") and, for several words, also
# (beginswith field "a, b"), on sanitize_string(T) (unquoted commas, tabs and newlines dropped).
# GNOME/evolution-data-server, src/addressbook/backends/ldap/e-book-backend-ldap.c turns that
# into a filter: rfc2254_escape() on every value; contains -> (attr=*v*) with the first space
# of each run made a "*" (extend_query_value); beginswith -> (attr=v*), except full_name ->
# (|(cn=v*)(sn=v*)); nickname maps to displayName, email to mail, full_name to cn; file_as maps
# to fileAs only when the server has the evolutionPerson class, and adds nothing otherwise;
# func_or joins with spaces: "(| a b )". It searches with no attribute list (all of them) and
# the source's scope (ESourceLDAP "scope", default one-level: src/libedataserver/e-source-ldap.c).
# A card's full name is the first cn value, its nickname displayName, its e-mails every mail.


def evolution_extend_query_value(value: str) -> str:
    chars = list(value)
    have_nonspace = False
    last_star: int | None = None
    for index, char in enumerate(chars):
        if char == " ":
            if have_nonspace and last_star is None:
                chars[index] = "*"
                last_star = index
        else:
            have_nonspace = True
            last_star = None
    if last_star is not None:
        chars[last_star] = " "
    return "".join(chars)


def evolution_sanitize(value: str) -> str:
    out: list[str] = []
    quoted = False
    for char in value:
        if char == '"':
            quoted = not quoted
        elif (char == "," and not quoted) or char in "\t\n":
            continue
        out.append(char)
    return "".join(out)


def evolution_autocomplete(typed: str) -> str:
    exact = rfc4515_escape(typed)
    inside = evolution_extend_query_value(exact)
    name = evolution_sanitize(typed).strip()
    words = name.split(" ")
    names = [name, ", ".join(words)] if len(words) > 1 else [name]
    parts = [
        f"(displayName={exact}*)",
        f"(mail={exact}*)",
        f"(displayName=*{inside}*)",
        f"(mail=*{inside}*)",
        *(f"(|(cn={rfc4515_escape(n)}*)(sn={rfc4515_escape(n)}*))" for n in names),
    ]
    return "(| " + " ".join(parts) + " )"


# Roundcube --------------------------------------------------------------------------------------
# roundcube/roundcubemail, config/defaults.inc.php, the $config['ldap_public'] example:
# 'filter' => '(objectClass=inetOrgPerson)', 'search_fields' => ['mail', 'cn'],
# 'fuzzy_search' => true, 'scope' => 'sub', 'fieldmap' => name => cn, surname => sn,
# firstname => givenName, email => mail:*, ...; and $config['contactlist_fields'] =
# ['name', 'firstname', 'surname', 'email'], $config['addressbook_search_mode'] = 0 (partial).
# program/actions/mail/autocomplete.php searches contactlist_fields with that mode, 'email'
# required; program/lib/Roundcube/rcube_ldap.php search() maps the fields to cn, givenName, sn,
# mail and calls rcube_ldap_generic::fulltext_search_filter(): "*" removed, the text split by
# rcube_utils::tokenize_string($value, 1), each word (|(attr=*word*)...) over the attributes,
# several words and-ed, values through quote_string() (escapes * ( ) \ and /); then "*+" -> "*"
# and the ldap_public 'filter' and-ed in front. It asks for the fieldmap's attributes.
ROUNDCUBE_FILTER = "(objectClass=inetOrgPerson)"
ROUNDCUBE_SEARCH_ATTRIBUTES = ("cn", "givenName", "sn", "mail")
ROUNDCUBE_FIELDMAP_ATTRIBUTES = (
    "cn",
    "sn",
    "givenName",
    "title",
    "mail",
    "homePhone",
    "telephoneNumber",
    "mobile",
    "pager",
    "facsimileTelephoneNumber",
    "street",
    "postalCode",
    "st",
    "l",
    "c",
    "o",
    "ou",
    "description",
    "jpegPhoto",
)


def roundcube_quote(value: str) -> str:
    """rcube_ldap_generic::quote_string() for a filter value."""
    table = {"*": r"\2a", "(": r"\28", ")": r"\29", "\\": r"\5c", "/": r"\2f"}
    return "".join(table.get(char, char) for char in value)


def roundcube_tokenize(value: str) -> list[str]:
    """rcube_utils::tokenize_string($value, 1)."""
    text = re.sub(r"[\s;,\"'/+-]+", " ", value)
    text = re.sub(r"(\d)[-.\s]+(\d)", r"\1\2", text)
    return [word for word in text.split(" ") if word and word != "0"]


def roundcube_autocomplete(typed: str) -> str:
    groups = [
        "(|" + "".join(f"({a}=*{roundcube_quote(w)}*)" for a in ROUNDCUBE_SEARCH_ATTRIBUTES) + ")"
        for w in roundcube_tokenize(typed.replace("*", ""))
    ]
    search = groups[0] if len(groups) == 1 else "(&" + "".join(groups) + ")"
    search = re.sub(r"\*+", "*", search)
    return f"(&({ROUNDCUBE_FILTER.strip('()')}){search})"


# Outlook ----------------------------------------------------------------------------------------
# Closed source. An LDAP address book in an Outlook profile keeps its search filter in the MAPI
# property 0x6604 (registry value 001e6604 of the service's profile key); its default, as the
# profile-building samples and scripts that set it quote it, is
# "(&(mail=*)(|(mail=%s*)(|(cn=%s*)(|(sn=%s*)(givenName=%s*)))))" with %s what was typed; the
# "Custom search filter" of "Configure LDAP options in Outlook 2007" (learn.microsoft.com,
# previous-versions/office/office-2007-resource-kit/cc179232) replaces it. The neighbouring
# properties name the attributes shown: display name "cn" (0x6611), e-mail "mail" (0x6606),
# additional information "postalAddress" (0x6610). Outlook searches the subtree. How it escapes
# a typed value is not published: the test escapes as RFC 4515 says.
OUTLOOK_FILTER = "(&(mail=*)(|(mail=%s*)(|(cn=%s*)(|(sn=%s*)(givenName=%s*)))))"


def outlook_filter(typed: str) -> str:
    return OUTLOOK_FILTER.replace("%s", rfc4515_escape(typed))


# Apple Contacts ---------------------------------------------------------------------------------
# Closed source. The published capture of Address Book searching an LDAP server ("Connecting
# OS X Address Book.app to LDAP", ryanerwin.com/2007/11/19, Mac OS X 10.5) shows a subtree
# search with Filter: (|(givenname=carmo)(sn=carmo)(cn=carmo)(mail=carmo)), equality on what
# was typed, asking for the attributes below; the same post notes that cn is not displayed on
# the card (the name shown is givenName and sn) and that only one e-mail address is. Escaping
# is not published: the test escapes as RFC 4515 says.
APPLE_FILTER = "(|(givenName=%s)(sn=%s)(cn=%s)(mail=%s))"
APPLE_ATTRIBUTES = (
    "givenName",
    "sn",
    "cn",
    "mail",
    "telephoneNumber",
    "facsimileTelephoneNumber",
    "o",
    "title",
    "ou",
    "buildingName",
    "street",
    "l",
    "st",
    "postalCode",
    "c",
    "jpegPhoto",
    "mobile",
    "co",
    "pager",
    "destinationIndicator",
    "labeledURI",
    "IMHandle",
)


def apple_filter(typed: str) -> str:
    return APPLE_FILTER.replace("%s", rfc4515_escape(typed))


# mutt via lbdb ----------------------------------------------------------------------------------
# /usr/bin/mutt_ldap_query (lbdb 0.51.1, Perl, Net::LDAP; `man mutt_ldap_query`): for each
# query word it searches (|(f1=word)(f2=word)...) over $ldap_search_fields, or
# (|(f1=*word*)...) with --ignorant / $ignorant = 1, unescaped, subtree, all attributes; it
# prints "email<TAB>realname<TAB>comment" from $ldap_result_email, $ldap_result_realname and
# $ldap_result_comment, with ${attr} replaced by the attribute's first value (every value for
# the e-mail). Its built-in fields are 'givenname sn cn'; /etc/lbdb_ldap.rc replaces them with
# Debian's server; ~/.lbdb/ldap.rc or the command line set ours. lbdb's /usr/lib/lbdb/m_ldap
# calls it as `mutt_ldap_query --lbdb_output --nickname=NICK WORDS` for each NICK in LDAP_NICKS.
MUTT_FIELDS = ("givenname", "sn", "cn", "mail")


def mutt_filter(ignorant: bool) -> Callable[[str], str]:
    def expand(typed: str) -> str:
        value = f"*{typed}*" if ignorant else typed
        return "(|" + "".join(f"({field}={value})" for field in MUTT_FIELDS) + ")"

    return expand


# The table ---------------------------------------------------------------------------------------

ANA, ODPEM, ZOE, JOAO = "ana", "odpem", "zoe", "joao"


@dataclass(frozen=True)
class Client:
    key: str
    source: str
    template: str
    attributes: tuple[str, ...]  # what it asks for; () asks for all user attributes
    scope: str
    expand: Callable[[str], str]  # what the user typed -> the filter it sends
    shows: Callable[[Entry], tuple[str, list[str]]]  # the name it lists, the addresses it offers
    cases: tuple[tuple[str, frozenset[str]], ...]  # typed -> the contacts it must find, exactly


def shows_cn_and_first_mail(entry: Entry) -> tuple[str, list[str]]:
    return first(entry, "cn"), values(entry, "mail")[:1]


def shows_cn_and_every_mail(entry: Entry) -> tuple[str, list[str]]:
    return first(entry, "cn"), values(entry, "mail")


def shows_evolution(entry: Entry) -> tuple[str, list[str]]:
    # Full name from cn; the nickname (displayName) is what beginswith "nickname" matched.
    assert values(entry, "displayName") == [first(entry, "cn")], entry
    return first(entry, "cn"), values(entry, "mail")


def shows_apple(entry: Entry) -> tuple[str, list[str]]:
    name = " ".join(part for part in (first(entry, "givenName"), first(entry, "sn")) if part)
    return name, values(entry, "mail")[:1]


def cases(*pairs: tuple[str, set[str]]) -> tuple[tuple[str, frozenset[str]], ...]:
    return tuple((typed, frozenset(found)) for typed, found in pairs)


CLIENTS = (
    Client(
        key="thunderbird-autocomplete",
        source="mozilla/releases-comm-central mailnews/addrbook/src/"
        "AbLDAPAutoCompleteSearch.sys.mjs (pref ldap_2.servers.*.autoComplete.filterTemplate)",
        template=THUNDERBIRD_AUTOCOMPLETE,
        attributes=(),
        scope="sub",
        expand=thunderbird_autocomplete(THUNDERBIRD_AUTOCOMPLETE),
        shows=shows_cn_and_first_mail,
        cases=cases(
            ("nun", {ANA, JOAO}),
            ("Núñ", {ANA}),
            ("proteccion", {ANA}),
            ("Jamaica disaster", {ODPEM}),
            ("ana.nu", {ANA}),
            ("Zoë", {ZOE}),
            ("zoe o'neil", {ZOE}),
            ("joão", {JOAO}),
        ),
    ),
    Client(
        key="thunderbird-autocomplete-earlier",
        source="mozilla/releases-comm-central mailnews/addrbook/src/AbLDAPAutoCompleteSearch.jsm",
        template=THUNDERBIRD_LEGACY_AUTOCOMPLETE,
        attributes=(),
        scope="sub",
        expand=thunderbird_autocomplete(THUNDERBIRD_LEGACY_AUTOCOMPLETE),
        shows=shows_cn_and_first_mail,
        cases=cases(
            ("nun", {ANA, JOAO}),
            ("Núñ", {ANA}),
            ("sistema nac", {ANA}),
            ("Jamaica disaster", {ODPEM}),
            ("ana.nu", {ANA}),
            ("zoe", {ZOE}),
        ),
    ),
    Client(
        key="thunderbird-address-book-search",
        source="mozilla/releases-comm-central mailnews/mailnews.js "
        "(mail.addr_book.quicksearchquery.format), mailnews/addrbook/modules/"
        "LDAPDirectoryQuery.sys.mjs",
        template="(&(|(cn=*%w*)(givenName=*%w*)(sn=*%w*)(mozillaNickname=*%w*)(mail=*%w*)"
        "(mozillaSecondEmail=*%w*)(&(description=*%w*))(o=*%w*)(ou=*%w*)(title=*%w*)"
        "(mozillaWorkUrl=*%w*)(mozillaHomeUrl=*%w*))...) one (|...) per word",
        attributes=(),
        scope="sub",
        expand=thunderbird_address_book_search,
        shows=shows_cn_and_first_mail,
        cases=cases(
            ("nun", {ANA, JOAO}),
            ("proteccion", {ANA}),
            ("Jamaica disaster", {ODPEM}),
            ("O'Neil", {ZOE}),
            ("Nacional", {ANA, JOAO}),
            ("Canada", {ZOE}),
        ),
    ),
    Client(
        key="evolution",
        source="GNOME/evolution src/e-util/e-name-selector-entry.c (set_completion_query); "
        "GNOME/evolution-data-server src/addressbook/backends/ldap/e-book-backend-ldap.c",
        template="(| (displayName=%t*) (mail=%t*) (displayName=*%t'*) (mail=*%t'*) "
        "(|(cn=%t*)(sn=%t*)) [(|(cn=%a, %b*)(sn=%a, %b*))] )",
        attributes=(),
        scope="one",
        expand=evolution_autocomplete,
        shows=shows_evolution,
        cases=cases(
            ("nun", {ANA, JOAO}),
            ("Núñ", {ANA}),
            ("proteccion", {ANA}),
            ("Jamaica disaster", {ODPEM}),
            ("Mexico disaster", {ANA}),
            ("ana.nu", {ANA}),
            ("Zoë", {ZOE}),
            ("Agência Nacional de Transportes Terrestres (ANTT)", {JOAO}),
        ),
    ),
    Client(
        key="roundcube",
        source="roundcube/roundcubemail config/defaults.inc.php (ldap_public, "
        "contactlist_fields, addressbook_search_mode), program/actions/mail/autocomplete.php, "
        "program/lib/Roundcube/rcube_ldap.php, rcube_ldap_generic::fulltext_search_filter",
        template="(&(objectClass=inetOrgPerson)(&(|(cn=*%w*)(givenName=*%w*)(sn=*%w*)"
        "(mail=*%w*))...)) one (|...) per word",
        attributes=ROUNDCUBE_FIELDMAP_ATTRIBUTES,
        scope="sub",
        expand=roundcube_autocomplete,
        shows=shows_cn_and_every_mail,
        cases=cases(
            ("nun", {ANA, JOAO}),
            ("Núñ", {ANA}),
            ("proteccion", {ANA}),
            ("Protección Civil", {ANA}),
            ("Jamaica disaster", {ODPEM}),
            ("ana.nu", {ANA}),
            ("O'Neil", {ZOE}),
            ("(ANTT)", {JOAO}),
        ),
    ),
    Client(
        key="outlook",
        source="Outlook LDAP address book profile property 0x6604 (registry 001e6604) default; "
        "Office 2007 Resource Kit 'Configure LDAP options in Outlook 2007' (custom search "
        "filter); closed source",
        template=OUTLOOK_FILTER,
        attributes=("cn", "mail", "postalAddress"),
        scope="sub",
        expand=outlook_filter,
        shows=shows_cn_and_first_mail,
        cases=cases(
            ("nun", {ANA, JOAO}),
            ("Núñ", {ANA}),
            ("Jamaica", {ODPEM}),
            ("Jamaica disaster", {ODPEM}),
            ("Disaster response Jam", {ODPEM}),
            ("respuesta a desastres mex", {ANA}),
            ("sistema nac", {ANA}),
            ("ana.nu", {ANA}),
            ("zoe", {ZOE}),
            ("Agência Nacional de Transportes Terrestres (ANTT)", {JOAO}),
        ),
    ),
    Client(
        key="apple-contacts",
        source="packet capture of Mac OS X Address Book, ryanerwin.com/2007/11/19/"
        "connecting-os-x-address-bookapp-to-ldap; closed source",
        template=APPLE_FILTER,
        attributes=APPLE_ATTRIBUTES,
        scope="sub",
        expand=apple_filter,
        shows=shows_apple,
        cases=cases(
            ("Núñez", {ANA}),
            ("nunez", {ANA}),
            ("Ana Núñez", {ANA}),
            ("ana nunez", {ANA}),
            ("Zoe", {ZOE}),
            ("O'Neil", {ZOE}),
            ("Nunes", {JOAO}),
            ("joao.nunes@antt.example.org", {JOAO}),
            ("Jamaica, Disaster response: 24/7 duty officer", {ODPEM}),
        ),
    ),
    Client(
        key="mutt-ldap-query",
        source="/usr/bin/mutt_ldap_query (lbdb 0.51.1), man mutt_ldap_query",
        template="(|(givenname=%s)(sn=%s)(cn=%s)(mail=%s))",
        attributes=(),
        scope="sub",
        expand=mutt_filter(ignorant=False),
        shows=shows_cn_and_every_mail,
        cases=cases(
            ("Núñez", {ANA}),
            ("ana nunez", {ANA}),
            ("Zoë", {ZOE}),
            ("zoe", {ZOE}),
            ("duty@odpem.example.org", {ODPEM}),
        ),
    ),
    Client(
        key="mutt-ldap-query-ignorant",
        source="/usr/bin/mutt_ldap_query --ignorant (lbdb 0.51.1), man mutt_ldap_query",
        template="(|(givenname=*%s*)(sn=*%s*)(cn=*%s*)(mail=*%s*))",
        attributes=(),
        scope="sub",
        expand=mutt_filter(ignorant=True),
        shows=shows_cn_and_every_mail,
        cases=cases(
            ("nun", {ANA, JOAO}),
            ("Núñ", {ANA}),
            ("proteccion", {ANA}),
            ("ana.nu", {ANA}),
        ),
    ),
)


# The contacts -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Expected:
    uid: str
    display: str
    mail: str


def _contacts() -> dict[str, dict[str, object]]:
    return {
        ANA: {
            "country": "MX",
            "area": "disaster-response",
            "organisation": "Sistema Nacional de Protección Civil",
            "unit": "Coordinación Nacional de Protección Civil",
            "position_title": "Coordinadora Nacional",
            "time_zone": "America/Mexico_City",
            "holder_given_name": "Ana",
            "holder_family_name": "Núñez",
            "channels": [
                ChannelData("email", "ana.nunez@proteccioncivil.example.org", "Oficina"),
                ChannelData("phone", "+52 55 5128 0000", "Guardia 24/7", True),
            ],
            "languages": ["es", "en"],
            "city": "Ciudad de México",
        },
        ODPEM: {
            "country": "JM",
            "area": "disaster-response",
            "organisation": "Office of Disaster Preparedness and Emergency Management",
            "unit": "National Emergency Operations Centre",
            "position_title": "24/7 duty officer",
            "time_zone": "America/Jamaica",
            "holder_given_name": "",
            "holder_family_name": "",
            "channels": [
                ChannelData("phone", "+1 876 906 9674", "Duty line", True),
                ChannelData("email", "duty@odpem.example.org", "Duty desk"),
            ],
            "hours_24_7": True,
            "hours": [],
            "city": "Kingston",
        },
        ZOE: {
            "country": "CA",
            "area": "critical-infrastructure",
            "organisation": "Public Safety Canada, Critical Infrastructure Directorate",
            "unit": "",
            "position_title": "Director General",
            "time_zone": "America/Toronto",
            "holder_given_name": "Zoë",
            "holder_family_name": "O'Neil",
            "channels": [
                ChannelData("email", "zoe.oneil@ps.example.org", "Office"),
                ChannelData("phone", "+1 613 944 4875", "Operations centre", True),
            ],
            "languages": ["en", "fr"],
            "city": "Ottawa",
        },
        JOAO: {
            "country": "BR",
            "area": "transportation-security",
            "organisation": "Agência Nacional de Transportes Terrestres (ANTT)",
            "unit": "",
            "position_title": "Superintendente de Fiscalização",
            "time_zone": "America/Sao_Paulo",
            "holder_given_name": "João",
            "holder_family_name": "Nunes",
            "channels": [
                ChannelData("email", "joao.nunes@antt.example.org", "Gabinete"),
                ChannelData("phone", "+55 61 3410 1000", "Plantão", True),
            ],
            "languages": ["pt"],
            "city": "Brasília",
        },
    }


DISPLAY = {
    ANA: "Ana Núñez",
    ODPEM: "Jamaica, Disaster response: 24/7 duty officer",
    ZOE: "Zoë O'Neil",
    JOAO: "João Nunes",
}


@pytest.fixture
def directory(
    app: Flask, runner: FlaskCliRunner, ldap_server: Slapd, ldap_base: str
) -> dict[str, Expected]:
    """Four contacts with hard names, synced into a fresh base with `flask ldap sync`."""
    actor = Actor.system("tests")
    made: dict[str, Expected] = {}
    for key, fields in _contacts().items():
        fields = dict(fields)
        contact = create_contact(
            actor,
            contact_data(country=fields.pop("country"), area=fields.pop("area"), **fields),
        )
        mail = next(c.value for c in fields["channels"] if c.kind == "email")
        made[key] = Expected(uid=contact.public_id, display=DISPLAY[key], mail=mail)
    app.config.update(
        LDAP_URL=ldap_server.url,
        LDAP_BIND_DN=ldap_server.bind_dn,
        LDAP_BIND_PASSWORD=ldap_server.password,
        LDAP_BASE_DN=ldap_base,
    )
    result = runner.invoke(args=["ldap", "sync"])
    assert result.exit_code == 0, result.output
    assert "4 added" in result.output, result.output
    return made


def found_keys(entries: list[Entry], made: dict[str, Expected], base: str) -> dict[str, Entry]:
    """The entries found, by contact key; an entry that is not one of ours is a failure."""
    by_uid = {expected.uid: key for key, expected in made.items()}
    found: dict[str, Entry] = {}
    for entry in entries:
        dn = str(entry["dn"])
        rdn, _, parent = dn.partition(",")
        attribute, _, uid = rdn.partition("=")
        assert attribute.lower() == "uid" and parent.lower() == base.lower(), dn
        assert uid in by_uid, f"{dn} is not one of this test's contacts"
        found[by_uid[uid]] = entry
    return found


# The tests ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("client", CLIENTS, ids=lambda client: client.key)
def test_each_client_finds_what_its_user_types(
    client: Client, directory: dict[str, Expected], ldap_server: Slapd, ldap_base: str
) -> None:
    problems: list[str] = []
    for typed, expected in client.cases:
        search = client.expand(typed)
        entries = ldap_server.ldapsearch(ldap_base, search, client.attributes, client.scope)
        found = found_keys(entries, directory, ldap_base)
        if set(found) != expected:
            problems.append(
                f"{client.key}: typed {typed!r}, filter {search}: "
                f"found {sorted(found)}, expected {sorted(expected)}"
            )
        for key, entry in found.items():
            name, mails = client.shows(entry)
            want = directory[key]
            if name != want.display:
                problems.append(
                    f"{client.key}: typed {typed!r}: {key} is listed as {name!r}, "
                    f"expected {want.display!r}"
                )
            if want.mail not in mails:
                problems.append(
                    f"{client.key}: typed {typed!r}: {key} offers {mails}, not {want.mail!r}"
                )
    assert not problems, "\n".join(problems)


def test_the_first_values_are_the_display_forms(
    directory: dict[str, Expected], ldap_server: Slapd, ldap_base: str
) -> None:
    """What every client above shows is a first value: cn, displayName, sn, givenName, o."""
    entries = found_keys(
        ldap_server.ldapsearch(ldap_base, "(objectClass=inetOrgPerson)", scope="one"),
        directory,
        ldap_base,
    )
    assert set(entries) == {ANA, ODPEM, ZOE, JOAO}
    for key, entry in entries.items():
        assert first(entry, "cn") == DISPLAY[key], entry
        assert values(entry, "displayName") == [DISPLAY[key]], entry
    ana = entries[ANA]
    assert values(ana, "sn")[0] == "Núñez" and "nunez" in values(ana, "sn")
    assert values(ana, "givenName") == ["Ana"]
    assert values(ana, "o")[0] == "Sistema Nacional de Protección Civil"
    assert "ana nunez" in values(ana, "cn") and "Núñez, Ana" in values(ana, "cn")
    assert values(entries[ZOE], "givenName")[0] == "Zoë"
    assert values(entries[JOAO], "givenName")[0] == "João"
    assert values(entries[ODPEM], "mail") == ["duty@odpem.example.org"]


EXPANSIONS = [
    (
        "thunderbird-autocomplete",
        "Ana Núñez",
        "(|(cn=*ana*núñez*)(mail=*ana núñez*)(givenName=*ana*)(sn=*ana núñez*))",
    ),
    ("thunderbird-autocomplete", "nun", "(|(cn=*nun*)(mail=*nun*)(givenName=*nun*)(sn=*nun*))"),
    (
        "thunderbird-autocomplete-earlier",
        "Jamaica disaster",
        "(|(cn=jamaica*disaster*)(mail=jamaica*disaster*)(sn=jamaica*disaster*))",
    ),
    (
        "evolution",
        "Mexico disaster",
        "(| (displayName=Mexico disaster*) (mail=Mexico disaster*) "
        "(displayName=*Mexico*disaster*) (mail=*Mexico*disaster*) "
        "(|(cn=Mexico disaster*)(sn=Mexico disaster*)) "
        "(|(cn=Mexico, disaster*)(sn=Mexico, disaster*)) )",
    ),
    (
        "roundcube",
        "O'Neil (PS)",
        "(&(objectClass=inetOrgPerson)(&(|(cn=*O*)(givenName=*O*)(sn=*O*)(mail=*O*))"
        r"(|(cn=*Neil*)(givenName=*Neil*)(sn=*Neil*)(mail=*Neil*))"
        r"(|(cn=*\28PS\29*)(givenName=*\28PS\29*)(sn=*\28PS\29*)(mail=*\28PS\29*))))",
    ),
    (
        "outlook",
        "a*b",
        r"(&(mail=*)(|(mail=a\2ab*)(|(cn=a\2ab*)(|(sn=a\2ab*)(givenName=a\2ab*)))))",
    ),
    ("apple-contacts", "Zoe", "(|(givenName=Zoe)(sn=Zoe)(cn=Zoe)(mail=Zoe))"),
    ("mutt-ldap-query-ignorant", "nun", "(|(givenname=*nun*)(sn=*nun*)(cn=*nun*)(mail=*nun*))"),
]


@pytest.mark.parametrize(("key", "typed", "sent"), EXPANSIONS)
def test_the_table_spells_each_filter_as_its_client_does(key: str, typed: str, sent: str) -> None:
    client = next(client for client in CLIENTS if client.key == key)
    assert client.expand(typed) == sent


def test_rfc4515_escape() -> None:
    assert rfc4515_escape(r"a*b(c)d\e" + "\0") == r"a\2ab\28c\29d\5ce\00"
    assert rfc4515_escape("Núñez, O'Neil") == "Núñez, O'Neil"


# mutt_ldap_query, the real program --------------------------------------------------------------

MUTT_LDAP_QUERY = "mutt_ldap_query"
LBDB_MISSING = (
    "mutt_ldap_query needs the Debian packages lbdb, libnet-ldap-perl and libauthen-sasl-perl "
    "(make system-deps)"
)


def perl_quote(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


@pytest.fixture
def mutt_home(tmp_path: Path, ldap_server: Slapd, ldap_base: str) -> Iterator[Path]:
    """A HOME whose ~/.lbdb/ldap.rc points mutt_ldap_query at the test's base, both as the
    default server and as the nickname "directory" (how lbdb's m_ldap calls it)."""
    program = shutil.which(MUTT_LDAP_QUERY)
    assert program is not None, LBDB_MISSING
    modules = subprocess.run(
        ["perl", "-MNet::LDAP", "-MAuthen::SASL", "-e", "1"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert modules.returncode == 0, f"{LBDB_MISSING}: {modules.stderr.strip()}"
    home = tmp_path / "home"
    (home / ".lbdb").mkdir(parents=True)
    server, base = perl_quote(ldap_server.url), perl_quote(ldap_base)
    bind_dn, password = perl_quote(ldap_server.bind_dn), perl_quote(ldap_server.password)
    fields = perl_quote(" ".join(MUTT_FIELDS))
    rc = f"""\
# -*- perl -*-
%ldap_server_db = (
  'directory' => [{server}, {base}, {fields}, 'cn mail o',
                  '${{mail}}', '${{cn}}', '(${{o}})', 1, {bind_dn}, {password}],
);
$ldap_server = {server};
$search_base = {base};
$ldap_search_fields = {fields};
$ldap_expected_answers = 'cn mail o';
$ldap_result_email = '${{mail}}';
$ldap_result_realname = '${{cn}}';
$ldap_result_comment = '(${{o}})';
$ignorant = 0;
$ldap_bind_dn = {bind_dn};
$ldap_bind_password = {password};
$ldap_tls = 0;
$ldap_sasl_mech = '';
1;
"""
    (home / ".lbdb" / "ldap.rc").write_text(rc, encoding="utf-8")
    yield home


def mutt_ldap_query(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [MUTT_LDAP_QUERY, *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
        env={**os.environ, "HOME": str(home), "LC_ALL": "C.UTF-8"},
    )


def line(expected: Expected, organisation: str) -> str:
    return f"{expected.mail}\t{expected.display}\t({organisation})"


def test_mutt_ldap_query_finds_contacts_by_its_rc_file(
    directory: dict[str, Expected], mutt_home: Path
) -> None:
    ana = line(directory[ANA], "Sistema Nacional de Protección Civil")
    joao = line(directory[JOAO], "Agência Nacional de Transportes Terrestres (ANTT)")

    done = mutt_ldap_query(mutt_home, "Núñez")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["LDAP query: found 1", ana], done.stdout

    done = mutt_ldap_query(mutt_home, "ana nunez")  # the folded cn, typed without accents
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["LDAP query: found 1", ana], done.stdout

    done = mutt_ldap_query(mutt_home, "--ignorant", "nun")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "LDAP query: found 2", done.stdout
    assert sorted(done.stdout.splitlines()[1:]) == sorted([ana, joao]), done.stdout

    done = mutt_ldap_query(mutt_home, "nobody-here")
    assert done.returncode == 1
    assert done.stdout.splitlines() == ["LDAP query: found 0"], done.stdout


def test_mutt_ldap_query_as_lbdb_calls_it(directory: dict[str, Expected], mutt_home: Path) -> None:
    """m_ldap runs `mutt_ldap_query --lbdb_output --nickname=NICK WORDS`."""
    done = mutt_ldap_query(mutt_home, "--lbdb_output", "--nickname=directory", "duty")
    assert done.returncode == 0, done.stderr
    desk = line(directory[ODPEM], "Office of Disaster Preparedness and Emergency Management")
    assert done.stdout.splitlines() == [desk], done.stdout

    done = mutt_ldap_query(mutt_home, "--lbdb_output", "--nickname=directory", "Zoë")
    assert done.returncode == 0, done.stderr
    zoe = line(directory[ZOE], "Public Safety Canada, Critical Infrastructure Directorate")
    assert done.stdout.splitlines() == [zoe], done.stdout


def test_mutt_ldap_query_from_the_command_line_sends_the_tables_filter(
    directory: dict[str, Expected], mutt_home: Path, ldap_server: Slapd, ldap_base: str
) -> None:
    """Every setting on the command line, bound anonymously; --debug prints the filter sent."""
    empty_home = mutt_home.parent / "empty-home"
    empty_home.mkdir()
    done = mutt_ldap_query(
        empty_home,
        f"--server={ldap_server.url}",
        f"--search_base={ldap_base}",
        f"--search_fields={' '.join(MUTT_FIELDS)}",
        "--expected_answers=cn mail o",
        "--format_email=${mail}",
        "--format_realname=${cn}",
        "--format_comment=(${o})",
        "--ignorant",
        "--debug",
        "Núñ",
    )
    assert done.returncode == 0, done.stderr
    sent = re.findall(r"^DEBUG: (\(.*\))$", done.stdout, re.MULTILINE)
    mutt = next(client for client in CLIENTS if client.key == "mutt-ldap-query-ignorant")
    assert sent == [mutt.expand("Núñ")], done.stdout
    assert line(directory[ANA], "Sistema Nacional de Protección Civil") in done.stdout.splitlines()
    assert directory[JOAO].mail not in done.stdout
