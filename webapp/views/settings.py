"""Settings: an index page linking one page per area (each area's module owns its page)."""
from __future__ import annotations

from flask import Blueprint, render_template

blueprint = Blueprint("settings", __name__)


@blueprint.route("/settings")
def index():
    """List the settings pages."""
    return render_template("settings/index.html")
