"""Statistics for the pages: frames per day, success and corruption rates, storage, videos.

Frames per day come from the Image rows (kept for the timelapse's life), grouped by the
timelapse's local day number, so days follow the configured time zone on any database.
Success and corruption rates come from the events of the last EVENT_KEEP days (failed
and skipped slots, discarded frames). Videos are counted when the video area's model is
present.
"""
from __future__ import annotations

import datetime as dt

from peewee import fn

import models
import settings
from models import Camera, Event, Image, Timelapse
from tasks.schedule import EVENT_KEEP

RATE_WINDOW = dt.timedelta(days=7)
assert RATE_WINDOW <= EVENT_KEEP  # the rates read events: they must still be kept


def _local_day(tl: Timelapse, day_number: int) -> dt.date:
    start = (tl.started_at or tl.created_at).astimezone(settings.current.tz).date()
    return start + dt.timedelta(days=day_number - 1)


def frames_per_day(tls: list[Timelapse]) -> list[dict]:
    """[{day, frames, bytes, cumulative_bytes}] over the timelapses, by local date."""
    if not tls:
        return []
    by_id = {tl.id: tl for tl in tls}
    rows = (Image.select(Image.timelapse, Image.day_number, fn.COUNT(Image.id),
                         fn.SUM(Image.bytes))
            .where(Image.timelapse.in_(list(by_id)))
            .group_by(Image.timelapse, Image.day_number).tuples())
    days: dict[dt.date, list[int]] = {}
    for tl_id, day_number, count, total in rows:
        slot = days.setdefault(_local_day(by_id[tl_id], day_number), [0, 0])
        slot[0] += count
        slot[1] += total or 0
    out, running = [], 0
    for day in sorted(days):
        running += days[day][1]
        out.append({"day": day, "frames": days[day][0], "bytes": days[day][1],
                    "cumulative_bytes": running})
    return out


RATE_KINDS = ("frame_captured", "capture_failed", "capture_skipped", "frame_discarded")


def _event_counts(since: dt.datetime, *where) -> dict[str, int]:
    query = (Event.select(Event.kind, fn.COUNT(Event.id))
             .where(Event.created_at >= since, Event.kind.in_(RATE_KINDS), *where)
             .group_by(Event.kind).tuples())
    return dict(query)


def rates(now: dt.datetime, *where, counts: dict | None = None) -> dict:
    """Success and corruption over RATE_WINDOW, from events. A failed grab that was
    retried and then succeeded counts once against the rate: the person saw a failure."""
    if counts is None:
        counts = _event_counts(now - RATE_WINDOW, *where)
    captured = counts.get("frame_captured", 0)
    failed, skipped = counts.get("capture_failed", 0), counts.get("capture_skipped", 0)
    discarded = counts.get("frame_discarded", 0)
    attempts = captured + failed + skipped + discarded
    kept_or_discarded = captured + discarded
    return {"captured": captured, "failed": failed, "skipped": skipped, "discarded": discarded,
            "success_rate": captured / attempts if attempts else None,
            "corruption_rate": discarded / kept_or_discarded if kept_or_discarded else None,
            "days": RATE_WINDOW.days}


def storage(tl_ids: list[int]) -> dict:
    if not tl_ids:
        return {"frames": 0, "bytes": 0, "average_bytes": 0}
    count, total = (Image.select(fn.COUNT(Image.id), fn.COALESCE(fn.SUM(Image.bytes), 0))
                    .where(Image.timelapse.in_(tl_ids)).scalar(as_tuple=True))
    return {"frames": count, "bytes": total, "average_bytes": total / count if count else 0}


def videos(tl_ids: list[int]) -> dict:
    """Count and sizes of rendered videos, when the video model exists."""
    video = getattr(models, "Video", None)
    if video is None or not tl_ids or not hasattr(video, "timelapse"):
        return {"available": False, "count": 0, "bytes": 0, "items": []}
    size = next((getattr(video, name) for name in ("bytes", "size_bytes", "size")
                 if hasattr(video, name)), None)
    rows = list(video.select().where(video.timelapse.in_(tl_ids)).order_by(video.id.desc()))
    sizes = [getattr(r, size.name) or 0 for r in rows] if size is not None else []
    return {"available": True, "count": len(rows), "bytes": sum(sizes),
            "items": [{"row": r, "bytes": s} for r, s in zip(rows, sizes, strict=False)][:20]}


def corruption_series(tl_ids: list[int]) -> list[dict]:
    """Average corruption score per day, when frames carry one (issue #3 adds it)."""
    score = getattr(Image, "corruption_score", None)
    if score is None or not tl_ids:
        return []
    rows = (Image.select(Image.day_number, fn.AVG(score))
            .where(Image.timelapse.in_(tl_ids), score.is_null(False))
            .group_by(Image.day_number).order_by(Image.day_number).tuples())
    return [{"day": day, "score": float(avg)} for day, avg in rows if avg is not None]


def timelapse_stats(tl: Timelapse, now: dt.datetime) -> dict:
    return {"days": frames_per_day([tl]), "rates": rates(now, Event.timelapse_id == tl.id),
            "storage": storage([tl.id]), "videos": videos([tl.id]),
            "corruption": corruption_series([tl.id])}


def camera_stats(camera: Camera, now: dt.datetime) -> dict:
    tls = list(camera.timelapses.order_by(Timelapse.id))
    ids = [tl.id for tl in tls]
    return {"timelapses": tls, "days": frames_per_day(tls),
            "rates": rates(now, Event.camera_id == camera.id), "storage": storage(ids),
            "videos": videos(ids), "corruption": corruption_series(ids)}


def _per_camera(now: dt.datetime) -> tuple[dict, dict]:
    """Event counts and storage per camera, in two grouped queries."""
    counts: dict[int, dict[str, int]] = {}
    for cam_id, kind, n in (Event.select(Event.camera_id, Event.kind, fn.COUNT(Event.id))
                            .where(Event.created_at >= now - RATE_WINDOW,
                                   Event.kind.in_(RATE_KINDS))
                            .group_by(Event.camera_id, Event.kind).tuples()):
        counts.setdefault(cam_id, {})[kind] = n
    stored = {cam_id: {"frames": n, "bytes": total or 0,
                       "average_bytes": (total or 0) / n if n else 0}
              for cam_id, n, total in (Image.select(Timelapse.camera, fn.COUNT(Image.id),
                                                    fn.SUM(Image.bytes))
                                       .join(Timelapse).group_by(Timelapse.camera).tuples())}
    return counts, stored


def summary(now: dt.datetime) -> dict:
    """The statistics dashboard: totals and one row per camera."""
    cameras = list(Camera.ordered())
    tls = list(Timelapse.select())
    counts, stored = _per_camera(now)
    empty = {"frames": 0, "bytes": 0, "average_bytes": 0}
    rows = [{"camera": cam, "storage": stored.get(cam.id, empty),
             "rates": rates(now, counts=counts.get(cam.id, {}))} for cam in cameras]
    day_ago = now - dt.timedelta(days=1)
    return {"rows": rows, "days": frames_per_day(tls)[-30:],
            "storage": storage([tl.id for tl in tls]), "rates": rates(now),
            "frames_24h": Image.select().where(Image.captured_at >= day_ago).count(),
            "running": sum(1 for tl in tls if tl.status == "running"),
            "states": {s: sum(1 for c in cameras if c.status == s) for s in models.CAMERA_STATES}}
