"""Making videos: render now (with the timelapse's settings or chosen ones), the live panel
on the timelapse page, a timelapse's render settings and automation, and the global
defaults. Every render goes through the scheduler's gate."""
from __future__ import annotations

from flask import Blueprint, flash, render_template, request, url_for

from models import Setting, Timelapse, Video
from pipelines.video import RenderSettings, clean_settings
from tasks import schedule
from tasks import videos as video_tasks
from webapp import htmx
from webapp.video_validation import clean_name, clean_rule, settings_diff
from webapp.views import context
from webapp.views import video_context as vc

blueprint = Blueprint("renders", __name__)


def _timelapse(tl_id: int) -> Timelapse:
    return context.or_404(Timelapse, tl_id)


@blueprint.route("/timelapses/<int:tl_id>/videos/panel")
def panel(tl_id: int):
    """The timelapse's video panel (polls itself while a render is in flight)."""
    return render_template("videos/_panel.html", **vc.video_panel(_timelapse(tl_id)))


@blueprint.get("/timelapses/<int:tl_id>/videos/new")
def new(tl_id: int):
    """The form to render with chosen settings (?from=<video> starts from a video's)."""
    tl = _timelapse(tl_id)
    source_id = context.query_id("from")
    source = context.or_404(Video, source_id) if source_id else None
    return render_template("videos/new.html", **vc.render_form(tl, source=source))


@blueprint.post("/timelapses/<int:tl_id>/videos")
def create(tl_id: int):
    """Render a video now: with the form's settings, or the timelapse's when none are sent."""
    tl = _timelapse(tl_id)
    data = vc.submitted(request.form)
    name = data.pop("name", "").strip()
    override, errors = {}, {}
    if data:  # the options form; the panel's button sends nothing but the token
        own = video_tasks.timelapse_settings(tl.id)
        values, errors = clean_settings(data, form=True, base=own)
        override = settings_diff(values, own)
        if name:
            name, error = clean_name(name, form=True)
            errors.update({"name": error} if error else {})
    if errors:
        return render_template("videos/new.html", **vc.render_form(
            tl, {**data, "name": name}, errors)), 400
    try:
        job = schedule.request_render(tl.id, override, "manual", name=name)
    except schedule.ScheduleError as exc:
        if htmx.is_fragment_request():
            return render_template("videos/_panel.html", **vc.video_panel(tl), error=str(exc))
        flash(str(exc), "error")
        return htmx.redirect_to(url_for("timelapses.show", tl_id=tl.id))
    if htmx.is_fragment_request() and not data:
        return render_template("videos/_panel.html", **vc.video_panel(tl))
    return htmx.redirect_to(url_for("jobs.show", job_id=job.id))


@blueprint.get("/timelapses/<int:tl_id>/videos/settings")
def rule(tl_id: int):
    """A timelapse's render settings and when it renders by itself."""
    return render_template("videos/rule.html", **vc.rule_form(_timelapse(tl_id)))


@blueprint.post("/timelapses/<int:tl_id>/videos/settings")
def save_rule(tl_id: int):
    """Save a timelapse's render settings and automation."""
    tl = _timelapse(tl_id)
    data = vc.submitted(request.form)
    rule_values, errors = clean_rule(data)
    defaults = RenderSettings.merged(video_tasks.global_defaults())
    setting_values, setting_errors = clean_settings(data, form=True, base=defaults)
    errors.update(setting_errors)
    if errors:
        return render_template("videos/rule.html", **vc.rule_form(tl, data, errors)), 400
    rule_values["settings"] = settings_diff(setting_values, defaults)
    schedule.set_render_rule(tl.id, rule_values)
    flash(f"Video settings of “{tl.name}” saved.", "success")
    return htmx.redirect_to(url_for("timelapses.show", tl_id=tl.id))


@blueprint.route("/settings/video", methods=["GET", "POST"])
def defaults():
    """The default render settings for every timelapse."""
    if request.method == "GET":
        values = vc.settings_values(RenderSettings.merged(video_tasks.global_defaults()))
        return render_template("videos/defaults.html", **vc.settings_form(values))
    data = vc.submitted(request.form)
    values, errors = clean_settings(data, form=True)
    if errors:
        return render_template("videos/defaults.html", **vc.settings_form(data, errors)), 400
    Setting.set_value(video_tasks.DEFAULTS_KEY, settings_diff(values, RenderSettings()))
    flash("Default video settings saved.", "success")
    return htmx.redirect_to(url_for(".defaults"))
