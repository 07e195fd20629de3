"""The command line (init-db, api-token create) and GET /health."""
import datetime as dt

import models
import settings
from tasks.schedule import HEARTBEAT_KEY


def test_init_db_creates_the_admin_and_the_demo_camera_once(app, data_dir):
    settings.configure(admin_user="boss", admin_password="long-enough", demo_camera=True)
    runner = app.test_cli_runner()
    first = runner.invoke(args=["init-db"])
    assert "admin user 'boss' created" in first.output
    assert "demo camera created" in first.output
    demo = models.Camera.get()
    assert demo.preview_path  # its connection test already gave a first picture
    models.Camera.delete().execute()  # a person deletes the demo camera...
    again = runner.invoke(args=["init-db"])
    assert "database is up to date" in again.output
    assert models.Camera.select().count() == 0  # ...and it does not come back
    assert models.User.select().count() == 1


def test_api_token_create_prints_a_working_token_last(app):
    output = app.test_cli_runner().invoke(args=["api-token", "create", "ha"]).output
    token = output.strip().splitlines()[-1]
    response = app.test_client().get("/api/v1/cameras",
                                     headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert models.ApiToken.get().token_hash != token  # only the hash is stored


def beat(age_seconds):
    when = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=age_seconds)
    models.Setting.set_value(HEARTBEAT_KEY, when.isoformat())


def test_health_is_ok_while_the_consumer_ticks(app):
    beat(30)
    response = app.test_client().get("/health")
    body = response.get_json()
    assert response.status_code == 200, body
    assert body["consumer"]["ok"] and body["database"]["ok"] and body["disk"]["ok"]


def test_health_is_503_when_the_consumer_stopped_ticking(app):
    beat(300)
    response = app.test_client().get("/health")
    assert response.status_code == 503
    assert response.get_json()["consumer"]["ok"] is False


def test_health_is_503_when_the_disk_is_nearly_full(app):
    beat(10)
    settings.configure(disk_min_free_mb=10**9)
    response = app.test_client().get("/health")
    assert response.status_code == 503 and response.get_json()["disk"]["ok"] is False
