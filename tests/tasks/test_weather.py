"""Weather on the task side: the tick refreshes it every 30 min where a location is set,
captures copy the cached reading onto their frame (never asking the provider), and a
stale or failing provider shows on the health page without breaking anything."""
import datetime as dt

import pytest

import settings
from models import Image, Job, Setting, Timelapse
from tasks import health, schedule
from tasks import weather as weather_tasks
from tasks.capture import capture
from tests.servers.weather_server import WeatherServer

NOW = dt.datetime(2027, 3, 14, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def server(data_dir):
    with WeatherServer() as srv:
        weather_tasks.save(weather_tasks.WeatherSettings(base_url=srv.base_url))
        yield srv


@pytest.fixture
def located(data_dir):
    settings.configure(latitude=52.52, longitude=13.42)


def test_the_tick_refreshes_the_weather_every_half_hour(server, located):
    assert schedule.plan_weather(NOW) is True
    assert weather_tasks.state()["reading"]["temperature_c"] == 12.4
    assert schedule.plan_weather(NOW + dt.timedelta(minutes=29)) is False
    assert schedule.plan_weather(NOW + dt.timedelta(minutes=30)) is True
    assert len(server.requests) == 2


def test_without_a_location_nothing_is_asked(server):
    assert schedule.plan_weather(NOW) is False
    assert server.requests == [] and weather_tasks.snapshot(NOW) is None
    assert health.extra(NOW)["weather"]["state"].startswith("not configured")


def test_a_failing_provider_keeps_the_last_reading_and_warns(server, located):
    weather_tasks.refresh()
    server.status = 500
    state = weather_tasks.refresh()
    assert state["reading"]["temperature_c"] == 12.4 and "HTTP 500" in state["error"]
    fetched = dt.datetime.fromisoformat(state["fetched_at"])
    check = health.extra(fetched + dt.timedelta(hours=3))["weather"]
    assert check["ok"] is False and "stale" in check["state"] and "HTTP 500" in check["state"]
    assert health.snapshot(fetched)["warnings"]["weather"]["provider"] == "open-meteo"


def test_a_capture_stores_the_cached_weather_on_its_frame(server, located, demo_camera):
    weather_tasks.refresh()
    server.status = 500  # a capture never asks the provider: this must not matter
    tl = Timelapse.create(camera=demo_camera, name="W", interval_seconds=60)
    schedule.start_timelapse(tl.id)
    tl = Timelapse.get_by_id(tl.id)
    capture(tl.id, tl.anchor_at.isoformat(), tl.generation)
    image = Image.get(Image.timelapse == tl.id)
    assert image.weather["temperature_c"] == 12.4 and image.weather["icon"] == "partly-cloudy"
    assert len(server.requests) == 1


def test_an_old_reading_is_not_copied_onto_frames(server, located):
    weather_tasks.refresh()
    state = weather_tasks.state()
    fetched = dt.datetime.fromisoformat(state["fetched_at"])
    assert weather_tasks.snapshot(fetched + dt.timedelta(hours=1))["temperature_c"] == 12.4
    assert weather_tasks.snapshot(fetched + dt.timedelta(hours=4)) is None


def test_refresh_now_is_a_job_and_its_failure_is_recorded(server, located):
    job = schedule.request_weather_refresh()
    assert Job.get_by_id(job.id).status == "done"
    server.status = 401
    weather_tasks.save(weather_tasks.WeatherSettings("openweathermap", "secret-key-9",
                                                     server.base_url))
    failed = Job.get_by_id(schedule.request_weather_refresh().id)
    assert failed.status == "failed" and "refused the API key" in failed.error
    assert "secret-key-9" not in failed.error
    assert "secret-key-9" not in str(Setting.get_value(weather_tasks.STATE_KEY))
