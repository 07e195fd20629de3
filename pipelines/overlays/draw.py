"""Drawing one overlay item: its text (and weather icon) on a box, as an RGBA tile.

The font is the scalable one Pillow ships (ImageFont.load_default(size=...), Pillow 10.1+):
no system fonts to hunt for, the same look on every box.
"""
from __future__ import annotations

import functools

from PIL import Image, ImageDraw, ImageFont

MIN_PX = 6  # below this text is unreadable anyway
PAD = 0.3  # box padding, in font sizes


@functools.lru_cache(maxsize=32)
def font(px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.load_default(size=max(MIN_PX, px))


def _rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))


def _size(text: str, px: int, icon: bool) -> tuple[int, int, int]:
    """(width, height, icon side) of a tile for TEXT at PX."""
    left, top, right, bottom = font(px).getbbox(text or " ")
    side = px if icon else 0
    pad = max(1, round(px * PAD))
    width = right + 2 * pad + (side + pad if side else 0)
    return width, px + 2 * pad, side


def fitting_px(text: str, px: int, icon: bool, max_width: int) -> int:
    """PX, made smaller when the tile would be wider than MAX_WIDTH (the frame's width
    less its margins): text always fits inside the frame."""
    width = _size(text, px, icon)[0]
    while width > max_width and px > MIN_PX:
        px = max(MIN_PX, int(px * max_width / width) - (1 if width > max_width else 0))
        width = _size(text, px, icon)[0]
    return px


def tile(text: str, style: dict, px: int, icon: str = "") -> Image.Image:
    """An RGBA tile: the box (colour, opacity), the icon, the text with shadow/outline."""
    width, height, side = _size(text, px, bool(icon))
    pad = max(1, round(px * PAD))
    img = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    alpha = round(255 * style["background_opacity"] / 100)
    if alpha:
        draw.rounded_rectangle((0, 0, width - 1, height - 1), radius=pad,
                               fill=(*_rgb(style["background"]), alpha))
    x = pad
    if icon:
        draw_icon(draw, icon, (x, pad, x + side, pad + side), _rgb(style["color"]))
        x += side + pad
    colour = (*_rgb(style["color"]), 255)
    face = font(px)
    y = height // 2  # anchored at the middle of the line: centred in the box
    if style["shadow"]:
        off = max(1, px // 14)
        draw.text((x + off, y + off), text, font=face, fill=(0, 0, 0, 160), anchor="lm")
    stroke = max(1, px // 12) if style["outline"] else 0
    draw.text((x, y), text, font=face, fill=colour, anchor="lm", stroke_width=stroke,
              stroke_fill=(0, 0, 0, 255))
    return img


def draw_icon(draw: ImageDraw.ImageDraw, icon: str, box: tuple, colour: tuple) -> None:
    """A small weather symbol drawn from shapes in BOX (so no icon font is needed)."""
    x0, y0, x1, y1 = box
    s = x1 - x0
    fill = (*colour, 255)
    grey = (200, 200, 210, 255)
    line = max(1, s // 12)
    if icon in ("clear", "partly-cloudy"):
        r = s * (0.28 if icon == "clear" else 0.2)
        cx, cy = x0 + s * (0.5 if icon == "clear" else 0.35), y0 + s * (0.5 if icon == "clear"
                                                                         else 0.35)
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(255, 200, 40, 255))
    if icon != "clear":
        top = y0 + s * (0.3 if icon != "partly-cloudy" else 0.45)
        draw.ellipse((x0 + s * 0.1, top + s * 0.1, x0 + s * 0.55, top + s * 0.45), fill=grey)
        draw.ellipse((x0 + s * 0.35, top, x0 + s * 0.9, top + s * 0.45), fill=grey)
    low = y0 + s * 0.8
    if icon in ("drizzle", "rain"):
        for k in range(3 if icon == "rain" else 2):
            x = x0 + s * (0.3 + 0.2 * k)
            draw.line((x, low, x - s * 0.08, y1), fill=(90, 160, 255, 255), width=line)
    elif icon == "snow":
        for k in range(3):
            x = x0 + s * (0.3 + 0.2 * k)
            draw.ellipse((x - line, low, x + line, low + 2 * line), fill=fill)
    elif icon == "thunder":
        cx = x0 + s * 0.5
        draw.polygon([(cx, low - s * 0.05), (cx - s * 0.12, y1 - s * 0.05), (cx, y1 - s * 0.1),
                      (cx - s * 0.05, y1)], fill=(255, 220, 0, 255))
    elif icon == "fog":
        for k in range(2):
            y = low + k * s * 0.1
            draw.line((x0 + s * 0.15, y, x0 + s * 0.85, y), fill=grey, width=line)
