"""Consult: an open-source public consultation platform."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(config_name: str | None = None, overrides: dict[str, Any] | None = None) -> Flask:
    """Build the app. Only wiring happens here: no database writes, no migrations."""
    from config import CONFIGS

    config_name = config_name or os.environ.get("CONSULT_ENV", "development")
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
    )
    app.config.from_object(CONFIGS[config_name])
    app.config["ENV_NAME"] = config_name
    if overrides:
        app.config.update(overrides)
    if not app.config.get("SECRET_KEY"):
        raise RuntimeError("SECRET_KEY must be set (environment variable) outside development.")
    from consult.core import deployment, static_files

    deployment.init_app(app)
    static_files.init_app(app)

    # Smaller pages for slow connections: drop the whitespace around template tags.
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    _init_extensions(app)
    _register_blueprints(app)

    from consult import (
        accounts,
        cli,
        comments,
        errors,
        hearings,
        invitations,
        moderation,
        reports,
        surveys,
    )
    from consult.core import holes, i18n, perms, security
    from consult.policy import versions

    versions.init_app()
    accounts.init_app()
    comments.init_app()
    hearings.init_app()
    moderation.init_app()
    surveys.init_app()
    invitations.init_app()
    reports.init_app()
    errors.register_error_handlers(app)
    i18n.init_app(app)
    security.init_app(app)
    perms.init_app(app)
    holes.init_app(app)
    cli.init_app(app)
    return app


def _init_extensions(app: Flask) -> None:
    from consult.core import database, i18n
    from consult.extensions import babel, cache, csrf, db, limiter, login_manager, migrate

    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = database.engine_options(app)
    db.init_app(app)
    database.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    cache.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = None
    login_manager.session_protection = "strong"

    from consult.accounts.services import load_session_user

    login_manager.user_loader(load_session_user)

    # Import every model module so metadata (and Alembic) sees all tables.
    from consult import models  # noqa: F401


def _register_blueprints(app: Flask) -> None:
    from consult.core.params import IdConverter

    # Before any route exists: ids past the database's range never reach a query (F5).
    app.url_map.converters["int"] = IdConverter
    from consult.accounts.admin import bp as admin_users_bp
    from consult.accounts.views import bp as accounts_bp
    from consult.api import bp as api_bp
    from consult.comments.views import bp as comments_bp
    from consult.extensions import csrf
    from consult.hearings import paper_views  # noqa: F401  (its routes join the blueprint)
    from consult.hearings.join_views import bp as join_bp  # also adds the projector routes
    from consult.hearings.views import bp as hearings_bp
    from consult.invitations import (  # noqa: F401  (their routes join the blueprint)
        admin_views,
        submission_views,
    )
    from consult.invitations.views import bp as invitations_bp
    from consult.moderation import (  # noqa: F401  (their routes join the blueprint)
        curation_views,
        disposition_views,
    )
    from consult.moderation.views import bp as moderation_bp
    from consult.policy.views import bp as policy_bp
    from consult.reports import export_views  # noqa: F401  (its routes join the blueprint)
    from consult.reports.views import bp as reports_bp
    from consult.surveys.builder import bp as survey_builder_bp
    from consult.surveys.views import bp as surveys_bp

    app.register_blueprint(policy_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(admin_users_bp)
    app.register_blueprint(comments_bp)
    app.register_blueprint(moderation_bp)
    app.register_blueprint(surveys_bp)
    app.register_blueprint(survey_builder_bp)
    app.register_blueprint(hearings_bp)
    app.register_blueprint(invitations_bp)
    app.register_blueprint(join_bp)
    app.register_blueprint(reports_bp)
    # The API authenticates with Bearer tokens only, never cookies, so CSRF does not apply.
    csrf.exempt(api_bp)
    app.register_blueprint(api_bp)
