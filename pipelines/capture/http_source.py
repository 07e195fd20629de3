"""http:// and https:// cameras: a JPEG snapshot or the first frame of an MJPEG stream.

The response's Content-Type decides: image/* is a snapshot, multipart/* an MJPEG stream
(read up to the first complete part, then hang up). Both are read under one overall
deadline, so a server that trickles bytes cannot hold a capture worker.
"""
from __future__ import annotations

import errno
import socket
import time

import numpy as np
import requests
import urllib3
from requests.auth import AuthBase, HTTPBasicAuth, HTTPDigestAuth

from pipelines.capture.decode import decode_image
from pipelines.capture.errors import (
    CaptureAuthError,
    CaptureBadData,
    CaptureError,
    CaptureRefused,
    CaptureTimeout,
    failure,
)
from pipelines.capture.mjpeg import boundary_of, first_part
from pipelines.capture.urls import credentials

MAX_BYTES = 30 * 1024 * 1024  # bigger than any sane snapshot; stops endless bodies
CHUNK = 64 * 1024
_UNREACHABLE = {errno.ECONNREFUSED, errno.EHOSTUNREACH, errno.ENETUNREACH, errno.EHOSTDOWN}


def grab_http(url: str, timeout: float) -> np.ndarray:
    """One BGR frame from an HTTP snapshot or MJPEG URL within about TIMEOUT seconds."""
    deadline = time.monotonic() + timeout
    with requests.Session() as session:
        try:
            response = _get_authorized(session, url, deadline)
        except requests.RequestException as exc:
            raise _request_failure(url, exc, timeout) from None
        with response:  # closing it is what ends an MJPEG stream after the first part
            _check_status(response, url)
            content_type = response.headers.get("Content-Type", "")
            data = _read_image_bytes(_Body(response, url, deadline, timeout), content_type)
    return decode_image(data, url, content_type)


def _get_authorized(session: requests.Session, url: str, deadline: float) -> requests.Response:
    """GET without credentials; on a 401 challenge answer it with basic or digest auth.

    Asking first means the password is only ever sent in the form the camera asked for
    (never as plain basic auth to a digest camera)."""
    creds = credentials(url)
    bare = creds[0] if creds else url
    response = _get(session, bare, deadline, None)
    if response.status_code != 401 or not creds:
        return response
    challenge = response.headers.get("WWW-Authenticate", "").lower()
    response.close()
    _, user, password = creds
    auth: AuthBase = (HTTPDigestAuth(user, password) if "digest" in challenge
                      else HTTPBasicAuth(user, password))
    return _get(session, bare, deadline, auth)


def _get(session: requests.Session, url: str, deadline: float,
         auth: AuthBase | None) -> requests.Response:
    remaining = max(0.05, deadline - time.monotonic())
    return session.get(url, auth=auth, stream=True, timeout=(remaining, remaining))


def _check_status(response: requests.Response, url: str) -> None:
    code = response.status_code
    if code in (401, 403):
        hint = "no credentials in the URL" if credentials(url) is None else "wrong credentials?"
        raise failure(CaptureAuthError, url, f"HTTP {code} {response.reason} ({hint})")
    if code >= 400:
        raise failure(CaptureError, url, f"HTTP {code} {response.reason}")


def _read_image_bytes(body: _Body, content_type: str) -> bytes:
    if content_type.lower().startswith("multipart/"):
        return first_part(body.read, boundary_of(content_type))
    declared = body.response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > MAX_BYTES:
        raise failure(CaptureBadData, body.url, f"the body is {declared} bytes, over the "
                      f"{MAX_BYTES // 2**20} MB limit")
    chunks = []
    while chunk := body.read():
        chunks.append(chunk)
    return b"".join(chunks)


class _Body:
    """Reads a streamed body in chunks under the overall deadline and the size cap."""

    def __init__(self, response: requests.Response, url: str, deadline: float, timeout: float):
        self.response, self.url, self.deadline, self.timeout = response, url, deadline, timeout
        self.total = 0

    def read(self) -> bytes:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise failure(CaptureTimeout, self.url, f"no complete image within {self.timeout:g} s")
        # Shrink the socket timeout to what is left, so one blocked read cannot
        # outlive the deadline (requests' read timeout applies per read, not in total).
        sock = getattr(self.response.raw.connection, "sock", None)
        if sock is not None:
            sock.settimeout(remaining)
        try:
            data = self.response.raw.read1(CHUNK, decode_content=True)
        except (urllib3.exceptions.ReadTimeoutError, TimeoutError):
            raise failure(CaptureTimeout, self.url,
                          f"no complete image within {self.timeout:g} s") from None
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            raise failure(CaptureError, self.url, f"connection broken: {exc}") from None
        self.total += len(data)
        if self.total > MAX_BYTES:
            raise failure(CaptureBadData, self.url, f"no complete image in the first "
                          f"{MAX_BYTES // 2**20} MB")
        return data


def _request_failure(url: str, exc: requests.RequestException, timeout: float) -> CaptureError:
    """Map a requests exception to a typed error (the message is scrubbed by failure())."""
    if isinstance(exc, requests.Timeout):
        return failure(CaptureTimeout, url, f"no answer within {timeout:g} s")
    if isinstance(exc, requests.exceptions.SSLError):
        return failure(CaptureError, url, f"TLS error (certificate not trusted?): {_root(exc)}")
    root = _root(exc)
    if isinstance(root, socket.gaierror):
        return failure(CaptureRefused, url, f"cannot resolve the host name ({root.strerror})")
    if isinstance(root, OSError) and root.errno in _UNREACHABLE:
        return failure(CaptureRefused, url, f"cannot connect ({root.strerror})")
    if isinstance(root, TimeoutError):
        return failure(CaptureTimeout, url, f"no answer within {timeout:g} s")
    return failure(CaptureError, url, f"request failed: {root}")


def _root(exc: BaseException) -> BaseException:
    """The innermost cause (urllib3 wraps the socket error two or three levels deep)."""
    seen = exc
    for _ in range(10):  # bounded: exception chains can, rarely, loop
        nxt = seen.__cause__ or seen.__context__
        if nxt is None and seen.args and isinstance(seen.args[0], BaseException):
            nxt = seen.args[0]
        if nxt is None and isinstance(getattr(seen, "reason", None), BaseException):
            nxt = seen.reason
        if nxt is None or nxt is seen:
            return seen
        seen = nxt
    return seen
