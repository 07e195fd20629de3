"""The login and first-run setup pages render, explain mistakes and carry the CSRF token."""
from __future__ import annotations

import re

from models import User
from tests.webapp.views import html


def form_token(client, url: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html(client.get(url))).group(1)


def test_without_users_every_page_leads_to_setup(app):
    client = app.test_client()
    assert client.get("/").headers["Location"] == "/setup"
    body = html(client.get("/setup"))
    assert "Create account" in body and 'name="confirm"' in body


def test_setup_explains_each_mistake_next_to_its_field(app):
    client = app.test_client()
    csrf = form_token(client, "/setup")
    response = client.post("/setup", data={"csrf_token": csrf, "username": "",
                                           "password": "short", "confirm": "short"})
    body = html(response)
    assert response.status_code == 400
    assert 'id="username-error"' in body and 'id="password-error"' in body
    assert "at least 8 characters" in body
    assert User.select().count() == 0


def test_setup_creates_the_account(app):
    client = app.test_client()
    csrf = form_token(client, "/setup")
    response = client.post("/setup", data={"csrf_token": csrf, "username": "me",
                                           "password": "long enough", "confirm": "long enough"})
    assert response.status_code == 302
    assert User.get().username == "me"


def test_a_wrong_password_is_explained(client):
    client.client.post("/logout", data={"csrf_token": client.csrf_token()})
    response = client.post("/login", {"username": "admin", "password": "nope"})
    assert response.status_code == 401
    assert "Wrong user name or password." in html(response)


def test_the_login_page_keeps_the_next_target(client):
    client.client.post("/logout", data={"csrf_token": client.csrf_token()})
    response = client.post("/login?next=/cameras",
                           {"username": "admin", "password": "correct-horse"})
    assert response.headers["Location"] == "/cameras"
