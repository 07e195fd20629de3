"""Frames get a small (viewer) variant beside the thumbnail: its path, relative to the media
dir, or '' while it is missing (made later by the repair or regenerate jobs)."""
from peewee import CharField


def up(migrator, db):
    migrator.migrate(migrator.add_column("image", "small_path", CharField(default="")))


def down(migrator, db):
    migrator.migrate(migrator.drop_column("image", "small_path"))
