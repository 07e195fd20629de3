"""Operations (issue #7): application logs and sent notifications in the database, and the
indexes that retention, the capture timing view and the statistics read by.

Frozen: it never imports models.py.
"""
from peewee import *


def up(migrator, db):
    class LogEntry(Model):
        created_at = DateTimeField()
        level = IntegerField()
        source = CharField()
        logger = CharField()
        message = TextField()
        camera_id = IntegerField(null=True)
        timelapse_id = IntegerField(null=True)
        class Meta:
            database = db
            table_name = 'log_entry'
            indexes = ((('created_at',), False), (('camera_id', 'id'), False))
    db.create_tables([LogEntry])

    class Notification(Model):
        key = CharField()
        kind = CharField()
        title = CharField()
        body = TextField(default='')
        status = CharField(default='queued')
        error = TextField(default='')
        event_id = IntegerField(null=True)
        created_at = DateTimeField()
        sent_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'notification'
            indexes = ((('key', 'created_at'), False),)
    db.create_tables([Notification])

    db.execute_sql("CREATE INDEX IF NOT EXISTS event_created_at ON event (created_at)")
    db.execute_sql("CREATE INDEX IF NOT EXISTS event_timelapse_id ON event (timelapse_id, id)")
    db.execute_sql("CREATE INDEX IF NOT EXISTS event_camera_id ON event (camera_id, id)")
    db.execute_sql("CREATE INDEX IF NOT EXISTS image_captured_at ON image (captured_at)")


def down(migrator, db):
    for name in ("event_created_at", "event_timelapse_id", "event_camera_id",
                 "image_captured_at"):
        db.execute_sql(f"DROP INDEX IF EXISTS {name}")
    migrator.migrate(migrator.drop_table('notification'))
    migrator.migrate(migrator.drop_table('log_entry'))
