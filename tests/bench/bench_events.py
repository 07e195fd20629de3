"""Live event streams against page latency: the Procfile's real gunicorn and consumer, the
consumer capturing 10 cameras (local HTTP snapshot cameras) every 5 s, and a load
generator fetching the dashboard and a gallery page.

Phases, in one run: no streams, 20 open /events streams, no streams again. Prints p50/p95
per page per phase, the ratio streams / no streams (target under 1.5), the events each
stream received, and the "database is locked" count in the web and worker logs and in
the database log table (target 0).

Run: .venv/bin/python tests/bench/bench_events.py [seconds per phase]   (default 25)
"""
from __future__ import annotations

import os
import re
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(tempfile.mkdtemp(prefix="tl-bench-events-"))
os.environ.update(TL_DATA_DIR=str(DATA), TL_DEMO_CAMERA="0", TL_CAPTURE_TIMEOUT="8",
                  TL_ADMIN_USER="admin", TL_ADMIN_PASSWORD="bench-password")
sys.path.insert(0, str(ROOT))

from tests.fixtures.live import LiveApp, _start, _stop, _wait_for, procfile_commands  # noqa: E402
from tests.fixtures.servers import free_port  # noqa: E402
from tests.servers.http_camera import HttpCamera  # noqa: E402

CAMERAS, STREAMS, CLIENTS = 10, 20, 4


def login(url: str) -> requests.Session:
    session = requests.Session()
    html = session.get(f"{url}/login", timeout=10).text
    token = re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)
    session.post(f"{url}/login", data={"username": "admin", "password": "bench-password",
                                      "csrf_token": token}, timeout=10)
    return session


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def load(url: str, paths: dict[str, str], seconds: float) -> dict[str, list[float]]:
    """CLIENTS threads fetch the pages in turn for SECONDS; latencies in ms per page."""
    times: dict[str, list[float]] = {name: [] for name in paths}
    ends = time.monotonic() + seconds

    def client():
        session = login(url)
        while time.monotonic() < ends:
            for name, path in paths.items():
                started = time.perf_counter()
                response = session.get(url + path, timeout=30)
                elapsed = (time.perf_counter() - started) * 1000
                assert response.status_code == 200, (path, response.status_code)
                times[name].append(elapsed)

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return times


class Streams:
    """STREAMS open /events connections, each counting the events it receives."""

    def __init__(self, url: str, session: requests.Session):
        self.responses = [session.get(f"{url}/events", stream=True, timeout=60)
                          for _ in range(STREAMS)]
        assert all(r.status_code == 200 for r in self.responses)
        self.counts = [0] * STREAMS
        self.threads = [threading.Thread(target=self._read, args=(i,), daemon=True)
                        for i in range(STREAMS)]
        for t in self.threads:
            t.start()

    def _read(self, i: int) -> None:
        try:
            for line in self.responses[i].iter_lines():
                if line.startswith(b"id: "):
                    self.counts[i] += 1
        except Exception:  # the connection is closed at the end of the phase
            pass

    def close(self) -> None:
        for r in self.responses:
            r.close()


def setup(app: LiveApp, camera_url: str) -> int:
    api = app.api_session()
    tl_id = None
    for n in range(CAMERAS):
        cam = api.post(f"{app.url}/api/v1/cameras",
                       json={"name": f"cam {n}", "url": camera_url}).json()
        tl = api.post(f"{app.url}/api/v1/timelapses",
                      json={"camera_id": cam["id"], "name": f"bench {n}",
                            "interval_seconds": 5}).json()
        tl_id = tl_id or tl["id"]
    return tl_id


def report(phases: list[tuple[str, dict]], streams: Streams) -> None:
    base = {page: [v for name, t in phases if name == "none" for v in t[page]]
            for page in phases[0][1]}
    loaded = dict(phases)["20 streams"]
    for page in base:
        for q, label in ((0.5, "p50"), (0.95, "p95")):
            a, b = pct(base[page], q), pct(loaded[page], q)
            print(f"{page} {label}: no streams {a:.1f} ms, 20 streams {b:.1f} ms, "
                  f"ratio {b / a:.2f}")
        print(f"{page} requests: no streams {len(base[page])}, 20 streams {len(loaded[page])}")
    print(f"events per stream: median {statistics.median(streams.counts):.0f}, "
          f"min {min(streams.counts)}")
    logs = "".join((DATA / f).read_text(errors="replace") for f in ("web.log", "worker.log"))
    print(f"'database is locked' in process logs: {logs.count('database is locked')}")
    import models

    models.init_db(f"sqlite:///{DATA / 'timelapser.db'}")
    locked = models.LogEntry.select().where(
        models.LogEntry.message.contains("database is locked")).count()
    print(f"'database is locked' in the log table: {locked}; "
          f"frames captured: {models.Image.select().count()}")


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 25
    port = free_port()
    env = {**os.environ, "PORT": str(port)}
    app = LiveApp(url=f"http://127.0.0.1:{port}", data_dir=DATA, env=env)
    app.flask("init-db")
    camera = HttpCamera().start()
    commands = procfile_commands()
    logs = [DATA / "web.log", DATA / "worker.log"]
    procs = [_start(commands["web"].strip(), env, logs[0]),
             _start(commands["worker"].strip(), env, logs[1])]
    streams = None
    try:
        _wait_for(app.url + "/health", procs, logs)
        tl_id = setup(app, camera.url("/snapshot.jpg"))
        paths = {"dashboard": "/", "gallery": f"/timelapses/{tl_id}"}
        time.sleep(15)  # the consumer's first tick and frames
        phases = [("none", load(app.url, paths, seconds))]
        streams = Streams(app.url, login(app.url))
        phases.append(("20 streams", load(app.url, paths, seconds)))
        streams.close()
        phases.append(("none", load(app.url, paths, seconds)))
    finally:
        for proc in procs:
            _stop(proc)
        camera.stop()
    print(f"{CAMERAS} cameras every 5 s, {CLIENTS} load clients, {seconds:.0f} s per phase "
          f"(data in {DATA})")
    report(phases, streams)


if __name__ == "__main__":
    main()
