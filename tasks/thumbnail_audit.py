"""What state a frame's files are in, and which files on disk no row knows (orphans).

Read-only: the verify job reports from here; regenerate, repair and prune act on it.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import re

import settings
from models import Image, Timelapse
from pipelines.thumbnails import FileEntry, subfolders, walk
from tasks import storage
from tasks.thumbnail_settings import KINDS, ThumbnailSettings

FIELDS = {"thumb": "thumb_path", "small": "small_path"}
# A capture writes its files a moment before its row: younger files are never orphans.
ORPHAN_MIN_AGE = dt.timedelta(minutes=10)
# The only files the orphan deletion may touch: inside a timelapse's frame folders.
_FOLDERS = "|".join(storage.FRAME_FOLDERS)
DELETABLE = re.compile(rf"timelapses/\d+/({_FOLDERS})/[^/]+(/[^/]+)*")


@dataclasses.dataclass
class VariantState:
    kind: str
    current: str  # the row's path ("" when none)
    target: str  # where the current settings put it ("" when not wanted)
    state: str  # ok | missing | outdated | unwanted | none (not wanted, not there)

    @property
    def present(self) -> bool:
        return self.state in ("ok", "outdated", "unwanted")


@dataclasses.dataclass
class FrameState:
    image: Image
    frame_present: bool
    variants: dict[str, VariantState]


def frame_state(image: Image, conf: ThumbnailSettings) -> FrameState:
    """IMAGE's files against the settings (IMAGE joined with its timelapse)."""
    variants = {}
    for kind in KINDS:
        current = getattr(image, FIELDS[kind])
        exists = bool(current) and storage.media_path(current).is_file()
        if not conf.wants(kind, image.timelapse.status):
            variants[kind] = VariantState(kind, current, "", "unwanted" if current else "none")
            continue
        target = storage.variant_path(image.timelapse_id, image.slot_at, kind, conf.spec(kind))
        state = "missing" if not exists else "ok" if current == target else "outdated"
        variants[kind] = VariantState(kind, current, target, state)
    return FrameState(image, storage.media_path(image.path).is_file(), variants)


def frame_folders(tl_id: int | None) -> dict[int, list[str]]:
    """timelapse id -> its frame folders to walk: one timelapse, or every numbered folder
    under timelapses/ (also those whose timelapse row is gone: all their files are orphans)."""
    if tl_id is not None:
        ids = [tl_id]
    else:
        ids = sorted(int(n) for n in subfolders(settings.current.media_dir, "timelapses")
                     if n.isdigit())
    return {i: [f"timelapses/{i}/{folder}" for folder in storage.FRAME_FOLDERS] for i in ids}


def find_orphans(tl_id: int | None, now: dt.datetime) -> list[FileEntry]:
    """Files in the frame folders (of one timelapse, or all) that no frame row points at,
    older than ORPHAN_MIN_AGE. Temp files of killed writes count too."""
    cutoff = (now - ORPHAN_MIN_AGE).timestamp()
    orphans = []
    for folder_tl, folders in frame_folders(tl_id).items():
        known = set()
        if Timelapse.select().where(Timelapse.id == folder_tl).exists():
            for row in Image.paths_of(folder_tl):
                known.update(row)
        orphans.extend(entry for entry in walk(settings.current.media_dir, folders)
                       if entry.rel not in known and entry.mtime < cutoff)
    return orphans


def deletable(rel: str) -> bool:
    """Is REL a path the orphan deletion may remove (no '..', inside a frame folder)?"""
    return ".." not in rel.split("/") and DELETABLE.fullmatch(rel) is not None
