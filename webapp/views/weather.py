"""Weather settings: the provider, its API key (stored, never shown again in full), the
state of the cached reading, and "refresh now" (through the scheduler's gate)."""
from __future__ import annotations

import dataclasses
import datetime as dt

from flask import Blueprint, flash, render_template, request, url_for

import settings
from models import utcnow
from pipelines.weather import PROVIDERS
from tasks import schedule
from tasks import weather as weather_tasks
from webapp import htmx

blueprint = Blueprint("weather", __name__)

PROVIDER_NAMES = {"open-meteo": "Open-Meteo (no key needed)",
                  "openweathermap": "OpenWeatherMap (needs an API key)"}
MAX_KEY = 200


def page_context(errors: dict | None = None, provider: str | None = None) -> dict:
    conf = weather_tasks.load()
    current = weather_tasks.state()
    fetched = current.get("fetched_at")
    return {"provider": provider or conf.provider, "providers": PROVIDERS,
            "provider_names": PROVIDER_NAMES, "masked_key": weather_tasks.masked_key(conf),
            "check": weather_tasks.check(utcnow()), "reading": current.get("reading"),
            "fetched_at": dt.datetime.fromisoformat(fetched) if fetched else None,
            "configured": weather_tasks.configured(), "errors": errors or {},
            "latitude": settings.current.latitude, "longitude": settings.current.longitude}


@blueprint.get("/settings/weather")
def settings_page():
    """Show the weather provider settings and the latest reading."""
    return render_template("weather/settings.html", **page_context())


@blueprint.post("/settings/weather")
def save():
    """Save the provider and (when typed) a new API key; a blank key keeps the stored one."""
    conf = weather_tasks.load()
    provider = request.form.get("provider", "")
    key = request.form.get("api_key", "").strip()
    errors = {}
    if provider not in PROVIDERS:
        errors["provider"] = "Pick one of the providers."
    if len(key) > MAX_KEY or any(c.isspace() for c in key):
        errors["api_key"] = f"An API key is one word of at most {MAX_KEY} characters."
    if request.form.get("remove_key"):
        key, conf = "", dataclasses.replace(conf, api_key="")
    new_key = key or conf.api_key
    if provider == "openweathermap" and not new_key and "provider" not in errors:
        errors["api_key"] = "OpenWeatherMap needs an API key."
    if errors:
        return render_template("weather/settings.html",
                               **page_context(errors, provider if provider in PROVIDERS
                                              else None)), 400
    weather_tasks.save(dataclasses.replace(conf, provider=provider, api_key=new_key))
    flash("Weather settings saved.", "success")
    return htmx.redirect_to(url_for(".settings_page"))


@blueprint.post("/settings/weather/refresh")
def refresh():
    """Ask the provider now, as a job."""
    try:
        job = schedule.request_weather_refresh()
    except schedule.ScheduleError as exc:
        flash(str(exc), "error")
        return htmx.redirect_to(url_for(".settings_page"))
    return htmx.redirect_to(url_for("jobs.show", job_id=job.id))
