"""The jobs page: list, filter, cancel, retry, the scheduler's own view; and the job
events that move progress bars on open pages."""
import pytest

from models import Event, Job
from tasks import schedule
from tasks.jobs import run_job


def kinds_of_events() -> list[str]:
    return [e.kind for e in Event.select().order_by(Event.id)]


def test_running_a_job_records_queued_started_progress_and_done_events(data_dir):
    job = Job.create(kind="test")

    def work(row, progress):
        progress(40, "halfway there")
        return "finished", None

    run_job(job.id, work)
    assert kinds_of_events() == ["job_queued", "job_started", "job_progress", "job_done"]
    progress = Event.get(Event.kind == "job_progress")
    assert progress.data["progress"] == 40 and progress.data["job_id"] == job.id


def test_failed_and_cancelled_jobs_record_their_end(data_dir):
    failed, cancelled = Job.create(kind="test"), Job.create(kind="test")
    run_job(failed.id, lambda row, progress: 1 / 0)

    def cancel_midway(row, progress):
        schedule.cancel_job(row.id)
        progress(50)

    run_job(cancelled.id, cancel_midway)
    ends = [e.kind for e in Event.select().where(Event.kind.in_(("job_failed", "job_cancelled")))]
    assert ends == ["job_failed", "job_cancelled"]


def test_the_list_filters_by_kind_and_status(client, demo_camera):
    done = Job.create(kind="camera_test", camera=demo_camera.id, status="done", message="ok")
    Job.create(kind="render", status="failed", error="ffmpeg: exit 1")
    page = client.get("/jobs").get_data(as_text=True)
    assert "ffmpeg: exit 1" in page and f'id="job-row-{done.id}"' in page
    assert 'sse-connect="/events"' in page and 'hx-trigger="sse:job' in page
    only_failed = client.get("/jobs?status=failed").get_data(as_text=True)
    assert "ffmpeg: exit 1" in only_failed and f'id="job-row-{done.id}"' not in only_failed
    only_tests = client.get("/jobs?kind=camera_test", htmx=True).get_data(as_text=True)
    assert f'id="job-row-{done.id}"' in only_tests and "ffmpeg" not in only_tests
    assert "<html" not in only_tests  # the fragment only


def test_the_list_pages_by_key(client):
    jobs = [Job.create(kind="test", status="done") for _ in range(55)]
    first = client.get("/jobs").get_data(as_text=True)
    assert f'id="job-row-{jobs[-1].id}"' in first and f'id="job-row-{jobs[0].id}"' not in first
    older = client.get(f"/jobs?before={jobs[5].id}").get_data(as_text=True)
    assert f'id="job-row-{jobs[0].id}"' in older


@pytest.mark.parametrize("query", ["status=exploded", "before=abc", "kind=" + "k" * 80])
def test_bad_filters_are_a_clear_400(client, query):
    assert client.get(f"/jobs?{query}").status_code == 400


def test_a_failed_job_is_retried_as_a_new_job(client, demo_camera):
    failed = Job.create(kind="camera_test", camera=demo_camera.id, status="failed",
                        error="timeout")
    response = client.post(f"/jobs/{failed.id}/retry")
    retry = Job.select().order_by(Job.id.desc()).first()
    assert retry.id != failed.id and retry.kind == "camera_test"
    assert retry.camera_id == demo_camera.id and retry.status == "done"  # ran inline in tests
    assert response.headers["Location"].endswith(f"/jobs/{retry.id}")


def test_only_failed_or_cancelled_jobs_of_known_kinds_are_retried(client, data_dir):
    done = Job.create(kind="camera_test", status="done")
    unknown = Job.create(kind="mystery", status="failed")
    for job in (done, unknown):
        with pytest.raises(schedule.ScheduleError):
            schedule.retry_job(job.id)
    count = Job.select().count()
    client.post(f"/jobs/{done.id}/retry")
    assert Job.select().count() == count
    assert client.post("/jobs/9999/retry").status_code == 404


def test_a_running_job_can_be_cancelled_from_the_list(client):
    job = Job.create(kind="render", status="running")
    client.post(f"/jobs/{job.id}/cancel", {"next": "/jobs"})
    assert Job.get_by_id(job.id).cancel_requested


def test_the_scheduler_view_shows_heartbeat_queues_and_due_captures(client, demo_camera):
    from models import Timelapse

    tl = Timelapse.create(camera=demo_camera, name="Due soon", interval_seconds=10)
    schedule.start_timelapse(tl.id)
    schedule.plan_all(schedule.utcnow())  # writes the heartbeat
    html = client.get("/jobs/scheduler", htmx=True).get_data(as_text=True)
    assert "last tick 0 s ago" in html or "last tick 1 s ago" in html
    assert "Due soon" in html and "timelapser" in html
