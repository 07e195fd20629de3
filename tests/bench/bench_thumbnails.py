"""Thumbnails and small images: this project's code vs a naive reference, side by side in
one run, on photo-like JPEGs (tests/fixtures/photos.py).

1. Per frame, both variants (320 px thumbnail + 1280 px small image, JPEG) from a file:
   draft decoding + INTER_AREA cascade vs the naive Pillow way (full decode, then
   `thumbnail(..., reducing_gap=None)` + save for each variant), on 1080p and 12 MP.
   Plus what a capture pays (variants from the frame already in memory).
2. The format decision: JPEG vs WebP encode time and bytes for each variant.
3. Bulk regeneration throughput (frames/s): the real job (run_job, rows, files) with 1 and
   with 2 threads, vs the naive reference run serially over the same frames.
4. Bytes of a gallery page of 100 thumbnails (HTML + CSS + JS + pictures), vs the same page
   if it showed the frames themselves.
5. The scrubber's stops over 100,000 frames: numbered in SQL vs reading every id.

Targets: >= 3x faster than naive on 12 MP; a 100-thumbnail gallery page under 2 MB.
Run: .venv/bin/python tests/bench/bench_thumbnails.py [frames for the bulk run, default 60]
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import io
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(tempfile.mkdtemp(prefix="tl-bench-thumbs-"))
os.environ.update(TL_DATA_DIR=str(DATA), TL_DEMO_CAMERA="0")
sys.path.insert(0, str(ROOT))

from PIL import Image as PILImage  # noqa: E402

import models  # noqa: E402
import settings  # noqa: E402
import tasks.schedule  # noqa: E402,F401  (first: the tasks package imports in a cycle)
from pipelines.thumbnails import VariantSpec, make_variants, variants_from_file  # noqa: E402
from tasks import thumbnail_settings  # noqa: E402
from tasks.queue import huey  # noqa: E402
from tests.fixtures.photos import photo, write_photo  # noqa: E402

huey.immediate = True  # the job runs inline, in this process
THUMB, SMALL = VariantSpec(320, "jpeg", 75), VariantSpec(1280, "jpeg", 80)


def best_ms(fn, repeat: int = 7) -> float:
    """Median wall time of FN in ms (after one warm-up run): a shared machine is noisy."""
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def naive(path: Path) -> list[bytes]:
    """The reference: decode everything, then Pillow's thumbnail without reducing_gap."""
    with PILImage.open(path) as image:
        image.load()
        out = []
        for spec in (SMALL, THUMB):
            copy = image.copy()
            copy.thumbnail((spec.width, spec.width * 10), reducing_gap=None)
            buffer = io.BytesIO()
            copy.save(buffer, "JPEG", quality=spec.quality)
            out.append(buffer.getvalue())
        return out


def per_frame() -> None:
    print("== per frame: thumbnail 320 + small 1280, JPEG (median ms) ==")
    for width, height, label in ((1920, 1080, "1080p"), (4000, 3000, "12 MP")):
        path = write_photo(DATA / f"src-{label}.jpg", width, height)
        ours = best_ms(lambda p=path: variants_from_file(p, [THUMB, SMALL]))
        reference = best_ms(lambda p=path: naive(p))
        frame = photo(width, height)
        capture = best_ms(lambda f=frame: make_variants(f, [THUMB, SMALL]))
        print(f"{label:6} from file: ours {ours:6.1f} ms  naive {reference:6.1f} ms  "
              f"speed-up {reference / ours:4.1f}x")
        print(f"{label:6} in the capture (frame already in memory): {capture:6.1f} ms")


def formats() -> None:
    print("== format: ms to make (resize + encode) and KB per variant, 1080p photo-like source ==")
    frame = photo(1920, 1080)
    for width in (320, 1280):
        for fmt, quality in (("jpeg", 75 if width == 320 else 80), ("webp", 75)):
            spec = VariantSpec(width, fmt, quality)
            size = len(make_variants(frame, [spec])[0].data) / 1024
            ms = best_ms(lambda s=spec: make_variants(frame, [s]))
            print(f"{width:5} px {fmt:4} q{quality}: {ms:6.1f} ms  {size:7.1f} KB")


def setup_db() -> None:
    url = f"sqlite:///{DATA / 'timelapser.db'}"
    settings.configure(data_dir=DATA, database_url=url)
    models.init_db(url)
    models.migrate()


