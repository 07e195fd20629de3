"""When renders happen: each automatic mode fires exactly when it should and never twice;
at most one render per timelapse is in flight. Time is passed in (frozen)."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

import settings
from models import Image, Job, RenderRule, Timelapse, Video
from tasks import render_times, schedule

# In the future: eta tasks stay queued (immediate-mode Huey never runs them).
T0 = dt.datetime(2030, 1, 7, 12, 0, tzinfo=dt.UTC)
BERLIN = ZoneInfo("Europe/Berlin")


def at(minutes=0, seconds=0):
    return T0 + dt.timedelta(minutes=minutes, seconds=seconds)


@pytest.fixture
def tl(demo_camera):
    row = Timelapse.create(camera=demo_camera, name="Garden", interval_seconds=60)
    return schedule.start_timelapse(row.id, now=T0)


def capture(tl, when):
    """A frame saved at WHEN, reported like the capture task does (its file is missing, so
    a render that runs now fails at once: these tests look at the decisions only)."""
    image = Image.create(timelapse=tl, slot_at=when, captured_at=when, day_number=1, bytes=1,
                         width=16, height=16, path=f"none/{when:%H%M%S}.jpg")
    schedule.frame_captured(tl.id, image.id, now=when)
    return image


def renders(tl, trigger=None):
    query = Job.select().where(Job.kind == "render", Job.timelapse == tl.id).order_by(Job.id)
    return [j for j in query if trigger is None or j.params["trigger"] == trigger]


def rule(tl, now=T0, **fields):
    return schedule.set_render_rule(tl.id, fields, now=now)


def test_every_n_frames_fires_at_each_multiple_only(tl):
    rule(tl, every_frames=3)
    for n in range(7):
        capture(tl, at(n))
    fired = renders(tl, "milestone")
    assert [j.params["reasons"] for j in fired] == [["Reached 3 frames"], ["Reached 6 frames"]]


def test_without_a_rule_nothing_renders_by_itself(tl):
    for n in range(3):
        capture(tl, at(n))
    schedule.stop_timelapse(tl.id, now=at(5))
    schedule.plan_renders(at(60 * 24))
    assert renders(tl) == []


def test_a_daily_render_fires_at_its_local_time_once(tl):
    settings.configure(timezone="Europe/Berlin")
    capture(tl, at(0))
    rule(tl, scheduled="daily", scheduled_time="13:30")  # 12:30 UTC in winter
    due = dt.datetime(2030, 1, 7, 12, 30, tzinfo=dt.UTC)
    assert RenderRule.get().next_render_at == due
    assert schedule.plan_renders(due - dt.timedelta(minutes=2)) == 0
    assert schedule.plan_renders(due - dt.timedelta(seconds=50)) == 1
    assert schedule.plan_renders(due - dt.timedelta(seconds=10)) == 0
    assert schedule.plan_renders(due + dt.timedelta(seconds=10)) == 0
    [job] = renders(tl, "scheduled")
    assert job.status == "queued" and job.params["reasons"] == ["Scheduled daily at 13:30"]
    assert RenderRule.get().next_render_at == due + dt.timedelta(days=1)


def test_a_weekly_render_waits_for_its_weekday(tl):
    rule(tl, scheduled="weekly", scheduled_time="08:00", scheduled_weekday=4)  # T0 is a Monday
    assert RenderRule.get().next_render_at == dt.datetime(2030, 1, 11, 8, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize("after, expected", [
    # Spring forward (02:00 -> 03:00): 02:30 does not exist, it falls on 03:30 CEST.
    (dt.datetime(2030, 3, 30, 12, tzinfo=dt.UTC), dt.datetime(2030, 3, 31, 1, 30, tzinfo=dt.UTC)),
    (dt.datetime(2030, 3, 31, 1, 30, tzinfo=dt.UTC), dt.datetime(2030, 4, 1, 0, 30, tzinfo=dt.UTC)),
    # Fall back (03:00 -> 02:00): 02:30 happens twice and counts once, the first time.
    (dt.datetime(2030, 10, 26, 12, tzinfo=dt.UTC),
     dt.datetime(2030, 10, 27, 0, 30, tzinfo=dt.UTC)),
    (dt.datetime(2030, 10, 27, 0, 30, tzinfo=dt.UTC),
     dt.datetime(2030, 10, 28, 1, 30, tzinfo=dt.UTC)),
])
def test_daily_times_are_dst_safe(after, expected):
    assert render_times.next_local_time("daily", "02:30", 0, BERLIN, after) == expected


def test_a_scheduled_render_fires_once_across_a_fall_back_night(tl):
    settings.configure(timezone="Europe/Berlin")
    capture(tl, at(0))
    start = dt.datetime(2030, 10, 26, 22, 0, tzinfo=dt.UTC)
    rule(tl, now=start, scheduled="daily", scheduled_time="02:30")
    for minute in range(0, 5 * 60, 1):  # a tick a minute through the doubled hour
        schedule.plan_renders(start + dt.timedelta(minutes=minute))
    assert [j.params["trigger"] for j in renders(tl)] == ["scheduled"]


def test_a_scheduled_render_is_skipped_when_no_frame_is_new(tl):
    capture(tl, at(0))
    Video.create(timelapse=tl, name="v", path="v.mp4", codec="h264", width=2, height=2,
                 frames=1, fps=1, duration=1, bytes=1, last_frame_at=at(0))
    rule(tl, scheduled="daily", scheduled_time="12:30")
    assert schedule.plan_renders(at(30)) == 0
    assert RenderRule.get().next_render_at == at(30) + dt.timedelta(days=1)


def test_after_each_capture_keeps_the_gap_and_renders_the_held_back_frames(tl):
    rule(tl, after_capture=True, min_gap_minutes=15)
    capture(tl, at(0))
    assert len(renders(tl, "capture")) == 1
    capture(tl, at(5))
    capture(tl, at(10))
    assert len(renders(tl, "capture")) == 1  # inside the gap: held back, not dropped
    assert RenderRule.get().gap_render_at == at(15)
    assert schedule.plan_renders(at(13)) == 0
    assert schedule.plan_renders(at(14)) == 1  # within the tick's horizon: due at 12:15
    assert schedule.plan_renders(at(15)) == 0
    held_back = renders(tl, "capture")[-1]
    assert held_back.status == "queued" and len(renders(tl, "capture")) == 2
    Job.update(status="done").where(Job.id == held_back.id).execute()  # it ran at 12:15
    capture(tl, at(16))
    assert RenderRule.get().gap_render_at == at(30)  # one gap after the held-back render
    capture(tl, at(31))
    assert len(renders(tl, "capture")) == 3


def test_completion_renders_once_even_if_a_late_frame_arrives(tl):
    Timelapse.update(stop_after_frames=2).where(Timelapse.id == tl.id).execute()
    rule(tl, on_completion=True)
    capture(tl, at(0))
    capture(tl, at(1))  # the second frame completes the timelapse
    capture(tl, at(2))  # a grab that was already running when it stopped
    assert Timelapse.get_by_id(tl.id).status == "completed"
    assert [j.params["trigger"] for j in renders(tl)] == ["completion"]


def test_completion_stops_the_schedule(tl):
    capture(tl, at(0))
    rule(tl, scheduled="daily", scheduled_time="13:00")
    schedule.stop_timelapse(tl.id, now=at(1))
    assert RenderRule.get().next_render_at is None


def test_a_request_while_one_waits_is_merged_into_it(tl):
    capture(tl, at(0))
    scheduled = schedule.request_render(tl.id, None, "scheduled", "Scheduled daily",
                                        eta=at(60))
    milestone = schedule.request_render(tl.id, None, "milestone", "Reached 100 frames")
    assert milestone.id == scheduled.id and milestone.status == "queued"
    manual = schedule.request_render(tl.id, {"fps": 10}, "manual")
    assert manual.id == scheduled.id and len(renders(tl)) == 1
    job = Job.get_by_id(scheduled.id)
    assert job.params["trigger"] == "manual" and job.params["settings"] == {"fps": 10}
    assert job.params["reasons"] == ["Scheduled daily", "Reached 100 frames",
                                     "Requested by hand"]
    # A person does not wait for the scheduled time: it started at once (and failed here,
    # its frame file being missing).
    assert job.status == "failed"


def test_requests_while_one_runs_become_one_follow_up(tl):
    capture(tl, at(0))
    running = Job.create(kind="render", timelapse=tl, status="running", params={})
    follow_ups = {schedule.request_render(tl.id, None, "milestone", f"r{n}").id
                  for n in range(3)}
    assert len(follow_ups) == 1 and len(renders(tl)) == 2
    follow = Job.get_by_id(follow_ups.pop())
    assert follow.status == "queued" and follow.params["waiting"]
    Job.update(status="done").where(Job.id == running.id).execute()
    schedule.render_finished(running.id)
    follow = Job.get_by_id(follow.id)
    # It ran at once (immediate queue in tests) and failed: its frame file does not exist.
    assert not follow.params["waiting"] and follow.status == "failed"


def test_the_tick_starts_a_follow_up_left_by_a_dead_render(tl):
    capture(tl, at(0))
    Job.create(kind="render", timelapse=tl, status="running", params={},
               started_at=at(-60))
    follow = schedule.request_render(tl.id)
    schedule.plan_all(at(0))  # the reaper fails the silent render, then the follow-up starts
    assert Job.get_by_id(follow.id).status == "failed"  # it ran (its file is missing)


def test_a_long_render_that_reports_progress_is_not_reaped(tl):
    capture(tl, at(0))
    job = Job.create(kind="render", timelapse=tl, status="running", started_at=at(-60),
                     heartbeat_at=at(-1))
    schedule.reap_stuck(at(0))
    assert Job.get_by_id(job.id).status == "running"


def test_there_is_nothing_to_render_without_frames(tl):
    with pytest.raises(schedule.ScheduleError, match="no frames"):
        schedule.request_render(tl.id)
