"""A job's status as a fragment that polls itself until the job ends."""
from __future__ import annotations

from flask import Blueprint, flash

from models import Job
from tasks import schedule
from webapp import htmx
from webapp.views import context

blueprint = Blueprint("jobs", __name__)


@blueprint.route("/jobs/<int:job_id>")
def show(job_id: int):
    """Show a job's progress and outcome."""
    job = context.or_404(Job, job_id)
    return htmx.render("jobs/show.html", "jobs/_job.html", **context.job_status(job))


@blueprint.post("/jobs/<int:job_id>/cancel")
def cancel(job_id: int):
    """Ask a job to stop, then show it again."""
    job = context.or_404(Job, job_id)
    try:
        job = schedule.cancel_job(job.id)
    except schedule.ScheduleError as exc:
        flash(str(exc), "error")
    if htmx.is_fragment_request():
        return htmx.render("jobs/show.html", "jobs/_job.html", **context.job_status(job))
    return htmx.redirect_to(context.safe_next(f"/jobs/{job.id}"))
