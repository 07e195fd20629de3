"""The Flask side: `create_app()` builds the app; wsgi.py is the only module that calls it
at import time."""
from __future__ import annotations

from pathlib import Path

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

import models
import settings
from webapp import auth, cli, htmx
from webapp.extensions import csrf, login_manager

ROOT = Path(__file__).resolve().parent.parent


def create_app(overrides: dict | None = None) -> Flask:
    app = Flask(__name__, template_folder=str(ROOT / "templates"),
                static_folder=str(ROOT / "static"))
    conf = settings.current
    app.config.update(
        SECRET_KEY=conf.secret_key,
        DATABASE_URL=conf.database_url,
        MAX_CONTENT_LENGTH=32 * 1024 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
    )
    app.config.update(overrides or {})
    models.init_db(app.config["DATABASE_URL"])

    csrf.init_app(app)
    login_manager.init_app(app)
    _register_blueprints(app)
    _register_errors(app)
    app.before_request(_open_db)
    _log_to_database(app)
    app.teardown_appcontext(_close_db)
    app.after_request(htmx.vary_on_htmx)
    cli.register(app)
    app.jinja_env.globals.update(htmx=htmx)
    app.jinja_env.filters.update(htmx.FILTERS)
    return app


def _register_blueprints(app: Flask) -> None:
    from webapp.api import blueprint as api_blueprint
    from webapp.views import BLUEPRINTS

    app.register_blueprint(auth.blueprint)
    for bp in BLUEPRINTS:
        app.register_blueprint(bp)
    csrf.exempt(api_blueprint)  # the API authenticates with bearer tokens, not cookies
    app.register_blueprint(api_blueprint)


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/health"


def _register_errors(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        message = exc.description or exc.name
        if _wants_json():
            return jsonify(error=message, fields={}), exc.code
        return render_template("shared/error.html", code=exc.code, title=exc.name,
                               message=message), exc.code

    @app.errorhandler(Exception)
    def unexpected_error(exc: Exception):
        app.logger.exception("unhandled error on %s", request.path)
        message = "Something went wrong on the server; the details are in the log."
        if _wants_json():
            return jsonify(error=message, fields={}), 500
        return render_template("shared/error.html", code=500, title="Server error",
                               message=message), 500


def _log_to_database(app: Flask) -> None:
    """App logs go to the database in batches; a request's lines are written as it ends."""
    from tasks import logbook

    app.logger  # noqa: B018  Flask adds its stderr handler on first use: keep it
    logbook.install("web")
    app.teardown_request(lambda exc: logbook.flush())


def _open_db() -> None:
    models.db.connect(reuse_if_open=True)


def _close_db(exc: BaseException | None) -> None:
    if not models.db.is_closed():
        models.db.close()
