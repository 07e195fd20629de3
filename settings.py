"""Configuration, read once from TL_* environment variables.

Parsing is strict: a malformed value stops the process at start-up with a message
naming the variable, instead of surfacing later as a confusing failure.
"""
from __future__ import annotations

import dataclasses
import os
import secrets
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class SettingsError(ValueError):
    """A TL_* variable holds a value the app cannot use."""


@dataclasses.dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    secret_key: str
    timezone: str
    latitude: float | None
    longitude: float | None
    admin_user: str
    admin_password: str
    demo_camera: bool
    capture_timeout: float
    disk_min_free_mb: int
    redis_url: str

    @property
    def media_dir(self) -> Path:
        return self.data_dir / "media"

    @property
    def queue_path(self) -> Path:
        return self.data_dir / "queue.db"

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def _float(env: dict, name: str, default: float | None, lo: float, hi: float) -> float | None:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a number, got {raw!r}") from None
    if not lo <= value <= hi:
        raise SettingsError(f"{name} must be between {lo} and {hi}, got {value}")
    return value


def _bool(env: dict, name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{name} must be true or false, got {raw!r}")


def _timezone(env: dict) -> str:
    name = env.get("TL_TIMEZONE", "").strip() or "UTC"
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError(f"TL_TIMEZONE is not a known time zone: {name!r}") from None
    return name


def _secret_key(env: dict, data_dir: Path) -> str:
    """TL_SECRET_KEY, or a random key kept in the data dir so sessions survive restarts."""
    if env.get("TL_SECRET_KEY"):
        return env["TL_SECRET_KEY"]
    path = data_dir / "secret_key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def from_env(env: dict | None = None) -> Settings:
    env = dict(os.environ if env is None else env)
    data_dir = Path(env.get("TL_DATA_DIR", "").strip() or "data").resolve()
    lat = _float(env, "TL_LATITUDE", None, -90, 90)
    lon = _float(env, "TL_LONGITUDE", None, -180, 180)
    if (lat is None) != (lon is None):
        raise SettingsError("TL_LATITUDE and TL_LONGITUDE must be set together")
    return Settings(
        data_dir=data_dir,
        database_url=env.get("TL_DATABASE_URL", "").strip()
        or f"sqlite:///{data_dir / 'timelapser.db'}",
        secret_key=_secret_key(env, data_dir),
        timezone=_timezone(env),
        latitude=lat,
        longitude=lon,
        admin_user=env.get("TL_ADMIN_USER", "").strip(),
        admin_password=env.get("TL_ADMIN_PASSWORD", ""),
        demo_camera=_bool(env, "TL_DEMO_CAMERA", True),
        capture_timeout=_float(env, "TL_CAPTURE_TIMEOUT", 10.0, 1, 120),
        disk_min_free_mb=int(_float(env, "TL_DISK_MIN_FREE_MB", 500, 0, 10**7)),
        redis_url=env.get("TL_REDIS_URL", "").strip(),
    )


current: Settings = from_env()


def configure(**changes) -> Settings:
    """Replace fields of the current settings (tests and the CLI use this)."""
    global current
    current = dataclasses.replace(current, **changes)
    return current
