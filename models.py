"""The database (initialised late, from settings or a test) and the models.

Times are stored as naive UTC in the database and come back as aware UTC datetimes.
Queries that pages and tasks share live here as class methods returning query objects.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from peewee import (
    SQL,
    AutoField,
    BooleanField,
    CharField,
    DatabaseProxy,
    DateTimeField,
    FloatField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)
from playhouse import db_url
from playhouse.migrations import Runner

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

db = DatabaseProxy()

CAMERA_STATES = ("unknown", "online", "degraded", "offline")
TIMELAPSE_STATES = ("running", "paused", "completed")
ACTIVE_STATES = ("running", "paused")
JOB_STATES = ("queued", "running", "done", "failed", "cancelled")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UTCDateTimeField(DateTimeField):
    """Aware UTC datetimes in Python, naive UTC in the database (sorts and compares as text)."""

    def db_value(self, value):
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return super().db_value(value)

    def python_value(self, value):
        value = super().python_value(value)
        if isinstance(value, dt.datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value


class JSONField(TextField):
    def db_value(self, value):
        return None if value is None else json.dumps(value)

    def python_value(self, value):
        return None if value is None else json.loads(value)


class BaseModel(Model):
    class Meta:
        database = db
        legacy_table_names = False


class User(BaseModel):
    username = CharField(unique=True)
    password_hash = CharField()
    created_at = UTCDateTimeField(default=utcnow)


class ApiToken(BaseModel):
    name = CharField()
    token_hash = CharField(unique=True)
    prefix = CharField()  # first characters, so a person can tell tokens apart
    created_at = UTCDateTimeField(default=utcnow)
    last_used_at = UTCDateTimeField(null=True)


class Setting(BaseModel):
    key = CharField(unique=True)
    value = JSONField(null=True)

    @classmethod
    def get_value(cls, key: str, default=None):
        row = cls.get_or_none(cls.key == key)
        return default if row is None else row.value

    @classmethod
    def set_value(cls, key: str, value) -> None:
        cls.insert(key=key, value=value).on_conflict(
            conflict_target=[cls.key], update={cls.value: value}
        ).execute()


class Camera(BaseModel):
    name = CharField()
    url = TextField()  # may hold credentials: never render it, use webapp's masked form
    enabled = BooleanField(default=True)
    rotation = IntegerField(default=0)
    crop = JSONField(null=True)  # [x, y, w, h] in source pixels, or null
    aspect = CharField(default="")  # "" keeps the source, else "W:H"
    aspect_mode = CharField(default="crop")  # crop | pad
    jpeg_quality = IntegerField(default=90)
    status = CharField(default="unknown")
    failures = IntegerField(default=0)  # consecutive failed grabs
    last_error = TextField(default="")
    last_success_at = UTCDateTimeField(null=True)
    last_failure_at = UTCDateTimeField(null=True)
    retry_at = UTCDateTimeField(null=True)  # no grab before this (backoff)
    busy_since = UTCDateTimeField(null=True)  # a grab holds the camera
    preview_path = CharField(default="")  # last connection-test frame, under media
    created_at = UTCDateTimeField(default=utcnow)

    @classmethod
    def ordered(cls):
        return cls.select().order_by(cls.name, cls.id)

    def active_timelapse(self) -> Timelapse | None:
        return self.timelapses.where(Timelapse.status.in_(ACTIVE_STATES)).first()

    def latest_image(self) -> Image | None:
        """The newest frame over all of the camera's timelapses."""
        return (Image.select().join(Timelapse).where(Timelapse.camera == self.id)
                .order_by(Image.captured_at.desc(), Image.id.desc()).first())


class Timelapse(BaseModel):
    camera = ForeignKeyField(Camera, backref="timelapses", on_delete="CASCADE")
    name = CharField()
    status = CharField(default="running")
    interval_seconds = IntegerField()
    anchor_at = UTCDateTimeField(null=True)  # origin of the capture grid
    started_at = UTCDateTimeField(null=True)
    completed_at = UTCDateTimeField(null=True)
    next_capture_at = UTCDateTimeField(null=True)
    planned_until = UTCDateTimeField(null=True)  # latest slot handed to the queue
    generation = IntegerField(default=0)  # bumped on pause/resume/stop: stale tasks quit
    frame_count = IntegerField(default=0)
    last_frame_at = UTCDateTimeField(null=True)
    windows = JSONField(default=list)  # ["HH:MM-HH:MM", ...] local time; [] = all day
    days = CharField(default="0123456")  # weekdays allowed, Monday = 0
    sun_mode = CharField(default="")  # "" | "daylight": only between sunrise and sunset
    sunrise_offset = IntegerField(default=0)  # minutes, negative = earlier
    sunset_offset = IntegerField(default=0)
    stop_at = UTCDateTimeField(null=True)
    stop_after_frames = IntegerField(null=True)
    stop_after_days = IntegerField(null=True)
    created_at = UTCDateTimeField(default=utcnow)

    @classmethod
    def running(cls):
        return cls.select(cls, Camera).join(Camera).where(cls.status == "running")

    @classmethod
    def ordered(cls):
        return cls.select(cls, Camera).join(Camera).order_by(cls.id.desc())

    def latest_image(self) -> Image | None:
        return self.images.order_by(Image.slot_at.desc()).first()


