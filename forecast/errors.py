"""Domain errors: services raise them, entry points map them to 4xx answers."""

from __future__ import annotations


class DomainError(Exception):
    """A request the domain refuses; carries a stable code, a message and the offending field."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ValidationFailed(DomainError):
    """A value breaks a rule (range, shape, monotonicity...)."""

    status = 422
    code = "invalid"


class NotAuthenticated(DomainError):
    """No valid credentials were given."""

    status = 401
    code = "unauthenticated"


class Forbidden(DomainError):
    """The caller's role does not allow the action."""

    status = 403
    code = "forbidden"


class NotFound(DomainError):
    """The thing asked for does not exist (or is not visible to the caller)."""

    status = 404
    code = "not_found"


class Conflict(DomainError):
    """The action clashes with the current state (a closed question, a duplicate name)."""

    status = 409
    code = "conflict"
