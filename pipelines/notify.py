"""Sending one message to notification URLs with apprise (ntfy://, mailto://, tgram://,
json:// to any HTTP endpoint, ... ). No app imports: URLs and text in, NotifyError out."""
from __future__ import annotations

import logging

import apprise

TIMEOUT = 10.0  # seconds per service, so a dead endpoint cannot hold a worker


class NotifyError(RuntimeError):
    """At least one URL could not be reached; the message says which (masked) and why."""


def _asset() -> apprise.AppriseAsset:
    # Memory-only: apprise would otherwise keep state files in the home directory.
    return apprise.AppriseAsset(storage_mode="memory", service_timeout=TIMEOUT)


def check_url(url: str) -> str:
    """URL stripped, or ValueError when apprise does not know the scheme or its form."""
    url = (url or "").strip()
    if not url:
        raise ValueError("is empty")
    if apprise.Apprise.instantiate(url, asset=_asset()) is None:
        raise ValueError("is not a notification URL apprise understands "
                         "(for example ntfy://topic or json://host:port/path)")
    return url


def masked(url: str) -> str:
    """URL fit to show: apprise's privacy form (secrets shortened to ****), no options."""
    plugin = apprise.Apprise.instantiate(url, asset=_asset())
    if plugin is None:
        return "(not a valid notification URL)"
    return plugin.url(privacy=True).split("?", 1)[0]


def send(urls: list[str], title: str, body: str) -> None:
    """Deliver TITLE/BODY to every URL; NotifyError when none is configured or one fails."""
    if not urls:
        raise NotifyError("No notification URL is configured.")
    failed = []
    for url in urls:
        sender = apprise.Apprise(asset=_asset())
        if not sender.add(url):
            failed.append(f"{masked(url)}: not a valid URL")
            continue
        with apprise.LogCapture(level=logging.WARNING) as captured:
            ok = sender.notify(title=title, body=body)
        if not ok:
            reason = captured.getvalue().strip().splitlines()[-1:] or ["delivery failed"]
            failed.append(f"{masked(url)}: {reason[0]}")
    if failed:
        raise NotifyError("; ".join(failed))
