"""Use cases: each validates first, then runs in one transaction, raising a CommandError with a Chinese message."""


class CommandError(Exception):
    """A user-facing failure; `message` is Chinese and names the field where there is one."""

    status = 422

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
