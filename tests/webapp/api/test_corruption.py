"""Corruption detection over the API: scoring an uploaded picture, a camera's statistics,
and the score and flag in the image list."""
import datetime as dt
import io

import numpy as np
import pytest

from models import Image
from pipelines.corruption import CHECK_NAMES, evaluate_frame
from tasks import corruption
from tasks import corruption_settings as cs
from tests.pipelines.corruption.samples import HTML, jpeg, noisy, scenes
from tests.webapp.api import assert_error, make_image, make_timelapse


@pytest.fixture(scope="module")
def photo():
    return noisy(scenes((320, 180))["coffee"], 1)


def evaluate(api, data, name="frame.jpg"):
    return api.post("/api/v1/corruption/evaluate", data={"image": (io.BytesIO(data), name)},
                    content_type="multipart/form-data")


def test_it_scores_a_good_picture_100_with_every_check(api, photo):
    response = evaluate(api, jpeg(photo))
    assert response.status_code == 200
    body = response.get_json()
    assert body["score"] == 100 and body["corrupt"] is False
    assert [c["name"] for c in body["checks"]] == list(CHECK_NAMES)
    assert all(set(c) == {"name", "passed", "detail"} and c["passed"] for c in body["checks"])
    assert isinstance(body["ms"], float) and body["ms"] > 0


@pytest.mark.parametrize("make", [lambda p: jpeg(p)[:2000], lambda p: HTML,
                                  lambda p: jpeg(np.zeros_like(p))])
def test_it_scores_broken_pictures_as_corrupt_with_the_reason(api, photo, make):
    body = evaluate(api, make(photo)).get_json()
    assert body["score"] < 50 and body["corrupt"] is True
    failed = [c for c in body["checks"] if not c["passed"]]
    assert failed and all(c["detail"] for c in failed)


def test_it_uses_the_global_settings(api, photo, data_dir):
    cs.save_global({"discard_below": 0, "flag_below": 0})
    body = evaluate(api, jpeg(np.zeros_like(photo))).get_json()
    assert body["score"] == 0 and body["corrupt"] is False  # nothing is below 0


def test_it_refuses_a_request_without_a_picture(api):
    assert_error(api.post("/api/v1/corruption/evaluate", data={},
                          content_type="multipart/form-data"), 400, "image")
    assert_error(evaluate(api, b""), 400, "image")
    assert_error(api.post("/api/v1/corruption/evaluate", json={"image": "x"}), 400, "image")


def test_it_needs_a_token(app, photo):
    response = app.test_client().post("/api/v1/corruption/evaluate",
                                      data={"image": (io.BytesIO(jpeg(photo)), "a.jpg")})
    assert response.status_code == 401


def test_a_camera_reports_its_state_and_recent_evaluations(api, demo_camera, photo):
    tl = make_timelapse(demo_camera)
    now = dt.datetime.now(dt.UTC)
    corruption.record(tl, now, 0, evaluate_frame(photo), now=now)
    corruption.record(tl, now, 1, evaluate_frame(np.zeros_like(photo)), now=now)
    body = api.get(f"/api/v1/cameras/{demo_camera.id}/corruption").get_json()
    assert body["camera_id"] == demo_camera.id and body["enabled"] is True
    assert body["degraded"] is False and body["streak"] == 1
    assert body["window"] == {"size": 20, "evaluated": 2, "bad": 1, "bad_percent": 50.0}
    assert body["last_24h"]["evaluated"] == 2 and body["last_24h"]["discard"]["count"] == 1
    latest = body["recent"][0]
    assert (latest["score"], latest["action"], latest["attempt"]) == (0, "discard", 1)
    assert latest["failed"][0]["name"] == "uniform"
    assert body["settings"]["discard_below"] == 50


def test_an_unknown_camera_is_a_404(api):
    assert_error(api.get("/api/v1/cameras/404/corruption"), 404)


def test_images_in_the_list_carry_their_score_and_flag(api, demo_camera):
    tl = make_timelapse(demo_camera)
    image = make_image(tl, 0)
    Image.update(corruption_score=72, flagged=True).where(Image.id == image.id).execute()
    listed = api.get(f"/api/v1/timelapses/{tl.id}/images").get_json()["images"][0]
    assert (listed["corruption_score"], listed["flagged"]) == (72, True)
