"""The frame quality pages: global and per-camera settings, the test-an-image form, a
camera's state with reset, its score chart and its recent bad frames with quarantine."""
import datetime as dt
import io

import numpy as np
import pytest

from models import Camera, CorruptionEvaluation, Setting, Timelapse
from pipelines.corruption import evaluate_frame
from tasks import corruption, storage
from tasks import corruption_settings as cs
from tests.pipelines.corruption.samples import jpeg, noisy, scenes

NOW = dt.datetime.now(dt.UTC)


@pytest.fixture(scope="module")
def photo():
    return noisy(scenes((320, 180))["cat"], 1)


@pytest.fixture
def tl(demo_camera):
    return Timelapse.create(camera=demo_camera, name="Garden", interval_seconds=60,
                            status="running", started_at=NOW, anchor_at=NOW)


def record_bad(tl, photo, n=0, keep_file=True):
    """A discarded all-grey frame of TL's camera, its picture in the quarantine."""
    grey = np.full_like(photo, 128)
    slot = NOW + dt.timedelta(minutes=n)
    rel = storage.quarantine_path(tl.camera_id, tl.id, slot, 0)
    if keep_file:
        storage.media_path(rel).parent.mkdir(parents=True, exist_ok=True)
        storage.media_path(rel).write_bytes(jpeg(grey))
    corruption.record(tl, slot, 0, evaluate_frame(grey), quarantine=rel, now=slot)


def upload(data, name="frame.jpg"):
    return {"image": (io.BytesIO(data), name)}


def test_the_settings_index_links_the_frame_quality_page(client):
    html = client.get("/settings").get_data(as_text=True)
    assert 'href="/settings/corruption"' in html


def test_it_saves_the_global_settings_and_shows_them_again(client):
    form = {**{k: str(v) for k, v in cs.defaults().items() if not isinstance(v, bool)},
            "enabled": "on", "heavy": "on", "discard_below": "40", "retries": "1"}
    response = client.post("/settings/corruption", form)
    assert response.status_code == 302
    conf = cs.global_settings()
    assert (conf["discard_below"], conf["retries"], conf["heavy"]) == (40, 1, True)
    assert conf["auto_disable"] is False  # an unticked box
    html = client.get("/settings/corruption").get_data(as_text=True)
    assert 'name="discard_below" type="number"' in html and 'value="40"' in html


@pytest.mark.parametrize(("field", "value"), [("discard_below", "101"), ("retries", "x"),
                                              ("flag_below", "10")])
def test_bad_settings_are_refused_with_a_message_and_change_nothing(client, field, value):
    response = client.post("/settings/corruption", {"discard_below": "50", field: value})
    assert response.status_code == 400
    assert 'class="field-error"' in response.get_data(as_text=True)
    assert Setting.get_value(cs.SETTING_KEY) is None