# One running-or-paused timelapse per camera, enforced by the database itself.
Timelapse.add_index(
    Timelapse.index(Timelapse.camera, unique=True, where=SQL("status IN ('running', 'paused')"),
                    name="timelapse_one_active_per_camera")
)


class Image(BaseModel):
    timelapse = ForeignKeyField(Timelapse, backref="images", on_delete="CASCADE")
    slot_at = UTCDateTimeField()  # the grid slot this frame fills
    captured_at = UTCDateTimeField()  # when the grab really happened
    day_number = IntegerField()  # 1 on the timelapse's first (local) day
    bytes = IntegerField()
    width = IntegerField()
    height = IntegerField()
    path = CharField()  # relative to settings.media_dir
    thumb_path = CharField(default="")
    grab_ms = FloatField(default=0)

    class Meta:
        indexes = ((("timelapse", "slot_at"), True),)

    @classmethod
    def page(cls, timelapse_id: int, before_id: int | None = None, after_id: int | None = None,
             limit: int = 48):
        """Newest first, keyed by id (ids grow with capture time): no OFFSET scans."""
        query = cls.select().where(cls.timelapse == timelapse_id)
        if before_id is not None:
            query = query.where(cls.id < before_id)
        if after_id is not None:
            return query.where(cls.id > after_id).order_by(cls.id).limit(limit)
        return query.order_by(cls.id.desc()).limit(limit)

    def neighbours(self) -> tuple[Image | None, Image | None]:
        siblings = Image.select(Image.id).where(Image.timelapse == self.timelapse_id)
        prev = siblings.where(Image.id < self.id).order_by(Image.id.desc()).first()
        nxt = siblings.where(Image.id > self.id).order_by(Image.id).first()
        return prev, nxt


class Job(BaseModel):
    kind = CharField()
    status = CharField(default="queued")
    progress = FloatField(default=0)  # 0..100
    cancel_requested = BooleanField(default=False)
    message = TextField(default="")
    error = TextField(default="")
    params = JSONField(default=dict)
    result = JSONField(null=True)
    camera = ForeignKeyField(Camera, null=True, backref="jobs", on_delete="CASCADE")
    timelapse = ForeignKeyField(Timelapse, null=True, backref="jobs", on_delete="CASCADE")
    created_at = UTCDateTimeField(default=utcnow)
    started_at = UTCDateTimeField(null=True)
    finished_at = UTCDateTimeField(null=True)

    @property
    def finished(self) -> bool:
        return self.status in ("done", "failed", "cancelled")

    def claim(self) -> bool:
        """queued -> running, atomically: a job never runs twice."""
        claimed = (Job.update(status="running", started_at=utcnow())
                   .where(Job.id == self.id, Job.status == "queued").execute())
        return claimed == 1

    def request_cancel(self) -> bool:
        """A queued job is cancelled at once; a running one at its next progress report.
        False when the job has already ended."""
        now = utcnow()
        if Job.update(status="cancelled", finished_at=now, message="Cancelled").where(
                Job.id == self.id, Job.status == "queued").execute():
            return True
        return bool(Job.update(cancel_requested=True).where(
            Job.id == self.id, Job.status == "running").execute())


class Event(BaseModel):
    id = AutoField()
    kind = CharField()
    message = TextField(default="")
    camera_id = IntegerField(null=True)
    timelapse_id = IntegerField(null=True)
    data = JSONField(null=True)
    created_at = UTCDateTimeField(default=utcnow)

    @classmethod
    def record(cls, kind: str, message: str = "", camera_id: int | None = None,
               timelapse_id: int | None = None, **data) -> Event:
        return cls.create(kind=kind, message=message, camera_id=camera_id,
                          timelapse_id=timelapse_id, data=data or None)


MODELS = [User, ApiToken, Setting, Camera, Timelapse, Image, Job, Event]


def connect(url: str):
    """A database for the URL; SQLite gets WAL, a busy timeout and IMMEDIATE transactions."""
    if url.startswith("sqlite"):
        # Web and consumer write at once: IMMEDIATE makes read-then-write transactions
        # wait for the lock instead of failing with "database is locked".
        return db_url.connect(url, pragmas={"journal_mode": "wal", "busy_timeout": 10000,
                                            "foreign_keys": 1, "synchronous": "normal"},
                              timeout=10, lock_type="IMMEDIATE")
    return db_url.connect(url)


def init_db(url: str) -> None:
    """Point the models at the database for URL (closing any previous one)."""
    if db.obj is not None and not db.obj.is_closed():
        db.obj.close()
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    db.initialize(connect(url))


def migrate() -> list[str]:
    """Apply pending migrations; returns the names applied."""
    return Runner(db.obj, directory=str(MIGRATIONS_DIR)).up()
