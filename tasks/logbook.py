"""Application logs (web and worker) kept in the database, written in batches.

`DatabaseHandler` buffers records and writes them with one INSERT per batch: when the
buffer is full, and otherwise at a boundary the process already has (the end of a web
request, the end of a Huey task, the scheduler's tick). No timer thread decides when.

Secrets never reach a log: `SecretFilter` masks passwords in URLs and secret query values
in every message and traceback, a safety net behind the masking at the source.
"""
from __future__ import annotations

import datetime as dt
import logging
import re
import threading

from models import LogEntry, db

BATCH = 50  # records per INSERT
MAX_BUFFER = 1000  # when the database cannot be written, the oldest lines go first
LOGGERS = ("tasks", "pipelines", "webapp")  # the app's own loggers log INFO and up
# Chatty libraries: only their warnings are worth keeping (huey logs every task at INFO).
MIN_LEVELS = {"huey": logging.WARNING, "werkzeug": logging.WARNING, "peewee": logging.WARNING,
              "urllib3": logging.WARNING, "apprise": logging.WARNING}

_URL_PASSWORD = re.compile(r"(?P<head>[a-zA-Z][a-zA-Z0-9+.\-]*://[^\s/:@]*:)[^\s]*@")
_SECRET_PARAM = re.compile(
    r"(?i)(?P<head>[?&;](?:[a-z_]*(?:password|passwd|pwd|token|secret|key|auth|sig|signature)"
    r"[a-z_]*)=)[^&\s#'\"]+")


def scrub(text: str) -> str:
    """TEXT with URL passwords and secret query values replaced by ***."""
    if not text or "=" not in text and "@" not in text:
        return text
    text = _URL_PASSWORD.sub(r"\g<head>***@", text)
    return _SECRET_PARAM.sub(r"\g<head>***", text)


class SecretFilter(logging.Filter):
    """Masks secrets in the message and the traceback before any handler formats them."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = scrub(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        return True


class DatabaseHandler(logging.Handler):
    def __init__(self, source: str, batch: int = BATCH):
        super().__init__(logging.INFO)
        self.source = source
        self.batch = batch
        self._rows: list[dict] = []
        self._buffer_lock = threading.Lock()
        self._writing = threading.local()
        self.addFilter(SecretFilter())

    def emit(self, record: logging.LogRecord) -> None:
        if getattr(self._writing, "busy", False):
            return  # our own INSERT logging about itself
        if record.levelno < MIN_LEVELS.get(record.name.split(".")[0], 0):
            return
        try:
            row = self._row(record)
        except Exception:
            self.handleError(record)
            return
        with self._buffer_lock:
            self._rows.append(row)
            del self._rows[:-MAX_BUFFER]
            full = len(self._rows) >= self.batch
        # Inside a caller's transaction a write would join it (and vanish on rollback).
        if full and not _in_transaction():
            self.flush()

    def _row(self, record: logging.LogRecord) -> dict:
        message = record.getMessage()
        if record.exc_text:
            message = f"{message}\n{record.exc_text}"
        return {"created_at": dt.datetime.fromtimestamp(record.created, dt.UTC),
                "level": record.levelno, "source": self.source, "logger": record.name[:100],
                "message": message[:10000], "camera_id": _int(record, "camera_id"),
                "timelapse_id": _int(record, "timelapse_id")}

    def flush(self) -> None:
        """Write what is buffered, in one statement; a failed write never breaks the caller."""
        with self._buffer_lock:
            rows, self._rows = self._rows, []
        if not rows:
            return
        self._writing.busy = True
        try:
            with db.atomic():
                LogEntry.insert_many(rows).execute()
        except Exception:  # no database (yet), or it is locked for too long: keep going
            with self._buffer_lock:
                self._rows[:0] = rows[-MAX_BUFFER:]
                del self._rows[:-MAX_BUFFER]
        finally:
            self._writing.busy = False

    def pending(self) -> int:
        return len(self._rows)


def _int(record: logging.LogRecord, name: str) -> int | None:
    value = getattr(record, name, None)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _in_transaction() -> bool:
    try:
        return db.in_transaction()
    except AttributeError:  # the database proxy is not initialised yet
        return False


_handler: DatabaseHandler | None = None
_install_lock = threading.Lock()


def install(source: str) -> DatabaseHandler:
    """Send the app's logs to the database (once per process) and mask secrets on every
    handler already attached to the root logger."""
    global _handler
    with _install_lock:
        if _handler is None:
            _handler = DatabaseHandler(source)
            root = logging.getLogger()
            root.addHandler(_handler)
            for logger in (root, *map(logging.getLogger, LOGGERS)):
                for other in logger.handlers:
                    if not any(isinstance(f, SecretFilter) for f in other.filters):
                        other.addFilter(SecretFilter())
            for name in LOGGERS:
                logger = logging.getLogger(name)
                if logger.level == logging.NOTSET or logger.level > logging.INFO:
                    logger.setLevel(logging.INFO)
        return _handler


def flush() -> None:
    """Write this process's buffered log lines now (request end, task end, the tick)."""
    if _handler is not None:
        _handler.flush()


def on_task_signal(signal: str, task, *args, **kwargs) -> None:
    """Huey signal handler: a task ended (or started), so its lines are written now."""
    flush()
