"""Thumbnails: the settings page, the maintenance jobs (regenerate, verify, repair, delete
orphans) for everything or one timelapse, and a timelapse's frame scrubber."""
from __future__ import annotations

from flask import Blueprint, abort, flash, render_template, request, url_for

from models import Camera, Image, Job, Timelapse
from pipelines.thumbnails import FORMATS
from tasks import schedule, thumbnail_settings
from tasks.thumbnail_settings import ThumbnailSettings
from webapp import htmx
from webapp.views import context
from webapp.views.images import variant_url

blueprint = Blueprint("thumbnails", __name__)

ACTIONS = {"regenerate": "thumbnails_regenerate", "verify": "thumbnails_verify",
           "repair": "thumbnails_repair"}
LISTINGS = ("thumbnails_verify", "thumbnails_repair")  # jobs whose result lists orphans
RANGES = {"thumb_width": (64, 1024), "small_width": (320, 3840), "thumb_quality": (30, 95),
          "small_quality": (30, 95)}
SCRUB_STOPS = 400  # the slider's positions; their thumbnails are prefetched on first touch
ORPHANS_SHOWN = 200


# ---------------------------------------------------------------- context builders

def tools(tl: Timelapse | None = None, error: str = "") -> dict:
    """thumbnails/_tools.html: the maintenance buttons and the latest job, for TL or all."""
    job = Job.latest_of(schedule.THUMBNAIL_KINDS, tl.id if tl else None)
    back = url_for(".timelapse_tools", tl_id=tl.id) if tl else url_for(".settings_page")
    return {"tl": tl, "job": job, "live": job is not None and not job.finished, "error": error,
            "tools_id": f"thumb-tools-{tl.id if tl else 'all'}", "back": back}


def settings_form(values: dict, errors: dict | None = None) -> dict:
    """thumbnails/settings.html's form: VALUES as the fields show them."""
    return {"form": values, "errors": errors or {}, "formats": FORMATS, "ranges": RANGES}


def scrubber(tl: Timelapse) -> dict:
    """timelapses/_scrubber.html: up to SCRUB_STOPS frames over the whole timelapse, with
    only their thumbnails' URLs (a scrubber never loads a full-size frame)."""
    rows = Image.spread(tl.id, SCRUB_STOPS)
    stops = [[row.id, htmx.local_time(row.captured_at, "%Y-%m-%d %H:%M:%S"),
              variant_url(row, "thumb"), row.number] for row in rows]
    return {"tl": tl, "stops": stops, "last": rows[-1] if rows else None,
            "total": rows[-1].number if rows else 0}


# ---------------------------------------------------------------- settings

@blueprint.get("/settings/thumbnails")
def settings_page():
    """Show the thumbnail settings and the maintenance jobs."""
    values = thumbnail_settings.load().as_dict()
    return render_template("thumbnails/settings.html", **settings_form(values), **tools())


@blueprint.post("/settings/thumbnails")
def save_settings():
    """Save the thumbnail settings; new frames use them at once."""
    before = thumbnail_settings.load()
    conf, values, errors = clean_settings(request.form)
    if conf is None:
        return render_template("thumbnails/settings.html", **settings_form(values, errors),
                               **tools()), 400
    thumbnail_settings.save(conf)
    job = schedule.thumbnail_settings_changed(before, conf)
    message = "Thumbnail settings saved: new frames use them from now on."
    if any(before.spec(k) != conf.spec(k) for k in thumbnail_settings.KINDS):
        message += " Existing frames keep their variants until you regenerate them."
    if job is not None:
        message += " The small images of completed timelapses are being removed."
    flash(message, "success")
    return htmx.redirect_to(url_for(".settings_page"))


