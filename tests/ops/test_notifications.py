"""Notifications go to a local json:// endpoint, sent by the scheduler's watch, once per
outage (with a cooldown), and through the "send test notification" button."""
import datetime as dt

import time_machine

from models import Camera, Event, Job, Notification, Setting
from tasks import notify, schedule
from tasks.jobs import run_job
from tests.ops.conftest import T0


def _tick(at: dt.datetime) -> None:
    with time_machine.travel(at, tick=False):
        schedule.watch(at)


def _fail(camera_tl, times: int, at: dt.datetime) -> None:
    for _ in range(times):
        schedule.capture_failed(camera_tl.id, at, camera_tl.generation, 0, "connection refused",
                                now=at)


def _online(tl, at: dt.datetime) -> None:
    schedule._camera_succeeded(Camera.get_by_id(tl.camera_id), at)


def _offline(endpoint) -> list[dict]:
    return [m for m in endpoint.received if m["title"] == "Timelapser: Camera offline"]


def test_a_camera_outage_is_one_message_however_long_it_lasts(endpoint, running):
    _tick(T0)  # the first watch only sets its cursor: history is not news
    _fail(running, 5, T0)
    for minute in range(1, 4):
        _tick(T0 + dt.timedelta(minutes=minute))
        _fail(running, 2, T0 + dt.timedelta(minutes=minute))
    offline = _offline(endpoint)
    assert len(offline) == 1
    assert "Yard is offline" in offline[0]["message"]
    assert Notification.get(Notification.kind == "camera_offline").status == "sent"


def test_a_flapping_camera_is_not_reported_again_within_the_cooldown(endpoint, running):
    _tick(T0)
    _fail(running, 5, T0)
    _tick(T0 + dt.timedelta(minutes=1))
    _online(running, T0 + dt.timedelta(minutes=2))
    _fail(running, 5, T0 + dt.timedelta(minutes=3))
    _tick(T0 + dt.timedelta(minutes=4))
    assert len(_offline(endpoint)) == 1
    _online(running, T0 + dt.timedelta(minutes=70))
    _fail(running, 5, T0 + dt.timedelta(minutes=71))  # a new outage after the cooldown
    _tick(T0 + dt.timedelta(minutes=72))
    assert len(_offline(endpoint)) == 2


def test_a_stalled_timelapse_is_reported_once_and_its_recovery_recorded(endpoint, running):
    _tick(T0)
    for minute in (10, 11, 12):
        _tick(T0 + dt.timedelta(minutes=minute))
    stalled = [m for m in endpoint.received if m["title"] == "Timelapser: Timelapse stalled"]
    assert len(stalled) == 1 and "Garden has stalled" in stalled[0]["message"]
    assert Event.select().where(Event.kind == "timelapse_stalled").count() == 1
    schedule.pause_timelapse(running.id)
    _tick(T0 + dt.timedelta(minutes=13))
    assert Event.select().where(Event.kind == "timelapse_recovered").count() == 1


def test_a_finished_or_failed_render_is_reported(endpoint, data_dir):
    _tick(T0)
    done, failed = Job.create(kind="render"), Job.create(kind="render")
    run_job(done.id, lambda job, progress: ("Rendered 120 frames", None))
    run_job(failed.id, lambda job, progress: 1 / 0)
    Job.create(kind="camera_test")  # other jobs are not news
    _tick(T0 + dt.timedelta(minutes=1))
    assert [m["title"] for m in endpoint.received] == ["Timelapser: Render finished",
                                                       "Timelapser: Render failed"]


def test_nothing_is_sent_or_recorded_without_a_url(data_dir, running):
    _tick(T0)
    _fail(running, 5, T0)
    _tick(T0 + dt.timedelta(minutes=1))
    assert Notification.select().count() == 0


def test_an_unreachable_endpoint_is_recorded_as_failed(endpoint, running):
    endpoint.status = 500
    _tick(T0)
    _fail(running, 5, T0)
    _tick(T0 + dt.timedelta(minutes=1))
    row = Notification.get()
    assert row.status == "failed" and row.error


def test_the_test_button_sends_a_test_notification(client, endpoint):
    response = client.post("/settings/notifications/test", htmx=True)
    assert response.status_code == 200
    job = Job.get(Job.kind == "notification_test")
    assert job.status == "done", job.error
    assert endpoint.received[-1]["title"] == "Timelapser test notification"


def test_urls_are_checked_masked_and_never_echoed(client, data_dir):
    bad = client.post("/settings/notifications/urls", {"url": "nonsense://hunter2"})
    assert bad.status_code == 400 and "hunter2" not in bad.get_data(as_text=True)
    client.post("/settings/notifications/urls", {"url": "json://bob:hunter2@127.0.0.1:9/x"})
    assert notify.urls() == ["json://bob:hunter2@127.0.0.1:9/x"]
    page = client.get("/settings/notifications").get_data(as_text=True)
    assert "hunter2" not in page and "json://bob:****@127.0.0.1:9/x" in page
    client.post("/settings/notifications/urls/0/remove")
    assert notify.urls() == []
    assert client.post("/settings/notifications/urls/5/remove").status_code == 400


def test_the_cooldown_is_validated(client, data_dir):
    assert client.post("/settings/notifications/cooldown", {"cooldown": "abc"}).status_code == 400
    client.post("/settings/notifications/cooldown", {"cooldown": "15"})
    assert Setting.get_value(notify.COOLDOWN_KEY) == 15
    assert notify.cooldown() == dt.timedelta(minutes=15)


def test_the_test_button_needs_a_url(client, data_dir):
    response = client.post("/settings/notifications/test")
    assert response.status_code == 400
    assert "Add a notification URL first" in response.get_data(as_text=True)