def test_testing_an_image_shows_its_score_and_every_check(client, photo):
    response = client.post("/settings/corruption/test", upload(jpeg(photo)), htmx=True,
                           content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="test-result"' in html
    assert "<html" not in html  # the fragment only
    assert 'class="score score-keep"' in html and ">100<" in html
    for name in ("decodable", "uniform", "band", "macroblocks", "torn"):
        assert f"<td>{name}</td>" in html


def test_testing_a_cut_jpeg_or_a_web_page_shows_why_it_is_corrupt(client, photo):
    cut = client.post("/settings/corruption/test", upload(jpeg(photo)[:3000]),
                      content_type="multipart/form-data").get_data(as_text=True)
    assert "<html" in cut and "score-discard" in cut and "truncated" in cut
    page = client.post("/settings/corruption/test", upload(b"<html>Login</html>", "x.jpg"),
                       htmx=True, content_type="multipart/form-data").get_data(as_text=True)
    assert "web page" in page


def test_testing_without_a_file_says_so(client):
    page = client.post("/settings/corruption/test", {}, content_type="multipart/form-data")
    assert page.status_code == 400 and "Choose a picture" in page.get_data(as_text=True)
    empty = client.post("/settings/corruption/test", upload(b""), htmx=True,
                        content_type="multipart/form-data")
    assert empty.status_code == 200 and "The file is empty" in empty.get_data(as_text=True)


def test_the_camera_page_shows_the_chart_and_the_bad_frames_with_their_pictures(
        client, tl, photo):
    corruption.record(tl, NOW, 0, evaluate_frame(photo), now=NOW)
    record_bad(tl, photo, 1)
    html = client.get(f"/cameras/{tl.camera_id}/corruption").get_data(as_text=True)
    assert html.count('<circle class="dot') == 2
    assert "the whole frame is grey" in html
    row = CorruptionEvaluation.get(CorruptionEvaluation.action == "discard")
    picture = f"/corruption/evaluations/{row.id}/frame.jpg"
    assert picture in html
    response = client.get(picture)
    assert response.status_code == 200 and response.data[:2] == b"\xff\xd8"
    assert "private" in response.headers["Cache-Control"]


def test_a_picture_gone_from_the_quarantine_is_a_404(client, tl, photo):
    record_bad(tl, photo, keep_file=False)
    row = CorruptionEvaluation.get()
    assert client.get(f"/corruption/evaluations/{row.id}/frame.jpg").status_code == 404
    assert "no longer kept" in client.get(f"/cameras/{tl.camera_id}/corruption").get_data(
        as_text=True)
    assert client.get("/corruption/evaluations/999/frame.jpg").status_code == 404


def test_the_bad_frames_page_by_key(client, tl, photo):
    for n in range(14):
        record_bad(tl, photo, n, keep_file=False)
    first = client.get(f"/cameras/{tl.camera_id}/corruption").get_data(as_text=True)
    assert first.count("the whole frame is grey") == 12 and "Older »" in first
    older = [r.id for r in CorruptionEvaluation.select().order_by(CorruptionEvaluation.id)][2]
    page = client.get(f"/cameras/{tl.camera_id}/corruption/bad?before={older + 1}", htmx=True)
    html = page.get_data(as_text=True)
    assert html.strip().startswith('<section class="panel" id="bad-frames">')
    assert html.count("the whole frame is grey") == 3 and "Older »" not in html
    assert client.get(f"/cameras/{tl.camera_id}/corruption/bad?before=x").status_code == 400


def test_a_camera_keeps_its_own_settings_and_can_follow_the_global_ones_again(client, tl):
    camera_id = tl.camera_id
    form = {k: str(v) for k, v in cs.defaults(cs.PER_CAMERA).items() if not isinstance(v, bool)}
    response = client.post(f"/cameras/{camera_id}/corruption",
                           {**form, "custom": "on", "enabled": "on", "heavy": "on"})
    assert response.status_code == 302
    assert Camera.get_by_id(camera_id).corruption["heavy"] is True
    bad = client.post(f"/cameras/{camera_id}/corruption", {**form, "custom": "on",
                                                           "degraded_window": "1"})
    assert bad.status_code == 400 and "must be between" in bad.get_data(as_text=True)
    assert Camera.get_by_id(camera_id).corruption["degraded_window"] == 20
    client.post(f"/cameras/{camera_id}/corruption", {})
    assert Camera.get_by_id(camera_id).corruption is None


def test_degraded_mode_shows_on_the_card_and_a_reset_ends_it(client, tl, photo):
    Camera.update(corruption={**cs.defaults(cs.PER_CAMERA), "degraded_after": 1}).where(
        Camera.id == tl.camera_id).execute()
    record_bad(tl, photo)
    card = client.get(f"/cameras/{tl.camera_id}/card").get_data(as_text=True)
    assert "Degraded: frames look broken (1 bad frames in a row)" in card
    response = client.post(f"/cameras/{tl.camera_id}/corruption/reset", htmx=True)
    html = response.get_data(as_text=True)
    assert html.strip().startswith('<section class="panel" id="corruption-state">')
    assert "Frames look normal" in html
    assert Camera.get_by_id(tl.camera_id).corruption_degraded_at is None
    assert "Degraded" not in client.get(f"/cameras/{tl.camera_id}/card").get_data(as_text=True)


def test_unknown_cameras_are_a_404(client):
    assert client.get("/cameras/99/corruption").status_code == 404
    assert client.post("/cameras/99/corruption/reset").status_code == 404


def test_the_viewer_shows_a_frame_score_and_its_flag(client, tl):
    from models import Image
    from tests.webapp.api import make_image
    image = make_image(tl, 0)
    assert "Quality" not in client.get(f"/images/{image.id}").get_data(as_text=True)
    Image.update(corruption_score=71, flagged=True).where(Image.id == image.id).execute()
    html = client.get(f"/images/{image.id}").get_data(as_text=True)
    assert "71/100 · flagged, left out of videos" in html


def test_the_pages_need_a_login(app):
    anonymous = app.test_client()
    for url in ("/settings/corruption", "/cameras/1/corruption",
                "/corruption/evaluations/1/frame.jpg"):
        assert anonymous.get(url).status_code in (302, 401), url
