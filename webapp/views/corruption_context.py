"""Context builders for the corruption pages, one per partial, shared by the page and the
fragment view that re-renders it."""
from __future__ import annotations

from flask import url_for

from models import Camera, CorruptionEvaluation
from pipelines.corruption import CHECK_NAMES
from tasks import corruption, storage
from tasks import corruption_settings as cs

CHART_POINTS = 200
BAD_PAGE = 12
# The chart's drawing area in SVG units (the template scales it to the page width).
CHART_W, CHART_H, CHART_LEFT, CHART_TOP, CHART_BOTTOM = 640, 170, 34, 8, 22


# ---------------------------------------------------------------- corruption/_fields.html

def settings_form(values: dict, errors: dict | None = None,
                  fields: dict[str, cs.Field] = cs.GLOBAL) -> dict:
    """The settings fields as they show: VALUES from the settings or as a person sent them."""
    return {"form": values, "errors": errors or {}, "fields": fields,
            "check_names": CHECK_NAMES}


def submitted(form, fields: dict[str, cs.Field]) -> dict:
    """A settings form as it was sent, to show again next to its errors."""
    return {name: (bool(form.get(name)) if f.kind is bool else form.get(name, ""))
            for name, f in fields.items()}


# ---------------------------------------------------------------- corruption/_state.html

def camera_state(camera: Camera) -> dict:
    return {"camera": camera, "summary": corruption.summary(camera)}


# ---------------------------------------------------------------- corruption/_chart.html

def chart(camera: Camera) -> dict:
    """The last scores as points over their order (gaps in time are not to scale), with
    the camera's flag and discard lines."""
    rows = list(CorruptionEvaluation.recent(camera.id, CHART_POINTS))[::-1]
    conf = cs.camera_settings(camera)
    plot_w, plot_h = CHART_W - CHART_LEFT, CHART_H - CHART_TOP - CHART_BOTTOM

    def y(score: float) -> float:
        return round(CHART_TOP + plot_h * (100 - score) / 100, 1)

    step = plot_w / max(len(rows) - 1, 1)
    points = [{"x": round(CHART_LEFT + i * step, 1), "y": y(r.score), "row": r}
              for i, r in enumerate(rows)]
    return {"points": points, "line": " ".join(f"{p['x']},{p['y']}" for p in points),
            "ticks": [(score, y(score)) for score in (0, 50, 100)],
            "flag_y": y(conf["flag_below"]), "discard_y": y(conf["discard_below"]),
            "conf": conf, "w": CHART_W, "h": CHART_H, "left": CHART_LEFT,
            "first": rows[0].created_at if rows else None,
            "last": rows[-1].created_at if rows else None}


# ---------------------------------------------------------------- corruption/_bad_frames.html

def bad_frames(camera: Camera, before: int | None = None) -> dict:
    """A page of the camera's flagged and discarded frames, newest first, keyed by id."""
    rows = list(CorruptionEvaluation.recent(camera.id, BAD_PAGE + 1, before, bad_only=True))
    older = rows[BAD_PAGE - 1].id if len(rows) > BAD_PAGE else None
    entries = [{"row": r, "picture": _picture_url(r)} for r in rows[:BAD_PAGE]]
    return {"camera": camera, "entries": entries, "before": before, "older": older}


def _picture_url(row: CorruptionEvaluation) -> str:
    """The quarantined picture while it is kept, else the kept frame's page, else ""."""
    if row.quarantine_path and storage.media_path(row.quarantine_path).is_file():
        return url_for("corruption.quarantined", evaluation_id=row.id)
    return ""


def camera_page(camera: Camera, values: dict | None = None, errors: dict | None = None,
                before: int | None = None) -> dict:
    """Everything corruption/camera.html shows."""
    if values is None:
        values = {**cs.camera_settings(camera), "custom": camera.corruption is not None}
    return {**camera_state(camera), "chart": chart(camera),
            "bad": bad_frames(camera, before),
            **settings_form(values, errors, cs.PER_CAMERA)}
