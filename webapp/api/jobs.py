"""Jobs: poll long work (camera tests, renders) until it ends."""
from __future__ import annotations

from flask import jsonify

from models import Job
from webapp.api import blueprint, get_or_404
from webapp.api import serializers as ser


@blueprint.get("/jobs/<int:job_id>")
def job_detail(job_id: int):
    """One job's status, progress and outcome."""
    return jsonify(ser.job(get_or_404(Job, job_id)))
