"""Overlays and weather (issue #6): the weather at capture on every frame, a timelapse's
overlay (a preset plus its own changes, optionally burned into saved frames), and the
custom overlay presets.

Frozen: it never imports models.py.
"""
from peewee import *

TIMELAPSE_COLUMNS = (
    ("overlay_preset", CharField(default="")),
    ("overlay", TextField(null=True)),
    ("overlay_burn_in", BooleanField(default=False)),
)


def up(migrator, db):
    migrator.migrate(migrator.add_column("image", "weather", TextField(null=True)))
    migrator.migrate(*(migrator.add_column("timelapse", name, field)
                       for name, field in TIMELAPSE_COLUMNS))

    class OverlayPreset(Model):
        name = CharField(unique=True)
        config = TextField(default='{}')
        created_at = DateTimeField()
        updated_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'overlay_preset'
    db.create_tables([OverlayPreset])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('overlay_preset'))
    migrator.migrate(*(migrator.drop_column("timelapse", name) for name, _ in TIMELAPSE_COLUMNS))
    migrator.migrate(migrator.drop_column("image", "weather"))
