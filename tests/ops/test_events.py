"""GET /events: every open stream sees every event (its own cursor), a reconnect with
Last-Event-ID resumes without loss or duplicates, heartbeats, and a cap on open streams."""
import json
import threading
import time

from models import Event


def parse(chunks) -> list[dict]:
    """SSE messages from the body chunks: dicts with id, event, data (comments skipped)."""
    text = b"".join(chunks).decode()
    out = []
    for block in text.split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines()
                      if ": " in line and not line.startswith(":"))
        if "data" in fields:
            out.append({"id": int(fields["id"]), "event": fields["event"],
                        "data": json.loads(fields["data"])})
    return out


def read(response) -> list[bytes]:
    chunks = list(response.response)
    response.close()
    return chunks


def test_two_streams_both_receive_every_event(client):
    first, second = client.get("/events", buffered=False), client.get("/events", buffered=False)
    assert first.mimetype == "text/event-stream"
    results = {}
    readers = [threading.Thread(target=lambda k=k, r=r: results.__setitem__(k, read(r)))
               for k, r in (("a", first), ("b", second))]
    for reader in readers:
        reader.start()
    time.sleep(0.3)  # both streams are waiting now
    ids = [Event.record(kind, f"event {n}", camera_id=1).id
           for n, kind in enumerate(("frame_captured", "job_progress", "camera_offline"))]
    for reader in readers:
        reader.join(timeout=10)
    a, b = parse(results["a"]), parse(results["b"])
    assert [m["id"] for m in a] == ids == [m["id"] for m in b]
    assert [m["event"] for m in a] == ["frame", "job", "camera"]
    assert a[1]["data"]["kind"] == "job_progress" and a[1]["data"]["message"] == "event 1"


def test_a_reconnect_with_last_event_id_resumes_without_loss_or_duplicates(client):
    ids = [Event.record("frame_captured", f"frame {n}").id for n in range(5)]
    resumed = parse(read(client.client.get("/events", buffered=False,
                                           headers={"Last-Event-ID": str(ids[1])})))
    assert [m["id"] for m in resumed] == ids[2:]
    by_query = parse(read(client.get(f"/events?last_event_id={ids[3]}", buffered=False)))
    assert [m["id"] for m in by_query] == ids[4:]


def test_a_new_stream_starts_with_what_happens_next_and_sends_heartbeats(client):
    Event.record("frame_captured", "old news")
    chunks = read(client.get("/events", buffered=False))
    assert parse(chunks) == []
    assert b": heartbeat" in b"".join(chunks) and chunks[0].startswith(b"retry:")


def test_a_bad_last_event_id_is_a_400(client):
    assert client.client.get("/events", headers={"Last-Event-ID": "abc"}).status_code == 400


def test_streams_past_the_limit_are_refused_until_one_closes(client):
    open_streams = [client.get("/events", buffered=False) for _ in range(3)]
    refused = client.get("/events", buffered=False)
    assert refused.status_code == 503 and refused.headers["Retry-After"]
    open_streams[0].close()
    again = client.get("/events", buffered=False)
    assert again.status_code == 200
    for response in [*open_streams[1:], again]:
        response.close()


def test_the_stream_needs_a_login(app):
    response = app.test_client().get("/events")
    assert response.status_code == 302 and "/setup" in response.headers["Location"] or \
        "/login" in response.headers["Location"]
