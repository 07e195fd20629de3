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
    fn,
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
    # Corruption detection (tasks/corruption.py): per-camera settings (null = the global
    # ones), the recent frames' stats the detectors compare against, and degraded mode.
    corruption = JSONField(null=True)
    corruption_history = JSONField(null=True)
    corrupt_streak = IntegerField(default=0)  # consecutive discarded frames
    corruption_degraded_at = UTCDateTimeField(null=True)  # null: not in degraded mode
    corruption_note = TextField(default="")  # why it is degraded
    corruption_disabled = BooleanField(default=False)  # switched off by the detector
    corruption_reset_at = UTCDateTimeField(null=True)  # the bad-frame rate counts from here
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
    # Overlays (tasks/overlays.py): a preset key ("" none, a built-in name, "custom:<id>"),
    # this timelapse's own changes to it, and whether new frames are saved with it drawn.
    overlay_preset = CharField(default="")
    overlay = JSONField(null=True)
    overlay_burn_in = BooleanField(default=False)
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
    small_path = CharField(default="")  # the viewer's variant; "" when missing or pruned
    grab_ms = FloatField(default=0)
    corruption_score = IntegerField(null=True)  # 0-100, 100 = perfect; null = not scored
    flagged = BooleanField(default=False)  # suspect: kept to look at, left out of videos
    weather = JSONField(null=True)  # the cached reading at capture: overlays draw from it

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
        # The variant paths too: the viewer prefetches the neighbours' small images.
        siblings = (Image.select(Image.id, Image.thumb_path, Image.small_path)
                    .where(Image.timelapse == self.timelapse_id))
        prev = siblings.where(Image.id < self.id).order_by(Image.id.desc()).first()
        nxt = siblings.where(Image.id > self.id).order_by(Image.id).first()
        return prev, nxt

    def files(self) -> list[str]:
        """The frame's files, relative to the media dir: deleting the row deletes these."""
        return [p for p in (self.path, self.thumb_path, self.small_path) if p]

    @classmethod
    def batch(cls, after_id: int, limit: int, timelapse_id: int | None = None):
        """Frames with id > AFTER_ID, oldest first, with their timelapse: the key-paginated
        walk of the bulk jobs, over everything or one timelapse."""
        query = cls.select(cls, Timelapse).join(Timelapse).where(cls.id > after_id)
        if timelapse_id is not None:
            query = query.where(cls.timelapse == timelapse_id)
        return query.order_by(cls.id).limit(limit)

    @classmethod
    def paths_of(cls, timelapse_id: int):
        """(path, thumb_path, small_path) of every frame of a timelapse (the orphan check)."""
        return (cls.select(cls.path, cls.thumb_path, cls.small_path)
                .where(cls.timelapse == timelapse_id).tuples())

    @classmethod
    def spread(cls, timelapse_id: int, limit: int) -> list[Image]:
        """At most LIMIT + 1 frames spread evenly over the whole timelapse, oldest first,
        always with the newest (the scrubber's stops); each row's `number` is its position
        (1 = the first frame). Rows are numbered in SQL, never all read."""
        total = cls.select().where(cls.timelapse == timelapse_id).count()
        step = max(1, -(-total // max(1, limit)))
        numbered = (cls.select(cls.id, fn.ROW_NUMBER().over(order_by=[cls.id]).alias("rn"))
                    .where(cls.timelapse == timelapse_id).alias("numbered"))
        index = numbered.c.rn - 1  # (peewee's % is LIKE; integer division does the modulo)
        picked = (cls.select(numbered.c.id).from_(numbered)
                  .where((index / step * step == index) | (numbered.c.rn == total)))
        rows = list(cls.select(cls.id, cls.captured_at, cls.thumb_path)
                    .where(cls.id.in_(picked)).order_by(cls.id))
        for index, row in enumerate(rows):  # picked: rows 1, 1 + step, 1 + 2 step, ..., total
            row.number = total if index == len(rows) - 1 else index * step + 1
        return rows


# The statistics and the disk forecast read frames by capture time (migration 0005).
Image.add_index(Image.index(Image.captured_at, name="image_captured_at"))


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
    heartbeat_at = UTCDateTimeField(null=True)  # last progress report: a long job is alive

    @classmethod
    def create(cls, **fields) -> Job:
        """Every gate creates its job here, so every new job is announced to open pages."""
        job = super().create(**fields)
        Event.record(f"job_{job.status}", f"{job.kind} job {job.id} {job.status}",
                     camera_id=job.camera_id, timelapse_id=job.timelapse_id, job_id=job.id,
                     job_kind=job.kind)
        return job

    @classmethod
    def listing(cls, kind: str = "", status: str = "", before_id: int | None = None,
                limit: int = 50):
        """Newest first, filtered, keyed by id (no OFFSET)."""
        query = cls.select()
        if kind:
            query = query.where(cls.kind == kind)
        if status:
            query = query.where(cls.status == status)
        if before_id is not None:
            query = query.where(cls.id < before_id)
        return query.order_by(cls.id.desc()).limit(limit)

    @classmethod
    def latest_of(cls, kinds, timelapse_id: int | None = None) -> Job | None:
        """The newest job of one of KINDS for a timelapse, or (None) for everything."""
        scope = cls.timelapse.is_null() if timelapse_id is None else cls.timelapse == timelapse_id
        return cls.select().where(cls.kind.in_(kinds), scope).order_by(cls.id.desc()).first()

    @classmethod
    def in_flight(cls, kind: str, timelapse_id: int):
        """The timelapse's queued and running jobs of KIND, oldest first."""
        return cls.select().where(cls.kind == kind, cls.timelapse == timelapse_id,
                                  cls.status.in_(("queued", "running"))).order_by(cls.id)

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

    @classmethod
    def after(cls, cursor: int, limit: int = 200):
        """Events newer than CURSOR (an id), oldest first: each reader keeps its own cursor."""
        return cls.select().where(cls.id > cursor).order_by(cls.id).limit(limit)

    @classmethod
    def latest_id(cls) -> int:
        return cls.select(fn.MAX(cls.id)).scalar() or 0

    @classmethod
    def prune(cls, before: dt.datetime, limit: int = 5000) -> int:
        """Delete up to LIMIT events older than BEFORE (oldest first); returns how many.
        The newest event always stays: SQLite would hand its id out again, and readers'
        cursors (Last-Event-ID) must only ever grow."""
        old = (cls.select(cls.id).where(cls.created_at < before, cls.id < cls.latest_id())
               .order_by(cls.id).limit(limit))
        return cls.delete().where(cls.id.in_(old)).execute()


# Retention prunes by age; the stream, the timing view and the statistics read by owner.
Event.add_index(Event.index(Event.created_at, name="event_created_at"))
Event.add_index(Event.index(Event.timelapse_id, Event.id, name="event_timelapse_id"))
Event.add_index(Event.index(Event.camera_id, Event.id, name="event_camera_id"))


class LogEntry(BaseModel):
    """An application log line (web or worker), written in batches by tasks.logbook."""
    created_at = UTCDateTimeField(default=utcnow)
    level = IntegerField()  # logging's numbers: 20 INFO, 30 WARNING, 40 ERROR
    source = CharField()  # web | worker
    logger = CharField()
    message = TextField()
    camera_id = IntegerField(null=True)
    timelapse_id = IntegerField(null=True)

    @classmethod
    def page(cls, before_id: int | None = None, min_level: int = 0, source: str = "",
             camera_id: int | None = None, text: str = "", limit: int = 100):
        """Newest first, filtered, keyed by id (no OFFSET)."""
        query = cls.select()
        if min_level:
            query = query.where(cls.level >= min_level)
        if source:
            query = query.where(cls.source == source)
        if camera_id is not None:
            query = query.where(cls.camera_id == camera_id)
        if text:
            query = query.where(cls.message.contains(text))
        if before_id is not None:
            query = query.where(cls.id < before_id)
        return query.order_by(cls.id.desc()).limit(limit)

    @classmethod
    def prune(cls, before: dt.datetime, limit: int = 5000) -> int:
        """Delete up to LIMIT rows older than BEFORE (oldest first); returns how many."""
        old = cls.select(cls.id).where(cls.created_at < before).order_by(cls.id).limit(limit)
        return cls.delete().where(cls.id.in_(old)).execute()


LogEntry.add_index(LogEntry.index(LogEntry.created_at, name="logentry_created_at"))
LogEntry.add_index(LogEntry.index(LogEntry.camera_id, LogEntry.id, name="logentry_camera_id_id"))


class Notification(BaseModel):
    """A message to the configured notification URLs; its KEY names the outage it is about,
    so the scheduler's cooldown can tell a new outage from the same one again."""
    key = CharField()
    kind = CharField()
    title = CharField()
    body = TextField(default="")
    status = CharField(default="queued")  # queued | sent | failed
    error = TextField(default="")
    event_id = IntegerField(null=True)
    created_at = UTCDateTimeField(default=utcnow)
    sent_at = UTCDateTimeField(null=True)

    @classmethod
    def sent_since(cls, key: str, since: dt.datetime) -> bool:
        return cls.select().where(cls.key == key, cls.created_at >= since).exists()

    @classmethod
    def recent(cls, limit: int = 20):
        return cls.select().order_by(cls.id.desc()).limit(limit)


class Video(BaseModel):
    """A rendered video; its files live under media/timelapses/<id>/videos/."""
    timelapse = ForeignKeyField(Timelapse, backref="videos", on_delete="CASCADE")
    name = CharField()
    path = CharField()  # relative to settings.media_dir, like every file path
    poster_path = CharField(default="")
    preview_path = CharField(default="")  # a small animated WebP for cards
    codec = CharField()
    width = IntegerField()
    height = IntegerField()
    frames = IntegerField()
    fps = FloatField()
    fps_clamped = BooleanField(default=False)
    duration = FloatField()  # seconds
    bytes = IntegerField()
    settings = JSONField(default=dict)  # every setting used: "render again" starts from these
    trigger = CharField(default="manual")  # manual|milestone|scheduled|capture|completion
    reason = TextField(default="")  # why it was made, in words
    first_frame_at = UTCDateTimeField(null=True)
    last_frame_at = UTCDateTimeField(null=True)
    notes = JSONField(default=list)
    job_id = IntegerField(null=True)
    render_seconds = FloatField(default=0)
    created_at = UTCDateTimeField(default=utcnow)

    class Meta:
        indexes = ((("timelapse", "id"), False),)  # a timelapse's videos, paged by id

    @property
    def automatic(self) -> bool:
        return self.trigger != "manual"

    def files(self) -> list[str]:
        return [p for p in (self.path, self.poster_path, self.preview_path) if p]

    @classmethod
    def page(cls, before_id: int | None = None, timelapse_id: int | None = None,
             limit: int = 24):
        """Newest first with their timelapse, keyed by id (no OFFSET)."""
        query = cls.select(cls, Timelapse).join(Timelapse)
        if timelapse_id is not None:
            query = query.where(cls.timelapse == timelapse_id)
        if before_id is not None:
            query = query.where(cls.id < before_id)
        return query.order_by(cls.id.desc()).limit(limit)

    @classmethod
    def older_automatic(cls, video: Video):
        """The timelapse's automatic videos before VIDEO (the ones it may replace)."""
        return cls.select().where(cls.timelapse == video.timelapse_id, cls.trigger != "manual",
                                  cls.id < video.id)


class RenderRule(BaseModel):
    """How a timelapse's videos are made, and when they make themselves. No row: manual
    renders with the global defaults."""
    timelapse = ForeignKeyField(Timelapse, unique=True, backref="render_rules",
                                on_delete="CASCADE")
    settings = JSONField(default=dict)  # this timelapse's changes to the global defaults
    every_frames = IntegerField(null=True)  # a milestone render every N frames
    scheduled = CharField(default="")  # "" | daily | weekly
    scheduled_time = CharField(default="")  # HH:MM, local
    scheduled_weekday = IntegerField(default=0)  # Monday = 0
    after_capture = BooleanField(default=False)
    min_gap_minutes = IntegerField(default=15)  # at most one render per gap after captures
    on_completion = BooleanField(default=False)
    replace_automatic = BooleanField(default=True)
    next_render_at = UTCDateTimeField(null=True)  # the next scheduled render
    gap_render_at = UTCDateTimeField(null=True)  # a render the capture throttle held back
    last_auto_at = UTCDateTimeField(null=True)  # the last render after a capture

    @classmethod
    def due(cls, until: dt.datetime):
        """Rules with a scheduled or held-back render due by UNTIL."""
        return cls.select().where((cls.next_render_at <= until) | (cls.gap_render_at <= until))


class CorruptionEvaluation(BaseModel):
    """One frame scored by the corruption detectors (pipelines/corruption), kept for
    statistics. `failed` holds only the failed checks (name, detail, penalty), so a good
    frame costs a few bytes; `heavy_ms` is null when the heavy detector did not run."""

    camera = ForeignKeyField(Camera, backref="evaluations", on_delete="CASCADE")
    timelapse = ForeignKeyField(Timelapse, null=True, on_delete="SET NULL")
    image = ForeignKeyField(Image, null=True, on_delete="SET NULL")  # the kept frame
    slot_at = UTCDateTimeField(null=True)
    attempt = IntegerField(default=0)
    score = IntegerField()  # 0-100, 100 = perfect
    action = CharField()  # keep | flag | discard
    failed = JSONField(default=list)
    fast_ms = FloatField(default=0)
    heavy_ms = FloatField(null=True)
    quarantine_path = CharField(default="")  # the discarded frame, under media, for a while
    created_at = UTCDateTimeField(default=utcnow, index=True)

    class Meta:
        indexes = ((("camera", "created_at"), False),)

    @classmethod
    def counts(cls, camera_id: int, since: dt.datetime):
        """Per action since SINCE: how many (n), the mean score and the mean ms."""
        return (cls.select(cls.action, fn.COUNT(cls.id).alias("n"),
                           fn.AVG(cls.score).alias("mean_score"),
                           fn.AVG(cls.fast_ms + fn.COALESCE(cls.heavy_ms, 0)).alias("mean_ms"))
                .where(cls.camera == camera_id, cls.created_at >= since).group_by(cls.action))

    @classmethod
    def recent(cls, camera_id: int, limit: int = 50, before_id: int | None = None,
               bad_only: bool = False):
        """Newest first, keyed by id; BAD_ONLY keeps flagged and discarded frames."""
        query = cls.select().where(cls.camera == camera_id)
        if before_id is not None:
            query = query.where(cls.id < before_id)
        if bad_only:
            query = query.where(cls.action != "keep")
        return query.order_by(cls.id.desc()).limit(limit)

    @classmethod
    def window(cls, camera_id: int, size: int, since: dt.datetime | None = None) -> list[str]:
        """The actions of the camera's last SIZE evaluations (after SINCE), newest first."""
        query = cls.select(cls.action).where(cls.camera == camera_id)
        if since is not None:
            query = query.where(cls.created_at > since)
        return [row.action for row in query.order_by(cls.id.desc()).limit(size)]

    @classmethod
    def expired_quarantine(cls, before: dt.datetime, limit: int = 500):
        return (cls.select().where(cls.quarantine_path != "", cls.created_at < before)
                .order_by(cls.created_at).limit(limit))


# Quarantine clean-up finds the few rows holding a file without scanning every evaluation.
CorruptionEvaluation.add_index(
    CorruptionEvaluation.index(CorruptionEvaluation.created_at,
                               where=SQL("quarantine_path != ''"),
                               name="corruption_evaluation_quarantined")
)


Notification.add_index(Notification.index(Notification.key, Notification.created_at,
                                          name="notification_key_created_at"))

class OverlayPreset(BaseModel):
    """A custom overlay preset (the built-in ones live in pipelines.overlays, read-only)."""
    name = CharField(unique=True)
    config = JSONField(default=dict)  # pipelines.overlays.clean_config's shape
    created_at = UTCDateTimeField(default=utcnow)
    updated_at = UTCDateTimeField(default=utcnow)

    @classmethod
    def ordered(cls):
        return cls.select().order_by(cls.name, cls.id)


MODELS = [User, ApiToken, Setting, Camera, Timelapse, Image, Job, Event, LogEntry, Notification,
          Video, RenderRule, CorruptionEvaluation, OverlayPreset]


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
