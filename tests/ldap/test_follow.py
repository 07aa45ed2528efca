"""What the LDAP projection does with a batch of the change log: only contacts concern it.
(Following against a real slapd, the server going away included: tests/integration.)"""

from __future__ import annotations

from directory.projections.follower import LoggedChange
from directory.projections.ldap.follow import apply_changes


class Untouchable:
    """A connection that fails the test when anything is asked of it."""

    def __getattr__(self, name: str) -> object:
        raise AssertionError(f"the LDAP connection was used: {name}")


def test_changes_to_other_entities_ask_nothing_of_the_server() -> None:
    changes = [LoggedChange(1, "user", "u1", "create"), LoggedChange(2, "user", "u1", "update")]
    assert apply_changes(Untouchable(), changes) == []
