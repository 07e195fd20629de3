"""What the render consumer loads: `huey_consumer tasks.render_worker.huey` (the Procfile's
`render` line). It runs video renders only, one at a time, at a lower CPU priority, so a
long encode never holds a capture worker nor starves the captures of CPU on a small box.
"""
import logging
import os

import models
import settings
from tasks import schedule, videos  # noqa: F401  (schedule first: it loads the task modules)
from tasks.queue import render_huey as huey

NICENESS = 10  # ffmpeg inherits it: captures and the web keep their share of the CPU

models.init_db(settings.current.database_url)
os.nice(NICENESS)

_handler = logging.StreamHandler()
_handler.setFormatter(logging.Formatter("[%(asctime)s] %(levelname)s:%(name)s: %(message)s"))
for _name in ("tasks", "pipelines"):
    logging.getLogger(_name).setLevel(logging.INFO)
    logging.getLogger(_name).addHandler(_handler)

__all__ = ["huey"]
