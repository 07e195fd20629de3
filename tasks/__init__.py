"""The Huey side: the queue, the scheduler (tasks/schedule.py, the only clock) and thin
task wrappers that call one pipeline each."""
