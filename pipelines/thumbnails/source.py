"""Variants from a file on disk: the bulk jobs' path, and the pages' fallback.

Pillow's `draft()` asks libjpeg to decode at 1/2, 1/4 or 1/8 scale straight from the DCT
coefficients, so a 12 MP frame becomes a 2000 px image without ever existing at full size:
the decoder's work shrinks with the square of the scale. Draft must be set before
`load()`/`convert()`, or the saving is gone.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image as PILImage
from PIL import UnidentifiedImageError

from pipelines.thumbnails.make import Variant, make_variants
from pipelines.thumbnails.spec import VariantSpec


class SourceError(Exception):
    """The source file is missing, damaged or not an image; the message says which."""


def load_reduced(path: Path, width: int) -> tuple[np.ndarray, tuple[int, int]]:
    """The image at PATH as an RGB array, decoded at the smallest JPEG scale that is still
    at least WIDTH pixels wide (full size for other formats), and its full (width, height)."""
    try:
        with PILImage.open(path) as image:
            size = image.size
            if size[0] > width:
                image.draft("RGB", (width, max(1, size[1] * width // size[0])))
            if image.mode != "RGB":
                image = image.convert("RGB")
            else:
                image.load()
            return np.asarray(image), size
    except FileNotFoundError:
        raise SourceError(f"{path.name}: the frame file is missing") from None
    except UnidentifiedImageError:
        raise SourceError(f"{path.name}: not an image Pillow can read") from None
    except PILImage.DecompressionBombError as exc:
        raise SourceError(f"{path.name}: too large to decode safely ({exc})") from None
    except (OSError, SyntaxError, ValueError) as exc:  # what Pillow raises for damaged data
        raise SourceError(f"{path.name}: the file is damaged ({exc})") from None


def variants_from_file(path: Path, specs: list[VariantSpec] | tuple[VariantSpec, ...]
                       ) -> list[Variant]:
    """One Variant per spec from the image at PATH; SourceError when it cannot be read."""
    if not specs:
        return []
    frame, size = load_reduced(Path(path), max(spec.width for spec in specs))
    return make_variants(frame, specs, order="RGB", source_size=size)
