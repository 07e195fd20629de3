"""Overlays: the presets (built-in ones read-only; custom ones created, edited, duplicated,
deleted), a timelapse's overlay, the live preview on a timelapse's latest frame, and the
watermark upload (checked by decoding it)."""
from __future__ import annotations

import base64

from flask import Blueprint, flash, render_template, request, url_for

from models import OverlayPreset, Timelapse
from pipelines import overlays
from tasks import overlays as overlay_tasks
from tasks import schedule
from webapp import htmx
from webapp import overlay_form as forms
from webapp.validation import Invalid, _text
from webapp.views import context

blueprint = Blueprint("overlays", __name__)


# ---------------------------------------------------------------- context builders

def editor(values: dict, errors: dict | None = None, **more) -> dict:
    """overlays/_fields.html: the editor's fields, and the timelapses a preview can use."""
    return {"form": values, "errors": errors or {}, "kinds": overlays.KINDS,
            "kind_names": overlays.KIND_NAMES, "positions": overlays.POSITIONS,
            "formats": overlays.DEFAULT_FORMATS, "units": overlays.UNITS,
            "preview_timelapses": list(Timelapse.select(Timelapse.id, Timelapse.name)
                                       .where(Timelapse.frame_count > 0)
                                       .order_by(Timelapse.id.desc()).limit(50)), **more}


def preview_of(tl: Timelapse | None, config: dict, errors: dict) -> dict:
    """overlays/_preview.html: the latest frame of TL with CONFIG drawn (a data URL)."""
    if errors:
        return {"message": "Correct the marked fields to see the preview."}
    if tl is None:
        return {"message": "No timelapse has frames yet: the preview needs one."}
    jpeg = overlay_tasks.preview(tl, config)
    if jpeg is None:
        return {"message": f"“{tl.name}” has no readable frame yet."}
    return {"src": "data:image/jpeg;base64," + base64.b64encode(jpeg).decode(), "tl": tl}


def _submitted() -> tuple[dict, dict]:
    """The form (without its token) and its config; an uploaded watermark is checked and
    stored first (its error joins the others)."""
    form = request.form.to_dict()
    form.pop("csrf_token", None)
    upload = request.files.get("watermark_file")
    path, errors = None, {}
    if upload is not None and upload.filename:
        try:
            path = schedule.store_watermark(upload.read())
        except overlays.WatermarkError as exc:
            errors["watermark_file"] = str(exc)
    if path:
        form["watermark_path"] = path
        form.pop("watermark_remove", None)
    config, config_errors = forms.parse(form, path)
    return form, {**config_errors, **errors}


def _preview_timelapse(tl_id: int | None = None) -> Timelapse | None:
    wanted = tl_id or context.query_id("timelapse") or _form_id("preview_timelapse")
    query = Timelapse.select().where(Timelapse.frame_count > 0)
    if wanted:
        return query.where(Timelapse.id == wanted).first()
    return query.order_by(Timelapse.id.desc()).first()


def _form_id(name: str) -> int | None:
    raw = request.form.get(name, "").strip()
    return int(raw) if raw.isdigit() else None


# ---------------------------------------------------------------- presets

@blueprint.get("/overlays")
def index():
    """List the overlay presets."""
    return render_template("overlays/index.html", choices=overlay_tasks.choices(),
                           kind_names=overlays.KIND_NAMES)


@blueprint.get("/overlays/new")
def new():
    """The editor for a new preset (?from=<key> starts from another preset)."""
    key = request.args.get("from", "")
    config = overlay_tasks.preset_config(key) or overlays.BUILTIN_PRESETS["timestamp"][1]
    values = {**forms.values(config), "name": ""}
    tl = _preview_timelapse()
    return render_template("overlays/edit.html", preset=None, **editor(values),
                           preview=preview_of(tl, config, {}), preview_tl=tl)


@blueprint.post("/overlays")
def create():
    """Create a custom preset."""
    return _save(None)


@blueprint.get("/overlays/<int:preset_id>")
def edit(preset_id: int):
    """The editor of a custom preset, with the live preview."""
    preset = context.or_404(OverlayPreset, preset_id)
    values = {**forms.values(overlays.merged(preset.config, None)), "name": preset.name}
    tl = _preview_timelapse()
    return render_template("overlays/edit.html", preset=preset, **editor(values),
                           preview=preview_of(tl, preset.config, {}), preview_tl=tl)


@blueprint.post("/overlays/<int:preset_id>")
def update(preset_id: int):
    """Save a custom preset."""
    return _save(context.or_404(OverlayPreset, preset_id))


def _save(preset: OverlayPreset | None):
    form, errors = _submitted()
    config, _ = forms.parse(form)
    try:
        name = _text(form.get("name", ""), True, max_len=80)
    except Invalid as exc:
        errors["name"] = f"The name {exc}."
        name = ""
    if not errors:
        try:
            preset = overlay_tasks.save_preset(preset, name, config)
        except overlay_tasks.OverlayError as exc:
            errors["name"] = str(exc)
    if errors:
        tl = _preview_timelapse()
        return render_template("overlays/edit.html", preset=preset, **editor(form, errors),
                               preview=preview_of(tl, config, errors), preview_tl=tl), 400
    flash(f"Overlay preset “{preset.name}” saved.", "success")
    return htmx.redirect_to(url_for(".edit", preset_id=preset.id))


