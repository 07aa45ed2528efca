"""Domain errors that views, the API and the CLI turn into messages."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error a service raises on purpose."""


class NotFound(DomainError):
    pass


class PermissionDenied(DomainError):
    pass


class ValidationFailed(DomainError):
    """Input that cannot be saved; ``errors`` maps a field name to its messages."""

    def __init__(self, errors: dict[str, list]):
        # Messages may be lazy translations: they become text in the reader's language.
        super().__init__(
            "; ".join(
                f"{field}: {' '.join(str(m) for m in msgs)}" for field, msgs in errors.items()
            )
        )
        self.errors = errors


class VersionConflict(DomainError):
    """The record changed since the caller read it; nothing was written."""

    def __init__(self, expected: int, current: int):
        super().__init__(f"expected version {expected}, the current version is {current}")
        self.expected = expected
        self.current = current
