"""Open-Meteo and OpenWeatherMap: one HTTP GET each, parsed into a Reading.

BASE_URL points a provider elsewhere (tests run a local server speaking each provider's
real response format)."""
from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import requests

from pipelines.weather.model import CONDITIONS, Reading, WeatherError, owm_group, wmo_group

OPEN_METEO = "https://api.open-meteo.com"
OPENWEATHERMAP = "https://api.openweathermap.org"


def _get(url: str, params: dict, timeout: float) -> dict:
    host = urlsplit(url).netloc
    try:
        response = requests.get(url, params=params, timeout=timeout)
    except requests.Timeout:
        raise WeatherError(f"{host} did not answer within {timeout:g} s") from None
    except requests.RequestException as exc:
        # Only the exception's class: its text holds the URL with the key in the query.
        raise WeatherError(f"could not reach {host} ({type(exc).__name__})") from None
    if response.status_code in (401, 403):
        raise WeatherError(f"{host} refused the API key (HTTP {response.status_code})")
    if response.status_code != 200:
        raise WeatherError(f"{host} answered HTTP {response.status_code}")
    try:
        return response.json()
    except ValueError:
        raise WeatherError(f"{host} did not answer with JSON") from None


def _utc(text: str, offset: int = 0) -> dt.datetime:
    """Open-Meteo's local ISO time (no zone) at UTC OFFSET seconds, as aware UTC."""
    naive = dt.datetime.fromisoformat(text)
    return (naive - dt.timedelta(seconds=offset)).replace(tzinfo=dt.UTC)


def open_meteo(lat: float, lon: float, api_key: str, base_url: str | None,
               timeout: float) -> Reading:
    data = _get(f"{(base_url or OPEN_METEO).rstrip('/')}/v1/forecast", {
        "latitude": lat, "longitude": lon,
        "current": "temperature_2m,relative_humidity_2m,weather_code,wind_speed_10m",
        "daily": "sunrise,sunset", "timezone": "UTC", "forecast_days": 1}, timeout)
    try:
        now = data["current"]
        offset = int(data.get("utc_offset_seconds", 0))
        group = wmo_group(int(now["weather_code"]))
        daily = data.get("daily") or {}
        rise, sets = (daily.get("sunrise") or [None])[0], (daily.get("sunset") or [None])[0]
        return Reading(provider="open-meteo", observed_at=_utc(now["time"], offset),
                       temperature_c=float(now["temperature_2m"]), icon=group,
                       conditions=CONDITIONS[group],
                       humidity=_int(now.get("relative_humidity_2m")),
                       wind_kmh=_float(now.get("wind_speed_10m")),
                       sunrise=_utc(rise, offset) if rise else None,
                       sunset=_utc(sets, offset) if sets else None)
    except (KeyError, TypeError, ValueError, IndexError):
        raise WeatherError("Open-Meteo's answer lacks the current weather") from None


def openweathermap(lat: float, lon: float, api_key: str, base_url: str | None,
                   timeout: float) -> Reading:
    if not api_key:
        raise WeatherError("OpenWeatherMap needs an API key")
    data = _get(f"{(base_url or OPENWEATHERMAP).rstrip('/')}/data/2.5/weather",
                {"lat": lat, "lon": lon, "appid": api_key, "units": "metric"}, timeout)
    try:
        first = data["weather"][0]
        group = owm_group(int(first["id"]))
        sys = data.get("sys") or {}
        stamp = dt.datetime.fromtimestamp
        wind = (data.get("wind") or {}).get("speed")  # m/s with units=metric
        return Reading(provider="openweathermap", observed_at=stamp(int(data["dt"]), dt.UTC),
                       temperature_c=float(data["main"]["temp"]), icon=group,
                       conditions=str(first.get("description") or CONDITIONS[group]).capitalize(),
                       humidity=_int(data["main"].get("humidity")),
                       wind_kmh=round(float(wind) * 3.6, 1) if wind is not None else None,
                       sunrise=stamp(int(sys["sunrise"]), dt.UTC) if "sunrise" in sys else None,
                       sunset=stamp(int(sys["sunset"]), dt.UTC) if "sunset" in sys else None)
    except (KeyError, TypeError, ValueError, IndexError):
        raise WeatherError("OpenWeatherMap's answer lacks the current weather") from None


def _int(value) -> int | None:
    return None if value is None else int(round(float(value)))


def _float(value) -> float | None:
    return None if value is None else float(value)


PROVIDERS = {"open-meteo": open_meteo, "openweathermap": openweathermap}


def fetch(provider: str, latitude: float, longitude: float, api_key: str = "",
          base_url: str | None = None, timeout: float = 10) -> Reading:
    """The current weather at LATITUDE, LONGITUDE from PROVIDER. Raises WeatherError."""
    if provider not in PROVIDERS:
        raise WeatherError(f"unknown weather provider {provider!r}")
    return PROVIDERS[provider](latitude, longitude, api_key, base_url, timeout)
