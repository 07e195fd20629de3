"""The overlay pages: presets (built-ins protected, custom ones created, edited,
duplicated, deleted), the live preview, the watermark upload's checks, a timelapse's
overlay saved as a preset plus its own changes, and the weather settings (key masked)."""
import io

import pytest
from PIL import Image as PILImage

from models import OverlayPreset, Timelapse
from pipelines.overlays.watermark import MAX_BYTES
from tasks import overlays as overlay_tasks
from tasks import storage
from tasks import weather as weather_tasks
from tests.fixtures.video_frames import plant

STYLE = {"style_size": "4", "style_color": "#ffffff", "style_background": "#000000",
         "style_background_opacity": "40", "style_margin": "2", "style_shadow": "on"}


def form(**more) -> dict:
    return {**STYLE, "item0_kind": "day", "item0_position": "top-left",
            "item0_format": "Day {day}", **more}


@pytest.fixture
def tl(demo_camera):
    tl = Timelapse.create(camera=demo_camera, name="Garden", interval_seconds=60,
                          status="completed")
    plant(tl, 1, size=(320, 240))
    return Timelapse.get_by_id(tl.id)


def png(size=(60, 30)) -> bytes:
    out = io.BytesIO()
    PILImage.new("RGBA", size, (255, 0, 0, 200)).save(out, "PNG")
    return out.getvalue()


def test_the_list_shows_builtins_that_cannot_be_deleted(client):
    html = client.get("/overlays").get_data(as_text=True)
    assert "Timestamp and weather" in html and "Full: every corner" in html
    assert "/delete" not in html


def test_a_custom_preset_is_created_edited_duplicated_and_deleted(client):
    assert client.get("/overlays/new?from=full").status_code == 200
    response = client.post("/overlays", form(name="Mine"))
    assert response.status_code == 302
    preset = OverlayPreset.get(OverlayPreset.name == "Mine")
    assert preset.config["items"] == [{"kind": "day", "position": "top-left",
                                       "format": "Day {day}"}]
    assert "Day {day}" in client.get(f"/overlays/{preset.id}").get_data(as_text=True)
    client.post(f"/overlays/{preset.id}", form(name="Mine", item0_position="center"))
    assert OverlayPreset.get_by_id(preset.id).config["items"][0]["position"] == "center"
    client.post("/overlays/duplicate", {"key": f"custom:{preset.id}"})
    client.post("/overlays/duplicate", {"key": "full"})
    assert {p.name for p in OverlayPreset.select()} == {"Mine", "Mine (copy)",
                                                        "Full: every corner (copy)"}
    assert client.post(f"/overlays/{preset.id}/delete").status_code == 302
    assert not OverlayPreset.select().where(OverlayPreset.id == preset.id).exists()


def test_bad_fields_are_named_and_nothing_is_saved(client):
    response = client.post("/overlays", form(name="", item0_format="x" * 300,
                                             style_color="red", item0_size="99"))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    for field in ("name-error", "item0_format-error", "style_color-error", "item0_size-error"):
        assert field in html
    assert OverlayPreset.select().count() == 0


def test_a_preset_in_use_is_not_deleted(client, tl):
    preset = overlay_tasks.save_preset(None, "Used", {"items": [], "style": {}})
    Timelapse.update(overlay_preset=f"custom:{preset.id}").where(Timelapse.id == tl.id).execute()
    response = client.post(f"/overlays/{preset.id}/delete")
    assert response.status_code == 409 and "Garden" in response.get_data(as_text=True)
    assert OverlayPreset.select().count() == 1


def test_the_watermark_upload_takes_a_real_image(client):
    response = client.post("/overlays", {**form(name="Logo"), "watermark_scale": "20",
                                         "watermark_opacity": "70",
                                         "watermark_position": "bottom-right",
                                         "watermark_file": (io.BytesIO(png()), "logo.png")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    mark = OverlayPreset.get(OverlayPreset.name == "Logo").config["watermark"]
    assert (mark["scale"], mark["opacity"], mark["position"]) == (20, 70, "bottom-right")
    stored = storage.media_path(mark["path"])
    assert stored.is_file() and PILImage.open(stored).format == "PNG"
    preset = OverlayPreset.get(OverlayPreset.name == "Logo")
    client.post("/overlays/duplicate", {"key": f"custom:{preset.id}"})
    client.post(f"/overlays/{preset.id}/delete")
    assert stored.is_file()  # the copy still uses it
    client.post(f"/overlays/{OverlayPreset.get().id}/delete")
    assert not stored.exists()  # deleting the last row that uses it deletes the file


@pytest.mark.parametrize("data, message", [
    (b"<html>not an image</html>", "not an image Timelapser can read"),
    (b"\x89PNG\r\n\x1a\n" + b"\0" * (MAX_BYTES + 1), "too big"),
])
def test_the_watermark_upload_rejects_non_images_and_huge_files(client, data, message):
    response = client.post("/overlays", {**form(name="Bad"),
                                         "watermark_file": (io.BytesIO(data), "logo.png")},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert OverlayPreset.select().count() == 0
    assert not (storage.media_path("overlays")).exists()


def test_the_live_preview_draws_on_the_latest_frame(client, tl):
    response = client.post("/overlays/preview", form(preview_timelapse=str(tl.id)), htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'src="data:image/jpeg;base64,' in html
    bad = client.post("/overlays/preview", form(style_color="nope"), htmx=True)
    assert "Correct the marked fields" in bad.get_data(as_text=True)


def test_a_timelapse_keeps_its_preset_and_only_its_own_changes(client, tl):
    page = client.get(f"/timelapses/{tl.id}/overlay")
    assert page.status_code == 200 and 'src="data:image/jpeg' in page.get_data(as_text=True)
    fields = client.get(f"/timelapses/{tl.id}/overlay?preset=timestamp", htmx=True)
    assert 'id="overlay-fields"' in fields.get_data(as_text=True)
    # ...and the preview is asked for again once the preset's fields are in place.
    assert fields.headers["HX-Trigger-After-Settle"] == "overlay-fields-swapped"
    response = client.post(f"/timelapses/{tl.id}/overlay", {
        **STYLE, "style_color": "#ff0000", "preset": "timestamp", "burn_in": "on",
        "item0_kind": "datetime", "item0_position": "bottom-left",
        "item0_format": "%d %b %Y %H:%M"})
    assert response.status_code == 302
    tl = Timelapse.get_by_id(tl.id)
    assert (tl.overlay_preset, tl.overlay, tl.overlay_burn_in) == (
        "timestamp", {"style": {"color": "#ff0000", "background_opacity": 40,
                                "size": 4.0}}, True)
    assert overlay_tasks.effective(tl)["style"]["color"] == "#ff0000"


def test_the_weather_key_is_stored_but_never_shown(client):
    response = client.post("/settings/weather", {"provider": "openweathermap",
                                                  "api_key": "abcdef123456789"})
    assert response.status_code == 302
    assert weather_tasks.load().api_key == "abcdef123456789"
    html = client.get("/settings/weather").get_data(as_text=True)
    assert "abcdef123456789" not in html and "••••6789" in html
    client.post("/settings/weather", {"provider": "openweathermap", "api_key": ""})
    assert weather_tasks.load().api_key == "abcdef123456789"  # blank keeps it
    missing = client.post("/settings/weather", {"provider": "openweathermap",
                                                 "remove_key": "on"})
    assert missing.status_code == 400 and "needs an API key" in missing.get_data(as_text=True)
    assert client.post("/settings/weather", {"provider": "moon"}).status_code == 400
