"""Typed capture failures. Every message is safe to show: credentials are masked."""
from __future__ import annotations

from pipelines.capture.urls import mask_url, scrub


class CaptureError(Exception):
    """A frame could not be taken; the message names the (masked) camera and the reason."""


class CaptureTimeout(CaptureError):
    """The camera did not deliver a frame (or an answer) within the timeout."""


class CaptureRefused(CaptureError):
    """Nothing to talk to: connection refused, host unreachable or unknown (DNS)."""


class CaptureAuthError(CaptureError):
    """The camera wants other credentials (401/403)."""


class CaptureBadData(CaptureError):
    """The camera answered, but not with a decodable image (HTML page, garbage, truncated)."""


def failure(cls: type[CaptureError], url: str, reason: str) -> CaptureError:
    """Build CLS with "<masked url>: <reason>", scrubbing URL's secrets from REASON too,
    because reasons often quote library messages that repeat the URL."""
    return cls(f"{mask_url(url)}: {scrub(reason, url)}")
