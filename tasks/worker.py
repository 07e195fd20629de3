"""What the Huey consumer loads: `huey_consumer tasks.worker.huey`.

Importing the task modules registers every task and the periodic tick with the instance.
"""
import logging

import models
import settings
from tasks import capture, jobs, logbook, notify, schedule  # noqa: F401  (registers the tasks)
from tasks import thumbnails as _thumbnails  # noqa: F401
from tasks.queue import huey

models.init_db(settings.current.database_url)

# huey_consumer configures only the "huey" logger; the app's own lines need a handler too.
_handler = logging.StreamHandler()
_handler.setFormatter(logging.Formatter("[%(asctime)s] %(levelname)s:%(name)s: %(message)s"))
for _name in ("tasks", "pipelines"):
    logging.getLogger(_name).setLevel(logging.INFO)
    logging.getLogger(_name).addHandler(_handler)

# The log lines also go to the database, in batches (secrets masked on every handler); a
# task's lines are written when it ends (each process worker has its own buffer).
logbook.install("worker")
huey.signal()(logbook.on_task_signal)

__all__ = ["huey"]
