"""The project's security manager (FAB_SECURITY_MANAGER_CLASS)."""

from __future__ import annotations

from flask_appbuilder.security.sqla.manager import SecurityManager


class XctSecurityManager(SecurityManager):
    """FAB's DB security; roles and permissions are synced by `flask setup` from app.permissions."""
