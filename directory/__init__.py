"""Hemispheric Points-of-Contact Directory."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from config import Config, config_from_environment

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config_class: type[Config] | None = None, **overrides: object) -> Flask:
    """Assemble an app: config -> extensions -> blueprints -> CLI -> error handlers."""
    config_class = config_class or config_from_environment()
    app = Flask(
        __name__,
        instance_path=str(overrides.get("INSTANCE_PATH", config_class.INSTANCE_PATH)),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder="static",
    )
    app.config.from_object(config_class)
    app.config.update(overrides)
    config_class.finalize(app.config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    from . import web
    from .extensions import babel, csrf, db, login_manager, migrate
    from .services.transaction import configure_engine

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=web.select_locale)
    login_manager.init_app(app)
    with app.app_context():
        configure_engine(db.engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])

    from .admin.views import bp as admin_bp
    from .api.views import bp as api_bp
    from .areas.views import bp as areas_bp
    from .auth.views import bp as auth_bp
    from .contacts.views import bp as contacts_bp
    from .countries.views import bp as countries_bp
    from .home.views import bp as home_bp
    from .packs.views import bp as packs_bp
    from .search.views import bp as search_bp
    from .transfers.views import bp as transfers_bp
    from .vcards.views import bp as vcards_bp

    for blueprint in (auth_bp, home_bp, countries_bp, areas_bp, contacts_bp, search_bp, api_bp):
        app.register_blueprint(blueprint)
    app.register_blueprint(admin_bp)
    for blueprint in (vcards_bp, transfers_bp, packs_bp):
        app.register_blueprint(blueprint)

    from .projections.search.projection import catch_up_after_commit
    from .services.transaction import on_commit

    on_commit(app, catch_up_after_commit)

    from .cli import register_cli

    register_cli(app)
    web.init_app(app)
    if app.config["PROXY_COUNT"] > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    return app
