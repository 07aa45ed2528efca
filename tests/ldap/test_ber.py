"""The write requests the sync encodes itself are byte for byte what ldap3 encodes."""

from __future__ import annotations

import pytest
from ldap3.operation.add import add_operation
from ldap3.operation.delete import delete_operation
from ldap3.operation.modify import modify_operation
from ldap3.protocol.rfc4511 import LDAPMessage, MessageID, ProtocolOp
from ldap3.utils.asn1 import encode

from directory.projections.ldap import ber

ENTRY = {
    "objectClass": ["top", "person", "organizationalPerson", "inetOrgPerson"],
    "cn": ["Zoë O'Neil", "zoe o'neil", "x" * 300],
    "sn": ["O'Neil"],
    "postalAddress": ["Rue de l'Église, 12$#3 \\24 Office"],
}
DN = "uid=a\\,b,ou=contacts,dc=example,dc=org"


def ldap3_bytes(message_id: int, name: str, request) -> bytes:  # type: ignore[no-untyped-def]
    message = LDAPMessage()
    message["messageID"] = MessageID(message_id)
    message["protocolOp"] = ProtocolOp().setComponentByName(name, request)
    return encode(message)


@pytest.mark.parametrize("message_id", [1, 127, 128, 1_000_000, 2**31 - 1])
def test_add_matches_ldap3(message_id: int) -> None:
    expected = ldap3_bytes(
        message_id, "addRequest", add_operation(DN, ENTRY, True, None, None, False)
    )
    assert ber.add_request(message_id, DN, ENTRY) == expected


def test_modify_replace_and_remove_match_ldap3() -> None:
    changes = {"l": ["Port Royal"], "mobile": []}
    request = modify_operation(
        DN,
        {name: [("MODIFY_REPLACE", values)] for name, values in changes.items()},
        True,
        None,
        None,
        False,
    )
    assert ber.modify_request(7, DN, changes) == ldap3_bytes(7, "modifyRequest", request)


def test_delete_matches_ldap3() -> None:
    assert ber.delete_request(9, DN) == ldap3_bytes(9, "delRequest", delete_operation(DN))


def test_results_are_read_back() -> None:
    # addResponse, id 1000000, entryAlreadyExists (68), no matched DN, a message
    body = b"\x0a\x01\x44\x04\x00" + ber.tlv(0x04, b"Already exists")
    message = ber.tlv(0x30, b"\x02\x03\x0f\x42\x40" + ber.tlv(0x69, body))
    assert ber.message_size(message + b"\x30") == len(message)
    assert ber.message_size(message[:1]) == 0
    assert ber.parse_result(message) == ber.Result(1_000_000, "add", 68, "Already exists")


def test_garbage_is_refused() -> None:
    with pytest.raises(ber.BerError):
        ber.parse_result(b"\x30\x03\x02\x01")
    with pytest.raises(ber.BerError):
        ber.parse_result(
            ber.tlv(0x30, b"\x02\x01\x01" + ber.tlv(0x61, b"\x0a\x01\x00\x04\x00\x04\x00"))
        )


def test_a_search_entry_and_the_end_of_a_page_with_its_cookie_are_read() -> None:
    values = ber.tlv(0x31, ber.tlv(0x04, "Zoë".encode()) + ber.tlv(0x04, b"zoe"))
    attribute = ber.tlv(0x30, ber.tlv(0x04, b"cn") + values)
    entry = ber.tlv(0x64, ber.tlv(0x04, b"uid=a,ou=c") + ber.tlv(0x30, attribute))
    parsed = ber.parse_search(ber.tlv(0x30, b"\x02\x01\x05" + entry))
    assert parsed == ber.SearchEntry(5, "uid=a,ou=c", {"cn": ("Zoë", "zoe")})

    done = ber.tlv(0x65, b"\x0a\x01\x00\x04\x00\x04\x00")
    paging = ber.tlv(0x30, b"\x02\x01\x00" + ber.tlv(0x04, b"next-page"))
    control = ber.tlv(0x30, ber.tlv(0x04, ber.PAGED_RESULTS.encode()) + ber.tlv(0x04, paging))
    parsed = ber.parse_search(ber.tlv(0x30, b"\x02\x01\x05" + done + ber.tlv(0xA0, control)))
    assert parsed == ber.SearchDone(ber.Result(5, "search", 0, ""), b"next-page")


def test_a_search_request_asks_one_level_with_paging() -> None:
    request = ber.search_request(
        3, "ou=c", ber.equality_filter("uid", "a"), ["cn", "mail"], 500, b"k"
    )
    assert request.startswith(b"\x30")
    assert ber.message_size(request) == len(request)
    assert b"\x63" in request and ber.PAGED_RESULTS.encode() in request
    assert b"\xa3\x08\x04\x03uid\x04\x01a" in request  # (uid=a) as an equality match