@blueprint.post("/overlays/duplicate")
def duplicate():
    """Copy a preset (built-in or custom) into a new custom one."""
    key = request.form.get("key", "")
    config = overlay_tasks.preset_config(key)
    if config is None:
        flash("That preset no longer exists.", "error")
        return htmx.redirect_to(url_for(".index"))
    name = overlay_tasks.duplicate_name(overlay_tasks.preset_name(key))
    preset = overlay_tasks.save_preset(None, name, config)
    flash(f"Copied to “{preset.name}”.", "success")
    return htmx.redirect_to(url_for(".edit", preset_id=preset.id))


@blueprint.post("/overlays/<int:preset_id>/delete")
def delete(preset_id: int):
    """Delete a custom preset (refused while a timelapse uses it)."""
    preset = context.or_404(OverlayPreset, preset_id)
    try:
        overlay_tasks.delete_preset(preset)
    except overlay_tasks.OverlayError as exc:
        return render_template("overlays/index.html", choices=overlay_tasks.choices(),
                               kind_names=overlays.KIND_NAMES, error=str(exc)), 409
    flash(f"Preset “{preset.name}” deleted.", "success")
    return htmx.redirect_to(url_for(".index"))


@blueprint.post("/overlays/preview")
def preview():
    """The live preview: the submitted settings drawn on a timelapse's latest frame."""
    form, errors = _submitted()
    config, _ = forms.parse(form)
    tl = _preview_timelapse()
    return render_template("overlays/_preview.html", preview=preview_of(tl, config, errors),
                           errors=errors)


# ---------------------------------------------------------------- a timelapse's overlay

def timelapse_form(tl: Timelapse, form: dict | None = None, errors: dict | None = None,
                   config: dict | None = None) -> dict:
    """overlays/timelapse.html: the preset choice, burn-in, the fields and the preview."""
    if form is None:
        config = overlay_tasks.effective(tl) or overlays.empty()
        form = {**forms.values(config), "preset": tl.overlay_preset,
                "burn_in": tl.overlay_burn_in}
    return {"tl": tl, "choices": overlay_tasks.choices(),
            "preview": preview_of(tl if tl.frame_count else None, config, errors or {}),
            "preview_tl": tl, **editor(form, errors)}


@blueprint.get("/timelapses/<int:tl_id>/overlay")
def timelapse_overlay(tl_id: int):
    """A timelapse's overlay: a preset, its own changes, burn-in, and the live preview."""
    tl = context.or_404(Timelapse, tl_id, Timelapse.ordered())
    if request.args.get("preset") is not None:  # the preset select: start from that preset
        key = request.args["preset"]
        config = overlays.merged(overlay_tasks.preset_config(key), None)
        form = {**forms.values(config), "preset": key, "burn_in": tl.overlay_burn_in}
        body = htmx.render("overlays/timelapse.html", "overlays/_timelapse_form.html",
                           **timelapse_form(tl, form, config=config))
        # The preview follows once the new fields are in place (not with the old ones).
        return htmx.trigger_after_settle(body, "overlay-fields-swapped")
    return render_template("overlays/timelapse.html", **timelapse_form(tl))


@blueprint.post("/timelapses/<int:tl_id>/overlay")
def save_timelapse_overlay(tl_id: int):
    """Save a timelapse's overlay: the preset key and only what differs from it."""
    tl = context.or_404(Timelapse, tl_id, Timelapse.ordered())
    form, errors = _submitted()
    config, _ = forms.parse(form)
    key = form.get("preset", "")
    base = overlay_tasks.preset_config(key)
    if key and base is None:
        errors["preset"] = "This preset no longer exists: pick another."
    if errors:
        return render_template("overlays/timelapse.html",
                               **timelapse_form(tl, form, errors, config)), 400
    override = overlays.diff(config, base) if key else config
    Timelapse.update(overlay_preset=key, overlay=override or None,
                     overlay_burn_in=bool(form.get("burn_in"))).where(
        Timelapse.id == tl.id).execute()
    flash(f"Overlay of “{tl.name}” saved: videos rendered from now on show it.", "success")
    return htmx.redirect_to(url_for("timelapses.show", tl_id=tl.id))


@blueprint.post("/timelapses/<int:tl_id>/overlay/preview")
def timelapse_preview(tl_id: int):
    """The live preview on this timelapse's latest frame."""
    tl = context.or_404(Timelapse, tl_id, Timelapse.ordered())
    form, errors = _submitted()
    config, _ = forms.parse(form)
    return render_template("overlays/_preview.html", errors=errors,
                           preview=preview_of(tl if tl.frame_count else None, config, errors))
