"""A weather reading and the condition groups every provider's codes map to."""
from __future__ import annotations

import dataclasses
import datetime as dt

# Condition group -> words; the group also names the overlay's icon.
CONDITIONS = {"clear": "Clear", "partly-cloudy": "Partly cloudy", "cloudy": "Cloudy",
              "fog": "Fog", "drizzle": "Drizzle", "rain": "Rain", "snow": "Snow",
              "thunder": "Thunderstorm"}


class WeatherError(Exception):
    """The provider could not be asked or gave no usable answer (message fit for people,
    never holding the API key)."""


@dataclasses.dataclass(frozen=True)
class Reading:
    provider: str
    observed_at: dt.datetime  # aware UTC: the provider's time of the observation
    temperature_c: float
    icon: str  # a CONDITIONS key
    conditions: str  # in words, e.g. "Partly cloudy" or the provider's own description
    humidity: int | None = None  # percent
    wind_kmh: float | None = None
    sunrise: dt.datetime | None = None  # aware UTC
    sunset: dt.datetime | None = None

    def to_dict(self) -> dict:
        """JSON-ready (times as ISO text): cached in the database, copied onto frames."""
        out = dataclasses.asdict(self)
        for key in ("observed_at", "sunrise", "sunset"):
            out[key] = out[key].isoformat() if out[key] else None
        return out


def wmo_group(code: int) -> str:
    """WMO weather interpretation code (Open-Meteo) -> condition group."""
    if code in (0, 1):
        return "clear"
    if code == 2:
        return "partly-cloudy"
    if code == 3:
        return "cloudy"
    if code in (45, 48):
        return "fog"
    if 51 <= code <= 57:
        return "drizzle"
    if 61 <= code <= 67 or 80 <= code <= 82:
        return "rain"
    if 71 <= code <= 77 or code in (85, 86):
        return "snow"
    if code >= 95:
        return "thunder"
    return "cloudy"


def owm_group(code: int) -> str:
    """OpenWeatherMap condition id -> condition group."""
    if 200 <= code < 300:
        return "thunder"
    if 300 <= code < 400:
        return "drizzle"
    if 500 <= code < 600:
        return "rain"
    if 600 <= code < 700:
        return "snow"
    if 700 <= code < 800:
        return "fog"
    if code == 800:
        return "clear"
    if code in (801, 802):
        return "partly-cloudy"
    return "cloudy"
