"""`flask --app wsgi ...` commands: init-db, api-token create."""
from __future__ import annotations

import click
from flask import Flask

import models
import settings
from tasks import schedule
from webapp import auth

DEMO_URL = "demo://"


def bootstrap() -> list[str]:
    """Migrate, create the admin from TL_ADMIN_* and the demo camera; returns what it did."""
    done = [f"migration {name} applied" for name in models.migrate()]
    conf = settings.current
    if conf.admin_user and conf.admin_password and not models.User.select().exists():
        auth.create_user(conf.admin_user, conf.admin_password)
        done.append(f"admin user {conf.admin_user!r} created")
    # Once only: a person who deletes the demo camera does not get it back on restart.
    if conf.demo_camera and not models.Setting.get_value("demo_camera_created"):
        camera = models.Camera.create(name="Demo camera", url=DEMO_URL)
        models.Setting.set_value("demo_camera_created", True)
        # Its connection test runs as soon as the consumer starts: the dashboard shows a
        # real picture at once, before anyone starts a timelapse.
        schedule.request_camera_test(camera.id)
        done.append("demo camera created")
    return done


def register(app: Flask) -> None:
    @app.cli.command("init-db")
    def init_db():
        """Create or upgrade the database; add the admin and the demo camera."""
        for line in bootstrap() or ["database is up to date"]:
            click.echo(line)

    tokens = click.Group("api-token", help="Manage API tokens.")

    @tokens.command("create")
    @click.argument("name")
    def create(name: str):
        """Create a token called NAME; the token is printed as the last line."""
        models.migrate()
        click.echo(f"API token {name!r} created. It is shown only once:")
        click.echo(auth.create_api_token(name))

    app.cli.add_command(tokens)
