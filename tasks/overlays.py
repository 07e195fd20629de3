"""Overlays on the Huey/model side: presets (built-in and custom), a timelapse's effective
overlay, the painter a render or a capture uses, the editor's preview, and watermark files.

A timelapse stores a preset key ("" none, a built-in name, "custom:<id>") and its own
changes (`Timelapse.overlay`); `effective()` lays them together. Frames on disk stay clean
unless the timelapse asks to burn the overlay in.
"""
from __future__ import annotations

import dataclasses
import functools
import io

from PIL import Image as PILImage

import settings
from models import Image, OverlayPreset, Timelapse, utcnow
from pipelines import overlays
from pipelines.files import remove_quietly, write_atomic
from pipelines.overlays import watermark as watermarks
from tasks import storage

CUSTOM = "custom:"
WATERMARK_DIR = "overlays/watermarks"
PREVIEW_QUALITY = 80


class OverlayError(ValueError):
    """A request about presets that cannot be done (message for people)."""


@dataclasses.dataclass(frozen=True)
class Choice:
    key: str
    name: str
    builtin: bool
    config: dict


def choices() -> list[Choice]:
    """Every preset a timelapse can pick: the built-ins first, then the custom ones."""
    out = [Choice(key, name, True, config)
           for key, (name, config) in overlays.BUILTIN_PRESETS.items()]
    out += [Choice(f"{CUSTOM}{p.id}", p.name, False, p.config) for p in OverlayPreset.ordered()]
    return out


def preset_config(key: str) -> dict | None:
    """The configuration of preset KEY, or None (no preset, or one that was deleted)."""
    if key in overlays.BUILTIN_PRESETS:
        return overlays.BUILTIN_PRESETS[key][1]
    if key.startswith(CUSTOM) and key[len(CUSTOM):].isdigit():
        row = OverlayPreset.get_or_none(OverlayPreset.id == int(key[len(CUSTOM):]))
        return row.config if row else None
    return None


def preset_name(key: str) -> str:
    found = next((c.name for c in choices() if c.key == key), "")
    return found or ("none" if not key else "a deleted preset")


def effective(tl: Timelapse) -> dict | None:
    """The overlay drawn on TL's videos, or None when it has none."""
    base = preset_config(tl.overlay_preset or "")
    if base is None and not tl.overlay:
        return None
    config = overlays.merged(base, tl.overlay)
    return None if overlays.is_empty(config) else config


def context(tl: Timelapse) -> overlays.Context:
    conf = settings.current
    return overlays.Context(tz=conf.tz, camera=tl.camera.name, timelapse=tl.name,
                            latitude=conf.latitude, longitude=conf.longitude)


def _watermark_path(config: dict):
    mark = config.get("watermark")
    return storage.media_path(mark["path"]) if mark and mark.get("path") else None


def painter(tl: Timelapse, config: dict) -> overlays.Painter:
    path = _watermark_path(config)
    return overlays.Painter(config, context(tl), watermarks.load(path) if path else None)


def fingerprint(tl: Timelapse, config: dict) -> str:
    """Everything that changes the drawn pixels: the config, the watermark file, the
    names, the time zone and place (render plans include it, so a change misses the cache)."""
    path = _watermark_path(config)
    ctx = context(tl)
    extra = repr((watermarks.digest(path) if path else "", ctx.camera, ctx.timelapse,
                  settings.current.timezone, ctx.latitude, ctx.longitude))
    return overlays.fingerprint(config, extra)


def frame_info(image: Image, number: int) -> overlays.FrameInfo:
    return overlays.FrameInfo(captured_at=image.captured_at, number=number,
                              day=image.day_number, weather=image.weather)


