"""The piped frame source: frames decoded in Python, overlays drawn on them, and raw BGR
pixels streamed to ffmpeg's stdin (no full-size copy of a frame is ever written to disk).

It builds on the link source: the selected frames are still numbered links (so groups, day
digests and samples work the same), and a side file holds each frame's capture data (time,
day, weather) with the byte offset of every line, so a group is read from its first frame
without scanning the file. Frames of another size are scaled (letterboxed when the aspect
differs) to the video's size first, so the overlay sits at the same place on every frame.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from array import array
from collections.abc import Callable, Iterable, Iterator
from fractions import Fraction
from pathlib import Path
from zoneinfo import ZoneInfo

import cv2
import ffmpeg
import numpy as np

from pipelines.overlays import FrameInfo, Painter
from pipelines.video.frames import FrameRef
from pipelines.video.plan import rate_text
from pipelines.video.sources import PATTERN, FrameSet, Group, LinkSource, Sampler

Feed = Callable[[object], None]  # writes one group's frames to ffmpeg's stdin


@dataclasses.dataclass(frozen=True)
class Overlay:
    """What a render draws: the painter, and a key of its look (part of the plan)."""
    painter: Painter
    key: str


class PipeSource(LinkSource):
    def __init__(self, workdir: Path, tz: ZoneInfo, by_day: bool, overlay: Overlay,
                 samples: int = 40):
        super().__init__(workdir, tz, by_day, samples)
        self.overlay = overlay
        self.size = (0, 0)  # the video's size, set by prepare()
        self._meta = workdir / "frames.jsonl"
        self._offsets = array("q")
        self._sample_numbers: list[int] = []

    def write(self, frames: Iterable[FrameRef]) -> FrameSet:
        numbers = Sampler(self.samples)
        with open(self._meta, "w", encoding="utf-8") as fh:
            fs = super().write(self._recording(frames, fh, numbers))
        self._sample_numbers = numbers.spread()
        # A frame's number is drawn on it: a day's segment is only reusable when the day
        # starts at the same number in the video.
        for group in fs.groups:
            group.digest = hashlib.sha256(f"{group.digest}:{group.start}".encode()).hexdigest()
        return fs

    def _recording(self, frames: Iterable[FrameRef], fh, numbers: Sampler) -> Iterator[FrameRef]:
        for n, frame in enumerate(frames):
            self._offsets.append(fh.tell())
            fh.write(json.dumps([frame.captured_at.isoformat(), frame.day, frame.weather,
                                 frame.width, frame.height]) + "\n")
            numbers.add(n)
            yield frame

    def prepare(self, width: int, height: int) -> None:
        self.size = (width, height)

    def input(self, group: Group, rate: Fraction, lowres: int = 0):
        width, height = self.size
        return ffmpeg.input("pipe:0", f="rawvideo", pix_fmt="bgr24", s=f"{width}x{height}",
                            framerate=rate_text(rate))

    def feeder(self, group: Group) -> Feed:
        if group.key == "samples":
            numbers = self._sample_numbers[:group.count]
        else:
            numbers = range(group.start, group.start + group.count)
        return lambda stdin: self._feed(stdin, group, numbers)

    def _feed(self, stdin, group: Group, numbers) -> None:
        with open(self._meta, encoding="utf-8") as fh:
            for i, n in enumerate(numbers):
                frame = self._painted(fh, n, group.folder / (PATTERN % (group.start + i)))
                if frame is not None:  # unreadable: one frame fewer (the video notes it)
                    stdin.write(frame.data)

    def _painted(self, fh, n: int, path: Path) -> np.ndarray | None:
        """Frame N (its link at PATH) at the video's size with the overlay drawn."""
        fh.seek(self._offsets[n])
        captured, day, weather, src_w, src_h = json.loads(fh.readline())
        width, height = self.size
        # Twice the video's size or more: decode at half size (cheaper, scaled down anyway).
        flag = cv2.IMREAD_REDUCED_COLOR_2 if src_w >= 2 * width and src_h >= 2 * height \
            else cv2.IMREAD_COLOR
        frame = cv2.imread(str(path), flag)
        if frame is None:
            return None
        info = FrameInfo(dt.datetime.fromisoformat(captured), n + 1, day, weather)
        return self.overlay.painter.paint(fit(frame, width, height), info)

    def sample_group(self, paths: list[Path]) -> Group:
        # The samples are links into the frames folder, numbered by the sampler's picks.
        folder = self.workdir / "samples"
        folder.mkdir()
        frames = self.workdir / "frames"
        for i, n in enumerate(self._sample_numbers[:len(paths)]):
            (folder / (PATTERN % i)).symlink_to(frames / (PATTERN % n))
        return Group("samples", folder, 0, min(len(paths), len(self._sample_numbers)))

    def poster(self) -> np.ndarray | None:
        """The middle sample with its overlay (the poster shows what the video shows)."""
        if not self._sample_numbers:
            return None
        n = self._sample_numbers[len(self._sample_numbers) // 2]
        with open(self._meta, encoding="utf-8") as fh:
            return self._painted(fh, n, self.workdir / "frames" / (PATTERN % n))


def fit(frame: np.ndarray, width: int, height: int) -> np.ndarray:
    """FRAME scaled to WIDTH x HEIGHT, letterboxed (black bars) when the aspect differs."""
    h, w = frame.shape[:2]
    if (w, h) == (width, height):
        return frame
    scale = min(width / w, height / h)
    new_w, new_h = max(1, round(w * scale)), max(1, round(h * scale))
    interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    scaled = cv2.resize(frame, (new_w, new_h), interpolation=interpolation)
    if (new_w, new_h) == (width, height):
        return scaled
    out = np.zeros((height, width, 3), np.uint8)
    x, y = (width - new_w) // 2, (height - new_h) // 2
    out[y:y + new_h, x:x + new_w] = scaled
    return out
