"""Notification settings and the thin tasks that send: one Notification row per message
(the scheduler decides which, and its cooldown), and the "send test notification" job."""
from __future__ import annotations

import datetime as dt

from models import Job, Notification, Setting, utcnow
from pipelines import notify as notify_pipeline
from tasks.logbook import scrub
from tasks.queue import huey

URLS_KEY = "notify_urls"
COOLDOWN_KEY = "notify_cooldown_minutes"
DEFAULT_COOLDOWN = 60  # minutes: one outage is one message, even when it flaps
COOLDOWN_RANGE = (1, 7 * 24 * 60)


def urls() -> list[str]:
    value = Setting.get_value(URLS_KEY, [])
    return [u for u in value if isinstance(u, str)] if isinstance(value, list) else []


def cooldown() -> dt.timedelta:
    minutes = Setting.get_value(COOLDOWN_KEY, DEFAULT_COOLDOWN)
    return dt.timedelta(minutes=minutes if isinstance(minutes, int) else DEFAULT_COOLDOWN)


def masked_urls() -> list[str]:
    return [notify_pipeline.masked(u) for u in urls()]


@huey.task()
def send_notification(notification_id: int) -> None:
    row = Notification.get_or_none(Notification.id == notification_id)
    if row is None or row.status != "queued":
        return
    try:
        notify_pipeline.send(urls(), row.title, row.body)
    except notify_pipeline.NotifyError as exc:
        (Notification.update(status="failed", error=scrub(str(exc))[:2000])
         .where(Notification.id == row.id).execute())
        return
    Notification.update(status="sent", sent_at=utcnow()).where(
        Notification.id == row.id).execute()


@huey.task()
def test_notification(job_id: int) -> None:
    # Imported here: tasks.jobs pulls in the scheduler, which imports this module.
    from tasks.jobs import run_job

    run_job(job_id, _send_test)


def _send_test(job: Job, progress) -> tuple[str, dict]:
    from tasks.jobs import JobFailed

    targets = urls()
    progress(10, f"Sending to {len(targets)} URL(s)…")
    try:
        notify_pipeline.send(targets, "Timelapser test notification",
                             "If you can read this, notifications from Timelapser reach you.")
    except notify_pipeline.NotifyError as exc:
        raise JobFailed(scrub(str(exc))) from None
    return f"Sent to {len(targets)} URL(s)", {"urls": len(targets)}
