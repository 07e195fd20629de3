"""Bulk thumbnail jobs, each a Job row run by `run_job` (progress, cancel, outcome):

    thumbnails_regenerate   remake variants not matching the settings (params.force: all)
    thumbnails_repair       remake missing variants, then list the orphan files
    thumbnails_verify       report missing frames/variants, outdated ones, orphans; no change
    thumbnails_prune        drop small images the settings no longer keep (completed)
    thumbnails_delete_orphans  delete the orphans a verify/repair listed (params.source_job_id)

Scope: the job's timelapse, or everything when it has none. The gate that creates them
is `schedule.request_thumbnails`.
"""
from __future__ import annotations

import collections
import os
from collections.abc import Iterator
from dataclasses import dataclass, field

from models import Image, Job, Timelapse, utcnow
from pipelines.files import remove_quietly
from pipelines.thumbnails import BulkMaker, Item, Outcome, Target
from tasks import jobs as job_tasks  # a module: jobs -> capture -> schedule -> here is a cycle
from tasks import storage, thumbnail_settings
from tasks.queue import huey
from tasks.thumbnail_audit import FIELDS, FrameState, deletable, find_orphans, frame_state

BATCH = 200  # rows per query of the key-paginated walk
WORKERS = max(1, min(4, os.cpu_count() or 1))  # threads: decoding and encoding free the GIL
MAX_LISTED = 5000  # orphan paths kept in a job's result (and deletable from it)
MAX_EXAMPLES = 50  # failures and missing-frame ids kept in a result
MODES = {"thumbnails_regenerate": "outdated", "thumbnails_repair": "missing",
         "thumbnails_verify": "audit", "thumbnails_prune": "prune"}


@huey.task()
def run(job_id: int) -> None:
    """Run a thumbnail job; a job deleted meanwhile is skipped quietly."""
    job = Job.get_or_none(Job.id == job_id)
    if job is None:
        return
    if job.kind == "thumbnails_delete_orphans":
        job_tasks.run_job(job_id, delete_orphans)
    elif job.kind in MODES:
        job_tasks.run_job(job_id, bulk_pass)


@dataclass(frozen=True)
class Plan:
    """What to save for one frame once its variants are written, and what to remove then."""

    image_id: int
    fields: dict[str, str]
    old: tuple[str, ...]


@dataclass
class Pass:
    """One walk over the frames in scope: counts what it finds, makes what the mode asks."""

    job: Job
    progress: job_tasks.Progress
    mode: str  # all | outdated | missing | audit | prune
    conf: thumbnail_settings.ThumbnailSettings
    total: int
    counts: collections.Counter = field(default_factory=collections.Counter)
    missing_frames: list[int] = field(default_factory=list)
    failures: list[dict] = field(default_factory=list)
    cancelled: bool = False

    def __post_init__(self) -> None:
        self.maker = BulkMaker(WORKERS)

    def items(self) -> Iterator[Item]:
        for image in frames(self.job.timelapse_id):
            self.counts["frames"] += 1
            item = self.plan(frame_state(image, self.conf))
            if item is not None:
                yield item
            elif self.counts["frames"] % BATCH == 0:
                self.report()  # long runs of frames with nothing to do still report
            if self.cancelled:
                return

    def plan(self, state: FrameState) -> Item | None:
        """Tally STATE; drop unwanted small images; the work to do for it, if any."""
        if not state.frame_present:
            self.counts["missing_frames"] += 1
            if len(self.missing_frames) < MAX_EXAMPLES:
                self.missing_frames.append(state.image.id)
            return None
        for v in state.variants.values():
            self.counts[f"{v.state}_{v.kind}"] += 1
        if self.mode in ("all", "outdated", "prune"):
            self.drop_unwanted(state)
        wanted = [v for v in state.variants.values() if v.target and (
            self.mode == "all" or (self.mode == "outdated" and v.state != "ok")
            or (self.mode == "missing" and v.state == "missing"))]
        if not wanted or self.mode in ("audit", "prune"):
            return None
        small = state.variants["small"]
        source = storage.media_path(state.image.path)
        if [v.kind for v in wanted] == ["thumb"] and small.state == "ok":
            source = storage.media_path(small.current)  # 1280 px decodes far faster than 12 MP
        plan = Plan(state.image.id, {FIELDS[v.kind]: v.target for v in wanted},
                    tuple(v.current for v in wanted
                          if v.current not in ("", v.target, state.image.path)))
        return Item(plan, source, tuple(Target(self.conf.spec(v.kind),
                                               storage.media_path(v.target)) for v in wanted))

    def drop_unwanted(self, state: FrameState) -> None:
        unwanted = [v for v in state.variants.values() if v.state == "unwanted"]
        if unwanted:
            Image.update({FIELDS[v.kind]: "" for v in unwanted}).where(
                Image.id == state.image.id).execute()
            remove_quietly(*(storage.media_path(v.current) for v in unwanted))
            self.counts["dropped"] += len(unwanted)

    def apply(self, outcome: Outcome) -> None:
        plan: Plan = outcome.key
        if not outcome.ok:
            self.counts["failed"] += 1
            if len(self.failures) < MAX_EXAMPLES:
                self.failures.append({"image_id": plan.image_id, "error": outcome.error})
            return
        Image.update(plan.fields).where(Image.id == plan.image_id).execute()
        remove_quietly(*(storage.media_path(p) for p in plan.old))
        self.counts["made"] += 1

    def report(self) -> None:
        if self.cancelled:
            return
        done = self.counts["frames"]
        try:
            self.progress(100.0 * done / max(1, self.total), f"{done} of {self.total} frames")
        except job_tasks.JobCancelled:  # finish the frames in flight: each saved or untouched
            self.cancelled = True
            self.maker.stop()


