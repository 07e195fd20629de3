"""Corruption detection (issue #3): a score and a flag on every frame, per-camera settings,
history and degraded mode, and one row per evaluation for statistics.

Frozen: it never imports models.py.
"""
from peewee import *

CAMERA_COLUMNS = (
    ("corruption", TextField(null=True)),
    ("corruption_history", TextField(null=True)),
    ("corrupt_streak", IntegerField(default=0)),
    ("corruption_degraded_at", DateTimeField(null=True)),
    ("corruption_note", TextField(default="")),
    ("corruption_disabled", BooleanField(default=False)),
    ("corruption_reset_at", DateTimeField(null=True)),
)


def up(migrator, db):
    migrator.migrate(*(migrator.add_column("camera", name, field)
                       for name, field in CAMERA_COLUMNS))
    migrator.migrate(migrator.add_column("image", "corruption_score", IntegerField(null=True)),
                     migrator.add_column("image", "flagged", BooleanField(default=False)))

    class Camera(Model):
        class Meta:
            database = db
            table_name = 'camera'

    class Timelapse(Model):
        class Meta:
            database = db
            table_name = 'timelapse'

    class Image(Model):
        class Meta:
            database = db
            table_name = 'image'

    class CorruptionEvaluation(Model):
        camera = ForeignKeyField(Camera, on_delete='CASCADE')
        timelapse = ForeignKeyField(Timelapse, null=True, on_delete='SET NULL')
        image = ForeignKeyField(Image, null=True, on_delete='SET NULL')
        slot_at = DateTimeField(null=True)
        attempt = IntegerField(default=0)
        score = IntegerField()
        action = CharField()
        failed = TextField(default='[]')
        fast_ms = FloatField(default=0)
        heavy_ms = FloatField(null=True)
        quarantine_path = CharField(default='')
        created_at = DateTimeField(index=True)
        class Meta:
            database = db
            table_name = 'corruption_evaluation'
            indexes = ((('camera', 'created_at'), False),)
    db.create_tables([CorruptionEvaluation])
    db.execute_sql(
        "CREATE INDEX corruption_evaluation_quarantined ON corruption_evaluation (created_at) "
        "WHERE quarantine_path != ''")


def down(migrator, db):
    migrator.migrate(migrator.drop_table('corruption_evaluation'))
    migrator.migrate(migrator.drop_column("image", "flagged"),
                     migrator.drop_column("image", "corruption_score"))
    migrator.migrate(*(migrator.drop_column("camera", name) for name, _ in CAMERA_COLUMNS))
