"""A fake-but-real HTTP camera for tests: a stdlib ThreadingHTTPServer on 127.0.0.1.

    camera = HttpCamera().start(); camera.url("/snapshot.jpg"); camera.stop()

Run directly (`python -m tests.servers.http_camera [PORT]`) to try it in a browser.

Endpoints: /snapshot.jpg (a new JPEG each request), /mjpeg (multipart stream, ~5 fps),
/auth/snapshot.jpg (basic admin:s3cret), /digest/snapshot.jpg (digest admin:s3cret),
/hang (never answers), /trickle (JPEG headers, then one byte per 0.2 s), /html,
/notimage, /truncated.jpg, /error (500), /huge (endless image/jpeg body).
"""
from __future__ import annotations

import base64
import hashlib
import itertools
import re
import secrets
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import cv2
import numpy as np

USER, PASSWORD = "admin", "s3cret"
REALM = "timelapser-test"
BOUNDARY = "frameboundary"
SIZE = (640, 480)
_counter = itertools.count()


def make_jpeg(width: int = SIZE[0], height: int = SIZE[1]) -> bytes:
    """A real JPEG of a drawn frame; a counter makes every call different."""
    n = next(_counter)
    frame = np.full((height, width, 3), (90, 60, 30), np.uint8)
    x = (n * 37) % max(1, width - 60)
    cv2.rectangle(frame, (x, height // 3), (x + 60, height // 3 + 60), (0, 200, 255), -1)
    cv2.putText(frame, f"frame {n}", (20, height - 30), cv2.FONT_HERSHEY_SIMPLEX, 1.0,
                (255, 255, 255), 2)
    ok, buf = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, 85])
    assert ok
    return buf.tobytes()


class CameraHandler(BaseHTTPRequestHandler):
    server: CameraServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
        pass

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        route = ROUTES.get(self.path.split("?", 1)[0])
        if route is None:
            self._send(404, "text/plain", b"not found")
        else:
            route(self)

    def _send(self, status: int, content_type: str, body: bytes,
              headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def snapshot(self) -> None:
        self._send(200, "image/jpeg", make_jpeg())

    def basic_snapshot(self) -> None:
        token = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        if self.headers.get("Authorization", "") != f"Basic {token}":
            self._send(401, "text/html", b"<html><body>401 Unauthorized</body></html>",
                       {"WWW-Authenticate": f'Basic realm="{REALM}"'})
            return
        self.snapshot()

    def digest_snapshot(self) -> None:
        if not _digest_ok(self.headers.get("Authorization", ""), "GET"):
            challenge = f'Digest realm="{REALM}", nonce="{secrets.token_hex(8)}", qop="auth"'
            self._send(401, "text/plain", b"401", {"WWW-Authenticate": challenge})
            return
        self.snapshot()

    def mjpeg(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", f"multipart/x-mixed-replace; boundary={BOUNDARY}")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Connection", "close")
        self.end_headers()
        try:
            while not self.server.stopping.is_set():
                jpeg = make_jpeg()
                self.wfile.write(f"--{BOUNDARY}\r\nContent-Type: image/jpeg\r\n"
                                 f"Content-Length: {len(jpeg)}\r\n\r\n".encode())
                self.wfile.write(jpeg + b"\r\n")
                self.wfile.flush()
                self.server.stopping.wait(0.2)  # ~5 fps
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client took its frame and hung up: that is the normal end
        self.close_connection = True

    def hang(self) -> None:
        # Request read, answer never sent; returns at shutdown so stop() is not held.
        self.server.stopping.wait()
        self.close_connection = True

    def trickle(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "image/jpeg")
        self.send_header("Content-Length", "10000000")
        self.end_headers()
        try:
            while not self.server.stopping.wait(0.2):
                self.wfile.write(b"\xff")
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass
        self.close_connection = True

    def huge(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "image/jpeg")
        self.send_header("Connection", "close")
        self.end_headers()
        block = b"\xff\xd8" + b"\0" * (1024 * 1024 - 2)
        try:
            while not self.server.stopping.is_set():
                self.wfile.write(block)
        except (BrokenPipeError, ConnectionResetError):
            pass
        self.close_connection = True

    def html(self) -> None:
        self._send(200, "text/html; charset=utf-8",
                   b"<!DOCTYPE html><html><body><h1>Camera error</h1></body></html>")

    def notimage(self) -> None:
        self._send(200, "image/jpeg", b"this is not a jpeg at all " * 40)

    def truncated(self) -> None:
        jpeg = make_jpeg()
        self._send(200, "image/jpeg", jpeg[: len(jpeg) // 2])

    def error(self) -> None:
        self._send(500, "text/plain", b"internal camera error")


def _digest_ok(header: str, method: str) -> bool:
    """Check an RFC 7616 (MD5, qop=auth) Authorization header for USER/PASSWORD."""
    if not header.startswith("Digest "):
        return False
    p = dict(re.findall(r'(\w+)="?([^",]*)"?', header))
    ha1 = hashlib.md5(f"{USER}:{REALM}:{PASSWORD}".encode()).hexdigest()
    ha2 = hashlib.md5(f"{method}:{p.get('uri', '')}".encode()).hexdigest()
    parts = [ha1, p.get("nonce", ""), p.get("nc", ""), p.get("cnonce", ""), "auth", ha2]
    return p.get("response") == hashlib.md5(":".join(parts).encode()).hexdigest()


ROUTES = {
    "/snapshot.jpg": CameraHandler.snapshot,
    "/mjpeg": CameraHandler.mjpeg,
    "/auth/snapshot.jpg": CameraHandler.basic_snapshot,
    "/digest/snapshot.jpg": CameraHandler.digest_snapshot,
    "/hang": CameraHandler.hang,
    "/trickle": CameraHandler.trickle,
    "/huge": CameraHandler.huge,
    "/html": CameraHandler.html,
    "/notimage": CameraHandler.notimage,
    "/truncated.jpg": CameraHandler.truncated,
    "/error": CameraHandler.error,
}


class CameraServer(ThreadingHTTPServer):
    daemon_threads = True  # a stuck handler never keeps the test process alive
    stopping: threading.Event

    def handle_error(self, request: object, client_address: object) -> None:
        # Clients hanging up mid-request (timeouts, closed keep-alives) are expected here.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class HttpCamera:
    """Owns a CameraServer running in a background thread."""

    def __init__(self, port: int = 0):
        self.server = CameraServer(("127.0.0.1", port), CameraHandler)
        self.server.stopping = threading.Event()
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True,
                                        name="http-camera")

    def start(self) -> HttpCamera:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.stopping.set()  # releases /hang, /mjpeg, /trickle handlers
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)

    def url(self, path: str = "/snapshot.jpg", user: str = "", password: str = "") -> str:
        auth = f"{user}:{password}@" if user else ""
        return f"http://{auth}127.0.0.1:{self.port}{path}"


if __name__ == "__main__":
    camera = HttpCamera(int(sys.argv[1]) if len(sys.argv) > 1 else 8081).start()
    print(f"READY {camera.url('/mjpeg')}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        camera.stop()