def frames(tl_id: int | None) -> Iterator[Image]:
    """Every frame in scope, oldest first, read BATCH rows at a time."""
    after = 0
    while True:
        rows = list(Image.batch(after, BATCH, tl_id))
        yield from rows
        if len(rows) < BATCH:
            return
        after = rows[-1].id


def bulk_pass(job: Job, progress: job_tasks.Progress) -> tuple[str, dict]:
    if job.timelapse_id is not None and not Timelapse.select().where(
            Timelapse.id == job.timelapse_id).exists():
        raise job_tasks.JobFailed("The timelapse was deleted.")
    mode = MODES[job.kind]
    if mode == "outdated" and (job.params or {}).get("force"):
        mode = "all"
    query = Image.select()
    if job.timelapse_id is not None:
        query = query.where(Image.timelapse == job.timelapse_id)
    run = Pass(job, progress, mode, thumbnail_settings.load(), query.count())
    for outcome in run.maker.run(run.items()):
        run.apply(outcome)
        run.report()
    if run.cancelled:
        raise job_tasks.JobCancelled()
    result = summary(run)
    if job.kind in ("thumbnails_verify", "thumbnails_repair"):
        result.update(orphan_listing(job.timelapse_id))
    return describe(job.kind, result), result


def summary(run: Pass) -> dict:
    c = run.counts
    return {"scope": run.job.timelapse_id or "all", "frames": c["frames"],
            "made": c["made"], "failed": c["failed"], "failures": run.failures,
            "dropped": c["dropped"], "missing_frames": c["missing_frames"],
            "missing_frame_ids": run.missing_frames,
            "missing_thumbs": c["missing_thumb"], "missing_smalls": c["missing_small"],
            "outdated": c["outdated_thumb"] + c["outdated_small"],
            "unwanted_smalls": c["unwanted_small"]}


def orphan_listing(tl_id: int | None) -> dict:
    orphans = find_orphans(tl_id, utcnow())
    return {"orphans": len(orphans), "orphan_bytes": sum(o.size for o in orphans),
            "orphan_paths": [o.rel for o in orphans[:MAX_LISTED]]}


FINDINGS = (("missing_thumbs", "missing thumbnail"), ("missing_smalls", "missing small image"),
            ("outdated", "outdated variant"), ("missing_frames", "missing frame file"),
            ("orphans", "orphan file"))


def describe(kind: str, r: dict) -> str:
    """The job's one-line outcome for the page."""
    failed = f"; {r['failed']} failed" if r["failed"] else ""
    if kind == "thumbnails_regenerate":
        return f"Made new variants for {r['made']} of {r['frames']} frames{failed}"
    if kind == "thumbnails_prune":
        return f"Removed {r['dropped']} small images of completed timelapses"
    found = ", ".join(f"{r[key]} {label}{'' if r[key] == 1 else 's'}"
                      for key, label in FINDINGS if r.get(key)) or "all in order"
    if kind == "thumbnails_repair":
        return f"Repaired {r['made']} of {r['frames']} frames{failed}. Found: {found}"
    return f"Checked {r['frames']} frames: {found}"


def delete_orphans(job: Job, progress: job_tasks.Progress) -> tuple[str, dict]:
    """Delete the files a verify/repair job listed that are still orphans now."""
    source = Job.get_or_none(Job.id == (job.params or {}).get("source_job_id"))
    if source is None or source.status != "done" or not (source.result or {}).get("orphans"):
        raise job_tasks.JobFailed("The list of orphan files to delete is gone: verify again.")
    still = {o.rel: o.size for o in find_orphans(source.timelapse_id, utcnow())}
    listed = [p for p in source.result.get("orphan_paths", []) if p in still and deletable(p)]
    removed = freed = 0
    for index, rel in enumerate(listed):
        progress(100.0 * index / len(listed), f"Deleting {index + 1} of {len(listed)} files")
        remove_quietly(storage.media_path(rel))
        removed, freed = removed + 1, freed + still[rel]
    skipped = len(source.result.get("orphan_paths", [])) - removed
    note = f" ({skipped} no longer orphans or already gone)" if skipped else ""
    return (f"Deleted {removed} orphan files, {freed / 1048576:.1f} MB freed{note}",
            {"deleted": removed, "bytes": freed, "skipped": skipped})
