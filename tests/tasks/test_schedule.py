"""The scheduler: planning, no back-fill, no duplicates, pause/resume/stop, auto-stop,
camera backoff and states. Time is passed in explicitly (frozen)."""
import datetime as dt

import pytest

from models import Camera, Image, Timelapse
from tasks import schedule

# In the future, so that immediate-mode Huey keeps the eta tasks queued instead of running them.
T0 = dt.datetime(2030, 1, 7, 12, 0, 0, tzinfo=dt.UTC)


def at(seconds):
    return T0 + dt.timedelta(seconds=seconds)


@pytest.fixture
def camera(data_dir):
    return Camera.create(name="Cam", url="demo://")


def new_timelapse(camera, interval=10, **fields):
    tl = Timelapse.create(camera=camera, name="TL", interval_seconds=interval, **fields)
    return schedule.start_timelapse(tl.id, now=T0)


def queued_slots(queue, tl_id=None):
    return sorted(dt.datetime.fromisoformat(task.args[1]) for task in queue.scheduled()
                  if task.name.endswith("capture") and (tl_id is None or task.args[0] == tl_id))


def test_start_takes_the_first_frame_within_seconds(camera, empty_queue):
    tl = new_timelapse(camera)
    slots = queued_slots(empty_queue)
    assert slots[0] == at(1)
    assert tl.next_capture_at == at(1)
    assert slots == [at(1 + 10 * k) for k in range(len(slots))]
    assert slots[-1] <= T0 + schedule.HORIZON


def test_planning_twice_hands_out_each_slot_once(camera, empty_queue):
    tl = new_timelapse(camera)
    schedule.plan_timelapse(tl.id, at(30))
    schedule.plan_timelapse(tl.id, at(60))
    slots = queued_slots(empty_queue)
    assert len(slots) == len(set(slots))
    assert slots == [at(1 + 10 * k) for k in range(len(slots))]


def test_missed_slots_are_skipped_not_back_filled(camera, empty_queue):
    tl = new_timelapse(camera)
    empty_queue.storage.flush_all()
    schedule.plan_timelapse(tl.id, at(3600))  # the consumer was down for an hour
    slots = queued_slots(empty_queue)
    assert slots[0] >= at(3600 - 1)
    assert len(slots) <= schedule.HORIZON.total_seconds() / 10 + 1


def test_paused_and_completed_timelapses_are_not_planned(camera, empty_queue):
    tl = new_timelapse(camera)
    schedule.pause_timelapse(tl.id)
    empty_queue.storage.flush_all()
    assert schedule.plan_all(at(120)) == 0
    assert Timelapse.get_by_id(tl.id).next_capture_at is None
    schedule.stop_timelapse(tl.id)
    assert schedule.plan_all(at(180)) == 0


def test_pause_makes_queued_captures_quit(camera):
    tl = new_timelapse(camera)
    old_generation = tl.generation
    schedule.pause_timelapse(tl.id)
    assert schedule.claim_capture(tl.id, at(1), old_generation, 0, at(1)) is None
    schedule.resume_timelapse(tl.id, now=at(100))
    fresh = Timelapse.get_by_id(tl.id)
    assert fresh.generation != old_generation
    assert schedule.claim_capture(tl.id, at(1), old_generation, 0, at(1)) is None


def test_resume_continues_the_same_grid(camera, empty_queue):
    tl = new_timelapse(camera)
    schedule.pause_timelapse(tl.id)
    empty_queue.storage.flush_all()
    schedule.resume_timelapse(tl.id, now=at(95))
    slots = queued_slots(empty_queue)
    assert slots[0] == at(101)


@pytest.mark.parametrize("verb", ["pause", "resume", "stop"])
def test_impossible_transitions_are_refused(camera, verb):
    tl = new_timelapse(camera)
    schedule.stop_timelapse(tl.id)
    with pytest.raises(schedule.ScheduleError):
        getattr(schedule, f"{verb}_timelapse")(tl.id)


def test_a_late_capture_is_given_up(camera):
    tl = new_timelapse(camera)
    assert schedule.claim_capture(tl.id, at(1), tl.generation, 0, at(1.5)) is not None
    schedule.release_camera(camera.id)
    assert schedule.claim_capture(tl.id, at(11), tl.generation, 0, at(11 + 6)) is None


def test_one_grab_per_camera_at_a_time(camera):
    tl = new_timelapse(camera, interval=5)
    assert schedule.claim_capture(tl.id, at(1), tl.generation, 0, at(1)) is not None
    assert schedule.claim_capture(tl.id, at(6), tl.generation, 0, at(6)) is None
    schedule.release_camera(camera.id)
    assert schedule.claim_capture(tl.id, at(11), tl.generation, 0, at(11)) is not None


