"""Weather providers: the current conditions at a place, as one Reading.

    fetch(provider, latitude, longitude, api_key="", base_url=None, timeout=10) -> Reading

Providers: "open-meteo" (no key; the default) and "openweathermap" (an API key). Failures
raise WeatherError with a message fit for people that never contains the key (requests'
own messages carry the full URL, query and all, so they are never passed on).
"""
from __future__ import annotations

from pipelines.weather.model import CONDITIONS, Reading, WeatherError
from pipelines.weather.providers import PROVIDERS, fetch

__all__ = ["CONDITIONS", "PROVIDERS", "Reading", "WeatherError", "fetch"]
