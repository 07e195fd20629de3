"""Health: a running timelapse that should have captured and did not makes /health 503,
even with every process up; the disk forecast comes from real frame sizes; /metrics."""
import datetime as dt

import time_machine

from models import Image, Setting, Timelapse
from tasks import health, schedule
from tests.ops.conftest import T0


def _beat(now: dt.datetime) -> None:
    Setting.set_value(schedule.HEARTBEAT_KEY, now.isoformat())


def _frame(tl: Timelapse, slot: dt.datetime, size: int = 50_000) -> Image:
    image = Image.create(timelapse=tl.id, slot_at=slot, captured_at=slot, day_number=1,
                         bytes=size, width=64, height=36, path=f"f/{slot:%H%M%S}.jpg")
    schedule.frame_captured(tl.id, image.id, now=slot)
    return image


def test_it_stays_healthy_while_frames_arrive_on_time(client, running):
    with time_machine.travel(T0 + dt.timedelta(minutes=3), tick=False):
        for k in range(3):
            _frame(running, running.anchor_at + dt.timedelta(minutes=k))
        _beat(T0 + dt.timedelta(minutes=3))
        response = client.get("/health")
    assert response.status_code == 200, response.json
    assert response.json["timelapses"]["items"][0]["stalled"] is False


def test_a_stalled_timelapse_turns_health_503_with_every_process_up(client, running):
    with time_machine.travel(T0 + dt.timedelta(seconds=30), tick=False):
        _beat(T0 + dt.timedelta(seconds=30))
        assert client.get("/health").status_code == 200  # the first frame is not late yet
    with time_machine.travel(T0 + dt.timedelta(minutes=10), tick=False):
        _beat(T0 + dt.timedelta(minutes=10))
        response = client.get("/health")
    body = response.json
    assert response.status_code == 503
    assert body["status"] == "unhealthy"
    assert body["consumer"]["ok"] and body["database"]["ok"] and body["queue"]["ok"]
    item = body["timelapses"]["items"][0]
    assert item["stalled"] and item["due_since"].startswith("2026-03-02T12:00:01")


def test_anonymous_monitors_get_states_but_no_names(app, running):
    body = app.test_client().get("/health").json
    assert "name" not in body["timelapses"]["items"][0]
    assert "name" not in body["cameras"]["items"][0]


def test_slots_missed_while_paused_do_not_count_as_a_stall(data_dir, running):
    with time_machine.travel(T0 + dt.timedelta(minutes=1), tick=False):
        schedule.pause_timelapse(running.id)
    with time_machine.travel(T0 + dt.timedelta(hours=5), tick=False):
        schedule.resume_timelapse(running.id)
    now = T0 + dt.timedelta(hours=5, minutes=1)
    state = health.timelapses(now)[0]
    assert not state["stalled"]
    assert not health.timelapses(now + dt.timedelta(minutes=10))[0]["ok"]


def test_a_timelapse_outside_its_window_is_not_stalled(data_dir, running):
    Timelapse.update(windows=["12:00-12:05"]).where(Timelapse.id == running.id).execute()
    later = T0 + dt.timedelta(hours=3)  # 15:00: the window closed hours ago, no frame due
    _frame(running, running.anchor_at + dt.timedelta(minutes=4))
    assert health.timelapses(later)[0]["stalled"] is False


def test_the_disk_forecast_comes_from_real_frame_sizes(data_dir, running):
    now = T0 + dt.timedelta(hours=2)
    for k in range(120):  # one 100 kB frame a minute for two hours
        Image.create(timelapse=running.id, slot_at=T0 + dt.timedelta(minutes=k),
                     captured_at=T0 + dt.timedelta(minutes=k), day_number=1, bytes=100_000,
                     width=64, height=36, path=f"f/{k}.jpg")
    disk = health.disk(now)
    per_day = 120 * 100_000 / (now - T0).total_seconds() * 86400
    assert abs(disk["bytes_per_day"] - per_day) / per_day < 0.01
    assert abs(disk["days_left"] - disk["free_bytes"] / per_day) < 0.1


def test_the_health_page_shows_the_stalled_timelapse(client, running):
    with time_machine.travel(T0 + dt.timedelta(minutes=10), tick=False):
        html = client.get("/status").get_data(as_text=True)
    assert "Needs attention" in html and "badge-stalled" in html and "Garden" in html


def test_metrics_need_a_token_or_a_session(app, client, running):
    from webapp.auth import create_api_token

    assert app.test_client().get("/metrics").status_code == 401
    token = create_api_token("prom")
    scraped = app.test_client().get("/metrics", headers={"Authorization": f"Bearer {token}"})
    assert scraped.status_code == 200
    text = scraped.get_data(as_text=True)
    assert f'timelapser_timelapse_stalled{{timelapse="{running.id}"}}' in text
    assert 'timelapser_queue_pending{queue="timelapser"}' in text
    assert client.get("/metrics").status_code == 200
