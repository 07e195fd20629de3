"""A local weather API for tests, speaking Open-Meteo's `/v1/forecast` and
OpenWeatherMap's `/data/2.5/weather` response formats (as documented by each provider,
trimmed to the fields Timelapser asks for). Runs in a thread on 127.0.0.1; `status` makes
it fail, `requests` records what was asked (the query, to check the key goes only there)."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

OPEN_METEO = {
    "latitude": 52.52, "longitude": 13.419998, "generationtime_ms": 0.05,
    "utc_offset_seconds": 0, "timezone": "GMT", "timezone_abbreviation": "GMT",
    "elevation": 38.0,
    "current_units": {"time": "iso8601", "interval": "seconds", "temperature_2m": "°C",
                      "relative_humidity_2m": "%", "weather_code": "wmo code",
                      "wind_speed_10m": "km/h"},
    "current": {"time": "2027-03-14T11:45", "interval": 900, "temperature_2m": 12.4,
                "relative_humidity_2m": 61, "weather_code": 2, "wind_speed_10m": 9.7},
    "daily_units": {"time": "iso8601", "sunrise": "iso8601", "sunset": "iso8601"},
    "daily": {"time": ["2027-03-14"], "sunrise": ["2027-03-14T05:15"],
              "sunset": ["2027-03-14T17:05"]},
}
OPENWEATHERMAP = {
    "coord": {"lon": 13.42, "lat": 52.52},
    "weather": [{"id": 501, "main": "Rain", "description": "moderate rain", "icon": "10d"}],
    "base": "stations",
    "main": {"temp": 7.61, "feels_like": 4.8, "temp_min": 6.9, "temp_max": 8.3,
             "pressure": 1012, "humidity": 87},
    "visibility": 10000, "wind": {"speed": 5.14, "deg": 240}, "clouds": {"all": 90},
    "dt": 1804931100,
    "sys": {"type": 2, "id": 2011538, "country": "DE", "sunrise": 1804914900,
            "sunset": 1804957500},
    "timezone": 3600, "id": 2950159, "name": "Berlin", "cod": 200,
}


class WeatherServer:
    def __init__(self):
        self.status = 200
        self.body: dict | str | None = None  # replaces the provider's answer when set
        self.requests: list[dict] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802  (http.server's naming)
                parts = urlsplit(self.path)
                server.requests.append({"path": parts.path, "query": parse_qs(parts.query)})
                body = server.body
                if body is None:
                    body = {"/v1/forecast": OPEN_METEO,
                            "/data/2.5/weather": OPENWEATHERMAP}.get(parts.path, {})
                data = body if isinstance(body, str) else json.dumps(body)
                payload = data.encode()
                self.send_response(server.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> WeatherServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
