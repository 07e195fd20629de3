"""Jobs: claimed once, progress written, cancel honoured, failures recorded."""
import pytest

from models import Job
from tasks import schedule
from tasks.jobs import JobFailed, Progress, run_job


@pytest.fixture
def job(data_dir):
    return Job.create(kind="test")


def test_a_job_runs_once_and_records_its_result(job):
    calls = []

    def work(row, progress):
        calls.append(row.id)
        return "All good", {"n": 1}

    run_job(job.id, work)
    run_job(job.id, work)
    row = Job.get_by_id(job.id)
    assert calls == [job.id]
    assert (row.status, row.message, row.result) == ("done", "All good", {"n": 1})
    assert row.progress == 100
    assert row.started_at and row.finished_at


def test_a_cancel_stops_a_running_job_at_its_next_report(job):
    def work(row, progress):
        progress(10, "first")
        schedule.cancel_job(row.id)
        progress._last = 0  # the next report is due now
        progress(20, "second")
        raise AssertionError("the job should have stopped")

    run_job(job.id, work)
    row = Job.get_by_id(job.id)
    assert (row.status, row.message) == ("cancelled", "Cancelled")


def test_a_queued_job_is_cancelled_at_once_and_never_runs(job):
    schedule.cancel_job(job.id)
    run_job(job.id, lambda row, progress: pytest.fail("ran"))
    assert Job.get_by_id(job.id).status == "cancelled"


def test_an_ended_job_cannot_be_cancelled(job):
    run_job(job.id, lambda row, progress: ("ok", None))
    with pytest.raises(schedule.ScheduleError):
        schedule.cancel_job(job.id)


def test_failures_are_recorded_with_their_message(job):
    def work(row, progress):
        raise JobFailed("The camera was deleted.")

    run_job(job.id, work)
    row = Job.get_by_id(job.id)
    assert (row.status, row.error) == ("failed", "The camera was deleted.")


def test_an_unexpected_error_fails_the_job_instead_of_vanishing(job):
    run_job(job.id, lambda row, progress: 1 / 0)
    assert "ZeroDivisionError" in Job.get_by_id(job.id).error


def test_progress_is_clamped_and_throttled(job):
    Job.update(status="running").where(Job.id == job.id).execute()
    progress = Progress(job.id)
    progress(150, "over")
    progress(5, "too soon")
    row = Job.get_by_id(job.id)
    assert (row.progress, row.message) == (100, "over")
