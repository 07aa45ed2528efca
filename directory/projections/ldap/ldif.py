"""RFC 2849 LDIF of the directory's entries: what `ldapadd` or `slapadd -q` loads.

A plain writer: records of ``attr: value`` lines, base64 (``attr:: ...``) for any value that is
not a SAFE-STRING, lines folded at 76 columns. No ``changetype`` lines, which slapadd refuses.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Iterator
from typing import TextIO

from .mapping import ATTRIBUTES, Entry

LINE_WIDTH = 76
SAFE_INIT_EXCLUDED = {"\0", "\n", "\r", " ", ":", "<"}


def is_safe(value: str) -> bool:
    """RFC 2849 SAFE-STRING, and no trailing space (which some readers drop)."""
    if not value:
        return True
    if value[0] in SAFE_INIT_EXCLUDED or value[-1] == " ":
        return False
    return all(0 < ord(char) < 128 and char not in "\n\r" for char in value)


def line(name: str, value: str) -> str:
    if is_safe(value):
        return f"{name}: {value}"
    encoded = base64.b64encode(value.encode("utf-8")).decode("ascii")
    return f"{name}:: {encoded}"


def fold(text: str) -> str:
    """Long lines continue on lines that begin with one space."""
    if len(text) <= LINE_WIDTH:
        return text
    pieces = [text[:LINE_WIDTH]]
    rest = text[LINE_WIDTH:]
    while rest:
        pieces.append(" " + rest[: LINE_WIDTH - 1])
        rest = rest[LINE_WIDTH - 1 :]
    return "\n".join(pieces)


def record(dn: str, attributes: dict[str, tuple[str, ...]]) -> str:
    lines = [fold(line("dn", dn))]
    for name in [*ATTRIBUTES, *(name for name in attributes if name not in ATTRIBUTES)]:
        for value in attributes.get(name, ()):
            lines.append(fold(line(name, value)))
    return "\n".join(lines) + "\n"


def base_record(base_dn: str) -> str | None:
    """The base entry itself, when it is an organizational unit (ou=contacts,...)."""
    first = base_dn.split(",", 1)[0]
    name, _, value = first.partition("=")
    if name.strip().lower() != "ou" or "\\" in value:
        return None
    return record(base_dn, {"objectClass": ("top", "organizationalUnit"), "ou": (value.strip(),)})


def records(entries: Iterable[tuple[str, Entry]]) -> Iterator[str]:
    for dn, entry in entries:
        yield record(dn, entry.attributes)


def write(out: TextIO, chunks: Iterable[str]) -> int:
    """Writes the records, a blank line between them; returns how many. No ``version: 1``
    line: it is optional in RFC 2849, and slapadd 2.5 stops at it ("entry -1 has no dn")."""
    count = 0
    for chunk in chunks:
        if count:
            out.write("\n")
        out.write(chunk)
        count += 1
    return count
