"""Pure processing: frames in, files and results out.

Nothing here imports flask, huey, peewee, models or settings: every input is an
explicit argument and every failure a typed exception.
"""
