"""What the Huey consumer loads: `huey_consumer tasks.worker.huey`.

Importing the task modules registers every task and the periodic tick with the instance.
"""
import models
import settings
from tasks import capture, jobs, schedule  # noqa: F401  (registers the tasks)
from tasks.queue import huey

models.init_db(settings.current.database_url)

__all__ = ["huey"]
