"""Fixtures for the operations tests: a fake notification endpoint, time helpers."""
import datetime as dt

import pytest
import time_machine

from models import Camera, Setting, Timelapse
from tasks import notify, schedule
from tests.servers.notify_endpoint import NotifyEndpoint

T0 = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def endpoint(data_dir):
    """A local json:// endpoint, configured as the only notification URL."""
    with NotifyEndpoint() as server:
        Setting.set_value(notify.URLS_KEY, [server.url()])
        yield server


@pytest.fixture
def running(data_dir):
    """A camera with a 60 s timelapse started at T0."""
    camera = Camera.create(name="Yard", url="demo://")
    tl = Timelapse.create(camera=camera, name="Garden", interval_seconds=60)
    with time_machine.travel(T0, tick=False):
        schedule.start_timelapse(tl.id)
    return Timelapse.get_by_id(tl.id)


@pytest.fixture
def app(data_dir):
    """The app with a fast event stream: short heartbeats, streams that end after 1.5 s."""
    import settings
    from webapp import create_app

    return create_app({"TESTING": True, "DATABASE_URL": settings.current.database_url,
                       "EVENTS_HEARTBEAT": 0.3, "EVENTS_MAX_AGE": 1.5, "EVENTS_POLL": 0.05,
                       "EVENTS_MAX_STREAMS": 3})
