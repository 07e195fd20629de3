"""End to end: a render on the real render consumer (the Procfile's `render` line) while a
5 s timelapse captures on the real capture consumer. Every capture slot during the render
must be filled (a capture more than 2.5 s late is skipped, so a starved consumer shows as
a gap); then a second render is cancelled mid-encode and leaves no file behind.
"""
from __future__ import annotations

import datetime as dt
import sqlite3
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from tests.fixtures.video_frames import probe

pytestmark = pytest.mark.e2e

INTERVAL = 5
FRAMES = 40  # 1080p noise at the "slow" preset: 10-30 s of encoding on 2 cores
T0 = dt.datetime(2030, 1, 7, 8, 0)


def plant_frames(data_dir: Path, tl_id: int, count: int) -> None:
    """COUNT 1080p frames of a stopped timelapse, written as the capture task would (a few
    distinct noisy pictures, which x264 finds hard, reused by the rows)."""
    rng = np.random.default_rng(5)
    base = rng.integers(0, 255, (135, 240, 3), dtype=np.uint8)
    paths = []
    for n in range(6):
        rel = f"timelapses/{tl_id}/frames/2030-01-07/{n:06d}.jpg"
        img = cv2.resize(np.roll(base, n * 3, axis=1), (1920, 1080))
        img = cv2.add(img, rng.integers(0, 40, img.shape, dtype=np.uint8))
        (data_dir / "media" / rel).parent.mkdir(parents=True, exist_ok=True)
        assert cv2.imwrite(str(data_dir / "media" / rel), img)
        paths.append(rel)
    rows = [{"timelapse_id": tl_id, "slot_at": str(T0 + dt.timedelta(seconds=10 * n)),
             "captured_at": str(T0 + dt.timedelta(seconds=10 * n)), "day_number": 1,
             "bytes": 1, "width": 1920, "height": 1080, "path": paths[n % len(paths)]}
            for n in range(count)]
    with sqlite3.connect(data_dir / "timelapser.db", timeout=30) as conn:
        columns = conn.execute("PRAGMA table_info(image)").fetchall()
        # Columns other areas add (NOT NULL, no default) get their empty value.
        extra = {c[1]: (0 if c[2] in ("INTEGER", "REAL") else "") for c in columns
                 if c[3] and c[4] is None and c[1] not in rows[0] and c[1] != "id"}
        rows = [{**row, **extra} for row in rows]
        names = list(rows[0])
        conn.executemany(f"INSERT INTO image ({', '.join(names)}) VALUES "
                         f"({', '.join('?' * len(names))})", [list(r.values()) for r in rows])
        conn.execute("UPDATE timelapse SET frame_count = ?, last_frame_at = ? WHERE id = ?",
                     (count, rows[-1]["captured_at"], tl_id))


def slots_of(data_dir: Path, tl_id: int) -> list[dt.datetime]:
    with sqlite3.connect(data_dir / "timelapser.db", timeout=30) as conn:
        rows = conn.execute("SELECT slot_at FROM image WHERE timelapse_id = ? ORDER BY slot_at",
                            (tl_id,)).fetchall()
    return [dt.datetime.fromisoformat(r[0]).replace(tzinfo=dt.UTC) for r in rows]


def poll(api, url: str, done, limit: float = 240) -> dict:
    """GET URL until DONE(body) (bounded by LIMIT seconds); the last body."""
    deadline = time.monotonic() + limit
    while True:
        body = api.get(url).json()
        if done(body) or time.monotonic() > deadline:
            return body
        time.sleep(0.3)


def timelapse(api, base: str, name: str, interval: int) -> int:
    camera = api.post(f"{base}/api/v1/cameras", json={"name": name, "url": "demo://"}).json()
    created = api.post(f"{base}/api/v1/timelapses", json={
        "camera_id": camera["id"], "name": name, "interval_seconds": interval})
    assert created.status_code == 201, created.text
    return created.json()["id"]


def ffmpeg_writing(folder: Path) -> list[str]:
    """Command lines of running ffmpeg processes that write into FOLDER."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        if args and args[0].endswith(b"ffmpeg") and str(folder).encode() in b" ".join(args):
            found.append(b" ".join(args).decode(errors="replace"))
    return found


def test_a_render_never_delays_captures_and_a_cancel_leaves_nothing(live_app):
    api, base, data = live_app.api_session(), live_app.url, live_app.data_dir
    source = timelapse(api, base, "Render source", 86400)
    api.post(f"{base}/api/v1/timelapses/{source}/stop")
    plant_frames(data, source, FRAMES)
    watched = timelapse(api, base, "Captures meanwhile", INTERVAL)
    poll(api, f"{base}/api/v1/timelapses/{watched}", lambda b: b["frame_count"] >= 1, 60)

    job = api.post(f"{base}/api/v1/timelapses/{source}/videos",
                   json={"settings": {"speed": "slow", "fps": 25}}).json()
    job = poll(api, f"{base}/api/v1/jobs/{job['id']}",
               lambda b: b["status"] in ("done", "failed", "cancelled"))
    assert job["status"] == "done", job
    finished = dt.datetime.fromisoformat(job["finished_at"].replace("Z", "+00:00"))
    deadline = time.monotonic() + 30  # until a frame after the render: the window is closed
    while slots_of(data, watched)[-1] <= finished and time.monotonic() < deadline:
        time.sleep(0.5)
    api.post(f"{base}/api/v1/timelapses/{watched}/stop")

    video = api.get(f"{base}/api/v1/videos/{job['result']['video_id']}").json()
    seen = probe(_video_path(data, source, job["id"]))
    assert seen["frames"] == video["frames"] == FRAMES and (seen["width"], seen["height"]) == (
        1920, 1080)

    started = dt.datetime.fromisoformat(job["started_at"].replace("Z", "+00:00"))
    slots = slots_of(data, watched)
    during = [s for s in slots if started <= s <= finished]
    grid = [slots[0] + k * dt.timedelta(seconds=INTERVAL) for k in range(10000)]
    expected = [s for s in grid if started <= s <= finished]
    assert len(expected) >= 1, "the render ended before a capture was due"
    missed = sorted(set(expected) - set(during))
    assert during == expected, f"capture slots missed while rendering: {missed}"

    # A second render (another frame rate: nothing cached) is cancelled while it encodes.
    second = api.post(f"{base}/api/v1/timelapses/{source}/videos",
                      json={"settings": {"speed": "slow", "fps": 24}}).json()
    running = poll(api, f"{base}/api/v1/jobs/{second['id']}",
                   lambda b: b["status"] != "queued" and b["progress"] > 0)
    assert running["status"] == "running", running
    api.post(f"{base}/api/v1/jobs/{second['id']}/cancel")
    cancelled = poll(api, f"{base}/api/v1/jobs/{second['id']}", lambda b: b["finished_at"])
    assert cancelled["status"] == "cancelled"
    videos = data / "media" / f"timelapses/{source}/videos"
    leftovers = [p.name for p in videos.rglob("*") if p.is_file() and (
        f"job{second['id']}" in p.name or p.name.startswith("."))]
    assert leftovers == [] and ffmpeg_writing(videos) == []


def _video_path(data: Path, tl_id: int, job_id: int) -> Path:
    [path] = (data / "media" / f"timelapses/{tl_id}/videos").glob(f"*-job{job_id}.mp4")
    return path
