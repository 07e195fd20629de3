"""Running a Job row: claim it (so it never runs twice), report progress, honour cancel,
record the outcome. Job tasks are thin wrappers around `run_job`."""
from __future__ import annotations

import logging
import time
from collections.abc import Callable

import settings
from models import Camera, Event, Job, utcnow
from pipelines import capture as capture_pipeline
from pipelines.thumbnails import Target, VariantSpec
from tasks import capture as capture_tasks
from tasks import storage
from tasks.queue import huey

log = logging.getLogger(__name__)

PREVIEW_THUMB = VariantSpec(320, "jpeg", 80)  # the card's picture before any frame exists
REPORT_EVERY = 0.5  # seconds between progress writes: the page polls about this often


class JobCancelled(Exception):
    """Raised from a progress report once someone asked the job to stop."""


class JobFailed(Exception):
    """Expected failure with a message fit for the person (no traceback logged)."""


class Progress:
    """The callback handed to pipelines: `progress(percent, message, stats=None)`.

    Writes the job row at most every REPORT_EVERY seconds, and raises JobCancelled when
    a cancel was requested, so the pipeline stops and cleans up through its `finally`.
    Each write is also a `job_progress` event, so open pages move their progress bars."""

    def __init__(self, job_id: int, job: Job | None = None):
        self.job_id = job_id
        self.job = job
        self._last = 0.0

    def __call__(self, percent: float, message: str = "", stats: dict | None = None) -> None:
        now = time.monotonic()
        if now - self._last < REPORT_EVERY:
            return
        self._last = now
        # The heartbeat tells the reaper a long job is alive; STATS (say a render's fps and
        # time left) sit in `result` while the job runs and give way to the outcome.
        fields = {Job.progress: max(0.0, min(100.0, percent)), Job.heartbeat_at: utcnow()}
        if message:
            fields[Job.message] = message
        if stats:
            fields[Job.result] = stats
        Job.update(fields).where(Job.id == self.job_id).execute()
        if self.job is not None:
            job_event(self.job, "progress", message or f"{percent:.0f}%",
                      progress=round(fields[Job.progress], 1))
        if Job.select(Job.cancel_requested).where(Job.id == self.job_id).scalar():
            raise JobCancelled()


def job_event(job: Job, what: str, message: str = "", **data) -> None:
    """A `job_<what>` event for the live pages (and the scheduler's notifications)."""
    Event.record(f"job_{what}", f"{job.kind} job {job.id}: {message or what}",
                 camera_id=job.camera_id, timelapse_id=job.timelapse_id, job_id=job.id,
                 job_kind=job.kind, **data)


def finish(job_id: int, status: str, message: str = "", error: str = "", result=None) -> None:
    fields = {Job.status: status, Job.message: message, Job.error: error, Job.result: result,
              Job.finished_at: utcnow()}
    if status == "done":
        fields[Job.progress] = 100
    if Job.update(fields).where(Job.id == job_id, Job.status == "running").execute():
        job = Job.get_by_id(job_id)
        job_event(job, status, error or message)


def run_job(job_id: int, work: Callable[[Job, Progress], tuple[str, dict | None]]) -> None:
    """Claim the job and run WORK(job, progress) -> (message, result); record the outcome."""
    job = Job.get_or_none(Job.id == job_id)
    if job is None or not job.claim():
        return
    job_event(job, "started", "started")
    try:
        message, result = work(job, Progress(job_id, job))
    except JobCancelled:
        finish(job_id, "cancelled", message="Cancelled")
    except JobFailed as exc:
        finish(job_id, "failed", message="Failed", error=str(exc))
    except Exception as exc:  # a job records its failure instead of dying silently
        log.exception("job %s (%s) failed", job_id, job.kind)
        finish(job_id, "failed", message="Failed", error=f"{type(exc).__name__}: {exc}")
    else:
        finish(job_id, "done", message=message, result=result)


@huey.task()
def test_camera(job_id: int) -> None:
    run_job(job_id, _test_camera)


def _test_camera(job: Job, progress: Progress) -> tuple[str, dict]:
    camera = Camera.get_or_none(Camera.id == job.camera_id)
    if camera is None:
        raise JobFailed("The camera was deleted.")
    rel, rel_thumb = storage.preview_paths(camera.id)
    try:
        frame = capture_pipeline.take_frame(
            camera.url, capture_tasks.camera_transform(camera), storage.media_path(rel),
            [Target(PREVIEW_THUMB, storage.media_path(rel_thumb))], quality=camera.jpeg_quality,
            timeout=settings.current.capture_timeout)
    except (capture_pipeline.CaptureError, ValueError) as exc:
        raise JobFailed(str(exc)) from None
    Camera.update(preview_path=rel).where(Camera.id == camera.id).execute()
    return (f"Connected: {frame.width}x{frame.height} in {frame.grab_ms:.0f} ms",
            {"width": frame.width, "height": frame.height, "grab_ms": round(frame.grab_ms, 1)})
