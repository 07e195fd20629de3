"""Login for people (session cookie) and bearer tokens for the API."""
from __future__ import annotations

import hashlib
import secrets

from flask import Blueprint, flash, render_template, request, url_for
from flask_login import UserMixin, current_user, login_required, login_user, logout_user
from werkzeug.security import check_password_hash, generate_password_hash

from models import ApiToken, User, utcnow
from webapp import htmx
from webapp.extensions import login_manager

blueprint = Blueprint("auth", __name__)

# /metrics checks a bearer token or a session itself (Prometheus scrapes with a token).
PUBLIC_ENDPOINTS = {"auth.login", "auth.setup", "static", "health.health", "metrics.metrics"}
MIN_PASSWORD = 8


class SessionUser(UserMixin):
    def __init__(self, user: User):
        self.id = str(user.id)
        self.username = user.username


@login_manager.user_loader
def load_user(user_id: str) -> SessionUser | None:
    user = User.get_or_none(User.id == int(user_id)) if user_id.isdigit() else None
    return SessionUser(user) if user else None


@login_manager.unauthorized_handler
def unauthorized():
    return htmx.redirect_to(url_for("auth.login", next=request.full_path))


@blueprint.before_app_request
def require_login():
    """Every page needs a logged-in person; the API checks its own bearer tokens."""
    endpoint = request.endpoint or ""
    if endpoint in PUBLIC_ENDPOINTS or request.path.startswith("/api/"):
        return None
    if not User.select().exists():
        return htmx.redirect_to(url_for("auth.setup"))
    if not current_user.is_authenticated:
        return unauthorized()
    return None


def create_user(username: str, password: str) -> User:
    return User.create(username=username, password_hash=generate_password_hash(password))


def check_credentials(username: str, password: str) -> User | None:
    user = User.get_or_none(User.username == username)
    if user and check_password_hash(user.password_hash, password):
        return user
    return None


def _safe_next(target: str | None) -> str:
    # Only same-site paths: never redirect to another host after login.
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("dashboard.index")


@blueprint.route("/login", methods=["GET", "POST"])
def login():
    """Log a person in."""
    if request.method == "POST":
        user = check_credentials(request.form.get("username", ""), request.form.get("password", ""))
        if user:
            login_user(SessionUser(user), remember=True)
            return htmx.redirect_to(_safe_next(request.args.get("next")))
        flash("Wrong user name or password.", "error")
        return render_template("auth/login.html"), 401
    return render_template("auth/login.html")


@blueprint.route("/logout", methods=["POST"])
@login_required
def logout():
    """Log out."""
    logout_user()
    return htmx.redirect_to(url_for("auth.login"))


@blueprint.route("/setup", methods=["GET", "POST"])
def setup():
    """Create the first (admin) account; only while there is none."""
    if User.select().exists():
        return htmx.redirect_to(url_for("auth.login"))
    errors = {}
    if request.method == "POST":
        username = request.form.get("username", "").strip()
        password = request.form.get("password", "")
        if not 1 <= len(username) <= 64:
            errors["username"] = "Choose a user name of 1 to 64 characters."
        if len(password) < MIN_PASSWORD:
            errors["password"] = f"Use at least {MIN_PASSWORD} characters."
        elif password != request.form.get("confirm", ""):
            errors["confirm"] = "The two passwords differ."
        if not errors:
            login_user(SessionUser(create_user(username, password)), remember=True)
            return htmx.redirect_to(url_for("dashboard.index"))
    return render_template("auth/setup.html", errors=errors), 400 if errors else 200


# ---------------------------------------------------------------- API tokens

def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_api_token(name: str) -> str:
    """Store a new token (its hash only) and return it: the one time it is seen."""
    token = "tl_" + secrets.token_urlsafe(32)
    ApiToken.create(name=name, token_hash=_hash(token), prefix=token[:7])
    return token


def token_from_header(header: str | None) -> ApiToken | None:
    if not header or not header.startswith("Bearer "):
        return None
    row = ApiToken.get_or_none(ApiToken.token_hash == _hash(header[7:].strip()))
    if row:
        ApiToken.update(last_used_at=utcnow()).where(ApiToken.id == row.id).execute()
    return row