def test_a_filled_slot_is_never_captured_again(camera):
    tl = new_timelapse(camera)
    Image.create(timelapse=tl, slot_at=at(1), captured_at=at(1), day_number=1, bytes=1,
                 width=1, height=1, path="x.jpg")
    assert schedule.claim_capture(tl.id, at(1), tl.generation, 0, at(1)) is None


def test_failures_back_off_then_mark_the_camera_degraded_and_offline(camera, empty_queue):
    tl = new_timelapse(camera, interval=5)
    states = []
    for n in range(schedule.OFFLINE_AFTER):
        slot = at(1 + 5 * n)
        schedule.capture_failed(tl.id, slot, tl.generation, 0, "refused", now=slot)
        states.append(Camera.get_by_id(camera.id).status)
    assert states[schedule.DEGRADED_AFTER - 1] == "degraded"
    assert states[-1] == "offline"
    cam = Camera.get_by_id(camera.id)
    assert cam.retry_at > at(1 + 5 * (schedule.OFFLINE_AFTER - 1))
    # Slots inside the backoff are not grabbed.
    assert schedule.claim_capture(tl.id, at(26), tl.generation, 0, at(26)) is None


def test_a_failing_long_interval_retries_the_same_slot_a_bounded_number_of_times(camera,
                                                                                 empty_queue):
    tl = new_timelapse(camera, interval=3600)
    empty_queue.storage.flush_all()
    schedule.capture_failed(tl.id, at(1), tl.generation, 0, "timeout", now=at(9))
    retries = [t for t in empty_queue.scheduled() if t.name.endswith("capture")]
    assert [t.args[3] for t in retries] == [1]
    schedule.capture_failed(tl.id, at(1), tl.generation, schedule.MAX_SLOT_RETRIES, "timeout",
                            now=at(30))
    assert len([t for t in empty_queue.scheduled() if t.name.endswith("capture")]) == 1


def test_success_brings_the_camera_back_online(camera):
    tl = new_timelapse(camera)
    for _ in range(schedule.OFFLINE_AFTER):
        schedule.capture_failed(tl.id, at(1), tl.generation, 2, "refused", now=at(1))
    image = Image.create(timelapse=tl, slot_at=at(61), captured_at=at(61), day_number=1,
                         bytes=1, width=1, height=1, path="x.jpg")
    schedule.frame_captured(tl.id, image.id, now=at(61))
    cam = Camera.get_by_id(camera.id)
    assert (cam.status, cam.failures, cam.retry_at) == ("online", 0, None)
    assert Timelapse.get_by_id(tl.id).frame_count == 1


def test_auto_stop_after_n_frames(camera):
    tl = new_timelapse(camera, stop_after_frames=1)
    image = Image.create(timelapse=tl, slot_at=at(1), captured_at=at(1), day_number=1,
                         bytes=1, width=1, height=1, path="x.jpg")
    schedule.frame_captured(tl.id, image.id, now=at(1))
    assert Timelapse.get_by_id(tl.id).status == "completed"


def test_auto_stop_at_a_date_and_after_days(camera, empty_queue):
    tl = new_timelapse(camera, stop_at=at(30))
    assert max(queued_slots(empty_queue, tl.id)) < at(30)
    schedule.plan_all(at(31))
    assert Timelapse.get_by_id(tl.id).status == "completed"

    other = Camera.create(name="Other", url="demo://")
    tl2 = new_timelapse(other, stop_after_days=2)
    schedule.plan_all(at(2 * 86400 + 5))
    assert Timelapse.get_by_id(tl2.id).status == "completed"


def test_windows_shape_the_plan_and_the_countdown(camera, empty_queue):
    tl = new_timelapse(camera, windows=["13:00-14:00"])  # T0 is 12:00 UTC
    assert queued_slots(empty_queue) == []
    assert Timelapse.get_by_id(tl.id).next_capture_at == dt.datetime(
        2030, 1, 7, 13, 0, 1, tzinfo=dt.UTC)


def test_the_tick_writes_a_heartbeat_and_reaps_stuck_jobs(camera):
    from models import Job, Setting
    job = Job.create(kind="camera_test", camera=camera, status="running",
                     started_at=at(0) - dt.timedelta(hours=1))
    schedule.plan_all(at(0))
    assert Setting.get_value(schedule.HEARTBEAT_KEY) == at(0).isoformat()
    assert Job.get_by_id(job.id).status == "failed"


def test_day_numbers_count_local_days_from_the_start(camera):
    tl = new_timelapse(camera)
    assert schedule.day_number(tl, at(1)) == 1
    assert schedule.day_number(tl, at(12 * 3600)) == 2