def preview(tl: Timelapse, config: dict) -> bytes | None:
    """The latest frame (its small image when there is one) with CONFIG drawn, as JPEG;
    None when the timelapse has no frame yet."""
    image = tl.latest_image()
    if image is None:
        return None
    source = image.small_path or image.path
    try:
        with PILImage.open(storage.media_path(source)) as img:
            frame = img.convert("RGB")
    except OSError:
        return None
    drawn = painter(tl, config).paint_image(frame, frame_info(image, max(1, tl.frame_count)))
    out = io.BytesIO()
    drawn.save(out, "JPEG", quality=PREVIEW_QUALITY)
    return out.getvalue()


@functools.lru_cache(maxsize=8)
def _cached_painter(tl_id: int, key: str) -> overlays.Painter | None:
    tl = Timelapse.get_or_none(Timelapse.id == tl_id)
    config = effective(tl) if tl else None
    return painter(tl, config) if config else None


def burn_in(tl: Timelapse, captured_at, day: int, weather: dict | None):
    """A callable drawing TL's overlay on a captured frame (BGR array) in place, or None
    when frames are saved clean. The painter is kept between captures (keyed by the
    overlay's fingerprint, so an edit takes effect at the next frame)."""
    if not tl.overlay_burn_in:
        return None
    config = effective(tl)
    if config is None:
        return None
    paint = _cached_painter(tl.id, fingerprint(tl, config))
    if paint is None:
        return None
    info = overlays.FrameInfo(captured_at=captured_at, number=tl.frame_count + 1, day=day,
                              weather=weather)
    return lambda frame: paint.paint(frame, info)


# ---------------------------------------------------------------- presets and watermarks

def store_watermark(data: bytes) -> str:
    """Check an upload and keep it (as PNG, named by its digest); its path under the media
    dir. Raises overlays.WatermarkError with a message for people."""
    png, name = overlays.check_upload(data)
    rel = f"{WATERMARK_DIR}/{name}"
    path = storage.media_path(rel)
    if not path.is_file():
        write_atomic(path, png)
    return rel


def save_preset(preset: OverlayPreset | None, name: str, config: dict) -> OverlayPreset:
    """Create or update a custom preset (names are unique)."""
    clash = OverlayPreset.select().where(OverlayPreset.name == name)
    if preset is not None:
        clash = clash.where(OverlayPreset.id != preset.id)
    if clash.exists() or name in {n for n, _ in overlays.BUILTIN_PRESETS.values()}:
        raise OverlayError(f"A preset named “{name}” exists already.")
    if preset is None:
        return OverlayPreset.create(name=name, config=config)
    preset.name, preset.config, preset.updated_at = name, config, utcnow()
    preset.save()
    return preset


def duplicate_name(name: str) -> str:
    taken = {p.name for p in OverlayPreset.select(OverlayPreset.name)}
    taken |= {n for n, _ in overlays.BUILTIN_PRESETS.values()}
    candidate, n = f"{name} (copy)", 2
    while candidate in taken:
        candidate, n = f"{name} (copy {n})", n + 1
    return candidate


def delete_preset(preset: OverlayPreset) -> None:
    """Delete a custom preset; refused while a timelapse uses it."""
    users = list(Timelapse.select(Timelapse.name).where(
        Timelapse.overlay_preset == f"{CUSTOM}{preset.id}").limit(4))
    if users:
        names = ", ".join(f"“{tl.name}”" for tl in users[:3])
        raise OverlayError(f"The preset is used by {names}{'…' if len(users) > 3 else ''}: "
                           "pick another preset there first.")
    preset.delete_instance()
    mark = (preset.config or {}).get("watermark") or {}
    if mark.get("path"):
        forget_watermark(mark["path"])


def forget_watermark(rel: str) -> None:
    """Delete a watermark file no preset or timelapse refers to any more (files are named
    by their content, so several may share one)."""
    # Cast: the JSON field would otherwise encode the LIKE pattern as JSON too.
    if OverlayPreset.select().where(OverlayPreset.config.cast("text").contains(rel)).exists() \
            or Timelapse.select().where(Timelapse.overlay.cast("text").contains(rel)).exists():
        return
    remove_quietly(storage.media_path(rel))
