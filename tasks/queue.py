"""The Huey instances: SqliteHuey in the data dir by default, Redis when TL_REDIS_URL is set.

`huey` carries captures and short jobs; `render_huey` carries video renders only, consumed
by its own process (the Procfile's `render` line), so a render that takes an hour never
holds a worker a capture is waiting for.
"""
from __future__ import annotations

from huey import PriorityRedisHuey, SqliteHuey

import settings


def _make_huey(name: str, filename: str):
    conf = settings.current
    if conf.redis_url:
        # PriorityRedisHuey: plain RedisHuey ignores task priorities.
        return PriorityRedisHuey(name, url=conf.redis_url, results=False, utc=True)
    conf.data_dir.mkdir(parents=True, exist_ok=True)
    # A file of its own: the render consumer's polling never contends with the captures'.
    return SqliteHuey(name, filename=str(conf.data_dir / filename), results=False, utc=True)


huey = _make_huey("timelapser", settings.current.queue_path.name)
render_huey = _make_huey("timelapser-render", "render-queue.db")
