"""Operations against the live app (real gunicorn from the Procfile, real consumer): the
event stream reaches two clients alike, resumes after a reconnect, and twenty open
streams do not starve the server: a page still loads."""
from __future__ import annotations

import contextlib
import json
import re
import threading

import pytest
import requests

import models

pytestmark = pytest.mark.e2e

PAGE_TIMEOUT = 15  # a liveness bound (a starved server hangs), not a speed assertion


def login(live_app) -> requests.Session:
    session = requests.Session()
    html = session.get(f"{live_app.url}/login", timeout=10).text
    token = re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)
    session.post(f"{live_app.url}/login", timeout=10,
                 data={"username": live_app.username, "password": live_app.password,
                       "csrf_token": token})
    return session


@contextlib.contextmanager
def live_database(live_app):
    """The live app's own database, for writing events as the consumer would."""
    models.init_db(f"sqlite:///{live_app.data_dir / 'timelapser.db'}")
    try:
        yield
    finally:
        models.db.close()


def collect(response, want: set[int], out: list[dict]) -> None:
    """Read SSE messages until every id in WANT has arrived (or the stream ends)."""
    data = event_id = None
    for line in response.iter_lines(decode_unicode=True):
        if line.startswith("id: "):
            event_id = int(line[4:])
        elif line.startswith("data: "):
            data = json.loads(line[6:])
        elif line == "" and data is not None:
            out.append({"id": event_id, **data})
            data = None
            if want <= {m["id"] for m in out}:
                return


def open_stream(session, url, **headers):
    response = session.get(url, stream=True, timeout=30, headers=headers)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith(
        "text/event-stream"), response.text[:200]
    return response


def test_two_clients_see_the_same_events_and_a_reconnect_resumes(live_app):
    session = login(live_app)
    streams = [open_stream(session, f"{live_app.url}/events") for _ in range(2)]
    with live_database(live_app):
        ids = [models.Event.record("job_progress", f"step {n}").id for n in range(4)]
    got = [[], []]
    readers = [threading.Thread(target=collect, args=(s, set(ids), got[i]))
               for i, s in enumerate(streams)]
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join(timeout=30)
    for stream in streams:
        stream.close()
    assert [m["id"] for m in got[0] if m["id"] in ids] == ids
    assert [m["id"] for m in got[1] if m["id"] in ids] == ids

    # The browser reconnects with the last id it saw: nothing lost, nothing twice.
    resumed: list[dict] = []
    stream = open_stream(session, f"{live_app.url}/events", **{"Last-Event-ID": str(ids[1])})
    collect(stream, set(ids[2:]), resumed)
    stream.close()
    seen = [m["id"] for m in resumed]
    assert [i for i in seen if i in ids] == ids[2:]
    assert len(seen) == len(set(seen)) and min(seen) > ids[1]


def test_twenty_open_streams_do_not_starve_the_pages(live_app):
    session = login(live_app)
    streams = [open_stream(session, f"{live_app.url}/events") for _ in range(20)]
    try:
        for path in ("/", "/jobs", "/status"):
            page = session.get(f"{live_app.url}{path}", timeout=PAGE_TIMEOUT)
            assert page.status_code == 200, path
    finally:
        for stream in streams:
            stream.close()
