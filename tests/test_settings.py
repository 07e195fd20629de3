"""TL_* variables are parsed strictly: a bad value names the variable at start-up."""
import pytest

import settings


def test_defaults_keep_all_state_under_the_data_dir(tmp_path):
    conf = settings.from_env({"TL_DATA_DIR": str(tmp_path)})
    assert conf.database_url == f"sqlite:///{tmp_path / 'timelapser.db'}"
    assert conf.queue_path == tmp_path / "queue.db"
    assert conf.media_dir == tmp_path / "media"
    assert conf.timezone == "UTC" and conf.demo_camera is True


def test_the_generated_secret_key_survives_a_restart(tmp_path):
    first = settings.from_env({"TL_DATA_DIR": str(tmp_path)}).secret_key
    assert settings.from_env({"TL_DATA_DIR": str(tmp_path)}).secret_key == first


@pytest.mark.parametrize("env, name", [
    ({"TL_TIMEZONE": "Mars/Olympus"}, "TL_TIMEZONE"),
    ({"TL_LATITUDE": "91", "TL_LONGITUDE": "0"}, "TL_LATITUDE"),
    ({"TL_LATITUDE": "north", "TL_LONGITUDE": "0"}, "TL_LATITUDE"),
    ({"TL_LATITUDE": "51.5"}, "TL_LONGITUDE"),
    ({"TL_DEMO_CAMERA": "maybe"}, "TL_DEMO_CAMERA"),
    ({"TL_CAPTURE_TIMEOUT": "0"}, "TL_CAPTURE_TIMEOUT"),
])
def test_bad_values_name_their_variable(tmp_path, env, name):
    with pytest.raises(settings.SettingsError, match=name):
        settings.from_env({"TL_DATA_DIR": str(tmp_path), **env})
