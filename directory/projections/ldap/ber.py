"""BER for the three write requests the sync sends (RFC 4511 add, modify, delete) and the
result each gets back. Pure.

ldap3 builds every request through pyasn1: about 1.35 ms of Python per add of a typical entry
(measured here), three times what slapd needs to store it. These functions write the same bytes
as ldap3 (a test compares them) in a few microseconds, so that the sync can keep a window of
requests in flight over ldap3's bound connection. Searches, binds and TLS stay with ldap3.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

INTEGER, OCTET_STRING, ENUMERATED, SEQUENCE, SET = 0x02, 0x04, 0x0A, 0x30, 0x31
MODIFY_REQUEST, ADD_REQUEST, DEL_REQUEST = 0x66, 0x68, 0x4A  # [APPLICATION 6, 8, 10]
RESPONSES = {0x67: "modify", 0x69: "add", 0x6B: "delete", 0x78: "extended"}
REPLACE = 2


def _length(size: int) -> bytes:
    if size < 0x80:
        return bytes((size,))
    octets = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes((0x80 | len(octets),)) + octets


def tlv(tag: int, content: bytes) -> bytes:
    return bytes((tag,)) + _length(len(content)) + content


def _integer(tag: int, value: int) -> bytes:
    return tlv(tag, value.to_bytes(max(1, (value.bit_length() + 8) // 8), "big", signed=True))


def _string(value: str) -> bytes:
    return tlv(OCTET_STRING, value.encode("utf-8"))


def _attribute(name: str, values: Iterable[str]) -> bytes:
    return tlv(SEQUENCE, _string(name) + tlv(SET, b"".join(_string(v) for v in values)))


def _message(message_id: int, operation: bytes) -> bytes:
    return tlv(SEQUENCE, _integer(INTEGER, message_id) + operation)


def add_request(message_id: int, dn: str, attributes: Mapping[str, Iterable[str]]) -> bytes:
    attribute_list = b"".join(_attribute(name, values) for name, values in attributes.items())
    return _message(message_id, tlv(ADD_REQUEST, _string(dn) + tlv(SEQUENCE, attribute_list)))


def modify_request(message_id: int, dn: str, replace: Mapping[str, Iterable[str]]) -> bytes:
    """Replace each attribute's values; no values removes the attribute."""
    changes = b"".join(
        tlv(SEQUENCE, _integer(ENUMERATED, REPLACE) + _attribute(name, values))
        for name, values in replace.items()
    )
    return _message(message_id, tlv(MODIFY_REQUEST, _string(dn) + tlv(SEQUENCE, changes)))


def delete_request(message_id: int, dn: str) -> bytes:
    return _message(message_id, tlv(DEL_REQUEST, dn.encode("utf-8")))


# Reading the answers ----------------------------------------------------------------------------


class BerError(ValueError):
    """The server sent something that is not an LDAP result."""


@dataclass(frozen=True)
class Result:
    message_id: int
    operation: str  # add, modify, delete, or extended (a notice of disconnection)
    code: int
    diagnostic: str


def _read(data: bytes, at: int) -> tuple[int, int, int]:
    """(tag, start of content, end of content) of the element at ``at``."""
    if at + 2 > len(data):
        raise BerError("truncated element")
    tag, first = data[at], data[at + 1]
    at += 2
    if first < 0x80:
        size = first
    else:
        count = first & 0x7F
        if count == 0 or count > 4 or at + count > len(data):
            raise BerError("unsupported length")
        size = int.from_bytes(data[at : at + count], "big")
        at += count
    if at + size > len(data):
        raise BerError("truncated element")
    return tag, at, at + size


def message_size(buffer: bytes | bytearray) -> int:
    """Bytes of the first whole message in ``buffer``, or 0 when more must be read first."""
    if len(buffer) < 2:
        return 0
    first = buffer[1]
    if first < 0x80:
        return 2 + first
    count = first & 0x7F
    if len(buffer) < 2 + count:
        return 0
    return 2 + count + int.from_bytes(buffer[2 : 2 + count], "big")


def parse_result(message: bytes) -> Result:
    tag, start, _ = _read(message, 0)
    if tag != SEQUENCE:
        raise BerError("not an LDAP message")
    tag, id_start, id_end = _read(message, start)
    if tag != INTEGER:
        raise BerError("no message id")
    message_id = int.from_bytes(message[id_start:id_end], "big", signed=True)
    tag, op_start, _ = _read(message, id_end)
    operation = RESPONSES.get(tag)
    if operation is None:
        raise BerError(f"unexpected response 0x{tag:02x}")
    tag, code_start, code_end = _read(message, op_start)
    if tag != ENUMERATED:
        raise BerError("no result code")
    code = int.from_bytes(message[code_start:code_end], "big")
    _, _, matched_end = _read(message, code_end)
    _, text_start, text_end = _read(message, matched_end)
    diagnostic = message[text_start:text_end].decode("utf-8", "replace")
    return Result(message_id, operation, code, diagnostic)
