"""Video rendering, side by side in one run (ratios hold on a shared box, times do not):

1. This project's render (the render task: frames from the database, frame checks, the
   ffmpeg run with progress into the job row, the Video row) against the plain ffmpeg
   command a person would type, on the same 1080p JPEGs, same codec, preset, CRF and size.
   Alternating runs, median of each. Target: wall-time ratio under 1.05.
2. Peak memory of the render process (Python) and of its ffmpeg, for a short and a 10x
   longer frame list: it must not grow with the frame count.
3. Incremental update of a long timelapse (one new day, cached day segments) against a full
   re-render, at two lengths: the update's cost follows the new frames, not the total.

Run: .venv/bin/python tests/bench/bench_video.py [frames]   (default 150 1080p frames)
"""
from __future__ import annotations

import datetime as dt
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(os.environ.get("TL_BENCH_DIR") or tempfile.mkdtemp(prefix="tl-bench-video-"))
os.environ.update(TL_DATA_DIR=str(DATA), TL_BENCH_DIR=str(DATA), TL_DEMO_CAMERA="0")
sys.path.insert(0, str(ROOT))

import cv2  # noqa: E402
import numpy as np  # noqa: E402

import models  # noqa: E402
import settings  # noqa: E402
from pipelines.process import ffmpeg_path  # noqa: E402
from tasks.queue import render_huey  # noqa: E402
from tests.bench.scenes import camera_like  # noqa: E402

T0 = dt.datetime(2030, 1, 7, 0, 0, tzinfo=dt.UTC)
REPEATS = 5
render_huey.immediate = True  # the render task runs in this process, as the consumer would


def write_frames(folder: Path, count: int, size: tuple[int, int], first: int = 0) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(7)
    for n in range(first, first + count):
        cv2.imwrite(str(folder / f"{n:05d}.jpg"), camera_like(*size, n, rng),
                    [cv2.IMWRITE_JPEG_QUALITY, 90])


def timelapse(name: str) -> models.Timelapse:
    camera = models.Camera.create(name=name, url="demo://")
    return models.Timelapse.create(camera=camera, name=name, interval_seconds=60,
                                   status="completed", started_at=T0)


def add_rows(tl: models.Timelapse, folder: Path, count: int, step: dt.timedelta,
             size: tuple[int, int], first: int = 0, files: int = 10**6) -> None:
    """Image rows for FOLDER's frames (a symlink puts the folder under the media dir);
    row n shows file n % FILES."""
    link = DATA / "media" / f"timelapses/{tl.id}/frames/bench"
    if not link.exists():
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(folder)
    rows = [{"timelapse": tl.id, "slot_at": T0 + n * step, "captured_at": T0 + n * step,
             "day_number": 1, "bytes": 1, "width": size[0], "height": size[1],
             "path": f"timelapses/{tl.id}/frames/bench/{n % files:05d}.jpg"}
            for n in range(first, first + count)]
    with models.db.atomic():
        for start in range(0, len(rows), 500):
            models.Image.insert_many(rows[start:start + 500]).execute()


