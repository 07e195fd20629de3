"""What a variant is (a width, a format, a quality) and what its file is called."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# format -> (file extension, MIME type)
FORMATS = {"jpeg": ("jpg", "image/jpeg"), "webp": ("webp", "image/webp")}
WIDTH_RANGE = (32, 3840)
QUALITY_RANGE = (30, 95)
MIMETYPES = {ext: mime for ext, mime in FORMATS.values()} | {"jpeg": "image/jpeg"}


@dataclass(frozen=True)
class VariantSpec:
    """A smaller copy of a frame: WIDTH pixels wide at most (never enlarged, aspect kept)."""

    width: int
    format: str = "jpeg"
    quality: int = 80

    def __post_init__(self) -> None:
        if self.format not in FORMATS:
            raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {self.format!r}")
        lo, hi = WIDTH_RANGE
        if not lo <= self.width <= hi:
            raise ValueError(f"width must be within {lo}..{hi}, not {self.width}")
        lo, hi = QUALITY_RANGE
        if not lo <= self.quality <= hi:
            raise ValueError(f"quality must be within {lo}..{hi}, not {self.quality}")

    @property
    def ext(self) -> str:
        return FORMATS[self.format][0]

    @property
    def mimetype(self) -> str:
        return FORMATS[self.format][1]

    @property
    def tag(self) -> str:
        """Part of the file name: a file made with other settings has another name, so a
        URL derived from the name can be cached forever."""
        return f"w{self.width}q{self.quality}"

    def size_for(self, width: int, height: int) -> tuple[int, int]:
        """The variant's size for a WIDTH x HEIGHT source: aspect kept, never enlarged."""
        if width <= self.width:
            return width, height
        return self.width, max(1, int(height * self.width / width + 0.5))  # half up


def mimetype_for(path: str | Path) -> str:
    """The MIME type of a variant or frame file, from its extension."""
    return MIMETYPES.get(Path(path).suffix.lower().lstrip("."), "application/octet-stream")
