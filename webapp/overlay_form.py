"""The overlay editor's flat HTML form <-> an overlay configuration (pipelines.overlays).

Fields: `style_<name>` for the global style; one row per item, `item<i>_<name>` (kind,
position, format, unit, icon, size, color; a row whose kind is "" is unused); and
`watermark_<name>` (path, scale, opacity, position, remove). Error keys of clean_config
("items.2.format") are mapped back to the field that was typed in ("item5_format").
"""
from __future__ import annotations

from pipelines.overlays import STYLE_DEFAULTS, WATERMARK_DEFAULTS, clean_config

SPARE_ROWS = 3  # empty item rows offered below the used ones
ITEM_FIELDS = ("kind", "position", "format", "unit", "icon", "size", "color")
STYLE_BOOLEANS = ("shadow", "outline")


def values(config: dict) -> dict:
    """What the form shows for CONFIG."""
    out = {f"style_{k}": v for k, v in {**STYLE_DEFAULTS, **config.get("style", {})}.items()}
    for i, item in enumerate(config.get("items", [])):
        style = item.get("style", {})
        p = f"item{i}_"
        out.update({p + "kind": item["kind"], p + "position": item["position"],
                    p + "format": item.get("format", ""), p + "unit": item.get("unit", "C"),
                    p + "icon": item.get("icon", True), p + "size": style.get("size", ""),
                    p + "color": style.get("color", "")})
    out["rows"] = len(config.get("items", [])) + SPARE_ROWS
    mark = config.get("watermark") or {}
    out.update({f"watermark_{k}": v for k, v in {**WATERMARK_DEFAULTS, **mark}.items()})
    return out


def rows(form: dict) -> int:
    numbers = [int(key[4:].split("_", 1)[0]) for key in form
               if key.startswith("item") and key[4:].split("_", 1)[0].isdigit()]
    return max(numbers, default=-1) + 1


def _item(form: dict, i: int) -> dict:
    item = {"kind": form.get(f"item{i}_kind", ""), "position": form.get(f"item{i}_position", ""),
            "format": form.get(f"item{i}_format", "")}
    if item["kind"] == "weather":
        item.update(unit=form.get(f"item{i}_unit", "C"), icon=form.get(f"item{i}_icon", ""))
    style = {}
    if str(form.get(f"item{i}_size", "")).strip():
        style["size"] = str(form[f"item{i}_size"]).strip()
    if str(form.get(f"item{i}_color", "")).strip():
        style["color"] = str(form[f"item{i}_color"]).strip()
    if style:
        item["style"] = style
    return item


def parse(form: dict, watermark_path: str | None = None) -> tuple[dict, dict]:
    """(config, errors keyed by form field) from the submitted FORM. WATERMARK_PATH: a
    just-uploaded watermark (it replaces the one in the form)."""
    used = [i for i in range(rows(form)) if form.get(f"item{i}_kind")]
    style = {k: form.get(f"style_{k}", "") for k in STYLE_DEFAULTS if k not in STYLE_BOOLEANS}
    style.update({k: bool(form.get(f"style_{k}")) for k in STYLE_BOOLEANS})
    path = watermark_path or form.get("watermark_path", "")
    watermark = None
    if path and not form.get("watermark_remove"):
        watermark = {"path": path, **{k: form.get(f"watermark_{k}", WATERMARK_DEFAULTS[k])
                                      for k in ("scale", "opacity", "position")}}
    config, errors = clean_config({"items": [_item(form, i) for i in used], "style": style,
                                   "watermark": watermark})
    return config, {_field(key, used): message for key, message in errors.items()}


def _field(key: str, used: list[int]) -> str:
    parts = key.split(".")
    if parts[0] == "items" and len(parts) >= 3 and parts[1].isdigit():
        return f"item{used[int(parts[1])]}_{parts[-1]}"
    if parts[0] in ("style", "watermark") and len(parts) == 2:
        return f"{parts[0]}_{parts[1]}"
    return key.replace(".", "_")
