"""The executor: a dry run only says what it would do; a real run does every action, a window
of them in flight when there are many, and names together the ones the server refused.

The connection here is a stand-in for connection.py's (the one ldap3 module), recording what
it is asked; tests/integration/test_ldap_sync.py runs the same code against a real slapd."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager

import pytest

from directory.projections.ldap import executor
from directory.projections.ldap.connection import Answer
from directory.projections.ldap.diff import Action, Add, Delete, Modify
from directory.projections.ldap.settings import LdapSettings, SyncError

BASE = "ou=contacts,dc=example,dc=org"
SETTINGS = LdapSettings(url="ldap://test", bind_dn="", password="", base_dn=BASE)
DONE = Answer(0, "success", "")


class Server:
    """What the stand-in connection and its windows write to: requests in order, answers by
    DN (success unless told otherwise), and the most requests ever in flight at once."""

    def __init__(self, refuse: Mapping[str, Answer] | None = None) -> None:
        self.refuse = dict(refuse or {})
        self.requests: list[tuple[str, str]] = []
        self.windows = 0
        self.in_flight = 0
        self.most_in_flight = 0

    def write(self, kind: str, dn: str) -> Answer:
        self.requests.append((kind, dn))
        return self.refuse.get(dn, DONE)


class Window:
    def __init__(self, server: Server) -> None:
        self.server = server
        self.answers: dict[int, Answer] = {}

    def _send(self, kind: str, dn: str) -> int:
        message_id = len(self.server.requests) + 1
        self.answers[message_id] = self.server.write(kind, dn)
        self.server.in_flight += 1
        self.server.most_in_flight = max(self.server.most_in_flight, self.server.in_flight)
        return message_id

    def add(self, dn: str, attributes: Mapping[str, Sequence[str]]) -> int:
        return self._send("add", dn)

    def modify(self, dn: str, changes: Mapping[str, Sequence[str]]) -> int:
        return self._send("modify", dn)

    def delete(self, dn: str) -> int:
        return self._send("delete", dn)

    def answer(self, message_id: int) -> Answer:
        self.server.in_flight -= 1
        return self.answers.pop(message_id)


class Connection:
    settings = SETTINGS

    def __init__(self, server: Server) -> None:
        self.server = server

    def add(self, dn: str, attributes: Mapping[str, Sequence[str]]) -> Answer:
        return self.server.write("add", dn)

    def modify(self, dn: str, changes: Mapping[str, Sequence[str]]) -> Answer:
        return self.server.write("modify", dn)

    def delete(self, dn: str) -> Answer:
        return self.server.write("delete", dn)

    @contextmanager
    def window(self) -> Iterator[Window]:
        self.server.windows += 1
        window = Window(self.server)
        yield window
        assert not window.answers, "a window closed with answers still due"


def adds(count: int) -> list[Action]:
    return [
        Add(f"c{n}", {"uid": (f"c{n}",), "displayName": (f"Contact {n}",)}) for n in range(count)
    ]


def test_a_dry_run_echoes_each_action_and_needs_no_server() -> None:
    lines: list[str] = []
    actions: list[Action] = [
        Add("a", {"uid": ("a",), "displayName": ("Ana Núñez",)}),
        Modify("b", f"uid=b,{BASE}", {"l": ("Port Royal",), "mobile": ()}),
        Delete("c", f"uid=c,{BASE}"),
    ]
    executor.execute(None, actions, dry_run=True, echo=lines.append)
    assert lines == ["add    uid=a  Ana Núñez", "modify uid=b  l, mobile", "delete uid=c"]


def test_a_few_actions_are_written_one_at_a_time_on_the_connection() -> None:
    server = Server()
    done: list[int] = []
    actions = [*adds(2), Modify("b", "uid=b,ou=x", {"l": ("X",)}), Delete("c", "uid=c,ou=x")]
    executor.execute(Connection(server), actions, progress=done.append)
    assert server.requests == [
        ("add", f"uid=c0,{BASE}"),
        ("add", f"uid=c1,{BASE}"),
        ("modify", "uid=b,ou=x"),
        ("delete", "uid=c,ou=x"),
    ]
    assert server.windows == 0
    assert done == [1, 1, 1, 1]


def test_many_actions_go_through_one_window_never_more_in_flight_than_asked() -> None:
    server = Server()
    actions = adds(executor.FEW * 3)
    executor.execute(Connection(server), actions, window=7)
    assert server.windows == 1
    assert len(server.requests) == len(actions)
    assert server.most_in_flight == 7
    assert server.in_flight == 0


def test_a_window_of_one_writes_one_at_a_time() -> None:
    server = Server()
    executor.execute(Connection(server), adds(executor.FEW * 2), window=1)
    assert server.windows == 0


@pytest.mark.parametrize("count", [3, executor.FEW * 2], ids=["one at a time", "window"])
def test_refused_actions_are_named_together_and_the_others_done(count: int) -> None:
    refused = {
        f"uid=c1,{BASE}": Answer(68, "entryAlreadyExists", ""),
        f"uid=c2,{BASE}": Answer(65, "objectClassViolation", "missing sn"),
    }
    server = Server(refuse=refused)
    with pytest.raises(SyncError) as raised:
        executor.execute(Connection(server), adds(count))
    assert str(raised.value) == (
        "The LDAP server refused 2 changes:\n"
        "add    uid=c1  Contact 1: entryAlreadyExists\n"
        "add    uid=c2  Contact 2: objectClassViolation missing sn"
    )
    assert len(server.requests) == count


def test_many_refusals_are_counted_after_the_first_ten() -> None:
    server = Server(
        refuse={f"uid=c{n},{BASE}": Answer(50, "insufficientAccessRights", "") for n in range(25)}
    )
    with pytest.raises(SyncError, match=r"refused 25 changes:\n(.*\n){10}\.\.\. and 15 more$"):
        executor.execute(Connection(server), adds(25))


def test_nothing_to_do_needs_no_connection() -> None:
    executor.execute(None, [])
