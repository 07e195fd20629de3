"""Scheduler timing: 20 timelapses at 5-10 s intervals on one consumer for 3 minutes,
half on the local RTSP camera, half on the local HTTP snapshot camera.

Prints captures expected vs taken, duplicates, lateness of each grab behind its slot
(p50/p95/max), grab time, and the tick's own cost (ms per tick, per timelapse).
Targets: no duplicates, no missed slots on healthy cameras, p95 lateness under 1.5 s.

Run: .venv/bin/python tests/bench/bench_scheduler.py [seconds]   (default 180)
"""
from __future__ import annotations

import datetime as dt
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(tempfile.mkdtemp(prefix="tl-bench-"))
os.environ.update(TL_DATA_DIR=str(DATA), TL_DEMO_CAMERA="0", TL_CAPTURE_TIMEOUT="8")
sys.path.insert(0, str(ROOT))

import models  # noqa: E402
import settings  # noqa: E402
from tasks import schedule  # noqa: E402
from tests.fixtures.live import procfile_commands  # noqa: E402
from tests.fixtures.servers import free_port  # noqa: E402
from tests.servers.http_camera import HttpCamera  # noqa: E402

TIMELAPSES = 20


def start_rtsp() -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen(["/usr/bin/python3", str(ROOT / "tests/servers/rtsp_server.py"),
                             str(port)], stdout=subprocess.PIPE,
                            stderr=(DATA / "rtsp.log").open("w"), text=True)
    assert proc.stdout.readline().strip() == "READY", "RTSP server did not start"
    return proc, f"rtsp://127.0.0.1:{port}/test"


def start_consumer() -> subprocess.Popen:
    log = (DATA / "worker.log").open("wb")
    return subprocess.Popen(["bash", "-c", "exec " + procfile_commands()["worker"].strip()],
                            cwd=ROOT, env=os.environ.copy(), stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def create_timelapses(rtsp_url: str, http_url: str) -> list[int]:
    ids = []
    for n in range(TIMELAPSES):
        kind, url = ("rtsp", rtsp_url) if n % 2 == 0 else ("http", http_url)
        camera = models.Camera.create(name=f"{kind}-{n}", url=url)
        tl = models.Timelapse.create(camera=camera, name=f"bench {n}",
                                     interval_seconds=5 + n % 6)
        schedule.start_timelapse(tl.id)
        ids.append(tl.id)
    return ids


def report(ids: list[int], stopped: dict[int, dt.datetime]) -> None:
    expected = taken = duplicates = 0
    lateness, grab_ms, missed = [], [], {}
    for tl_id in ids:
        tl = models.Timelapse.get_by_id(tl_id)
        slots = int((stopped[tl_id] - tl.anchor_at).total_seconds() // tl.interval_seconds) + 1
        images = [i for i in tl.images if i.slot_at <= stopped[tl_id]]
        expected += slots
        taken += len(images)
        duplicates += len(images) - len({i.slot_at for i in images})
        lateness += [(i.captured_at - i.slot_at).total_seconds() for i in images]
        grab_ms += [i.grab_ms for i in images]
        if len(images) < slots:
            missed[tl.camera.name] = slots - len(images)
    files = len(list((DATA / "media" / "timelapses").rglob("frames/*/*.jpg")))
    print(f"captures expected {expected}, taken {taken}, missed {expected - taken} {missed}")
    print(f"duplicates {duplicates}; frame files on disk {files} "
          f"(image rows {models.Image.select().count()})")
    print(f"lateness s: p50 {pct(lateness, .5):.3f}  p95 {pct(lateness, .95):.3f}  "
          f"max {max(lateness):.3f}")
    print(f"grab ms: p50 {pct(grab_ms, .5):.0f}  p95 {pct(grab_ms, .95):.0f}")
    ticks = re.findall(r"tick: planned (\d+) captures for (\d+) timelapses in ([\d.]+) ms",
                       (DATA / "worker.log").read_text())
    costs = [(float(ms), int(n)) for _, n, ms in ticks if int(n)]
    if costs:
        per_tick = statistics.median(ms for ms, _ in costs)
        per_tl = statistics.median(ms / n for ms, n in costs)
        print(f"tick: {len(costs)} ticks, median {per_tick:.1f} ms per tick, "
              f"{per_tl:.2f} ms per timelapse")


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 180
    subprocess.run([str(ROOT / ".venv/bin/flask"), "--app", "wsgi", "init-db"], cwd=ROOT,
                   check=True, capture_output=True)
    models.init_db(settings.current.database_url)
    rtsp, rtsp_url = start_rtsp()
    http = HttpCamera().start()
    consumer = start_consumer()
    try:
        time.sleep(3)  # let the consumer start its workers
        ids = create_timelapses(rtsp_url, http.url("/snapshot.jpg"))
        time.sleep(seconds)
        stopped = {}
        for tl_id in ids:
            stopped[tl_id] = models.utcnow() - dt.timedelta(seconds=10)  # in-flight grace
            schedule.stop_timelapse(tl_id)
        time.sleep(10)
    finally:
        os.killpg(consumer.pid, signal.SIGINT)
        consumer.wait(timeout=30)
        http.stop()
        rtsp.terminate()
    print(f"{TIMELAPSES} timelapses, 5-10 s intervals, {seconds:.0f} s, one consumer "
          f"(data in {DATA})")
    report(ids, stopped)


if __name__ == "__main__":
    main()
