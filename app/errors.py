"""Typed user-facing errors, each with the HTTP status an API answers (a screen flashes the message instead).

Commands raise them after validating; views map them to a flash or a JSON answer ``{"message", "errors"}``
(views.base.XctModelRestApi.command_error). The message is Chinese and names the field where there is one.
"""

from __future__ import annotations


class CommandError(Exception):
    """A use case refused: the data breaks a rule (422 unless a subclass says otherwise)."""

    status = 422

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class BadRequest(CommandError):
    """The request itself is malformed (not JSON, a parameter of the wrong type)."""

    status = 400


class Forbidden(CommandError):
    """The caller may not take this step (the procedure gives it to someone else)."""

    status = 403


class NotFound(CommandError):
    """The record does not exist or lies outside the caller's scope (the two are not told apart)."""

    status = 404


class Conflict(CommandError):
    """The record's state does not allow the step (e.g. an archive volume already handed over)."""

    status = 409


BY_STATUS: dict[int, type[CommandError]] = {e.status: e for e in (CommandError, BadRequest, Forbidden, NotFound,
                                                                    Conflict)}


def error(message: str, field: str | None = None, status: int = 422) -> CommandError:
    """The typed error of `status` (for tables of rules that carry their status as data)."""
    return BY_STATUS[status](message, field)
