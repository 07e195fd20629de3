import pytest

from pipelines.capture import mask_url, scrub, validate_url


@pytest.mark.parametrize(("url", "masked"), [
    ("rtsp://admin:secret@cam/x", "rtsp://admin:***@cam/x"),
    ("rtsp://admin@cam/x", "rtsp://admin@cam/x"),
    ("rtsp://cam:554/x", "rtsp://cam:554/x"),
    ("http://u:p%40ss@cam:8080/snap.jpg", "http://u:***@cam:8080/snap.jpg"),
    ("http://cam/snap?user=bob&password=hunter2&ch=1",
     "http://cam/snap?user=bob&password=***&ch=1"),
    ("http://cam/s?pwd=a&pass=b&token=c&key=d&auth=e&apikey=f&api_key=g&X-Api-Key=h",
     "http://cam/s?pwd=***&pass=***&token=***&key=***&auth=***&apikey=***&api_key=***"
     "&X-Api-Key=***"),
    ("rtsp://admin:p@ss/w0rd@cam/x", "rtsp://admin:***@cam/x"),  # raw "@" and "/"
    ("demo://", "demo://"),
    ("demo://?token=abc#frag", "demo://?token=***#frag"),
])
def test_mask_url_hides_passwords_and_secret_params(url, masked):
    assert mask_url(url) == masked


@pytest.mark.parametrize("junk", ["", "not a url", "http://[::1", "http://u:pw@[::1/x", None, 42])
def test_mask_url_never_raises(junk):
    masked = mask_url(junk)
    assert isinstance(masked, str)
    assert "pw@" not in masked


def test_validate_url_strips_and_returns_the_url():
    assert validate_url("  rtsp://admin:pw@cam/stream \n") == "rtsp://admin:pw@cam/stream"


@pytest.mark.parametrize("url", ["rtsp://cam/x", "rtsps://cam:322/x", "http://cam/s.jpg",
                                 "https://10.0.0.2/mjpeg", "demo://", "demo://scene?width=64",
                                 "RTSP://Cam/x"])
def test_validate_url_accepts_supported_schemes(url):
    assert validate_url(url) == url


@pytest.mark.parametrize(("url", "words"), [
    ("ftp://cam/x", "scheme"),
    ("", "Enter a camera URL"),
    ("rtsp://", "no host"),
    ("not a url", "Not a URL"),
    ("cam.local/stream", "Not a URL"),
    ("rtsp://cam:99999/x", "port"),
    ("http://cam/a b", "spaces"),
])
def test_validate_url_rejects_with_a_clear_message(url, words):
    with pytest.raises(ValueError, match=words):
        validate_url(url)


def test_validate_url_messages_hide_the_password():
    with pytest.raises(ValueError) as caught:
        validate_url("rtsp://admin:topsecret@:99/x")
    assert "topsecret" not in str(caught.value)


def test_scrub_removes_the_urls_secrets_from_any_text():
    url = "rtsp://admin:p%40ss@cam/x?token=t0k"
    text = "failed for admin:p@ss (raw p%40ss) with token t0k"
    assert scrub(text, url) == "failed for admin:*** (raw ***) with token ***"
    assert scrub(None, url) is None
