"""Weather: the provider settings, the cached reading, the refresh task, the snapshot a
capture copies onto its frame, and the health check.

The scheduler decides when to refresh (`schedule.plan_weather`, every REFRESH_EVERY when a
location is configured). A capture only ever reads the cache: a slow or failing provider
never delays or breaks one. The API key is stored but never shown, logged or returned: pages
get `masked_key()`.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import logging

import settings
from models import Job, Setting, utcnow
from pipelines import weather as weather_pipeline
from tasks import health
from tasks import jobs as job_tasks
from tasks.queue import huey

log = logging.getLogger(__name__)

SETTINGS_KEY = "weather_settings"
STATE_KEY = "weather_state"  # {"reading": {...}, "fetched_at", "error", "failed_at", ...}
REFRESH_EVERY = dt.timedelta(minutes=30)
STALE_AFTER = dt.timedelta(hours=2)  # older than this: the health page warns
SNAPSHOT_MAX_AGE = dt.timedelta(hours=3)  # an older reading is not copied onto frames
TIMEOUT = 10.0


@dataclasses.dataclass(frozen=True)
class WeatherSettings:
    provider: str = "open-meteo"
    api_key: str = ""  # OpenWeatherMap only; never rendered back
    base_url: str = ""  # "" = the provider's own address (tests point it elsewhere)


def load() -> WeatherSettings:
    stored = Setting.get_value(SETTINGS_KEY) or {}
    names = {f.name for f in dataclasses.fields(WeatherSettings)}
    return WeatherSettings(**{k: v for k, v in stored.items() if k in names})


def save(conf: WeatherSettings) -> None:
    Setting.set_value(SETTINGS_KEY, dataclasses.asdict(conf))


def masked_key(conf: WeatherSettings) -> str:
    """What a page may show of the key: its last four characters at most."""
    if not conf.api_key:
        return ""
    return "••••" + conf.api_key[-4:] if len(conf.api_key) > 8 else "••••"


def configured() -> bool:
    return settings.current.latitude is not None and settings.current.longitude is not None


def state() -> dict:
    return Setting.get_value(STATE_KEY) or {}


def refresh() -> dict:
    """Ask the provider now and cache the outcome; returns the new state. A failure keeps
    the last good reading (it may still be fresh enough for frames)."""
    conf, now = load(), utcnow()
    current = state()
    try:
        reading = weather_pipeline.fetch(
            conf.provider, settings.current.latitude, settings.current.longitude,
            api_key=conf.api_key, base_url=conf.base_url or None, timeout=TIMEOUT)
    except weather_pipeline.WeatherError as exc:
        log.warning("weather: %s failed: %s", conf.provider, exc)
        current.update(error=str(exc), failed_at=now.isoformat(), provider=conf.provider)
    else:
        current = {"reading": reading.to_dict(), "fetched_at": now.isoformat(),
                   "provider": conf.provider, "error": "", "failed_at": None}
    Setting.set_value(STATE_KEY, current)
    return current


@huey.task()
def refresh_weather(job_id: int | None = None) -> None:
    """The tick's periodic refresh (no job), or a person's "refresh now" (a job)."""
    if job_id is None:
        if configured():
            refresh()
        return
    job_tasks.run_job(job_id, _refresh_job)


def _refresh_job(job: Job, progress: job_tasks.Progress) -> tuple[str, dict]:
    if not configured():
        raise job_tasks.JobFailed("Set TL_LATITUDE and TL_LONGITUDE to get the weather.")
    result = refresh()
    if result.get("error"):  # a success clears the error
        raise job_tasks.JobFailed(result["error"])
    reading = result["reading"]
    return f"{reading['temperature_c']:.1f} °C, {reading['conditions']}", {
        "provider": result["provider"]}


def _fresh_reading(current: dict, now: dt.datetime, max_age: dt.timedelta) -> dict | None:
    if not current.get("reading") or not current.get("fetched_at"):
        return None
    if now - dt.datetime.fromisoformat(current["fetched_at"]) > max_age:
        return None
    return current["reading"]


def snapshot(now: dt.datetime) -> dict | None:
    """The weather to store on a frame captured at NOW: the cached reading when recent
    enough, else None. Never a network call."""
    if not configured():
        return None
    reading = _fresh_reading(state(), now, SNAPSHOT_MAX_AGE)
    if reading is None:
        return None
    return {key: reading.get(key) for key in ("temperature_c", "icon", "conditions",
                                              "humidity", "wind_kmh", "sunrise", "sunset",
                                              "observed_at", "provider")}


def check(now: dt.datetime) -> dict:
    """The health page's weather box (a warning, never a failed health check)."""
    if not configured():
        return {"ok": True, "state": "not configured (set TL_LATITUDE and TL_LONGITUDE)"}
    current, provider = state(), load().provider
    fetched = current.get("fetched_at")
    age = (now - dt.datetime.fromisoformat(fetched)) if fetched else None
    out = {"provider": provider, "fetched_at": fetched, "error": current.get("error", "")}
    if age is None:
        state_text = f"{provider}: no reading yet"
        ok = not current.get("error")
    else:
        reading = current["reading"]
        state_text = (f"{provider}: {reading['temperature_c']:.1f} °C, "
                      f"{reading['conditions']}, {round(age.total_seconds() / 60)} min ago")
        ok = age <= STALE_AFTER
        if not ok:
            state_text += " (stale)"
    if current.get("error"):
        state_text += f"; last attempt failed: {current['error']}"
        ok = ok and age is not None and age <= REFRESH_EVERY * 2
    return {**out, "ok": ok, "state": state_text}


health.EXTRA_CHECKS["weather"] = check
