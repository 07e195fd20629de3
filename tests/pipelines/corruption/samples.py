"""A small labelled set of camera frames built from real photographs (scikit-image ships
them), for the detector tests and the benchmark.

Good frames include the hard ones a detector must not throw away: a dark night, a night
sky, dusk, fog, a grey overcast scene, a low-contrast moon, crushed black ground at night.
Bad frames are the faults IP cameras really deliver: black/white/grey/single-colour frames,
JPEGs cut short, the grey or green band and the smear of lost H.264 packets, macroblock
garbage, a torn frame, an HTML error page, and a frozen stream repeating its frame.

Every sample is what the camera sent (bytes) plus the camera's recent frames of the same
scene (a little sensor noise apart), so history-based checks see a realistic past.
"""
from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from skimage import data as photos

SIZE = (640, 360)  # small enough for CI; the benchmark scales up
QUALITY = 88
HTML = (b"<!DOCTYPE html>\n<html><head><title>401 Unauthorized</title></head>\n<body><h1>"
        b"Unauthorized</h1><p>Please log in to view the camera.</p></body></html>\n")


@dataclass(frozen=True)
class Sample:
    name: str
    bad: bool
    data: bytes  # what the camera sent
    recent: tuple[bytes, ...]  # the camera's previous frames, newest first


def bgr(rgb_or_grey: np.ndarray) -> np.ndarray:
    if rgb_or_grey.ndim == 2:
        return cv2.cvtColor(rgb_or_grey, cv2.COLOR_GRAY2BGR)
    return cv2.cvtColor(rgb_or_grey[..., :3], cv2.COLOR_RGB2BGR)


def fit(image: np.ndarray, size: tuple[int, int] = SIZE) -> np.ndarray:
    """IMAGE centre-cropped to SIZE's aspect, then resized to SIZE (like a camera frame)."""
    w, h = size
    src_h, src_w = image.shape[:2]
    scale = max(w / src_w, h / src_h)
    resized = cv2.resize(image, (round(src_w * scale + 0.5), round(src_h * scale + 0.5)),
                         interpolation=cv2.INTER_CUBIC if scale > 1 else cv2.INTER_AREA)
    top, left = (resized.shape[0] - h) // 2, (resized.shape[1] - w) // 2
    return np.ascontiguousarray(resized[top:top + h, left:left + w])


@functools.cache
def scenes(size: tuple[int, int] = SIZE) -> dict[str, np.ndarray]:
    """Real photographs as BGR frames of SIZE."""
    motorcycle = Path(photos.__file__).parent / "motorcycle_left.png"
    raw = {
        "astronaut": bgr(photos.astronaut()),
        "coffee": bgr(photos.coffee()),
        "rocket": bgr(photos.rocket()),
        "cat": bgr(photos.chelsea()),
        "cameraman": bgr(photos.camera()),
        "coins": bgr(photos.coins()),
        "grass": bgr(photos.grass()),
        "motorcycle": cv2.imread(str(motorcycle)),
        "hubble": bgr(photos.hubble_deep_field()),
        "moon": bgr(photos.moon()),
    }
    return {name: fit(image, size) for name, image in raw.items()}


def noisy(frame: np.ndarray, seed: int, sigma: float = 1.2) -> np.ndarray:
    """Sensor noise, different for every capture of the same scene."""
    rng = np.random.default_rng(seed)
    return np.clip(frame + rng.normal(0, sigma, frame.shape), 0, 255).astype(np.uint8)


def jpeg(frame: np.ndarray, quality: int = QUALITY) -> bytes:
    ok, buf = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return buf.tobytes()


# ---------------------------------------------------------------- hard good frames

def dark_night(f: np.ndarray) -> np.ndarray:
    """Very little light: gamma pushes it down, the blacks crush, noise dominates."""
    level = (f / 255.0) ** 2.2 * 40
    return noisy(level, 11, sigma=1.8)


def dusk(f: np.ndarray) -> np.ndarray:
    warm = f * np.array([0.55, 0.75, 1.0])  # BGR: less blue
    return (warm * 0.35).clip(0, 255).astype(np.uint8)


