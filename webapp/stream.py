"""The live event stream's engine: one shared reader of the Event table per web process.

Each open stream (a browser tab) keeps its own cursor, the id of the last event it sent,
so every tab sees every event and a reconnect with Last-Event-ID resumes exactly where it
stopped. The streams do not query the database each on their own: whichever stream finds
the shared copy stale reads the new events once for all of them (at most every `poll`
seconds) and wakes the others. A stream whose cursor is older than that copy (a reconnect
after a long gap) catches up from the table directly.

Waiting here is waiting for data to send, not a decision about when work happens.
"""
from __future__ import annotations

import collections
import json
import threading
import time
from collections.abc import Iterator

from models import Event, db

KEEP = 1000  # recent events held in memory for the streams
CATCH_UP = 500  # events per database read for a stream that is behind


def event_dict(row: Event) -> dict:
    return {"id": row.id, "kind": row.kind, "message": row.message,
            "camera_id": row.camera_id, "timelapse_id": row.timelapse_id,
            "data": row.data or {}, "created_at": row.created_at.isoformat()}


def group(kind: str) -> str:
    """The SSE event name: job, frame, capture, camera, timelapse, disk, ..."""
    return kind.split("_", 1)[0]


def sse_message(event: dict) -> str:
    data = json.dumps(event, separators=(",", ":"))
    return f"id: {event['id']}\nevent: {group(event['kind'])}\ndata: {data}\n\n"


def _read(query_fn):
    """Run a read outside any request: open a connection for it, close it after."""
    with db.connection_context():
        return query_fn()


class EventFeed:
    def __init__(self, poll: float = 0.5):
        self.poll = poll
        self._cond = threading.Condition()
        self._recent: collections.deque[dict] = collections.deque(maxlen=KEEP)
        self._floor: int | None = None  # every event with floor < id <= top is in _recent
        self._top: int | None = None
        self._polled = 0.0
        self._polling = False

    def latest_id(self) -> int:
        with self._cond:
            if self._top is not None:
                return self._top
        return _read(Event.latest_id)

    def since(self, cursor: int) -> list[dict]:
        with self._cond:
            if self._top is None or cursor >= self._top:
                return []
            if cursor >= self._floor:
                return [e for e in self._recent if e["id"] > cursor]
        return _read(lambda: [event_dict(e) for e in Event.after(cursor, CATCH_UP)])

    def wait(self, cursor: int, timeout: float) -> list[dict]:
        """Events after CURSOR; waits up to TIMEOUT for the first one to arrive."""
        deadline = time.monotonic() + timeout
        while True:
            events = self.since(cursor)
            remaining = deadline - time.monotonic()
            if events or remaining <= 0:
                return events
            self._poll_or_wait(min(remaining, self.poll))

    def _poll_or_wait(self, timeout: float) -> None:
        with self._cond:
            fresh = time.monotonic() - self._polled < self.poll
            if self._polling or (fresh and self._top is not None):
                self._cond.wait(timeout)  # another stream reads, or the copy is fresh
                return
            self._polling = True
            top = self._top
        rows: list[dict] = []
        try:
            if top is None:
                top = _read(Event.latest_id)
            else:
                rows = _read(lambda: [event_dict(e) for e in Event.after(top, KEEP)])
        finally:
            with self._cond:
                self._store(top, rows)
                self._polling = False
                self._polled = time.monotonic()
                self._cond.notify_all()

    def _store(self, top: int | None, rows: list[dict]) -> None:
        if self._top is None:
            self._floor = self._top = top
        for row in rows:
            if len(self._recent) == self._recent.maxlen:
                self._floor = self._recent[0]["id"]
            self._recent.append(row)
            self._top = row["id"]


class StreamLimit:
    """At most N open streams per process, so tabs can never take every thread."""

    def __init__(self, limit: int):
        self.limit = limit
        self.open = 0
        self._lock = threading.Lock()

    def acquire(self) -> bool:
        with self._lock:
            if self.open >= self.limit:
                return False
            self.open += 1
            return True

    def release(self) -> None:
        with self._lock:
            self.open -= 1


def stream(feed: EventFeed, cursor: int, heartbeat: float, max_age: float) -> Iterator[str]:
    """The SSE body: events after CURSOR as they come, a comment as heartbeat, and an end
    after MAX_AGE (the browser reconnects with Last-Event-ID, so nothing is lost)."""
    ends = time.monotonic() + max_age
    yield "retry: 2000\n\n"
    while time.monotonic() < ends:
        events = feed.wait(cursor, min(heartbeat, max(ends - time.monotonic(), 0)))
        for event in events:
            cursor = event["id"]
            yield sse_message(event)
        if not events:
            yield ": heartbeat\n\n"
