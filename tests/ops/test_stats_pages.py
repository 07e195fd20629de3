"""Statistics and the capture timing view, from real rows: frames per day, rates, storage,
SVG charts, lateness and missed slots with the scheduler's reasons."""
import datetime as dt

import pytest
import time_machine

from models import Event, Image
from tasks import schedule
from webapp import statistics, timing


def _frames(tl, minutes, late=0.4, grab=250.0, size=40_000):
    for k in minutes:
        slot = tl.anchor_at + dt.timedelta(minutes=k)
        image = Image.create(timelapse=tl.id, slot_at=slot,
                             captured_at=slot + dt.timedelta(seconds=late), day_number=1,
                             bytes=size, width=64, height=36, path=f"f/{k}.jpg", grab_ms=grab)
        with time_machine.travel(slot, tick=False):
            schedule.frame_captured(tl.id, image.id, now=slot)


def test_the_timing_view_counts_lateness_and_missed_slots_with_reasons(data_dir, running):
    _frames(running, [0, 1, 2, 5, 6])  # slots 3 and 4 missing
    with time_machine.travel(running.anchor_at + dt.timedelta(minutes=3, seconds=5), tick=False):
        schedule._skipped(running, running.anchor_at + dt.timedelta(minutes=3), "camera busy")
    now = running.anchor_at + dt.timedelta(minutes=8)
    data = timing.camera_timing(running.camera, now, timing.SPANS["1h"])
    assert data["frames"] == 5 and data["missed"] == 3  # slot 7 is due, too, by now
    assert data["lateness"]["p50"] == pytest.approx(0.4)
    assert data["grab"]["max"] == 250.0
    gaps = {g["start"].minute: (g["count"], g["reason"]) for g in data["gaps"]}
    assert gaps[3] == (2, "camera busy")  # slot 4 joins the gap; the reason is the first's
    assert dict(data["histogram"])["≤0.5 s"] == 5


def test_slots_while_paused_are_not_missed(data_dir, running):
    _frames(running, [0, 1])
    with time_machine.travel(running.anchor_at + dt.timedelta(minutes=1, seconds=30), tick=False):
        schedule.pause_timelapse(running.id)
    data = timing.camera_timing(running.camera, running.anchor_at + dt.timedelta(minutes=30),
                                timing.SPANS["1h"])
    assert data["missed"] == 0


def test_statistics_count_frames_per_day_rates_and_storage(data_dir, running):
    _frames(running, range(10), size=30_000)
    Event.record("capture_failed", "x", camera_id=running.camera_id, timelapse_id=running.id)
    now = running.anchor_at + dt.timedelta(minutes=20)
    with time_machine.travel(now, tick=False):
        stats = statistics.timelapse_stats(running, now)
    assert stats["days"] == [{"day": dt.date(2026, 3, 2), "frames": 10, "bytes": 300_000,
                              "cumulative_bytes": 300_000}]
    assert stats["storage"] == {"frames": 10, "bytes": 300_000, "average_bytes": 30_000}
    assert stats["rates"]["success_rate"] == pytest.approx(10 / 11)


def test_the_statistics_pages_render_charts(client, running):
    _frames(running, range(3))
    for url in ("/stats", f"/cameras/{running.camera_id}/stats",
                f"/timelapses/{running.id}/stats", f"/cameras/{running.camera_id}/timing?span=1h"):
        with time_machine.travel(running.anchor_at + dt.timedelta(minutes=5), tick=False):
            response = client.get(url)
        assert response.status_code == 200, url
        assert "<svg" in response.get_data(as_text=True), url


def test_a_bad_span_is_a_400(client, running):
    assert client.get(f"/cameras/{running.camera_id}/timing?span=1y").status_code == 400
    assert client.get("/cameras/999/stats").status_code == 404
