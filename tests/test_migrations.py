"""Migrations build exactly the schema the models describe, and upgrade in place."""
from playhouse.schema_diff import diff_models

import models


def test_migrations_build_the_schema_the_models_describe(data_dir):
    drift = diff_models(models.db.obj, models.MODELS)
    assert not drift, f"models and migrations differ:\n{drift}"


def test_migrating_again_changes_nothing_and_keeps_data(data_dir):
    camera = models.Camera.create(name="Kept", url="demo://")
    assert models.migrate() == []
    assert models.Camera.get_by_id(camera.id).name == "Kept"


def test_the_database_enforces_one_active_timelapse_per_camera(data_dir):
    import pytest
    from peewee import IntegrityError
    camera = models.Camera.create(name="C", url="demo://")
    models.Timelapse.create(camera=camera, name="a", interval_seconds=5, status="running")
    models.Timelapse.create(camera=camera, name="old", interval_seconds=5, status="completed")
    with pytest.raises(IntegrityError), models.db.atomic():
        models.Timelapse.create(camera=camera, name="b", interval_seconds=5, status="paused")
