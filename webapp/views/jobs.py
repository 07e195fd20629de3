"""A job's status as a fragment that polls itself until the job ends."""
from __future__ import annotations

from flask import Blueprint

from models import Job
from webapp import htmx
from webapp.views import context

blueprint = Blueprint("jobs", __name__)


@blueprint.route("/jobs/<int:job_id>")
def show(job_id: int):
    """Show a job's progress and outcome."""
    job = context.or_404(Job, job_id)
    return htmx.render("jobs/show.html", "jobs/_job.html", **context.job_status(job))
