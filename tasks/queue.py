"""The Huey instance: SqliteHuey in the data dir by default, Redis when TL_REDIS_URL is set."""
from __future__ import annotations

from huey import PriorityRedisHuey, SqliteHuey

import settings


def _make_huey():
    conf = settings.current
    if conf.redis_url:
        # PriorityRedisHuey: plain RedisHuey ignores task priorities.
        return PriorityRedisHuey("timelapser", url=conf.redis_url, results=False, utc=True)
    conf.data_dir.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("timelapser", filename=str(conf.queue_path), results=False, utc=True)


huey = _make_huey()