def clean_settings(form) -> tuple[ThumbnailSettings | None, dict, dict]:
    """(settings or None, the values to show again, field -> error message)."""
    values = {name: form.get(name, "").strip() for name in (*RANGES, "format")}
    values["keep_small_completed"] = bool(form.get("keep_small_completed"))
    errors, numbers = {}, {}
    for name, (lo, hi) in RANGES.items():
        raw = values[name]
        if not raw.isdigit() or not lo <= int(raw) <= hi:
            errors[name] = f"Enter a whole number from {lo} to {hi}."
        else:
            numbers[name] = int(raw)
    if values["format"] not in FORMATS:
        errors["format"] = "Choose JPEG or WebP."
    if not errors and numbers["small_width"] < numbers["thumb_width"]:
        errors["small_width"] = "The small image must be at least as wide as the thumbnail."
    if errors:
        return None, values, errors
    return ThumbnailSettings(format=values["format"],
                             keep_small_completed=values["keep_small_completed"],
                             **numbers), values, {}


# ---------------------------------------------------------------- maintenance jobs

@blueprint.post("/thumbnails/<any(regenerate, verify, repair):action>")
def start(action: str):
    """Start a thumbnail job for everything, or for the timelapse in the form."""
    tl = _timelapse_from_form()
    params = {"force": True} if action == "regenerate" and request.form.get("force") else {}
    error = ""
    try:
        schedule.request_thumbnails(ACTIONS[action], tl.id if tl else None, **params)
    except schedule.ScheduleError as exc:
        error = str(exc)
    if htmx.is_fragment_request():
        return render_template("thumbnails/_tools.html", **tools(tl, error))
    flash(error or f"The {action} job has started; its progress shows below.",
          "error" if error else "success")
    return htmx.redirect_to(tools(tl)["back"])


def _timelapse_from_form() -> Timelapse | None:
    raw = request.form.get("timelapse_id", "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        abort(400, description="'timelapse_id' must be a whole number.")
    return context.or_404(Timelapse, int(raw))


@blueprint.route("/timelapses/<int:tl_id>/thumbnails")
def timelapse_tools(tl_id: int):
    """The thumbnail jobs of one timelapse."""
    tl = context.or_404(Timelapse, tl_id)
    return htmx.render("thumbnails/timelapse.html", "thumbnails/_tools.html", **tools(tl))


@blueprint.get("/thumbnails/orphans/<int:job_id>")
def confirm_orphans(job_id: int):
    """Ask before deleting the orphan files a check found."""
    job = _listing(job_id)
    paths = job.result.get("orphan_paths", [])
    return render_template("thumbnails/orphans.html", job=job, paths=paths[:ORPHANS_SHOWN],
                           more=max(0, job.result["orphans"] - ORPHANS_SHOWN),
                           back=tools(job.timelapse)["back"])


@blueprint.post("/thumbnails/orphans/<int:job_id>")
def delete_orphans(job_id: int):
    """Delete the orphan files a check found (those that are still orphans)."""
    job = _listing(job_id)
    try:
        schedule.request_thumbnails("thumbnails_delete_orphans", job.timelapse_id,
                                    source_job_id=job.id)
    except schedule.ScheduleError as exc:
        flash(str(exc), "error")
        return htmx.redirect_to(url_for(".confirm_orphans", job_id=job.id))
    flash("Deleting the orphan files; the job below shows how it goes.", "success")
    return htmx.redirect_to(tools(job.timelapse)["back"])


def _listing(job_id: int) -> Job:
    job = context.or_404(Job, job_id)
    if job.kind not in LISTINGS or job.status != "done" or not (job.result or {}).get("orphans"):
        abort(404, description="This job found no orphan files to delete.")
    return job


# ---------------------------------------------------------------- the scrubber

@blueprint.route("/timelapses/<int:tl_id>/scrubber")
def scrub(tl_id: int):
    """Skim a whole timelapse with a slider over its thumbnails."""
    tl = context.or_404(Timelapse, tl_id, Timelapse.select(Timelapse, Camera).join(Camera))
    return htmx.render("timelapses/scrubber.html", "timelapses/_scrubber.html", **scrubber(tl))