def timed(fn) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process and its children) of FN()."""
    before = [resource.getrusage(who) for who in (resource.RUSAGE_SELF,
                                                  resource.RUSAGE_CHILDREN)]
    started = time.perf_counter()
    fn()
    wall = time.perf_counter() - started
    after = [resource.getrusage(who) for who in (resource.RUSAGE_SELF,
                                                 resource.RUSAGE_CHILDREN)]
    cpu = sum(a.ru_utime + a.ru_stime - b.ru_utime - b.ru_stime
              for a, b in zip(after, before, strict=True))
    return wall, cpu


def render_task(tl_id: int, override: dict, trigger: str = "manual") -> float:
    """Wall seconds of one render through the gate and the task (run inline here)."""
    from tasks import schedule
    started = time.perf_counter()
    job = schedule.request_render(tl_id, override, trigger, "bench")
    job = models.Job.get_by_id(job.id)
    assert job.status == "done", job.error
    return time.perf_counter() - started


def plain_ffmpeg(folder: Path, count: int, out: Path) -> None:
    subprocess.run([ffmpeg_path(), "-v", "error", "-y", "-framerate", "25", "-i",
                    str(folder / "%05d.jpg"), "-frames:v", str(count), "-c:v", "libx264",
                    "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p", str(out)],
                   check=True)


def versus_plain(count: int) -> None:
    folder = DATA / "frames-1080p"
    write_frames(folder, count, (1920, 1080))
    tl = timelapse("versus")
    add_rows(tl, folder, count, dt.timedelta(seconds=10), (1920, 1080))
    same = {"fps": 25, "speed": "veryfast", "quality": "medium", "codec": "h264",
            "preview": False, "incremental": False}
    runs = {"render task": lambda: render_task(tl.id, same),
            "plain ffmpeg": lambda: plain_ffmpeg(folder, count, DATA / "plain.mp4"),
            "with preview": lambda: render_task(tl.id, {**same, "preview": True})}
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in runs}
    for _ in range(REPEATS):  # interleaved, so load on the shared box hits all alike
        for name, run in runs.items():
            times[name].append(timed(run))
    wall = {n: statistics.median(w for w, _ in t) for n, t in times.items()}
    best = {n: min(w for w, _ in t) for n, t in times.items()}
    cpu = {n: statistics.median(c for _, c in t) for n, t in times.items()}
    print(f"1080p x{count} frames, H.264 veryfast CRF 23, {REPEATS} interleaved runs "
          f"(median wall / best wall / median CPU):")
    for name in runs:
        print(f"  {name:13s} {wall[name]:6.2f} s {best[name]:6.2f} s {cpu[name]:6.2f} s cpu"
              f"  {count / wall[name]:5.1f} fps")
    for name in ("render task", "with preview"):
        ref = "plain ffmpeg"
        print(f"  ratio {name:13s} median {wall[name] / wall[ref]:5.3f}  best "
              f"{best[name] / best[ref]:5.3f}  cpu {cpu[name] / cpu[ref]:5.3f}"
              f"  (target < 1.05)")


def memory(counts: tuple[int, ...]) -> None:
    """Each length rendered by a fresh process: its own peak RSS and its ffmpeg's."""
    folder = DATA / "frames-small"
    write_frames(folder, 50, (320, 180))
    for count in counts:
        tl = timelapse(f"memory {count}")
        add_rows(tl, folder, count, dt.timedelta(seconds=10), (320, 180), files=50)
        tl_id = tl.id
        models.db.close()
        out = subprocess.run([sys.executable, __file__, "--child-render", str(tl_id)],
                             capture_output=True, text=True, check=True, env=os.environ).stdout
        python_mb, ffmpeg_mb, seconds = (float(v) for v in out.split())
        models.db.connect(reuse_if_open=True)
        print(f"  {count:6d} frames: render process peak {python_mb:6.1f} MB, "
              f"ffmpeg peak {ffmpeg_mb:6.1f} MB ({seconds:.1f} s)")


def child_render(tl_id: int) -> None:
    models.init_db(settings.current.database_url)
    seconds = render_task(tl_id, {"fps": 25, "speed": "ultrafast", "preview": False,
                                  "incremental": False})
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(own, children, seconds)


def incremental(per_day: int, days: tuple[int, ...]) -> None:
    """For each length: the daily automatic render's first run (cold cache), then a day
    later (one new day, warm cache), against a full re-render of the same frames."""
    size, step = (640, 360), dt.timedelta(days=1) / per_day
    folder = DATA / "frames-360p"
    write_frames(folder, per_day * (max(days) + 1), size)
    for n_days in days:
        tl = timelapse(f"incremental {n_days}")
        add_rows(tl, folder, per_day * n_days, step, size)
        same = {"fps": 30, "speed": "veryfast", "preview": False}
        cold = render_task(tl.id, same, "scheduled")  # the first one fills the day cache
        add_rows(tl, folder, per_day, step, size, first=per_day * n_days)
        update = render_task(tl.id, same, "scheduled")
        full = render_task(tl.id, {**same, "incremental": False}, "scheduled")
        print(f"  {n_days:3d}+1 days ({per_day * (n_days + 1):5d} frames): full re-render "
              f"{full:6.2f} s, update (one new day) {update:6.2f} s = {update / full:4.2f} "
              f"of full; first render, cold cache {cold:6.2f} s")


def main() -> None:
    if sys.argv[1:2] == ["--child-render"]:
        child_render(int(sys.argv[2]))
        return
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 150
    models.init_db(settings.current.database_url)
    models.migrate()
    print(f"data in {DATA}; ffmpeg {ffmpeg_path()}")
    versus_plain(count)
    print("peak memory, 320x180, ultrafast (must not grow with the frame count):")
    memory((500, 5000))
    print("incremental: 640x360, 60 frames a day, veryfast:")
    incremental(60, (4, 8, 16))


if __name__ == "__main__":
    main()
