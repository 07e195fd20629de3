"""The weather providers against a local server speaking each one's real response format."""
import datetime as dt

import pytest

from pipelines.weather import WeatherError, fetch
from tests.fixtures.servers import free_port
from tests.servers.weather_server import WeatherServer


@pytest.fixture
def server():
    with WeatherServer() as srv:
        yield srv


def test_it_reads_open_meteo_without_a_key(server):
    reading = fetch("open-meteo", 52.52, 13.42, base_url=server.base_url)
    assert (reading.temperature_c, reading.icon, reading.conditions) == (12.4, "partly-cloudy",
                                                                         "Partly cloudy")
    assert reading.observed_at == dt.datetime(2027, 3, 14, 11, 45, tzinfo=dt.UTC)
    assert reading.sunrise == dt.datetime(2027, 3, 14, 5, 15, tzinfo=dt.UTC)
    assert (reading.humidity, reading.wind_kmh) == (61, 9.7)
    asked = server.requests[0]
    assert asked["path"] == "/v1/forecast" and asked["query"]["latitude"] == ["52.52"]


def test_it_reads_openweathermap_with_its_key(server):
    reading = fetch("openweathermap", 52.52, 13.42, api_key="k3y", base_url=server.base_url)
    assert (reading.temperature_c, reading.icon, reading.conditions) == (7.61, "rain",
                                                                         "Moderate rain")
    assert reading.wind_kmh == 18.5 and reading.humidity == 87
    assert reading.sunset == dt.datetime.fromtimestamp(1804957500, dt.UTC)
    assert server.requests[0]["query"]["appid"] == ["k3y"]


def test_a_rejected_key_is_a_clear_error_without_the_key(server):
    server.status, server.body = 401, {"cod": 401, "message": "Invalid API key."}
    with pytest.raises(WeatherError) as caught:
        fetch("openweathermap", 1, 2, api_key="secret-key-123", base_url=server.base_url)
    assert "refused the API key" in str(caught.value)
    assert "secret-key-123" not in str(caught.value)


def test_an_unreachable_provider_never_names_the_key():
    with pytest.raises(WeatherError) as caught:
        fetch("openweathermap", 1, 2, api_key="secret-key-123",
              base_url=f"http://127.0.0.1:{free_port()}", timeout=2)
    assert "could not reach" in str(caught.value)
    assert "secret-key-123" not in str(caught.value)


@pytest.mark.parametrize("body", ["not json", {"current": {}}, {"weather": []}])
def test_a_malformed_answer_is_a_weather_error(server, body):
    server.body = body
    for provider in ("open-meteo", "openweathermap"):
        with pytest.raises(WeatherError):
            fetch(provider, 1, 2, api_key="k", base_url=server.base_url)
