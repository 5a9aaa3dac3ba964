"""巡察通: the application factory."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask
from flask_appbuilder import AppBuilder
from werkzeug.middleware.proxy_fix import ProxyFix

from config import BASE_DIR, CONFIGS

from . import sessions, uow
from .extensions import csrf, db, migrate, skip_commit_flush

MIGRATIONS_DIR = str(Path(BASE_DIR) / "schema" / "migrations")


def create_app(config_name: str | None = None, **overrides) -> Flask:
    """Build the app; the AppBuilder is created here, never at module level (FAB_NOTES "Wiring")."""
    app = Flask(__name__, static_folder=str(Path(BASE_DIR) / "views" / "static"), static_url_path="/static/xct",
                template_folder=str(Path(BASE_DIR) / "views" / "templates"))
    app.config.from_object(CONFIGS[config_name or os.environ.get("XCT_ENV", "development")])
    app.config.update(overrides)
    from .fab_compat import check_fab

    check_fab(app.config)  # before anything relies on an override of FAB internals
    from .security import password_complexity

    app.config.setdefault("FAB_PASSWORD_COMPLEXITY_VALIDATOR", password_complexity)
    # Later Babel directories override FAB's: our catalogue fills the strings FAB's zh leaves English.
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(Path(BASE_DIR) / "app" / "translations")
    Path(app.config["STORAGE_DIR"]).mkdir(parents=True, exist_ok=True)
    if app.config["PROXY_COUNT"]:
        hops = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    import schema  # noqa: F401  registers every table on the metadata before Migrate looks

    db.init_app(app)
    if not app.config["DB_DURABLE_COMMITS"]:
        with app.app_context():
            skip_commit_flush(db.engine)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR, render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    sessions.init_app(app)
    uow.register()

    with app.app_context():
        appbuilder = AppBuilder(update_perms=False)
        appbuilder.init_app(app, db.session)
        from views import register_views
        from views.fields import install_form_fields

        install_form_fields()  # before any form is built: strict dates, no `__None` (views.fields)
        register_views(appbuilder)

    from views.layout import register_layout

    from .audit import register as register_audit
    from .cli import register_cli
    from .search import register as register_search
    from .web import register_web

    register_audit(app)
    register_search()
    register_cli(app)
    register_layout(app)  # the side menu's current entry, breadcrumbs, status tags, local times (views.layout)
    register_web(app)
    return app