def bulk(count: int, rounds: int = 2) -> None:
    from models import Job
    from tasks import thumbnails as thumbnail_tasks
    from tests.fixtures.frames import plant_frames, timelapse

    print(f"== bulk regeneration (best of {rounds} rounds), {os.cpu_count()} cores ==")
    for width, height, label, n in ((1920, 1080, "1080p", count),
                                    (4000, 3000, "12 MP", max(1, count // 2))):
        tl = timelapse(f"bulk {label}")
        frames = plant_frames(tl, n, size=(width, height), variants=False)
        rates: dict[str, float] = {}
        for _ in range(rounds):  # interleaved, so a busy moment hurts every variant alike
            start = time.perf_counter()
            for frame in frames:
                naive(settings.current.media_dir / frame.path)
            rates["naive"] = max(rates.get("naive", 0), n / (time.perf_counter() - start))
            for workers in (1, 2):
                thumbnail_tasks.WORKERS = workers
                job = Job.create(kind="thumbnails_regenerate", timelapse=tl.id,
                                 params={"force": True})
                start = time.perf_counter()
                thumbnail_tasks.run.call_local(job.id)
                rate = n / (time.perf_counter() - start)
                assert Job.get_by_id(job.id).result["made"] == n
                rates[f"ours {workers}"] = max(rates.get(f"ours {workers}", 0), rate)
        print(f"{label:6} {n} frames: naive serial {rates['naive']:5.1f} frames/s  "
              f"ours 1 thread {rates['ours 1']:5.1f}  ours 2 threads {rates['ours 2']:5.1f}  "
              f"(2 threads vs naive {rates['ours 2'] / rates['naive']:.1f}x, "
              f"vs 1 thread {rates['ours 2'] / rates['ours 1']:.2f}x)")


def gallery_page() -> None:
    from tests.fixtures.frames import plant_frames, timelapse
    from webapp import create_app
    from webapp.auth import create_user
    from webapp.views import context

    tl = timelapse("gallery", status="completed")
    frames = plant_frames(tl, 100, size=(1920, 1080))
    context.GALLERY_PAGE = 100
    app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False})
    create_user("bench", "bench-password")
    client = app.test_client()
    client.post("/login", data={"username": "bench", "password": "bench-password"})
    body = client.get(f"/timelapses/{tl.id}/gallery").get_data()
    html = body.decode()
    thumbs = re.findall(r'<img src="(/images/\d+/thumb[^"]*)"', html)
    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', html)
    thumb_bytes = sum(len(client.get(u).get_data()) for u in thumbs)
    asset_bytes = sum(len(client.get(u).get_data()) for u in assets)
    total = len(body) + thumb_bytes + asset_bytes
    full = len(body) + asset_bytes + sum(f.bytes for f in frames)
    print("== a gallery page of 100 frames (1080p photo-like) ==")
    print(f"thumbnails {len(thumbs)}: {thumb_bytes / 1024:.0f} KB, HTML {len(body) / 1024:.0f} KB, "
          f"CSS+JS {asset_bytes / 1024:.0f} KB: total {total / 1048576:.2f} MB "
          f"(target < 2 MB); with full-size frames {full / 1048576:.1f} MB "
          f"({full / total:.0f}x more)")


def scrubber(count: int = 100_000) -> None:
    from models import Image, db
    from tests.fixtures.frames import T0, timelapse

    tl = timelapse("scrub", status="completed")
    with db.atomic():
        rows = [{"timelapse": tl.id, "slot_at": T0 + dt.timedelta(seconds=5 * i),
                 "captured_at": T0 + dt.timedelta(seconds=5 * i), "day_number": 1, "bytes": 1,
                 "width": 1, "height": 1, "path": f"p{i}", "thumb_path": f"t{i}"}
                for i in range(count)]
        for start in range(0, count, 5000):
            Image.insert_many(rows[start:start + 5000]).execute()
    ours = best_ms(lambda: Image.spread(tl.id, 400), repeat=5)
    reference = best_ms(lambda: list(Image.select(Image.id, Image.captured_at, Image.thumb_path)
                                     .where(Image.timelapse == tl.id).tuples()), repeat=5)
    print(f"== scrubber stops over {count} frames: SQL numbering {ours:.1f} ms, "
          f"reading every row {reference:.1f} ms ==")


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 60
    print(f"data dir {DATA}; settings {dataclasses.asdict(thumbnail_settings.ThumbnailSettings())}")
    per_frame()
    formats()
    setup_db()
    bulk(count)
    gallery_page()
    scrubber()


if __name__ == "__main__":
    main()
