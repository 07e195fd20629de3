"""Watermark images: an upload is checked by decoding it fully (not by its name or its
first bytes), limited in size, and kept as a PNG under a name made of its digest."""
from __future__ import annotations

import hashlib
import io
from pathlib import Path

from PIL import Image, UnidentifiedImageError

FORMATS = {"PNG", "JPEG", "WEBP"}
MAX_BYTES = 5 * 1024 * 1024
MAX_SIDE = 4096
MAX_PIXELS = MAX_SIDE * MAX_SIDE


class WatermarkError(ValueError):
    """An upload that is not a usable watermark, with a message for people."""


def check_upload(data: bytes) -> tuple[bytes, str]:
    """(PNG bytes, file name) of an uploaded PNG/JPEG/WebP. Raises WatermarkError."""
    if not data:
        raise WatermarkError("The file is empty.")
    if len(data) > MAX_BYTES:
        raise WatermarkError(f"The file is too big ({len(data) / 1048576:.1f} MB); a "
                             f"watermark may be at most {MAX_BYTES // 1048576} MB.")
    try:
        with Image.open(io.BytesIO(data)) as img:
            if img.format not in FORMATS:
                raise WatermarkError(f"{img.format} files are not accepted: upload a PNG, "
                                     "JPEG or WebP image.")
            if img.width * img.height > MAX_PIXELS:
                raise WatermarkError(f"The image is too large ({img.width}x{img.height}); "
                                     f"at most {MAX_SIDE}x{MAX_SIDE} pixels.")
            img.load()  # a full decode: a cut-off or fake file fails here
            rgba = img.convert("RGBA")
    except WatermarkError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise WatermarkError("This is not an image Timelapser can read: upload a PNG, "
                             "JPEG or WebP file.") from None
    out = io.BytesIO()
    rgba.save(out, "PNG", optimize=False)
    png = out.getvalue()
    return png, f"{hashlib.sha256(png).hexdigest()[:20]}.png"


def load(path: Path) -> Image.Image | None:
    """The watermark at PATH as RGBA, or None when it is gone or unreadable (the video is
    still made, without it)."""
    try:
        with Image.open(path) as img:
            return img.convert("RGBA")
    except (OSError, ValueError):
        return None


def digest(path: Path) -> str:
    """The file's content key (its name is already one; a missing file says so)."""
    return path.stem if path.is_file() else "missing"
