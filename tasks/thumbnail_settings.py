"""The thumbnail settings: global, stored as one `Setting` row, read by captures, bulk jobs
and pages. A missing or damaged row reads as the defaults, so a capture never fails on it.

Defaults, measured on this project's machines (tests/bench/bench_thumbnails.py): JPEG for
both variants. WebP is 30-50 % smaller at the same PSNR, but a 1280 px WebP costs 3-4x
the time of a JPEG to encode; that is paid on every capture (a Raspberry Pi is several
times slower) and in every regeneration. A page of 100 JPEG thumbnails is ~1 MB, half the
2 MB budget, anyway. WebP is one setting away for those short of disk.
"""
from __future__ import annotations

import dataclasses
import logging

from models import Setting
from pipelines.thumbnails import VariantSpec

log = logging.getLogger(__name__)

KEY = "thumbnails"
KINDS = ("thumb", "small")


@dataclasses.dataclass(frozen=True)
class ThumbnailSettings:
    thumb_width: int = 320  # galleries, cards and the scrubber
    small_width: int = 1280  # the viewer
    format: str = "jpeg"
    thumb_quality: int = 75
    small_quality: int = 80
    keep_small_completed: bool = True  # False: a completed timelapse drops its small images

    def __post_init__(self) -> None:
        for kind in KINDS:
            self.spec(kind)  # raises ValueError for a width, format or quality out of range
        if self.small_width < self.thumb_width:
            raise ValueError("the small image must be at least as wide as the thumbnail")

    def spec(self, kind: str) -> VariantSpec:
        if kind == "thumb":
            return VariantSpec(self.thumb_width, self.format, self.thumb_quality)
        if kind == "small":
            return VariantSpec(self.small_width, self.format, self.small_quality)
        raise ValueError(f"unknown variant kind {kind!r}")

    def wants(self, kind: str, timelapse_status: str) -> bool:
        """Should a frame of a timelapse in TIMELAPSE_STATUS have a KIND variant?"""
        return (kind == "thumb" or timelapse_status != "completed"
                or self.keep_small_completed)

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)


FIELDS = tuple(f.name for f in dataclasses.fields(ThumbnailSettings))


def load() -> ThumbnailSettings:
    stored = Setting.get_value(KEY) or {}
    values = {k: v for k, v in stored.items() if k in FIELDS} if isinstance(stored, dict) else {}
    try:
        return ThumbnailSettings(**values)
    except (TypeError, ValueError) as exc:
        log.warning("thumbnail settings unusable (%s): using the defaults", exc)
        return ThumbnailSettings()


def save(conf: ThumbnailSettings) -> None:
    Setting.set_value(KEY, conf.as_dict())
