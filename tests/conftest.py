"""Shared fixtures: a temp data dir and database per test, the Flask app and clients.

TL_DATA_DIR is pointed at a temp dir before anything imports settings, so no test ever
touches ./data.
"""
import os
import re
import tempfile

os.environ["TL_DATA_DIR"] = tempfile.mkdtemp(prefix="tl-tests-")
os.environ.pop("TL_DATABASE_URL", None)
os.environ.pop("TL_REDIS_URL", None)

import pytest  # noqa: E402

import models  # noqa: E402
import settings  # noqa: E402
from tasks.queue import huey, render_huey  # noqa: E402

pytest_plugins = ["tests.fixtures.servers", "tests.fixtures.live", "tests.fixtures.browser"]

# Tasks run inline in tests; eta tasks are stored in memory and never run (the tick's
# planning is tested directly, and the end-to-end tests use a real consumer).
huey.immediate = True
render_huey.immediate = True


@pytest.fixture
def data_dir(tmp_path):
    """A fresh data dir and migrated database for one test."""
    original = settings.current
    url = f"sqlite:///{tmp_path / 'timelapser.db'}"
    settings.configure(data_dir=tmp_path, database_url=url, latitude=None, longitude=None,
                       timezone="UTC", admin_user="", admin_password="", demo_camera=False)
    models.init_db(url)
    models.migrate()
    yield tmp_path
    models.db.close()
    settings.current = original


@pytest.fixture
def app(data_dir):
    from webapp import create_app
    return create_app({"TESTING": True, "DATABASE_URL": settings.current.database_url})


class PageClient:
    """A Flask test client that logs in and sends the CSRF token like a browser would."""

    def __init__(self, client):
        self.client = client
        self._token = None

    def csrf_token(self) -> str:
        if self._token is None:
            html = self.client.get("/login").get_data(as_text=True)
            self._token = re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)
        return self._token

    def get(self, url, htmx=False, **kw):
        return self.client.get(url, headers=self._headers(htmx), **kw)

    def post(self, url, data=None, htmx=False, **kw):
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf_token())
        return self.client.post(url, data=data, headers=self._headers(htmx), **kw)

    @staticmethod
    def _headers(htmx):
        return {"HX-Request": "true"} if htmx else {}


@pytest.fixture
def client(app):
    """A logged-in person (user admin / password correct-horse)."""
    from webapp.auth import create_user
    create_user("admin", "correct-horse")
    page = PageClient(app.test_client())
    response = page.post("/login", {"username": "admin", "password": "correct-horse"})
    assert response.status_code in (200, 302), response.status_code
    return page


@pytest.fixture
def api(app):
    """An API test client with a valid bearer token."""
    from webapp.auth import create_api_token
    token = create_api_token("tests")
    test_client = app.test_client()
    test_client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return test_client


@pytest.fixture
def demo_camera(data_dir):
    return models.Camera.create(name="Demo", url="demo://")


@pytest.fixture(autouse=True)
def empty_queue():
    """Each test starts with an empty (in-memory) queue."""
    huey.storage.flush_all()
    render_huey.storage.flush_all()
    yield huey
