"""Say *why* an RTSP stream would not open.

OpenCV's VideoCapture only reports "not opened"; FFmpeg's reason goes to stderr. So
after a failed open we ask the camera ourselves, within what is left of the timeout:
one TCP connect (refused? unknown host?) and one DESCRIBE (401? 404?).
"""
from __future__ import annotations

import socket
import ssl
import time
from urllib.parse import urlsplit

from pipelines.capture.errors import (
    CaptureAuthError,
    CaptureError,
    CaptureRefused,
    CaptureTimeout,
    failure,
)
from pipelines.capture.urls import credentials

DEFAULT_PORTS = {"rtsp": 554, "rtsps": 322}
MAX_HEADER = 64 * 1024


def diagnose(url: str, budget: float) -> CaptureError:
    """The typed error that explains a failed open of URL, found within BUDGET seconds."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    deadline = time.monotonic() + budget
    try:
        sock = socket.create_connection(
            (parts.hostname, parts.port or DEFAULT_PORTS[scheme]), timeout=budget)
    except socket.gaierror as exc:
        return failure(CaptureRefused, url, f"cannot resolve the host name ({exc.strerror})")
    except TimeoutError:
        return failure(CaptureTimeout, url, f"no answer from the host within {budget:.1f} s")
    except OSError as exc:
        return failure(CaptureRefused, url, f"cannot connect ({exc.strerror or exc})")
    try:
        with sock:
            status_line = _describe(sock, url, scheme == "rtsps", deadline)
    except ssl.SSLError as exc:
        return failure(CaptureError, url, f"TLS handshake failed, is this an rtsps port? ({exc})")
    except TimeoutError:
        return failure(CaptureTimeout, url, "connected, but the camera did not answer in time")
    except OSError as exc:
        return failure(CaptureError, url, f"connection broken ({exc})")
    return _status_failure(url, status_line)


def _describe(sock: socket.socket, url: str, tls: bool, deadline: float) -> str:
    """Send an anonymous DESCRIBE and return the answer's status line."""
    if tls:
        # Same stance as FFmpeg's default (no certificate check): camera certificates
        # are self-signed, and this probe only classifies an error.
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        sock = context.wrap_socket(sock, server_hostname=urlsplit(url).hostname)
    creds = credentials(url)
    target = creds[0] if creds else url
    sock.sendall(f"DESCRIBE {target} RTSP/1.0\r\nCSeq: 1\r\nAccept: application/sdp\r\n"
                 "User-Agent: timelapser\r\n\r\n".encode())
    data = b""
    while b"\r\n" not in data and len(data) < MAX_HEADER:
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return data.split(b"\r\n", 1)[0].decode("latin-1").strip()


def _status_failure(url: str, status_line: str) -> CaptureError:
    words = status_line.split(None, 2)
    if len(words) < 2 or not words[0].startswith("RTSP/") or not words[1].isdigit():
        shown = status_line[:60] or "nothing"
        return failure(CaptureError, url, f"not an RTSP server (it answered {shown!r})")
    code, reason = int(words[1]), (words[2] if len(words) > 2 else "")
    if code in (401, 403):
        if credentials(url) is None:
            return failure(CaptureAuthError, url, f"the camera requires a login (RTSP {code}): "
                           "put user:password@ in the URL")
        return failure(CaptureAuthError, url, f"the camera refused the login (RTSP {code}): "
                       "check the user name and password")
    if code == 404:
        return failure(CaptureError, url, "no stream at this path (RTSP 404)")
    if code == 200:
        return failure(CaptureError, url, "the camera answered, but no video stream could be "
                       "opened (unsupported codec or no video track?)")
    return failure(CaptureError, url, f"the camera answered RTSP {code} {reason}".rstrip())
