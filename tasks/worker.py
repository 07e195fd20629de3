"""What the Huey consumer loads: `huey_consumer tasks.worker.huey`.

Importing the task modules registers every task and the periodic tick with the instance.
"""
import logging

import models
import settings
from tasks import capture, jobs, schedule  # noqa: F401  (registers the tasks)
from tasks.queue import huey

models.init_db(settings.current.database_url)

# huey_consumer configures only the "huey" logger; the app's own lines need a handler too.
_handler = logging.StreamHandler()
_handler.setFormatter(logging.Formatter("[%(asctime)s] %(levelname)s:%(name)s: %(message)s"))
for _name in ("tasks", "pipelines"):
    logging.getLogger(_name).setLevel(logging.INFO)
    logging.getLogger(_name).addHandler(_handler)

__all__ = ["huey"]
