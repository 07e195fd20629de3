"""Logs in the database: written in batches (never one write per line), secrets masked,
kept for the configured number of days by the scheduler, shown on a filterable page."""
import datetime as dt
import logging

import pytest
import time_machine

from models import LogEntry, Setting
from tasks import logbook, schedule
from tests.ops.conftest import T0


@pytest.fixture
def handler(data_dir):
    handler = logbook.DatabaseHandler("worker", batch=5)
    logger = logging.getLogger("tasks.test_logbook")
    logger.addHandler(handler)
    yield handler, logger
    logger.removeHandler(handler)


def test_it_writes_log_lines_in_batches_not_one_per_line(handler):
    handler, logger = handler
    inserts = []
    original = LogEntry.insert_many
    LogEntry.insert_many = classmethod(lambda cls, rows: inserts.append(len(rows))
                                       or original.__func__(cls, rows))
    try:
        for n in range(12):
            logger.warning("line %d", n)
    finally:
        LogEntry.insert_many = original
    assert inserts == [5, 5]
    assert LogEntry.select().count() == 10
    handler.flush()  # the scheduler's tick (or a request's end) writes the remainder
    assert LogEntry.select().count() == 12


def test_it_masks_passwords_in_messages_and_tracebacks(handler):
    handler, logger = handler
    logger.warning("cannot open %s", "rtsp://admin:hunter2@10.0.0.9/stream")
    try:
        raise RuntimeError("GET http://cam/snap.jpg?token=abc123&x=1 failed")
    except RuntimeError:
        logger.exception("grab failed for camera %s", 3, extra={"camera_id": 3})
    handler.flush()
    text = " ".join(e.message for e in LogEntry.select())
    assert "hunter2" not in text and "abc123" not in text
    assert "rtsp://admin:***@10.0.0.9/stream" in text and "token=***" in text
    assert LogEntry.select().where(LogEntry.camera_id == 3).count() == 1


def test_a_failing_write_keeps_the_lines_for_the_next_flush(handler, monkeypatch):
    handler, logger = handler
    monkeypatch.setattr(LogEntry, "insert_many", classmethod(lambda cls, rows: 1 / 0))
    logger.warning("kept")
    handler.flush()
    monkeypatch.undo()
    handler.flush()
    assert [e.message for e in LogEntry.select()] == ["kept"]


def _entry(at: dt.datetime, message: str) -> LogEntry:
    return LogEntry.create(created_at=at, level=30, source="worker", logger="tasks",
                           message=message)


def test_retention_deletes_only_lines_older_than_the_setting(data_dir):
    Setting.set_value(schedule.LOG_RETENTION_KEY, 3)
    _entry(T0 - dt.timedelta(days=3, minutes=1), "old")
    _entry(T0 - dt.timedelta(days=2, hours=23), "recent")
    _entry(T0, "new")
    schedule.prune(T0)
    kept = [e.message for e in LogEntry.select().where(LogEntry.logger == "tasks")]
    assert kept == ["recent", "new"]


def test_the_tick_enforces_retention(data_dir):
    _entry(T0 - dt.timedelta(days=30), "old")
    with time_machine.travel(T0, tick=False):
        schedule.plan_all(T0)
    assert not LogEntry.select().where(LogEntry.message == "old").exists()


def test_the_page_filters_by_level_camera_source_and_text_and_pages_by_key(client):
    for n in range(130):
        LogEntry.create(created_at=T0, level=20, source="web", logger="webapp", message=f"n{n}")
    LogEntry.create(created_at=T0, level=40, source="worker", logger="tasks", camera_id=7,
                    message="grab failed: timeout")
    page = client.get("/logs").get_data(as_text=True)
    assert "grab failed" in page and "Older lines" in page
    errors = client.get("/logs?level=error").get_data(as_text=True)
    assert "grab failed" in errors and "n129" not in errors
    assert "grab failed" in client.get("/logs?camera=7&source=worker&q=timeout").get_data(
        as_text=True)
    assert "grab failed" not in client.get("/logs?source=web").get_data(as_text=True)
    older = client.get("/logs?source=web&before=30").get_data(as_text=True)
    assert "n28" in older and "n29" not in older


@pytest.mark.parametrize("query", ["level=loud", "source=moon", "camera=x", "before=-1",
                                   "q=" + "x" * 300])
def test_bad_filters_are_a_clear_400(client, query):
    response = client.get(f"/logs?{query}")
    assert response.status_code == 400


def test_the_retention_setting_is_checked_and_saved(client):
    bad = client.post("/settings/logs", {"retention_days": "0"})
    assert bad.status_code == 400 and "from 1 to 365" in bad.get_data(as_text=True)
    assert Setting.get_value(schedule.LOG_RETENTION_KEY) is None
    client.post("/settings/logs", {"retention_days": "30"})
    assert Setting.get_value(schedule.LOG_RETENTION_KEY) == 30
