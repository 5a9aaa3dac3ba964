"""Unbound extensions; bound to an app in create_app()."""

from flask_appbuilder.models.sqla.base import SQLA
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

from schema.base import Model

# FAB's SQLA must share FAB's metadata, or Flask-Migrate sees no tables (FAB_NOTES "Wiring").
db = SQLA(metadata=Model.metadata)
migrate = Migrate()
csrf = CSRFProtect()
