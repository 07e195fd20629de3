"""Job tasks: each claims its Job row (so it never runs twice), makes one pipeline call
and records the outcome on the row."""
from __future__ import annotations

import settings
from models import Camera, Job, utcnow
from pipelines import capture as capture_pipeline
from tasks import capture as capture_tasks
from tasks import storage
from tasks.queue import huey


def finish(job: Job, status: str, message: str = "", error: str = "", result=None) -> None:
    Job.update(status=status, progress=100 if status == "done" else job.progress,
               message=message, error=error, result=result, finished_at=utcnow()
               ).where(Job.id == job.id, Job.status == "running").execute()


@huey.task()
def test_camera(job_id: int) -> None:
    job = Job.get_or_none(Job.id == job_id)
    if job is None or not job.claim():
        return
    camera = Camera.get_or_none(Camera.id == job.camera_id)
    if camera is None:
        finish(job, "failed", error="The camera was deleted.")
        return
    rel, rel_thumb = storage.preview_paths(camera.id)
    try:
        frame = capture_pipeline.take_frame(
            camera.url, capture_tasks.camera_transform(camera), storage.media_path(rel),
            storage.media_path(rel_thumb), quality=camera.jpeg_quality,
            timeout=settings.current.capture_timeout)
    except (capture_pipeline.CaptureError, ValueError) as exc:
        finish(job, "failed", message="Connection failed", error=str(exc))
        return
    Camera.update(preview_path=rel).where(Camera.id == camera.id).execute()
    size = f"{frame.width}x{frame.height}"
    finish(job, "done", message=f"Connected: {size} in {frame.grab_ms:.0f} ms",
           result={"width": frame.width, "height": frame.height,
                   "grab_ms": round(frame.grab_ms, 1)})
