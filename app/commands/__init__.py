"""Use cases: each validates first, then runs in one transaction, raising a CommandError with a Chinese message."""

from app.errors import CommandError  # noqa: F401  (re-exported: `from app.commands import CommandError` stays valid)
