"""Videos (issue #5): rendered videos, each timelapse's render rule (settings and
automation), and a heartbeat on jobs so a long render is not taken for a dead one.

Frozen: it never imports models.py.
"""
from peewee import *


def up(migrator, db):
    class Timelapse(Model):
        class Meta:
            database = db
            table_name = 'timelapse'

    class Video(Model):
        timelapse = ForeignKeyField(Timelapse, on_delete='CASCADE')
        name = CharField()
        path = CharField()
        poster_path = CharField(default='')
        preview_path = CharField(default='')
        codec = CharField()
        width = IntegerField()
        height = IntegerField()
        frames = IntegerField()
        fps = FloatField()
        fps_clamped = BooleanField(default=False)
        duration = FloatField()
        bytes = IntegerField()
        settings = TextField(default='{}')
        trigger = CharField(default='manual')
        reason = TextField(default='')
        first_frame_at = DateTimeField(null=True)
        last_frame_at = DateTimeField(null=True)
        notes = TextField(default='[]')
        job_id = IntegerField(null=True)
        render_seconds = FloatField(default=0)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'video'
            indexes = ((('timelapse', 'id'), False),)
    db.create_tables([Video])

    class RenderRule(Model):
        timelapse = ForeignKeyField(Timelapse, unique=True, on_delete='CASCADE')
        settings = TextField(default='{}')
        every_frames = IntegerField(null=True)
        scheduled = CharField(default='')
        scheduled_time = CharField(default='')
        scheduled_weekday = IntegerField(default=0)
        after_capture = BooleanField(default=False)
        min_gap_minutes = IntegerField(default=15)
        on_completion = BooleanField(default=False)
        replace_automatic = BooleanField(default=True)
        next_render_at = DateTimeField(null=True)
        gap_render_at = DateTimeField(null=True)
        last_auto_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'render_rule'
    db.create_tables([RenderRule])

    migrator.migrate(migrator.add_column('job', 'heartbeat_at', DateTimeField(null=True)))


def down(migrator, db):
    migrator.migrate(migrator.drop_column('job', 'heartbeat_at'))
    migrator.migrate(migrator.drop_table('render_rule'))
    migrator.migrate(migrator.drop_table('video'))
