"""How a demo contact is reached: its channels, with telephone numbers nobody answers.

:func:`channels` gives a functional desk its duty line and mailbox and a named holder a direct
line, a mobile and an e-mail address, adds fax, satellite telephone and radio to some, and the
organisation's website to primaries; labels are in the state's language family. Addresses are
under ``example.org``, ``example.net`` and ``example.com``. :class:`PhoneBook` starts from
libphonenumber's documentation example numbers (or a capital's area code from
``data/demo/channels.json``; the reserved 555-01xx range for the United States and Canada) and
varies only the last digits, keeping the numbers the library accepts as valid for the state.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from . import demo_tables as tables
from .demo_tables import Holder, Post, State, crc, pick

DR = "disaster-response"
TS = "transportation-security"


def channels(
    state: State,
    area: str,
    rank: int,
    post: Post,
    holder: Holder,
    host: str,
    hours: str,
    city: str,
    phones: PhoneBook,
) -> list[dict]:
    """The channels of one contact, in the order they are shown; ``hours`` is a key of HOURS."""
    key = f"{state.code}-{area}-{rank}"
    labels = tables.FAMILIES[state.family].labels
    named = bool(holder.given)
    seed = crc(key, "channels")
    found: list[dict] = []
    if post.desk:
        if hours == "24/7":
            found.append(_channel("phone", phones.fixed(), labels["duty"], True))
        elif hours == "night":
            found.append(_channel("phone", phones.fixed(), labels["night"]))
        else:
            found.append(_channel("phone", phones.fixed(), labels["hotline"]))
        if seed % 2:
            found.append(_channel("phone", phones.fixed(), labels["switchboard"]))
        if hours == "24/7" and seed % 3 == 0:
            found.append(_channel("mobile", phones.mobile(), labels["mobile"], True))
        found.append(_channel("email", f"{post.mailbox}@{host}", labels["mailbox"]))
    else:
        found.append(_channel("phone", phones.fixed(), labels["direct"]))
        if named and (area == DR and rank == 1):
            found.append(_channel("mobile", phones.mobile(), labels["after_hours"], True))
        elif named and seed % 4:
            after_hours = rank == 1 and seed % 3 == 0
            label = labels["after_hours"] if after_hours else labels["mobile"]
            found.append(_channel("mobile", phones.mobile(), label, after_hours))
        if named:
            local = f"{_ascii(holder.given)[:1]}.{_ascii(holder.family.split(' ')[0])}"
            found.append(_channel("email", f"{local}@{host}", labels["email"]))
        if not named or seed % 3 == 0:  # a vacant post keeps its mailbox
            found.append(_channel("email", f"{post.mailbox}@{host}", labels["mailbox"]))
    if seed % 5 == 0:
        found.append(_channel("fax", phones.fixed(), labels["fax"]))
    if area == DR and post.desk and hours == "24/7":
        if rank == 1 and seed % 3 != 1:
            found.append(_channel("satellite", phones.mobile(), labels["satellite"], True))
        frequency = pick(tables.HF_FREQUENCIES, key, "hf")
        callsign = f"{tables.FAMILIES[state.family].callsign} {state.code}"
        found.append(
            _channel("radio", f"HF {frequency} MHz, callsign {callsign}", labels["radio"], True)
        )
    if hours == "night" and area == TS:
        found.append(
            _channel("radio", f"VHF marine channel 16, callsign Port Control {city}", labels["vhf"])
        )
    if rank == 1:
        found.append(_channel("website", f"https://{host}/contact", labels["website"]))
    return found


def _channel(kind: str, value: str, label: str, is_24_7: bool = False) -> dict:
    return {"kind": kind, "value": value, "label": label, "is_24_7": is_24_7}


def _ascii(text: str) -> str:
    """Lower-case ASCII for an e-mail local part: accents dropped, apostrophes and spaces gone."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return "".join(
        char for char in plain.lower() if char.isascii() and (char.isalnum() or char == "-")
    )


class PhoneBook:
    """Hands out distinct valid numbers of one state, in a fixed order."""

    def __init__(self, region: str) -> None:
        self.region = region
        self._fixed = self._numbers(PhoneNumberType.FIXED_LINE, 0)
        self._mobile = self._numbers(PhoneNumberType.MOBILE, 1)

    def fixed(self) -> str:
        return next(self._fixed)

    def mobile(self) -> str:
        return next(self._mobile)

    def _base(self, kind: int) -> str:
        """A capital's area code where one is given and the library still accepts it, else
        the library's example number; 555-01xx for the United States and Canada."""
        if kind == PhoneNumberType.FIXED_LINE and self.region in tables.FIXED_LINE_BASES:
            base = tables.FIXED_LINE_BASES[self.region]
            if self._valid(base):
                return base
        if self.region in tables.RESERVED_555:
            return tables.FIXED_LINE_BASES[self.region]
        example = phonenumbers.example_number_for_type(self.region, kind)
        if example is None:
            raise ValueError(f"the phone library has no example number for {self.region}")
        return phonenumbers.format_number(example, PhoneNumberFormat.E164)

    def _numbers(self, kind: int, half: int) -> Iterator[str]:  # kind: a PhoneNumberType
        """Vary the last digits: fixed lines in the lower half of the range, mobiles the upper.

        Both halves stay apart even where the two example numbers coincide (NANP states).
        """
        base = self._base(kind)
        width, stride = (2, 7) if self.region in tables.RESERVED_555 else (3, 37)
        span = 10**width // 2
        seen: set[str] = set()
        for step in range(span):
            tail = half * span + (step * stride + 23) % span
            candidate = f"{base[:-width]}{tail:0{width}d}"
            if candidate not in seen and self._valid(candidate):
                seen.add(candidate)
                yield candidate
        raise RuntimeError(f"no more demo numbers for {self.region}")

    def _valid(self, value: str) -> bool:
        number = phonenumbers.parse(value)
        return (
            phonenumbers.is_valid_number(number)
            and phonenumbers.region_code_for_number(number) == self.region
            and phonenumbers.format_number(number, PhoneNumberFormat.E164) == value
        )
