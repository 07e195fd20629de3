"""Placing overlay tiles on frames: the 3x3 grid, and blending onto BGR frames in place.

Cost per frame is kept to what changes: each distinct tile (a text at a size) is drawn
and prepared for blending once and cached, so static items (names, custom text, the
watermark) are drawn once per video, a day number once per day, and only a clock that
ticks every frame is drawn every frame. Blending touches the tiles' pixels only.
"""
from __future__ import annotations

import collections
import dataclasses

import numpy as np
from PIL import Image

from pipelines.overlays import draw
from pipelines.overlays.generators import Context, FrameInfo, icon_for, is_static, item_text
from pipelines.overlays.spec import STYLE_DEFAULTS, merged

CACHE = 256  # prepared tiles kept (a ticking clock evicts itself; static ones stay hot)


@dataclasses.dataclass
class Tile:
    width: int
    height: int
    premultiplied: np.ndarray  # BGR * alpha, uint32
    inverse: np.ndarray  # 255 - alpha, uint32, one channel

    @classmethod
    def of(cls, image: Image.Image) -> Tile:
        rgba = np.asarray(image, dtype=np.uint32)
        alpha = rgba[..., 3:4]
        return cls(image.width, image.height, rgba[..., 2::-1] * alpha, 255 - alpha)

    def blend(self, frame: np.ndarray, x: int, y: int) -> None:
        """Blend onto FRAME (BGR uint8) with the top-left corner at (x, y), clipped."""
        h, w = frame.shape[:2]
        x0, y0, x1, y1 = max(0, x), max(0, y), min(w, x + self.width), min(h, y + self.height)
        if x0 >= x1 or y0 >= y1:
            return
        roi = frame[y0:y1, x0:x1]
        tx, ty = x0 - x, y0 - y
        pre = self.premultiplied[ty:ty + y1 - y0, tx:tx + x1 - x0]
        inv = self.inverse[ty:ty + y1 - y0, tx:tx + x1 - x0]
        roi[:] = ((roi * inv + pre + 127) // 255).astype(np.uint8)


class Painter:
    """Draws one overlay configuration on frames of any size (fonts follow the height)."""

    def __init__(self, config: dict, ctx: Context, watermark: Image.Image | None = None):
        self.config = merged(config, None)
        self.ctx = ctx
        self.watermark = watermark if self.config.get("watermark") else None
        self._tiles: collections.OrderedDict = collections.OrderedDict()
        self._pinned: dict = {}  # static tiles: kept for the whole video

    def paint(self, frame: np.ndarray, info: FrameInfo) -> np.ndarray:
        """Draw the overlay on FRAME (BGR, uint8) in place and return it."""
        height, width = frame.shape[:2]
        for (x, y), tile in self.placed(width, height, info):
            tile.blend(frame, x, y)
        return frame

    def paint_image(self, image: Image.Image, info: FrameInfo) -> Image.Image:
        """The overlay on a copy of a Pillow image (the editor's preview)."""
        frame = np.ascontiguousarray(np.asarray(image.convert("RGB"))[..., ::-1])
        return Image.fromarray(self.paint(frame, info)[..., ::-1])

    def placed(self, width: int, height: int, info: FrameInfo) -> list:
        """[((x, y), tile)] for this frame: each cell's tiles stacked from its edge."""
        style = self.config["style"]
        margin = round(height * style["margin"] / 100)
        cells: dict[str, list[Tile]] = {}
        mark = self.config.get("watermark")
        if self.watermark is not None and mark:
            cells.setdefault(mark["position"], []).append(self._watermark(width, mark))
        for n, item in enumerate(self.config["items"]):
            tile = self._item_tile(n, item, info, width, height, margin)
            if tile is not None:
                cells.setdefault(item["position"], []).append(tile)
        out = []
        for position, tiles in cells.items():
            out.extend(_stack(position, tiles, width, height, margin))
        return out

    def _item_tile(self, n: int, item: dict, info: FrameInfo, width: int, height: int,
                   margin: int) -> Tile | None:
        text = item_text(item, info, self.ctx)
        icon = icon_for(item, info)
        if not text and not icon:
            return None
        style = {**STYLE_DEFAULTS, **self.config["style"], **item.get("style", {})}
        key = (n, text, icon, width, height)
        if key in self._pinned:
            return self._pinned[key]
        if key in self._tiles:
            self._tiles.move_to_end(key)
            return self._tiles[key]
        px = draw.fitting_px(text, round(height * style["size"] / 100), bool(icon),
                             max(1, width - 2 * margin))
        tile = Tile.of(draw.tile(text, style, px, icon))
        self._remember(key, tile, pinned=is_static(item))
        return tile

    def _watermark(self, width: int, mark: dict) -> Tile:
        key = ("watermark", width)
        if key not in self._pinned:
            w = max(1, round(width * mark["scale"] / 100))
            h = max(1, round(self.watermark.height * w / self.watermark.width))
            img = self.watermark.convert("RGBA").resize((w, h), Image.Resampling.LANCZOS)
            alpha = img.getchannel("A").point(lambda a: round(a * mark["opacity"] / 100))
            img.putalpha(alpha)
            self._remember(key, Tile.of(img), pinned=True)
        return self._pinned[key]

    def _remember(self, key, tile: Tile, pinned: bool) -> None:
        if pinned:
            self._pinned[key] = tile
            return
        self._tiles[key] = tile
        while len(self._tiles) > CACHE:
            self._tiles.popitem(last=False)


def _stack(position: str, tiles: list[Tile], width: int, height: int, margin: int) -> list:
    """Tiles of one cell, one under the other, aligned to the cell's edges."""
    vertical, _, horizontal = position.partition("-")
    if position == "center":
        vertical, horizontal = "middle", "center"
    gap = max(1, margin // 3)
    total = sum(t.height for t in tiles) + gap * (len(tiles) - 1)
    y = {"top": margin, "middle": (height - total) // 2,
         "bottom": height - margin - total}[vertical]
    out = []
    for tile in tiles:
        x = {"left": margin, "center": (width - tile.width) // 2,
             "right": width - margin - tile.width}[horizontal]
        out.append(((max(0, x), max(0, y)), tile))
        y += tile.height + gap
    return out
