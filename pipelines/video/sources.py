"""The frame-source stage: how selected frames reach ffmpeg.

Today that is a folder of numbered symlinks (000000.jpg, 000001.jpg, ...) to the selected
JPEGs, read by ffmpeg's image2 demuxer: ffmpeg decodes the files itself and Python never
holds a frame. (The concat demuxer took any list too, but probes every file it opens: 22 %
slower on 1080p.) A group (a local day, or the whole video) is a range of numbers in that
folder. A later source (say overlays drawn per frame and piped in) only has to provide
`input()` too.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
from collections.abc import Iterable
from fractions import Fraction
from pathlib import Path
from zoneinfo import ZoneInfo

import ffmpeg

from pipelines.video.frames import FrameRef
from pipelines.video.plan import rate_text

MAX_SIZES = 8  # distinct frame sizes remembered: more than one already means "letterbox"
PATTERN = "%06d.jpg"


@dataclasses.dataclass
class Group:
    """A run of frames encoded as one piece: a local day, or the whole video."""
    key: str
    folder: Path
    start: int  # the number of its first link
    count: int = 0
    digest: str = ""  # of the frame paths in order: the same frames, the same digest


@dataclasses.dataclass
class FrameSet:
    groups: list[Group]
    total: int
    size: tuple[int, int]  # of the newest frame: the camera as it is set up now
    sizes: set[tuple[int, int]]
    first_at: dt.datetime | None
    last_at: dt.datetime | None
    samples: list[Path]  # evenly spread frames for the poster and the animated preview

    def merged(self) -> FrameSet:
        """The same frames as one group (for a single pass): they are numbered in a row."""
        whole = Group("all", self.groups[0].folder, 0, self.total)
        return dataclasses.replace(self, groups=[whole])


class Sampler:
    """Keeps at most 2*N evenly spaced items of a stream of unknown length: when full it
    drops every other item and doubles its stride, so memory stays bounded."""

    def __init__(self, n: int):
        self.n, self.stride, self.items, self._seen = n, 1, [], 0

    def add(self, item) -> None:
        if self._seen % self.stride == 0:
            self.items.append(item)
            if len(self.items) >= 2 * self.n:
                self.items = self.items[::2]
                self.stride *= 2
        self._seen += 1

    def spread(self) -> list:
        step = max(1, len(self.items) / self.n)
        return [self.items[int(i * step)] for i in range(min(self.n, len(self.items)))]


def quote_path(path: Path) -> str:
    """A path for an ffconcat list (used to join encoded segments)."""
    return "'" + str(path).replace("'", "'\\''") + "'"


class LinkSource:
    """Selected frames as numbered links in WORKDIR/frames; `input()` reads a group."""

    def __init__(self, workdir: Path, tz: ZoneInfo, by_day: bool, samples: int = 40):
        self.workdir, self.tz, self.by_day, self.samples = workdir, tz, by_day, samples

    def write(self, frames: Iterable[FrameRef]) -> FrameSet:
        folder = self.workdir / "frames"
        folder.mkdir()
        groups: list[Group] = []
        sizes: set[tuple[int, int]] = set()
        sampler = Sampler(self.samples)
        first = last = None
        size, n, digest = (0, 0), 0, None
        for n, frame in enumerate(frames):
            key = frame.captured_at.astimezone(self.tz).date().isoformat() if self.by_day \
                else "all"
            if not groups or groups[-1].key != key:
                self._close(groups, digest)
                groups.append(Group(key, folder, n))
                digest = hashlib.sha256()
            os.symlink(frame.path, folder / (PATTERN % n))
            digest.update(str(frame.path).encode() + b"\0")
            groups[-1].count += 1
            if len(sizes) < MAX_SIZES:
                sizes.add((frame.width, frame.height))
            sampler.add(frame.path)
            first = first or frame.captured_at
            last, size = frame.captured_at, (frame.width, frame.height)
        self._close(groups, digest)
        return FrameSet(groups, sum(g.count for g in groups), size, sizes, first, last,
                        sampler.spread())

    @staticmethod
    def _close(groups: list[Group], digest) -> None:
        if groups:
            groups[-1].digest = digest.hexdigest()

    @staticmethod
    def input(group: Group, rate: Fraction, lowres: int = 0):
        """The ffmpeg-python input node: every frame lasts exactly 1/rate. LOWRES k decodes
        the JPEGs at 1/2^k size (cheaper when the output is small anyway)."""
        options = {"lowres": lowres} if lowres else {}
        return ffmpeg.input(str(group.folder / PATTERN), f="image2", framerate=rate_text(rate),
                            start_number=group.start, **options)

    def prepare(self, width: int, height: int) -> None:
        """The video's size is known (ffmpeg scales the files itself here)."""

    def feeder(self, group: Group) -> None:
        """Nothing to write to ffmpeg's stdin: it reads the files (see piped.py)."""
        return None

    def sample_group(self, paths: list[Path]) -> Group:
        folder = self.workdir / "samples"
        folder.mkdir()
        for n, path in enumerate(paths):
            os.symlink(path, folder / (PATTERN % n))
        return Group("samples", folder, 0, len(paths))
