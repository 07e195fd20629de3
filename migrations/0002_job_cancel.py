"""Jobs can be asked to stop: a running job sees the flag at its next progress report."""
from peewee import BooleanField


def up(migrator, db):
    migrator.migrate(migrator.add_column("job", "cancel_requested", BooleanField(default=False)))


def down(migrator, db):
    migrator.migrate(migrator.drop_column("job", "cancel_requested"))