def fog(f: np.ndarray) -> np.ndarray:
    return (f * 0.22 + np.array([205, 204, 200]) * 0.78).astype(np.uint8)


def overcast(f: np.ndarray) -> np.ndarray:
    grey = cv2.cvtColor(cv2.cvtColor(f, cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR)
    flat = grey * 0.35 + 0.65 * 150.0
    return (flat * 0.7 + f * 0.3 * 0.35 + 0.3 * 0.65 * 150).clip(0, 255).astype(np.uint8)


def low_contrast(f: np.ndarray, gain: float = 0.12, level: float = 70.0) -> np.ndarray:
    grey = f.astype(np.float32)
    return ((grey - grey.mean()) * gain + level).clip(0, 255).astype(np.uint8)


def crushed_night(f: np.ndarray) -> np.ndarray:
    """A night scene whose dark ground clips to pure black (cameras crush blacks)."""
    out = (f.astype(np.float32) - 90).clip(0, 255) * 0.5
    out[int(out.shape[0] * 0.7):] = 0
    return out.astype(np.uint8)


def moon_alone(f: np.ndarray) -> np.ndarray:
    """The moon (its real surface, shrunk to a disc) alone in a black night sky."""
    h, w = f.shape[:2]
    radius = h // 12
    disc = cv2.resize(f, (2 * radius, 2 * radius), interpolation=cv2.INTER_AREA)
    mask = np.zeros((2 * radius, 2 * radius), np.uint8)
    cv2.circle(mask, (radius, radius), radius, 255, -1)
    out = np.zeros_like(f)
    top, left = h // 4, w * 2 // 3
    region = out[top:top + 2 * radius, left:left + 2 * radius]
    region[mask > 0] = disc[mask > 0]
    return out


GOOD: dict[str, tuple[str, Callable[[np.ndarray], np.ndarray]]] = {
    "dark night (rocket)": ("rocket", dark_night),
    "dark night (astronaut)": ("astronaut", dark_night),
    "night sky (hubble)": ("hubble", lambda f: (f * 0.6).astype(np.uint8)),
    "dusk (coffee)": ("coffee", dusk),
    "dusk (motorcycle)": ("motorcycle", dusk),
    "fog (rocket)": ("rocket", fog),
    "fog (cat)": ("cat", fog),
    "grey overcast (cameraman)": ("cameraman", overcast),
    "grey overcast (coins)": ("coins", overcast),
    "low-contrast moon": ("moon", low_contrast),
    "moon alone in a black sky": ("moon", moon_alone),
    "crushed black ground at night": ("motorcycle", crushed_night),
}


# ---------------------------------------------------------------- bad frames

def flat(colour: tuple[int, int, int]) -> Callable[[np.ndarray], np.ndarray]:
    return lambda f: np.full_like(f, colour)


def bottom_band(colour: tuple[int, int, int], from_fraction: float):
    """Lost packets: everything below a macroblock row is filled with one colour."""
    def apply(f: np.ndarray) -> np.ndarray:
        out = f.copy()
        out[_mb_row(f, from_fraction):] = colour
        return out
    return apply


def smear(from_fraction: float):
    """Lost packets concealed by repeating the last good row downwards: vertical streaks."""
    def apply(f: np.ndarray) -> np.ndarray:
        out = f.copy()
        top = _mb_row(f, from_fraction)
        out[top:] = out[top - 1]
        return out
    return apply


def macroblocks(f: np.ndarray) -> np.ndarray:
    """A region of 16x16 blocks copied from wrong places, some in wrong colours."""
    rng = np.random.default_rng(7)
    out = f.copy()
    h, w = f.shape[:2]
    for by in range(h // 16 * 3 // 8, h // 16 * 5 // 8):
        for bx in range(w // 16 // 5, w // 16 * 4 // 5):
            if rng.random() < 0.25:
                out[by * 16:by * 16 + 16, bx * 16:bx * 16 + 16] = rng.integers(0, 256, 3)
            else:
                sy, sx = rng.integers(0, h // 16) * 16, rng.integers(0, w // 16) * 16
                out[by * 16:by * 16 + 16, bx * 16:bx * 16 + 16] = f[sy:sy + 16, sx:sx + 16]
    return out


def torn(f: np.ndarray) -> np.ndarray:
    """The lower part of the frame shifted sideways against the upper part."""
    out = f.copy()
    top = _mb_row(f, 0.45)
    out[top:] = np.roll(f[top:], f.shape[1] // 6, axis=1)
    return out


def _mb_row(f: np.ndarray, fraction: float) -> int:
    return int(f.shape[0] * fraction) // 16 * 16


BAD_FRAMES: dict[str, tuple[str, Callable[[np.ndarray], np.ndarray]]] = {
    "all black": ("astronaut", flat((0, 0, 0))),
    "video black (16)": ("coffee", lambda f: noisy(np.full_like(f, 16), 3, sigma=0.6)),
    "all white": ("rocket", flat((255, 255, 255))),
    "all grey": ("cat", flat((128, 128, 128))),
    "single colour (blue)": ("cameraman", flat((160, 40, 0))),
    "single colour (green)": ("motorcycle", flat((0, 135, 0))),
    "grey bottom band (lost packets)": ("rocket", bottom_band((128, 128, 128), 0.5)),
    "green bottom band (lost packets)": ("cat", bottom_band((0, 135, 0), 0.65)),
    "small grey bottom band": ("cameraman", bottom_band((128, 128, 128), 0.88)),
    "smeared bottom": ("astronaut", smear(0.6)),
    "macroblock garbage": ("coffee", macroblocks),
    "macroblock garbage (grass)": ("grass", macroblocks),
    "torn frame": ("rocket", torn),
    "torn frame (motorcycle)": ("motorcycle", torn),
}


def _recent(frame: np.ndarray, count: int = 4, seed: int = 100) -> tuple[bytes, ...]:
    return tuple(jpeg(noisy(frame, seed + k)) for k in range(count))


@functools.cache
def labelled() -> tuple[Sample, ...]:
    """Every sample, good and bad, each with its camera's recent frames."""
    base = scenes()
    samples = [Sample(f"photo ({name})", False, jpeg(noisy(frame, 1)), _recent(frame))
               for name, frame in base.items()]
    for label, (scene, make) in GOOD.items():
        frame = make(base[scene])
        samples.append(Sample(label, False, jpeg(noisy(frame, 2, 0.8)), _recent(frame)))
    for label, (scene, make) in BAD_FRAMES.items():
        clean = base[scene]
        samples.append(Sample(label, True, jpeg(make(noisy(clean, 3))), _recent(clean)))
    samples += _broken_files(base)
    return tuple(samples)


def _broken_files(base: dict[str, np.ndarray]) -> list[Sample]:
    astronaut, coffee, cat = (jpeg(noisy(base[n], 4)) for n in ("astronaut", "coffee", "cat"))
    frozen = jpeg(noisy(base["rocket"], 5))
    return [
        Sample("truncated JPEG", True, astronaut[:len(astronaut) * 6 // 10],
               _recent(base["astronaut"])),
        Sample("truncated JPEG, end marker kept", True,
               coffee[:len(coffee) * 55 // 100] + b"\xff\xd9", _recent(base["coffee"])),
        Sample("a few bytes", True, cat[:300], _recent(base["cat"])),
        Sample("HTML error page", True, HTML, _recent(base["cat"])),
        Sample("frozen stream (same frame again)", True, frozen,
               (frozen, *_recent(base["rocket"], 3))),
    ]


def history_of(recent: tuple[bytes, ...]):
    """The History a camera would hand in after sending RECENT (newest first)."""
    from pipelines.corruption import History, decode
    from pipelines.corruption.fast import sample
    stats = tuple(sample(decode(data)[0]).stats for data in recent)
    return History(previous=stats[0] if stats else None, recent=stats)
