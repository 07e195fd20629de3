"""The dashboard: a live card per camera."""
from __future__ import annotations

from flask import Blueprint, render_template

from models import Camera
from webapp.views import context

blueprint = Blueprint("dashboard", __name__)


@blueprint.route("/")
def index():
    """Show every camera as a card."""
    cards = context.camera_cards(list(Camera.ordered()))
    return render_template("dashboard/index.html", cards=cards)
