"""Jobs: the list (filter, cancel, retry) with the scheduler's own view, and one job's
status as a fragment that polls itself until the job ends."""
from __future__ import annotations

from flask import Blueprint, abort, flash, request, url_for

from models import JOB_STATES, Job, utcnow
from tasks import health, schedule
from webapp import htmx
from webapp.views import context

blueprint = Blueprint("jobs", __name__)

JOBS_PAGE = 50


def job_list(kind: str = "", status: str = "", before: int | None = None) -> dict:
    """jobs/_list.html: one page of jobs, newest first; `older` keys the next page."""
    rows = list(Job.listing(kind, status, before, JOBS_PAGE + 1))
    older = rows[JOBS_PAGE - 1].id if len(rows) > JOBS_PAGE else None
    kinds = [k for (k,) in Job.select(Job.kind).distinct().order_by(Job.kind).tuples()]
    return {"jobs": rows[:JOBS_PAGE], "kind": kind, "status": status, "before": before,
            "older": older, "kinds": kinds, "statuses": JOB_STATES,
            "retryable": set(schedule.RETRY_TASKS)}


def scheduler_view() -> dict:
    """jobs/_scheduler.html: the scheduler's own view of itself."""
    now = utcnow()
    return {"consumer": health.consumer(now), "queue": health.queue(now),
            "due": health.timelapses_due(now)}


def _filters() -> tuple[str, str, int | None]:
    kind = request.args.get("kind", "").strip()
    status = request.args.get("status", "").strip()
    if status and status not in JOB_STATES:
        abort(400, description="'status' must be one of " + ", ".join(JOB_STATES) + ".")
    if len(kind) > 64:
        abort(400, description="'kind' is too long.")
    return kind, status, context.query_id("before")


@blueprint.route("/jobs")
def index():
    """List jobs, newest first, filtered by kind and status."""
    ctx = job_list(*_filters())
    return htmx.render("jobs/index.html", "jobs/_list.html", **ctx, **scheduler_view())


@blueprint.route("/jobs/scheduler")
def scheduler():
    """The scheduler panel: next tick, due captures, queues, heartbeat."""
    return htmx.render("jobs/index.html", "jobs/_scheduler.html", **job_list(),
                       **scheduler_view())


@blueprint.post("/jobs/<int:job_id>/retry")
def retry(job_id: int):
    """Run a failed or cancelled job again."""
    job = context.or_404(Job, job_id)
    try:
        new = schedule.retry_job(job.id)
    except schedule.ScheduleError as exc:
        flash(str(exc), "error")
        return htmx.redirect_to(context.safe_next(url_for(".index")))
    flash(f"Job {job.id} is running again as job {new.id}.", "success")
    return htmx.redirect_to(context.safe_next(url_for(".show", job_id=new.id)))


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
