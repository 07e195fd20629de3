"""Jobs: poll long work (camera tests, renders) until it ends."""
from __future__ import annotations

from flask import jsonify

from models import Job
from tasks import schedule
from webapp.api import blueprint, error, get_or_404
from webapp.api import serializers as ser


@blueprint.get("/jobs/<int:job_id>")
def job_detail(job_id: int):
    """One job's status, progress and outcome."""
    return jsonify(ser.job(get_or_404(Job, job_id)))


@blueprint.post("/jobs/<int:job_id>/cancel")
def job_cancel(job_id: int):
    """Ask a queued or running job to stop; 409 when it has already ended."""
    job = get_or_404(Job, job_id)
    try:
        return jsonify(ser.job(schedule.cancel_job(job.id)))
    except schedule.ScheduleError as exc:
        return error(str(exc), 409)
